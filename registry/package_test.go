package registry

import (
	"context"
	"strings"
	"testing"
)

type pkgArgs struct{ N int }

func TestStepPackage(t *testing.T) {
	r := New()
	s := Add(r, "double", func(ctx context.Context, in pkgArgs) (int, error) { return 2 * in.N, nil })
	if want := "github.com/formed-dev/formed/registry"; s.Package != want {
		t.Errorf("Package = %q, want %q", s.Package, want)
	}
}

func TestRegisterTwiceNamesBothPackages(t *testing.T) {
	r := New()
	Add(r, "twice", func(ctx context.Context, in pkgArgs) (int, error) { return 1, nil })
	defer func() {
		msg, _ := recover().(string)
		for _, want := range []string{`step "twice" registered twice`, "first by package github.com/formed-dev/formed/registry", "again by package github.com/formed-dev/formed/registry", "package_test.go"} {
			if !strings.Contains(msg, want) {
				t.Errorf("panic = %q, want it to contain %q", msg, want)
			}
		}
	}()
	Add(r, "twice", func(ctx context.Context, in pkgArgs) (int, error) { return 2, nil })
}

func TestFuncPackage(t *testing.T) {
	for _, tt := range []struct{ name, want string }{
		{"example.com/m/steps.init.func1", "example.com/m/steps"},
		{"example.com/m/steps.(*T).Run-fm", "example.com/m/steps"},
		{"example.com/m.reg[go.shape.struct { X example.com/m/x.T }]", "example.com/m"},
		{"gopkg.in/yaml%2ev3.init.0", "gopkg.in/yaml.v3"},
		{"main.init.0", "main"},
		{"main.main", "main"},
	} {
		if got := funcPackage(tt.name); got != tt.want {
			t.Errorf("funcPackage(%q) = %q, want %q", tt.name, got, tt.want)
		}
	}
}
