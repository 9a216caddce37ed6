// Package config evaluates a Jsonnet (or JSON) workflow config into its
// steps, keeping source positions so that every later error can say
// file:line:col.
//
// A config is an object with a steps object; each step is an object with a
// type naming a registered step, and that step's arguments:
//
//	{ steps: { sum: { type: 'add_two_integers', a: 1, b: 2 } } }
package config

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	jsonnet "github.com/google/go-jsonnet"
	"github.com/google/go-jsonnet/ast"

	"github.com/formed-dev/formed/internal/suggest"
)

// Options control evaluation.
type Options struct {
	// ExtStr and ExtCode are Jsonnet external variables (std.extVar).
	ExtStr  map[string]string
	ExtCode map[string]string
	// TLAStr and TLACode are top-level arguments, passed when the config
	// is a function: function(tokenizer='whitespace') { steps: ... }.
	TLAStr  map[string]string
	TLACode map[string]string
	// JPath lists library directories searched by import.
	JPath []string
	// Overrides is a Jsonnet snippet evaluating to an object whose keys are
	// dotted config paths and whose values replace what is there:
	// {"steps.train.lr": 0.1}. A path whose parent does not exist is an
	// error.
	Overrides string
}

// Config is an evaluated config.
type Config struct {
	// Path is the config file as given.
	Path string
	// Steps are the config's steps, in source order where known, then by
	// name.
	Steps []*Step
	// JSON is the evaluated config after overrides.
	JSON []byte

	// root is the evaluated config as decoded JSON, overrides applied.
	// After readSteps, step objects lack their type.
	root any
	pos  *resolver
}

// Step is one entry of the config's steps object.
type Step struct {
	Name string
	Type string
	// Args holds the step's arguments (every key but type) as decoded JSON:
	// map[string]any, []any, json.Number, string, bool and nil.
	Args map[string]any
	// Pos is where the step is defined, when known.
	Pos Pos
}

// Pos returns the best-known source position of a config path such as
// steps.train.lr: the deepest part of the path that Jsonnet's syntax tree
// shows literally.
func (c *Config) Pos(path ...string) Pos {
	if c.pos == nil {
		return Pos{}
	}
	return c.pos.pos(path)
}

// Load evaluates the config at path. Problems come back as Errors, all of
// them, each with a config path and source position where known.
func Load(path string, opts Options) (*Config, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, err
	}
	if _, err := os.Stat(abs); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, Errors{{Msg: fmt.Sprintf("config file %s does not exist", path), Hint: "check the path, relative to the current directory"}}
		}
		return nil, err
	}
	vm := jsonnet.MakeVM()
	vm.Importer(&jsonnet.FileImporter{JPaths: opts.JPath})
	for k, v := range opts.ExtStr {
		vm.ExtVar(k, v)
	}
	for k, v := range opts.ExtCode {
		vm.ExtCode(k, v)
	}
	for k, v := range opts.TLAStr {
		vm.TLAVar(k, v)
	}
	for k, v := range opts.TLACode {
		vm.TLACode(k, v)
	}
	// Import the path as given, so that positions name the file as the
	// user wrote it.
	node, _, err := vm.ImportAST("", path)
	if err != nil {
		return nil, Errors{jsonnetError(err, path)}
	}
	out, err := vm.Evaluate(node)
	if err != nil {
		return nil, Errors{jsonnetError(err, path)}
	}
	root, err := decodeJSON(out)
	if err != nil {
		return nil, Errors{{Msg: fmt.Sprintf("evaluating %s did not give JSON: %v", path, err)}}
	}
	c := &Config{Path: path, root: root, pos: &resolver{vm: vm, root: node, cache: map[ast.Node]map[string]field{}}}
	var errs Errors
	c.JSON = []byte(out)
	if opts.Overrides != "" {
		errs = append(errs, c.applyOverrides(vm, opts.Overrides)...)
		// Before readSteps, which takes the type out of each step.
		if c.JSON, err = json.Marshal(c.root); err != nil {
			return nil, err
		}
	}
	errs = append(errs, c.readSteps()...)
	if len(errs) > 0 {
		return nil, errs
	}
	return c, nil
}

// jsonnetError turns a go-jsonnet error into an Error with the innermost
// position it knows.
func jsonnetError(err error, path string) *Error {
	var rt jsonnet.RuntimeError
	if errors.As(err, &rt) {
		e := &Error{Msg: "jsonnet: " + rt.Msg, Err: err}
		if name, ok := strings.CutPrefix(rt.Msg, "Undefined external variable: "); ok {
			e.Hint = fmt.Sprintf("pass --ext-str %s=VALUE, or set it under ext_str in formed.yml", name)
		}
		if name, ok := strings.CutPrefix(rt.Msg, "Missing argument: "); ok {
			e.Hint = fmt.Sprintf("pass --tla-str %s=VALUE", name)
		}
		for _, f := range rt.StackTrace {
			if p := posOf(f.Loc); p.IsValid() {
				e.Pos = p
				break
			}
		}
		return e
	}
	var st interface {
		Loc() ast.LocationRange
		Error() string
	}
	if errors.As(err, &st) {
		e := &Error{Pos: posOf(st.Loc()), Msg: "jsonnet: " + staticMessage(st.Error(), st.Loc()), Err: err}
		if atEnd(st.Loc()) {
			e.Hint = "the file ends here, inside an object or array: a closing } or ] may be missing"
		}
		return e
	}
	return &Error{Msg: fmt.Sprintf("jsonnet: %v", err), Hint: "while evaluating " + path, Err: err}
}

// atEnd reports whether l starts past the last non-blank character of its
// file: where go-jsonnet reports a config left open.
func atEnd(l ast.LocationRange) bool {
	b, err := os.ReadFile(l.FileName)
	if err != nil || l.Begin.Line == 0 {
		return false
	}
	lines := strings.Split(strings.TrimRight(string(b), " \t\r\n"), "\n")
	last := len(lines)
	return l.Begin.Line > last || l.Begin.Line == last && l.Begin.Column > len(lines[last-1])
}

// staticMessage drops the "file:line:col " prefix go-jsonnet puts on static
// errors, since Error prints the position itself.
func staticMessage(msg string, loc ast.LocationRange) string {
	if rest, ok := strings.CutPrefix(msg, loc.FileName+":"); ok {
		if _, after, ok := strings.Cut(rest, " "); ok {
			return after
		}
	}
	return msg
}

func posOf(l ast.LocationRange) Pos {
	if l.FileName == "" || l.Begin.Line == 0 {
		return Pos{}
	}
	return Pos{File: l.FileName, Line: l.Begin.Line, Col: l.Begin.Column}
}

func (c *Config) readSteps() Errors {
	obj, ok := c.root.(map[string]any)
	if !ok {
		return Errors{{Pos: c.Pos(), Msg: fmt.Sprintf("a config is an object with a steps field, got %s", kindOf(c.root)),
			Hint: "write { steps: { name: { type: 'step_type', ... } } }"}}
	}
	var errs Errors
	for k := range obj {
		if k != "steps" && k != "$schema" {
			errs = append(errs, &Error{Path: k, Pos: c.Pos(k), Msg: "unknown top-level field",
				Hint: "a config has only steps and $schema; hide helpers with '::'"})
		}
	}
	steps, ok := obj["steps"].(map[string]any)
	if !ok {
		if _, present := obj["steps"]; !present {
			return append(errs, &Error{Pos: c.Pos(), Msg: "config has no steps field", Hint: "write { steps: { name: { type: 'step_type', ... } } }"})
		}
		return append(errs, &Error{Path: "steps", Pos: c.Pos("steps"), Msg: fmt.Sprintf("want an object of steps, got %s", kindOf(obj["steps"]))})
	}
	for name, v := range steps {
		p := "steps." + name
		o, ok := v.(map[string]any)
		if !ok {
			errs = append(errs, &Error{Path: p, Pos: c.Pos("steps", name), Msg: fmt.Sprintf("want a step object {type: ..., ...}, got %s", kindOf(v))})
			continue
		}
		typ, ok := o["type"].(string)
		if !ok {
			msg := "step has no type field"
			if t, present := o["type"]; present {
				msg = fmt.Sprintf("type: want a string naming a registered step, got %s", kindOf(t))
			}
			errs = append(errs, &Error{Path: p, Pos: c.Pos("steps", name), Msg: msg, Hint: "add type: 'step_type'; 'formed workflow steps' lists them"})
			continue
		}
		// The step object becomes its arguments: nothing else holds it.
		delete(o, "type")
		c.Steps = append(c.Steps, &Step{Name: name, Type: typ, Args: o, Pos: c.Pos("steps", name)})
	}
	slices.SortFunc(c.Steps, stepCmp)
	sort.SliceStable(errs, func(i, j int) bool { return errs[i].Path < errs[j].Path })
	return errs
}

// stepCmp orders steps by source position, then those without one by
// name in natural order (step2 before step10).
func stepCmp(a, b *Step) int {
	ap, bp := a.Pos, b.Pos
	if ap.IsValid() != bp.IsValid() {
		if ap.IsValid() {
			return -1
		}
		return 1
	}
	if ap.IsValid() {
		if c := cmp.Or(strings.Compare(ap.File, bp.File), cmp.Compare(ap.Line, bp.Line), cmp.Compare(ap.Col, bp.Col)); c != 0 {
			return c
		}
	}
	// Names equal but for leading zeros (s7, s007) still order, the same
	// way every time.
	return cmp.Or(naturalCmp(a.Name, b.Name), strings.Compare(a.Name, b.Name))
}

func naturalCmp(a, b string) int {
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		ca, cb := a[i], b[j]
		if isDigit(ca) && isDigit(cb) {
			si, sj := i, j
			for i < len(a) && isDigit(a[i]) {
				i++
			}
			for j < len(b) && isDigit(b[j]) {
				j++
			}
			na, nb := trimZeros(a[si:i]), trimZeros(b[sj:j])
			if len(na) != len(nb) {
				return cmp.Compare(len(na), len(nb))
			}
			if c := strings.Compare(na, nb); c != 0 {
				return c
			}
			continue
		}
		if ca != cb {
			return cmp.Compare(ca, cb)
		}
		i++
		j++
	}
	return cmp.Compare(len(a)-i, len(b)-j)
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

func trimZeros(s string) string {
	for len(s) > 1 && s[0] == '0' {
		s = s[1:]
	}
	return s
}

// StepNames returns the names of c's steps in order.
func (c *Config) StepNames() []string {
	out := make([]string, len(c.Steps))
	for i, s := range c.Steps {
		out[i] = s.Name
	}
	return out
}

// Step returns the step named name.
func (c *Config) Step(name string) (*Step, bool) {
	for _, s := range c.Steps {
		if s.Name == name {
			return s, true
		}
	}
	return nil, false
}

// UnknownStep returns the error for a step name not in c, with the nearest
// names suggested.
func (c *Config) UnknownStep(name, where string) *Error {
	return &Error{Path: where, Msg: fmt.Sprintf("no step named %q in %s", name, c.Path), Hint: suggest.Hint(name, c.StepNames())}
}

// KindOf names the JSON kind of a decoded value, for messages.
func KindOf(v any) string { return kindOf(v) }

func kindOf(v any) string {
	switch v := v.(type) {
	case nil:
		return "null"
	case bool:
		return "boolean"
	case json.Number, float64, int, int64:
		return "number"
	case string:
		return "string"
	case []any:
		return "array"
	case map[string]any:
		if t, ok := v["type"].(string); ok && t == "ref" {
			return "ref"
		}
		return "object"
	default:
		return fmt.Sprintf("%T", v)
	}
}
