package config

import (
	"slices"
	"testing"
)

// naturalRef is the definition naturalCmp implements: digit runs compare
// as numbers (leading zeros aside), everything else byte by byte, and a
// string that is a prefix of another comes first.
func naturalRef(a, b string) int {
	run := func(s string) int {
		i := 0
		for i < len(s) && isDigit(s[i]) {
			i++
		}
		return i
	}
	for a != "" && b != "" {
		da, db := run(a), run(b)
		if da > 0 && db > 0 {
			na, nb := trimZeros(a[:da]), trimZeros(b[:db])
			if len(na) != len(nb) {
				if len(na) < len(nb) {
					return -1
				}
				return 1
			}
			if na != nb {
				if na < nb {
					return -1
				}
				return 1
			}
			a, b = a[da:], b[db:]
			continue
		}
		if a[0] != b[0] {
			if a[0] < b[0] {
				return -1
			}
			return 1
		}
		a, b = a[1:], b[1:]
	}
	switch {
	case len(a) < len(b):
		return -1
	case len(a) > len(b):
		return 1
	}
	return 0
}

func TestNaturalOrder(t *testing.T) {
	names := []string{"step10", "step2", "step1", "step02", "a", "", "step", "x9y10", "x9y9", "x10", "007", "7", "a0b", "a00b1", "mid_10000", "mid_9999"}
	got := slices.Clone(names)
	slices.SortFunc(got, func(a, b string) int { return stepCmp(&Step{Name: a}, &Step{Name: b}) })
	want := []string{"", "007", "7", "a", "a0b", "a00b1", "mid_9999", "mid_10000", "step", "step1", "step02", "step2", "step10", "x9y9", "x9y10", "x10"}
	if !slices.Equal(got, want) {
		t.Errorf("natural order:\n got %q\nwant %q", got, want)
	}
}

func FuzzNaturalCmp(f *testing.F) {
	f.Add("step10", "step9")
	f.Add("a007b", "a7c")
	f.Fuzz(func(t *testing.T, a, b string) {
		if got, want := naturalCmp(a, b), naturalRef(a, b); got != want {
			t.Errorf("naturalCmp(%q, %q) = %d, want %d", a, b, got, want)
		}
	})
}
