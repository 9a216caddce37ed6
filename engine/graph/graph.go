// Package graph is the directed acyclic graph of a workflow's steps: an
// edge runs from a producer to each step that refers to it.
package graph

import (
	"fmt"
	"sort"
	"strings"
)

// Graph holds named vertices in insertion order and the edges between
// them. The zero value is empty and ready to use.
type Graph struct {
	names []string
	index map[string]int
	deps  [][]int // deps[v]: producers of v, sorted, unique
	users [][]int // users[v]: consumers of v, sorted, unique
}

// Add adds a vertex; adding a name twice is a no-op.
func (g *Graph) Add(name string) {
	if g.index == nil {
		g.index = map[string]int{}
	}
	if _, ok := g.index[name]; ok {
		return
	}
	g.index[name] = len(g.names)
	g.names = append(g.names, name)
	g.deps = append(g.deps, nil)
	g.users = append(g.users, nil)
}

// Connect records that step to depends on step from. Both must have been
// added.
func (g *Graph) Connect(from, to string) {
	f, t := g.index[from], g.index[to]
	g.deps[t] = insert(g.deps[t], f)
	g.users[f] = insert(g.users[f], t)
}

func insert(s []int, v int) []int {
	i := sort.SearchInts(s, v)
	if i < len(s) && s[i] == v {
		return s
	}
	s = append(s, 0)
	copy(s[i+1:], s[i:])
	s[i] = v
	return s
}

// Names returns the vertices in insertion order.
func (g *Graph) Names() []string { return g.names }

// Has reports whether name is a vertex.
func (g *Graph) Has(name string) bool { _, ok := g.index[name]; return ok }

// Deps returns the direct producers of name, in insertion order.
func (g *Graph) Deps(name string) []string { return g.namesOf(g.deps[g.index[name]]) }

// Users returns the direct consumers of name, in insertion order.
func (g *Graph) Users(name string) []string { return g.namesOf(g.users[g.index[name]]) }

// NumUsers returns the number of steps that use name's result.
func (g *Graph) NumUsers(name string) int { return len(g.users[g.index[name]]) }

func (g *Graph) namesOf(ids []int) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = g.names[id]
	}
	return out
}

// Cycles returns every cycle, each as the names along it starting from its
// earliest-inserted vertex and ending there again (a -> b -> a); a
// self-reference is a cycle of one (a -> a). The order is stable.
func (g *Graph) Cycles() [][]string {
	var out [][]string
	for _, scc := range g.sccs() {
		if len(scc) == 1 {
			v := scc[0]
			self := false
			for _, d := range g.deps[v] {
				if d == v {
					self = true
				}
			}
			if !self {
				continue
			}
			out = append(out, []string{g.names[v], g.names[v]})
			continue
		}
		out = append(out, g.cycleIn(scc))
	}
	sort.Slice(out, func(i, j int) bool { return g.index[out[i][0]] < g.index[out[j][0]] })
	return out
}

// cycleIn finds one cycle through the smallest vertex of a strongly
// connected component, following the earliest-inserted edges.
func (g *Graph) cycleIn(scc []int) []string {
	in := map[int]bool{}
	start := scc[0]
	for _, v := range scc {
		in[v] = true
		start = min(start, v)
	}
	// Breadth-first from start along consumer edges inside the component
	// back to start gives the shortest cycle, deterministically.
	prev := map[int]int{}
	queue := []int{start}
	seen := map[int]bool{start: true}
	for len(queue) > 0 {
		v := queue[0]
		queue = queue[1:]
		for _, u := range g.users[v] {
			if !in[u] {
				continue
			}
			if u == start {
				path := []int{start}
				for x := v; x != start; x = prev[x] {
					path = append(path, x)
				}
				names := []string{g.names[start]}
				for i := len(path) - 1; i >= 1; i-- {
					names = append(names, g.names[path[i]])
				}
				return append(names, g.names[start])
			}
			if !seen[u] {
				seen[u] = true
				prev[u] = v
				queue = append(queue, u)
			}
		}
	}
	return nil
}

// sccs returns the strongly connected components (Tarjan), iteratively so
// that long chains do not exhaust the stack.
func (g *Graph) sccs() [][]int {
	n := len(g.names)
	index := make([]int, n)
	low := make([]int, n)
	onStack := make([]bool, n)
	for i := range index {
		index[i] = -1
	}
	var out [][]int
	var st []int
	next := 0
	type frame struct{ v, i int }
	for root := range n {
		if index[root] >= 0 {
			continue
		}
		call := []frame{{root, 0}}
		index[root], low[root] = next, next
		next++
		st = append(st, root)
		onStack[root] = true
		for len(call) > 0 {
			f := &call[len(call)-1]
			if f.i < len(g.users[f.v]) {
				w := g.users[f.v][f.i]
				f.i++
				if index[w] < 0 {
					index[w], low[w] = next, next
					next++
					st = append(st, w)
					onStack[w] = true
					call = append(call, frame{w, 0})
				} else if onStack[w] {
					low[f.v] = min(low[f.v], index[w])
				}
				continue
			}
			v := f.v
			call = call[:len(call)-1]
			if len(call) > 0 {
				p := call[len(call)-1].v
				low[p] = min(low[p], low[v])
			}
			if low[v] == index[v] {
				var comp []int
				for {
					w := st[len(st)-1]
					st = st[:len(st)-1]
					onStack[w] = false
					comp = append(comp, w)
					if w == v {
						break
					}
				}
				sort.Ints(comp)
				out = append(out, comp)
			}
		}
	}
	return out
}

// Order returns the vertices producers first; among vertices that are
// ready together, insertion order decides. Only vertices in want (and
// everything they depend on) are included; a nil want means all. The
// graph must be acyclic.
func (g *Graph) Order(want []string) []string {
	n := len(g.names)
	include := make([]bool, n)
	if want == nil {
		for i := range include {
			include[i] = true
		}
	} else {
		var visit []int
		for _, w := range want {
			if id, ok := g.index[w]; ok && !include[id] {
				include[id] = true
				visit = append(visit, id)
			}
		}
		for len(visit) > 0 {
			v := visit[len(visit)-1]
			visit = visit[:len(visit)-1]
			for _, d := range g.deps[v] {
				if !include[d] {
					include[d] = true
					visit = append(visit, d)
				}
			}
		}
	}
	// Depth-first post-order over producers, visiting roots in insertion
	// order: each vertex comes right after the last of its producers is
	// placed, which keeps related steps together and is stable.
	out := make([]string, 0, n)
	state := make([]uint8, n) // 0 new, 1 visiting, 2 done
	type frame struct{ v, i int }
	for root := range n {
		if !include[root] || state[root] != 0 {
			continue
		}
		call := []frame{{root, 0}}
		state[root] = 1
		for len(call) > 0 {
			f := &call[len(call)-1]
			if f.i < len(g.deps[f.v]) {
				d := g.deps[f.v][f.i]
				f.i++
				if state[d] == 0 {
					state[d] = 1
					call = append(call, frame{d, 0})
				}
				continue
			}
			state[f.v] = 2
			out = append(out, g.names[f.v])
			call = call[:len(call)-1]
		}
	}
	return out
}

// String lists each vertex with its producers, one per line, in insertion
// order: "b <- a, c". Tests compare it.
func (g *Graph) String() string {
	var b strings.Builder
	for i, name := range g.names {
		b.WriteString(name)
		if len(g.deps[i]) > 0 {
			b.WriteString(" <- ")
			b.WriteString(strings.Join(g.namesOf(g.deps[i]), ", "))
		}
		b.WriteByte('\n')
	}
	return b.String()
}

// CycleString formats a cycle as "a -> b -> a".
func CycleString(c []string) string { return strings.Join(c, " -> ") }

// Label annotates a vertex in drawings.
type Label func(name string) (text string, cached bool)

// Dot renders g in Graphviz dot; cached vertices are filled grey.
func (g *Graph) Dot(label Label) string {
	var b strings.Builder
	b.WriteString("digraph workflow {\n  rankdir=LR;\n  node [shape=box, style=rounded];\n")
	for _, name := range g.names {
		text, cached := label(name)
		style := ""
		if cached {
			style = `, style="rounded,filled", fillcolor="#dddddd"`
		}
		fmt.Fprintf(&b, "  %q [label=%q%s];\n", name, text, style)
	}
	for i, name := range g.names {
		for _, d := range g.deps[i] {
			fmt.Fprintf(&b, "  %q -> %q;\n", g.names[d], name)
		}
	}
	b.WriteString("}\n")
	return b.String()
}

// Mermaid renders g as a Mermaid flowchart; cached vertices get the class
// cached.
func (g *Graph) Mermaid(label Label) string {
	var b strings.Builder
	b.WriteString("flowchart LR\n  classDef cached fill:#ddd,stroke:#999\n")
	id := func(i int) string { return fmt.Sprintf("s%d", i) }
	for i, name := range g.names {
		text, cached := label(name)
		fmt.Fprintf(&b, "  %s[%q]", id(i), text)
		if cached {
			b.WriteString(":::cached")
		}
		b.WriteByte('\n')
	}
	for i := range g.names {
		for _, d := range g.deps[i] {
			fmt.Fprintf(&b, "  %s --> %s\n", id(d), id(i))
		}
	}
	return b.String()
}
