package steps

import (
	"context"

	"github.com/formed-dev/formed/cwl"
)

// Tool is the cwl_tool step: it builds and checks the tool spec describes.
func Tool(ctx context.Context, spec cwl.ToolSpec) (cwl.CommandLineTool, error) {
	t, err := spec.Build()
	if err != nil {
		return cwl.CommandLineTool{}, err
	}
	return *t, nil
}

// Workflow is the cwl_workflow step: it compiles spec.
func Workflow(ctx context.Context, spec cwl.WorkflowSpec) (cwl.Compiled, error) {
	c, err := cwl.Compile(spec)
	if err != nil {
		return cwl.Compiled{}, err
	}
	return *c, nil
}
