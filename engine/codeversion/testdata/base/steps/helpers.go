package steps

import (
	"context"
	"strings"
)

// NumArgs are two numbers.
type NumArgs struct {
	A, B int
}

// TextArgs are a string.
type TextArgs struct {
	S string
}

const offset = 10

func scale(x int) int {
	return x * factor
}

var factor = 2

// unrelated is called by no step.
func unrelated() string {
	return "nobody calls me"
}

func repeat(n int) func(context.Context, TextArgs) (string, error) {
	sep := ","
	return func(ctx context.Context, in TextArgs) (string, error) {
		return strings.Repeat(in.S+sep, n), nil
	}
}
