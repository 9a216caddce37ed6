package cli

import (
	"bytes"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/formed-dev/formed/engine/config"
	"github.com/formed-dev/formed/engine/schema/editortest"
	"github.com/formed-dev/formed/registry"
)

var update = flag.Bool("update", false, "rewrite golden files")

// repoRoot is the repository's top directory.
func repoRoot(t *testing.T) string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Dir(filepath.Dir(file))
}

// exampleConfigs evaluates every examples/*/config.jsonnet as the formed
// command would from the repository root (its formed.yml defines
// submit_url).
func exampleConfigs(t *testing.T) map[string][]byte {
	t.Helper()
	root := repoRoot(t)
	paths, _ := filepath.Glob(filepath.Join(root, "examples", "*", "*.jsonnet"))
	if len(paths) < 3 {
		t.Fatalf("found %d example configs, want at least 3", len(paths))
	}
	out := map[string][]byte{}
	for _, p := range paths {
		if _, err := os.Stat(filepath.Join(filepath.Dir(p), "go.mod")); err == nil {
			continue // a module of its own, with its own steps (custom-steps)
		}
		cfg, err := config.Load(p, config.Options{ExtStr: map[string]string{"submit_url": ""}})
		if err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		rel, _ := filepath.Rel(root, p)
		out[rel] = cfg.JSON
	}
	return out
}

// TestSchemaGolden pins the JSON Schema of the formed command's registry:
// the examples' steps and the built-in ones.
func TestSchemaGolden(t *testing.T) {
	r := run(t, registry.Default, "workflow", "schema")
	if r.code != 0 {
		t.Fatalf("schema: exit %d: %s", r.code, r.stderr)
	}
	golden := filepath.Join("testdata", "schema.golden.json")
	if *update {
		os.WriteFile(golden, []byte(r.stdout), 0o644)
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test ./cli -run TestSchemaGolden -update)", err)
	}
	if r.stdout != string(want) {
		t.Errorf("schema differs from %s; if the change is intended, run go test ./cli -run TestSchemaGolden -update", golden)
	}
}

// TestExampleConfigsValidate checks every example config against the
// generated schema, with a Go validator and with VS Code's JSON language
// service.
func TestExampleConfigsValidate(t *testing.T) {
	r := run(t, registry.Default, "workflow", "schema")
	doc, err := jsonschema.UnmarshalJSON(strings.NewReader(r.stdout))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource("file:///schema.json", doc); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile("file:///schema.json")
	if err != nil {
		t.Fatal(err)
	}
	docs := exampleConfigs(t)
	for name, b := range docs {
		v, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		if err := sch.Validate(v); err != nil {
			t.Errorf("%s does not validate against the schema: %v", name, err)
		}
	}
	schemaPath := filepath.Join(t.TempDir(), "schema.json")
	os.WriteFile(schemaPath, []byte(r.stdout), 0o644)
	editortest.Setup(t, schemaPath).ValidateJSON(t, docs)
}

func TestQuickstartEndToEnd(t *testing.T) {
	cfg := filepath.Join(repoRoot(t), "examples", "quickstart", "config.jsonnet")
	project(t, nil)
	r := run(t, registry.Default, "workflow", "run", cfg)
	if r.code != 0 || !strings.Contains(r.stdout, "completed: 4 ran, 0 cached") {
		t.Fatalf("first run: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	// The README shows this run; its fingerprints must be the ones a
	// newcomer sees.
	readme, err := os.ReadFile(filepath.Join(repoRoot(t), "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	stepLine := regexp.MustCompile(`(?m)^  (\w+)\s+ran\s+\S+\s+([0-9a-f]{12})$`)
	got := map[string]string{}
	for _, m := range stepLine.FindAllStringSubmatch(r.stdout, -1) {
		got[m[1]] = m[2]
	}
	shown := stepLine.FindAllStringSubmatch(string(readme), -1)
	if len(shown) != 4 {
		t.Errorf("README shows %d steps of the quickstart run, want 4", len(shown))
	}
	for _, m := range shown {
		if got[m[1]] != m[2] {
			t.Errorf("README shows step %s with fingerprint %s; the run prints %s: copy the run's output into README.md", m[1], m[2], got[m[1]])
		}
	}
	r = run(t, registry.Default, "workflow", "run", cfg)
	if r.code != 0 || !strings.Contains(r.stdout, "nothing to do, all 4 steps cached") {
		t.Fatalf("second run: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	r = run(t, registry.Default, "workflow", "result", cfg, "report")
	if !strings.Contains(r.stdout, "total        79.125") {
		t.Errorf("report:\n%s", r.stdout)
	}
	// Every step's code version has a real source; none falls back to the
	// binary's VCS revision.
	r = run(t, registry.Default, "workflow", "run", "--dry-run", "--explain", cfg)
	if strings.Contains(r.stdout, "from vcs") || strings.Contains(r.stderr, "warning") {
		t.Errorf("code versions fell back to vcs:\n%s%s", r.stdout, r.stderr)
	}
	if _, err := os.Stat(filepath.Join(".formed", "runs")); err != nil {
		t.Errorf("default organizer did not write .formed/: %v", err)
	}
}

func TestWordcountRerunsWhenAFileChanges(t *testing.T) {
	dir := project(t, nil)
	src := filepath.Join(repoRoot(t), "examples", "wordcount")
	os.MkdirAll(filepath.Join(dir, "wc", "texts"), 0o755)
	for _, name := range []string{"config.jsonnet", "texts/caching.txt", "texts/configs.txt", "texts/workflows.txt"} {
		b, err := os.ReadFile(filepath.Join(src, name))
		if err != nil {
			t.Fatal(err)
		}
		os.WriteFile(filepath.Join(dir, "wc", name), b, 0o644)
	}
	cfg := filepath.Join("wc", "config.jsonnet")
	if r := run(t, registry.Default, "workflow", "run", cfg); r.code != 0 {
		t.Fatalf("run: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	r := run(t, registry.Default, "workflow", "run", "--dry-run", cfg)
	if !strings.Contains(r.stdout, "plan: 0 of 4 steps would run") {
		t.Errorf("unchanged files: plan\n%s", r.stdout)
	}
	os.WriteFile(filepath.Join(dir, "wc", "texts", "configs.txt"), []byte("cache cache cache\n"), 0o644)
	r = run(t, registry.Default, "workflow", "run", "--dry-run", cfg)
	if !strings.Contains(r.stdout, "plan: 4 of 4 steps would run") {
		t.Errorf("after editing a file: plan\n%s", r.stdout)
	}
	r = run(t, registry.Default, "workflow", "run", "--tla-str", "tokenizer=ngrams", cfg)
	if r.code != 0 {
		t.Fatalf("ngrams run: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	r = run(t, registry.Default, "workflow", "result", "--tla-str", "tokenizer=ngrams", cfg, "report")
	if !strings.Contains(r.stdout, "che") {
		t.Errorf("ngrams report:\n%s", r.stdout)
	}
}

// TestCWLExampleEndToEnd runs examples/cwl through the formed command:
// tools, workflow, a real cwltool run, payload and written files.
func TestCWLExampleEndToEnd(t *testing.T) {
	if _, err := exec.LookPath("cwltool"); err != nil {
		if os.Getenv("FORMED_REQUIRE_RUNNERS") == "1" {
			t.Fatal("cwltool is not installed; run ./scripts/test, which installs it (apt-get install cwltool)")
		}
		t.Skip("cwltool is not installed (apt-get install cwltool); ./scripts/test installs it")
	}
	cfg := filepath.Join(repoRoot(t), "examples", "cwl", "config.jsonnet")
	dir := project(t, nil)
	r := run(t, registry.Default, "workflow", "run", "--ext-str", "submit_url=", cfg)
	if r.code != 0 {
		t.Fatalf("run: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	r = run(t, registry.Default, "workflow", "run", "--ext-str", "submit_url=", cfg)
	if r.code != 0 || !strings.Contains(r.stdout, "5 cached") {
		t.Fatalf("second run: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	r = run(t, registry.Default, "workflow", "result", "--ext-str", "submit_url=", cfg, "run")
	if !strings.Contains(r.stdout, "checksum") || !strings.Contains(r.stdout, filepath.Join(dir, ".formed", "work")) {
		t.Errorf("run result does not point into the organizer's work directory:\n%s", r.stdout)
	}
	written, _ := filepath.Glob(filepath.Join(dir, ".formed", "cwl", "*", "*"))
	if len(written) < 4 {
		t.Errorf("integrated mode wrote %v, want tool, workflow, inputs and payload files", written)
	}
}
