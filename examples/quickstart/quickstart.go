// Package quickstart holds the steps of the quickstart example: formed's
// add-two-integers, and a small chain that shows field refs.
package quickstart

//go:generate go run github.com/formed-dev/formed generate

import (
	"context"
	"fmt"
	"math"

	"github.com/formed-dev/formed/registry"
)

// AddArgs are the arguments of add_two_integers.
type AddArgs struct {
	// A is the first addend.
	A int `json:"a"`
	// B is the second addend.
	B int `json:"b"`
}

// ScaleArgs are the arguments of scale.
type ScaleArgs struct {
	// X is the number to scale.
	X float64 `json:"x"`
	// Factor multiplies X.
	Factor float64 `json:"factor" jsonschema:"default=2"`
}

// SeriesArgs are the arguments of series.
type SeriesArgs struct {
	// Start is the first term.
	Start float64 `json:"start"`
	// Count is how many terms to make.
	Count int `json:"count" jsonschema:"minimum=1,maximum=1000"`
	// Ratio between successive terms.
	Ratio float64 `json:"ratio" jsonschema:"default=1.5"`
}

// Series is a geometric series and its summary.
type Series struct {
	// Terms are the terms of the series.
	Terms []float64 `json:"terms"`
	// Stats summarises the terms.
	Stats Stats `json:"stats"`
}

// Stats summarises a list of numbers.
type Stats struct {
	Sum  float64 `json:"sum"`
	Mean float64 `json:"mean"`
	Max  float64 `json:"max"`
}

// ReportArgs are the arguments of report.
type ReportArgs struct {
	// Title heads the report.
	Title string `json:"title"`
	// Values are named numbers to list.
	Values map[string]float64 `json:"values"`
}

func init() {
	// An explicit version: its code version is "1" until someone bumps it,
	// whatever the code says. The other steps get theirs from their source.
	registry.Register("add_two_integers", func(ctx context.Context, in AddArgs) (int, error) {
		return in.A + in.B, nil
	}, registry.Version("1"), registry.Description("Adds two integers."))

	registry.Register("scale", func(ctx context.Context, in ScaleArgs) (float64, error) {
		return in.X * in.Factor, nil
	}, registry.Description("Multiplies x by factor."))

	registry.Register("series", func(ctx context.Context, in SeriesArgs) (Series, error) {
		if in.Count < 1 {
			return Series{}, fmt.Errorf("count must be at least 1, got %d", in.Count)
		}
		s := Series{Terms: make([]float64, in.Count), Stats: Stats{Max: math.Inf(-1)}}
		t := in.Start
		for i := range s.Terms {
			s.Terms[i] = t
			s.Stats.Sum += t
			s.Stats.Max = max(s.Stats.Max, t)
			t *= in.Ratio
		}
		s.Stats.Mean = s.Stats.Sum / float64(in.Count)
		registry.Logger(ctx).Info("series made", "terms", in.Count, "sum", s.Stats.Sum)
		return s, nil
	}, registry.Description("Makes a geometric series and summarises it."))

	registry.Register("report", func(ctx context.Context, in ReportArgs) (string, error) {
		out := in.Title + "\n"
		for _, k := range sortedKeys(in.Values) {
			out += fmt.Sprintf("  %-8s %10.3f\n", k, in.Values[k])
		}
		return out, nil
	}, registry.Format("text"), registry.Description("Formats named numbers as a text report."))
}

func sortedKeys(m map[string]float64) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	for i := 1; i < len(keys); i++ {
		for j := i; j > 0 && keys[j] < keys[j-1]; j-- {
			keys[j], keys[j-1] = keys[j-1], keys[j]
		}
	}
	return keys
}
