// Package steps registers the CWL steps into registry.Default:
//
//	cwl_tool         a tool described in the config -> its CommandLineTool document
//	cwl_workflow     tools and bindings -> a compiled Workflow and its job inputs
//	compute_payload  workflow, job inputs, compute config -> a checked compute payload
//	compute_submit   payload -> submitted to a compute service, followed until it runs (not cached)
//	cwl_run          workflow and job inputs -> run with cwltool or toil; the output object
//	cwl_write        documents -> .cwl, _inputs.yml and _payload.json files in a directory (not cached)
//
// The formed command imports it for its side effect.
package steps

import (
	"bufio"
	"context"
	"io"
	"log/slog"

	"github.com/formed-dev/formed/registry"
)

func init() {
	registry.Register("cwl_tool", Tool, registry.Version("1"),
		registry.Description("A CWL v1.2 CommandLineTool described in the config; the result is the tool's document."))
	registry.Register("cwl_workflow", Workflow, registry.Version("1"),
		registry.Description("Compile CWL tools and input bindings into a Workflow with the tools inlined (Sophios naming), plus its job inputs."))
	registry.Register("compute_payload", Payload, registry.Version("1"),
		registry.Description("Build a compute-service payload from a compiled workflow, its job inputs and compute config, checked against the payload schema."))
	registry.Register("compute_submit", Submit, registry.Version("1"), registry.Cacheable(false),
		registry.Description("POST a compute payload to a service URL and poll its status until RUNNING, COMPLETED, ERROR or CANCELLED; fails on ERROR or CANCELLED."))
	registry.Register("cwl_run", Run, registry.Version("1"),
		registry.Description("Run a compiled CWL workflow locally with cwltool or toil-cwl-runner; outputs are kept in the step's work directory."))
	registry.Register("cwl_write", Write, registry.Version("1"), registry.Cacheable(false),
		registry.Description("Write tool and workflow .cwl files, the workflow's _inputs.yml and the payload's .json to a directory."))
}

// logWriter returns a writer whose lines go to the step's logger at
// debug level, and a function to call when writing is done.
func logWriter(ctx context.Context, msg string) (io.Writer, func()) {
	log := registry.Logger(ctx)
	r, w := io.Pipe()
	done := make(chan struct{})
	go func() {
		defer close(done)
		sc := bufio.NewScanner(r)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		for sc.Scan() {
			log.Debug(msg, slog.String("line", sc.Text()))
		}
		io.Copy(io.Discard, r)
	}()
	return w, func() { w.Close(); <-done }
}
