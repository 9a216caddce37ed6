package steps_test

import (
	"encoding/json"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-jsonnet"

	"github.com/formed-dev/formed/registry"
)

// The engine is written elsewhere; these helpers stand in for it so the
// example config can be run here: evaluate the Jsonnet, then call each
// step through registry.Default in dependency order, replacing refs with
// results as the engine does (results pass through JSON, as a restored
// cache entry would).

type config struct {
	Steps map[string]map[string]any `json:"steps"`
}

func evalConfig(t *testing.T, path string, ext map[string]string) config {
	t.Helper()
	abs, err := filepath.Abs(path)
	if err != nil {
		t.Fatal(err)
	}
	vm := jsonnet.MakeVM()
	for k, v := range ext {
		vm.ExtVar(k, v)
	}
	out, err := vm.EvaluateFile(abs)
	if err != nil {
		t.Fatalf("evaluate %s: %v", path, err)
	}
	var c config
	if err := json.Unmarshal([]byte(out), &c); err != nil {
		t.Fatal(err)
	}
	return c
}

// execute runs the named steps (all when only is empty) and those they
// depend on, and returns every result and the directory that holds each
// step's work directory under its name.
func execute(t *testing.T, c config, only ...string) (results map[string]any, work string) {
	t.Helper()
	results, work = map[string]any{}, t.TempDir()
	var run func(name string, stack []string)
	run = func(name string, stack []string) {
		if _, done := results[name]; done {
			return
		}
		if slices.Contains(stack, name) {
			t.Fatalf("ref cycle: %v", append(stack, name))
		}
		args, ok := c.Steps[name]
		if !ok {
			t.Fatalf("no step %q (stack %v)", name, stack)
		}
		for _, dep := range refs(args) {
			run(strings.SplitN(dep, ".", 2)[0], append(stack, name))
		}
		results[name] = call(t, filepath.Join(work, name), name, resolve(t, args, results))
	}
	if len(only) == 0 {
		for name := range c.Steps {
			only = append(only, name)
		}
		slices.Sort(only)
	}
	for _, name := range only {
		run(name, nil)
	}
	return results, work
}

func refs(v any) []string {
	var out []string
	switch x := v.(type) {
	case map[string]any:
		if x["type"] == "ref" {
			return []string{x["ref"].(string)}
		}
		for _, c := range x {
			out = append(out, refs(c)...)
		}
	case []any:
		for _, c := range x {
			out = append(out, refs(c)...)
		}
	}
	return out
}

func resolve(t *testing.T, v any, results map[string]any) any {
	switch x := v.(type) {
	case map[string]any:
		if x["type"] == "ref" {
			path := strings.Split(x["ref"].(string), ".")
			r := results[path[0]]
			for _, k := range path[1:] {
				m, ok := r.(map[string]any)
				if !ok {
					t.Fatalf("ref %s: %v has no field %s", x["ref"], r, k)
				}
				r = m[k]
			}
			return r
		}
		out := map[string]any{}
		for k, c := range x {
			out[k] = resolve(t, c, results)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, c := range x {
			out[i] = resolve(t, c, results)
		}
		return out
	}
	return v
}

// call decodes args into the step's argument struct, rejecting unknown
// fields, runs the step and returns its result as generic JSON.
func call(t *testing.T, workDir, name string, args any) any {
	t.Helper()
	m := args.(map[string]any)
	typ := m["type"].(string)
	step, ok := registry.Default.Step(typ)
	if !ok {
		t.Fatalf("step %s: type %s is not registered", name, typ)
	}
	delete(m, "type")
	data, _ := json.Marshal(m)
	a := reflect.New(step.Args)
	dec := json.NewDecoder(strings.NewReader(string(data)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(a.Interface()); err != nil {
		t.Fatalf("step %s (%s): decode arguments: %v", name, typ, err)
	}
	ctx := registry.WithInfo(t.Context(), registry.Info{Name: name, Type: typ, WorkDir: workDir})
	res, err := step.Call(ctx, a.Elem().Interface())
	if err != nil {
		t.Fatalf("step %s (%s): %v", name, typ, err)
	}
	data, err = json.Marshal(res)
	if err != nil {
		t.Fatalf("step %s: encode result: %v", name, err)
	}
	var generic any
	if err := json.Unmarshal(data, &generic); err != nil {
		t.Fatal(err)
	}
	// The result type must take back its own JSON, as a cache restore does.
	back := reflect.New(step.Result)
	if err := json.Unmarshal(data, back.Interface()); err != nil {
		t.Fatalf("step %s: result does not decode into %s: %v", name, step.Result, err)
	}
	return generic
}
