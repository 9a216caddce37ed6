package codeversion_test

import (
	"context"
	"fmt"

	"github.com/formed-dev/formed/engine/codeversion"
	"github.com/formed-dev/formed/registry"
)

type greetArgs struct{ Name string }

func greet(ctx context.Context, in greetArgs) (string, error) { return "hello " + in.Name, nil }

func ExampleResolver_Of() {
	reg := registry.New()
	registry.Add(reg, "greet", greet)
	registry.Add(reg, "pinned", greet, registry.Version("2"))

	r := codeversion.New()
	r.Warn = func(msg string) { fmt.Println("warning:", msg) } // the CLI prints warnings
	for _, s := range reg.Steps() {
		v := r.Of(s)
		fmt.Println(s.Name, v.Source, len(v.Hash))
	}
	// Output:
	// greet source 64
	// pinned option 1
}
