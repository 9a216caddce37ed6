package cache

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"reflect"
	"strings"
	"testing"
)

// decodeCanonical reads back what an Encoder wrote after its version
// string: the values, in order. It accepts only canonical input (map keys
// strictly increasing, varints minimal, nothing left over), so a round trip
// through it shows that the encoding is injective: two values with one
// encoding decode to one value.
func decodeCanonical(b []byte) ([]any, error) {
	d := &canonDecoder{b: b}
	v, err := d.value()
	if err != nil {
		return nil, fmt.Errorf("version: %w", err)
	}
	if v != EncodingVersion {
		return nil, fmt.Errorf("version %q, want %q", v, EncodingVersion)
	}
	var out []any
	for len(d.b) > 0 {
		v, err := d.value()
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}

type canonDecoder struct{ b []byte }

var errShort = errors.New("truncated")

func (d *canonDecoder) uvarint() (uint64, error) {
	u, n := binary.Uvarint(d.b)
	if n <= 0 {
		return 0, errShort
	}
	if n != len(binary.AppendUvarint(nil, u)) {
		return 0, errors.New("varint not minimal")
	}
	d.b = d.b[n:]
	return u, nil
}

func (d *canonDecoder) take(n uint64) ([]byte, error) {
	if n > uint64(len(d.b)) {
		return nil, errShort
	}
	p := d.b[:n]
	d.b = d.b[n:]
	return p, nil
}

func (d *canonDecoder) rawString() (string, error) {
	n, err := d.uvarint()
	if err != nil {
		return "", err
	}
	p, err := d.take(n)
	return string(p), err
}

func (d *canonDecoder) value() (any, error) {
	tag, err := d.take(1)
	if err != nil {
		return nil, err
	}
	switch tag[0] {
	case tagNil:
		return nil, nil
	case tagTrue:
		return true, nil
	case tagFalse:
		return false, nil
	case tagInt:
		u, err := d.uvarint() // zig-zag: minimal as an unsigned varint
		if err != nil {
			return nil, err
		}
		x := int64(u >> 1)
		if u&1 != 0 {
			x = ^x
		}
		return x, nil
	case tagUint:
		return d.uvarint()
	case tagFloat:
		p, err := d.take(8)
		if err != nil {
			return nil, err
		}
		f := math.Float64frombits(binary.BigEndian.Uint64(p))
		if f == 0 && math.Signbit(f) {
			return nil, errors.New("-0 not folded")
		}
		if math.IsNaN(f) && math.Float64bits(f) != math.Float64bits(math.NaN()) {
			return nil, errors.New("NaN not folded")
		}
		return f, nil
	case tagString:
		return d.rawString()
	case tagBytes:
		n, err := d.uvarint()
		if err != nil {
			return nil, err
		}
		p, err := d.take(n)
		return append([]byte{}, p...), err
	case tagList:
		n, err := d.uvarint()
		if err != nil {
			return nil, err
		}
		if n > uint64(len(d.b)) {
			return nil, errShort // every value takes at least one byte
		}
		out := make([]any, n)
		for i := range out {
			if out[i], err = d.value(); err != nil {
				return nil, err
			}
		}
		return out, nil
	case tagMap:
		n, err := d.uvarint()
		if err != nil {
			return nil, err
		}
		if n > uint64(len(d.b)) {
			return nil, errShort
		}
		out := make(map[string]any, n)
		prev := ""
		for i := range n {
			k, err := d.rawString()
			if err != nil {
				return nil, err
			}
			if i > 0 && k <= prev {
				return nil, fmt.Errorf("map key %q after %q", k, prev)
			}
			prev = k
			if out[k], err = d.value(); err != nil {
				return nil, err
			}
		}
		return out, nil
	case tagRef:
		p, err := d.take(Size)
		if err != nil {
			return nil, err
		}
		r := Ref{Producer: Key(p)}
		n, err := d.uvarint()
		if err != nil {
			return nil, err
		}
		if n > uint64(len(d.b)) {
			return nil, errShort
		}
		r.Path = make([]string, n)
		for i := range r.Path {
			if r.Path[i], err = d.rawString(); err != nil {
				return nil, err
			}
		}
		return r, nil
	}
	return nil, fmt.Errorf("unknown tag %q", tag[0])
}

// nanBits stands for every NaN after normalising, so that reflect.DeepEqual
// can compare values holding NaN.
type nanBits struct{}

// normalise maps v to the value the encoding is meant to preserve: int as
// int64, *Ref as Ref, -0 as +0, every NaN as nanBits, and nil slices and
// maps as empty ones.
func normalise(v any) any {
	switch x := v.(type) {
	case int:
		return int64(x)
	case float64:
		if math.IsNaN(x) {
			return nanBits{}
		}
		if x == 0 {
			return 0.0
		}
		return x
	case []byte:
		return append([]byte{}, x...)
	case []any:
		out := make([]any, len(x))
		for i, y := range x {
			out[i] = normalise(y)
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, y := range x {
			out[k] = normalise(y)
		}
		return out
	case *Ref:
		return normalise(*x)
	case Ref:
		return Ref{Producer: x.Producer, Path: append([]string{}, x.Path...)}
	}
	return v
}

// builder makes a value of the supported types from fuzz input.
type builder struct{ b []byte }

func (g *builder) byte() byte {
	if len(g.b) == 0 {
		return 0
	}
	c := g.b[0]
	g.b = g.b[1:]
	return c
}

func (g *builder) bytes() []byte {
	n := min(int(g.byte()%16), len(g.b))
	p := g.b[:n]
	g.b = g.b[n:]
	return p
}

func (g *builder) uint64() uint64 {
	var p [8]byte
	copy(p[:], g.bytes())
	return binary.LittleEndian.Uint64(p[:])
}

func (g *builder) value(depth int) any {
	kinds := byte(14)
	if depth <= 0 {
		kinds = 11 // no containers
	}
	switch g.byte() % kinds {
	case 0:
		return nil
	case 1:
		return g.byte()%2 == 0
	case 2:
		return int(int64(g.uint64()))
	case 3:
		return int64(g.uint64())
	case 4:
		return g.uint64()
	case 5:
		return math.Float64frombits(g.uint64())
	case 6:
		return []float64{0, math.Copysign(0, -1), math.NaN(), math.Inf(1), math.Inf(-1), 1}[g.byte()%6]
	case 7:
		return string(g.bytes())
	case 8:
		if g.byte()%4 == 0 {
			return []byte(nil)
		}
		return g.bytes()
	case 9, 10:
		var r Ref
		copy(r.Producer[:], g.bytes())
		for range g.byte() % 4 {
			r.Path = append(r.Path, string(g.bytes()))
		}
		if g.byte()%2 == 0 {
			return &r
		}
		return r
	case 11:
		n := int(g.byte() % 5)
		if n == 4 {
			return []any(nil)
		}
		out := make([]any, n)
		for i := range out {
			out[i] = g.value(depth - 1)
		}
		return out
	default:
		n := int(g.byte() % 5)
		if n == 4 {
			return map[string]any(nil)
		}
		out := make(map[string]any, n)
		for range n {
			out[string(g.bytes())] = g.value(depth - 1)
		}
		return out
	}
}

func encode(t *testing.T, v any) []byte {
	t.Helper()
	e := NewEncoder()
	if err := e.Value(v); err != nil {
		t.Fatalf("Value(%#v): %v", v, err)
	}
	return e.Bytes()
}

// FuzzCanonical checks that Encoder.Value takes every value built from the
// supported types without panicking, that the encoding decodes back to the
// value (so two values with one encoding are one value), and that two
// values have one encoding exactly when they are equal.
func FuzzCanonical(f *testing.F) {
	f.Add([]byte{})
	f.Add([]byte{0})
	f.Add([]byte{5, 8, 0, 0, 0, 0, 0, 0, 0x80})                      // float -0
	f.Add([]byte{6, 2, 6, 1})                                        // NaN and -0 constants
	f.Add([]byte{13, 3, 1, 'a', 2, 1, 'b', 7, 1, 'c', 1, 'a', 3, 1}) // map
	f.Add([]byte{11, 3, 9, 4, 1, 2, 3, 4, 2, 1, 'x', 1, 'y', 1, 2, 5, 0xff, 4})
	f.Add([]byte{8, 0, 8, 1, 8, 1, 0, 11, 4, 13, 4, 11, 0})
	f.Add([]byte("\x0d\x04\x00\x00\x01a\x01\x02b\x00\x0b\x02\x02\x01\x01\x07\x03abc"))
	f.Fuzz(func(t *testing.T, data []byte) {
		g := &builder{b: data}
		a, b := g.value(4), g.value(4)
		ea, eb := encode(t, a), encode(t, b)
		for _, c := range []struct {
			v   any
			enc []byte
		}{{a, ea}, {b, eb}} {
			got, err := decodeCanonical(c.enc)
			if err != nil {
				t.Fatalf("decode encoding of %#v: %v\n%q", c.v, err, c.enc)
			}
			if want := []any{normalise(c.v)}; !reflect.DeepEqual(normalise(got), want) {
				t.Fatalf("round trip of %#v:\ngot  %#v\nwant %#v", c.v, got, want)
			}
		}
		if same, equal := bytes.Equal(ea, eb), reflect.DeepEqual(normalise(a), normalise(b)); same != equal {
			t.Fatalf("values %#v and %#v: same encoding %v, equal %v", a, b, same, equal)
		}
		// A sequence of values is encoded unambiguously too.
		e := NewEncoder()
		e.Value(a)
		e.Value(b)
		got, err := decodeCanonical(e.Bytes())
		if err != nil {
			t.Fatalf("decode pair: %v", err)
		}
		if want := []any{normalise(a), normalise(b)}; !reflect.DeepEqual(normalise(got), want) {
			t.Fatalf("round trip of the pair:\ngot  %#v\nwant %#v", got, want)
		}
	})
}

func TestCanonicalUnsupported(t *testing.T) {
	for _, v := range []any{
		int32(1),
		float32(1),
		[]string{"a"},
		map[string]int{"a": 1},
		map[string]any{"a": []any{struct{}{}}},
		(*Ref)(nil),
	} {
		err := NewEncoder().Value(v)
		if err == nil {
			t.Errorf("Value(%#v) = nil error, want an error naming the type", v)
			continue
		}
		if !strings.Contains(err.Error(), "canonical encoding") {
			t.Errorf("Value(%#v) = %q, want a canonical encoding error", v, err)
		}
	}
}

func TestCanonicalFolds(t *testing.T) {
	same := [][2]any{
		{0.0, math.Copysign(0, -1)},
		{math.NaN(), math.Float64frombits(0x7ff8000000000001)},
		{1, int64(1)},
		{[]any(nil), []any{}},
		{map[string]any(nil), map[string]any{}},
		{Ref{Path: nil}, &Ref{Path: []string{}}},
	}
	for _, c := range same {
		if a, b := encode(t, c[0]), encode(t, c[1]); !bytes.Equal(a, b) {
			t.Errorf("%#v and %#v: encodings differ:\n%q\n%q", c[0], c[1], a, b)
		}
	}
	differ := [][2]any{
		{int64(1), uint64(1)},
		{"a", []byte("a")},
		{nil, []any{}},
		{[]any{"ab"}, []any{"a", "b"}},
		{map[string]any{"a": "b"}, map[string]any{"ab": ""}},
		{Ref{Path: []string{"a", "b"}}, Ref{Path: []string{"ab"}}},
	}
	for _, c := range differ {
		if a, b := encode(t, c[0]), encode(t, c[1]); bytes.Equal(a, b) {
			t.Errorf("%#v and %#v: one encoding %q", c[0], c[1], a)
		}
	}
}

// BenchmarkEncoder encodes the canonical arguments of typical steps: a few
// scalar arguments, one with a ref, and a fan-in of 1,000 refs.
func BenchmarkEncoder(b *testing.B) {
	refs := make([]any, 1000)
	for i := range refs {
		refs[i] = Ref{Producer: Key{byte(i), byte(i >> 8)}, Path: []string{"total"}}
	}
	for _, c := range []struct {
		name string
		v    any
	}{
		{"scalars", map[string]any{"a": int64(1), "b": int64(2), "lr": 0.1, "name": "train", "verbose": false}},
		{"ref", map[string]any{"a": Ref{Producer: Key{1}}, "b": int64(1)}},
		{"fanin1000", map[string]any{"values": refs}},
	} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				e := NewEncoder()
				e.String("add")
				if err := e.Value(c.v); err != nil {
					b.Fatal(err)
				}
				_ = e.Key()
			}
		})
	}
}

// ValueWith encodes what sub substitutes, in place, and nothing else
// changes: the encoding equals Value of the substituted value.
func TestCanonicalValueWith(t *testing.T) {
	type marker struct{ n int }
	v := map[string]any{"a": []any{1, &marker{2}}, "b": &marker{3}, "c": "x"}
	sub := func(x any) (any, bool) {
		m, ok := x.(*marker)
		if !ok {
			return nil, false
		}
		return map[string]any{"ref": strings.Repeat("m", m.n)}, true
	}
	got := NewEncoder()
	if err := got.ValueWith(v, sub); err != nil {
		t.Fatal(err)
	}
	want := encode(t, map[string]any{"a": []any{1, map[string]any{"ref": "mm"}}, "b": map[string]any{"ref": "mmm"}, "c": "x"})
	if !bytes.Equal(got.Bytes(), want) {
		t.Errorf("ValueWith:\n%q\nwant\n%q", got.Bytes(), want)
	}
	// sub declines: an error naming the type, as from Value.
	if err := NewEncoder().ValueWith([]any{int32(1)}, sub); err == nil || !strings.Contains(err.Error(), "int32") {
		t.Errorf("ValueWith(int32) = %v, want an error naming int32", err)
	}
	// What sub returns is not passed to sub again.
	loop := func(x any) (any, bool) { return x, true }
	if err := NewEncoder().ValueWith(&marker{1}, loop); err == nil {
		t.Error("ValueWith with a sub returning its input: want an error, got none")
	}
	// The substitution ends with the call.
	e := NewEncoder()
	e.ValueWith(nil, sub)
	if err := e.Value(&marker{1}); err == nil {
		t.Error("Value after ValueWith used the old sub")
	}
}
