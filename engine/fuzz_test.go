package engine_test

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/formed-dev/formed/engine"
	"github.com/formed-dev/formed/engine/config"
)

// FuzzLoad feeds arbitrary configs through evaluation, binding and graph
// building: every outcome is a workflow or config.Errors, never a panic.
func FuzzLoad(f *testing.F) {
	for _, seed := range []string{
		chain,
		`{steps: {a: {type: 'add', a: 1, b: 2}}}`,
		`{steps: {a: {type: 'mul', x: {type: 'ref', ref: 'a'}}}}`,
		`{steps: {a: {type: 'area', shape: {type: 'rect', w: 2}}}}`,
		`{steps: {t: {type: 'sum', total: {type: 'ref', ref: 'x.y.0'}}, x: {type: 'stats', values: []}}}`,
		`{steps: [1, 2]}`,
		`{"$schema": 1, steps: {a: null}}`,
		`{steps: {a: {type: 'add', a: 1e400, b: -0}}}`,
		`{steps: {a: {type: 'ref', ref: ''}}}`,
		`local x = {a: 1}; x + {steps: {}}`,
	} {
		f.Add(seed)
	}
	fx := newFixture()
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, text string) {
		path := filepath.Join(dir, "fuzz.jsonnet")
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		wf, err := engine.Load(path, config.Options{}, fx.reg)
		if err != nil {
			var es config.Errors
			if !errors.As(err, &es) || len(es) == 0 {
				t.Fatalf("Load error %v (%T) is not config.Errors", err, err)
			}
			for _, e := range es {
				_ = e.Error()
				_ = e.Source()
			}
			return
		}
		if got, want := len(wf.Graph.Order(nil)), len(wf.Steps); got != want {
			t.Fatalf("order has %d steps, workflow %d", got, want)
		}
		if _, err := engine.MakePlan(t.Context(), wf, newMemory(), engine.PlanOptions{}); err != nil {
			t.Fatalf("MakePlan of a loaded workflow: %v", err)
		}
	})
}
