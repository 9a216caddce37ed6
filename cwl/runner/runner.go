// Package runner runs a compiled CWL workflow on this machine with
// cwltool or toil-cwl-runner and returns its output object.
package runner

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/formed-dev/formed/cwl"
)

// Runner names.
const (
	CWLTool = "cwltool"
	Toil    = "toil"
)

// ErrNoRunner is returned, wrapped, when the runner's program is not on
// the PATH.
var ErrNoRunner = errors.New("CWL runner not installed")

// Options configure one run.
type Options struct {
	// Runner is CWLTool or Toil.
	Runner string
	// OutDir receives the output files; it is created if missing.
	OutDir string
	// TmpDir holds the run's scratch files (documents, job store, work
	// directories), removed afterwards; "" means the system's.
	TmpDir string
	// Container runs tools in their DockerRequirement images; false passes
	// --no-container.
	Container bool
	// Args are extra arguments for the runner, after the package's own (so
	// they override them: toil's --batchSystem, say) and before the documents.
	Args []string
	// Log receives the runner's standard error; nil discards it.
	Log io.Writer
}

// Program returns the executable of the runner named name.
func Program(name string) (string, error) {
	switch name {
	case CWLTool:
		return "cwltool", nil
	case Toil:
		return "toil-cwl-runner", nil
	}
	return "", fmt.Errorf("unknown CWL runner %q; use %s or %s", name, CWLTool, Toil)
}

// Run runs wf with the job inputs in and returns the output object, with
// a "path" beside every local file location. Relative File and Directory
// locations in the inputs are taken from the working directory.
func Run(ctx context.Context, wf *cwl.Workflow, in map[string]any, opts Options) (map[string]any, error) {
	prog, err := Program(opts.Runner)
	if err != nil {
		return nil, err
	}
	path, err := exec.LookPath(prog)
	if err != nil {
		return nil, fmt.Errorf("run workflow %s: %s: %w (on Debian: apt-get install -y cwltool toil)", wf.ID, prog, ErrNoRunner)
	}
	outDir, err := filepath.Abs(opts.OutDir)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(outDir, 0o755); err != nil {
		return nil, fmt.Errorf("run workflow %s: %w", wf.ID, err)
	}
	tmp, err := os.MkdirTemp(opts.TmpDir, "formed-cwl-")
	if err != nil {
		return nil, fmt.Errorf("run workflow %s: %w", wf.ID, err)
	}
	defer os.RemoveAll(tmp)

	wfPath, jobPath := filepath.Join(tmp, "workflow.cwl"), filepath.Join(tmp, "inputs.json")
	doc, err := cwl.EncodeJSON(wf)
	if err != nil {
		return nil, fmt.Errorf("encode workflow %s: %w", wf.ID, err)
	}
	abs, err := absolute(in)
	if err != nil {
		return nil, fmt.Errorf("run workflow %s: inputs: %w", wf.ID, err)
	}
	job, err := cwl.EncodeJSON(abs)
	if err != nil {
		return nil, fmt.Errorf("encode inputs of %s: %w", wf.ID, err)
	}
	if err := os.WriteFile(wfPath, doc, 0o644); err != nil {
		return nil, err
	}
	if err := os.WriteFile(jobPath, job, 0o644); err != nil {
		return nil, err
	}

	var args []string
	switch opts.Runner {
	case CWLTool:
		args = []string{"--disable-color", "--outdir", outDir,
			"--tmpdir-prefix", filepath.Join(tmp, "tmp") + "/", "--tmp-outdir-prefix", filepath.Join(tmp, "out") + "/"}
	case Toil:
		work := filepath.Join(tmp, "work")
		if err := os.Mkdir(work, 0o755); err != nil {
			return nil, err
		}
		args = []string{"--jobStore", "file:" + filepath.Join(tmp, "jobstore"), "--workDir", work,
			"--outdir", outDir, "--batchSystem", "single_machine", "--logLevel", "WARNING"}
	}
	if !opts.Container {
		args = append(args, "--no-container")
	}
	args = append(args, opts.Args...)
	args = append(args, wfPath, jobPath)

	var stdout, stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, path, args...)
	cmd.Dir = tmp
	stopped := stopGroup(cmd)
	cmd.Stdout = &stdout
	cmd.Stderr = &stderr
	if opts.Log != nil {
		cmd.Stderr = io.MultiWriter(&stderr, opts.Log)
	}
	err = cmd.Run()
	stopped()
	if err != nil {
		if ctx.Err() != nil {
			return nil, fmt.Errorf("run workflow %s with %s: stopped: %w", wf.ID, prog, context.Cause(ctx))
		}
		return nil, fmt.Errorf("run workflow %s with %s: %w:\n%s", wf.ID, prog, err, lastLines(stderr.String(), 25))
	}
	var out map[string]any
	if err := json.Unmarshal(stdout.Bytes(), &out); err != nil {
		return nil, fmt.Errorf("run workflow %s with %s: output object is not JSON (%v):\n%s", wf.ID, prog, err, lastLines(stdout.String(), 10))
	}
	addPaths(out)
	return out, nil
}

// absolute returns a copy of the job inputs in whose relative File and
// Directory locations and paths are made absolute.
func absolute(in map[string]any) (map[string]any, error) {
	data, err := json.Marshal(in)
	if err != nil {
		return nil, err
	}
	var out map[string]any
	if err := json.Unmarshal(data, &out); err != nil {
		return nil, err
	}
	var walk func(v any) error
	walk = func(v any) error {
		switch x := v.(type) {
		case map[string]any:
			if cls := x["class"]; cls == "File" || cls == "Directory" {
				for _, k := range []string{"location", "path"} {
					s, ok := x[k].(string)
					if !ok || strings.Contains(s, "://") || filepath.IsAbs(s) {
						continue
					}
					p, err := filepath.Abs(s)
					if err != nil {
						return err
					}
					x[k] = p
				}
			}
			for _, c := range x {
				if err := walk(c); err != nil {
					return err
				}
			}
		case []any:
			for _, c := range x {
				if err := walk(c); err != nil {
					return err
				}
			}
		}
		return nil
	}
	return out, walk(out)
}

// addPaths sets "path" on File and Directory objects with file:// locations.
func addPaths(v any) {
	switch x := v.(type) {
	case map[string]any:
		if cls := x["class"]; cls == "File" || cls == "Directory" {
			if loc, ok := x["location"].(string); ok && x["path"] == nil {
				if u, err := url.Parse(loc); err == nil && u.Scheme == "file" {
					x["path"] = u.Path
				}
			}
		}
		for _, c := range x {
			addPaths(c)
		}
	case []any:
		for _, c := range x {
			addPaths(c)
		}
	}
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
