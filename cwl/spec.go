package cwl

import "fmt"

// ToolSpec describes a CommandLineTool as data: the form a config gives.
// Build turns it into the document through a Builder, with its checks.
type ToolSpec struct {
	// ID names the tool; workflow steps refer to it.
	ID    string `json:"id"`
	Label string `json:"label,omitempty"`
	Doc   string `json:"doc,omitempty"`
	// BaseCommand is the program and its leading arguments.
	BaseCommand []string       `json:"baseCommand,omitempty"`
	Arguments   []ArgumentSpec `json:"arguments,omitempty"`
	Inputs      []PortSpec     `json:"inputs,omitempty"`
	Outputs     []PortSpec     `json:"outputs,omitempty"`
	// Stdin is the file fed to standard input, such as "$(inputs.x.path)".
	Stdin string `json:"stdin,omitempty"`
	// Stdout and Stderr name the files that capture the streams.
	Stdout string `json:"stdout,omitempty"`
	Stderr string `json:"stderr,omitempty"`
	// Docker is the image to run the tool in.
	Docker string `json:"docker,omitempty"`
	// Stage lists files put into the working directory before the run.
	Stage     []StageSpec `json:"stage,omitempty"`
	Resources *Resources  `json:"resources,omitempty"`
	// GPU adds cwltool's CUDARequirement as a hint.
	GPU *CUDA `json:"gpu,omitempty"`
	// Env sets environment variables.
	Env map[string]string `json:"env,omitempty"`
	// Namespaces declares prefixes for extension keys in Raw.
	Namespaces map[string]string `json:"namespaces,omitempty"`
	// Raw sets further document keys, such as "prefix:name" extensions.
	Raw map[string]any `json:"raw,omitempty"`
}

// ArgumentSpec is a command-line argument of a ToolSpec.
type ArgumentSpec struct {
	// Value is a literal or an expression.
	Value      string `json:"value"`
	Position   *int   `json:"position,omitempty"`
	Prefix     string `json:"prefix,omitempty"`
	Separate   *bool  `json:"separate,omitempty"`
	ShellQuote *bool  `json:"shellQuote,omitempty"`
}

// PortSpec is an input or output of a ToolSpec.
type PortSpec struct {
	ID string `json:"id"`
	// Type is CWL's shorthand: "File", "string?", "int[]", "enum" (with
	// Symbols), and for outputs "stdout" and "stderr".
	Type    string   `json:"type"`
	Symbols []string `json:"symbols,omitempty"`
	Label   string   `json:"label,omitempty"`
	Doc     string   `json:"doc,omitempty"`
	// Default is an input's value when none is given.
	Default any `json:"default,omitempty"`
	// Position, Prefix, Separate, ItemSeparator, ValueFrom and ShellQuote
	// put an input on the command line.
	Position      *int   `json:"position,omitempty"`
	Prefix        string `json:"prefix,omitempty"`
	Separate      *bool  `json:"separate,omitempty"`
	ItemSeparator string `json:"itemSeparator,omitempty"`
	ValueFrom     string `json:"valueFrom,omitempty"`
	ShellQuote    *bool  `json:"shellQuote,omitempty"`
	// Glob, FromInput, OutputEval and LoadContents collect an output.
	Glob         string `json:"glob,omitempty"`
	FromInput    string `json:"fromInput,omitempty"`
	OutputEval   string `json:"outputEval,omitempty"`
	LoadContents bool   `json:"loadContents,omitempty"`
}

// StageSpec is a file put in the tool's working directory: the File or
// Directory of an input, or a file written from Contents.
type StageSpec struct {
	Input    string `json:"input,omitempty"`
	Name     string `json:"name,omitempty"`
	Contents string `json:"contents,omitempty"`
	Writable bool   `json:"writable,omitempty"`
}

// Build checks s and returns its document, as Builder.Build does.
func (s ToolSpec) Build() (*CommandLineTool, error) {
	b := NewTool(s.ID).Label(s.Label).Doc(s.Doc).BaseCommand(s.BaseCommand...).
		Stdin(s.Stdin).Stdout(s.Stdout).Stderr(s.Stderr)
	for _, a := range s.Arguments {
		var opts []Option
		if a.Position != nil {
			opts = append(opts, Position(*a.Position))
		}
		if a.Prefix != "" {
			opts = append(opts, Prefix(a.Prefix))
		}
		if a.Separate != nil {
			opts = append(opts, Separate(*a.Separate))
		}
		if a.ShellQuote != nil {
			opts = append(opts, ShellQuote(*a.ShellQuote))
		}
		b.Argument(a.Value, opts...)
	}
	for i, p := range s.Inputs {
		t, err := ParseType(p.Type, p.Symbols)
		if err != nil {
			b.errs = append(b.errs, fmt.Errorf("inputs[%d] (%s): %w", i, p.ID, err))
		}
		b.Input(p.ID, t, p.options()...)
	}
	for i, p := range s.Outputs {
		t, err := ParseType(p.Type, p.Symbols)
		if err != nil {
			b.errs = append(b.errs, fmt.Errorf("outputs[%d] (%s): %w", i, p.ID, err))
		}
		b.Output(p.ID, t, p.options()...)
	}
	if s.Docker != "" {
		b.Docker(s.Docker)
	}
	for i, st := range s.Stage {
		switch {
		case st.Input != "" && (st.Name != "" || st.Contents != ""):
			b.errs = append(b.errs, fmt.Errorf("stage[%d]: give input, or name and contents, not both", i))
		case st.Input != "":
			b.Stage(st.Input, st.Writable)
		case st.Name != "":
			b.WriteFile(st.Name, st.Contents, st.Writable)
		default:
			b.errs = append(b.errs, fmt.Errorf("stage[%d]: give input, or name and contents", i))
		}
	}
	if s.Resources != nil {
		b.Resources(*s.Resources)
	}
	if s.GPU != nil {
		b.GPU(*s.GPU)
	}
	for _, k := range sortedKeys(s.Env) {
		b.Env(k, s.Env[k])
	}
	for _, k := range sortedKeys(s.Namespaces) {
		b.Namespace(k, s.Namespaces[k])
	}
	for _, k := range sortedKeys(s.Raw) {
		b.Raw(k, s.Raw[k])
	}
	return b.Build()
}

// options returns the Builder options that p sets.
func (p PortSpec) options() []Option {
	var opts []Option
	add := func(set bool, o Option) {
		if set {
			opts = append(opts, o)
		}
	}
	add(p.Label != "", Label(p.Label))
	add(p.Doc != "", Doc(p.Doc))
	add(p.Default != nil, Default(p.Default))
	if p.Position != nil {
		opts = append(opts, Position(*p.Position))
	}
	add(p.Prefix != "", Prefix(p.Prefix))
	if p.Separate != nil {
		opts = append(opts, Separate(*p.Separate))
	}
	add(p.ItemSeparator != "", ItemSeparator(p.ItemSeparator))
	add(p.ValueFrom != "", ValueFrom(p.ValueFrom))
	if p.ShellQuote != nil {
		opts = append(opts, ShellQuote(*p.ShellQuote))
	}
	add(p.Glob != "", Glob(p.Glob))
	add(p.FromInput != "", FromInput(p.FromInput))
	add(p.OutputEval != "", OutputEval(p.OutputEval))
	add(p.LoadContents, LoadContents())
	return opts
}
