package graph

import (
	"fmt"
	"reflect"
	"testing"
)

func build(names []string, edges [][2]string) *Graph {
	var g Graph
	for _, n := range names {
		g.Add(n)
	}
	for _, e := range edges {
		g.Connect(e[0], e[1])
	}
	return &g
}

func TestOrder(t *testing.T) {
	g := build([]string{"report", "count", "read", "tokenize"},
		[][2]string{{"read", "tokenize"}, {"tokenize", "count"}, {"count", "report"}})
	if got, want := g.Order(nil), []string{"read", "tokenize", "count", "report"}; !reflect.DeepEqual(got, want) {
		t.Errorf("Order(nil) = %v, want %v", got, want)
	}
	if got, want := g.Order([]string{"tokenize"}), []string{"read", "tokenize"}; !reflect.DeepEqual(got, want) {
		t.Errorf("Order(tokenize) = %v, want %v", got, want)
	}
	want := "report <- count\ncount <- tokenize\nread\ntokenize <- read\n"
	if got := g.String(); got != want {
		t.Errorf("String() =\n%s\nwant\n%s", got, want)
	}
}

func TestCycles(t *testing.T) {
	tests := []struct {
		name  string
		names []string
		edges [][2]string
		want  [][]string
	}{
		{"none", []string{"a", "b"}, [][2]string{{"a", "b"}}, nil},
		{"self", []string{"a", "b"}, [][2]string{{"b", "b"}}, [][]string{{"b", "b"}}},
		{"three", []string{"x", "c", "a", "b"}, [][2]string{{"a", "b"}, {"b", "c"}, {"c", "a"}}, [][]string{{"c", "a", "b", "c"}}},
		{"two", []string{"a", "b", "c", "d"}, [][2]string{{"a", "b"}, {"b", "a"}, {"c", "d"}, {"d", "c"}}, [][]string{{"a", "b", "a"}, {"c", "d", "c"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := build(tt.names, tt.edges).Cycles()
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Cycles() = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestLongChainNoStackGrowth(t *testing.T) {
	var g Graph
	const n = 100000
	names := make([]string, n)
	for i := range n {
		names[i] = fmt.Sprintf("s%d", i)
		g.Add(names[i])
		if i > 0 {
			g.Connect(names[i-1], names[i])
		}
	}
	if c := g.Cycles(); len(c) != 0 {
		t.Fatalf("Cycles() = %d cycles, want none", len(c))
	}
	if got := len(g.Order(nil)); got != n {
		t.Fatalf("len(Order) = %d, want %d", got, n)
	}
}
