package suggest

import (
	"reflect"
	"testing"
)

func TestNearest(t *testing.T) {
	known := []string{"dataset", "train", "evaluate", "tokenize", "count"}
	tests := []struct {
		name string
		want []string
	}{
		{"datset", []string{"dataset"}},
		{"trian", []string{"train"}},
		{"cuont", []string{"count"}},
		{"zzzzzzzz", []string{}},
		{"token", []string{"tokenize"}},
	}
	for _, tt := range tests {
		if got := Nearest(tt.name, known); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("Nearest(%q) = %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestHint(t *testing.T) {
	if got, want := Hint("ad", []string{"add", "mul"}), "did you mean 'add'?"; got != want {
		t.Errorf("Hint = %q, want %q", got, want)
	}
	if got, want := Hint("qqqqqq", []string{"add", "mul"}), "known: 'add', 'mul'"; got != want {
		t.Errorf("Hint = %q, want %q", got, want)
	}
}
