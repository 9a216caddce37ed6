package formats

import (
	"bytes"
	"reflect"
	"testing"
	"time"
)

type inner struct {
	When  time.Time
	Bytes []byte
	Ptr   *int
}

type outer struct {
	Name  string
	Items []inner
	Index map[string]int
	Next  *outer
}

func roundTrip(t *testing.T, f Format, v any) any {
	t.Helper()
	var buf bytes.Buffer
	if err := f.Encode(&buf, v); err != nil {
		t.Fatalf("%s encode %T: %v", f.Name(), v, err)
	}
	got, err := f.Decode(&buf, reflect.TypeOf(v))
	if err != nil {
		t.Fatalf("%s decode %T: %v", f.Name(), v, err)
	}
	return got
}

func TestRoundTrip(t *testing.T) {
	seven := 7
	when := time.Date(2026, 11, 22, 7, 3, 0, 123456789, time.UTC)
	values := []any{
		42, 3.5, "hello", true,
		[]string{"a", "b"},
		map[string]float64{"x": 1.5},
		[]byte{0, 1, 2, 255},
		when,
		outer{Name: "o", Items: []inner{{When: when, Bytes: []byte("b"), Ptr: &seven}}, Index: map[string]int{"k": 1}, Next: &outer{Name: "n"}},
	}
	for _, v := range values {
		for _, name := range []string{"", "gob"} {
			f, err := For(name, reflect.TypeOf(v))
			if err != nil {
				t.Fatalf("For(%q, %T): %v", name, v, err)
			}
			t.Run(f.Name()+"/"+reflect.TypeOf(v).String(), func(t *testing.T) {
				got := roundTrip(t, f, v)
				if !reflect.DeepEqual(got, v) {
					t.Errorf("round trip through %s:\n got %#v\nwant %#v", f.Name(), got, v)
				}
			})
		}
	}
}

func TestDefaultChoice(t *testing.T) {
	tests := []struct {
		v    any
		want string
	}{
		{1, "json"},
		{[]byte("x"), "bytes"},
		{struct{ A any }{}, "json"},
		{map[string]any{}, "json"},
		{struct {
			R interface{ Read([]byte) (int, error) }
		}{}, "gob"},
		{time.Time{}, "json"},
		{"s", "json"},
	}
	for _, tt := range tests {
		f, err := For("", reflect.TypeOf(tt.v))
		if err != nil {
			t.Fatalf("For(%T): %v", tt.v, err)
		}
		if f.Name() != tt.want {
			t.Errorf("For(%T) = %s, want %s", tt.v, f.Name(), tt.want)
		}
	}
}

func TestRawFormats(t *testing.T) {
	type label string
	if got := roundTrip(t, Text{}, label("héllo")); got != label("héllo") {
		t.Errorf("text round trip = %#v", got)
	}
	if _, err := For("text", reflect.TypeFor[int]()); err == nil {
		t.Error("For(text, int) succeeded, want an error")
	}
	if _, err := For("nope", reflect.TypeFor[int]()); err == nil {
		t.Error("For(nope) succeeded, want an error")
	}
}
