// Package schema writes the JSON Schema (draft 2020-12) of formed configs
// for the steps in a registry, for editors and for validation.
//
// The schema describes a config object { "$schema"?: string, steps: {...} }
// whose steps are each one registered step, chosen by its type field, with
// that step's arguments as reflected from the Go argument struct by
// github.com/invopop/jsonschema: names from json tags, required unless
// omitempty or a default is given, enums, bounds and defaults from
// jsonschema tags, descriptions from Go doc comments (registry.Doc).
// Any argument at any depth may instead be a ref object
// {type: 'ref', ref: 'step.field'}. An interface-typed argument is one of
// its registered implementations, again chosen by type.
//
// Unions are written as if/then chains next to an enum of the allowed
// type values rather than as oneOf: editors then complete the type names,
// complete the chosen alternative's fields, and report a misspelled type
// as one enum error instead of one error per alternative.
package schema

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/formed-dev/formed/registry"
)

// Draft is the JSON Schema dialect of the generated schema.
const Draft = "https://json-schema.org/draft/2020-12/schema"

// Options tune Generate.
type Options struct {
	// StepNames, when not empty, are the step names of one config: a ref
	// must then name one of them, optionally followed by ".field.sub".
	StepNames []string
}

// Generate returns the JSON Schema of configs for the steps and
// implementations in r, indented, with sorted keys and stable $defs
// names, so that it can be committed and diffed.
func Generate(r *registry.Registry, opts Options) ([]byte, error) {
	g := newGenerator(r)
	root, err := g.root(opts)
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(root); err != nil {
		return nil, fmt.Errorf("schema: encode: %w", err)
	}
	return b.Bytes(), nil
}

// node is a schema object as decoded from JSON.
type node = map[string]any

func (g *generator) root(opts Options) (node, error) {
	steps := g.r.Steps()
	for _, s := range steps {
		g.walk(s.Args)
	}
	g.assignNames()
	for _, s := range steps {
		if err := g.reflect(s.Args); err != nil {
			return nil, fmt.Errorf("schema: step %q: %w", s.Name, err)
		}
	}
	for _, iface := range g.ifaceOrder() {
		for _, im := range g.r.Impls(iface) {
			if err := g.reflect(im.Struct()); err != nil {
				return nil, fmt.Errorf("schema: implementation %q of %s: %w", im.Name, iface, err)
			}
		}
	}
	g.addRefs()

	names := make([]any, 0, len(steps))
	var branches []any
	for _, s := range steps {
		def := "step:" + s.Name
		g.defs[def] = g.stepNode(s)
		names = append(names, s.Name)
		branches = append(branches, branch(s.Name, def))
	}
	g.defs["step"] = node{
		"description": "A step: a registered step type and its arguments.",
		"type":        "object",
		"required":    []any{"type"},
		"properties": node{"type": node{
			"description": "The registered step to run.",
			"enum":        names,
		}},
	}
	if len(branches) > 0 {
		g.defs["step"].(node)["allOf"] = branches
	}
	for _, iface := range g.ifaceOrder() {
		g.defs[g.names[iface]] = g.ifaceNode(iface)
	}
	g.defs["ref"] = refNode(opts.StepNames)

	root := node{
		"$schema":              Draft,
		"title":                "formed config",
		"description":          "A formed workflow: named steps, each a registered step type with its arguments.",
		"type":                 "object",
		"required":             []any{"steps"},
		"additionalProperties": false,
		"properties": node{
			"$schema": node{
				"description": "The JSON Schema of this file, for editors.",
				"type":        "string",
			},
			"steps": node{
				"description":          "The steps by name. A step's arguments may refer to other steps with {type: 'ref', ref: NAME}.",
				"type":                 "object",
				"additionalProperties": node{"$ref": defRef("step")},
			},
		},
	}
	g.commentDescriptions()
	root["$defs"] = g.reachable(root)
	return root, nil
}

// description returns n's description, or "".
func description(n node) string {
	d, _ := n["description"].(string)
	return d
}

// branch returns the if/then pair that applies the schema at def when the
// object's type is name.
func branch(name, def string) node {
	return node{
		"if": node{
			"required":   []any{"type"},
			"properties": node{"type": node{"const": name}},
		},
		"then": node{"$ref": defRef(def)},
	}
}

// refNode is the schema of a ref object. With step names, ref must start
// with one of them.
func refNode(stepNames []string) node {
	ref := node{
		"description": "The step whose result is used, optionally followed by a path into it: \"train\" or \"train.metrics.loss\".",
		"type":        "string",
		"minLength":   1,
	}
	if len(stepNames) > 0 {
		names := slices.Clone(stepNames)
		slices.Sort(names)
		names = slices.Compact(names)
		quoted := make([]string, len(names))
		examples := make([]any, len(names))
		for i, n := range names {
			quoted[i] = regexp.QuoteMeta(n)
			examples[i] = n
		}
		ref["pattern"] = "^(" + strings.Join(quoted, "|") + ")(\\..+)?$"
		ref["examples"] = examples
		// patternErrorMessage is VS Code's extension keyword; validators
		// ignore it.
		ref["patternErrorMessage"] = "ref must name a step of this config (" + strings.Join(names, ", ") + "), optionally followed by .field"
	}
	return node{
		"description":          "A ref stands for the result of another step, or a part of it.",
		"type":                 "object",
		"required":             []any{"type", "ref"},
		"additionalProperties": false,
		"properties": node{
			"type": node{"const": "ref", "description": "A ref stands for the result of another step, or a part of it."},
			"ref":  ref,
		},
	}
}

// defRef returns the $ref to the definition named name.
func defRef(name string) string {
	return "#/$defs/" + strings.NewReplacer("~", "~0", "/", "~1").Replace(name)
}
