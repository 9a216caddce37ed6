package config

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"unsafe"
)

// stdDecode is what decodeJSON stands in for.
func stdDecode(s string) (any, error) {
	d := json.NewDecoder(strings.NewReader(s))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		return nil, err
	}
	// The Decoder reads one value; a config is exactly one.
	if _, err := d.Token(); err == nil {
		return nil, fmt.Errorf("trailing data")
	}
	return v, nil
}

// sameAsStd checks that decodeJSON accepts what encoding/json accepts and
// gives the same value.
func sameAsStd(t *testing.T, in string) {
	t.Helper()
	want, wantErr := stdDecode(in)
	if wantErr == nil && !json.Valid([]byte(in)) {
		// Decoder.Token above lets some trailing garbage through; Valid
		// is the judge.
		want, wantErr = nil, fmt.Errorf("invalid")
	}
	got, gotErr := decodeJSON(in)
	if (gotErr != nil) != (wantErr != nil) {
		t.Fatalf("decodeJSON(%q): error %v, encoding/json: %v", in, gotErr, wantErr)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("decodeJSON(%q) = %#v, want %#v", in, got, want)
	}
}

func TestDecodeJSON(t *testing.T) {
	for _, in := range []string{
		`{}`, `[]`, `null`, `true`, `false`, `0`, `-0`, `1.5e-3`, `-12E+4`, `"x"`,
		" {\n   \"steps\": {\n      \"a\": { \"type\": \"add\", \"a\": 1, \"b\": [1, 2.5, \"s\", null, true, {}] }\n   }\n}\n",
		`{"a":1,"a":2}`,
		`"esc \" \\ \/ \b \f \n \r \t \u00e9 \u2028 \ud83d\ude00"`,
		`"lone \ud83d and \ude00 and \ud83d\u0041"`,
		"\"bad utf8 \xff\xfe ok \xc3\xa9\"",
		"\"bad utf8 after escape \\n \xff\"",
		`{"k\u0000":"v"}`,
		// Invalid:
		``, ` `, `{`, `[`, `[1,]`, `{"a":1,}`, `{"a" 1}`, `{a:1}`, `01`, `1.`, `1e`, `-`, `.5`, `+1`,
		`"unterminated`, "\"ctl \x01\"", `"\x"`, `"\u12"`, `"\u12G4"`, `tru`, `nul`, `truex`, `1 2`, `{} x`,
		`"\ud83d\u12"`, `[1 2]`, `{"a":1 "b":2}`,
		strings.Repeat("[", 10001) + strings.Repeat("]", 10001),
		strings.Repeat("[", 10000) + strings.Repeat("]", 10000),
	} {
		sameAsStd(t, in)
	}
}

func FuzzDecodeJSON(f *testing.F) {
	for _, s := range []string{`{"steps":{"a":{"type":"t","x":[1,{"type":"ref","ref":"b"}]}}}`, `"\ud83d\ude00\u00e9"`, `[-0.5e10,true,null]`, "\"\xff\""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		sameAsStd(t, in)
	})
}

// Strings without escapes, numbers and keys are slices of the input, not
// copies.
func TestDecodeJSONShares(t *testing.T) {
	in := `{"steps":{"a":{"type":"add","a":1.5,"b":"two","c":"t\u00e9"}}}`
	v, err := decodeJSON(in)
	if err != nil {
		t.Fatal(err)
	}
	lo := uintptr(unsafe.Pointer(unsafe.StringData(in)))
	inside := func(s string) bool {
		p := uintptr(unsafe.Pointer(unsafe.StringData(s)))
		return p >= lo && p < lo+uintptr(len(in))
	}
	steps := v.(map[string]any)["steps"].(map[string]any)
	a := steps["a"].(map[string]any)
	for k := range steps {
		if !inside(k) {
			t.Errorf("key %q is a copy", k)
		}
	}
	for _, s := range []string{a["type"].(string), a["b"].(string), string(a["a"].(json.Number))} {
		if !inside(s) {
			t.Errorf("value %q is a copy", s)
		}
	}
	if c := a["c"].(string); c != "té" || inside(c) {
		t.Errorf("escaped value %q: want a decoded copy", c)
	}
}

func benchConfig(n int) string {
	var b bytes.Buffer
	b.WriteString("{\n   \"steps\": {\n")
	for i := range n {
		if i > 0 {
			b.WriteString(",\n")
		}
		fmt.Fprintf(&b, "      \"step_%d\": {\n         \"a\": {\n            \"ref\": \"step_%d\",\n            \"type\": \"ref\"\n         },\n         \"b\": 1,\n         \"type\": \"add\"\n      }", i, i+1)
	}
	b.WriteString("\n   }\n}\n")
	return b.String()
}

// BenchmarkDecodeJSON compares decodeJSON with encoding/json on a
// 10,000-step config as go-jsonnet writes it.
func BenchmarkDecodeJSON(b *testing.B) {
	in := benchConfig(10000)
	b.Run("formed", func(b *testing.B) {
		b.SetBytes(int64(len(in)))
		b.ReportAllocs()
		for b.Loop() {
			if _, err := decodeJSON(in); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("encoding-json", func(b *testing.B) {
		b.SetBytes(int64(len(in)))
		b.ReportAllocs()
		for b.Loop() {
			if _, err := stdDecode(in); err != nil {
				b.Fatal(err)
			}
		}
	})
}
