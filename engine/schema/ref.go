package schema

import (
	"slices"
	"strings"

	"github.com/formed-dev/formed/registry"
)

// addRefs lets every argument at any depth be a ref object instead: each
// property, array item and map value schema v becomes
// {anyOf: [v, {$ref: ref}]}, or for a struct
// {type: object, if: {required: [ref]}, then: {$ref: ref}, else: v},
// with v's description and default moved up so that hovers and
// completions still see them. Interface-typed arguments are left alone:
// their union already has a ref branch.
func (g *generator) addRefs() {
	for _, def := range g.defs {
		if n, ok := def.(node); ok {
			g.wrapChildren(n)
		}
	}
	for t, n := range g.structs {
		if _, named := g.names[t]; !named {
			g.wrapChildren(n)
		}
	}
}

// wrapChildren wraps the schemas of n's properties, items and values. A
// property with a default is optional, whatever its tags say.
func (g *generator) wrapChildren(n node) {
	if props, ok := n["properties"].(node); ok {
		for name, p := range props {
			pn, ok := p.(node)
			if !ok {
				continue
			}
			if _, ok := pn["default"]; ok {
				setOptional(n, name)
			}
			props[name] = g.wrap(pn)
		}
	}
	if items, ok := n["items"].(node); ok {
		n["items"] = g.wrap(items)
	}
	if ap, ok := n["additionalProperties"].(node); ok {
		n["additionalProperties"] = g.wrap(ap)
	}
	if pp, ok := n["patternProperties"].(node); ok {
		for k, p := range pp {
			if pn, ok := p.(node); ok {
				pp[k] = g.wrap(pn)
			}
		}
	}
}

// annotations are moved from a wrapped schema to its wrapper.
var annotations = []string{"title", "description", "default", "examples", "deprecated"}

func (g *generator) wrap(v node) node {
	if ref, ok := v["$ref"].(string); ok {
		if _, ok := v["description"]; !ok {
			// An undocumented field takes its type's doc; see
			// commentDescriptions.
			if d := g.typeDoc(ref); d != "" {
				v["description"] = d
			}
		}
		if g.isIfaceRef(ref) {
			return v
		}
	}
	if _, ok := v["$ref"]; !ok {
		g.wrapChildren(v) // inline: an anonymous struct, a slice, a map
	}
	w := node{}
	for _, k := range annotations {
		if x, ok := v[k]; ok {
			w[k] = x
			delete(v, k)
		}
	}
	if props, ok := g.structProps(v); ok {
		// A struct: choose the branch by the ref key, so that completion
		// inside the object offers the struct's fields and not also type
		// and ref, as anyOf would (vscode-json-languageservice merges the
		// completions of equally failing alternatives).
		cond := node{"required": []any{"ref"}}
		if _, clash := props["ref"]; clash {
			cond = node{"required": []any{"type", "ref"}, "properties": node{"type": node{"const": "ref"}}}
		}
		w["type"] = "object"
		w["if"] = cond
		w["then"] = node{"$ref": defRef("ref")}
		w["else"] = v
		return w
	}
	w["anyOf"] = []any{v, node{"$ref": defRef("ref")}}
	return w
}

// structProps returns the properties of v, or of the definition v refers
// to, when v is the schema of a struct.
func (g *generator) structProps(v node) (node, bool) {
	if ref, ok := v["$ref"].(string); ok {
		name, _ := strings.CutPrefix(ref, "#/$defs/")
		def, ok := g.defs[unescape(name)].(node)
		if !ok {
			return nil, false
		}
		v = def
	}
	props, ok := v["properties"].(node)
	return props, ok
}

func unescape(name string) string {
	return strings.NewReplacer("~1", "/", "~0", "~").Replace(name)
}

// typeDoc returns the doc comment of the Go type whose definition ref
// points to.
func (g *generator) typeDoc(ref string) string {
	for t, name := range g.names {
		if ref == defRef(name) {
			return registry.Doc(t.PkgPath() + "." + t.Name())
		}
	}
	return ""
}

// commentDescriptions turns the descriptions of type definitions into
// $comments. VS Code's JSON engine merges a $ref's target over the $ref's
// siblings, so a definition's description would hide the description of
// every field of that type in hovers: a field of type Data would show
// "Data locates a data set." instead of its own doc. Steps keep theirs:
// no field describes them.
func (g *generator) commentDescriptions() {
	for name, def := range g.defs {
		n, ok := def.(node)
		if !ok || name == "step" || strings.HasPrefix(name, "step:") {
			continue
		}
		if d, ok := n["description"]; ok {
			n["$comment"] = d
			delete(n, "description")
		}
	}
}

func (g *generator) isIfaceRef(ref string) bool {
	for t := range g.ifaces {
		if ref == defRef(g.names[t]) {
			return true
		}
	}
	return false
}

// setOptional removes name from n's required list.
func setOptional(n node, name string) {
	req, _ := n["required"].([]any)
	req = slices.DeleteFunc(slices.Clone(req), func(x any) bool { return x == name })
	if len(req) == 0 {
		delete(n, "required")
	} else {
		n["required"] = req
	}
}

// reachable returns the $defs that root refers to, directly or not.
func (g *generator) reachable(root node) node {
	out := node{}
	var visit func(v any)
	visit = func(v any) {
		switch v := v.(type) {
		case node:
			if ref, ok := v["$ref"].(string); ok {
				if name, ok := strings.CutPrefix(ref, "#/$defs/"); ok {
					name = unescape(name)
					if _, done := out[name]; !done {
						if def, ok := g.defs[name]; ok {
							out[name] = def
							visit(def)
						}
					}
				}
			}
			for _, x := range v {
				visit(x)
			}
		case []any:
			for _, x := range v {
				visit(x)
			}
		}
	}
	visit(root)
	return out
}
