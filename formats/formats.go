// Package formats holds the codecs that turn step results into bytes and
// back. Each format has a name, stored with every cache entry, and a
// version, which is part of every fingerprint: a format whose encoding
// changes bumps its version, and old entries stop matching instead of
// decoding wrongly.
package formats

import (
	"errors"
	"fmt"
	"io"
	"reflect"
	"sort"
	"sync"
)

// Format is a named, versioned codec.
type Format interface {
	// Name is the format's registered name, such as "json".
	Name() string
	// Version changes whenever the encoding of some value changes.
	Version() string
	// Encode writes v to w.
	Encode(w io.Writer, v any) error
	// Decode reads a value of type t from r and returns it (its dynamic
	// type is t).
	Decode(r io.Reader, t reflect.Type) (any, error)
}

// Checker is implemented by formats that can tell ahead of time that a type
// will not survive a round trip.
type Checker interface {
	// Check returns an error describing why values of t cannot be stored.
	Check(t reflect.Type) error
}

// ErrUnknown is returned by Lookup when no format has the given name.
var ErrUnknown = errors.New("unknown format")

var (
	mu      sync.RWMutex
	byName  = map[string]Format{}
	builtin = []Format{JSON{}, Gob{}, Bytes{}, Text{}}
)

func init() {
	for _, f := range builtin {
		Register(f)
	}
}

// Register makes f available by its name. It panics if the name is taken.
func Register(f Format) {
	mu.Lock()
	defer mu.Unlock()
	if old, ok := byName[f.Name()]; ok {
		panic(fmt.Sprintf("formats: format %q registered twice (%T and %T)", f.Name(), old, f))
	}
	byName[f.Name()] = f
}

// Lookup returns the format named name.
func Lookup(name string) (Format, error) {
	mu.RLock()
	defer mu.RUnlock()
	f, ok := byName[name]
	if !ok {
		return nil, fmt.Errorf("%w %q (known: %v)", ErrUnknown, name, namesLocked())
	}
	return f, nil
}

// Names returns the registered format names, sorted.
func Names() []string {
	mu.RLock()
	defer mu.RUnlock()
	return namesLocked()
}

func namesLocked() []string {
	out := make([]string, 0, len(byName))
	for n := range byName {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// For returns the format to store results of type t under: the one named
// name when name is not empty, otherwise bytes for []byte, json for types
// that survive a JSON round trip, and gob for the rest. The chosen format
// must accept t.
func For(name string, t reflect.Type) (Format, error) {
	if name != "" {
		f, err := Lookup(name)
		if err != nil {
			return nil, err
		}
		if c, ok := f.(Checker); ok {
			if err := c.Check(t); err != nil {
				return nil, fmt.Errorf("format %s cannot store %s: %w", name, t, err)
			}
		}
		return f, nil
	}
	if t == reflect.TypeFor[[]byte]() {
		return Bytes{}, nil
	}
	if err := (JSON{}).Check(t); err == nil {
		return JSON{}, nil
	}
	if err := (Gob{}).Check(t); err != nil {
		return nil, fmt.Errorf("no format can store %s: %w; register one with formats.Register and name it with registry.Format", t, err)
	}
	return Gob{}, nil
}
