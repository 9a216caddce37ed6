package args

import (
	"reflect"
	"strings"
)

// fieldInfo is what the struct tags say about one configurable field.
type fieldInfo struct {
	name     string // config name
	index    []int  // reflect field index path (embedded structs flattened)
	typ      reflect.Type
	optional bool
	ignore   bool
	def      string // default= value, raw
	hasDef   bool
	enum     []string
	doc      string
}

// fields returns the configurable fields of struct type t in declaration
// order, flattening embedded structs as encoding/json does.
func fields(t reflect.Type) []fieldInfo {
	var out []fieldInfo
	var walk func(t reflect.Type, index []int)
	walk = func(t reflect.Type, index []int) {
		for i := range t.NumField() {
			f := t.Field(i)
			idx := append(append([]int(nil), index...), i)
			tag := f.Tag.Get("json")
			if tag == "-" {
				continue
			}
			name, opts, _ := strings.Cut(tag, ",")
			if f.Anonymous && name == "" {
				ft := f.Type
				if ft.Kind() == reflect.Pointer {
					ft = ft.Elem()
				}
				if ft.Kind() == reflect.Struct {
					walk(ft, idx)
					continue
				}
			}
			if !f.IsExported() {
				continue
			}
			if name == "" {
				name = f.Name
			}
			fi := fieldInfo{name: name, index: idx, typ: f.Type}
			for _, o := range strings.Split(opts, ",") {
				if o == "omitempty" || o == "omitzero" {
					fi.optional = true
				}
			}
			for _, o := range strings.Split(f.Tag.Get("formed"), ",") {
				if o == "ignore" {
					fi.ignore = true
				}
			}
			for _, kv := range splitSchemaTag(f.Tag.Get("jsonschema")) {
				k, v, _ := strings.Cut(kv, "=")
				switch k {
				case "default":
					fi.def, fi.hasDef, fi.optional = v, true, true
				case "enum":
					fi.enum = append(fi.enum, v)
				case "description":
					fi.doc = v
				}
			}
			out = append(out, fi)
		}
	}
	walk(t, nil)
	return out
}

// splitSchemaTag splits an invopop jsonschema tag at commas, keeping
// escaped commas (\,) inside values.
func splitSchemaTag(tag string) []string {
	if tag == "" {
		return nil
	}
	var out []string
	var cur strings.Builder
	for i := 0; i < len(tag); i++ {
		switch {
		case tag[i] == '\\' && i+1 < len(tag) && tag[i+1] == ',':
			cur.WriteByte(',')
			i++
		case tag[i] == ',':
			out = append(out, cur.String())
			cur.Reset()
		default:
			cur.WriteByte(tag[i])
		}
	}
	return append(out, cur.String())
}

// Field describes one argument of a struct type, for help and schemas.
type Field struct {
	Name     string
	Type     reflect.Type
	Optional bool
	Ignored  bool
	Default  string
	Enum     []string
}

// Fields lists the configurable fields of struct type t.
func Fields(t reflect.Type) []Field {
	var out []Field
	for _, f := range fields(t) {
		out = append(out, Field{Name: f.name, Type: f.typ, Optional: f.optional, Ignored: f.ignore, Default: f.def, Enum: f.enum})
	}
	return out
}
