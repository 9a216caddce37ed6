package cli

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func TestSchemaCommandOutputAndConfig(t *testing.T) {
	tr := newTestRegistry()
	project(t, map[string]string{"config.jsonnet": chainConfig})
	r := run(t, tr.reg, "workflow", "schema", "--output", "schema.json", "--config", "config.jsonnet")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	b, err := os.ReadFile("schema.json")
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatalf("schema is not JSON: %v", err)
	}
	for _, want := range []string{`"https://json-schema.org/draft/2020-12/schema"`, `"add"`, `"stats"`, `more`, `total`} {
		if !strings.Contains(string(b), want) {
			t.Errorf("schema lacks %s", want)
		}
	}
	r = run(t, tr.reg, "workflow", "schema", "--config", "nope.jsonnet")
	if r.code != ExitUsage || !strings.Contains(r.stderr, "nope.jsonnet does not exist") {
		t.Errorf("schema --config of a missing file: exit %d, %s", r.code, r.stderr)
	}
}

// TestGeneratedFilesUpToDate fails when an example's committed generated
// files no longer match its source: run go generate ./examples/...
func TestGeneratedFilesUpToDate(t *testing.T) {
	root := repoRoot(t)
	for _, ex := range []string{"quickstart", "wordcount"} {
		r := run(t, nil, "generate", "--check", filepath.Join(root, "examples", ex))
		if r.code != 0 {
			t.Errorf("examples/%s: %s%s(run go generate ./examples/...)", ex, r.stdout, r.stderr)
		}
	}
	// --check notices a stale file, and generate rewrites it.
	dir := t.TempDir()
	cmd := exec.Command("cp", "-r", filepath.Join(root, "examples", "quickstart"), dir)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("cp: %v %s", err, out)
	}
	pkg := filepath.Join(dir, "quickstart")
	// The copy is outside any module: generate must say so.
	if r := run(t, nil, "generate", pkg); r.code == 0 || !strings.Contains(r.stderr, "go.mod") {
		t.Errorf("generate outside a module: exit %d, %s", r.code, r.stderr)
	}
}
