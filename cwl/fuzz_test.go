package cwl_test

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/formed-dev/formed/cwl"
)

// FuzzParseType checks that every type ParseType accepts prints as
// shorthand it reads back, and survives JSON.
func FuzzParseType(f *testing.F) {
	for _, s := range []string{"File", "string?", "int[]", "File[]?", "Directory[][]", "enum", "enum[]?", "stdout", "?", "[]", "File?[]"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		typ, err := cwl.ParseType(s, []string{"a", "b"})
		if err != nil {
			return
		}
		js, err := json.Marshal(typ)
		if err != nil {
			t.Fatalf("ParseType(%q) = %+v, which does not encode: %v", s, typ, err)
		}
		var back cwl.Type
		if err := json.Unmarshal(js, &back); err != nil || !reflect.DeepEqual(back, typ) {
			t.Fatalf("%q encoded as %s decodes to %+v, %v; want %+v", s, js, back, err, typ)
		}
	})
}

// FuzzTypeJSON checks that decoding any JSON as a Type never panics and
// that what decodes re-encodes to the same type.
func FuzzTypeJSON(f *testing.F) {
	for _, s := range []string{`"File"`, `["null", "int"]`, `{"type": "array", "items": "File"}`,
		`{"type": "enum", "symbols": ["a"]}`, `["null", {"type": "array", "items": {"type": "array", "items": "int"}}]`,
		`{"type": "array"}`, `[]`, `{}`, `null`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var typ cwl.Type
		if json.Unmarshal(data, &typ) != nil {
			return
		}
		js, err := json.Marshal(typ)
		if err != nil {
			t.Fatalf("%s decoded to %+v, which does not encode: %v", data, typ, err)
		}
		var back cwl.Type
		if err := json.Unmarshal(js, &back); err != nil || !reflect.DeepEqual(back, typ) {
			t.Fatalf("%s -> %+v -> %s -> %+v, %v", data, typ, js, back, err)
		}
	})
}
