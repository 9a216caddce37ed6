package runner_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/formed-dev/formed/cwl"
	"github.com/formed-dev/formed/cwl/internal/cwltest"
	"github.com/formed-dev/formed/cwl/runner"
)

func workflow(t *testing.T, command ...string) *cwl.Compiled {
	t.Helper()
	tool, err := cwl.NewTool("count").BaseCommand(command...).
		Input("text", cwl.File).Stdin("$(inputs.text.path)").
		Output("counts", cwl.Stdout).Stdout("counts.txt").Build()
	if err != nil {
		t.Fatal(err)
	}
	c, err := cwl.Compile(cwl.WorkflowSpec{ID: "wf", Tools: []cwl.CommandLineTool{*tool},
		Steps: []cwl.StepSpec{{Tool: "count", In: map[string]cwl.Bind{"text": {Value: "hello.txt"}}}}})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestRunCWLTool runs a one-step workflow whose input is a relative path.
func TestRunCWLTool(t *testing.T) {
	cwltest.Runner(t, "cwltool")
	dir := t.TempDir()
	t.Chdir(dir)
	if err := os.WriteFile("hello.txt", []byte("one two\nthree\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	c := workflow(t, "wc", "-w")
	out, err := runner.Run(t.Context(), &c.Workflow, c.Inputs, runner.Options{Runner: runner.CWLTool, OutDir: filepath.Join(dir, "out")})
	if err != nil {
		t.Fatal(err)
	}
	f, ok := out["wf__step__1__count___counts"].(map[string]any)
	if !ok {
		t.Fatalf("output object %v has no wf__step__1__count___counts", out)
	}
	path, _ := f["path"].(string)
	if filepath.Dir(path) != filepath.Join(dir, "out") {
		t.Errorf("output path %s is not in the output directory", path)
	}
	data, err := os.ReadFile(path)
	if err != nil || strings.TrimSpace(string(data)) != "3" {
		t.Errorf("counts = %q, %v; want 3", data, err)
	}
}

func TestRunReportsFailure(t *testing.T) {
	cwltest.Runner(t, "cwltool")
	dir := t.TempDir()
	t.Chdir(dir)
	os.WriteFile("hello.txt", nil, 0o644)
	c := workflow(t, "false")
	_, err := runner.Run(t.Context(), &c.Workflow, c.Inputs, runner.Options{Runner: runner.CWLTool, OutDir: "out"})
	if err == nil || !strings.Contains(err.Error(), "run workflow wf with cwltool: exit status 1") ||
		!strings.Contains(err.Error(), "permanentFail") {
		t.Errorf("error = %v, want the exit status and cwltool's log", err)
	}
}

func TestRunUnknownRunner(t *testing.T) {
	c := workflow(t, "wc")
	_, err := runner.Run(t.Context(), &c.Workflow, c.Inputs, runner.Options{Runner: "nextflow", OutDir: t.TempDir()})
	if err == nil || !strings.Contains(err.Error(), `unknown CWL runner "nextflow"; use cwltool or toil`) {
		t.Errorf("error = %v", err)
	}
	if errors.Is(err, runner.ErrNoRunner) {
		t.Errorf("an unknown runner is not a missing one")
	}
}

// TestRunStopsWithContext cancels a run whose tool sleeps and checks the
// runner and its tool stop soon.
func TestRunStopsWithContext(t *testing.T) {
	cwltest.Runner(t, "cwltool")
	dir := t.TempDir()
	t.Chdir(dir)
	os.WriteFile("hello.txt", nil, 0o644)
	marker := filepath.Join(dir, "still-running")
	c := workflow(t, "sh", "-c", "sleep 2; touch "+marker)
	ctx, cancel := context.WithTimeout(t.Context(), 1500*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := runner.Run(ctx, &c.Workflow, c.Inputs, runner.Options{Runner: runner.CWLTool, OutDir: "out"})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("error = %v, want context.DeadlineExceeded", err)
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("Run took %v after cancellation", d)
	}
	// The tool would have touched the marker 2s after it started.
	if _, err := os.Stat(marker); err == nil {
		t.Errorf("the tool kept running after the run was stopped")
	}
}

// TestRunStagesWritable stages an input writable, lets the tool change it
// and takes it back with FromInput: the output is the changed copy and the
// input is left alone.
func TestRunStagesWritable(t *testing.T) {
	cwltest.Runner(t, "cwltool")
	dir := t.TempDir()
	t.Chdir(dir)
	os.WriteFile("notes.txt", []byte("first\n"), 0o644)
	tool, err := cwl.NewTool("append").BaseCommand("sh", "-c", `echo second >> "$0"`).
		Input("file", cwl.File, cwl.Position(1), cwl.ValueFrom("$(inputs.file.basename)")).
		Stage("file", true).
		Output("changed", cwl.File, cwl.FromInput("file")).
		Build()
	if err != nil {
		t.Fatal(err)
	}
	c, err := cwl.Compile(cwl.WorkflowSpec{ID: "wf", Tools: []cwl.CommandLineTool{*tool},
		Steps: []cwl.StepSpec{{Tool: "append", In: map[string]cwl.Bind{"file": {Value: "notes.txt"}}}}})
	if err != nil {
		t.Fatal(err)
	}
	out, err := runner.Run(t.Context(), &c.Workflow, c.Inputs, runner.Options{Runner: runner.CWLTool, OutDir: "out"})
	if err != nil {
		t.Fatal(err)
	}
	f, _ := out["wf__step__1__append___changed"].(map[string]any)
	path, _ := f["path"].(string)
	if got, _ := os.ReadFile(path); string(got) != "first\nsecond\n" {
		t.Errorf("output %s = %q, want the changed copy", path, got)
	}
	if got, _ := os.ReadFile("notes.txt"); string(got) != "first\n" {
		t.Errorf("input = %q, want it unchanged", got)
	}
}
