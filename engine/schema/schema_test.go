package schema_test

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/formed-dev/formed/engine/schema"
	"github.com/formed-dev/formed/engine/schema/internal/schematest"
	"github.com/formed-dev/formed/registry"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

func testRegistry() *registry.Registry {
	r := registry.New()
	schematest.Register(r)
	return r
}

func TestGenerateGolden(t *testing.T) {
	for _, tc := range []struct {
		name string
		opts schema.Options
	}{
		{"schema.json", schema.Options{}},
		{"schema_stepnames.json", schema.Options{StepNames: []string{"train", "eval", "data"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := schema.Generate(testRegistry(), tc.opts)
			if err != nil {
				t.Fatal(err)
			}
			path := filepath.Join("testdata", tc.name)
			if *update {
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("Generate differs from %s; run go test -update and review the diff\ngot:\n%s", path, got)
			}
		})
	}
}

func TestGenerateDeterministic(t *testing.T) {
	first, err := schema.Generate(testRegistry(), schema.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for range 5 {
		again, err := schema.Generate(testRegistry(), schema.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(first, again) {
			t.Fatal("two runs of Generate differ")
		}
	}
}
