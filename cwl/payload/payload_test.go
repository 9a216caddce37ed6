package payload_test

import (
	"encoding/json"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/formed-dev/formed/cwl"
	"github.com/formed-dev/formed/cwl/internal/cwltest"
	"github.com/formed-dev/formed/cwl/payload"
)

func compiled(t *testing.T) *cwl.Compiled {
	t.Helper()
	wc, err := cwl.NewTool("wc").BaseCommand("wc").Input("text", cwl.File).Stdin("$(inputs.text.path)").
		Output("counts", cwl.Stdout).Build()
	if err != nil {
		t.Fatal(err)
	}
	c, err := cwl.Compile(cwl.WorkflowSpec{ID: "count", Tools: []cwl.CommandLineTool{*wc},
		Steps: []cwl.StepSpec{{Tool: "wc", In: map[string]cwl.Bind{"text": {Value: "/data/in.txt"}}}}})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

var configs = map[string]*payload.ComputeConfig{
	"none":  nil,
	"empty": {},
	"full": {
		ToilConfig:   &payload.ToilConfig{LogLevel: "INFO"},
		OutputConfig: &payload.OutputConfig{Mode: payload.UserSpecified, OutputDir: "/out"},
		SlurmConfig: &payload.SlurmConfig{JobName: "count", Partition: "normal_gpu", SlurmJobGpuCount: 1,
			CPUsPerTask: 4, Nodes: 1, TasksPerNode: 1, Output: "slurm-%j.out", Error: "slurm-%j.err",
			Time: "1:00:00", Memory: "8G"},
	},
	"service default": {OutputConfig: &payload.OutputConfig{Mode: payload.ServiceDefault}},
	"declared":        {OutputConfig: &payload.OutputConfig{Mode: payload.WorkflowDeclared}},
}

// upstream returns the service's own schema, read from shared/reference.
func upstream(t *testing.T) *jsonschema.Schema {
	t.Helper()
	data, err := os.ReadFile(cwltest.Reference(t, "sophios-compute-payload.schema.json"))
	if err != nil {
		t.Fatal(err)
	}
	s, err := payload.Compile(data)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestEmittedPayloadsValidateUpstream builds payloads with every kind of
// configuration and checks both schemas accept them.
func TestEmittedPayloadsValidateUpstream(t *testing.T) {
	up := upstream(t)
	c := compiled(t)
	for name, cfg := range configs {
		t.Run(name, func(t *testing.T) {
			p, err := payload.New("", c.Workflow, c.Inputs, cfg)
			if err != nil {
				t.Fatalf("New: %v", err)
			}
			if p.ID != "count" {
				t.Errorf("id = %q, want the workflow id", p.ID)
			}
			data, err := json.Marshal(p)
			if err != nil {
				t.Fatal(err)
			}
			if err := payload.Check(up, data); err != nil {
				t.Errorf("upstream schema rejects an emitted payload: %v\n%s", err, data)
			}
			var back payload.Payload
			if err := json.Unmarshal(data, &back); err != nil {
				t.Fatal(err)
			}
			again, _ := json.Marshal(back)
			if string(again) != string(data) {
				t.Errorf("JSON round trip changed the payload:\n%s\n%s", again, data)
			}
		})
	}
}

// TestSchemaRejectsWhatUpstreamRejects mutates a valid payload; whatever
// the service's schema rejects, the project's must reject too.
func TestSchemaRejectsWhatUpstreamRejects(t *testing.T) {
	up := upstream(t)
	c := compiled(t)
	p, err := payload.New("", c.Workflow, c.Inputs, configs["full"])
	if err != nil {
		t.Fatal(err)
	}
	base, _ := json.Marshal(p)
	type obj = map[string]any
	at := func(m obj, path ...string) obj {
		for _, k := range path {
			m = m[k].(obj)
		}
		return m
	}
	for _, tc := range []struct {
		name string
		edit func(m obj)
		// upstreamRejects is false where the project's schema is stricter.
		upstreamRejects bool
	}{
		{"no cwlWorkflow", func(m obj) { delete(m, "cwlWorkflow") }, true},
		{"no cwlJobInputs", func(m obj) { delete(m, "cwlJobInputs") }, true},
		{"no jobs", func(m obj) { delete(m, "jobs") }, true},
		{"jobs not empty", func(m obj) { m["jobs"] = obj{"a": 1} }, true},
		{"unknown top-level key", func(m obj) { m["priority"] = 1 }, true},
		{"id not a string", func(m obj) { m["id"] = 7 }, true},
		{"cwlWorkflow not an object", func(m obj) { m["cwlWorkflow"] = "wf.cwl" }, true},
		{"cwlJobInputs an array", func(m obj) { m["cwlJobInputs"] = []any{} }, true},
		{"unknown computeConfig key", func(m obj) { at(m, "computeConfig")["gpu"] = true }, true},
		{"unknown slurmConfig key", func(m obj) { at(m, "computeConfig", "slurmConfig")["qos"] = "high" }, true},
		{"unknown toilConfig key", func(m obj) { at(m, "computeConfig", "toilConfig")["batchSystem"] = "slurm" }, true},
		{"unknown outputConfig key", func(m obj) { at(m, "computeConfig", "outputConfig")["dir"] = "/x" }, true},
		{"bad output mode", func(m obj) { at(m, "computeConfig", "outputConfig")["mode"] = "anywhere" }, true},
		{"zero cpus", func(m obj) { at(m, "computeConfig", "slurmConfig")["cpusPerTask"] = 0 }, true},
		{"fractional nodes", func(m obj) { at(m, "computeConfig", "slurmConfig")["nodes"] = 1.5 }, true},
		{"zero gpus", func(m obj) { at(m, "computeConfig", "slurmConfig")["slurmJobGpuCount"] = 0 }, true},
		{"memory a number", func(m obj) { at(m, "computeConfig", "slurmConfig")["memory"] = 8 }, true},
		{"logLevel a number", func(m obj) { at(m, "computeConfig", "toilConfig")["logLevel"] = 1 }, true},
		{"userSpecified without outputDir", func(m obj) { delete(at(m, "computeConfig", "outputConfig"), "outputDir") }, false},
		{"outputDir without userSpecified", func(m obj) { at(m, "computeConfig", "outputConfig")["mode"] = "serviceDefault" }, false},
		{"not a Workflow", func(m obj) { at(m, "cwlWorkflow")["class"] = "CommandLineTool" }, false},
		{"bad logLevel", func(m obj) { at(m, "computeConfig", "toilConfig")["logLevel"] = "LOUD" }, false},
		{"bad time", func(m obj) { at(m, "computeConfig", "slurmConfig")["time"] = "an hour" }, false},
		{"bad memory", func(m obj) { at(m, "computeConfig", "slurmConfig")["memory"] = "8 GB" }, false},
		{"no id", func(m obj) { delete(m, "id") }, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var m obj
			if err := json.Unmarshal(base, &m); err != nil {
				t.Fatal(err)
			}
			tc.edit(m)
			data, _ := json.Marshal(m)
			upErr := payload.Check(up, data)
			if got := upErr != nil; got != tc.upstreamRejects {
				t.Errorf("upstream schema rejects = %v, want %v (%v)", got, tc.upstreamRejects, upErr)
			}
			err := payload.ValidateJSON(data)
			if err == nil {
				t.Fatalf("project schema accepts %s; upstream error: %v", data, upErr)
			}
			if !errors.Is(err, payload.ErrInvalid) {
				t.Errorf("error %v is not ErrInvalid", err)
			}
		})
	}
}

func TestNewRejectsBadConfig(t *testing.T) {
	c := compiled(t)
	_, err := payload.New("", c.Workflow, c.Inputs, &payload.ComputeConfig{OutputConfig: &payload.OutputConfig{Mode: payload.UserSpecified}})
	if !errors.Is(err, payload.ErrInvalid) || !strings.Contains(err.Error(), "outputDir") {
		t.Errorf("New with userSpecified and no outputDir: error = %v, want ErrInvalid naming outputDir", err)
	}
}
