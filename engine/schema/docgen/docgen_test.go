package docgen_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/formed-dev/formed/engine/schema/docgen"
)

var update = flag.Bool("update", false, "rewrite golden files")

func TestGenerateFixture(t *testing.T) {
	got, err := docgen.Generate("testdata/fixture")
	if err != nil {
		t.Fatal(err)
	}
	golden := filepath.Join("testdata", "fixture.golden")
	if *update {
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("Generate(testdata/fixture) differs from %s (go test -update)\ngot:\n%s", golden, got)
	}
}

// TestGeneratedCompiles builds the fixture package with the generated file
// laid over it and checks, by running a program that imports it, that the
// docs reach registry.Doc.
func TestGeneratedCompiles(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a program")
	}
	src, err := docgen.Generate("testdata/fixture")
	if err != nil {
		t.Fatal(err)
	}
	tmp := t.TempDir()
	fixture, err := filepath.Abs("testdata/fixture")
	if err != nil {
		t.Fatal(err)
	}
	mainDir, err := filepath.Abs("testdata/fixturemain")
	if err != nil {
		t.Fatal(err)
	}
	gen := filepath.Join(tmp, docgen.FileName)
	if err := os.WriteFile(gen, src, 0o644); err != nil {
		t.Fatal(err)
	}
	overlay, err := json.Marshal(map[string]any{"Replace": map[string]string{
		filepath.Join(fixture, docgen.FileName): gen,
	}})
	if err != nil {
		t.Fatal(err)
	}
	overlayPath := filepath.Join(tmp, "overlay.json")
	if err := os.WriteFile(overlayPath, overlay, 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.CommandContext(t.Context(), "go", "run", "-overlay", overlayPath, mainDir)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("go run: %v\n%s", err, out)
	}
	const want = "Name is who to greet.\n\nIt may span paragraphs, with \"quotes\" and `backticks`.|R is the radius.\n"
	if string(out) != want {
		t.Errorf("docs seen by the program = %q, want %q", out, want)
	}
}

func TestGenerateSchematestUpToDate(t *testing.T) {
	dir := filepath.Join("..", "internal", "schematest")
	got, err := docgen.Generate(dir)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, docgen.FileName)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s is stale; run go test ./engine/schema/docgen -update", path)
	}
}

func TestGenerateNoModule(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "a.go"), []byte("package a\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := docgen.Generate(dir); err == nil {
		t.Error("Generate outside a module succeeded, want an error")
	}
}
