package schema_test

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/formed-dev/formed/engine/schema"
	"github.com/formed-dev/formed/engine/schema/editortest"
)

// TestEditor checks what VS Code's JSON engine shows for the test
// registry's schema: completions, hovers and diagnostics.
func TestEditor(t *testing.T) {
	if testing.Short() {
		t.Skip("runs node")
	}
	dir := t.TempDir()
	data, err := schema.Generate(testRegistry(), schema.Options{})
	if err != nil {
		t.Fatal(err)
	}
	schemaPath := filepath.Join(dir, "schema.json")
	if err := os.WriteFile(schemaPath, data, 0o644); err != nil {
		t.Fatal(err)
	}
	ed := editortest.Setup(t, schemaPath)

	step := func(body string) string { return `{"steps": {"x": {` + body + `}}}` }
	complete := map[string]struct {
		text string
		want []string
	}{
		"type":          {step(`"type": "|"`), []string{`"add"`, `"data/load"`, `"evaluate"`, `"train"`}},
		"type_unquoted": {step(`"type": |`), []string{`"add"`, `"data/load"`, `"evaluate"`, `"train"`}},
		"no_type_yet":   {step(`|`), []string{"type"}},
		"args_add":      {step(`"type": "add", |`), []string{"a", "b"}},
		"args_train":    {step(`"type": "train", |`), []string{"Seed", "data", "device", "epochs", "optimizer", "tags", "weights"}},
		"args_evaluate": {step(`"type": "evaluate", |`), []string{"data", "metrics", "model"}},
		"args_load":     {step(`"type": "data/load", |`), []string{"retries", "url"}},
		"args_left":     {step(`"type": "add", "a": 1, |`), []string{"b"}},
		"nested":        {step(`"type": "train", "data": {|}`), []string{"filter", "path", "split"}},
		"impl_type":     {step(`"type": "train", "optimizer": {"type": |}`), []string{`"adam"`, `"ref"`, `"sgd"`}},
		"impl_args":     {step(`"type": "train", "optimizer": {"type": "sgd", |}`), []string{"lr", "momentum", "nesterov"}},
		"enum_value":    {step(`"type": "train", "data": {"split": |}`), []string{`"test"`, `"train"`, `"valid"`}},
		"ref_fields":    {step(`"type": "add", "a": {"type": "ref", |}`), []string{"ref"}},
	}
	hover := map[string]struct {
		text string
		want string
	}{
		"arg":        {step(`"type": "train", "ep|ochs": 3`), "Epochs is the number of passes over the data."},
		"nested_arg": {step(`"type": "train", "data": {"pa|th": "p"}`), "Path is where the data set lives."},
		"impl_arg":   {step(`"type": "train", "optimizer": {"type": "sgd", "mo|mentum": 0.5}`), "Momentum damps oscillations."},
		"step_type":  {step(`"ty|pe": "add"`), "add returns the sum of two integers."},
		"type_value": {step(`"type": "tr|ain"`), "train fits a model to data."},
		// A field's own doc, not its type's, though the type has one.
		"struct_field": {step(`"type": "train", "da|ta": {"path": "p"}`), "Data is the training data."},
		"iface_field":  {step(`"type": "train", "opti|mizer": {"type": "adam"}`), "Optimizer updates the weights."},
		"ref_valued":   {step(`"type": "train", "ep|ochs": {"type": "ref", "ref": "n"}`), "Epochs is the number of passes over the data."},
		"impl_value":   {step(`"type": "train", "optimizer": {"type": "a|dam"}`), "adam is the Adam optimizer."},
		"no_json_tag":  {step(`"type": "train", "Se|ed": 1`), "Seed seeds the random number generator; it has no json tag."},
	}

	var queries []editortest.Query
	for id, c := range complete {
		queries = append(queries, editortest.Query{ID: "complete/" + id, Op: "complete", Text: c.text})
	}
	for id, h := range hover {
		queries = append(queries, editortest.Query{ID: "hover/" + id, Op: "hover", Text: h.text})
	}
	for _, kind := range []string{"valid", "invalid"} {
		for _, src := range configFiles(t, kind) {
			b, err := os.ReadFile(src)
			if err != nil {
				t.Fatal(err)
			}
			// Beside schema.json, so that "$schema": "./schema.json" resolves.
			dst := filepath.Join(dir, kind+"_"+filepath.Base(src))
			if err := os.WriteFile(dst, b, 0o644); err != nil {
				t.Fatal(err)
			}
			queries = append(queries, editortest.Query{ID: kind + "/" + filepath.Base(src), Op: "validate", File: dst})
		}
	}
	got := ed.Run(t, queries...)

	// As the lead's test over examples/*/*.jsonnet would: valid configs
	// whose "$schema" points elsewhere, checked against this schema.
	ed.Validate(t, configFiles(t, "valid")...)
	ed.ValidateJSON(t, map[string][]byte{"examples/add": []byte(`{"steps": {"s": {"type": "add", "a": 1, "b": 2}}}`)})
	rec := &recorder{TB: t}
	ed.ValidateJSON(rec, map[string][]byte{"examples/bad": []byte(`{"steps": {"s": {"type": "add", "a": 1}}}`)})
	if len(rec.errs) != 1 || !strings.Contains(rec.errs[0], `Missing property "b".`) {
		t.Errorf("ValidateJSON(a config missing b) reported %q, want one error about b", rec.errs)
	}

	for id, c := range complete {
		t.Run("complete/"+id, func(t *testing.T) {
			if g := got["complete/"+id].Completions; !slices.Equal(g, c.want) {
				t.Errorf("completions at %s\ngot  %q\nwant %q", c.text, g, c.want)
			}
		})
	}
	for id, h := range hover {
		t.Run("hover/"+id, func(t *testing.T) {
			// Hovers are Markdown: the engine escapes punctuation.
			g := strings.ReplaceAll(got["hover/"+id].Hover, `\`, "")
			if g != h.want {
				t.Errorf("hover at %s\ngot  %q\nwant %q", h.text, g, h.want)
			}
		})
	}
	for _, src := range configFiles(t, "valid") {
		id := "valid/" + filepath.Base(src)
		t.Run(id, func(t *testing.T) {
			if d := got[id].Diagnostics; len(d) != 0 {
				t.Errorf("diagnostics for %s: got %v, want none", src, d)
			}
		})
	}
	for _, src := range configFiles(t, "invalid") {
		name := filepath.Base(src)
		t.Run("invalid/"+name, func(t *testing.T) {
			var msgs []string
			for _, d := range got["invalid/"+name].Diagnostics {
				msgs = append(msgs, d.Message)
			}
			if want := invalidConfigs[name].editor; !slices.Equal(msgs, []string{want}) {
				t.Errorf("diagnostics for %s\ngot  %q\nwant [%q]", src, msgs, want)
			}
		})
	}
}

// TestEditorStepNames checks that with Options.StepNames the editor
// completes ref values with the config's step names and flags others.
func TestEditorStepNames(t *testing.T) {
	if testing.Short() {
		t.Skip("runs node")
	}
	data, err := schema.Generate(testRegistry(), schema.Options{StepNames: []string{"load", "sum"}})
	if err != nil {
		t.Fatal(err)
	}
	schemaPath := filepath.Join(t.TempDir(), "schema.json")
	if err := os.WriteFile(schemaPath, data, 0o644); err != nil {
		t.Fatal(err)
	}
	ed := editortest.Setup(t, schemaPath)
	const prefix = `{"steps": {"load": {"type": "data/load", "url": "u"}, "sum": {"type": "add", "a": 1, "b": {"type": "ref", "ref": `
	got := ed.Run(t,
		editortest.Query{ID: "complete", Op: "complete", Text: prefix + `|}}}}`},
		editortest.Query{ID: "good", Op: "validate", Text: prefix + `"load.rows"}}}}`},
		editortest.Query{ID: "bad", Op: "validate", Text: prefix + `"lod"}}}}`},
	)
	if g, want := got["complete"].Completions, []string{`"load"`, `"sum"`}; !slices.Equal(g, want) {
		t.Errorf("ref completions: got %q, want %q", g, want)
	}
	if d := got["good"].Diagnostics; len(d) != 0 {
		t.Errorf("ref to load.rows: got diagnostics %v, want none", d)
	}
	var msgs []string
	for _, d := range got["bad"].Diagnostics {
		msgs = append(msgs, d.Message)
	}
	if want := []string{"ref must name a step of this config (load, sum), optionally followed by .field"}; !slices.Equal(msgs, want) {
		t.Errorf("ref to lod: got %q, want %q", msgs, want)
	}
}

// recorder keeps the errors reported to it.
type recorder struct {
	testing.TB
	errs []string
}

func (r *recorder) Errorf(format string, args ...any) {
	r.errs = append(r.errs, fmt.Sprintf(format, args...))
}
