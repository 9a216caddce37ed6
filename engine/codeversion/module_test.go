package codeversion

import (
	"testing"
)

const testGoMod = `module example.com/m // the main module

go 1.26

require (
	example.com/a v1.2.0
	example.com/a/sub v0.3.0 // a nested module
	example.com/b v1.0.0 // indirect
	example.com/c v1.0.0
)

require "example.com/d" v2.0.0

replace example.com/b => example.com/bfork v1.0.1

replace (
	example.com/c v1.0.0 => ../c
)
`

func TestModuleDep(t *testing.T) {
	m, err := parseGoMod([]byte(testGoMod))
	if err != nil {
		t.Fatal(err)
	}
	if m.path != "example.com/m" {
		t.Errorf("path = %q, want example.com/m", m.path)
	}
	tests := []struct{ importPath, want string }{
		{"example.com/a", "example.com/a@v1.2.0"},
		{"example.com/a/pkg", "example.com/a@v1.2.0"},
		{"example.com/a/sub/x", "example.com/a/sub@v0.3.0"},
		{"example.com/ab", "example.com/ab@?"},
		{"example.com/b/x", "example.com/b => example.com/bfork@v1.0.1"},
		{"example.com/c", "example.com/c => ../c"},
		{"example.com/d/e", "example.com/d@v2.0.0"},
		{"strings", ""},
		{"net/http", ""},
	}
	for _, tt := range tests {
		if got := m.dep(tt.importPath); got != tt.want {
			t.Errorf("dep(%q) = %q, want %q", tt.importPath, got, tt.want)
		}
	}
	for path, want := range map[string]bool{"example.com/m": true, "example.com/m/x/y": true, "example.com/mm": false, "example.com/a": false} {
		if got := m.owns(path); got != want {
			t.Errorf("owns(%q) = %v, want %v", path, got, want)
		}
	}
}

func TestParseGoModErrors(t *testing.T) {
	for _, text := range []string{
		"go 1.26\n",
		"module\n",
		"module example.com/m\nrequire example.com/a\n",
		"module example.com/m\nreplace example.com/a =>\n",
	} {
		if _, err := parseGoMod([]byte(text)); err == nil {
			t.Errorf("parseGoMod(%q) succeeded, want an error", text)
		}
	}
}

func TestGuessName(t *testing.T) {
	for path, want := range map[string]string{
		"github.com/urfave/cli/v2":   "cli",
		"gopkg.in/yaml.v3":           "yaml",
		"go.yaml.in/yaml/v4":         "yaml",
		"github.com/mattn/go-isatty": "isatty",
		"github.com/zeebo/blake3":    "blake3",
		"example.com/foo-go":         "foo",
		"example.com/a-b":            "a_b",
	} {
		if got := guessName(path); got != want {
			t.Errorf("guessName(%q) = %q, want %q", path, got, want)
		}
	}
}

func FuzzParseGoMod(f *testing.F) {
	f.Add([]byte(testGoMod))
	f.Add([]byte("module m\nreplace a v1 => b v2\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := parseGoMod(data)
		if err != nil {
			return
		}
		m.dep("example.com/x/y")
		m.owns("example.com/x")
	})
}

func FuzzParseFuncName(f *testing.F) {
	for _, s := range []string{"example.com/m/steps.Add", "main.init.0.func1", "a/b.(*T[...]).M-fm", "x", "/.", "a.b/c"} {
		f.Add(s, "/src/a.go", 3)
	}
	f.Fuzz(func(t *testing.T, name, file string, line int) {
		id := parseFuncName(name, file, line)
		if id.pkg == "" && name != "" && name[0] != '.' {
			t.Errorf("parseFuncName(%q) has no package", name)
		}
	})
}
