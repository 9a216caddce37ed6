package formats

import (
	"encoding"
	"encoding/json"
	"fmt"
	"io"
	"reflect"
)

// JSON stores values with encoding/json. It is the default for types that
// survive a JSON round trip: no functions, channels, complex numbers or
// non-empty interfaces, unless the type marshals itself. Values held in an
// any come back as encoding/json gives them: float64 numbers,
// map[string]any objects, []any lists.
type JSON struct{}

// Name implements Format.
func (JSON) Name() string { return "json" }

// Version implements Format.
func (JSON) Version() string { return "1" }

// Encode implements Format.
func (JSON) Encode(w io.Writer, v any) error {
	return json.NewEncoder(w).Encode(v)
}

// Decode implements Format.
func (JSON) Decode(r io.Reader, t reflect.Type) (any, error) {
	p := reflect.New(t)
	if err := json.NewDecoder(r).Decode(p.Interface()); err != nil {
		return nil, err
	}
	return p.Elem().Interface(), nil
}

var (
	jsonMarshaler   = reflect.TypeFor[json.Marshaler]()
	jsonUnmarshaler = reflect.TypeFor[json.Unmarshaler]()
	textMarshaler   = reflect.TypeFor[encoding.TextMarshaler]()
	textUnmarshaler = reflect.TypeFor[encoding.TextUnmarshaler]()
)

// Check implements Checker.
func (JSON) Check(t reflect.Type) error { return jsonCheck(t, map[reflect.Type]bool{}) }

func selfCoding(t reflect.Type) bool {
	p := reflect.PointerTo(t)
	return (t.Implements(jsonMarshaler) || p.Implements(jsonMarshaler)) && p.Implements(jsonUnmarshaler) ||
		(t.Implements(textMarshaler) || p.Implements(textMarshaler)) && p.Implements(textUnmarshaler)
}

func jsonCheck(t reflect.Type, seen map[reflect.Type]bool) error {
	if seen[t] {
		return nil
	}
	seen[t] = true
	if selfCoding(t) {
		return nil
	}
	switch t.Kind() {
	case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64,
		reflect.Float32, reflect.Float64, reflect.String:
		return nil
	case reflect.Pointer, reflect.Slice, reflect.Array:
		return jsonCheck(t.Elem(), seen)
	case reflect.Interface:
		if t.NumMethod() == 0 {
			return nil
		}
		return fmt.Errorf("interface %s values cannot be decoded from JSON", t)
	case reflect.Map:
		switch t.Key().Kind() {
		case reflect.String, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
			reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		default:
			if !t.Key().Implements(textMarshaler) {
				return fmt.Errorf("map key type %s", t.Key())
			}
		}
		return jsonCheck(t.Elem(), seen)
	case reflect.Struct:
		for i := range t.NumField() {
			f := t.Field(i)
			if !f.IsExported() || f.Tag.Get("json") == "-" {
				continue
			}
			if err := jsonCheck(f.Type, seen); err != nil {
				return fmt.Errorf("field %s: %w", f.Name, err)
			}
		}
		return nil
	default:
		return fmt.Errorf("%s values do not survive a JSON round trip", t)
	}
}
