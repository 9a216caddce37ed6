package schema

import (
	"encoding/json"
	"reflect"
	"slices"

	"github.com/formed-dev/formed/registry"
)

// stepNode is the schema of one step: its argument struct's schema with
// the type discriminator added.
func (g *generator) stepNode(s *registry.Step) node {
	n := g.discriminated(s.Args, s.Name)
	if s.Description != "" {
		n["description"] = s.Description
	}
	describeType(n)
	return n
}

// ifaceNode is the schema of an interface-typed argument: one of its
// implementations or a ref, chosen by type.
func (g *generator) ifaceNode(iface reflect.Type) node {
	var names, branches []any
	for _, im := range g.r.Impls(iface) {
		def := g.names[iface] + ":" + im.Name
		g.defs[def] = g.implNode(im)
		names = append(names, im.Name)
		branches = append(branches, branch(im.Name, def))
	}
	names = append(names, "ref")
	branches = append(branches, branch("ref", "ref"))
	n := node{
		"type":     "object",
		"required": []any{"type"},
		"properties": node{"type": node{
			"description": "The implementation of " + iface.Name() + " to use, or ref.",
			"enum":        names,
		}},
		"allOf": branches,
	}
	if doc := registry.Doc(iface.PkgPath() + "." + iface.Name()); doc != "" {
		n["description"] = doc
	}
	return n
}

// implNode is the schema of one implementation: its struct's schema with
// the type discriminator added and the prototype's non-zero field values
// as defaults.
func (g *generator) implNode(im *registry.Impl) node {
	n := g.discriminated(im.Struct(), im.Name)
	if im.Description != "" {
		n["description"] = im.Description
	}
	describeType(n)
	props := n["properties"].(node)
	proto := reflect.ValueOf(im.Proto)
	if proto.Kind() == reflect.Pointer {
		proto = proto.Elem()
	}
	for _, f := range reflect.VisibleFields(im.Struct()) {
		name, ok := jsonName(f)
		if !ok || f.Type.Kind() == reflect.Interface {
			continue
		}
		v, err := proto.FieldByIndexErr(f.Index)
		if err != nil || v.IsZero() {
			continue
		}
		p, ok := props[name].(node)
		if !ok {
			continue
		}
		data, err := json.Marshal(v.Interface())
		if err != nil {
			continue
		}
		var d any
		if decode(data, &d) != nil {
			continue
		}
		p["default"] = d
		setOptional(n, name)
	}
	return n
}

// describeType documents n's type property with n's description, which
// editors show when hovering the type value.
func describeType(n node) {
	if d := description(n); d != "" {
		n["properties"].(node)["type"].(node)["description"] = d
	}
}

// discriminated returns a copy of the schema of struct t with a type
// property whose value must be name.
func (g *generator) discriminated(t reflect.Type, name string) node {
	n := clone(g.structs[t]).(node)
	props, _ := n["properties"].(node)
	if props == nil {
		props = node{}
		n["properties"] = props
	}
	props["type"] = node{"const": name}
	req, _ := n["required"].([]any)
	n["required"] = append([]any{"type"}, slices.DeleteFunc(req, func(x any) bool { return x == "type" })...)
	n["type"] = "object"
	n["additionalProperties"] = false
	return n
}

// jsonName returns the config name of a struct field as encoding/json
// would, and false when the field is not decoded.
func jsonName(f reflect.StructField) (string, bool) {
	if !f.IsExported() || f.Anonymous {
		return "", false
	}
	tag := f.Tag.Get("json")
	if tag == "-" {
		return "", false
	}
	name, _, _ := cutComma(tag)
	if name == "" {
		name = f.Name
	}
	return name, true
}

func cutComma(s string) (string, string, bool) {
	for i := range len(s) {
		if s[i] == ',' {
			return s[:i], s[i+1:], true
		}
	}
	return s, "", false
}
