package cwl

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"sync"
)

// marshalExtra encodes the struct v, then appends the keys of extra in
// sorted order.
func marshalExtra(v any, extra map[string]any) ([]byte, error) {
	data, err := json.Marshal(v)
	if err != nil || len(extra) == 0 {
		return data, err
	}
	known := jsonFields(reflect.TypeOf(v))
	var buf bytes.Buffer
	buf.Write(data[:len(data)-1])
	for _, k := range sortedKeys(extra) {
		if known[k] {
			return nil, fmt.Errorf("extra key %q repeats a field; set the field instead", k)
		}
		kb, _ := json.Marshal(k)
		vb, err := json.Marshal(extra[k])
		if err != nil {
			return nil, fmt.Errorf("extra key %q: %w", k, err)
		}
		if buf.Len() > 1 {
			buf.WriteByte(',')
		}
		buf.Write(kb)
		buf.WriteByte(':')
		buf.Write(vb)
	}
	buf.WriteByte('}')
	return buf.Bytes(), nil
}

// unmarshalExtra decodes data into the struct pointed to by v and returns
// the keys v has no field for.
func unmarshalExtra(data []byte, v any) (map[string]any, error) {
	if err := json.Unmarshal(data, v); err != nil {
		return nil, err
	}
	var all map[string]any
	if err := json.Unmarshal(data, &all); err != nil {
		return nil, err
	}
	known := jsonFields(reflect.TypeOf(v).Elem())
	var extra map[string]any
	for k, val := range all {
		if known[k] {
			continue
		}
		if extra == nil {
			extra = map[string]any{}
		}
		extra[k] = val
	}
	return extra, nil
}

var fieldCache sync.Map // reflect.Type -> map[string]bool

// jsonFields returns the JSON names of t's encoded fields.
func jsonFields(t reflect.Type) map[string]bool {
	if m, ok := fieldCache.Load(t); ok {
		return m.(map[string]bool)
	}
	m := map[string]bool{}
	for f := range t.Fields() {
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		switch {
		case name == "" && f.Anonymous && f.Type.Kind() == reflect.Struct:
			for k := range jsonFields(f.Type) {
				m[k] = true
			}
		case name != "" && name != "-":
			m[name] = true
		}
	}
	fieldCache.Store(t, m)
	return m
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
