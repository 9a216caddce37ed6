package modbuild

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"golang.org/x/mod/modfile"
)

// A module is the project's Go module as far as the build needs it: where
// its go.mod is, and which import paths have their source in a local
// directory (its own packages, and modules replaced by a directory).
type module struct {
	dir  string // directory holding go.mod
	path string // module path
	// roots maps a module path to its directory, longest path first:
	// the module itself and every replacement by a local directory.
	roots []root
	// require lists the module paths go.mod requires.
	require []string
}

type root struct{ path, dir string }

// findModule returns the module whose go.mod is in dir or the nearest
// directory above it.
func findModule(dir string) (*module, error) {
	d := dir
	for {
		gomod := filepath.Join(d, "go.mod")
		data, err := os.ReadFile(gomod)
		if err == nil {
			f, err := modfile.Parse(gomod, data, nil)
			if err != nil {
				return nil, err
			}
			if f.Module == nil {
				return nil, fmt.Errorf("%s: no module directive", gomod)
			}
			return newModule(d, f), nil
		}
		if !errors.Is(err, fs.ErrNotExist) {
			return nil, err
		}
		up := filepath.Dir(d)
		if up == d {
			return nil, ErrNoModule
		}
		d = up
	}
}

func newModule(dir string, f *modfile.File) *module {
	m := &module{dir: dir, path: f.Module.Mod.Path}
	m.roots = append(m.roots, root{m.path, dir})
	for _, r := range f.Require {
		m.require = append(m.require, r.Mod.Path)
	}
	for _, r := range f.Replace {
		if !modfile.IsDirectoryPath(r.New.Path) {
			continue
		}
		d := r.New.Path
		if !filepath.IsAbs(d) {
			d = filepath.Join(dir, d)
		}
		m.roots = append(m.roots, root{r.Old.Path, filepath.Clean(d)})
	}
	sort.SliceStable(m.roots, func(i, j int) bool { return len(m.roots[i].path) > len(m.roots[j].path) })
	return m
}

// localDir returns the directory of the package importPath when its source
// is local: in the module or a module replaced by a directory. It returns
// "" for packages of the module cache and the standard library, whose code
// the go.mod, go.sum and toolchain already pin.
func (m *module) localDir(importPath string) (dir string, r root) {
	for _, r := range m.roots {
		if importPath == r.path {
			return r.dir, r
		}
		if rest, ok := strings.CutPrefix(importPath, r.path+"/"); ok {
			return filepath.Join(r.dir, filepath.FromSlash(rest)), r
		}
	}
	return "", root{}
}

// importPathOf returns the import path of the package in directory dir of
// the module, for suggesting a fix when required_modules lists a directory.
func (m *module) importPathOf(dir string) (string, bool) {
	rel, err := filepath.Rel(m.dir, dir)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return "", false
	}
	if rel == "." {
		return m.path, true
	}
	return m.path + "/" + filepath.ToSlash(rel), true
}
