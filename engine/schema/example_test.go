package schema_test

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/formed-dev/formed/engine/schema"
	"github.com/formed-dev/formed/registry"
)

func ExampleGenerate() {
	type addArgs struct {
		A int `json:"a"`
		B int `json:"b,omitempty" jsonschema:"minimum=0"`
	}
	r := registry.New()
	registry.Add(r, "add", func(_ context.Context, in addArgs) (int, error) { return in.A + in.B, nil },
		registry.Description("add sums two integers."))

	data, err := schema.Generate(r, schema.Options{StepNames: []string{"x", "y"}})
	if err != nil {
		panic(err)
	}
	var s struct {
		Defs map[string]struct {
			Description string
			Required    []string
		} `json:"$defs"`
	}
	if err := json.Unmarshal(data, &s); err != nil {
		panic(err)
	}
	var names []string
	for name := range s.Defs {
		names = append(names, name)
	}
	slices.Sort(names)
	fmt.Println(names)
	fmt.Println(s.Defs["step:add"].Description, s.Defs["step:add"].Required)
	// Output:
	// [ref step step:add]
	// add sums two integers. [type a]
}
