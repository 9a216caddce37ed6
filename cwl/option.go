package cwl

import (
	"fmt"
	"slices"
	"strings"
)

type portKind int

const (
	inputPort portKind = iota
	outputPort
	argumentPort
)

func (k portKind) String() string {
	return [...]string{"input", "output", "argument"}[k]
}

// which options apply to which kind of port
var optionKinds = map[string][]portKind{
	"Label":         {inputPort, outputPort},
	"Doc":           {inputPort, outputPort},
	"Default":       {inputPort},
	"Position":      {inputPort, argumentPort},
	"Prefix":        {inputPort, argumentPort},
	"Separate":      {inputPort, argumentPort},
	"ItemSeparator": {inputPort},
	"ValueFrom":     {inputPort},
	"ShellQuote":    {inputPort, argumentPort},
	"Glob":          {outputPort},
	"FromInput":     {outputPort},
	"OutputEval":    {outputPort},
	"LoadContents":  {outputPort},
}

// An Option sets a property of an input, output or argument.
type Option func(*port)

type port struct {
	kind       portKind
	id         string
	typ        Type
	label, doc string
	def        any
	binding    Binding
	bound      bool
	out        OutputBinding
	fromInput  string
	used       []string
}

func newPort(kind portKind, id string, t Type, value string, opts []Option) *port {
	p := &port{kind: kind, id: id, typ: t}
	if kind == argumentPort {
		p.binding.ValueFrom, p.bound = value, true
	}
	for _, o := range opts {
		o(p)
	}
	return p
}

func (p *port) use(name string) { p.used = append(p.used, name) }

// Label sets a port's label.
func Label(s string) Option { return func(p *port) { p.use("Label"); p.label = s } }

// Doc sets a port's documentation.
func Doc(s string) Option { return func(p *port) { p.use("Doc"); p.doc = s } }

// Default sets an input's default value.
func Default(v any) Option { return func(p *port) { p.use("Default"); p.def = v } }

// Position sets where the value goes on the command line.
func Position(n int) Option {
	return func(p *port) { p.use("Position"); p.binding.Position, p.bound = &n, true }
}

// Prefix puts a flag such as "-a" before the value.
func Prefix(s string) Option {
	return func(p *port) { p.use("Prefix"); p.binding.Prefix, p.bound = s, true }
}

// Separate says whether prefix and value are separate arguments.
func Separate(b bool) Option {
	return func(p *port) { p.use("Separate"); p.binding.Separate, p.bound = &b, true }
}

// ItemSeparator joins an array's items into one argument.
func ItemSeparator(s string) Option {
	return func(p *port) { p.use("ItemSeparator"); p.binding.ItemSeparator, p.bound = s, true }
}

// ValueFrom puts the result of an expression on the command line instead
// of the input's value.
func ValueFrom(expr string) Option {
	return func(p *port) { p.use("ValueFrom"); p.binding.ValueFrom, p.bound = expr, true }
}

// ShellQuote says whether the value is quoted (with ShellCommandRequirement).
func ShellQuote(b bool) Option {
	return func(p *port) { p.use("ShellQuote"); p.binding.ShellQuote, p.bound = &b, true }
}

// Glob collects an output from the files matching pattern.
func Glob(pattern string) Option { return func(p *port) { p.use("Glob"); p.out.Glob = pattern } }

// FromInput makes an output the value of the input named input, such as a
// staged file the tool changed in place.
func FromInput(input string) Option {
	return func(p *port) { p.use("FromInput"); p.fromInput = input }
}

// OutputEval computes an output with an expression.
func OutputEval(expr string) Option {
	return func(p *port) { p.use("OutputEval"); p.out.OutputEval = expr }
}

// LoadContents loads the first 64 KiB of a globbed file into its contents.
func LoadContents() Option { return func(p *port) { p.use("LoadContents"); p.out.LoadContents = true } }

// add checks p and appends it to t.
func (p *port) add(t *CommandLineTool, inputs map[string]bool) error {
	where := p.kind.String() + " " + p.id
	if p.kind == argumentPort {
		where = fmt.Sprintf("argument %q", p.binding.ValueFrom)
	}
	var bad []string
	for _, name := range p.used {
		if !slices.Contains(optionKinds[name], p.kind) && !slices.Contains(bad, name) {
			bad = append(bad, name)
		}
	}
	if len(bad) > 0 {
		return fmt.Errorf("%s: option %s does not apply to an %s", where, strings.Join(bad, ", "), p.kind)
	}
	switch p.kind {
	case argumentPort:
		t.Arguments = append(t.Arguments, p.binding)
	case inputPort:
		in := Input{ID: p.id, Type: p.typ, Label: p.label, Doc: p.doc, Default: p.def}
		if p.bound {
			b := p.binding
			in.InputBinding = &b
		}
		t.Inputs = append(t.Inputs, in)
	case outputPort:
		out := Output{ID: p.id, Type: p.typ, Label: p.label, Doc: p.doc}
		if p.fromInput != "" {
			if p.out.Glob != "" {
				return fmt.Errorf("%s: both glob %q and fromInput %q; an output comes from one place, so keep one", where, p.out.Glob, p.fromInput)
			}
			if p.out.OutputEval != "" {
				return fmt.Errorf("%s: both outputEval and fromInput %q; keep one", where, p.fromInput)
			}
			if !inputs[p.fromInput] {
				return fmt.Errorf("%s: fromInput names %q, which is not an input of the tool", where, p.fromInput)
			}
			p.out.OutputEval = "$(inputs." + p.fromInput + ")"
		}
		if p.out != (OutputBinding{}) {
			ob := p.out
			out.OutputBinding = &ob
		}
		t.Outputs = append(t.Outputs, out)
	}
	return nil
}
