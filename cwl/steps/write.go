package steps

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/formed-dev/formed/cwl"
	"github.com/formed-dev/formed/cwl/payload"
)

// WriteArgs are the arguments of cwl_write.
type WriteArgs struct {
	// Dir is the directory to write to; it is created if missing.
	Dir string `json:"dir"`
	// Tools are written as {id}.cwl.
	Tools []cwl.CommandLineTool `json:"tools,omitempty"`
	// Workflow is written as {id}.cwl.
	Workflow *cwl.Workflow `json:"workflow,omitempty"`
	// Inputs are the workflow's job inputs, written as {workflow id}_inputs.yml.
	Inputs map[string]any `json:"inputs,omitempty"`
	// Payload is written as {payload id}_payload.json.
	Payload *payload.Payload `json:"payload,omitempty"`
}

// WriteResult lists the files cwl_write wrote.
type WriteResult struct {
	Files []string `json:"files"`
}

// Write is the cwl_write step, Sophios' "integrated" output: the
// documents as files a person or another runner can use.
func Write(ctx context.Context, in WriteArgs) (WriteResult, error) {
	if in.Dir == "" {
		return WriteResult{}, fmt.Errorf("cwl_write: dir is empty; name the directory to write to")
	}
	if in.Inputs != nil && in.Workflow == nil {
		return WriteResult{}, fmt.Errorf("cwl_write: inputs without a workflow; inputs are named after the workflow, so give it too")
	}
	type file struct {
		name string
		v    any
		enc  func(any) ([]byte, error)
	}
	var files []file
	for _, t := range in.Tools {
		if t.ID == "" {
			return WriteResult{}, fmt.Errorf("cwl_write: a tool has no id to name its file after")
		}
		files = append(files, file{t.ID + ".cwl", t, cwl.EncodeYAML})
	}
	if in.Workflow != nil {
		files = append(files, file{in.Workflow.ID + ".cwl", in.Workflow, cwl.EncodeYAML})
		if in.Inputs != nil {
			files = append(files, file{in.Workflow.ID + "_inputs.yml", in.Inputs, cwl.EncodeYAML})
		}
	}
	if in.Payload != nil {
		if err := in.Payload.Validate(); err != nil {
			return WriteResult{}, fmt.Errorf("cwl_write: payload %s: %w", in.Payload.ID, err)
		}
		files = append(files, file{in.Payload.ID + "_payload.json", in.Payload, cwl.EncodeJSON})
	}
	if err := os.MkdirAll(in.Dir, 0o755); err != nil {
		return WriteResult{}, fmt.Errorf("cwl_write: %w", err)
	}
	res := WriteResult{Files: []string{}}
	seen := map[string]bool{}
	for _, f := range files {
		if seen[f.name] {
			return WriteResult{}, fmt.Errorf("cwl_write: two documents would be written to %s; give them distinct ids", f.name)
		}
		seen[f.name] = true
		data, err := f.enc(f.v)
		if err != nil {
			return WriteResult{}, fmt.Errorf("cwl_write: encode %s: %w", f.name, err)
		}
		path := filepath.Join(in.Dir, f.name)
		if err := writeFile(path, data); err != nil {
			return WriteResult{}, fmt.Errorf("cwl_write: %w", err)
		}
		res.Files = append(res.Files, path)
	}
	return res, nil
}

// writeFile replaces path with data atomically: a temporary file in the
// same directory, synced, renamed over path, then the directory synced.
func writeFile(path string, data []byte) (err error) {
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	if _, err = f.Write(data); err != nil {
		return err
	}
	if err = f.Chmod(0o644); err != nil {
		return err
	}
	if err = f.Sync(); err != nil {
		return err
	}
	if err = f.Close(); err != nil {
		return err
	}
	if err = os.Rename(f.Name(), path); err != nil {
		return err
	}
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}
