package schema

import (
	"encoding/json"
	"fmt"
	"reflect"
	"regexp"
	"sort"
	"strings"

	"github.com/invopop/jsonschema"

	"github.com/formed-dev/formed/registry"
)

// generator builds one schema. Named Go types become $defs named for the
// type, qualified by package path only when two types share a name.
type generator struct {
	r      *registry.Registry
	seen   map[reflect.Type]bool
	ifaces map[reflect.Type]bool
	named  []reflect.Type
	names  map[reflect.Type]string
	defs   map[string]any
	// structs maps reflected struct types to their schema node, which is
	// also in defs when the type is named.
	structs map[reflect.Type]node
}

func newGenerator(r *registry.Registry) *generator {
	return &generator{
		r:       r,
		seen:    map[reflect.Type]bool{},
		ifaces:  map[reflect.Type]bool{},
		names:   map[reflect.Type]string{},
		defs:    map[string]any{},
		structs: map[reflect.Type]node{},
	}
}

// walk records the named types reachable from t, following struct fields,
// elements and the implementations of interfaces.
func (g *generator) walk(t reflect.Type) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if g.seen[t] {
		return
	}
	g.seen[t] = true
	switch t.Kind() {
	case reflect.Struct:
		for i := range t.NumField() {
			g.walk(t.Field(i).Type)
		}
	case reflect.Slice, reflect.Array, reflect.Map:
		g.walk(t.Elem())
	case reflect.Interface:
		impls := g.r.Impls(t)
		if len(impls) == 0 {
			return
		}
		g.ifaces[t] = true
		for _, im := range impls {
			g.walk(im.Type)
		}
	default:
		return
	}
	if t.Name() != "" {
		g.named = append(g.named, t)
	}
}

// reserved are $defs names the generator uses itself; definitions of Go
// types are named with letters, digits, '_' and '.', and never with ':'.
var reserved = map[string]bool{"ref": true, "step": true}

var unsafeName = regexp.MustCompile(`[^A-Za-z0-9_.]+`)

// assignNames names the $defs of the walked types: the type's name when
// no other walked type has it, else the package path and the name.
func (g *generator) assignNames() {
	short := map[string]int{}
	for _, t := range g.named {
		short[shortName(t)]++
	}
	for _, t := range g.named {
		n := shortName(t)
		if short[n] > 1 || reserved[n] {
			n = strings.Trim(unsafeName.ReplaceAllString(t.PkgPath(), "."), ".") + "." + n
		}
		g.names[t] = n
	}
}

func shortName(t reflect.Type) string {
	return strings.Trim(unsafeName.ReplaceAllString(t.Name(), "_"), "_")
}

func (g *generator) ifaceOrder() []reflect.Type {
	out := make([]reflect.Type, 0, len(g.ifaces))
	for t := range g.ifaces {
		out = append(out, t)
	}
	sort.Slice(out, func(i, j int) bool { return g.names[out[i]] < g.names[out[j]] })
	return out
}

func (g *generator) reflector() *jsonschema.Reflector {
	return &jsonschema.Reflector{
		Anonymous: true,
		Namer: func(t reflect.Type) string {
			if n, ok := g.names[t]; ok {
				return n
			}
			if t.Name() != "" {
				// Not walked: time.Time and the like, which invopop inlines.
				return "go." + shortName(t)
			}
			return ""
		},
		Mapper: func(t reflect.Type) *jsonschema.Schema {
			if g.ifaces[t] {
				return &jsonschema.Schema{Ref: defRef(g.names[t])}
			}
			return nil
		},
		LookupComment: func(t reflect.Type, field string) string {
			key := t.PkgPath() + "." + t.Name()
			if field != "" {
				key += "." + field
			}
			return registry.Doc(key)
		},
	}
}

// reflect adds the schema of struct type t and the types it refers to.
func (g *generator) reflect(t reflect.Type) (err error) {
	if _, ok := g.structs[t]; ok {
		return nil
	}
	defer func() {
		// invopop panics on types JSON cannot hold: chan, func, complex.
		if p := recover(); p != nil {
			err = fmt.Errorf("%s: %v", t, p)
		}
	}()
	s := g.reflector().ReflectFromType(t)
	data, err := json.Marshal(s)
	if err != nil {
		return err
	}
	var root node
	if err := decode(data, &root); err != nil {
		return err
	}
	defs, _ := root["$defs"].(node)
	for name, def := range defs {
		if _, ok := g.defs[name]; !ok {
			g.defs[name] = def
		}
	}
	delete(root, "$defs")
	delete(root, "$schema")
	if name, ok := g.names[t]; ok {
		def, ok := g.defs[name].(node)
		if !ok {
			return fmt.Errorf("no definition %s for %s", name, t)
		}
		g.structs[t] = def
		return nil
	}
	g.structs[t] = root
	return nil
}

// decode decodes JSON keeping numbers as written.
func decode(data []byte, v any) error {
	dec := json.NewDecoder(strings.NewReader(string(data)))
	dec.UseNumber()
	return dec.Decode(v)
}

// clone returns a deep copy of a decoded JSON value.
func clone(v any) any {
	switch v := v.(type) {
	case node:
		out := make(node, len(v))
		for k, x := range v {
			out[k] = clone(x)
		}
		return out
	case []any:
		out := make([]any, len(v))
		for i, x := range v {
			out[i] = clone(x)
		}
		return out
	}
	return v
}
