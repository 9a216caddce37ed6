package modbuild

import (
	"encoding/hex"
	"errors"
	"fmt"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"

	"github.com/zeebo/blake3"
)

// CLIPackage is the package the generated main calls.
const CLIPackage = "github.com/formed-dev/formed/cli"

// BinDir is where binaries are cached, under the project directory.
const BinDir = ".formed/bin"

// ProbeEnv, set to 1 in a built binary's environment, makes the formed
// command print the packages that registered steps or implementations, one
// a line, and exit; Build runs it so to check the binary.
const ProbeEnv = "FORMED_MODULES_PROBE"

// BinaryEnv is set in the environment of a binary that Find's caller runs
// for required_modules, to the binary's path, so that the binary knows it
// was built for them and never runs another.
const BinaryEnv = "FORMED_MODULES_BINARY"

// goEnv are the environment variables that change what the go command
// builds. GOWORK is always off.
var goEnv = []string{"GOFLAGS", "GOOS", "GOARCH", "GO386", "GOAMD64", "GOARM", "GOARM64",
	"GOEXPERIMENT", "GOTOOLCHAIN", "GOROOT", "CGO_ENABLED", "CC", "CXX",
	"CGO_CFLAGS", "CGO_CPPFLAGS", "CGO_CXXFLAGS", "CGO_LDFLAGS", "GOENV"}

// A Request asks for a formed binary that links Packages.
type Request struct {
	// Dir is the project directory, where formed.yml is; binaries are
	// cached under Dir/.formed/bin, and go.mod is in Dir or above.
	Dir string
	// Packages are the import paths listed under required_modules.
	Packages []string
	// Getenv reads the environment; nil means os.Getenv.
	Getenv func(string) string
}

// A Plan is the binary a request needs: where it is or will be, and the
// inputs its key covers.
type Plan struct {
	// Packages are the required packages, sorted, without duplicates.
	Packages []string
	// Manifest lists the inputs of the build.
	Manifest Manifest
	// Key is the manifest's hash.
	Key string
	// Path is the binary.
	Path string

	mod    *module
	goCmd  string
	binDir string
}

// Find computes the key of the binary that links req.Packages, reading
// go.mod, go.sum and the source of every package of the module, or of a
// module replaced by a local directory, that the required packages and the
// formed CLI import, transitively. It runs no process.
func Find(req Request) (*Plan, error) {
	getenv := req.Getenv
	if getenv == nil {
		getenv = os.Getenv
	}
	mod, err := findModule(req.Dir)
	if err != nil {
		return nil, err
	}
	goCmd, err := exec.LookPath("go")
	if err != nil {
		return nil, ErrNoGo
	}
	p := &Plan{mod: mod, goCmd: goCmd, binDir: filepath.Join(req.Dir, filepath.FromSlash(BinDir))}
	if p.Packages, err = packages(mod, req.Packages); err != nil {
		return nil, err
	}
	m := Manifest{{"packages", strings.Join(p.Packages, " ")}}
	for _, name := range []string{"go.mod", "go.sum"} {
		m = append(m, Entry{name, hashFile(filepath.Join(mod.dir, name))})
	}
	m = append(m, toolchain(goCmd, getenv))
	var env []string
	for _, k := range goEnv {
		if v := getenv(k); v != "" {
			env = append(env, k+"="+strconv.Quote(v))
		}
	}
	m = append(m, Entry{"env", strings.Join(env, " ")})
	if f := getenv("GOENV"); f != "off" {
		if f == "" {
			if d, err := os.UserConfigDir(); err == nil {
				f = filepath.Join(d, "go", "env")
			}
		}
		if f != "" {
			m = append(m, Entry{"goenv", hashFile(f)})
		}
	}
	src, err := sources(mod, p.Packages)
	if err != nil {
		return nil, err
	}
	m = append(m, src...)
	m.sort()
	p.Manifest, p.Key = m, m.Key()
	exe := "formed"
	if runtime.GOOS == "windows" {
		exe += ".exe"
	}
	p.Path = filepath.Join(p.binDir, p.Key[:32], exe)
	return p, nil
}

// Cached reports whether the binary is built.
func (p *Plan) Cached() bool {
	fi, err := os.Stat(p.Path)
	return err == nil && fi.Mode().IsRegular()
}

// Reason says why the binary must be built: what changed since the last
// build in this project.
func (p *Plan) Reason() string {
	last, err := os.ReadFile(filepath.Join(p.binDir, "last"))
	if err != nil {
		return p.Manifest.changes(nil)
	}
	return p.Manifest.changes(readManifest(filepath.Join(p.binDir, strings.TrimSpace(string(last)), "manifest")))
}

// packages checks the required import paths and returns them sorted,
// without duplicates.
func packages(mod *module, list []string) ([]string, error) {
	seen := map[string]bool{}
	var out []string
	for _, p := range list {
		p = strings.TrimSpace(p)
		if p == "" || seen[p] {
			continue
		}
		seen[p] = true
		if strings.HasPrefix(p, ".") || filepath.IsAbs(p) {
			msg := "is a directory, not an import path; list Go import paths"
			if ip, ok := mod.importPathOf(filepath.Join(mod.dir, p)); ok && !filepath.IsAbs(p) {
				msg = fmt.Sprintf("is a directory, not an import path; write %s", ip)
			}
			return nil, &PackageError{p, msg}
		}
		first, _, _ := strings.Cut(p, "/")
		if !strings.Contains(first, ".") && !mod.owns(p) {
			return nil, &PackageError{p, "is not a package of module " + mod.path + " or of a module it requires; list import paths such as " + mod.path + "/steps"}
		}
		if dir, _ := mod.localDir(p); dir == "" && !mod.requires(p) {
			return nil, &PackageError{p, fmt.Sprintf("no module that %s requires provides it: fix the import path, or run go get %s", filepath.Join(mod.dir, "go.mod"), p)}
		}
		out = append(out, p)
	}
	if len(out) == 0 {
		return nil, &PackageError{"(empty)", "list at least one import path"}
	}
	sort.Strings(out)
	return out, nil
}

// sources hashes the files of every local package that the required
// packages and the formed CLI import, transitively, and the go.mod of each
// module replaced by a local directory that they reach. Files are hashed
// by content; test files do not count.
func sources(mod *module, required []string) (Manifest, error) {
	isRequired := map[string]bool{}
	for _, p := range required {
		isRequired[p] = true
	}
	queue := append(append([]string(nil), required...), CLIPackage)
	seen := map[string]bool{}
	for _, p := range queue {
		seen[p] = true
	}
	fset := token.NewFileSet()
	var m Manifest
	roots := map[string]string{}
	for len(queue) > 0 {
		pkg := queue[0]
		queue = queue[1:]
		dir, r := mod.localDir(pkg)
		if dir == "" {
			continue
		}
		if r.path != mod.path {
			roots[r.path] = r.dir
		}
		des, err := os.ReadDir(dir)
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return nil, err
		}
		n := 0
		for _, de := range des {
			name := de.Name()
			if !de.Type().IsRegular() || strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_") || strings.HasSuffix(name, "_test.go") {
				continue
			}
			data, err := os.ReadFile(filepath.Join(dir, name))
			if err != nil {
				return nil, err
			}
			sum := blake3.Sum256(data)
			m = append(m, Entry{"src " + pkg + "/" + name, hex.EncodeToString(sum[:16])})
			if !strings.HasSuffix(name, ".go") {
				continue
			}
			n++
			f, err := parser.ParseFile(fset, name, data, parser.ImportsOnly)
			if err != nil {
				continue // the go command reports it
			}
			for _, is := range f.Imports {
				ip, err := strconv.Unquote(is.Path.Value)
				if err == nil && !seen[ip] {
					seen[ip] = true
					queue = append(queue, ip)
				}
			}
		}
		if n == 0 && isRequired[pkg] {
			return nil, &PackageError{pkg, fmt.Sprintf("no such package: %s holds no Go files; fix the import path", dir)}
		}
	}
	for path, dir := range roots {
		m = append(m, Entry{"go.mod of " + path, hashFile(filepath.Join(dir, "go.mod"))})
	}
	return m, nil
}

// toolchain stands for the go command: its resolved path, size and
// modification time, and the VERSION file of its GOROOT. Asking the go
// command for its version would cost a process.
func toolchain(goCmd string, getenv func(string) string) Entry {
	path, err := filepath.EvalSymlinks(goCmd)
	if err != nil {
		path = goCmd
	}
	v := path
	if fi, err := os.Stat(path); err == nil {
		v += fmt.Sprintf(" %d %d", fi.Size(), fi.ModTime().UnixNano())
	}
	goroot := getenv("GOROOT")
	if goroot == "" {
		goroot = filepath.Dir(filepath.Dir(path))
	}
	if data, err := os.ReadFile(filepath.Join(goroot, "VERSION")); err == nil {
		line, _, _ := strings.Cut(string(data), "\n")
		v += " " + strings.TrimSpace(line)
	}
	return Entry{"toolchain", v}
}

// hashFile returns the hex hash of the file's content, or "none".
func hashFile(path string) string {
	data, err := os.ReadFile(path)
	if err != nil {
		return "none"
	}
	sum := blake3.Sum256(data)
	return hex.EncodeToString(sum[:16])
}

// owns reports whether importPath is a package of the module itself.
func (m *module) owns(importPath string) bool {
	return importPath == m.path || strings.HasPrefix(importPath, m.path+"/")
}

// requires reports whether go.mod requires a module that could provide
// importPath.
func (m *module) requires(importPath string) bool {
	for _, r := range m.require {
		if importPath == r || strings.HasPrefix(importPath, r+"/") {
			return true
		}
	}
	return false
}
