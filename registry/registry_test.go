package registry_test

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/formed-dev/formed/registry"
)

type addArgs struct {
	A int `json:"a"`
	B int `json:"b"`
}

func add(ctx context.Context, in addArgs) (int, error) { return in.A + in.B, nil }

func mustPanic(t *testing.T, f func()) string {
	t.Helper()
	var msg string
	func() {
		defer func() { msg = fmt.Sprint(recover()) }()
		f()
	}()
	if msg == "<nil>" {
		t.Fatal("no panic")
	}
	return msg
}

func TestDuplicateStepNamesBothSites(t *testing.T) {
	r := registry.New()
	registry.Add(r, "add", add)
	msg := mustPanic(t, func() {
		registry.Add(r, "add", func(ctx context.Context, in addArgs) (int, error) { return 0, nil })
	})
	for _, want := range []string{`step "add" registered twice`, "registry_test.add", "registry_test.go:35", "registry_test.TestDuplicateStepNamesBothSites.func", "registry_test.go:37"} {
		if !strings.Contains(msg, want) {
			t.Errorf("panic %q lacks %q", msg, want)
		}
	}
}

type Shape interface{ Area() float64 }

type square struct{ Side float64 }

func (s square) Area() float64 { return s.Side * s.Side }

func TestImplementations(t *testing.T) {
	r := registry.New()
	registry.AddImpl[Shape](r, "square", square{Side: 1}, registry.Description("A square."))
	im, ok := r.Impl(reflect.TypeFor[Shape](), "square")
	if !ok || im.Struct() != reflect.TypeFor[square]() || im.Description != "A square." {
		t.Fatalf("Impl = %+v, %v", im, ok)
	}
	msg := mustPanic(t, func() { registry.AddImpl[Shape](r, "square", square{}) })
	if !strings.Contains(msg, `implementation "square" of registry_test.Shape registered twice`) {
		t.Errorf("panic = %q", msg)
	}
	msg = mustPanic(t, func() { registry.AddImpl[square](r, "x", square{}) })
	if !strings.Contains(msg, "is not an interface type") {
		t.Errorf("panic = %q", msg)
	}
}

func TestOptionsAndRules(t *testing.T) {
	r := registry.New()
	s := registry.Add(r, "add", add, registry.Version("2"), registry.Format("gob"), registry.Description("Adds."))
	if s.Version != "2" || s.Format != "gob" || s.Description != "Adds." || !s.Deterministic || !s.Cacheable() {
		t.Errorf("step = %+v", s)
	}
	nd := registry.Add(r, "rand", add, registry.Deterministic(false))
	if nd.Cacheable() {
		t.Error("a non-deterministic step is cacheable by default, want not (formed's rule)")
	}
	if c := registry.Add(r, "rand2", add, registry.Deterministic(false), registry.Cacheable(true)); !c.Cacheable() {
		t.Error("Cacheable(true) ignored")
	}
	if nc := registry.Add(r, "print", add, registry.Cacheable(false)); nc.Cacheable() {
		t.Error("Cacheable(false) ignored")
	}
	if msg := mustPanic(t, func() { registry.Add(r, "bad name", add) }); !strings.Contains(msg, "a name is letters") {
		t.Errorf("panic = %q", msg)
	}
	if msg := mustPanic(t, func() {
		registry.Add(r, "scalar", func(ctx context.Context, in int) (int, error) { return in, nil })
	}); !strings.Contains(msg, "arguments must be a struct type") {
		t.Errorf("panic = %q", msg)
	}
	if got := r.Steps(); len(got) != 4 || got[0].Name != "add" {
		t.Errorf("Steps() = %v", got)
	}
	v, err := s.Call(context.Background(), addArgs{A: 1, B: 2})
	if err != nil || v.(int) != 3 {
		t.Errorf("Call = %v, %v", v, err)
	}
}

func ExampleRegister() {
	type AddArgs struct {
		A int `json:"a"`
		B int `json:"b"`
	}
	r := registry.New() // registry.Register adds to registry.Default instead
	registry.Add(r, "add_two_integers", func(ctx context.Context, in AddArgs) (int, error) {
		return in.A + in.B, nil
	}, registry.Version("1"), registry.Description("Adds two integers."))
	s, _ := r.Step("add_two_integers")
	fmt.Println(s.Name, s.Args.Name(), s.Result, s.Cacheable())
	// Output: add_two_integers AddArgs int true
}
