package args

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strconv"
	"strings"
)

// Select returns the part of v that path names: struct fields by their
// config (JSON) names, map keys and list indices.
func Select(v any, path []string) (any, error) {
	rv := reflect.ValueOf(v)
	for i, seg := range path {
		for rv.IsValid() && (rv.Kind() == reflect.Pointer || rv.Kind() == reflect.Interface) {
			if rv.IsNil() {
				return nil, fmt.Errorf("%s is null", strings.Join(path[:i], "."))
			}
			rv = rv.Elem()
		}
		if !rv.IsValid() {
			return nil, fmt.Errorf("%s is null", strings.Join(path[:i], "."))
		}
		switch rv.Kind() {
		case reflect.Struct:
			f, ok := fieldByName(rv.Type(), seg)
			if !ok {
				return nil, fmt.Errorf("%s has no field %q", rv.Type(), seg)
			}
			fv, err := rv.FieldByIndexErr(f.index)
			if err != nil {
				return nil, fmt.Errorf("%s is null", strings.Join(path[:i+1], "."))
			}
			rv = fv
		case reflect.Map:
			kv, err := mapKey(rv.Type().Key(), seg)
			if err != nil {
				return nil, fmt.Errorf("%q is not a key of %s", seg, rv.Type())
			}
			mv := rv.MapIndex(kv)
			if !mv.IsValid() {
				return nil, fmt.Errorf("no key %q", seg)
			}
			rv = mv
		case reflect.Slice, reflect.Array:
			idx, err := strconv.Atoi(seg)
			if err != nil || idx < 0 || idx >= rv.Len() {
				return nil, fmt.Errorf("index %q out of range of %d items", seg, rv.Len())
			}
			rv = rv.Index(idx)
		default:
			return nil, fmt.Errorf("%s is %s; cannot select %q", strings.Join(append([]string{"result"}, path[:i]...), "."), rv.Type(), seg)
		}
	}
	if !rv.IsValid() {
		return nil, nil
	}
	return rv.Interface(), nil
}

func fieldByName(t reflect.Type, name string) (fieldInfo, bool) {
	for _, f := range cachedFields(t) {
		if f.name == name {
			return f, true
		}
	}
	return fieldInfo{}, false
}

// JSONKind names the JSON shape of values of t: "boolean", "number",
// "string", "array", "object", or "any" when it cannot be told from the
// type.
func JSONKind(t reflect.Type) string {
	if t == durationType {
		return "number"
	}
	if t.Kind() != reflect.Interface && customJSON(t) {
		return "any"
	}
	if t.Implements(reflect.TypeFor[json.Marshaler]()) {
		return "any"
	}
	switch t.Kind() {
	case reflect.Bool:
		return "boolean"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
		reflect.Float32, reflect.Float64:
		return "number"
	case reflect.String:
		return "string"
	case reflect.Slice:
		if t.Elem().Kind() == reflect.Uint8 {
			return "string"
		}
		return "array"
	case reflect.Array:
		return "array"
	case reflect.Map, reflect.Struct:
		return "object"
	case reflect.Pointer:
		return JSONKind(t.Elem())
	}
	return "any"
}

// Fit checks at plan time that a ref selecting path from a result of type
// src can fill a value of type dst. It returns the selected type.
func Fit(src reflect.Type, path []string, dst reflect.Type) (reflect.Type, error) {
	t := src
	for i, seg := range path {
		for t.Kind() == reflect.Pointer {
			t = t.Elem()
		}
		switch t.Kind() {
		case reflect.Struct:
			if customJSON(t) {
				return nil, fmt.Errorf("cannot select %q from %s", seg, t)
			}
			f, ok := fieldByName(t, seg)
			if !ok {
				names := make([]string, 0)
				for _, f := range cachedFields(t) {
					names = append(names, f.name)
				}
				return nil, &FieldError{Type: t, Field: seg, At: path[:i], Fields: names}
			}
			t = f.typ
		case reflect.Map:
			if err := checkMapKey(t.Key(), seg); err != nil {
				return nil, err
			}
			t = t.Elem()
		case reflect.Slice, reflect.Array:
			if n, err := strconv.Atoi(seg); err != nil || n < 0 || (t.Kind() == reflect.Array && n >= t.Len()) {
				return nil, fmt.Errorf("%q is not an index of %s", seg, t)
			}
			t = t.Elem()
		case reflect.Interface:
			return t, nil // known only at run time
		default:
			return nil, fmt.Errorf("result part %s is %s and has no field %q", strings.Join(path[:i], "."), t, seg)
		}
	}
	sk, dk := JSONKind(t), JSONKind(dst)
	if sk != "any" && dk != "any" && sk != dk {
		return t, fmt.Errorf("gives %s (%s), want %s (%s)", sk, t, dk, dst)
	}
	return t, nil
}

// FieldError is returned by Fit for a field the result type does not have.
type FieldError struct {
	Type   reflect.Type
	Field  string
	At     []string
	Fields []string
}

func (e *FieldError) Error() string {
	return fmt.Sprintf("result type %s has no field %q", e.Type, e.Field)
}
