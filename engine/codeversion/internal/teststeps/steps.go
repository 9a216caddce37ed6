// Package teststeps holds steps of every shape for the tests of package
// codeversion: a declared function, a function literal, a method value and
// a literal made by a factory.
package teststeps

import (
	"context"
	"strings"

	"github.com/formed-dev/formed/registry"
)

// Args are the arguments of the test steps.
type Args struct {
	S string
}

// Upper is a declared step function.
func Upper(ctx context.Context, in Args) (string, error) {
	return shout(in.S), nil
}

func shout(s string) string { return strings.ToUpper(s) + bang }

const bang = "!"

// Counter is a type whose method is a step.
type Counter struct{ N int }

// Count is a step given as a method value.
func (c *Counter) Count(ctx context.Context, in Args) (int, error) {
	return c.N + len(in.S), nil
}

// Wrapper embeds Counter, whose Count it promotes.
type Wrapper struct{ *Counter }

// Repeat returns a step that repeats its argument n times.
func Repeat(n int) registry.Func[Args, string] {
	return func(ctx context.Context, in Args) (string, error) {
		return strings.Repeat(in.S, n), nil
	}
}

// A Shouter makes a string loud.
type Shouter interface{ Shout(s string) string }

// Loud is an implementation of Shouter.
type Loud struct{ Bangs int }

// Shout implements Shouter.
func (l Loud) Shout(s string) string { return strings.ToUpper(s) + strings.Repeat(bang, l.Bangs) }

// Register adds the test steps to r: "upper", "lower" (a literal),
// "count" (a method value), "repeat" (a literal from a factory) and
// "pinned" (with a Version option), "promoted" (a method value promoted
// from an embedded field); and "loud", a Shouter.
func Register(r *registry.Registry) {
	registry.Add(r, "upper", Upper)
	registry.Add(r, "lower", func(ctx context.Context, in Args) (string, error) {
		return strings.ToLower(in.S), nil
	})
	registry.Add(r, "count", (&Counter{N: 1}).Count)
	registry.Add(r, "repeat", Repeat(2))
	registry.Add(r, "pinned", Upper, registry.Version("7"))
	registry.Add(r, "promoted", Wrapper{&Counter{N: 2}}.Count)
	registry.AddImpl[Shouter](r, "loud", Loud{Bangs: 1})
}
