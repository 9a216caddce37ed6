package cwl_test

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/formed-dev/formed/cwl"
	"github.com/formed-dev/formed/cwl/internal/cwltest"
)

func tools(t *testing.T) []cwl.CommandLineTool {
	t.Helper()
	wc, err := cwl.NewTool("wc").BaseCommand("wc").
		Input("text", cwl.File).Stdin("$(inputs.text.path)").
		Output("counts", cwl.Stdout).Stdout("counts.txt").Build()
	if err != nil {
		t.Fatal(err)
	}
	sum, err := cwl.NewTool("shasum").BaseCommand("shasum").
		Input("algorithm", cwl.Int, cwl.Prefix("-a"), cwl.Default(256)).
		Input("file", cwl.File).Stdin("$(inputs.file.path)").
		Output("checksum", cwl.Stdout).Stdout("checksum.txt").
		GPU(cwl.CUDA{VersionMin: "11.4", ComputeCapability: "3.0"}).Build()
	if err != nil {
		t.Fatal(err)
	}
	return []cwl.CommandLineTool{*wc, *sum}
}

func TestCompileGolden(t *testing.T) {
	spec := cwl.WorkflowSpec{
		ID:    "count_then_sum",
		Tools: tools(t),
		Steps: []cwl.StepSpec{
			{Tool: "wc", In: map[string]cwl.Bind{"text": {Input: "data"}}},
			{Tool: "shasum", In: map[string]cwl.Bind{"file": {Source: "wc/counts"}, "algorithm": {Value: 512}}},
			{Tool: "shasum", Name: "data_sum", In: map[string]cwl.Bind{"file": {Input: "data"}}},
		},
		Inputs: map[string]any{"data": "hello.txt"},
	}
	c, err := cwl.Compile(spec)
	if err != nil {
		t.Fatal(err)
	}
	y, err := cwl.EncodeYAML(c.Workflow)
	if err != nil {
		t.Fatal(err)
	}
	cwltest.Golden(t, "count_then_sum.cwl", y)
	job, err := cwl.EncodeJSON(c.Inputs)
	if err != nil {
		t.Fatal(err)
	}
	cwltest.Golden(t, "count_then_sum.inputs.json", job)

	js, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	var back cwl.Compiled
	if err := json.Unmarshal(js, &back); err != nil {
		t.Fatal(err)
	}
	again, _ := json.Marshal(back)
	if string(again) != string(js) {
		t.Errorf("JSON round trip changed the compiled workflow:\ngot  %s\nwant %s", again, js)
	}

	// Sophios' naming
	var ids []string
	for _, s := range c.Workflow.Steps {
		ids = append(ids, s.ID)
	}
	want := []string{"count_then_sum__step__1__wc", "count_then_sum__step__2__shasum", "count_then_sum__step__3__data_sum"}
	if !reflect.DeepEqual(ids, want) {
		t.Errorf("step ids = %v, want %v", ids, want)
	}
	if got := c.Inputs["count_then_sum__step__2__shasum___algorithm"]; got != float64(512) {
		t.Errorf("literal job input = %v, want 512", got)
	}
	if got := c.Inputs["data"]; !reflect.DeepEqual(got, map[string]any{"class": "File", "location": "hello.txt"}) {
		t.Errorf("File job input = %v, want {class: File, location: hello.txt}", got)
	}
	if got := c.Workflow.Outputs[1].ID; got != "count_then_sum__step__2__shasum___checksum" {
		t.Errorf("output id = %s", got)
	}
}

func TestCompileRejects(t *testing.T) {
	ts := tools(t)
	for _, tc := range []struct {
		name  string
		steps []cwl.StepSpec
		in    map[string]any
		want  string
	}{
		{"missing required input", []cwl.StepSpec{{Tool: "wc"}},
			nil, "step 1 (wc) input text: required input is not bound"},
		{"named input without value", []cwl.StepSpec{{Tool: "wc", In: map[string]cwl.Bind{"text": {Input: "data"}}}},
			nil, "workflow input data: required by step 1 (wc) input text but has no value in inputs"},
		{"unused input value", []cwl.StepSpec{{Tool: "wc", In: map[string]cwl.Bind{"text": {Value: "a.txt"}}}},
			map[string]any{"extra": 1}, "inputs.extra: no step binds it"},
		{"unknown tool", []cwl.StepSpec{{Tool: "cat"}},
			nil, `no tool with id "cat"`},
		{"unknown port", []cwl.StepSpec{{Tool: "wc", In: map[string]cwl.Bind{"text": {Value: "a"}, "txt": {Value: "b"}}}},
			nil, `binds "txt", which is not an input of tool wc`},
		{"later source", []cwl.StepSpec{{Tool: "shasum", In: map[string]cwl.Bind{"file": {Source: "wc/counts"}}}, {Tool: "wc", In: map[string]cwl.Bind{"text": {Value: "a"}}}},
			nil, `source "wc/counts": want "step/output" naming an earlier step`},
		{"unknown output", []cwl.StepSpec{{Tool: "wc", In: map[string]cwl.Bind{"text": {Value: "a"}}}, {Tool: "shasum", In: map[string]cwl.Bind{"file": {Source: "wc/count"}}}},
			nil, `step wc has no output "count"`},
		{"type mismatch", []cwl.StepSpec{{Tool: "wc", In: map[string]cwl.Bind{"text": {Value: "a"}}}, {Tool: "shasum", In: map[string]cwl.Bind{"file": {Value: "a"}, "algorithm": {Source: "wc/counts"}}}},
			nil, "source wc/counts has type File, but the input takes int"},
		{"two bindings", []cwl.StepSpec{{Tool: "wc", In: map[string]cwl.Bind{"text": {Value: "a", Input: "b"}}}},
			nil, "takes one of value, input or source, not 2"},
		{"duplicate step", []cwl.StepSpec{{Tool: "wc", In: map[string]cwl.Bind{"text": {Value: "a"}}}, {Tool: "wc", In: map[string]cwl.Bind{"text": {Value: "a"}}}},
			nil, "a step named wc comes earlier"},
		{"bad file value", []cwl.StepSpec{{Tool: "wc", In: map[string]cwl.Bind{"text": {Value: 3}}}},
			nil, "float64 for a File"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := cwl.Compile(cwl.WorkflowSpec{ID: "wf", Tools: ts, Steps: tc.steps, Inputs: tc.in})
			if err == nil {
				t.Fatalf("Compile() = %+v, want an error containing %q", c, tc.want)
			}
			if !errors.Is(err, cwl.ErrInvalid) || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error = %v\nwant ErrInvalid containing %q", err, tc.want)
			}
		})
	}
}

// TestCompileLeavesDefaultsToTools checks a named input without a value
// that feeds only inputs with defaults becomes optional, so the tool's
// default applies.
func TestCompileLeavesDefaultsToTools(t *testing.T) {
	c, err := cwl.Compile(cwl.WorkflowSpec{ID: "wf", Tools: tools(t), Steps: []cwl.StepSpec{
		{Tool: "shasum", In: map[string]cwl.Bind{"file": {Value: "a"}, "algorithm": {Input: "algo"}}}}})
	if err != nil {
		t.Fatal(err)
	}
	for _, in := range c.Workflow.Inputs {
		if in.ID == "algo" && in.Type.String() != "int?" {
			t.Errorf("workflow input algo has type %s, want int?", in.Type)
		}
	}
	if _, ok := c.Inputs["algo"]; ok {
		t.Errorf("job inputs %v hold a value for algo", c.Inputs)
	}
}
