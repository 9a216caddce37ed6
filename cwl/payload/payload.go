// Package payload builds the request that submits a compiled CWL workflow
// to a compute service, and checks it against the project's JSON Schema
// for it, embedded as schema.json.
package payload

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/formed-dev/formed/cwl"
)

// Schema is the project's JSON Schema for a payload. It is stricter than
// the service's: every payload valid under it is valid there.
//
//go:embed schema.json
var Schema []byte

// ErrInvalid is returned, wrapped, when a payload breaks Schema.
var ErrInvalid = errors.New("invalid compute payload")

// Payload is the body POSTed to a compute service.
type Payload struct {
	// ID identifies the workflow run; it defaults to the workflow's id.
	ID            string         `json:"id"`
	CWLWorkflow   cwl.Workflow   `json:"cwlWorkflow"`
	CWLJobInputs  map[string]any `json:"cwlJobInputs"`
	ComputeConfig *ComputeConfig `json:"computeConfig,omitempty"`
	// Jobs is always the empty object the service expects.
	Jobs Jobs `json:"jobs"`
}

// Jobs is the empty "jobs" object of a payload.
type Jobs struct{}

// ComputeConfig groups the service's settings by concern.
type ComputeConfig struct {
	ToilConfig   *ToilConfig   `json:"toilConfig,omitempty"`
	OutputConfig *OutputConfig `json:"outputConfig,omitempty"`
	SlurmConfig  *SlurmConfig  `json:"slurmConfig,omitempty"`
}

// ToilConfig configures the service's toil-cwl-runner.
type ToilConfig struct {
	// LogLevel is passed to --logLevel, such as INFO.
	LogLevel string `json:"logLevel,omitempty" jsonschema:"enum=CRITICAL,enum=ERROR,enum=WARNING,enum=INFO,enum=DEBUG"`
}

// Output modes of OutputConfig.
const (
	ServiceDefault   = "serviceDefault"
	UserSpecified    = "userSpecified"
	WorkflowDeclared = "workflowDeclared"
)

// OutputConfig says where the service puts workflow outputs.
type OutputConfig struct {
	// Mode is serviceDefault, userSpecified (OutputDir required) or
	// workflowDeclared.
	Mode      string `json:"mode" jsonschema:"enum=serviceDefault,enum=userSpecified,enum=workflowDeclared"`
	OutputDir string `json:"outputDir,omitempty"`
}

// SlurmConfig configures the service's outer sbatch job.
type SlurmConfig struct {
	JobName          string `json:"jobName,omitempty"`
	Partition        string `json:"partition,omitempty"`
	SlurmJobGpuCount int    `json:"slurmJobGpuCount,omitempty"`
	CPUsPerTask      int    `json:"cpusPerTask,omitempty"`
	Nodes            int    `json:"nodes,omitempty"`
	TasksPerNode     int    `json:"tasksPerNode,omitempty"`
	// Output and Error are the sbatch stdout and stderr paths.
	Output string `json:"output,omitempty"`
	Error  string `json:"error,omitempty"`
	// Time is the time limit, such as 1:00:00.
	Time string `json:"time,omitempty"`
	// Memory is the --mem value, such as 8G.
	Memory string `json:"memory,omitempty"`
}

// New returns the payload for workflow wf with job inputs in and
// configuration cfg (nil for the service's defaults), checked against
// Schema. An empty id defaults to the workflow's id.
func New(id string, wf cwl.Workflow, in map[string]any, cfg *ComputeConfig) (*Payload, error) {
	if id == "" {
		id = wf.ID
	}
	if in == nil {
		in = map[string]any{}
	}
	p := &Payload{ID: id, CWLWorkflow: wf, CWLJobInputs: in, ComputeConfig: cfg}
	if err := p.Validate(); err != nil {
		return nil, err
	}
	return p, nil
}

// Validate checks p against Schema.
func (p *Payload) Validate() error {
	data, err := json.Marshal(p)
	if err != nil {
		return fmt.Errorf("payload %s: encode: %w", p.ID, err)
	}
	return ValidateJSON(data)
}

var compiled = sync.OnceValues(func() (*jsonschema.Schema, error) { return Compile(Schema) })

// ValidateJSON checks the JSON document data against Schema. The error
// wraps ErrInvalid and lists each violation with its JSON pointer.
func ValidateJSON(data []byte) error {
	s, err := compiled()
	if err != nil {
		return err
	}
	return Check(s, data)
}

// Compile compiles a JSON Schema document, such as Schema.
func Compile(schema []byte) (*jsonschema.Schema, error) {
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(schema))
	if err != nil {
		return nil, fmt.Errorf("read schema: %w", err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource("mem:///payload.schema.json", doc); err != nil {
		return nil, fmt.Errorf("add schema: %w", err)
	}
	s, err := c.Compile("mem:///payload.schema.json")
	if err != nil {
		return nil, fmt.Errorf("compile schema: %w", err)
	}
	return s, nil
}

// Check validates the JSON document data against s.
func Check(s *jsonschema.Schema, data []byte) error {
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		return fmt.Errorf("%w: not JSON: %v", ErrInvalid, err)
	}
	if err := s.Validate(v); err != nil {
		return fmt.Errorf("%w: %v", ErrInvalid, err)
	}
	return nil
}
