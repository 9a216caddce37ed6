package codeversion

import (
	"encoding/binary"
	"fmt"
	"go/ast"
	"go/build"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/zeebo/blake3"
)

// hashVersion names the hash recipe. It is hashed first, so a change to the
// recipe changes every version instead of colliding with old ones.
const hashVersion = "formed.codeversion.v1"

// An analyzer parses the packages of Go modules on demand and hashes
// functions together with the declarations they reach. Parsed packages and
// encodings are cached, so each file is parsed once however many steps use
// it. An analyzer is not safe for concurrent use.
type analyzer struct {
	ctxt  *build.Context
	fset  *token.FileSet
	mods  map[string]*module // by directory holding go.mod
	pkgs  map[string]*pkg    // by directory and variant
	names map[string]string  // package names by directory
}

func newAnalyzer(ctxt *build.Context) *analyzer {
	return &analyzer{ctxt: ctxt, fset: token.NewFileSet(), mods: map[string]*module{}, pkgs: map[string]*pkg{}, names: map[string]string{}}
}

// A pkg is one parsed package.
type pkg struct {
	path    string // import path
	dir     string
	mod     *module
	name    string
	files   []*file
	byName  map[string]*unit   // package-level names
	methods map[string][]*unit // by receiver base type name
}

// A file is one parsed source file of a pkg.
type file struct {
	name    string // base name
	ast     *ast.File
	imports map[string]string // local name → import path
}

// A unit is one declaration: a function, a method, a type spec, a var spec,
// a const group, or the function literals on one line.
type unit struct {
	key   string // unique within its package
	pkg   *pkg
	file  *file
	nodes []ast.Node
	// typeName is set on type units: reaching a type reaches its methods.
	typeName string
	// enclosing is, for a function literal that uses local names of the
	// function around it, the parts of that function it depends on.
	enclosing *unit

	enc      []byte
	refs     []ref
	refsDone bool
}

// A ref is a name a unit uses: pkgPath "" for its own package.
type ref struct{ pkgPath, name string }

// module returns the module around dir, cached.
func (a *analyzer) module(dir string) (*module, error) {
	for d := dir; ; {
		if m, ok := a.mods[d]; ok {
			return m, nil
		}
		up := filepath.Dir(d)
		if up == d {
			break
		}
		d = up
	}
	m, err := findModule(dir)
	if err != nil {
		return nil, err
	}
	a.mods[m.dir] = m
	return m, nil
}

// Variants of a package: as built, with its in-package test files, or
// its external test package (package p_test).
const (
	plain = iota
	withTests
	xtest
)

// load parses the package in dir as built, cached.
func (a *analyzer) load(dir string) (*pkg, error) { return a.loadVariant(dir, plain) }

// loadVariant parses a variant of the package in dir, cached.
func (a *analyzer) loadVariant(dir string, variant int) (*pkg, error) {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	cacheKey := dir + "\x00" + strconv.Itoa(variant)
	if p, ok := a.pkgs[cacheKey]; ok {
		return p, nil
	}
	mod, err := a.module(dir)
	if err != nil {
		return nil, err
	}
	rel, err := filepath.Rel(mod.dir, dir)
	if err != nil {
		return nil, err
	}
	p := &pkg{path: mod.path, dir: dir, mod: mod, byName: map[string]*unit{}, methods: map[string][]*unit{}}
	if rel != "." {
		p.path += "/" + filepath.ToSlash(rel)
	}
	if variant == xtest {
		p.path += "_test"
	}
	names, err := a.sourceFiles(dir, variant)
	if err != nil {
		return nil, err
	}
	for _, name := range names {
		f, err := parser.ParseFile(a.fset, filepath.Join(dir, name), nil, parser.SkipObjectResolution)
		if err != nil {
			return nil, err
		}
		p.name = f.Name.Name
		p.addFile(&file{name: name, ast: f, imports: a.imports(f, mod)})
	}
	a.pkgs[cacheKey] = p
	return p, nil
}

// sourceFiles returns the base names of the Go files of a variant of the
// package in dir that the build context compiles, sorted, without the
// generated file.
func (a *analyzer) sourceFiles(dir string, variant int) ([]string, error) {
	bp, err := a.ctxt.ImportDir(dir, 0)
	if err != nil {
		return nil, fmt.Errorf("read package %s: %w", dir, err)
	}
	files := append(bp.GoFiles, bp.CgoFiles...)
	switch variant {
	case withTests:
		files = append(files, bp.TestGoFiles...)
	case xtest:
		files = bp.XTestGoFiles
	}
	var names []string
	for _, n := range files {
		if n != GeneratedFile {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	return names, nil
}

// imports maps the local names of f's imports to their paths. A package
// imported without a name is known by its package clause when it is in mod,
// and by the last element of its path otherwise.
func (a *analyzer) imports(f *ast.File, mod *module) map[string]string {
	m := map[string]string{}
	for _, is := range f.Imports {
		path, err := strconv.Unquote(is.Path.Value)
		if err != nil {
			continue
		}
		var name string
		switch {
		case is.Name != nil:
			name = is.Name.Name
		case mod.owns(path):
			dir := mod.pkgDir(path)
			n, ok := a.names[dir]
			if !ok {
				n = packageName(dir)
				a.names[dir] = n
			}
			name = n
		}
		if name == "" {
			name = guessName(path)
		}
		if name != "_" && name != "." {
			m[name] = path
		}
	}
	return m
}

// packageName reads the package clause of a Go file in dir, or returns "".
func packageName(dir string) string {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return ""
	}
	for _, e := range ents {
		n := e.Name()
		if !strings.HasSuffix(n, ".go") || strings.HasSuffix(n, "_test.go") || e.IsDir() {
			continue
		}
		f, err := parser.ParseFile(token.NewFileSet(), filepath.Join(dir, n), nil, parser.PackageClauseOnly)
		if err == nil && f.Name.Name != "main" {
			return f.Name.Name
		}
	}
	return ""
}

// guessName returns the conventional package name for an import path:
// "yaml" for gopkg.in/yaml.v3 and go.yaml.in/yaml/v4, "cli" for
// github.com/urfave/cli/v2.
func guessName(path string) string {
	elems := strings.Split(path, "/")
	name := elems[len(elems)-1]
	if len(elems) > 1 && isMajor(name) {
		name = elems[len(elems)-2]
	}
	if i := strings.LastIndex(name, ".v"); i > 0 && isMajor(name[i+1:]) {
		name = name[:i]
	}
	name = strings.TrimPrefix(name, "go-")
	name = strings.TrimSuffix(name, "-go")
	return strings.ReplaceAll(name, "-", "_")
}

func isMajor(s string) bool {
	if len(s) < 2 || s[0] != 'v' {
		return false
	}
	_, err := strconv.Atoi(s[1:])
	return err == nil
}

// addFile indexes the declarations of f.
func (p *pkg) addFile(f *file) {
	p.files = append(p.files, f)
	for _, d := range f.ast.Decls {
		switch d := d.(type) {
		case *ast.FuncDecl:
			if d.Recv == nil {
				u := &unit{key: "F:" + d.Name.Name, pkg: p, file: f, nodes: []ast.Node{d}}
				if d.Name.Name == "init" || d.Name.Name == "_" {
					continue // no name reaches them
				}
				p.byName[d.Name.Name] = u
				continue
			}
			t := recvName(d)
			u := &unit{key: "M:" + t + "." + d.Name.Name, pkg: p, file: f, nodes: []ast.Node{d}}
			p.methods[t] = append(p.methods[t], u)
		case *ast.GenDecl:
			switch d.Tok {
			case token.TYPE:
				for _, s := range d.Specs {
					s := s.(*ast.TypeSpec)
					p.byName[s.Name.Name] = &unit{key: "T:" + s.Name.Name, pkg: p, file: f, nodes: []ast.Node{s}, typeName: s.Name.Name}
				}
			case token.VAR:
				for _, s := range d.Specs {
					s := s.(*ast.ValueSpec)
					u := &unit{key: "V:" + joinNames(s.Names), pkg: p, file: f, nodes: []ast.Node{s}}
					for _, n := range s.Names {
						p.byName[n.Name] = u
					}
				}
			case token.CONST:
				// A constant in a group may take its value from the specs
				// before it (iota), so the group is one unit.
				var names []*ast.Ident
				for _, s := range d.Specs {
					names = append(names, s.(*ast.ValueSpec).Names...)
				}
				u := &unit{key: "C:" + joinNames(names), pkg: p, file: f, nodes: []ast.Node{d}}
				for _, n := range names {
					p.byName[n.Name] = u
				}
			}
		}
	}
}

func joinNames(ids []*ast.Ident) string {
	s := make([]string, len(ids))
	for i, id := range ids {
		s[i] = id.Name
	}
	return strings.Join(s, ",")
}

// recvName returns the base type name of a method's receiver: T for
// (t *T), (t T[K]) and (*T).
func recvName(d *ast.FuncDecl) string {
	t := d.Recv.List[0].Type
	for {
		switch x := t.(type) {
		case *ast.StarExpr:
			t = x.X
		case *ast.ParenExpr:
			t = x.X
		case *ast.IndexExpr:
			t = x.X
		case *ast.IndexListExpr:
			t = x.X
		case *ast.Ident:
			return x.Name
		default:
			return "?"
		}
	}
}

// funcUnit returns the unit of the function with the given key in p: "F"
// for a function, "T.M" for a method, "file.go:LINE" for the function
// literals that start on that line; or "T" for a type, with its methods.
func (p *pkg) funcUnit(fset *token.FileSet, key string) (*unit, error) {
	if i := strings.LastIndex(key, ":"); i > 0 {
		line, err := strconv.Atoi(key[i+1:])
		if err != nil {
			return nil, fmt.Errorf("bad function key %q", key)
		}
		return p.literalUnit(fset, key[:i], line)
	}
	if t, m, ok := strings.Cut(key, "."); ok {
		for _, u := range p.methods[t] {
			if u.key == "M:"+t+"."+m {
				return u, nil
			}
		}
		// A method promoted from an embedded field: the type brings in
		// its fields' types and all their methods.
		if u, ok := p.byName[t]; ok && u.typeName == t {
			return u, nil
		}
		return nil, fmt.Errorf("package %s has no method %s", p.path, key)
	}
	if u, ok := p.byName[key]; ok && (strings.HasPrefix(u.key, "F:") || u.typeName != "") {
		return u, nil
	}
	return nil, fmt.Errorf("package %s has no function or type %s", p.path, key)
}

// literalUnit returns a unit of the function literals of p that start on
// line of the file named name.
func (p *pkg) literalUnit(fset *token.FileSet, name string, line int) (*unit, error) {
	for _, f := range p.files {
		if f.name != name {
			continue
		}
		line = literalStart(fset, f.ast, line)
		u := &unit{key: "L:" + name + ":" + strconv.Itoa(line), pkg: p, file: f}
		for _, d := range f.ast.Decls {
			if fset.Position(d.Pos()).Line > line || fset.Position(d.End()).Line < line {
				continue
			}
			var lits []*ast.FuncLit
			ast.Inspect(d, func(n ast.Node) bool {
				if lit, ok := n.(*ast.FuncLit); ok && fset.Position(lit.Pos()).Line == line {
					lits = append(lits, lit)
				}
				return true
			})
			if len(lits) == 0 {
				continue
			}
			for _, lit := range lits {
				u.nodes = append(u.nodes, lit)
			}
			if fd, ok := d.(*ast.FuncDecl); ok {
				if ctx := closureContext(fd, lits); ctx != nil {
					u.enclosing = &unit{key: "E:" + fd.Name.Name, pkg: p, file: f, nodes: ctx}
				}
			}
			return u, nil
		}
		return nil, fmt.Errorf("%s:%d: no function literal", filepath.Join(p.dir, name), line)
	}
	return nil, fmt.Errorf("package %s has no file %s", p.path, name)
}

// closureContext returns the parts of fd that the literals depend on
// through the local names they use: fd's receiver and signature, and the
// statements of its body that mention those names, and the names those
// statements use, transitively. It returns nil when the literals use no
// local name of fd, as a literal in init that captures nothing.
//
// Names are matched as strings, without scopes: a shadowed name may bring
// in a statement needlessly, never leave one out.
func closureContext(fd *ast.FuncDecl, lits []*ast.FuncLit) []ast.Node {
	if fd.Body == nil {
		return nil
	}
	declared := map[string]bool{}
	addFields := func(fl *ast.FieldList) {
		if fl == nil {
			return
		}
		for _, f := range fl.List {
			for _, n := range f.Names {
				declared[n.Name] = true
			}
		}
	}
	addFields(fd.Recv)
	addFields(fd.Type.Params)
	addFields(fd.Type.Results)
	ast.Inspect(fd.Body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.AssignStmt:
			if n.Tok == token.DEFINE {
				for _, e := range n.Lhs {
					if id, ok := e.(*ast.Ident); ok {
						declared[id.Name] = true
					}
				}
			}
		case *ast.RangeStmt:
			if n.Tok == token.DEFINE {
				for _, e := range []ast.Expr{n.Key, n.Value} {
					if id, ok := e.(*ast.Ident); ok {
						declared[id.Name] = true
					}
				}
			}
		case *ast.ValueSpec:
			for _, id := range n.Names {
				declared[id.Name] = true
			}
		case *ast.TypeSpec:
			declared[n.Name.Name] = true
		case *ast.FuncLit:
			// Names declared in a literal are out of scope outside it: in
			// a target, or in another literal that does not enclose one.
			if !containsAny(n, lits) || isAny(n, lits) {
				return false
			}
			addFields(n.Type.Params)
			addFields(n.Type.Results)
		}
		return true
	})
	need := map[string]bool{}
	for _, l := range lits {
		for name := range identNames(l.Body) {
			if declared[name] {
				need[name] = true
			}
		}
	}
	if len(need) == 0 {
		return nil
	}
	stmts := fd.Body.List
	names := make([]map[string]bool, len(stmts))
	for i, st := range stmts {
		names[i] = identNames(st)
	}
	included := make([]bool, len(stmts))
	for changed := true; changed; {
		changed = false
		for i := range stmts {
			if included[i] || !overlaps(names[i], need) {
				continue
			}
			included[i], changed = true, true
			for name := range names[i] {
				if declared[name] {
					need[name] = true
				}
			}
		}
	}
	nodes := []ast.Node{fd.Type}
	if fd.Recv != nil {
		nodes = append(nodes, fd.Recv)
	}
	for i, st := range stmts {
		if included[i] {
			nodes = append(nodes, st)
		}
	}
	return nodes
}

// identNames returns the names of the identifiers in n.
func identNames(n ast.Node) map[string]bool {
	m := map[string]bool{}
	ast.Inspect(n, func(n ast.Node) bool {
		if id, ok := n.(*ast.Ident); ok {
			m[id.Name] = true
		}
		return true
	})
	return m
}

func overlaps(a, b map[string]bool) bool {
	for k := range a {
		if b[k] {
			return true
		}
	}
	return false
}

func isAny(n ast.Node, lits []*ast.FuncLit) bool {
	for _, l := range lits {
		if n == l {
			return true
		}
	}
	return false
}

func containsAny(outer ast.Node, lits []*ast.FuncLit) bool {
	for _, l := range lits {
		if outer.Pos() <= l.Pos() && l.End() <= outer.End() {
			return true
		}
	}
	return false
}

// hashKey is the key of u as hashed: a literal's line is left out, so
// lines added or removed above it do not change its version.
func (u *unit) hashKey() string {
	if strings.HasPrefix(u.key, "L:") {
		return "L"
	}
	return u.key
}

// encoding returns the canonical encoding of u's syntax, cached.
func (u *unit) encoding() []byte {
	if u.enc == nil {
		b := []byte{}
		for _, n := range u.nodes {
			b = encode(b, n)
		}
		u.enc = b
	}
	return u.enc
}

// references returns the names u uses, cached: identifiers that may name
// package-level declarations, and pkg.Name selectors on imports.
func (u *unit) references() []ref {
	if u.refsDone {
		return u.refs
	}
	var refs []ref
	var walk func(n ast.Node)
	visit := func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.SelectorExpr:
			if id, ok := n.X.(*ast.Ident); ok {
				if path, ok := u.file.imports[id.Name]; ok {
					refs = append(refs, ref{path, n.Sel.Name})
					return false
				}
			}
			walk(n.X) // n.Sel is a field or method name
			return false
		case *ast.Ident:
			refs = append(refs, ref{"", n.Name})
		case *ast.Field: // the names are declared here, not used
			walk(n.Type)
			return false
		case *ast.FuncDecl:
			if n.Recv != nil {
				walk(n.Recv)
			}
			walk(n.Type)
			if n.Body != nil {
				walk(n.Body)
			}
			return false
		case *ast.TypeSpec:
			if n.TypeParams != nil {
				walk(n.TypeParams)
			}
			walk(n.Type)
			return false
		case *ast.ValueSpec:
			if n.Type != nil {
				walk(n.Type)
			}
			for _, v := range n.Values {
				walk(v)
			}
			return false
		}
		return true
	}
	walk = func(n ast.Node) { ast.Inspect(n, visit) }
	for _, n := range u.nodes {
		walk(n)
	}
	u.refs, u.refsDone = refs, true
	return refs
}

// hash returns the code version of root: blake3 over root's key, the
// encodings of every declaration of the module that root reaches, and the
// versions of the other modules whose packages they use. It also returns
// the import paths of the packages whose declarations or module version
// went in, for the stamp.
func (a *analyzer) hash(root *unit) (string, map[string]bool, error) {
	seen := map[*unit]bool{}
	pkgs := map[string]bool{}
	deps := map[string]bool{}
	queue := []*unit{root}
	add := func(u *unit) {
		if u != nil && !seen[u] {
			seen[u] = true
			queue = append(queue, u)
		}
	}
	seen[root] = true
	for len(queue) > 0 {
		u := queue[0]
		queue = queue[1:]
		pkgs[u.pkg.path] = true
		add(u.enclosing)
		if u.typeName != "" {
			for _, m := range u.pkg.methods[u.typeName] {
				add(m)
			}
		}
		for _, r := range u.references() {
			if r.pkgPath == "" {
				add(u.pkg.byName[r.name])
				continue
			}
			mod := u.pkg.mod
			if !mod.owns(r.pkgPath) {
				if d := mod.dep(r.pkgPath); d != "" {
					deps[d] = true
					pkgs[r.pkgPath] = true
				}
				continue
			}
			p, err := a.load(mod.pkgDir(r.pkgPath))
			if err != nil {
				return "", nil, fmt.Errorf("%s: %w", u.pkg.path, err)
			}
			add(p.byName[r.name])
		}
	}
	units := make([]*unit, 0, len(seen))
	for u := range seen {
		units = append(units, u)
	}
	sort.Slice(units, func(i, j int) bool {
		if units[i].pkg.path != units[j].pkg.path {
			return units[i].pkg.path < units[j].pkg.path
		}
		return units[i].key < units[j].key
	})
	h := blake3.New()
	var b []byte
	b = appendString(b, hashVersion)
	b = appendString(b, root.pkg.path)
	b = appendString(b, root.hashKey())
	b = binary.AppendUvarint(b, uint64(len(units)))
	for _, u := range units {
		b = appendString(b, u.pkg.path)
		b = appendString(b, u.hashKey())
		b = appendString(b, string(u.encoding()))
	}
	sorted := make([]string, 0, len(deps))
	for d := range deps {
		sorted = append(sorted, d)
	}
	sort.Strings(sorted)
	b = binary.AppendUvarint(b, uint64(len(sorted)))
	for _, d := range sorted {
		b = appendString(b, d)
	}
	h.Write(b)
	return fmt.Sprintf("%x", h.Sum(nil)), pkgs, nil
}

// literalStart maps the line the runtime reports for a function literal to
// the line the literal starts on. The runtime gives the line of the
// function's first instruction: the func line when it has a prologue, but
// for a small leaf function (no stack check) the line of the first
// statement. A line on which no literal starts is mapped to the innermost
// literal that starts above it and whose first statement is at or below it.
func literalStart(fset *token.FileSet, f *ast.File, line int) int {
	best := -1
	ast.Inspect(f, func(n ast.Node) bool {
		lit, ok := n.(*ast.FuncLit)
		if !ok {
			return true
		}
		start := fset.Position(lit.Pos()).Line
		if start == line {
			best = start
			return false
		}
		if start < line && line <= entryLine(fset, lit) && start > best {
			best = start
		}
		return true
	})
	if best < 0 {
		return line
	}
	return best
}

// entryLine is the last line the runtime may report as a literal's entry:
// its first statement's, or its end when the body is empty.
func entryLine(fset *token.FileSet, lit *ast.FuncLit) int {
	if len(lit.Body.List) > 0 {
		return fset.Position(lit.Body.List[0].Pos()).Line
	}
	return fset.Position(lit.End()).Line
}
