package engine_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/formed-dev/formed/engine"
	"github.com/formed-dev/formed/engine/config"
	"github.com/formed-dev/formed/organizers/memory"
	"github.com/formed-dev/formed/registry"
)

// The engine as a library: register steps, load a config, run it with a
// callback, read a result.
func Example() {
	reg := registry.New()
	type AddArgs struct {
		A int `json:"a"`
		B int `json:"b"`
	}
	registry.Add(reg, "add_two_integers", func(ctx context.Context, in AddArgs) (int, error) {
		return in.A + in.B, nil
	})

	dir, _ := os.MkdirTemp("", "example")
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "config.jsonnet")
	os.WriteFile(path, []byte(`{
	  steps: {
	    sum: { type: 'add_two_integers', a: 1, b: 2 },
	    again: { type: 'add_two_integers', a: { type: 'ref', ref: 'sum' }, b: 10 },
	  },
	}`), 0o644)

	wf, err := engine.Load(path, config.Options{}, reg)
	if err != nil {
		fmt.Println(err)
		return
	}
	org := memory.New()
	for range 2 {
		res, err := engine.Run(context.Background(), wf, engine.Options{
			Organizer: org,
			Callbacks: []engine.Callback{func(ev engine.Event) {
				if ev.Kind == engine.EventStepEnd {
					fmt.Println(ev.Step, ev.Status)
				}
			}},
		})
		if err != nil {
			fmt.Println(err)
			return
		}
		v, _ := res.Value(context.Background(), "again")
		fmt.Println("again =", v)
	}
	// Output:
	// sum completed
	// again completed
	// again = 13
	// sum cached
	// again cached
	// again = 13
}
