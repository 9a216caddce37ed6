package codeversion

import (
	"bytes"
	"flag"
	"fmt"
	"go/build"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite golden files")

// TestGenerateGolden compares the generated file for the fixture package
// with testdata/base.golden. Run with -update after an intended change.
func TestGenerateGolden(t *testing.T) {
	got, err := Generate(filepath.Join("testdata", "base", "steps"))
	if err != nil {
		t.Fatal(err)
	}
	golden := filepath.Join("testdata", "base.golden")
	if *update {
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("Generate = \n%s\nwant (testdata/base.golden; -update to rewrite)\n%s", got, want)
	}
}

func TestWriteFile(t *testing.T) {
	dir := filepath.Join(copyFixture(t), "steps")
	for i, want := range []bool{true, false} {
		wrote, err := WriteFile(dir)
		if err != nil {
			t.Fatal(err)
		}
		if wrote != want {
			t.Errorf("WriteFile call %d wrote = %v, want %v", i+1, wrote, want)
		}
	}
	got, err := os.ReadFile(filepath.Join(dir, GeneratedFile))
	if err != nil {
		t.Fatal(err)
	}
	want, err := Generate(dir) // the generated file itself does not count
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s after WriteFile differs from Generate", GeneratedFile)
	}
	ents, _ := os.ReadDir(dir)
	for _, e := range ents {
		if strings.HasPrefix(e.Name(), ".formed") {
			t.Errorf("temporary file %s left behind", e.Name())
		}
	}
}

// An edit replaces the one occurrence of old in a fixture file with new.
type edit struct{ file, old, new string }

// TestVersionChanges edits the fixture module one way at a time and checks
// exactly which steps' code versions change.
func TestVersionChanges(t *testing.T) {
	base := versionsOf(t, copyFixture(t))
	if len(base) != 9 {
		t.Fatalf("fixture keys = %v, want 8 steps and Counter", slices.Sorted(maps.Keys(base)))
	}
	tests := []struct {
		name  string
		edits []edit
		want  []string // keys whose version changes; Counter is a type
	}{
		{"comment edit", []edit{
			{"steps/steps.go", "// Add adds and scales.", "// Add adds, then scales.\n// It is a fixture."},
			{"steps/steps.go", "return scale(in.A+in.B) + 1, nil", "// the sum, scaled\n\treturn scale(in.A+in.B) + 1, nil // done"},
			{"util/util.go", "// Shout returns", "// Shout returns, loudly,"},
		}, nil},
		{"reformatting", []edit{
			{"steps/steps.go", "func Mul(ctx context.Context, in NumArgs) (int, error) {\n\treturn scale(in.A*in.B) + offset, nil\n}",
				"func Mul(ctx context.Context,\n\tin NumArgs) (int, error) { return scale( in.A * in.B )+offset, nil }"},
			{"steps/helpers.go", "func scale(x int) int {\n\treturn x * factor\n}", "func scale(x int) int { return x*factor }"},
		}, nil},
		{"reordered declarations", []edit{
			{"steps/helpers.go", "const offset = 10\n\nfunc scale(x int) int {\n\treturn x * factor\n}\n\nvar factor = 2\n",
				"var factor = 2\n\nfunc scale(x int) int {\n\treturn x * factor\n}\n\nconst offset = 10\n"},
			{"steps/steps.go", "// Add adds and scales.", "func (c *Counter) extra2(s string) int { return len(s) }\n\n// Add adds and scales."},
			{"steps/steps.go", "func (c *Counter) extra(s string) int { return len(s) }\n", ""},
			{"steps/steps.go", "func (c *Counter) extra2(", "func (c *Counter) extra("},
		}, nil},
		{"lines added above a literal", []edit{{"steps/steps.go", "func init() {", "\n\n\nfunc init() {"}}, nil},
		{"unrelated function", []edit{
			{"steps/helpers.go", `"nobody calls me"`, `"still nobody"`},
			{"util/util.go", "strings.ToLower(s)", "strings.ToLower(s + s)"},
		}, nil},
		{"literal", []edit{{"steps/steps.go", "+ 1, nil", "+ 2, nil"}}, []string{"Add"}},
		{"operator", []edit{{"steps/steps.go", "in.A+in.B", "in.A-in.B"}}, []string{"Add"}},
		{"shared helper", []edit{{"steps/helpers.go", "x * factor", "x * factor * 1"}}, []string{"Add", "Mul"}},
		{"package variable", []edit{{"steps/helpers.go", "var factor = 2", "var factor = 3"}}, []string{"Add", "Mul"}},
		{"constant", []edit{{"steps/helpers.go", "offset = 10", "offset = 11"}}, []string{"Mul"}},
		{"type field", []edit{{"steps/helpers.go", "A, B int", "A, B, C int"}}, []string{"Add", "Mul", "steps.go:lit1", "steps.go:lit2"}},
		{"type field of another type", []edit{{"steps/helpers.go", "S string", "S, T string"}},
			[]string{"Counter", "Counter.Count", "Ext", "Upper", "helpers.go:lit1"}},
		{"same-module package", []edit{{"util/util.go", "strings.ToUpper(s) + bang", "strings.ToTitle(s) + bang"}}, []string{"Upper"}},
		{"same-module package variable", []edit{{"util/util.go", `strings.Repeat("!", 1)`, `strings.Repeat("!", 2)`}}, []string{"Upper"}},
		{"other module version", []edit{{"go.mod", "example.com/other v1.0.0", "example.com/other v1.1.0"}}, []string{"Ext"}},
		{"function literal", []edit{{"steps/steps.go", "in.A - in.B", "in.B - in.A"}}, []string{"steps.go:lit1"}},
		{"method value", []edit{{"steps/steps.go", "c.N + c.extra(in.S)", "c.N - c.extra(in.S)"}}, []string{"Counter", "Counter.Count"}},
		{"method called by a method value", []edit{{"steps/steps.go", "return len(s) }", "return len(s) + 1 }"}}, []string{"Counter", "Counter.Count"}},
		{"local variable a literal captures", []edit{{"steps/steps.go", "sign := -1", "sign := +1"}}, []string{"steps.go:lit2"}},
		{"another registration in the same init", []edit{{"steps/steps.go", `registry.Register("add", Add)`,
			`registry.Register("add", Add)
	registry.Register("add2", Add)`}}, nil},
		{"code around a literal from a factory", []edit{{"steps/helpers.go", `sep := ","`, `sep := ";"`}}, []string{"helpers.go:lit1"}},
		{"renamed local variable", []edit{{"steps/steps.go", "func (c *Counter) extra(s string) int { return len(s) }",
			"func (c *Counter) extra(str string) int { return len(str) }"}}, []string{"Counter", "Counter.Count"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := copyFixture(t)
			for _, e := range tt.edits {
				applyEdit(t, dir, e)
			}
			got := versionsOf(t, dir)
			var changed []string
			for k, v := range got {
				if base[k] != v {
					changed = append(changed, k)
				}
			}
			sort.Strings(changed)
			if !slices.Equal(changed, tt.want) {
				t.Errorf("changed versions = %q, want %q", changed, tt.want)
			}
		})
	}
}

// copyFixture copies testdata/base into a temporary directory.
func copyFixture(t *testing.T) string {
	t.Helper()
	dst := t.TempDir()
	src := filepath.Join("testdata", "base")
	err := filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, path)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return dst
}

func applyEdit(t *testing.T, dir string, e edit) {
	t.Helper()
	path := filepath.Join(dir, e.file)
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(data), e.old); n != 1 {
		t.Fatalf("%s: %q occurs %d times, want once", e.file, e.old, n)
	}
	if err := os.WriteFile(path, []byte(strings.Replace(string(data), e.old, e.new, 1)), 0o644); err != nil {
		t.Fatal(err)
	}
}

// versionsOf returns the versions of the fixture's steps, with function
// literals keyed "file:litN", N counting from 1 down the file, so that
// moving them does not rename them.
func versionsOf(t *testing.T, dir string) map[string]string {
	t.Helper()
	ctxt := build.Default
	versions, _, _, err := generate(newAnalyzer(&ctxt), filepath.Join(dir, "steps"))
	if err != nil {
		t.Fatal(err)
	}
	// Drop the alias keys of a literal's later lines (see literalStart):
	// a key whose line above maps to the same unit.
	var aliases []string
	for k, v := range versions {
		if file, line, ok := strings.Cut(k, ":"); ok {
			n, _ := strconv.Atoi(line)
			if versions[fmt.Sprintf("%s:%d", file, n-1)] == v {
				aliases = append(aliases, k)
			}
		}
	}
	for _, k := range aliases {
		delete(versions, k)
	}
	lines := map[string][]int{}
	for k := range versions {
		if file, line, ok := strings.Cut(k, ":"); ok {
			n, _ := strconv.Atoi(line)
			lines[file] = append(lines[file], n)
		}
	}
	out := map[string]string{}
	for k, v := range versions {
		if file, line, ok := strings.Cut(k, ":"); ok {
			n, _ := strconv.Atoi(line)
			slices.Sort(lines[file])
			k = fmt.Sprintf("%s:lit%d", file, slices.Index(lines[file], n)+1)
		}
		out[k] = v
	}
	return out
}
