package codeversion

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// A module is a Go module on disk as far as code versions need it: where it
// is, its path, and the versions its go.mod requires.
type module struct {
	dir  string // directory holding go.mod
	path string // module path
	// deps maps a required module path to what stands for its code: the
	// required version, or the replacement's path@version or directory.
	deps map[string]string
}

// findModule returns the module whose go.mod is in dir or the nearest
// directory above it.
func findModule(dir string) (*module, error) {
	d := dir
	for {
		data, err := os.ReadFile(filepath.Join(d, "go.mod"))
		if err == nil {
			m, err := parseGoMod(data)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", filepath.Join(d, "go.mod"), err)
			}
			m.dir = d
			return m, nil
		}
		if !os.IsNotExist(err) {
			return nil, err
		}
		up := filepath.Dir(d)
		if up == d {
			return nil, fmt.Errorf("no go.mod in %s or above", dir)
		}
		d = up
	}
}

// parseGoMod reads the module, require and replace directives of a go.mod
// file. It understands the subset of the grammar that go mod tidy writes.
func parseGoMod(data []byte) (*module, error) {
	m := &module{deps: map[string]string{}}
	replace := map[string]string{}
	block := ""
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(nil, 1<<20)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if i := strings.Index(line, "//"); i >= 0 {
			line = line[:i]
		}
		f := strings.Fields(line)
		if len(f) == 0 {
			continue
		}
		if block != "" {
			if f[0] == ")" {
				block = ""
				continue
			}
			f = append([]string{block}, f...)
		} else if len(f) == 2 && f[1] == "(" {
			block = f[0]
			continue
		}
		for i := range f {
			if u, err := strconv.Unquote(f[i]); err == nil {
				f[i] = u
			}
		}
		switch f[0] {
		case "module":
			if len(f) != 2 {
				return nil, fmt.Errorf("line %d: malformed module directive", n)
			}
			m.path = f[1]
		case "require":
			if len(f) != 3 {
				return nil, fmt.Errorf("line %d: malformed require directive", n)
			}
			m.deps[f[1]] = f[2]
		case "replace":
			// replace old [v] => new [v]
			arrow := -1
			for i, s := range f {
				if s == "=>" {
					arrow = i
				}
			}
			if arrow < 2 || arrow == len(f)-1 {
				return nil, fmt.Errorf("line %d: malformed replace directive", n)
			}
			old := f[1]
			if arrow == 3 {
				old += "@" + f[2]
			}
			repl := "=> " + f[arrow+1]
			if arrow+2 < len(f) {
				repl += "@" + f[arrow+2]
			}
			replace[old] = repl
		}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if m.path == "" {
		return nil, fmt.Errorf("no module directive")
	}
	for p, v := range m.deps {
		if r, ok := replace[p+"@"+v]; ok {
			m.deps[p] = r
		} else if r, ok := replace[p]; ok {
			m.deps[p] = r
		}
	}
	return m, nil
}

// owns reports whether the package importPath belongs to m.
func (m *module) owns(importPath string) bool {
	return importPath == m.path || strings.HasPrefix(importPath, m.path+"/")
}

// pkgDir returns the directory of the package importPath, which m owns.
func (m *module) pkgDir(importPath string) string {
	return filepath.Join(m.dir, filepath.FromSlash(strings.TrimPrefix(importPath, m.path)))
}

// dep returns what stands for the code of the package importPath from
// another module: "path@version" of the module that go.mod requires and
// provides it, "" for the standard library, or "path@?" when go.mod does not
// require it.
func (m *module) dep(importPath string) string {
	best := ""
	for p := range m.deps {
		if (importPath == p || strings.HasPrefix(importPath, p+"/")) && len(p) > len(best) {
			best = p
		}
	}
	if best != "" {
		v := m.deps[best]
		if strings.HasPrefix(v, "=> ") {
			return best + " " + v
		}
		return best + "@" + v
	}
	first, _, _ := strings.Cut(importPath, "/")
	if !strings.Contains(first, ".") {
		return "" // standard library
	}
	return importPath + "@?"
}
