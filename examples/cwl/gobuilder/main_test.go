package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// TestSameAsConfig checks the Go-authored documents are byte for byte
// those the Jsonnet config emits, as pinned by cwl/steps' golden files
// (which cwltool validates there).
func TestSameAsConfig(t *testing.T) {
	docs, err := build("/data/hello.txt")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	names, err := docs.write(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(names) != 5 {
		t.Errorf("wrote %v, want 2 tools, the workflow, its inputs and the payload", names)
	}
	for _, name := range []string{"wordcount.cwl", "checksum.cwl", "count_and_checksum.cwl"} {
		got, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		want, err := os.ReadFile(filepath.Join("..", "..", "..", "cwl", "steps", "testdata", name))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s differs from the config's:\n--- Go\n%s\n--- config\n%s", name, got, want)
		}
	}
	inputs, err := os.ReadFile(filepath.Join(dir, "count_and_checksum_inputs.yml"))
	if err != nil {
		t.Fatal(err)
	}
	const want = "count_and_checksum__step__2__checksum___algorithm: 256\ndata:\n  class: File\n  location: /data/hello.txt\n"
	if string(inputs) != want {
		t.Errorf("inputs =\n%s\nwant\n%s", inputs, want)
	}
}
