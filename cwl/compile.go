package cwl

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
)

// WorkflowSpec describes a workflow for Compile: the tools, the steps that
// run them in order, and what feeds each step input.
type WorkflowSpec struct {
	// ID names the workflow; step ids start with it.
	ID    string `json:"id"`
	Label string `json:"label,omitempty"`
	Doc   string `json:"doc,omitempty"`
	// Tools are the tools the steps run, each with a distinct id.
	Tools []CommandLineTool `json:"tools"`
	// Steps run the tools; left empty, each tool runs once, in order.
	Steps []StepSpec `json:"steps,omitempty"`
	// Inputs are the values of the workflow inputs that bindings name.
	Inputs map[string]any `json:"inputs,omitempty"`
}

// StepSpec is one step of a WorkflowSpec.
type StepSpec struct {
	// Tool is the id of the tool the step runs.
	Tool string `json:"tool"`
	// Name is the step's name; it defaults to the tool id.
	Name string `json:"name,omitempty"`
	// In binds tool inputs by id. Unbound inputs that are optional or
	// have a default are left to the tool.
	In map[string]Bind `json:"in,omitempty"`
}

// Bind feeds one step input from exactly one of: a literal value, a named
// workflow input, or an earlier step's output.
type Bind struct {
	// Value is a literal; a string bound to a File or Directory input is
	// its location.
	Value any `json:"value,omitempty"`
	// Input names a workflow input whose value is in WorkflowSpec.Inputs;
	// several steps may share one.
	Input string `json:"input,omitempty"`
	// Source is "step/output": an output of an earlier step.
	Source string `json:"source,omitempty"`
}

// Compiled is a compiled workflow and the job inputs to run it with.
type Compiled struct {
	Workflow Workflow       `json:"workflow"`
	Inputs   map[string]any `json:"inputs"`
}

// StepID returns Sophios' id for step i (counting from 1) of workflow wf
// that is named name: wf__step__i__name.
func StepID(wf string, i int, name string) string {
	return fmt.Sprintf("%s__step__%d__%s", wf, i, name)
}

// PortID returns Sophios' id for a workflow input or output that belongs
// to a port of a step: stepID___port.
func PortID(stepID, port string) string { return stepID + "___" + port }

// Compile turns spec into a Workflow with the tools inlined. A literal
// value becomes a workflow input named StepID___port with the value in
// the job inputs; every step output is exposed as a workflow output named
// StepID___output. The error is an *InvalidError listing every problem.
func Compile(spec WorkflowSpec) (*Compiled, error) {
	if err := normalize(&spec.Inputs); err != nil {
		return nil, fmt.Errorf("workflow %s: inputs: %w", spec.ID, err)
	}
	for i := range spec.Steps {
		if err := normalize(&spec.Steps[i].In); err != nil {
			return nil, fmt.Errorf("workflow %s: step %d: %w", spec.ID, i+1, err)
		}
	}
	c := compiler{spec: spec, tools: map[string]*CommandLineTool{}, named: map[string]*WorkflowInput{},
		out: Compiled{Inputs: map[string]any{}}}
	c.compile()
	if len(c.p) > 0 {
		return nil, &InvalidError{Class: "Workflow", ID: spec.ID, Problems: c.p}
	}
	return &c.out, nil
}

type compiler struct {
	spec  WorkflowSpec
	p     problems
	tools map[string]*CommandLineTool
	named map[string]*WorkflowInput // workflow inputs that bindings name
	users map[string][]string       // named input -> the step inputs it feeds
	// needed holds the named inputs that feed a required input without a
	// default; the others may be left out and become optional.
	needed map[string]bool
	out    Compiled
}

func (c *compiler) compile() {
	s := c.spec
	if !docIDPattern.MatchString(s.ID) || strings.Contains(s.ID, "__") {
		c.p.add("id %q: use letters, digits, '_', '.' and '-', starting with a letter, without \"__\"", s.ID)
	}
	for i := range s.Tools {
		t := &s.Tools[i]
		var tp problems
		t.validate(&tp, false)
		for _, msg := range tp {
			c.p.add("tool %s: %s", t.ID, msg)
		}
		if t.ID == "" {
			c.p.add("tools[%d] has no id; steps name tools by id", i)
		} else if c.tools[t.ID] != nil {
			c.p.add("tool id %s given twice; give each tool its own id", t.ID)
		}
		c.tools[t.ID] = t
	}
	steps := s.Steps
	if len(steps) == 0 {
		for _, t := range s.Tools {
			steps = append(steps, StepSpec{Tool: t.ID})
		}
	}
	if len(steps) == 0 {
		c.p.add("no tools and no steps: nothing to run")
	}
	wf := &c.out.Workflow
	*wf = Workflow{CWLVersion: Version, Class: "Workflow", ID: s.ID, Label: s.Label, Doc: s.Doc,
		Inputs: []WorkflowInput{}, Outputs: []WorkflowOutput{}, Steps: []WorkflowStep{}}
	c.users, c.needed = map[string][]string{}, map[string]bool{}
	stepIDs := map[string]string{}    // step name -> step id
	stepOuts := map[string][]Output{} // step name -> outputs
	for i, st := range steps {
		name := st.Name
		if name == "" {
			name = st.Tool
		}
		where := fmt.Sprintf("step %d (%s)", i+1, name)
		tool := c.tools[st.Tool]
		if tool == nil {
			c.p.add("%s: no tool with id %q; tools are %s", where, st.Tool, strings.Join(sortedKeys(c.tools), ", "))
			continue
		}
		if !portIDPattern.MatchString(name) || strings.Contains(name, "__") {
			c.p.add("%s: name %q: use letters, digits, '_' and '-', without \"__\"", where, name)
		}
		if _, dup := stepIDs[name]; dup {
			c.p.add("%s: a step named %s comes earlier; give one a distinct name", where, name)
			continue
		}
		id := StepID(s.ID, i+1, name)
		ws := WorkflowStep{ID: id, In: []StepInput{}, Out: []string{}}
		for _, port := range sortedKeys(st.In) {
			if !slices.ContainsFunc(tool.Inputs, func(in Input) bool { return in.ID == port }) {
				c.p.add("%s: binds %q, which is not an input of tool %s", where, port, tool.ID)
			}
		}
		for _, in := range tool.Inputs {
			src, ok := c.bind(where, id, in, st.In, stepIDs, stepOuts)
			if ok {
				ws.In = append(ws.In, StepInput{ID: in.ID, Source: src})
			}
		}
		for _, out := range tool.Outputs {
			ws.Out = append(ws.Out, out.ID)
			wf.Outputs = append(wf.Outputs, WorkflowOutput{ID: PortID(id, out.ID), Type: streamAsFile(out.Type), OutputSource: id + "/" + out.ID})
		}
		ws.Run = inlined(*tool)
		for k, v := range tool.Namespaces {
			if old, ok := wf.Namespaces[k]; ok && old != v {
				c.p.add("%s: namespace %s is %s here but %s in an earlier tool", where, k, v, old)
			}
			if wf.Namespaces == nil {
				wf.Namespaces = map[string]string{}
			}
			wf.Namespaces[k] = v
		}
		wf.Steps = append(wf.Steps, ws)
		stepIDs[name] = id
		stepOuts[name] = tool.Outputs
	}
	for _, name := range sortedKeys(c.named) {
		in := c.named[name]
		v, ok := s.Inputs[name]
		if !ok {
			in.Type.Optional = true // a null lets the tools' defaults apply
			if c.needed[name] {
				c.p.add("workflow input %s: required by %s but has no value in inputs", name, strings.Join(c.users[name], ", "))
			}
		} else if jv, err := jobValue(in.Type, v); err != nil {
			c.p.add("inputs.%s: %v", name, err)
		} else {
			c.out.Inputs[name] = jv
		}
		wf.Inputs = append(wf.Inputs, *in)
	}
	for _, name := range sortedKeys(s.Inputs) {
		if c.named[name] == nil {
			c.p.add("inputs.%s: no step binds it (bind a step input with {input: %q})", name, name)
		}
	}
	slices.SortStableFunc(wf.Inputs, func(a, b WorkflowInput) int { return strings.Compare(a.ID, b.ID) })
}

// bind returns the source of the step input in, and false when it is left
// unbound.
func (c *compiler) bind(where, stepID string, in Input, binds map[string]Bind, stepIDs map[string]string, stepOuts map[string][]Output) (string, bool) {
	where = where + " input " + in.ID
	b, ok := binds[in.ID]
	set := 0
	for _, s := range []bool{b.Value != nil, b.Input != "", b.Source != ""} {
		if s {
			set++
		}
	}
	switch {
	case !ok || set == 0:
		if ok {
			c.p.add("%s: a binding needs one of value, input or source", where)
		} else if !in.Type.Optional && in.Default == nil {
			c.p.add("%s: required input is not bound; bind it with {value: ...}, {input: NAME} or {source: \"step/output\"}", where)
		}
		return "", false
	case set > 1:
		c.p.add("%s: a binding takes one of value, input or source, not %d", where, set)
		return "", false
	case b.Value != nil:
		id := PortID(stepID, in.ID)
		v, err := jobValue(in.Type, b.Value)
		if err != nil {
			c.p.add("%s: %v", where, err)
			return "", false
		}
		c.out.Workflow.Inputs = append(c.out.Workflow.Inputs, WorkflowInput{ID: id, Type: in.Type, Label: in.Label, Doc: in.Doc})
		c.out.Inputs[id] = v
		return id, true
	case b.Input != "":
		if !portIDPattern.MatchString(b.Input) {
			c.p.add("%s: workflow input name %q: use letters, digits, '_' and '-'", where, b.Input)
			return "", false
		}
		user := where
		c.needed[b.Input] = c.needed[b.Input] || !in.Type.Optional && in.Default == nil
		if prev := c.named[b.Input]; prev != nil {
			if !sameType(prev.Type, in.Type) {
				c.p.add("%s: workflow input %s has type %s here but %s for %s", where, b.Input, in.Type, prev.Type, c.users[b.Input][0])
			} else if !in.Type.Optional {
				prev.Type.Optional = false
			}
		} else {
			c.named[b.Input] = &WorkflowInput{ID: b.Input, Type: in.Type, Label: in.Label, Doc: in.Doc}
		}
		c.users[b.Input] = append(c.users[b.Input], user)
		return b.Input, true
	default:
		step, out, ok := strings.Cut(b.Source, "/")
		id, known := stepIDs[step]
		if !ok || !known {
			c.p.add("%s: source %q: want \"step/output\" naming an earlier step (%s)", where, b.Source, strings.Join(sortedKeys(stepIDs), ", "))
			return "", false
		}
		i := slices.IndexFunc(stepOuts[step], func(o Output) bool { return o.ID == out })
		if i < 0 {
			c.p.add("%s: source %q: step %s has no output %q", where, b.Source, step, out)
			return "", false
		}
		if st := streamAsFile(stepOuts[step][i].Type); !sameType(st, in.Type) || st.Optional && !in.Type.Optional {
			c.p.add("%s: source %s has type %s, but the input takes %s", where, b.Source, st, in.Type)
			return "", false
		}
		return id + "/" + out, true
	}
}

// inlined returns t ready to sit in a step's run field: the workflow
// carries the version and namespaces.
func inlined(t CommandLineTool) CommandLineTool {
	t.CWLVersion = ""
	t.Namespaces = nil
	t.Extra = maps.Clone(t.Extra)
	return t
}

// streamAsFile returns File for the stdout and stderr output types.
func streamAsFile(t Type) Type {
	if t.Name == "stdout" || t.Name == "stderr" {
		return File
	}
	return t
}

// sameType reports whether a and b are equal but for optionality.
func sameType(a, b Type) bool {
	a.Optional, b.Optional = false, false
	return a.String() == b.String()
}

// jobValue converts v to the job-input form for type t: File and
// Directory values become {class, location} objects.
func jobValue(t Type, v any) (any, error) {
	if v == nil {
		if t.Optional {
			return nil, nil
		}
		return nil, fmt.Errorf("null for required type %s", t)
	}
	switch t.Name {
	case "File", "Directory":
		switch x := v.(type) {
		case string:
			if x == "" {
				return nil, fmt.Errorf("empty %s location", t.Name)
			}
			return map[string]any{"class": t.Name, "location": x}, nil
		case map[string]any:
			if cls, ok := x["class"]; ok && cls != t.Name {
				return nil, fmt.Errorf("class %v given for a %s", cls, t.Name)
			}
			if x["location"] == nil && x["path"] == nil && x["contents"] == nil && x["listing"] == nil {
				return nil, fmt.Errorf("%s object has no location or path", t.Name)
			}
			m := maps.Clone(x)
			m["class"] = t.Name
			return m, nil
		}
		return nil, fmt.Errorf("%T for a %s; give its location as a string or {location: ...}", v, t.Name)
	case "array":
		xs, ok := v.([]any)
		if !ok {
			return nil, fmt.Errorf("%T for type %s; want a list", v, t)
		}
		out := make([]any, len(xs))
		for i, x := range xs {
			jv, err := jobValue(*t.Items, x)
			if err != nil {
				return nil, fmt.Errorf("item %d: %w", i, err)
			}
			out[i] = jv
		}
		return out, nil
	case "enum":
		s, ok := v.(string)
		if !ok || !slices.Contains(t.Symbols, s) {
			return nil, fmt.Errorf("%v is not one of %s", v, strings.Join(t.Symbols, ", "))
		}
		return s, nil
	}
	return v, nil
}

// normalize round-trips *v through JSON so that values given from Go
// ([]string, structs) take the generic forms jobValue reads.
func normalize[T any](v *T) error {
	data, err := json.Marshal(*v)
	if err != nil {
		return err
	}
	var out T
	if err := json.Unmarshal(data, &out); err != nil {
		return err
	}
	*v = out
	return nil
}
