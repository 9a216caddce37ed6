package codeversion

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

var e2eFiles = map[string]string{
	"go.mod": `module example.com/e2e

go 1.26

require github.com/formed-dev/formed v0.0.0

replace github.com/formed-dev/formed => REPO
`,
	"steps/steps.go": `package steps

import (
	"context"

	"github.com/formed-dev/formed/registry"
)

type Args struct{ N int }

func A(ctx context.Context, in Args) (int, error) { return helperA(in.N), nil }

func B(ctx context.Context, in Args) (int, error) { return helperB(in.N), nil }

func helperA(n int) int { return n + 1 }

func helperB(n int) int { return n * 2 }

func init() {
	registry.Register("a", A)
	registry.Register("b", B)
}
`,
	"main.go": `package main

import (
	"context"
	"fmt"
	"os"

	"github.com/formed-dev/formed/engine/codeversion"
	"github.com/formed-dev/formed/registry"

	_ "example.com/e2e/steps"
)

func init() {
	registry.Register("c", func(ctx context.Context, in struct{ N int }) (int, error) { return -in.N, nil })
}

func main() {
	r := codeversion.New()
	r.Warn = func(msg string) { fmt.Fprintln(os.Stderr, "warning:", msg) }
	for _, s := range registry.Default.Steps() {
		v := r.Of(s)
		fmt.Println(s.Name, v.Source, v.Hash)
	}
}
`,
}

// TestEndToEnd builds a module that registers two steps in a package and
// one in package main, edits one step's helper and rebuilds, then runs a
// binary whose source tree is gone. Each binary prints the code version
// and its source for every step.
func TestEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("builds binaries")
	}
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command")
	}
	repo, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	mod := filepath.Join(t.TempDir(), "e2e")
	for name, text := range e2eFiles {
		writeFile(t, filepath.Join(mod, name), strings.ReplaceAll(text, "REPO", repo))
	}
	sum, err := os.ReadFile(filepath.Join(repo, "go.sum"))
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(mod, "go.sum"), string(sum))
	generateInto := func() {
		t.Helper()
		for _, dir := range []string{mod, filepath.Join(mod, "steps")} {
			if _, err := WriteFile(dir); err != nil {
				t.Fatal(err)
			}
		}
	}
	bin := t.TempDir()
	build := func(name string) string {
		t.Helper()
		out := filepath.Join(bin, name)
		cmd := exec.Command(goBin, "build", "-o", out, ".")
		cmd.Dir = mod
		cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod -buildvcs=false", "GOWORK=off")
		if b, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("go build: %v\n%s", err, b)
		}
		return out
	}
	run := func(path string) map[string][2]string {
		t.Helper()
		var stdout, stderr bytes.Buffer
		cmd := exec.Command(path)
		cmd.Dir = filepath.Dir(path)
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		if err := cmd.Run(); err != nil {
			t.Fatalf("%s: %v\n%s", path, err, stderr.Bytes())
		}
		if stderr.Len() > 0 {
			t.Errorf("%s wrote to stderr:\n%s", path, stderr.Bytes())
		}
		got := map[string][2]string{}
		for _, line := range strings.Split(strings.TrimSpace(stdout.String()), "\n") {
			f := strings.Fields(line)
			if len(f) != 3 {
				t.Fatalf("%s printed %q, want name, source, hash", path, line)
			}
			got[f[0]] = [2]string{f[1], f[2]}
		}
		return got
	}
	expect := func(when string, got map[string][2]string, step, source, hash string) {
		t.Helper()
		if got[step][0] != source || hash != "" && got[step][1] != hash {
			t.Errorf("%s: step %s = %q, want source %s, hash %.12s", when, step, got[step], source, hash)
		}
	}

	generateInto()
	first := run(build("first"))
	expect("built after generate", first, "a", SourceGenerated, "")
	expect("built after generate", first, "b", SourceGenerated, "")
	expect("built after generate", first, "c", SourceGenerated, "")

	writeFile(t, filepath.Join(mod, "steps", "steps.go"),
		strings.Replace(e2eFiles["steps/steps.go"], "return n + 1", "return n + 2", 1))
	edited := run(build("edited"))
	expect("helper of a edited", edited, "a", SourceSource, "")
	expect("helper of a edited", edited, "b", SourceSource, first["b"][1])
	expect("helper of a edited", edited, "c", SourceGenerated, first["c"][1])
	if edited["a"][1] == first["a"][1] {
		t.Errorf("helper of a edited: version of a stayed %s", first["a"][1])
	}

	generateInto()
	installed := build("installed")
	if err := os.RemoveAll(mod); err != nil {
		t.Fatal(err)
	}
	gone := run(installed)
	expect("source removed", gone, "a", SourceGenerated, edited["a"][1])
	expect("source removed", gone, "b", SourceGenerated, first["b"][1])
	expect("source removed", gone, "c", SourceGenerated, first["c"][1])
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
