package cwl

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
)

// A Type is a CWL parameter type: a named type such as "string" or "File",
// an array of a type, or an enum of symbols, each optionally nullable.
type Type struct {
	// Name is a primitive or class name ("null", "boolean", "int", "long",
	// "float", "double", "string", "File", "Directory", "Any", and for
	// outputs "stdout" and "stderr"), or "array" or "enum".
	Name string
	// Items is the element type of an array.
	Items *Type
	// Symbols are the values of an enum.
	Symbols []string
	// Optional makes the type nullable, written T? in CWL.
	Optional bool
}

// The CWL types that take no parameters.
var (
	Boolean   = Type{Name: "boolean"}
	Int       = Type{Name: "int"}
	Long      = Type{Name: "long"}
	Float     = Type{Name: "float"}
	Double    = Type{Name: "double"}
	String    = Type{Name: "string"}
	File      = Type{Name: "File"}
	Directory = Type{Name: "Directory"}
	Any       = Type{Name: "Any"}
	// Stdout is the output type that captures the tool's standard output.
	Stdout = Type{Name: "stdout"}
	// Stderr is the output type that captures the tool's standard error.
	Stderr = Type{Name: "stderr"}
)

var namedTypes = []string{"null", "boolean", "int", "long", "float", "double", "string", "File", "Directory", "Any", "stdout", "stderr"}

// Array returns the type of arrays of items.
func Array(items Type) Type { return Type{Name: "array", Items: &items} }

// Enum returns the type whose values are the given symbols.
func Enum(symbols ...string) Type { return Type{Name: "enum", Symbols: symbols} }

// Opt returns t made nullable (T? in CWL).
func (t Type) Opt() Type { t.Optional = true; return t }

// ParseType parses CWL's type shorthand: a named type followed by any
// number of "[]" and an optional "?", such as "File", "string[]" or
// "int[]?". The name "enum" takes its symbols from symbols.
func ParseType(s string, symbols []string) (Type, error) {
	var t Type
	rest := s
	if r, ok := strings.CutSuffix(rest, "?"); ok {
		t.Optional, rest = true, r
	}
	depth := 0
	for {
		r, ok := strings.CutSuffix(rest, "[]")
		if !ok {
			break
		}
		depth, rest = depth+1, r
	}
	base := Type{Name: rest}
	switch {
	case rest == "enum":
		if len(symbols) == 0 {
			return Type{}, fmt.Errorf("type %q: an enum needs symbols", s)
		}
		base.Symbols = slices.Clone(symbols)
	case slices.Contains(namedTypes, rest):
		if len(symbols) > 0 {
			return Type{}, fmt.Errorf("type %q: symbols apply to enum types only", s)
		}
	default:
		return Type{}, fmt.Errorf("type %q: unknown type %q; use one of %s, enum, or T[] and T?", s, rest, strings.Join(namedTypes, ", "))
	}
	for range depth {
		base = Array(base)
	}
	base.Optional = t.Optional
	return base, base.check()
}

// String returns t in CWL's shorthand where one exists, such as "File[]?".
func (t Type) String() string {
	var s string
	switch t.Name {
	case "array":
		if t.Items == nil {
			s = "array"
		} else {
			s = t.Items.String() + "[]"
		}
	case "enum":
		s = "enum(" + strings.Join(t.Symbols, ",") + ")"
	default:
		s = t.Name
	}
	if t.Optional {
		s += "?"
	}
	return s
}

// check reports what is wrong with t, or nil.
func (t Type) check() error {
	switch t.Name {
	case "array":
		if t.Items == nil {
			return fmt.Errorf("type array has no items")
		}
		if t.Items.Optional {
			return fmt.Errorf("type %s: array items cannot be optional", t)
		}
		return t.Items.check()
	case "enum":
		if len(t.Symbols) == 0 {
			return fmt.Errorf("type enum has no symbols")
		}
		seen := map[string]bool{}
		for _, s := range t.Symbols {
			if s == "" {
				return fmt.Errorf("type %s: empty enum symbol", t)
			}
			if seen[s] {
				return fmt.Errorf("type %s: enum symbol %q twice", t, s)
			}
			seen[s] = true
		}
		return nil
	case "":
		return fmt.Errorf("missing type")
	}
	if !slices.Contains(namedTypes, t.Name) {
		return fmt.Errorf("unknown type %q", t.Name)
	}
	return nil
}

// base returns the innermost named type of t ("File" for "File[]?").
func (t Type) base() Type {
	for t.Name == "array" && t.Items != nil {
		t = *t.Items
	}
	return t
}

// MarshalJSON writes t in CWL's JSON form: "File?" for named types and
// single-level arrays of them, {"type": "array", ...} and
// {"type": "enum", ...} otherwise, nullable ones as ["null", T].
func (t Type) MarshalJSON() ([]byte, error) {
	if err := t.check(); err != nil {
		return nil, err
	}
	return json.Marshal(t.form(true))
}

// form returns t as a JSON value. CWL's "T[]" and "T?" shorthand is only
// read at the top of a type, so nested types use the long forms.
func (t Type) form(top bool) any {
	var long any
	switch {
	case t.Name != "array" && t.Name != "enum":
		if !t.Optional {
			return t.Name
		}
		if top {
			return t.Name + "?"
		}
		long = t.Name
	case t.Name == "array" && top && t.Items.Name != "array" && t.Items.Name != "enum":
		return t.String()
	case t.Name == "array":
		long = struct {
			Type  string `json:"type"`
			Items any    `json:"items"`
		}{"array", t.Items.form(false)}
	default:
		long = struct {
			Type    string   `json:"type"`
			Symbols []string `json:"symbols"`
		}{"enum", t.Symbols}
	}
	if t.Optional {
		return []any{"null", long}
	}
	return long
}

// UnmarshalJSON reads any of the forms MarshalJSON writes.
func (t *Type) UnmarshalJSON(data []byte) error {
	data = bytes.TrimSpace(data)
	switch {
	case len(data) > 0 && data[0] == '"':
		var s string
		if err := json.Unmarshal(data, &s); err != nil {
			return err
		}
		pt, err := ParseType(s, nil)
		if err != nil {
			return err
		}
		*t = pt
		return nil
	case len(data) > 0 && data[0] == '[':
		var union []json.RawMessage
		if err := json.Unmarshal(data, &union); err != nil {
			return err
		}
		if len(union) != 2 || string(bytes.TrimSpace(union[0])) != `"null"` {
			return fmt.Errorf("type %s: only [\"null\", T] unions are supported", data)
		}
		var inner Type
		if err := inner.UnmarshalJSON(union[1]); err != nil {
			return err
		}
		inner.Optional = true
		*t = inner
		return nil
	}
	var obj struct {
		Type    string   `json:"type"`
		Items   *Type    `json:"items"`
		Symbols []string `json:"symbols"`
	}
	if err := json.Unmarshal(data, &obj); err != nil {
		return fmt.Errorf("type %s: %w", data, err)
	}
	*t = Type{Name: obj.Type, Items: obj.Items, Symbols: obj.Symbols}
	for i, s := range t.Symbols {
		// A runner may hand back fully qualified symbols; keep the name.
		if j := strings.LastIndexAny(s, "#/"); j >= 0 {
			t.Symbols[i] = s[j+1:]
		}
	}
	return t.check()
}
