package schema_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/formed-dev/formed/engine/schema"
)

// invalidConfigs are the configs under testdata/configs/invalid with where
// a validator should complain (a JSON pointer into the config) and what
// VS Code says there.
var invalidConfigs = map[string]struct {
	at     string // instance location reported by the Go validator
	editor string // the editor's diagnostic message
}{
	"bad_enum.json":           {"/steps/t/data/split", `Value is not accepted. Valid values: "train", "valid", "test".`},
	"bad_impl.json":           {"/steps/t/optimizer/type", `Value is not accepted. Valid values: "adam", "sgd", "ref".`},
	"impl_unknown_field.json": {"/steps/t/optimizer", "Property beta is not allowed."},
	"missing_arg.json":        {"/steps/sum", `Missing property "b".`},
	"misspelled_type.json":    {"/steps/t/type", `Value is not accepted. Valid values: "add", "data/load", "evaluate", "train".`},
	"nested_unknown.json":     {"/steps/t/data", "Property shuffle is not allowed."},
	"no_steps.json":           {"", `Missing property "steps".`},
	"out_of_bounds.json":      {"/steps/t/epochs", "Value is below the minimum of 1."},
	"ref_missing_name.json":   {"/steps/sum/a", `Missing property "ref".`},
	"step_not_object.json":    {"/steps/sum", `Incorrect type. Expected "object".`},
	"unknown_arg.json":        {"/steps/sum", "Property c is not allowed."},
	"unknown_root.json":       {"", "Property version is not allowed."},
	"wrong_type.json":         {"/steps/sum/a", `Incorrect type. Expected "integer".`},
}

func compile(t *testing.T, opts schema.Options) *jsonschema.Schema {
	t.Helper()
	data, err := schema.Generate(testRegistry(), opts)
	if err != nil {
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
		t.Fatalf("compile generated schema: %v", err)
	}
	return sch
}

func readConfig(t *testing.T, path string) any {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	v, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return v
}

func configFiles(t *testing.T, kind string) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("testdata", "configs", kind, "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no configs in testdata/configs/%s: %v", kind, err)
	}
	return files
}

func TestValidConfigsValidate(t *testing.T) {
	sch := compile(t, schema.Options{})
	for _, path := range configFiles(t, "valid") {
		t.Run(filepath.Base(path), func(t *testing.T) {
			if err := sch.Validate(readConfig(t, path)); err != nil {
				t.Errorf("Validate(%s) = %v, want nil", path, err)
			}
		})
	}
}

func TestInvalidConfigsFail(t *testing.T) {
	sch := compile(t, schema.Options{})
	files := configFiles(t, "invalid")
	if len(files) != len(invalidConfigs) {
		t.Errorf("testdata/configs/invalid has %d files, invalidConfigs %d entries", len(files), len(invalidConfigs))
	}
	for _, path := range files {
		name := filepath.Base(path)
		t.Run(name, func(t *testing.T) {
			want, ok := invalidConfigs[name]
			if !ok {
				t.Fatalf("no expectation for %s in invalidConfigs", name)
			}
			err := sch.Validate(readConfig(t, path))
			var ve *jsonschema.ValidationError
			if !errors.As(err, &ve) {
				t.Fatalf("Validate(%s) = %v, want a validation error", path, err)
			}
			at := leafLocations(ve)
			if !slices.Contains(at, want.at) {
				t.Errorf("Validate(%s) complains at %q, want at %q\n%v", path, at, want.at, err)
			}
		})
	}
}

// leafLocations returns the instance locations of the innermost errors.
func leafLocations(ve *jsonschema.ValidationError) []string {
	if len(ve.Causes) == 0 {
		loc := ""
		for _, tok := range ve.InstanceLocation {
			loc += "/" + strings.NewReplacer("~", "~0", "/", "~1").Replace(tok)
		}
		return []string{loc}
	}
	var out []string
	for _, c := range ve.Causes {
		out = append(out, leafLocations(c)...)
	}
	return out
}

func TestRefLimitedToStepNames(t *testing.T) {
	sch := compile(t, schema.Options{StepNames: []string{"fetch", "train", "eval", "sum"}})
	for _, path := range configFiles(t, "valid") {
		if err := sch.Validate(readConfig(t, path)); err != nil {
			t.Errorf("Validate(%s) with its step names = %v, want nil", path, err)
		}
	}
	bad := map[string]any{"steps": map[string]any{
		"sum": map[string]any{"type": "add", "a": 1, "b": map[string]any{"type": "ref", "ref": "nope.x"}},
	}}
	if err := sch.Validate(bad); err == nil {
		t.Error("Validate(ref to an unknown step) = nil, want an error")
	}
	good := map[string]any{"steps": map[string]any{
		"sum": map[string]any{"type": "add", "a": 1, "b": map[string]any{"type": "ref", "ref": "train.metrics.loss"}},
	}}
	if err := sch.Validate(good); err != nil {
		t.Errorf("Validate(ref to train.metrics.loss) = %v, want nil", err)
	}
}
