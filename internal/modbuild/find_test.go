package modbuild

import (
	"errors"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// newModule writes a module example.com/m with a step package steps that
// imports a helper package, and a package other that nothing imports. It
// replaces formed with this repository, as a project being developed next
// to formed would.
func newTestModule(t *testing.T) string {
	t.Helper()
	repo, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	files := map[string]string{
		"go.mod": "module example.com/m\n\ngo 1.26\n\nrequire github.com/formed-dev/formed v0.0.0\n\nreplace github.com/formed-dev/formed => " + repo + "\n",
		"go.sum": "",
		"steps/steps.go": `package steps

import (
	"context"

	"example.com/m/helper"
	"github.com/formed-dev/formed/registry"
)

func init() {
	registry.Register("double", func(ctx context.Context, in struct{ N int }) (int, error) { return helper.Twice(in.N), nil })
}
`,
		"steps/steps_test.go": "package steps\n",
		"helper/helper.go":    "package helper\n\nfunc Twice(n int) int { return 2 * n }\n",
		"other/other.go":      "package other\n",
	}
	for name, text := range files {
		writeFile(t, filepath.Join(dir, name), text)
	}
	return dir
}

func writeFile(t *testing.T, path, text string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

func find(t *testing.T, dir string, pkgs ...string) *Plan {
	t.Helper()
	p, err := Find(Request{Dir: dir, Packages: pkgs, Getenv: func(k string) string { return os.Getenv(k) }})
	if err != nil {
		t.Fatalf("Find(%v): %v", pkgs, err)
	}
	return p
}

func TestFindKey(t *testing.T) {
	dir := newTestModule(t)
	base := find(t, dir, "example.com/m/steps")
	if base.Cached() {
		t.Errorf("Cached() = true before any build")
	}
	if got, want := base.Path, filepath.Join(dir, ".formed", "bin", base.Key[:32], "formed"); got != want {
		t.Errorf("Path = %s, want %s", got, want)
	}
	for _, e := range base.Manifest {
		if strings.HasPrefix(e.Name, "src example.com/m/other") || strings.HasSuffix(e.Name, "_test.go") {
			t.Errorf("manifest holds %s, which is not part of the build", e.Name)
		}
	}
	for _, want := range []string{"src example.com/m/helper/helper.go", "src " + CLIPackage + "/app.go", "src github.com/formed-dev/formed/registry/registry.go", "go.mod", "go.sum", "toolchain"} {
		found := false
		for _, e := range base.Manifest {
			found = found || e.Name == want
		}
		if !found {
			t.Errorf("manifest has no entry %s", want)
		}
	}
	if again := find(t, dir, "example.com/m/steps", "example.com/m/steps"); again.Key != base.Key {
		t.Errorf("a duplicated package changed the key")
	}

	for _, tt := range []struct {
		name    string
		file    string // relative to dir; "" changes the package list
		text    string
		changed bool
		reason  string
	}{
		{"a test file", "steps/steps_test.go", "package steps\n\nvar x = 1\n", false, ""},
		{"a package nothing imports", "other/other.go", "package other\n\nvar y = 2\n", false, ""},
		{"a comment in a step", "steps/steps.go", "// Package steps.\n", true, "example.com/m/steps/steps.go changed"},
		{"a helper the step imports", "helper/helper.go", "package helper\n\nfunc Twice(n int) int { return n + n }\n", true, "example.com/m/helper/helper.go changed"},
		{"a new file in the step package", "steps/more.go", "package steps\n", true, "example.com/m/steps/more.go added"},
		{"go.sum", "go.sum", "example.com/x v1.0.0 h1:abc=\n", true, "go.sum changed"},
		{"the package list", "", "", true, "the package list changed, example.com/m/other/other.go added"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			dir := newTestModule(t)
			before := find(t, dir, "example.com/m/steps")
			pkgs := []string{"example.com/m/steps"}
			if tt.file == "" {
				pkgs = append(pkgs, "example.com/m/other")
			} else {
				path := filepath.Join(dir, tt.file)
				old, _ := os.ReadFile(path)
				text := tt.text
				if strings.HasPrefix(text, "//") {
					text += string(old)
				}
				writeFile(t, path, text)
			}
			after := find(t, dir, pkgs...)
			if (after.Key != before.Key) != tt.changed {
				t.Fatalf("key changed = %v, want %v", after.Key != before.Key, tt.changed)
			}
			if got := after.Manifest.changes(before.Manifest); tt.changed && got != tt.reason {
				t.Errorf("changes = %q, want %q", got, tt.reason)
			}
		})
	}
}

func TestFindEnv(t *testing.T) {
	dir := newTestModule(t)
	env := map[string]string{}
	get := func(k string) string {
		if v, ok := env[k]; ok {
			return v
		}
		return os.Getenv(k)
	}
	p1, err := Find(Request{Dir: dir, Packages: []string{"example.com/m/steps"}, Getenv: get})
	if err != nil {
		t.Fatal(err)
	}
	env["CGO_ENABLED"] = "0"
	p2, err := Find(Request{Dir: dir, Packages: []string{"example.com/m/steps"}, Getenv: get})
	if err != nil {
		t.Fatal(err)
	}
	if p1.Key == p2.Key {
		t.Errorf("CGO_ENABLED=0 left the key unchanged")
	}
	if got := p2.Manifest.changes(p1.Manifest); got != "the Go environment changed" {
		t.Errorf("changes = %q", got)
	}
}

func TestFindErrors(t *testing.T) {
	dir := newTestModule(t)
	for _, tt := range []struct {
		pkg, want string
	}{
		{"example.com/m/nope", "example.com/m/nope: no such package"},
		{"./steps", "./steps: is a directory, not an import path; write example.com/m/steps"},
		{"fmt", "fmt: is not a package of module example.com/m"},
		{"example.org/elsewhere/steps", "no module that " + filepath.Join(dir, "go.mod") + " requires provides it"},
	} {
		t.Run(tt.pkg, func(t *testing.T) {
			_, err := Find(Request{Dir: dir, Packages: []string{tt.pkg}})
			var pe *PackageError
			if !errors.As(err, &pe) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Find(%s) = %v, want a PackageError containing %q", tt.pkg, err, tt.want)
			}
		})
	}
	t.Run("no go.mod", func(t *testing.T) {
		if _, err := Find(Request{Dir: t.TempDir(), Packages: []string{"example.com/m/steps"}}); !errors.Is(err, ErrNoModule) {
			t.Errorf("Find outside a module = %v, want ErrNoModule", err)
		}
	})
	t.Run("no go command", func(t *testing.T) {
		t.Setenv("PATH", t.TempDir())
		if _, err := Find(Request{Dir: dir, Packages: []string{"example.com/m/steps"}}); !errors.Is(err, ErrNoGo) {
			t.Errorf("Find without go = %v, want ErrNoGo", err)
		}
	})
}

func TestReason(t *testing.T) {
	dir := newTestModule(t)
	p := find(t, dir, "example.com/m/steps")
	if got, want := p.Reason(), "no formed binary was built for them yet"; got != want {
		t.Errorf("Reason() = %q, want %q", got, want)
	}
	last := filepath.Join(p.binDir, p.Key[:32])
	writeFile(t, filepath.Join(last, "manifest"), string(p.Manifest.Encode()))
	writeFile(t, filepath.Join(p.binDir, "last"), p.Key[:32]+"\n")
	if got, want := p.Reason(), "the cached binary is missing"; got != want {
		t.Errorf("Reason() = %q, want %q", got, want)
	}
	writeFile(t, filepath.Join(dir, "helper", "helper.go"), "package helper\n\nfunc Twice(n int) int { return n << 1 }\n")
	p = find(t, dir, "example.com/m/steps")
	if got, want := p.Reason(), "example.com/m/helper/helper.go changed"; got != want {
		t.Errorf("Reason() = %q, want %q", got, want)
	}
}

func TestMainSource(t *testing.T) {
	src := MainSource([]string{"example.com/m/a", "example.com/m/b"})
	f, err := parser.ParseFile(token.NewFileSet(), "main.go", src, parser.ImportsOnly)
	if err != nil {
		t.Fatalf("generated main does not parse: %v\n%s", err, src)
	}
	var got []string
	for _, is := range f.Imports {
		got = append(got, is.Path.Value)
	}
	if want := `"os" "` + CLIPackage + `" "example.com/m/a" "example.com/m/b"`; strings.Join(got, " ") != want {
		t.Errorf("imports = %s, want %s", strings.Join(got, " "), want)
	}
}

func TestPanicMessage(t *testing.T) {
	stderr := "panic: registry: step \"x\" registered twice: first by package a (a.F at a.go:1), again by package b (b.F at b.go:2)\n\ngoroutine 1 [running]:\nmain.main()\n"
	if got, want := panicMessage(stderr, nil), `registry: step "x" registered twice: first by package a (a.F at a.go:1), again by package b (b.F at b.go:2)`; got != want {
		t.Errorf("panicMessage = %q, want %q", got, want)
	}
}

// BenchmarkFind is the cost a cached binary adds to a formed command
// before it is run: computing its key, here for a module that replaces
// formed by this repository, so that formed's own source is hashed too.
func BenchmarkFind(b *testing.B) {
	dir := b.TempDir()
	repo, _ := filepath.Abs(filepath.Join("..", ".."))
	for name, text := range map[string]string{
		"go.mod":         "module example.com/m\n\ngo 1.26\n\nrequire github.com/formed-dev/formed v0.0.0\n\nreplace github.com/formed-dev/formed => " + repo + "\n",
		"steps/steps.go": "package steps\n\nimport _ \"github.com/formed-dev/formed/registry\"\n",
	} {
		os.MkdirAll(filepath.Dir(filepath.Join(dir, name)), 0o755)
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			b.Fatal(err)
		}
	}
	req := Request{Dir: dir, Packages: []string{"example.com/m/steps"}}
	for b.Loop() {
		if _, err := Find(req); err != nil {
			b.Fatal(err)
		}
	}
}
