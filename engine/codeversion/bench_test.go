package codeversion

import (
	"path/filepath"
	"testing"

	"github.com/formed-dev/formed/engine/codeversion/internal/teststeps"
	"github.com/formed-dev/formed/registry"
)

// BenchmarkOf measures run start: a fresh Resolver computing the versions
// of five steps from source, parsing their package once.
func BenchmarkOf(b *testing.B) {
	reg := registry.New()
	teststeps.Register(reg)
	steps := reg.Steps()
	for b.Loop() {
		r := New()
		for _, s := range steps {
			if v := r.Of(s); v.Source != SourceSource && v.Source != SourceOption {
				b.Fatalf("Of(%s) = %+v", s.Name, v)
			}
		}
	}
}

// BenchmarkOfCached measures a repeated Of on a warm Resolver.
func BenchmarkOfCached(b *testing.B) {
	reg := registry.New()
	teststeps.Register(reg)
	s, _ := reg.Step("upper")
	r := New()
	r.Of(s)
	for b.Loop() {
		r.Of(s)
	}
}

// BenchmarkGenerate measures build time: the generated file of the fixture
// package, with eight steps reaching two packages of its module.
func BenchmarkGenerate(b *testing.B) {
	dir := filepath.Join("testdata", "base", "steps")
	for b.Loop() {
		if _, err := Generate(dir); err != nil {
			b.Fatal(err)
		}
	}
}
