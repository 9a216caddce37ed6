package cwl

import "encoding/json"

// Version is the CWL version of every document the package writes.
const Version = "v1.2"

// CommandLineTool is a CWL CommandLineTool document. Build one with a
// Builder, which checks it; encode it with encoding/json or EncodeYAML.
type CommandLineTool struct {
	CWLVersion   string            `json:"cwlVersion,omitempty"`
	Class        string            `json:"class"`
	ID           string            `json:"id,omitempty"`
	Label        string            `json:"label,omitempty"`
	Doc          string            `json:"doc,omitempty"`
	Namespaces   map[string]string `json:"$namespaces,omitempty"`
	Requirements []Requirement     `json:"requirements,omitempty"`
	Hints        []Requirement     `json:"hints,omitempty"`
	BaseCommand  []string          `json:"baseCommand,omitempty"`
	Arguments    []Binding         `json:"arguments,omitempty"`
	Inputs       []Input           `json:"inputs"`
	Outputs      []Output          `json:"outputs"`
	Stdin        string            `json:"stdin,omitempty"`
	Stdout       string            `json:"stdout,omitempty"`
	Stderr       string            `json:"stderr,omitempty"`
	// Extra holds further document keys, such as extension fields
	// ("prefix:name" with the prefix in Namespaces). Keys must not start
	// with '$' or repeat a field above.
	Extra map[string]any `json:"-"`
}

type toolFields CommandLineTool

// MarshalJSON writes the fields in order, then Extra by sorted key.
func (t CommandLineTool) MarshalJSON() ([]byte, error) {
	return marshalExtra(toolFields(t), t.Extra)
}

// UnmarshalJSON reads the fields and keeps unknown keys in Extra.
func (t *CommandLineTool) UnmarshalJSON(data []byte) error {
	var f toolFields
	extra, err := unmarshalExtra(data, &f)
	if err != nil {
		return err
	}
	*t = CommandLineTool(f)
	t.Extra = extra
	return nil
}

// Input is an input parameter of a CommandLineTool.
type Input struct {
	ID           string   `json:"id"`
	Type         Type     `json:"type"`
	Label        string   `json:"label,omitempty"`
	Doc          string   `json:"doc,omitempty"`
	Default      any      `json:"default,omitempty"`
	InputBinding *Binding `json:"inputBinding,omitempty"`
}

// Output is an output parameter of a CommandLineTool.
type Output struct {
	ID            string         `json:"id"`
	Type          Type           `json:"type"`
	Label         string         `json:"label,omitempty"`
	Doc           string         `json:"doc,omitempty"`
	OutputBinding *OutputBinding `json:"outputBinding,omitempty"`
}

// Binding is a CWL CommandLineBinding: where and how a value appears on
// the command line. As an argument, ValueFrom is the value.
type Binding struct {
	Position      *int   `json:"position,omitempty"`
	Prefix        string `json:"prefix,omitempty"`
	Separate      *bool  `json:"separate,omitempty"`
	ItemSeparator string `json:"itemSeparator,omitempty"`
	ValueFrom     string `json:"valueFrom,omitempty"`
	ShellQuote    *bool  `json:"shellQuote,omitempty"`
}

// UnmarshalJSON also accepts an argument written as a bare string.
func (b *Binding) UnmarshalJSON(data []byte) error {
	var s string
	if json.Unmarshal(data, &s) == nil {
		*b = Binding{ValueFrom: s}
		return nil
	}
	type plain Binding
	return json.Unmarshal(data, (*plain)(b))
}

// OutputBinding is a CWL CommandOutputBinding.
type OutputBinding struct {
	Glob         string `json:"glob,omitempty"`
	LoadContents bool   `json:"loadContents,omitempty"`
	OutputEval   string `json:"outputEval,omitempty"`
}
