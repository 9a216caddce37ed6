package cwl

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
)

// ErrInvalid is returned, wrapped in an *InvalidError, when a document
// breaks a rule of CWL that a runner would reject it for.
var ErrInvalid = errors.New("invalid CWL document")

// InvalidError lists every problem found in one document.
type InvalidError struct {
	// Class and ID name the document ("CommandLineTool", "wc").
	Class, ID string
	// Problems each say what is wrong and where.
	Problems []string
}

func (e *InvalidError) Error() string {
	return fmt.Sprintf("cwl: %s %q is invalid:\n\t- %s", e.Class, e.ID, strings.Join(e.Problems, "\n\t- "))
}

// Is reports whether target is ErrInvalid.
func (e *InvalidError) Is(target error) bool { return target == ErrInvalid }

var (
	docIDPattern  = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_.-]*$`)
	portIDPattern = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_-]*$`)
	envPattern    = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)
	// a CWL parameter reference, which needs no JavaScript
	paramRef = regexp.MustCompile(`^(inputs|self|runtime)(\.[A-Za-z_][A-Za-z0-9_]*|\['[^']*'\]|\["[^"]*"\]|\[[0-9]+\])*$`)
)

// problems collects messages for one document.
type problems []string

func (p *problems) add(format string, args ...any) { *p = append(*p, fmt.Sprintf(format, args...)) }

// Validate checks t for what a CWL runner would reject. The error is an
// *InvalidError listing every problem.
func (t *CommandLineTool) Validate() error {
	var p problems
	t.validate(&p, true)
	if len(p) > 0 {
		return &InvalidError{Class: "CommandLineTool", ID: t.ID, Problems: p}
	}
	return nil
}

// validate checks t; top says whether t is a whole document rather than
// one inlined in a workflow.
func (t *CommandLineTool) validate(p *problems, top bool) {
	if t.Class != "CommandLineTool" {
		p.add("class is %q, want CommandLineTool", t.Class)
	}
	if top && t.CWLVersion != Version {
		p.add("cwlVersion is %q, want %s", t.CWLVersion, Version)
	}
	if top && t.ID == "" {
		p.add("no id; give the tool an id such as its command's name")
	} else if t.ID != "" && !docIDPattern.MatchString(t.ID) {
		p.add("id %q: use letters, digits, '_', '.' and '-', starting with a letter or '_'", t.ID)
	}
	if len(t.BaseCommand) == 0 && len(t.Arguments) == 0 {
		p.add("no baseCommand and no arguments: nothing to run")
	}
	seen := map[string]string{}
	port := func(kind, id string) {
		if !portIDPattern.MatchString(id) {
			p.add("%s id %q: use letters, digits, '_' and '-', starting with a letter or '_'", kind, id)
		}
		if prev, ok := seen[id]; ok {
			if prev == kind {
				p.add("%s %s declared twice; port ids must be unique", kind, id)
			} else {
				p.add("%s %s has the id of an %s; inputs and outputs share one namespace", kind, id, prev)
			}
			return
		}
		seen[id] = kind
	}
	for _, in := range t.Inputs {
		port("input", in.ID)
		if err := in.Type.check(); err != nil {
			p.add("input %s: %v", in.ID, err)
		} else if b := in.Type.base().Name; b == "stdout" || b == "stderr" {
			p.add("input %s: type %s is for outputs only", in.ID, b)
		}
	}
	for _, out := range t.Outputs {
		port("output", out.ID)
		if err := out.Type.check(); err != nil {
			p.add("output %s: %v", out.ID, err)
		}
		stream := out.Type.Name == "stdout" || out.Type.Name == "stderr"
		if stream && out.OutputBinding != nil {
			p.add("output %s: type %s takes no outputBinding", out.ID, out.Type.Name)
		}
		if stream && out.Type.Optional {
			p.add("output %s: type %s cannot be optional", out.ID, out.Type.Name)
		}
		if ob := out.OutputBinding; ob != nil && ob.Glob == "" && ob.OutputEval == "" && ob.LoadContents {
			p.add("output %s: loadContents needs a glob", out.ID)
		}
	}
	checkRequirements(p, "requirement", t.Requirements, t.Namespaces)
	checkRequirements(p, "hint", t.Hints, t.Namespaces)
	checkExtra(p, "", t.Extra, t.Namespaces, false)
	if usesJavaScript(t) && !hasClass(t.Requirements, InlineJavascriptRequirement) && !hasClass(t.Hints, InlineJavascriptRequirement) {
		p.add("JavaScript expressions without InlineJavascriptRequirement; add it to requirements")
	}
}

func checkRequirements(p *problems, kind string, rs []Requirement, ns map[string]string) {
	seen := map[string]bool{}
	for _, r := range rs {
		if r.Class == "" {
			p.add("%s without a class", kind)
			continue
		}
		if seen[r.Class] {
			p.add("%s %s given twice; merge them", kind, r.Class)
		}
		seen[r.Class] = true
		checkPrefix(p, kind+" class "+r.Class, r.Class, ns)
		checkExtra(p, kind+" "+r.Class+": ", r.Extra, ns, true)
		switch r.Class {
		case DockerRequirement:
			if r.DockerPull == "" && r.DockerImageID == "" {
				p.add("%s %s: no dockerPull or dockerImageId", kind, r.Class)
			}
		case InitialWorkDirRequirement:
			for i, d := range r.Listing {
				if d.Entry == "" {
					p.add("%s %s: listing entry %d is empty", kind, r.Class, i)
				}
			}
		case EnvVarRequirement:
			names := map[string]bool{}
			for _, e := range r.EnvDef {
				if !envPattern.MatchString(e.EnvName) {
					p.add("%s %s: %q is not an environment variable name", kind, r.Class, e.EnvName)
				}
				if names[e.EnvName] {
					p.add("%s %s: %s defined twice", kind, r.Class, e.EnvName)
				}
				names[e.EnvName] = true
			}
		case ResourceRequirement:
			if r.CoresMax != 0 && r.CoresMax < r.CoresMin {
				p.add("%s %s: coresMax %v is below coresMin %v", kind, r.Class, r.CoresMax, r.CoresMin)
			}
			if r.RAMMax != 0 && r.RAMMax < r.RAMMin {
				p.add("%s %s: ramMax %v is below ramMin %v", kind, r.Class, r.RAMMax, r.RAMMin)
			}
		case CUDARequirement:
			if r.VersionMin == "" || r.ComputeCapability == "" {
				p.add("%s %s: cudaVersionMin and cudaComputeCapability are required", kind, r.Class)
			}
		}
	}
}

// checkExtra rejects raw keys CWL would not accept. Plain (unprefixed)
// keys are fields of requirement classes the package does not model when
// plainOK, and unknown fields otherwise.
func checkExtra(p *problems, where string, extra map[string]any, ns map[string]string, plainOK bool) {
	for _, k := range sortedKeys(extra) {
		switch {
		case strings.HasPrefix(k, "$"):
			p.add("%sraw key %q: keys starting with '$' are preprocessing directives ($import, $include, $mixin) that formed does not support; inline the content instead", where, k)
		case !strings.Contains(k, ":"):
			if plainOK {
				continue
			}
			p.add("%sraw key %q: CWL rejects unknown fields; name an extension field prefix:%s with a declared namespace", where, k, k)
		default:
			checkPrefix(p, where+"raw key "+k, k, ns)
		}
	}
}

func checkPrefix(p *problems, what, name string, ns map[string]string) {
	prefix, _, ok := strings.Cut(name, ":")
	if !ok || prefix == "http" || prefix == "https" {
		return
	}
	if _, declared := ns[prefix]; !declared {
		p.add("%s: namespace prefix %q is not declared in $namespaces", what, prefix)
	}
}

// usesJavaScript reports whether any expression field of t holds
// JavaScript rather than a plain parameter reference.
func usesJavaScript(t *CommandLineTool) bool {
	fields := []string{t.Stdin, t.Stdout, t.Stderr}
	for _, a := range t.Arguments {
		fields = append(fields, a.ValueFrom)
	}
	for _, in := range t.Inputs {
		if in.InputBinding != nil {
			fields = append(fields, in.InputBinding.ValueFrom)
		}
	}
	for _, out := range t.Outputs {
		if out.OutputBinding != nil {
			fields = append(fields, out.OutputBinding.Glob, out.OutputBinding.OutputEval)
		}
	}
	for _, r := range append(t.Requirements, t.Hints...) {
		for _, d := range r.Listing {
			fields = append(fields, d.Entry, d.Entryname)
		}
		for _, e := range r.EnvDef {
			fields = append(fields, e.EnvValue)
		}
	}
	for _, f := range fields {
		if IsJavaScript(f) {
			return true
		}
	}
	return false
}

// IsJavaScript reports whether s holds a JavaScript expression: ${...},
// or $(...) with more than a parameter reference such as
// $(inputs.file.path).
func IsJavaScript(s string) bool {
	if strings.Contains(s, "${") {
		return true
	}
	for {
		i := strings.Index(s, "$(")
		if i < 0 {
			return false
		}
		s = s[i+2:]
		j := strings.IndexByte(s, ')')
		if j < 0 || !paramRef.MatchString(s[:j]) {
			return true
		}
		s = s[j+1:]
	}
}
