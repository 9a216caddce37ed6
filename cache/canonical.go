package cache

import (
	"encoding/binary"
	"fmt"
	"math"
	"sort"

	"github.com/zeebo/blake3"
)

// EncodingVersion names the canonical encoding. It is the first thing
// hashed into every Key, so changing the encoding changes every Key at once
// instead of silently colliding with old entries.
const EncodingVersion = "formed.key.v1"

// Ref stands in the canonical arguments for a value produced by another
// step: the producer's Key and the field path selected from its result.
type Ref struct {
	Producer Key
	Path     []string
}

// Tags of the canonical encoding. Each value is a tag byte followed by its
// payload; lengths and counts are unsigned varints. See docs/caching.md.
const (
	tagNil    = 'N'
	tagTrue   = 'T'
	tagFalse  = 'F'
	tagInt    = 'I' // zig-zag varint
	tagUint   = 'U' // varint
	tagFloat  = 'D' // 8 bytes, big-endian IEEE 754; -0 is written as +0
	tagString = 'S' // length, UTF-8 bytes
	tagBytes  = 'B' // length, bytes
	tagList   = 'L' // count, values
	tagMap    = 'M' // count, then (key string, value) pairs sorted by key bytes
	tagRef    = 'R' // 32-byte producer key, count, path strings
)

// Encoder builds the canonical encoding of a sequence of values. The zero
// value is not usable; call NewEncoder.
type Encoder struct {
	buf []byte
	sub func(any) (any, bool)
}

// NewEncoder returns an Encoder whose output starts with EncodingVersion.
func NewEncoder() *Encoder {
	e := &Encoder{buf: make([]byte, 0, 256)}
	e.String(EncodingVersion)
	return e
}

// Bytes returns the encoding so far: the encoder's own buffer, valid until
// the next append or Reset.
func (e *Encoder) Bytes() []byte { return e.buf }

// Reset empties e to a fresh encoder's state, keeping its buffer.
func (e *Encoder) Reset() {
	e.buf = e.buf[:0]
	e.String(EncodingVersion)
}

// Key returns the blake3 hash of the encoding so far.
func (e *Encoder) Key() Key { return KeyOf(e.buf) }

// KeyOf returns the Key of a canonical encoding, as Encoder.Key does.
func KeyOf(encoding []byte) Key { return Key(blake3.Sum256(encoding)) }

// String appends a string.
func (e *Encoder) String(s string) {
	e.buf = append(e.buf, tagString)
	e.buf = binary.AppendUvarint(e.buf, uint64(len(s)))
	e.buf = append(e.buf, s...)
}

func (e *Encoder) rawString(s string) {
	e.buf = binary.AppendUvarint(e.buf, uint64(len(s)))
	e.buf = append(e.buf, s...)
}

// Value appends v, which must be built from nil, bool, int, int64, uint64,
// float64, string, []byte, []any, map[string]any and Ref. Any other type is
// an error naming it: the encoder never guesses.
func (e *Encoder) Value(v any) error {
	switch v := v.(type) {
	case nil:
		e.buf = append(e.buf, tagNil)
	case bool:
		if v {
			e.buf = append(e.buf, tagTrue)
		} else {
			e.buf = append(e.buf, tagFalse)
		}
	case int:
		e.buf = append(e.buf, tagInt)
		e.buf = binary.AppendVarint(e.buf, int64(v))
	case int64:
		e.buf = append(e.buf, tagInt)
		e.buf = binary.AppendVarint(e.buf, v)
	case uint64:
		e.buf = append(e.buf, tagUint)
		e.buf = binary.AppendUvarint(e.buf, v)
	case float64:
		if v == 0 {
			v = 0 // fold -0 into +0
		}
		if math.IsNaN(v) {
			v = math.NaN() // one NaN
		}
		e.buf = append(e.buf, tagFloat)
		e.buf = binary.BigEndian.AppendUint64(e.buf, math.Float64bits(v))
	case string:
		e.String(v)
	case []byte:
		e.buf = append(e.buf, tagBytes)
		e.buf = binary.AppendUvarint(e.buf, uint64(len(v)))
		e.buf = append(e.buf, v...)
	case []any:
		e.buf = append(e.buf, tagList)
		e.buf = binary.AppendUvarint(e.buf, uint64(len(v)))
		for _, x := range v {
			if err := e.Value(x); err != nil {
				return err
			}
		}
	case map[string]any:
		e.buf = append(e.buf, tagMap)
		e.buf = binary.AppendUvarint(e.buf, uint64(len(v)))
		keys := make([]string, 0, len(v))
		for k := range v {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			e.rawString(k)
			if err := e.Value(v[k]); err != nil {
				return fmt.Errorf("%s: %w", k, err)
			}
		}
	case Ref:
		e.buf = append(e.buf, tagRef)
		e.buf = append(e.buf, v.Producer[:]...)
		e.buf = binary.AppendUvarint(e.buf, uint64(len(v.Path)))
		for _, p := range v.Path {
			e.rawString(p)
		}
	case *Ref:
		if v == nil {
			return fmt.Errorf("canonical encoding: nil %T", v)
		}
		return e.Value(*v)
	default:
		if e.sub != nil {
			if r, ok := e.sub(v); ok {
				sub := e.sub
				e.sub = nil
				err := e.Value(r)
				e.sub = sub
				return err
			}
		}
		return fmt.Errorf("canonical encoding: unsupported type %T", v)
	}
	return nil
}

// ValueWith appends v like Value, except that a value of a type Value does
// not know is passed to sub, and what sub returns is encoded in its place.
// The engine writes its refs this way, without copying the arguments
// around them.
func (e *Encoder) ValueWith(v any, sub func(any) (any, bool)) error {
	e.sub = sub
	defer func() { e.sub = nil }()
	return e.Value(v)
}
