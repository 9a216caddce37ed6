// Package schematest registers steps and implementations that exercise
// every feature of the schema generator: nested structs, an interface
// argument with two implementations, enums, bounds, defaults, optional
// arguments, doc comments, and a step name with a slash.
package schematest

import (
	"context"

	"github.com/formed-dev/formed/registry"
)

// Optimizer updates a model's weights.
type Optimizer interface {
	Update(grad float64) float64
}

// Adam is the Adam optimizer.
type Adam struct {
	// LR is the learning rate.
	LR float64 `json:"lr" jsonschema:"exclusiveMinimum=0,maximum=1"`
	// Betas are the decay rates of the moment estimates.
	Betas []float64 `json:"betas"`
}

// Update implements Optimizer.
func (a Adam) Update(g float64) float64 { return a.LR * g }

// SGD is stochastic gradient descent.
type SGD struct {
	// LR is the learning rate.
	LR float64 `json:"lr"`
	// Momentum damps oscillations.
	Momentum float64 `json:"momentum,omitempty" jsonschema:"minimum=0,maximum=1"`
	// Nesterov switches to Nesterov momentum.
	Nesterov bool `json:"nesterov,omitempty"`
}

// Update implements Optimizer.
func (s *SGD) Update(g float64) float64 { return s.LR * g }

// Data locates a data set.
type Data struct {
	// Path is where the data set lives.
	Path string `json:"path"`
	// Split selects a part of the data set.
	Split string `json:"split,omitempty" jsonschema:"enum=train,enum=valid,enum=test,default=train"`
	// Filter drops examples.
	Filter *Filter `json:"filter,omitempty"`
}

// Filter keeps examples whose length is in bounds.
type Filter struct {
	// MinLen is the shortest length kept.
	MinLen int `json:"min_len" jsonschema:"minimum=0"`
	// MaxLen is the longest length kept.
	MaxLen int `json:"max_len,omitempty" jsonschema:"minimum=1"`
}

// TrainArgs are the arguments of train.
type TrainArgs struct {
	// Data is the training data.
	Data Data `json:"data"`
	// Optimizer updates the weights.
	Optimizer Optimizer `json:"optimizer"`
	// Epochs is the number of passes over the data.
	Epochs int `json:"epochs" jsonschema:"minimum=1,maximum=1000,default=10"`
	// Device runs the training; it does not change the result.
	Device string `json:"device,omitempty" formed:"ignore" jsonschema:"enum=cpu,enum=cuda"`
	// Tags label the run.
	Tags []string `json:"tags,omitempty"`
	// Weights scales named losses.
	Weights map[string]float64 `json:"weights,omitempty"`
	// Seed seeds the random number generator; it has no json tag.
	Seed int64
	// Secret never comes from a config.
	Secret string `json:"-"`
}

// Model is a trained model.
type Model struct{ Weights []float64 }

// EvalArgs are the arguments of evaluate.
type EvalArgs struct {
	// Model is the model to evaluate, usually a ref to a train step.
	Model Model `json:"model"`
	// Data is the evaluation data.
	Data Data `json:"data"`
	// Metrics are computed on the data.
	Metrics []string `json:"metrics,omitempty"`
}

// AddArgs are two integers.
type AddArgs struct {
	// A is the first term.
	A int `json:"a"`
	// B is the second term.
	B int `json:"b"`
}

// LoadArgs are the arguments of data/load.
type LoadArgs struct {
	// URL is fetched.
	URL string `json:"url"`
	// Retries is how often a failed fetch is retried.
	Retries int `json:"retries,omitempty" jsonschema:"minimum=0,maximum=10"`
}

// Register adds the steps and implementations to r.
func Register(r *registry.Registry) {
	registry.Add(r, "add", func(_ context.Context, in AddArgs) (int, error) { return in.A + in.B, nil },
		registry.Description("add returns the sum of two integers."))
	registry.Add(r, "train", func(_ context.Context, in TrainArgs) (Model, error) { return Model{}, nil },
		registry.Description("train fits a model to data."))
	registry.Add(r, "evaluate", func(_ context.Context, in EvalArgs) (map[string]float64, error) { return nil, nil })
	registry.Add(r, "data/load", func(_ context.Context, in LoadArgs) ([]byte, error) { return nil, nil },
		registry.Description("data/load fetches a URL."))
	registry.AddImpl[Optimizer](r, "adam", Adam{LR: 0.001, Betas: []float64{0.9, 0.999}},
		registry.Description("adam is the Adam optimizer."))
	registry.AddImpl[Optimizer](r, "sgd", &SGD{LR: 0.01})
}
