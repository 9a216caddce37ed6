package cli

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestCodeChangeRerunsOnlyThatStep builds a formed binary with steps of a
// temporary module (library mode), runs a workflow, edits one step's
// helper, rebuilds, and checks that only that step and its dependents run
// again, while a comment edit elsewhere changes nothing.
func TestCodeChangeRerunsOnlyThatStep(t *testing.T) {
	if testing.Short() {
		t.Skip("builds binaries; skipped with -short")
	}
	root := repoRoot(t)
	dir := t.TempDir()
	gosum, err := os.ReadFile(filepath.Join(root, "go.sum"))
	if err != nil {
		t.Fatal(err)
	}
	files := map[string]string{
		"go.mod": "module example.com/codechange\n\ngo 1.26\n\nrequire github.com/formed-dev/formed v0.0.0\n\nreplace github.com/formed-dev/formed => " + root + "\n",
		"go.sum": string(gosum),
		"main.go": `package main

import (
	"os"

	"github.com/formed-dev/formed/cli"
	_ "example.com/codechange/steps"
)

func main() { os.Exit(cli.Main()) }
`,
		"steps/steps.go": `package steps

import (
	"context"

	"github.com/formed-dev/formed/registry"
)

type In struct {
	X int ` + "`json:\"x\"`" + `
}

// double doubles.
func double(x int) int { return x * 2 }

func triple(x int) int { return x * 3 }

func init() {
	registry.Register("double", func(ctx context.Context, in In) (int, error) { return double(in.X), nil })
	registry.Register("triple", func(ctx context.Context, in In) (int, error) { return triple(in.X), nil })
}
`,
		"config.jsonnet": `{steps: {
  d: {type: 'double', x: 1},
  t: {type: 'triple', x: 1},
  dd: {type: 'double', x: {type: 'ref', ref: 'd'}},
  tt: {type: 'triple', x: {type: 'ref', ref: 't'}},
}}`,
	}
	for name, text := range files {
		p := filepath.Join(dir, name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	bin := filepath.Join(dir, "formed")
	build := func() {
		t.Helper()
		cmd := exec.Command("go", "build", "-o", bin, ".")
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("go build: %v\n%s", err, out)
		}
	}
	formed := func(args ...string) string {
		t.Helper()
		cmd := exec.Command(bin, args...)
		cmd.Dir = dir
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("formed %v: %v\n%s", args, err, out)
		}
		return string(out)
	}
	edit := func(old, new string) {
		t.Helper()
		p := filepath.Join(dir, "steps", "steps.go")
		b, _ := os.ReadFile(p)
		if !strings.Contains(string(b), old) {
			t.Fatalf("steps.go lacks %q", old)
		}
		os.WriteFile(p, []byte(strings.Replace(string(b), old, new, 1)), 0o644)
	}
	build()
	if out := formed("workflow", "run", "config.jsonnet"); !strings.Contains(out, "4 ran") {
		t.Fatalf("first run:\n%s", out)
	}
	// A comment edit changes nothing.
	edit("// double doubles.", "// double doubles its argument.")
	build()
	if out := formed("workflow", "run", "config.jsonnet"); !strings.Contains(out, "all 4 steps cached") {
		t.Fatalf("after a comment edit:\n%s", out)
	}
	// Changing triple's helper reruns t and tt only.
	edit("return x * 3", "return x + x + x + 0")
	build()
	out := formed("workflow", "run", "--dry-run", "config.jsonnet")
	for _, want := range []string{"d   double  ", "t   triple  ", "dd  double  ", "tt  triple  "} {
		if !strings.Contains(out, want) {
			t.Fatalf("dry run lacks %q:\n%s", want, out)
		}
	}
	lines := map[string]string{}
	for _, l := range strings.Split(out, "\n") {
		if f := strings.Fields(l); len(f) > 0 {
			lines[f[0]] = l
		}
	}
	for step, want := range map[string]string{"d": "cached", "dd": "cached", "t": "will run: code version changed", "tt": "will run: code version changed"} {
		if !strings.Contains(lines[step], want) {
			t.Errorf("step %s: %q, want %q", step, lines[step], want)
		}
	}
	if out := formed("workflow", "run", "config.jsonnet"); !strings.Contains(out, "2 ran, 2 cached") {
		t.Errorf("run after editing triple's helper:\n%s", out)
	}
}
