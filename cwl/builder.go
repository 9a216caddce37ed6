package cwl

import (
	"errors"
	"fmt"
	"maps"
	"slices"
)

// Builder assembles a CommandLineTool. Its methods record problems instead
// of failing one by one; Build reports them all. The zero value is not
// usable; call NewTool.
type Builder struct {
	tool   CommandLineTool
	ports  []*port
	staged []Dirent
	env    map[string]string
	errs   []error
}

// NewTool starts a CommandLineTool with the given id.
func NewTool(id string) *Builder {
	return &Builder{tool: CommandLineTool{CWLVersion: Version, Class: "CommandLineTool", ID: id}}
}

// Label sets the tool's label.
func (b *Builder) Label(s string) *Builder { b.tool.Label = s; return b }

// Doc sets the tool's documentation.
func (b *Builder) Doc(s string) *Builder { b.tool.Doc = s; return b }

// BaseCommand sets the program and its leading arguments.
func (b *Builder) BaseCommand(args ...string) *Builder {
	b.tool.BaseCommand = slices.Clone(args)
	return b
}

// Argument adds a command-line argument whose value is value (a literal
// or an expression). Position, Prefix, Separate and ShellQuote apply.
func (b *Builder) Argument(value string, opts ...Option) *Builder {
	b.ports = append(b.ports, newPort(argumentPort, "", Type{}, value, opts))
	return b
}

// Input adds an input port. Options: Label, Doc, Default, Position, Prefix,
// Separate, ItemSeparator, ValueFrom, ShellQuote. An input with none of
// Position, Prefix, ValueFrom is not put on the command line.
func (b *Builder) Input(id string, t Type, opts ...Option) *Builder {
	b.ports = append(b.ports, newPort(inputPort, id, t, "", opts))
	return b
}

// Output adds an output port. Options: Label, Doc, Glob, FromInput,
// OutputEval, LoadContents. Types Stdout and Stderr capture the streams.
func (b *Builder) Output(id string, t Type, opts ...Option) *Builder {
	b.ports = append(b.ports, newPort(outputPort, id, t, "", opts))
	return b
}

// Stdin sets the file (usually an expression such as "$(inputs.x.path)")
// fed to standard input.
func (b *Builder) Stdin(expr string) *Builder { b.tool.Stdin = expr; return b }

// Stdout sets the file name that captures standard output.
func (b *Builder) Stdout(name string) *Builder { b.tool.Stdout = name; return b }

// Stderr sets the file name that captures standard error.
func (b *Builder) Stderr(name string) *Builder { b.tool.Stderr = name; return b }

// Docker runs the tool in the given image (a DockerRequirement).
func (b *Builder) Docker(image string) *Builder {
	return b.Requirement(Requirement{Class: DockerRequirement, DockerPull: image})
}

// Stage puts the File or Directory of the input named input into the
// tool's working directory (InitialWorkDirRequirement), writable or not.
func (b *Builder) Stage(input string, writable bool) *Builder {
	b.staged = append(b.staged, Dirent{Entry: "$(inputs." + input + ")", Writable: writable})
	return b
}

// WriteFile creates the file name with contents in the tool's working
// directory before it runs (InitialWorkDirRequirement).
func (b *Builder) WriteFile(name, contents string, writable bool) *Builder {
	b.staged = append(b.staged, Dirent{Entryname: name, Entry: contents, Writable: writable})
	return b
}

// Resources sets a ResourceRequirement.
func (b *Builder) Resources(r Resources) *Builder {
	return b.Requirement(Requirement{Class: ResourceRequirement, Resources: r})
}

// GPU adds cwltool's CUDARequirement as a hint and declares the cwltool
// namespace it lives in.
func (b *Builder) GPU(c CUDA) *Builder {
	b.Namespace("cwltool", CWLToolNamespace)
	return b.Hint(Requirement{Class: CUDARequirement, CUDA: c})
}

// Env sets an environment variable for the tool (EnvVarRequirement).
func (b *Builder) Env(name, value string) *Builder {
	if b.env == nil {
		b.env = map[string]string{}
	}
	if _, dup := b.env[name]; dup {
		b.errs = append(b.errs, fmt.Errorf("environment variable %s set twice", name))
	}
	b.env[name] = value
	return b
}

// Requirement adds a requirement of any class.
func (b *Builder) Requirement(r Requirement) *Builder {
	b.tool.Requirements = append(b.tool.Requirements, r)
	return b
}

// Hint adds a hint of any class.
func (b *Builder) Hint(r Requirement) *Builder {
	b.tool.Hints = append(b.tool.Hints, r)
	return b
}

// Namespace declares a namespace prefix for extension classes and keys.
func (b *Builder) Namespace(prefix, uri string) *Builder {
	if b.tool.Namespaces == nil {
		b.tool.Namespaces = map[string]string{}
	}
	if old, ok := b.tool.Namespaces[prefix]; ok && old != uri {
		b.errs = append(b.errs, fmt.Errorf("namespace %s declared as both %s and %s", prefix, old, uri))
	}
	b.tool.Namespaces[prefix] = uri
	return b
}

// Raw sets a document key the Builder has no method for, such as an
// extension field "prefix:name". Keys starting with '$' are rejected.
func (b *Builder) Raw(key string, value any) *Builder {
	if b.tool.Extra == nil {
		b.tool.Extra = map[string]any{}
	}
	if _, dup := b.tool.Extra[key]; dup {
		b.errs = append(b.errs, fmt.Errorf("raw key %q set twice", key))
	}
	b.tool.Extra[key] = value
	return b
}

// Build checks the tool and returns its document. Requirements and hints
// are sorted by class; InlineJavascriptRequirement is added when any
// field holds a JavaScript expression. The error, if any, is an
// *InvalidError listing every problem found.
func (b *Builder) Build() (*CommandLineTool, error) {
	t := b.tool
	t.BaseCommand = slices.Clone(t.BaseCommand)
	t.Requirements = slices.Clone(t.Requirements)
	t.Hints = slices.Clone(t.Hints)
	t.Namespaces = maps.Clone(t.Namespaces)
	t.Extra = maps.Clone(t.Extra)
	problems := slices.Clone(b.errs)
	inputs := map[string]bool{}
	for _, p := range b.ports {
		if p.kind == inputPort {
			inputs[p.id] = true
		}
	}
	for _, p := range b.ports {
		if err := p.add(&t, inputs); err != nil {
			problems = append(problems, err)
		}
	}
	if len(b.staged) > 0 {
		t.Requirements = append(t.Requirements, Requirement{Class: InitialWorkDirRequirement, Listing: slices.Clone(b.staged)})
	}
	if len(b.env) > 0 {
		r := Requirement{Class: EnvVarRequirement}
		for _, k := range sortedKeys(b.env) {
			r.EnvDef = append(r.EnvDef, EnvVar{EnvName: k, EnvValue: b.env[k]})
		}
		t.Requirements = append(t.Requirements, r)
	}
	if usesJavaScript(&t) && !hasClass(t.Requirements, InlineJavascriptRequirement) {
		t.Requirements = append(t.Requirements, Requirement{Class: InlineJavascriptRequirement})
	}
	sortRequirements(t.Requirements)
	sortRequirements(t.Hints)
	if t.Inputs == nil {
		t.Inputs = []Input{}
	}
	if t.Outputs == nil {
		t.Outputs = []Output{}
	}
	err := t.Validate()
	var inv *InvalidError
	if errors.As(err, &inv) {
		inv.Problems = append(errorStrings(problems), inv.Problems...)
		return nil, inv
	}
	if err != nil {
		return nil, err
	}
	if len(problems) > 0 {
		return nil, &InvalidError{Class: t.Class, ID: t.ID, Problems: errorStrings(problems)}
	}
	return &t, nil
}

func errorStrings(errs []error) []string {
	out := make([]string, len(errs))
	for i, e := range errs {
		out[i] = e.Error()
	}
	return out
}

func hasClass(rs []Requirement, class string) bool {
	return slices.ContainsFunc(rs, func(r Requirement) bool { return r.Class == class })
}
