// Package suggest finds the known names nearest to a misspelled one.
package suggest

import (
	"sort"
	"strings"
)

// Nearest returns up to three names from known closest to name by edit
// distance, nearest first, leaving out names too far away to be a typo.
func Nearest(name string, known []string) []string {
	type cand struct {
		s string
		d int
	}
	limit := max(1, (len(name)+1)/3)
	var cands []cand
	lower := strings.ToLower(name)
	for _, k := range known {
		d := distance(lower, strings.ToLower(k))
		if d <= limit || (len(name) >= 3 && strings.Contains(strings.ToLower(k), lower)) {
			cands = append(cands, cand{k, d})
		}
	}
	sort.SliceStable(cands, func(i, j int) bool {
		if cands[i].d != cands[j].d {
			return cands[i].d < cands[j].d
		}
		return cands[i].s < cands[j].s
	})
	out := []string{}
	for i := 0; i < len(cands) && i < 3; i++ {
		out = append(out, cands[i].s)
	}
	return out
}

// Hint returns "did you mean x?" for the nearest names, or a list of the
// known names when there are few and none is near, or "".
func Hint(name string, known []string) string {
	if n := Nearest(name, known); len(n) > 0 {
		return "did you mean " + orList(n) + "?"
	}
	if len(known) > 0 && len(known) <= 8 {
		return "known: " + strings.Join(quoteAll(known), ", ")
	}
	return ""
}

func orList(names []string) string {
	q := quoteAll(names)
	if len(q) == 1 {
		return q[0]
	}
	return strings.Join(q[:len(q)-1], ", ") + " or " + q[len(q)-1]
}

func quoteAll(names []string) []string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = "'" + n + "'"
	}
	return out
}

// distance is the Damerau-Levenshtein (optimal string alignment) distance.
func distance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev2 := make([]int, len(rb)+1)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(rb)]
}
