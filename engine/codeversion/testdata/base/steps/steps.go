// Package steps is a fixture: its steps' code versions are compared
// before and after one edit at a time.
package steps

import (
	"context"

	"example.com/fix/util"
	"example.com/other/lib"
	"github.com/formed-dev/formed/registry"
)

// Add adds and scales.
func Add(ctx context.Context, in NumArgs) (int, error) {
	return scale(in.A+in.B) + 1, nil
}

// Mul multiplies, scales and offsets.
func Mul(ctx context.Context, in NumArgs) (int, error) {
	return scale(in.A*in.B) + offset, nil
}

// Upper shouts through a package of the same module.
func Upper(ctx context.Context, in TextArgs) (string, error) {
	return util.Shout(in.S), nil
}

// Ext calls into another module.
func Ext(ctx context.Context, in TextArgs) (string, error) {
	return lib.Do(in.S), nil
}

// Counter counts; its method is a step.
type Counter struct{ N int }

// Count is registered as a method value.
func (c *Counter) Count(ctx context.Context, in TextArgs) (int, error) {
	return c.N + c.extra(in.S), nil
}

func (c *Counter) extra(s string) int { return len(s) }

func init() {
	sign := -1
	registry.Register("add", Add)
	registry.Register("mul", Mul)
	registry.Register("upper", Upper)
	registry.Register("ext", Ext)
	registry.Register("count", (&Counter{N: 1}).Count)
	registry.Register("sub", func(ctx context.Context, in NumArgs) (int, error) {
		return in.A - in.B, nil
	})
	registry.Register("repeat", repeat(2))
	registry.Register("neg", func(ctx context.Context, in NumArgs) (int, error) {
		return sign * in.A, nil
	})
}
