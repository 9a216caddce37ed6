package codeversion

import (
	"fmt"
	"go/build"
	"os"
	"path"
	"path/filepath"
	"reflect"
	"runtime"
	"runtime/debug"
	"strings"
	"sync"

	"github.com/formed-dev/formed/registry"
)

// Sources of a Version: where its Hash came from.
const (
	// SourceOption is a version given with the registry.Version option.
	SourceOption = "option"
	// SourceGenerated is a version computed at build time by formed
	// generate and recorded in the binary.
	SourceGenerated = "generated"
	// SourceSource is a version computed at run time from the source files
	// at the paths the binary recorded, because they differ from the ones
	// the generated versions were computed from, or there are none.
	SourceSource = "source"
	// SourceVCS is the fallback: the binary's VCS revision, or its module
	// version, so code changes between builds of one revision go unnoticed.
	SourceVCS = "vcs"
)

// A Version is the code version of a step.
type Version struct {
	// Hash is the version that goes into the step's fingerprint: the
	// explicit version, a blake3 hash in hex (the same whether generated or
	// computed from source, so Source must not go into the fingerprint), or
	// for SourceVCS "vcs:REVISION", "module:PATH@VERSION" or "unknown".
	Hash string
	// Source is one of SourceOption, SourceGenerated, SourceSource and
	// SourceVCS.
	Source string
	// Detail says, for --explain, what the version was computed from.
	Detail string
}

// String returns the version as "source hash", shortening hashes.
func (v Version) String() string {
	h := v.Hash
	if v.Source == SourceGenerated || v.Source == SourceSource {
		h = h[:min(len(h), 12)]
	}
	return v.Source + " " + h
}

// A Resolver finds the code versions of steps. It caches what it computes:
// each source file is parsed at most once and each function hashed once.
// A Resolver is safe for concurrent use; set Warn before the first call.
type Resolver struct {
	// Warn, if not nil, is called with a message for the user the first
	// time a step falls back to SourceVCS, and whenever source that exists
	// cannot be analysed. It is called with the Resolver's lock held.
	Warn func(msg string)

	mu      sync.Mutex
	an      *analyzer
	funcs   map[funcID]Version
	fresh   map[string]bool // runtime package path → generated stamp matches the source
	warned  bool
	runtime buildInfo
}

// New returns a Resolver for the running binary.
func New() *Resolver {
	info := readBuildInfo()
	return &Resolver{an: newAnalyzer(info.ctxt), funcs: map[funcID]Version{}, fresh: map[string]bool{}, runtime: info}
}

var std = sync.OnceValue(New)

// Of returns the code version of s using a Resolver shared by the process,
// which warns no one; a command that prints warnings makes its own with New.
func Of(s *registry.Step) Version { return std().Of(s) }

// Of returns the code version of s: its Version option if set; else the
// version recorded at build time, unless the source files the binary was
// built from are present and differ from the ones it was computed from,
// in which case the version is computed from them; else the VCS revision.
func (r *Resolver) Of(s *registry.Step) Version {
	if s.Version != "" {
		return Version{Hash: s.Version, Source: SourceOption, Detail: "registry.Version option"}
	}
	id := identify(s)
	r.mu.Lock()
	defer r.mu.Unlock()
	if v, ok := r.funcs[id]; ok {
		return v
	}
	v := r.resolve("step "+s.Name, s.Site, id)
	r.funcs[id] = v
	return v
}

// OfImpl returns the code version of the implementation im: its struct
// type declaration with all its methods and what they reach, found the same
// way as Of finds a step's. An engine may fold it into the fingerprint of a
// step whose arguments select im, since interface calls are not followed.
func (r *Resolver) OfImpl(im *registry.Impl) Version {
	t := im.Struct()
	name, _, _ := strings.Cut(t.Name(), "[")
	id := funcID{pkg: t.PkgPath(), key: name}
	r.mu.Lock()
	defer r.mu.Unlock()
	if v, ok := r.funcs[id]; ok {
		return v
	}
	v := r.resolve(fmt.Sprintf("implementation %s of %s", im.Name, im.Interface), im.Site, id)
	r.funcs[id] = v
	return v
}

// resolve finds the version of id, which what (for messages) registered
// at site.
func (r *Resolver) resolve(what, site string, id funcID) Version {
	gen, hasGen := registry.LookupCodeVersions(id.pkg)
	genHash, hasKey := gen.Versions[id.key]
	if t, _, ok := strings.Cut(id.key, "."); ok && !hasKey && !strings.Contains(id.key, ":") {
		genHash, hasKey = gen.Versions[t] // a promoted method, as funcUnit finds it
	}
	generated := Version{Hash: genHash, Source: SourceGenerated,
		Detail: fmt.Sprintf("%s of %s, key %s", GeneratedFile, id.pkg, id.key)}
	dir := r.sourceDir(site, id)
	if dir == "" {
		if hasKey {
			return generated
		}
		return r.vcs(what, "no generated version and no source at "+site)
	}
	if hasKey && r.isFresh(id.pkg, dir, gen.Stamp) {
		return generated
	}
	hash, err := r.fromSource(dir, id, site)
	if err != nil {
		r.warn(fmt.Sprintf("%s: compute code version from source in %s: %v", what, dir, err))
		if hasKey {
			return generated
		}
		return r.vcs(what, err.Error())
	}
	detail := id.key + " in " + dir
	if strings.Contains(id.key, ":") {
		detail = "function literal at " + filepath.Join(dir, id.key)
	}
	if hasGen {
		detail += "; source differs from " + GeneratedFile
	}
	return Version{Hash: hash, Source: SourceSource, Detail: detail}
}

// sourceDir returns the directory of the source of id, registered at
// site, when it exists on this machine, or "".
func (r *Resolver) sourceDir(site string, id funcID) string {
	if id.file != "" {
		if filepath.IsAbs(id.file) && exists(id.file) {
			return filepath.Dir(id.file)
		}
		return ""
	}
	// A method value's code is an autogenerated wrapper, and a type has
	// no position; find the package from where it was registered.
	if i := strings.LastIndex(site, ":"); i > 0 {
		site = site[:i]
	}
	if !filepath.IsAbs(site) || !exists(site) {
		return ""
	}
	siteDir := filepath.Dir(site)
	if id.pkg == "main" || strings.HasSuffix(id.pkg, "_test") {
		return siteDir // no import path to go by
	}
	mod, err := r.an.module(siteDir)
	if err != nil || !mod.owns(id.pkg) {
		return ""
	}
	dir := mod.pkgDir(id.pkg)
	if !exists(dir) {
		return ""
	}
	return dir
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// isFresh reports whether the sources around dir are the ones the
// generated versions of pkg were computed from.
func (r *Resolver) isFresh(pkg, dir, stamp string) bool {
	if fresh, ok := r.fresh[pkg]; ok {
		return fresh
	}
	fresh := false
	if mod, err := r.an.module(dir); err == nil {
		_, paths, _ := strings.Cut(stamp, " ")
		got, err := r.an.stamp(mod, strings.Fields(paths))
		fresh = err == nil && got == stamp
	}
	r.fresh[pkg] = fresh
	return fresh
}

// fromSource computes the version of id, registered at site, from the
// package in dir. A step declared in a test file is looked up among the
// package's test files.
func (r *Resolver) fromSource(dir string, id funcID, site string) (string, error) {
	variant := plain
	switch {
	case strings.HasSuffix(id.pkg, "_test"):
		variant = xtest
	case strings.HasSuffix(id.file, "_test.go"), id.file == "" && strings.Contains(site, "_test.go:"):
		variant = withTests
	}
	p, err := r.an.loadVariant(dir, variant)
	if err != nil {
		return "", err
	}
	u, err := p.funcUnit(r.an.fset, id.key)
	if err != nil {
		return "", err
	}
	hash, _, err := r.an.hash(u)
	return hash, err
}

// vcs returns the fallback version and warns the first time.
func (r *Resolver) vcs(what, why string) Version {
	v := Version{Hash: r.runtime.revision, Source: SourceVCS, Detail: why}
	if !r.warned {
		r.warned = true
		r.warn(fmt.Sprintf("%s: %s; using code version %q of the whole binary, so code changes may go unnoticed: run `go generate` (formed generate) in the package, or give the step a registry.Version",
			what, why, v.Hash))
	}
	return v
}

func (r *Resolver) warn(msg string) {
	if r.Warn != nil {
		r.Warn(msg)
	}
}

// A buildInfo is what the binary knows of its own build.
type buildInfo struct {
	ctxt     *build.Context
	revision string
}

func readBuildInfo() buildInfo {
	ctxt := build.Default
	ctxt.GOOS, ctxt.GOARCH = runtime.GOOS, runtime.GOARCH
	bi := buildInfo{ctxt: &ctxt, revision: "unknown"}
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return bi
	}
	if info.Main.Version != "" && info.Main.Version != "(devel)" {
		bi.revision = "module:" + info.Main.Path + "@" + info.Main.Version
	}
	var rev, modified string
	for _, s := range info.Settings {
		switch s.Key {
		case "-tags":
			ctxt.BuildTags = strings.Split(s.Value, ",")
		case "CGO_ENABLED":
			ctxt.CgoEnabled = s.Value == "1"
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			modified = s.Value
		}
	}
	if rev != "" {
		bi.revision = "vcs:" + rev
		if modified == "true" {
			bi.revision += "+modified"
		}
	}
	return bi
}

// A funcID names a step function the way both the runtime and the
// generated file can: the package path as the runtime spells it, and the
// function key (see registry.CodeVersions).
type funcID struct {
	pkg  string
	key  string
	file string // the source file the binary recorded; "" for a method value
}

func identify(s *registry.Step) funcID {
	pc := reflect.ValueOf(s.Func).Pointer()
	fn := runtime.FuncForPC(pc)
	if fn == nil {
		return funcID{pkg: "?", key: s.Site}
	}
	file, line := fn.FileLine(pc)
	return parseFuncName(fn.Name(), file, line)
}

// parseFuncName splits a runtime function name into package and key:
//
//	example.com/m/steps.Add          → Add
//	example.com/m/steps.Map[...]     → Map
//	example.com/m/steps.(*T).Run-fm  → T.Run (a method value)
//	example.com/m/steps.init.0.func1 → steps.go:12 (a function literal)
func parseFuncName(name, file string, line int) funcID {
	start := strings.LastIndex(name, "/") + 1
	dot := strings.Index(name[start:], ".")
	if dot < 0 {
		return funcID{pkg: name, key: "?", file: file}
	}
	pkg := strings.ReplaceAll(name[:start+dot], "%2e", ".")
	rest := stripTypeArgs(name[start+dot+1:])
	if m, ok := strings.CutSuffix(rest, "-fm"); ok {
		m = strings.NewReplacer("(*", "", "(", "", ")", "").Replace(m)
		return funcID{pkg: pkg, key: m}
	}
	segs := strings.Split(rest, ".")
	for _, s := range segs[1:] {
		if n, ok := strings.CutPrefix(s, "func"); ok && n != "" && strings.Trim(n, "0123456789") == "" {
			return funcID{pkg: pkg, key: fmt.Sprintf("%s:%d", path.Base(filepath.ToSlash(file)), line), file: file}
		}
	}
	rest = strings.NewReplacer("(*", "", "(", "", ")", "").Replace(rest)
	return funcID{pkg: pkg, key: rest, file: file}
}

// stripTypeArgs removes the "[...]" the runtime writes for instantiated
// generic functions and types.
func stripTypeArgs(s string) string {
	return strings.ReplaceAll(s, "[...]", "")
}
