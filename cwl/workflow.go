package cwl

// Workflow is a CWL Workflow document whose steps run inlined tools.
type Workflow struct {
	CWLVersion   string            `json:"cwlVersion"`
	Class        string            `json:"class"`
	ID           string            `json:"id"`
	Label        string            `json:"label,omitempty"`
	Doc          string            `json:"doc,omitempty"`
	Namespaces   map[string]string `json:"$namespaces,omitempty"`
	Requirements []Requirement     `json:"requirements,omitempty"`
	Inputs       []WorkflowInput   `json:"inputs"`
	Outputs      []WorkflowOutput  `json:"outputs"`
	Steps        []WorkflowStep    `json:"steps"`
}

// WorkflowInput is an input parameter of a Workflow.
type WorkflowInput struct {
	ID      string `json:"id"`
	Type    Type   `json:"type"`
	Label   string `json:"label,omitempty"`
	Doc     string `json:"doc,omitempty"`
	Default any    `json:"default,omitempty"`
}

// WorkflowOutput is an output parameter of a Workflow.
type WorkflowOutput struct {
	ID           string `json:"id"`
	Type         Type   `json:"type"`
	OutputSource string `json:"outputSource"`
}

// WorkflowStep runs one tool.
type WorkflowStep struct {
	ID  string          `json:"id"`
	In  []StepInput     `json:"in"`
	Out []string        `json:"out"`
	Run CommandLineTool `json:"run"`
}

// StepInput connects a tool input to a workflow input or another step's
// output ("step_id/output").
type StepInput struct {
	ID     string `json:"id"`
	Source string `json:"source"`
}
