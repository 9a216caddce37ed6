package codeversion

import (
	"encoding/binary"
	"go/ast"
	"go/token"
	"reflect"
	"sync"
)

// Tags of the syntax-tree encoding. Each value is a tag byte and a payload;
// lengths are unsigned varints. Struct nodes are written as their type name
// and their non-zero fields in declaration order, each after its name, so
// the encoding is unambiguous.
const (
	tagNil    = 'n'
	tagNode   = 'N' // type name, (field name, value)..., tagEnd
	tagEnd    = 'e'
	tagList   = 'L' // count, elements
	tagString = 's' // length, bytes
	tagInt    = 'i' // zig-zag varint
	tagTrue   = 't'
	tagFalse  = 'f'
)

// Types of the go/ast fields that carry no meaning for a code version.
// Object and Scope are deprecated, and named here only to be skipped.
var (
	posType     = reflect.TypeFor[token.Pos]()
	commentType = reflect.TypeFor[*ast.CommentGroup]()
	//lint:ignore SA1019 skipped, never read
	objectType = reflect.TypeFor[*ast.Object]()
	//lint:ignore SA1019 skipped, never read
	scopeType = reflect.TypeFor[*ast.Scope]()
)

// fieldsOf caches, per go/ast struct type, the indexes of the fields that
// carry meaning: positions, comments and resolver objects are dropped.
var fieldsOf sync.Map // reflect.Type → []int

func meaningfulFields(t reflect.Type) []int {
	if v, ok := fieldsOf.Load(t); ok {
		return v.([]int)
	}
	var idx []int
	for i := range t.NumField() {
		f := t.Field(i)
		switch f.Type {
		case posType, commentType, objectType, scopeType:
			continue
		}
		if !f.IsExported() {
			continue
		}
		idx = append(idx, i)
	}
	fieldsOf.Store(t, idx)
	return idx
}

// encode appends the canonical encoding of the syntax tree n to b. The
// encoding keeps node kinds, identifiers, operators and literal text and
// leaves out positions and comments, so gofmt and comment edits do not show.
func encode(b []byte, n ast.Node) []byte {
	return encodeValue(b, reflect.ValueOf(n))
}

func encodeValue(b []byte, v reflect.Value) []byte {
	switch v.Kind() {
	case reflect.Interface, reflect.Pointer:
		if v.IsNil() {
			return append(b, tagNil)
		}
		return encodeValue(b, v.Elem())
	case reflect.Struct:
		// Fields go by name, and zero fields not at all: a field that a
		// later Go release adds to go/ast, empty in old code, leaves the
		// encoding of that code as it was.
		t := v.Type()
		b = append(b, tagNode)
		b = appendString(b, t.Name())
		for _, i := range meaningfulFields(t) {
			f := v.Field(i)
			if f.IsZero() || f.Kind() == reflect.Slice && f.Len() == 0 {
				continue
			}
			b = appendString(b, t.Field(i).Name)
			b = encodeValue(b, f)
		}
		return append(b, tagEnd)
	case reflect.Slice:
		b = append(b, tagList)
		b = binary.AppendUvarint(b, uint64(v.Len()))
		for i := range v.Len() {
			b = encodeValue(b, v.Index(i))
		}
		return b
	case reflect.String:
		return appendString(append(b, tagString), v.String())
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return binary.AppendVarint(append(b, tagInt), v.Int())
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return binary.AppendVarint(append(b, tagInt), int64(v.Uint()))
	case reflect.Bool:
		if v.Bool() {
			return append(b, tagTrue)
		}
		return append(b, tagFalse)
	}
	// go/ast holds no maps, channels or functions outside the fields that
	// meaningfulFields drops; write the kind so nothing passes silently.
	return appendString(append(b, tagString), "?"+v.Kind().String())
}

func appendString(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}
