package schema_test

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/formed-dev/formed/engine/schema"
	"github.com/formed-dev/formed/engine/schema/internal/schematest"
	"github.com/formed-dev/formed/registry"
)

// Data has the same name as schematest.Data.
type Data struct {
	Rows int `json:"rows"`
}

// ref has the name of the schema's own ref definition.
type ref struct {
	Name string `json:"name"`
}

// Tree refers to itself.
type Tree struct {
	Label    string `json:"label"`
	Children []Tree `json:"children,omitempty"`
}

// Base is embedded.
type Base struct {
	ID string `json:"id"`
}

type edgeArgs struct {
	Base
	Mine   Data            `json:"mine"`
	Theirs schematest.Data `json:"theirs"`
	Ref    ref             `json:"ref_arg"`
	Tree   *Tree           `json:"tree,omitempty"`
	When   time.Time       `json:"when,omitempty"`
	Any    any             `json:"any,omitempty"`
	Inline struct {
		X int `json:"x"`
	} `json:"inline"`
}

func TestGenerateEdgeCases(t *testing.T) {
	r := registry.New()
	registry.Add(r, "edge", func(context.Context, edgeArgs) (int, error) { return 0, nil })
	sch, defs := compileRegistry(t, r)
	for _, name := range []string{"Data", "schematest.Data", "ref", "schema_test.ref", "Tree"} {
		_, short := defs[name]
		found := short
		for k := range defs {
			if len(k) > len(name) && k[len(k)-len(name)-1:] == "."+name {
				found = true
			}
		}
		if !found {
			t.Errorf("no $defs entry for %s in %v", name, keys(defs))
		}
	}
	valid := `{"steps": {"e": {"type": "edge", "id": "i", "mine": {"rows": 1}, "theirs": {"path": "p"},
		"ref_arg": {"name": "n"}, "tree": {"label": "a", "children": [{"label": "b"}, {"type": "ref", "ref": "x"}]},
		"when": "2026-01-02T03:04:05Z", "any": [1, "two"], "inline": {"x": {"type": "ref", "ref": "e2"}}}}}`
	if err := sch.Validate(mustJSON(t, valid)); err != nil {
		t.Errorf("Validate(valid edge config) = %v", err)
	}
	for name, bad := range map[string]string{
		"mixed up same-named types": `{"steps": {"e": {"type": "edge", "id": "i", "mine": {"path": "p"}, "theirs": {"path": "p"}, "ref_arg": {"name": "n"}, "inline": {"x": 1}}}}`,
		"deep tree":                 `{"steps": {"e": {"type": "edge", "id": "i", "mine": {"rows": 1}, "theirs": {"path": "p"}, "ref_arg": {"name": "n"}, "inline": {"x": 1}, "tree": {"label": "a", "children": [{"label": 2}]}}}}`,
		"embedded field missing":    `{"steps": {"e": {"type": "edge", "mine": {"rows": 1}, "theirs": {"path": "p"}, "ref_arg": {"name": "n"}, "inline": {"x": 1}}}}`,
		"bad time":                  `{"steps": {"e": {"type": "edge", "id": "i", "mine": {"rows": 1}, "theirs": {"path": "p"}, "ref_arg": {"name": "n"}, "inline": {"x": 1}, "when": "yesterday"}}}`,
	} {
		if err := sch.Validate(mustJSON(t, bad)); err == nil {
			t.Errorf("Validate(%s) = nil, want an error", name)
		}
	}
}

func TestGenerateEmptyRegistry(t *testing.T) {
	sch, _ := compileRegistry(t, registry.New())
	if err := sch.Validate(mustJSON(t, `{"steps": {}}`)); err != nil {
		t.Errorf("Validate(no steps) = %v, want nil", err)
	}
	if err := sch.Validate(mustJSON(t, `{"steps": {"a": {"type": "add"}}}`)); err == nil {
		t.Error("Validate(a step of an empty registry) = nil, want an error")
	}
}

func compileRegistry(t *testing.T, r *registry.Registry) (*jsonschema.Schema, map[string]any) {
	t.Helper()
	data, err := schema.Generate(r, schema.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var root struct {
		Defs map[string]any `json:"$defs"`
	}
	if err := json.Unmarshal(data, &root); err != nil {
		t.Fatal(err)
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	if err := c.AddResource("file:///schema.json", doc); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile("file:///schema.json")
	if err != nil {
		t.Fatalf("compile: %v\n%s", err, data)
	}
	return sch, root.Defs
}

func mustJSON(t *testing.T, s string) any {
	t.Helper()
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader([]byte(s)))
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func keys(m map[string]any) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

type funcArgs struct {
	Callback func() `json:"callback"`
}

func TestGenerateUnsupportedType(t *testing.T) {
	r := registry.New()
	registry.Add(r, "cb", func(context.Context, funcArgs) (int, error) { return 0, nil })
	_, err := schema.Generate(r, schema.Options{})
	if err == nil || !strings.Contains(err.Error(), `step "cb"`) || !strings.Contains(err.Error(), "func()") {
		t.Errorf("Generate(step with a func argument) error = %v, want one naming the step and the type", err)
	}
}
