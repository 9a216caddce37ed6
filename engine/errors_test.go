package engine_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/formed-dev/formed/engine"
	"github.com/formed-dev/formed/engine/config"
)

// TestConfigErrors checks every kind of config problem the engine reports
// before running: the message, the config path, the hint and the source
// position.
func TestConfigErrors(t *testing.T) {
	f := newFixture()
	tests := []struct {
		name   string
		config string
		want   []string // one line per expected error, "line:col: path: message (hint)" without the file
	}{
		{"unknown step type", `{
  steps: {
    sum: { type: 'ad', a: 1, b: 2 },
  },
}`, []string{`3:12: steps.sum.type: unknown step type "ad" (did you mean 'add'?)`}},
		{"unknown implementation", `{
  steps: {
    a: { type: 'area', shape: { type: 'squar', side: 2 } },
  },
}`, []string{`3:33: steps.a.shape.type: unknown implementation "squar" of engine_test.Shape (did you mean 'square'?)`}},
		{"unknown ref target", `{
  steps: {
    sum: { type: 'add', a: 1, b: 2 },
    d: { type: 'mul', x: { type: 'ref', ref: 'smu' } },
  },
}`, []string{`4:23: steps.d.x: ref to unknown step "smu" (did you mean 'sum'?)`}},
		{"cycle", `{
  steps: {
    a: { type: 'mul', x: { type: 'ref', ref: 'c' } },
    b: { type: 'mul', x: { type: 'ref', ref: 'a' } },
    c: { type: 'mul', x: { type: 'ref', ref: 'b' } },
  },
}`, []string{`3:5: steps.a: cycle: a -> b -> c -> a (a step cannot depend on its own result; break the cycle)`}},
		{"self ref", `{
  steps: {
    a: { type: 'mul', x: { type: 'ref', ref: 'a' } },
  },
}`, []string{`3:5: steps.a: cycle: a -> a (a step cannot depend on its own result; break the cycle)`}},
		{"missing required argument", `{
  steps: {
    sum: { type: 'add', a: 1 },
  },
}`, []string{`3:5: steps.sum.b: missing required argument (integer)`}},
		{"unknown argument", `{
  steps: {
    sum: { type: 'add', a: 1, b: 2, bb: 3 },
  },
}`, []string{`3:37: steps.sum.bb: unknown argument (did you mean 'b'?)`}},
		{"type mismatch", `{
  steps: {
    m: { type: 'mul', x: '0.1' },
  },
}`, []string{`3:23: steps.m.x: want number, got string (remove the quotes)`}},
		{"field ref into missing field", `{
  steps: {
    st: { type: 'stats', values: [1] },
    t: { type: 'sum', total: { type: 'ref', ref: 'st.totl' } },
  },
}`, []string{`4:23: steps.t.total: ref st.totl: result type engine_test.stats has no field "totl" (did you mean 'total'?)`}},
		{"field ref of wrong type", `{
  steps: {
    st: { type: 'stats', values: [1] },
    t: { type: 'sum', total: { type: 'ref', ref: 'st.parts' } },
  },
}`, []string{`4:23: steps.t.total: ref st.parts: gives array ([]int), want number (int)`}},
		{"all problems at once", `{
  steps: {
    a: { type: 'add', a: 'x', b: 2 },
    b: { type: 'nope' },
    c: { type: 'mul', x: { type: 'ref', ref: 'zz' } },
  },
}`, []string{
			`3:23: steps.a.a: want integer, got string`,
			`4:10: steps.b.type: unknown step type "nope" (known: 'add', 'area', 'fail', 'mul', 'stats', 'sum')`,
			`5:23: steps.c.x: ref to unknown step "zz"`,
		}},
		{"jsonnet syntax", "{ steps: { a: { type: 'add', a: 1,, } } }", []string{`1:35: jsonnet: Unexpected: "," while parsing field definition`}},
		{"unclosed object", "{ steps: { a: { type: 'add', a: 1, b: 2 } }\n\n", []string{`3:1: jsonnet: Expected a comma before next field (the file ends here, inside an object or array: a closing } or ] may be missing)`}},
		{"jsonnet runtime", "{ steps: { a: { type: 'add', a: std.extVar('x'), b: 1 } } }", []string{
			`1:33: jsonnet: Undefined external variable: x (pass --ext-str x=VALUE, or set it under ext_str in formed.yml)`}},
		{"no steps", "{ stpes: {} }", []string{`1:3: stpes: unknown top-level field (a config has only steps and $schema; hide helpers with '::')`, `1:1: config has no steps field`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := writeConfig(t, tt.config)
			_, err := engine.Load(path, config.Options{}, f.reg)
			var es config.Errors
			if !errors.As(err, &es) {
				t.Fatalf("Load error = %v (%T), want config.Errors", err, err)
			}
			var got []string
			for _, e := range es {
				line := e.Error()
				line = strings.TrimPrefix(line, path+":")
				got = append(got, line)
			}
			if len(got) != len(tt.want) {
				t.Fatalf("got %d errors, want %d:\n%s", len(got), len(tt.want), strings.Join(got, "\n"))
			}
			for i := range got {
				if !strings.HasPrefix(got[i], tt.want[i]) {
					t.Errorf("error %d:\n got %s\nwant %s", i, got[i], tt.want[i])
				}
			}
		})
	}
}

func TestErrorSourceExcerpt(t *testing.T) {
	f := newFixture()
	path := writeConfig(t, "{\n  steps: {\n    m: { type: 'mul', x: '0.1' },\n  },\n}\n")
	_, err := engine.Load(path, config.Options{}, f.reg)
	var es config.Errors
	if !errors.As(err, &es) {
		t.Fatal(err)
	}
	want := "    3 |     m: { type: 'mul', x: '0.1' },\n" + strings.Repeat(" ", 8+22) + "^"
	if got := es[0].Source(); got != want {
		t.Errorf("Source() =\n%s\nwant\n%s", got, want)
	}
}

func TestOverrides(t *testing.T) {
	f := newFixture()
	path := writeConfig(t, chain)
	wf, err := engine.Load(path, config.Options{Overrides: `{"steps.sum.a": 10, "steps.st.values.0": 7}`}, f.reg)
	if err != nil {
		t.Fatal(err)
	}
	res, err := engine.Run(t.Context(), wf, engine.Options{Organizer: newMemory()})
	if err != nil {
		t.Fatal(err)
	}
	v, _ := res.Value(t.Context(), "sum")
	if v.(int) != 12 {
		t.Errorf("sum with override = %v, want 12", v)
	}
	for _, tc := range []struct{ overrides, want string }{
		{`{"steps.smu.a": 1}`, `steps.smu matches nothing: no field "smu" (did you mean 'sum'?)`},
		{`{"steps.st.values.9": 1}`, `steps.st.values.9 matches nothing: "9" is not an index of a list of 3`},
		{`[1]`, `want an object of dotted paths, got array`},
	} {
		_, err := engine.Load(path, config.Options{Overrides: tc.overrides}, f.reg)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("overrides %s: err = %v, want it to contain %q", tc.overrides, err, tc.want)
		}
	}
}

func TestSchemaKeyAllowed(t *testing.T) {
	f := newFixture()
	path := writeConfig(t, `{"$schema": "./schema.json", steps: {s: {type: 'add', a: 1, b: 2}}}`)
	if _, err := engine.Load(path, config.Options{}, f.reg); err != nil {
		t.Fatal(err)
	}
}

func ExampleLoad_errors() {
	_, err := engine.Load("testdata/typo.jsonnet", config.Options{}, newFixture().reg)
	fmt.Println(err)
	// Output:
	// testdata/typo.jsonnet:4:25: steps.sum.bb: unknown argument (did you mean 'b'?)
}
