package config

import (
	"strconv"
	"sync"

	jsonnet "github.com/google/go-jsonnet"
	"github.com/google/go-jsonnet/ast"
)

// resolver finds where a config path is written by walking the desugared
// Jsonnet syntax tree through object literals, locals, imports and object
// composition (a + b). Computed fields are not followed; the caller gets
// the deepest position that was found.
type resolver struct {
	vm   *jsonnet.VM
	root ast.Node
	// mu guards cache and vm: the engine binds steps in parallel.
	mu    sync.Mutex
	cache map[ast.Node]map[string]field
}

type field struct {
	body ast.Node
	loc  ast.LocationRange
}

func (r *resolver) pos(path []string) Pos {
	r.mu.Lock()
	defer r.mu.Unlock()
	node := r.root
	best := posOf(*r.root.Loc())
	for _, seg := range path {
		f, ok := r.field(node, seg, 0)
		if !ok {
			break
		}
		if p := posOf(f.loc); p.IsValid() {
			best = p
		}
		node = f.body
	}
	return best
}

func (r *resolver) field(node ast.Node, name string, depth int) (field, bool) {
	if node == nil || depth > 32 {
		return field{}, false
	}
	switch n := node.(type) {
	case *ast.DesugaredObject:
		m, ok := r.cache[n]
		if !ok {
			m = make(map[string]field, len(n.Fields))
			for _, f := range n.Fields {
				if s, ok := f.Name.(*ast.LiteralString); ok {
					m[s.Value] = field{body: f.Body, loc: f.LocRange}
				}
			}
			r.cache[n] = m
		}
		f, ok := m[name]
		return f, ok
	case *ast.Array:
		i, err := strconv.Atoi(name)
		if err != nil || i < 0 || i >= len(n.Elements) {
			return field{}, false
		}
		e := n.Elements[i].Expr
		return field{body: e, loc: *e.Loc()}, true
	case *ast.Local:
		return r.field(n.Body, name, depth+1)
	case *ast.Parens:
		return r.field(n.Inner, name, depth+1)
	case *ast.Binary:
		if n.Op != ast.BopPlus {
			return field{}, false
		}
		if f, ok := r.field(n.Right, name, depth+1); ok {
			return f, true
		}
		return r.field(n.Left, name, depth+1)
	case *ast.Import:
		if r.vm == nil || n.File == nil {
			return field{}, false
		}
		imported, _, err := r.vm.ImportAST(n.Loc().FileName, n.File.Value)
		if err != nil {
			return field{}, false
		}
		return r.field(imported, name, depth+1)
	}
	return field{}, false
}
