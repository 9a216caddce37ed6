package main

import (
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// TestImportsPointDown holds the house's layering (STYLE.md): a package
// imports only packages below it in this list, and only organizers/sqlite
// imports the SQLite driver.
func TestImportsPointDown(t *testing.T) {
	const mod = "github.com/formed-dev/formed/"
	layers := []string{
		"internal/suggest",
		"registry",
		"cache",
		"formats",
		"organizers",
		"engine",
		"cwl",
		"cli",
		"examples",
	}
	rank := func(pkg string) int {
		rel := strings.TrimPrefix(pkg, mod)
		best := -1
		for i, l := range layers {
			if rel == l || strings.HasPrefix(rel, l+"/") {
				best = i
			}
		}
		return best
	}
	// Packages held to a short list of imports beyond the standard library.
	only := map[string][]string{
		"registry":            nil,
		"engine/codeversion":  {"registry", "github.com/zeebo/blake3"},
		"internal/modbuild":   {"github.com/zeebo/blake3", "golang.org/x/mod/modfile"},
		"internal/suggest":    nil,
		"engine/graph":        nil,
		"organizers/internal": {"cache", "golang.org/x/sys/unix"},
	}
	out, err := exec.Command("go", "list", "-f", `{{.ImportPath}}{{range .Imports}} {{.}}{{end}}`, "./...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		f := strings.Fields(line)
		pkg, imports := f[0], f[1:]
		from := rank(pkg)
		for _, imp := range imports {
			if imp == "modernc.org/sqlite" && !strings.HasPrefix(pkg, mod+"organizers/sqlite") {
				t.Errorf("%s imports the SQLite driver; only organizers/sqlite may", pkg)
			}
			if allowed, ok := only[strings.TrimPrefix(pkg, mod)]; ok || strings.HasPrefix(pkg, mod+"organizers/internal/") {
				if !ok {
					allowed = only["organizers/internal"]
				}
				if strings.Contains(strings.Split(imp, "/")[0], ".") && !slices.Contains(allowed, imp) && !slices.Contains(allowed, strings.TrimPrefix(imp, mod)) {
					t.Errorf("%s imports %s; it may import only the standard library and %v", pkg, imp, allowed)
				}
			}
			if !strings.HasPrefix(imp, mod) || from < 0 {
				continue
			}
			to := rank(imp)
			switch {
			case strings.HasPrefix(pkg, mod+"engine") && strings.HasPrefix(imp, mod+"organizers/") && imp != mod+"organizers/memory":
				// The engine may not depend on a storage backend.
				t.Errorf("%s imports %s: the engine talks to cache.Organizer only", pkg, imp)
			case to > from:
				t.Errorf("%s imports %s, which is above it (%s above %s)", pkg, imp, layers[to], layers[from])
			}
		}
	}
}
