package args

import (
	"encoding"
	"encoding/json"
	"fmt"
	"reflect"
	"strconv"

	"github.com/formed-dev/formed/registry"
)

// Resolver returns the result of the step a ref names, whole; Decode
// selects the ref's path from it.
type Resolver func(r *Ref) (any, error)

// Decode builds a value of type t from a bound tree, resolving refs with
// resolve. reg resolves implementation names.
func Decode(reg *registry.Registry, t reflect.Type, full any, resolve Resolver) (any, error) {
	dst := reflect.New(t).Elem()
	d := decoder{reg: reg, resolve: resolve}
	if err := d.decode(dst, full); err != nil {
		return nil, err
	}
	return dst.Interface(), nil
}

type decoder struct {
	reg     *registry.Registry
	resolve Resolver
}

func (d *decoder) decode(dst reflect.Value, v any) error {
	if r, ok := v.(*Ref); ok {
		return d.decodeRef(dst, r)
	}
	t := dst.Type()
	if v == nil {
		dst.SetZero()
		return nil
	}
	if t.Kind() != reflect.Interface && t.Kind() != reflect.Pointer && customJSON(t) {
		return viaJSON(dst, v)
	}
	switch t.Kind() {
	case reflect.Pointer:
		p := reflect.New(t.Elem())
		if err := d.decode(p.Elem(), v); err != nil {
			return err
		}
		dst.Set(p)
	case reflect.Bool:
		dst.SetBool(v.(bool))
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		dst.SetInt(v.(int64))
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		dst.SetUint(v.(uint64))
	case reflect.Float32, reflect.Float64:
		dst.SetFloat(v.(float64))
	case reflect.String:
		dst.SetString(v.(string))
	case reflect.Slice:
		if s, ok := v.(string); ok {
			dst.SetBytes([]byte(s))
			return nil
		}
		list := v.([]any)
		s := reflect.MakeSlice(t, len(list), len(list))
		for i, x := range list {
			if err := d.decode(s.Index(i), x); err != nil {
				return err
			}
		}
		dst.Set(s)
	case reflect.Array:
		for i, x := range v.([]any) {
			if i < dst.Len() {
				if err := d.decode(dst.Index(i), x); err != nil {
					return err
				}
			}
		}
	case reflect.Map:
		m := v.(map[string]any)
		out := reflect.MakeMapWithSize(t, len(m))
		for k, x := range m {
			kv, err := mapKey(t.Key(), k)
			if err != nil {
				return err
			}
			ev := reflect.New(t.Elem()).Elem()
			if err := d.decode(ev, x); err != nil {
				return err
			}
			out.SetMapIndex(kv, ev)
		}
		dst.Set(out)
	case reflect.Struct:
		return d.decodeStruct(dst, v.(map[string]any))
	case reflect.Interface:
		m, isMap := v.(map[string]any)
		name, _ := m["type"].(string)
		if im, ok := d.reg.Impl(t, name); ok && isMap {
			return d.decodeImpl(dst, im, m)
		}
		g, err := d.generic(v)
		if err != nil {
			return err
		}
		if g != nil {
			dst.Set(reflect.ValueOf(g))
		}
	default:
		return fmt.Errorf("cannot decode into %s", t)
	}
	return nil
}

func (d *decoder) decodeStruct(dst reflect.Value, m map[string]any) error {
	for _, f := range cachedFields(dst.Type()) {
		v, ok := m[f.name]
		if !ok {
			continue
		}
		fv, err := dst.FieldByIndexErr(f.index)
		if err != nil {
			// A nil embedded pointer: allocate it.
			fv = fieldAlloc(dst, f.index)
		}
		if err := d.decode(fv, v); err != nil {
			return fmt.Errorf("%s: %w", f.name, err)
		}
	}
	return nil
}

func fieldAlloc(v reflect.Value, index []int) reflect.Value {
	for i, x := range index {
		if i > 0 && v.Kind() == reflect.Pointer {
			if v.IsNil() {
				v.Set(reflect.New(v.Type().Elem()))
			}
			v = v.Elem()
		}
		v = v.Field(x)
	}
	return v
}

func (d *decoder) decodeImpl(dst reflect.Value, im *registry.Impl, m map[string]any) error {
	st := im.Struct()
	sv := reflect.New(st).Elem()
	proto := reflect.ValueOf(im.Proto)
	if proto.Kind() == reflect.Pointer {
		proto = proto.Elem()
	}
	sv.Set(proto) // shallow copy: prototype values are the defaults
	if err := d.decodeStruct(sv, m); err != nil {
		return err
	}
	if im.Type.Kind() == reflect.Pointer {
		p := reflect.New(st)
		p.Elem().Set(sv)
		dst.Set(p)
	} else {
		dst.Set(sv)
	}
	return nil
}

// generic resolves refs inside an any-typed value.
func (d *decoder) generic(v any) (any, error) {
	switch x := v.(type) {
	case *Ref:
		res, err := d.resolve(x)
		if err != nil {
			return nil, err
		}
		return Select(res, x.Path)
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, y := range x {
			g, err := d.generic(y)
			if err != nil {
				return nil, err
			}
			out[k] = g
		}
		return out, nil
	case []any:
		out := make([]any, len(x))
		for i, y := range x {
			g, err := d.generic(y)
			if err != nil {
				return nil, err
			}
			out[i] = g
		}
		return out, nil
	}
	return v, nil
}

func (d *decoder) decodeRef(dst reflect.Value, r *Ref) error {
	res, err := d.resolve(r)
	if err != nil {
		return err
	}
	sel, err := Select(res, r.Path)
	if err != nil {
		return fmt.Errorf("%s: ref %s: %w", r.At, r, err)
	}
	if sel == nil {
		dst.SetZero()
		return nil
	}
	sv := reflect.ValueOf(sel)
	if sv.Type().AssignableTo(dst.Type()) {
		dst.Set(sv)
		return nil
	}
	if sv.Type().ConvertibleTo(dst.Type()) && JSONKind(sv.Type()) == JSONKind(dst.Type()) && JSONKind(dst.Type()) != "array" && JSONKind(dst.Type()) != "object" {
		dst.Set(sv.Convert(dst.Type()))
		return nil
	}
	if err := viaJSON(dst, sel); err != nil {
		return fmt.Errorf("%s: ref %s: %s does not fit %s: %w", r.At, r, sv.Type(), dst.Type(), err)
	}
	return nil
}

// viaJSON sets dst from v by a JSON round trip.
func viaJSON(dst reflect.Value, v any) error {
	raw, err := json.Marshal(v)
	if err != nil {
		return err
	}
	p := reflect.New(dst.Type())
	if err := json.Unmarshal(raw, p.Interface()); err != nil {
		return err
	}
	dst.Set(p.Elem())
	return nil
}

func mapKey(t reflect.Type, k string) (reflect.Value, error) {
	v := reflect.New(t).Elem()
	switch t.Kind() {
	case reflect.String:
		v.SetString(k)
		return v, nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		i, err := strconv.ParseInt(k, 10, t.Bits())
		v.SetInt(i)
		return v, err
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		u, err := strconv.ParseUint(k, 10, t.Bits())
		v.SetUint(u)
		return v, err
	}
	err := v.Addr().Interface().(encoding.TextUnmarshaler).UnmarshalText([]byte(k))
	return v, err
}
