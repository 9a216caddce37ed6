package formats

import (
	"fmt"
	"io"
	"reflect"
)

// Bytes stores a []byte result as it is.
type Bytes struct{}

// Name implements Format.
func (Bytes) Name() string { return "bytes" }

// Version implements Format.
func (Bytes) Version() string { return "1" }

// Encode implements Format.
func (Bytes) Encode(w io.Writer, v any) error {
	b, ok := v.([]byte)
	if !ok {
		return fmt.Errorf("bytes format: want []byte, got %T", v)
	}
	_, err := w.Write(b)
	return err
}

// Decode implements Format.
func (Bytes) Decode(r io.Reader, t reflect.Type) (any, error) {
	b, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	return reflect.ValueOf(b).Convert(t).Interface(), nil
}

// Check implements Checker.
func (Bytes) Check(t reflect.Type) error {
	if t.Kind() != reflect.Slice || t.Elem().Kind() != reflect.Uint8 {
		return fmt.Errorf("want a byte slice, not %s", t)
	}
	return nil
}

// Text stores a string result as its UTF-8 bytes.
type Text struct{}

// Name implements Format.
func (Text) Name() string { return "text" }

// Version implements Format.
func (Text) Version() string { return "1" }

// Encode implements Format.
func (Text) Encode(w io.Writer, v any) error {
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.String {
		return fmt.Errorf("text format: want a string, got %T", v)
	}
	_, err := io.WriteString(w, rv.String())
	return err
}

// Decode implements Format.
func (Text) Decode(r io.Reader, t reflect.Type) (any, error) {
	b, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	return reflect.ValueOf(string(b)).Convert(t).Interface(), nil
}

// Check implements Checker.
func (Text) Check(t reflect.Type) error {
	if t.Kind() != reflect.String {
		return fmt.Errorf("want a string type, not %s", t)
	}
	return nil
}
