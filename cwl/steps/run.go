package steps

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/formed-dev/formed/cwl"
	"github.com/formed-dev/formed/cwl/runner"
	"github.com/formed-dev/formed/registry"
)

// RunArgs are the arguments of cwl_run.
type RunArgs struct {
	// Workflow is a compiled workflow, such as ref 'wf.workflow'.
	Workflow cwl.Workflow `json:"workflow"`
	// Inputs are its job inputs, such as ref 'wf.inputs'. Relative
	// locations are taken from the directory formed runs in.
	Inputs map[string]any `json:"inputs,omitempty"`
	// Runner is cwltool or toil (toil-cwl-runner on this machine).
	Runner string `json:"runner,omitempty" jsonschema:"default=cwltool,enum=cwltool,enum=toil"`
	// Container runs tools in their Docker images; off, --no-container.
	Container bool `json:"container,omitempty"`
	// Args are extra command-line arguments for the runner.
	Args []string `json:"args,omitempty"`
}

// Run is the cwl_run step. Output files go to outputs/ in the step's work
// directory, which persists with its cache entry; the returned output
// object's paths point there.
func Run(ctx context.Context, in RunArgs) (map[string]any, error) {
	if in.Runner == "" {
		in.Runner = runner.CWLTool
	}
	if _, err := runner.Program(in.Runner); err != nil {
		return nil, fmt.Errorf("cwl_run: %w", err)
	}
	work, err := registry.WorkDir(ctx)
	if err != nil {
		return nil, fmt.Errorf("cwl_run: work directory: %w", err)
	}
	outDir := filepath.Join(work, "outputs")
	// Whatever is there came from an interrupted run of the same step.
	if err := os.RemoveAll(outDir); err != nil {
		return nil, fmt.Errorf("cwl_run: clear %s: %w", outDir, err)
	}
	log, done := logWriter(ctx, in.Runner)
	defer done()
	registry.Logger(ctx).Info("running CWL workflow", "workflow", in.Workflow.ID, "runner", in.Runner, "outdir", outDir)
	return runner.Run(ctx, &in.Workflow, in.Inputs, runner.Options{
		Runner: in.Runner, OutDir: outDir, TmpDir: work, Container: in.Container, Args: in.Args, Log: log,
	})
}
