package formats

import (
	"encoding/gob"
	"fmt"
	"io"
	"reflect"
)

// Gob stores values with encoding/gob: Go-specific, but it keeps types
// JSON loses. Interface values inside must be registered with gob.Register.
type Gob struct{}

// Name implements Format.
func (Gob) Name() string { return "gob" }

// Version implements Format.
func (Gob) Version() string { return "1" }

// Encode implements Format.
func (Gob) Encode(w io.Writer, v any) error {
	// Encode through a pointer so that nil-able and interface results keep
	// their shape.
	p := reflect.New(reflect.TypeOf(v))
	p.Elem().Set(reflect.ValueOf(v))
	return gob.NewEncoder(w).EncodeValue(p)
}

// Decode implements Format.
func (Gob) Decode(r io.Reader, t reflect.Type) (any, error) {
	p := reflect.New(t)
	if err := gob.NewDecoder(r).DecodeValue(p); err != nil {
		return nil, err
	}
	return p.Elem().Interface(), nil
}

// Check implements Checker.
func (Gob) Check(t reflect.Type) error {
	switch t.Kind() {
	case reflect.Func, reflect.Chan, reflect.UnsafePointer:
		return fmt.Errorf("%s values cannot be gob-encoded", t)
	}
	return nil
}
