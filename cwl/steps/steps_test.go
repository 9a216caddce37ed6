package steps_test

import (
	"context"
	"strings"
	"testing"

	"github.com/formed-dev/formed/cwl"
	"github.com/formed-dev/formed/cwl/steps"
	"github.com/formed-dev/formed/registry"
)

func TestRegistered(t *testing.T) {
	for name, cacheable := range map[string]bool{
		"cwl_tool": true, "cwl_workflow": true, "compute_payload": true,
		"compute_submit": false, "cwl_run": true, "cwl_write": false,
	} {
		s, ok := registry.Default.Step(name)
		if !ok {
			t.Errorf("step %s is not registered", name)
			continue
		}
		if s.Cacheable() != cacheable {
			t.Errorf("step %s: Cacheable() = %v, want %v", name, s.Cacheable(), cacheable)
		}
		if s.Description == "" {
			t.Errorf("step %s has no description", name)
		}
	}
}

func TestStepErrors(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name string
		run  func() error
		want string
	}{
		{"tool", func() error {
			_, err := steps.Tool(ctx, cwl.ToolSpec{ID: "t", BaseCommand: []string{"x"}, Inputs: []cwl.PortSpec{{ID: "a", Type: "File"}, {ID: "a", Type: "File"}}})
			return err
		}, "input a declared twice"},
		{"workflow", func() error {
			_, err := steps.Workflow(ctx, cwl.WorkflowSpec{ID: "wf"})
			return err
		}, "nothing to run"},
		{"payload", func() error {
			_, err := steps.Payload(ctx, steps.PayloadArgs{Workflow: cwl.Workflow{ID: "wf", Class: "Workflow", CWLVersion: "v1.2"}})
			return err
		}, "payload for workflow wf"},
		{"submit without url", func() error {
			_, err := steps.Submit(ctx, steps.SubmitArgs{})
			return err
		}, "url is empty"},
		{"submit bad interval", func() error {
			_, err := steps.Submit(ctx, steps.SubmitArgs{URL: "http://127.0.0.1:1", Interval: "often"})
			return err
		}, `interval "often": want a positive Go duration`},
		{"run with unknown runner", func() error {
			_, err := steps.Run(ctx, steps.RunArgs{Runner: "make"})
			return err
		}, `unknown CWL runner "make"`},
		{"write without dir", func() error {
			_, err := steps.Write(ctx, steps.WriteArgs{})
			return err
		}, "dir is empty"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.run()
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error = %v, want it to contain %q", err, tc.want)
			}
		})
	}
}
