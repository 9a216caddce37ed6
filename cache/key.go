package cache

import (
	"encoding/hex"
	"fmt"
	"io"

	"github.com/zeebo/blake3"
)

// Size is the length in bytes of a Key or Digest.
const Size = 32

// Key is a step fingerprint: the blake3 hash of the canonical encoding of
// everything that determines the step's result.
type Key [Size]byte

// Digest is the blake3 hash of a stored result body.
type Digest [Size]byte

// String returns k in lower-case hex.
func (k Key) String() string { return hex.EncodeToString(k[:]) }

// Short returns the first 12 hex digits of k, for display.
func (k Key) Short() string { return k.String()[:12] }

// IsZero reports whether k is the zero Key.
func (k Key) IsZero() bool { return k == Key{} }

// MarshalText encodes k as hex.
func (k Key) MarshalText() ([]byte, error) {
	return hex.AppendEncode(make([]byte, 0, 2*Size), k[:]), nil
}

// UnmarshalText decodes hex into k.
func (k *Key) UnmarshalText(b []byte) error {
	v, err := ParseKey(string(b))
	*k = v
	return err
}

// String returns d in lower-case hex.
func (d Digest) String() string { return hex.EncodeToString(d[:]) }

// MarshalText encodes d as hex.
func (d Digest) MarshalText() ([]byte, error) {
	return hex.AppendEncode(make([]byte, 0, 2*Size), d[:]), nil
}

// UnmarshalText decodes hex into d.
func (d *Digest) UnmarshalText(b []byte) error {
	v, err := parseHex(string(b), "digest")
	*d = Digest(v)
	return err
}

// ParseKey parses a full 64-digit hex key.
func ParseKey(s string) (Key, error) {
	v, err := parseHex(s, "key")
	return Key(v), err
}

func parseHex(s, what string) ([Size]byte, error) {
	var out [Size]byte
	if len(s) != 2*Size {
		return out, fmt.Errorf("%s %q: want %d hex digits, got %d", what, s, 2*Size, len(s))
	}
	if _, err := hex.Decode(out[:], []byte(s)); err != nil {
		return out, fmt.Errorf("%s %q: %w", what, s, err)
	}
	return out, nil
}

// IsZero reports whether d is the zero Digest.
func (d Digest) IsZero() bool { return d == Digest{} }

// DigestOf returns the Digest of b.
func DigestOf(b []byte) Digest { return Digest(blake3.Sum256(b)) }

// Digester hashes a body as it is written and reports its Digest and size.
type Digester struct {
	h *blake3.Hasher
	n int64
}

// NewDigester returns an empty Digester.
func NewDigester() *Digester { return &Digester{h: blake3.New()} }

// Write adds p to the body.
func (d *Digester) Write(p []byte) (int, error) {
	d.n += int64(len(p))
	return d.h.Write(p)
}

// Sum returns the Digest and size of what was written.
func (d *Digester) Sum() (Digest, int64) {
	var out Digest
	d.h.Sum(out[:0])
	return out, d.n
}

// VerifyReader returns a reader of r that checks, when r is exhausted, that
// exactly size bytes with digest want were read. On a mismatch its Read
// returns an error wrapping ErrCorrupt instead of io.EOF.
func VerifyReader(r io.Reader, size int64, want Digest) io.Reader {
	return &verifyReader{r: r, size: size, want: want, d: NewDigester()}
}

type verifyReader struct {
	r    io.Reader
	size int64
	want Digest
	d    *Digester
	err  error
}

func (v *verifyReader) Read(p []byte) (int, error) {
	if v.err != nil {
		return 0, v.err
	}
	n, err := v.r.Read(p)
	v.d.Write(p[:n])
	if v.d.n > v.size {
		v.err = fmt.Errorf("%w: body longer than its recorded %d bytes", ErrCorrupt, v.size)
		return n, v.err
	}
	if err == io.EOF {
		got, size := v.d.Sum()
		switch {
		case size != v.size:
			err = fmt.Errorf("%w: body has %d bytes, recorded %d", ErrCorrupt, size, v.size)
		case got != v.want:
			err = fmt.Errorf("%w: body digest %s, recorded %s", ErrCorrupt, got.String()[:12], v.want.String()[:12])
		}
		v.err = err
	}
	return n, err
}
