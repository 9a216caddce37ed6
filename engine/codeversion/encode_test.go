package codeversion

import (
	"bytes"
	"go/parser"
	"go/token"
	"testing"
)

// TestEncode checks pairs of function bodies whose encodings must be
// equal, or must differ.
func TestEncode(t *testing.T) {
	tests := []struct {
		a, b string
		same bool
	}{
		{"x := 1 // one", "x :=   1", true},
		{"if x {\n\n\ty()\n}", "if x { y() }", true},
		{"/* a */ return f(a,\n\tb)", "return f(a, b)", true},
		{"x := 1", "x := 2", false},
		{"x := 1", "x := 0x1", false},
		{"x = a + b", "x = a - b", false},
		{"x = a + b", "x = (a + b)", false},
		{"y := 1", "x := 1", false},
		{"for x++; ; {\n}", "for ; ; x++ {\n}", false},
		{"var c chan<- int", "var c <-chan int", false},
		{`s := "a"`, "s := `a`", false},
	}
	for _, tt := range tests {
		ea, eb := encodeBody(t, tt.a), encodeBody(t, tt.b)
		if got := bytes.Equal(ea, eb); got != tt.same {
			t.Errorf("encodings of %q and %q equal = %v, want %v", tt.a, tt.b, got, tt.same)
		}
	}
}

func encodeBody(t *testing.T, body string) []byte {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), "x.go", "package p\nfunc f() {\n"+body+"\n}\n", parser.SkipObjectResolution)
	if err != nil {
		t.Fatalf("parse %q: %v", body, err)
	}
	return encode(nil, f.Decls[0])
}
