package args

import (
	"encoding"
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/formed-dev/formed/engine/config"
	"github.com/formed-dev/formed/internal/suggest"
	"github.com/formed-dev/formed/registry"
)

// Ref is a reference from one step's arguments to another step's result.
type Ref struct {
	// Step names the producer in the config.
	Step string
	// Path selects a part of the producer's result: struct fields by their
	// JSON names, map keys, list indices.
	Path []string
	// At is the config path of the ref, such as steps.doubled.x.
	At string
	// Want is the Go type the ref fills.
	Want reflect.Type
}

// String returns the ref as written: step.field.sub.
func (r *Ref) String() string {
	return strings.Join(append([]string{r.Step}, r.Path...), ".")
}

// Bound is a step's arguments bound to its argument type.
type Bound struct {
	// Full is every argument given, with defaults filled in, and refs as
	// *Ref. Decode builds the Go value from it.
	Full any
	// Canon is what is fingerprinted: Full without ignored fields and with
	// every optional field present (zero values and prototype defaults
	// included), so leaving out a default and writing it give one key.
	Canon any
	// Refs lists the refs in the arguments, in order of appearance.
	Refs []*Ref
	// Impls lists the implementations the arguments select, in order of
	// appearance; their code is part of the step's.
	Impls []*registry.Impl
}

// Binder binds config arguments to Go types.
type Binder struct {
	// Registry resolves implementations of interface-typed arguments.
	Registry *registry.Registry
	// Pos returns the source position of a config path, or the zero Pos.
	Pos func(path []string) config.Pos
}

type binding struct {
	b     *Binder
	errs  config.Errors
	refs  []*Ref
	impls []*registry.Impl
	// quiet suppresses errors, for binding defaults and zero values.
	quiet bool
}

// Bind binds raw, the decoded JSON arguments of one step found at path
// (such as steps.train), to struct type t.
func (b *Binder) Bind(t reflect.Type, raw map[string]any, path []string) (*Bound, config.Errors) {
	bd := &binding{b: b}
	full, canon := bd.bindStruct(t, raw, path, nil)
	return &Bound{Full: full, Canon: canon, Refs: bd.refs, Impls: bd.impls}, bd.errs
}

func (bd *binding) errorf(path []string, hint string, format string, a ...any) {
	if bd.quiet {
		return
	}
	e := &config.Error{Path: strings.Join(path, "."), Msg: fmt.Sprintf(format, a...), Hint: hint}
	if bd.b.Pos != nil {
		e.Pos = bd.b.Pos(path)
	}
	bd.errs = append(bd.errs, e)
}

func child(path []string, seg string) []string {
	return append(path[:len(path):len(path)], seg)
}

var (
	durationType        = reflect.TypeFor[time.Duration]()
	jsonUnmarshalerType = reflect.TypeFor[json.Unmarshaler]()
	textUnmarshalerType = reflect.TypeFor[encoding.TextUnmarshaler]()
)

// IsRef reports whether v is a ref object {type: 'ref', ...}.
func IsRef(v any) bool {
	m, ok := v.(map[string]any)
	if !ok {
		return false
	}
	t, _ := m["type"].(string)
	return t == "ref"
}

func (bd *binding) bindRef(t reflect.Type, m map[string]any, path []string) any {
	s, ok := m["ref"].(string)
	if !ok || s == "" {
		bd.errorf(path, "write {type: 'ref', ref: 'step_name'}", "a ref needs ref: a step name, got %s", config.KindOf(m["ref"]))
		return nil
	}
	for k := range m {
		if k != "type" && k != "ref" {
			bd.errorf(child(path, k), "a ref has only type and ref; select a field with ref: 'step.field'", "unknown field in ref")
		}
	}
	r := &Ref{Step: s, At: strings.Join(path, "."), Want: t}
	if strings.Contains(s, ".") {
		parts := strings.Split(s, ".")
		r.Step, r.Path = parts[0], parts[1:]
	}
	bd.refs = append(bd.refs, r)
	return r
}

func (bd *binding) bind(t reflect.Type, v any, path []string) (full, canon any) {
	if m, ok := v.(map[string]any); ok && IsRef(m) {
		r := bd.bindRef(t, m, path)
		return r, r
	}
	if t == durationType {
		switch x := v.(type) {
		case string:
			d, err := time.ParseDuration(x)
			if err != nil {
				bd.errorf(path, "write a duration such as '90s' or '1h30m'", "%v", err)
				return nil, nil
			}
			return int64(d), int64(d)
		}
	}
	if t.Kind() != reflect.Interface && t.Kind() != reflect.Pointer && customJSON(t) {
		return bd.bindCustom(t, v, path)
	}
	switch t.Kind() {
	case reflect.Pointer:
		if v == nil {
			return nil, nil
		}
		return bd.bind(t.Elem(), v, path)
	case reflect.Bool:
		if b, ok := v.(bool); ok {
			return b, b
		}
		bd.mismatch(path, "boolean", v)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		n, ok := v.(json.Number)
		if !ok {
			bd.mismatch(path, "integer", v)
			return nil, nil
		}
		i, err := strconv.ParseInt(string(n), 10, 64)
		if err != nil {
			f, ferr := n.Float64()
			if ferr != nil || f != math.Trunc(f) || math.Abs(f) > 1<<53 {
				bd.errorf(path, "", "want integer, got %s", n)
				return nil, nil
			}
			i = int64(f)
		}
		if reflect.Zero(t).OverflowInt(i) {
			bd.errorf(path, "", "%d does not fit in %s", i, t)
			return nil, nil
		}
		return i, i
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		n, ok := v.(json.Number)
		if !ok {
			bd.mismatch(path, "non-negative integer", v)
			return nil, nil
		}
		u, err := strconv.ParseUint(string(n), 10, 64)
		if err != nil {
			f, ferr := n.Float64()
			if ferr != nil || f < 0 || f != math.Trunc(f) || f > 1<<53 {
				bd.errorf(path, "", "want non-negative integer, got %s", n)
				return nil, nil
			}
			u = uint64(f)
		}
		if reflect.Zero(t).OverflowUint(u) {
			bd.errorf(path, "", "%d does not fit in %s", u, t)
			return nil, nil
		}
		return u, u
	case reflect.Float32, reflect.Float64:
		n, ok := v.(json.Number)
		if !ok {
			bd.mismatch(path, "number", v)
			return nil, nil
		}
		f, err := n.Float64()
		if err != nil {
			bd.errorf(path, "", "want number, got %s", n)
			return nil, nil
		}
		return f, f
	case reflect.String:
		if s, ok := v.(string); ok {
			return s, s
		}
		bd.mismatch(path, "string", v)
	case reflect.Slice, reflect.Array:
		if t.Elem().Kind() == reflect.Uint8 && t.Kind() == reflect.Slice {
			if s, ok := v.(string); ok {
				return s, s
			}
		}
		list, ok := v.([]any)
		if !ok {
			bd.mismatch(path, "array", v)
			return nil, nil
		}
		if t.Kind() == reflect.Array && len(list) != t.Len() {
			bd.errorf(path, "", "want an array of %d, got %d items", t.Len(), len(list))
		}
		full, canon := make([]any, len(list)), make([]any, len(list))
		for i, x := range list {
			full[i], canon[i] = bd.bind(t.Elem(), x, child(path, strconv.Itoa(i)))
		}
		return full, canon
	case reflect.Map:
		m, ok := v.(map[string]any)
		if !ok {
			bd.mismatch(path, "object", v)
			return nil, nil
		}
		full, canon := make(map[string]any, len(m)), make(map[string]any, len(m))
		for k, x := range m {
			if err := checkMapKey(t.Key(), k); err != nil {
				bd.errorf(child(path, k), "", "%v", err)
				continue
			}
			full[k], canon[k] = bd.bind(t.Elem(), x, child(path, k))
		}
		return full, canon
	case reflect.Struct:
		m, ok := v.(map[string]any)
		if !ok {
			bd.mismatch(path, "object", v)
			return nil, nil
		}
		return bd.bindStruct(t, m, path, nil)
	case reflect.Interface:
		if t.NumMethod() == 0 && len(bd.b.Registry.Impls(t)) == 0 {
			return bd.bindAny(v, path)
		}
		return bd.bindImpl(t, v, path)
	default:
		bd.errorf(path, "change the argument's Go type", "arguments of Go type %s cannot be configured", t)
	}
	return nil, nil
}

func (bd *binding) mismatch(path []string, want string, got any) {
	hint := ""
	if s, ok := got.(string); ok && (want == "number" || want == "integer") {
		if _, err := strconv.ParseFloat(s, 64); err == nil {
			hint = "remove the quotes"
		}
	}
	bd.errorf(path, hint, "want %s, got %s", want, config.KindOf(got))
}

func checkMapKey(t reflect.Type, k string) error {
	switch t.Kind() {
	case reflect.String:
		return nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		_, err := strconv.ParseInt(k, 10, t.Bits())
		if err != nil {
			return fmt.Errorf("key %q is not an integer", k)
		}
		return nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		_, err := strconv.ParseUint(k, 10, t.Bits())
		if err != nil {
			return fmt.Errorf("key %q is not a non-negative integer", k)
		}
		return nil
	}
	if reflect.PointerTo(t).Implements(textUnmarshalerType) {
		return reflect.New(t).Interface().(encoding.TextUnmarshaler).UnmarshalText([]byte(k))
	}
	return fmt.Errorf("map key type %s cannot be configured", t)
}

// customJSON reports whether t decodes itself from JSON or text.
func customJSON(t reflect.Type) bool {
	p := reflect.PointerTo(t)
	return p.Implements(jsonUnmarshalerType) || p.Implements(textUnmarshalerType)
}

// bindCustom checks a value for a type that decodes itself (time.Time, …)
// by decoding it, and keeps it as generic JSON.
func (bd *binding) bindCustom(t reflect.Type, v any, path []string) (any, any) {
	if containsRef(v) {
		bd.errorf(path, "refer to the whole value instead", "a ref cannot stand inside a %s", t)
		return nil, nil
	}
	raw, _ := json.Marshal(v)
	p := reflect.New(t)
	var err error
	if p.Type().Implements(jsonUnmarshalerType) {
		err = json.Unmarshal(raw, p.Interface())
	} else if s, ok := v.(string); ok {
		err = p.Interface().(encoding.TextUnmarshaler).UnmarshalText([]byte(s))
	} else {
		err = fmt.Errorf("want string, got %s", config.KindOf(v))
	}
	if err != nil {
		bd.errorf(path, "", "not a valid %s: %v", t, err)
		return nil, nil
	}
	g := generic(v)
	return g, g
}

func containsRef(v any) bool {
	switch x := v.(type) {
	case map[string]any:
		if IsRef(x) {
			return true
		}
		for _, y := range x {
			if containsRef(y) {
				return true
			}
		}
	case []any:
		for _, y := range x {
			if containsRef(y) {
				return true
			}
		}
	}
	return false
}

// bindAny keeps v as generic JSON (numbers as float64, as encoding/json
// gives them to an any), with refs still allowed inside.
func (bd *binding) bindAny(v any, path []string) (any, any) {
	switch x := v.(type) {
	case map[string]any:
		if IsRef(x) {
			r := bd.bindRef(reflect.TypeFor[any](), x, path)
			return r, r
		}
		full, canon := make(map[string]any, len(x)), make(map[string]any, len(x))
		for k, y := range x {
			full[k], canon[k] = bd.bindAny(y, child(path, k))
		}
		return full, canon
	case []any:
		full, canon := make([]any, len(x)), make([]any, len(x))
		for i, y := range x {
			full[i], canon[i] = bd.bindAny(y, child(path, strconv.Itoa(i)))
		}
		return full, canon
	}
	g := generic(v)
	return g, g
}

// generic normalises decoded JSON: numbers become float64.
func generic(v any) any {
	switch x := v.(type) {
	case json.Number:
		f, _ := x.Float64()
		return f
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, y := range x {
			out[k] = generic(y)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, y := range x {
			out[i] = generic(y)
		}
		return out
	}
	return v
}

func (bd *binding) bindImpl(t reflect.Type, v any, path []string) (any, any) {
	m, ok := v.(map[string]any)
	if !ok {
		bd.errorf(path, "write {type: 'implementation', ...}", "want an object naming an implementation of %s, got %s", t, config.KindOf(v))
		return nil, nil
	}
	impls := bd.b.Registry.Impls(t)
	names := make([]string, len(impls))
	for i, im := range impls {
		names[i] = im.Name
	}
	name, ok := m["type"].(string)
	if !ok {
		hint := "add type: one of " + strings.Join(names, ", ")
		if len(names) == 0 {
			hint = "register one with registry.RegisterImpl"
		}
		bd.errorf(path, hint, "missing type: which implementation of %s", t)
		return nil, nil
	}
	im, ok := bd.b.Registry.Impl(t, name)
	if !ok {
		bd.errorf(child(path, "type"), suggest.Hint(name, names), "unknown implementation %q of %s", name, t)
		return nil, nil
	}
	bd.impls = append(bd.impls, im)
	rest := make(map[string]any, len(m))
	for k, x := range m {
		if k != "type" {
			rest[k] = x
		}
	}
	full, canon := bd.bindStruct(im.Struct(), rest, path, im)
	full["type"] = name
	canon["type"] = name
	return full, canon
}

// bindStruct binds an object to struct type t. For an implementation, the
// prototype's fields are the defaults.
func (bd *binding) bindStruct(t reflect.Type, m map[string]any, path []string, im *registry.Impl) (map[string]any, map[string]any) {
	fs := cachedFields(t)
	full, canon := make(map[string]any, len(m)), make(map[string]any, len(fs))
	for _, f := range fs {
		p := child(path, f.name)
		v, present := m[f.name]
		var fv, cv any
		switch {
		case present:
			fv, cv = bd.bind(f.typ, v, p)
			bd.checkEnum(f, v, p)
		case f.hasDef:
			fv, cv = bd.defaultValue(f, p)
		case !f.optional && im == nil:
			bd.errorf(p, "", "missing required argument (%s)", describe(f.typ))
			continue
		case im != nil:
			cv = protoField(im, f)
		default:
			cv = zeroCanon(f.typ)
		}
		if present || f.hasDef {
			full[f.name] = fv
		}
		if !f.ignore {
			canon[f.name] = cv
		}
	}
	if !allKnown(m, fs) {
		names := make([]string, 0, len(fs))
		for _, f := range fs {
			names = append(names, f.name)
		}
		for _, k := range sortedKeys(m) {
			if !isField(k, fs) {
				hint := suggest.Hint(k, names)
				if hint == "" {
					hint = "arguments: " + strings.Join(names, ", ")
				}
				bd.errorf(child(path, k), hint, "unknown argument")
			}
		}
	}
	return full, canon
}

// allKnown reports whether every key of m names one of fs. Structs have a
// handful of fields: a scan beats building a set for every step.
func allKnown(m map[string]any, fs []fieldInfo) bool {
	if len(m) > len(fs) {
		return false
	}
	for k := range m {
		if !isField(k, fs) {
			return false
		}
	}
	return true
}

func isField(name string, fs []fieldInfo) bool {
	for i := range fs {
		if fs[i].name == name {
			return true
		}
	}
	return false
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func (bd *binding) checkEnum(f fieldInfo, v any, path []string) {
	if len(f.enum) == 0 || IsRef(v) {
		return
	}
	s := fmt.Sprint(v)
	for _, e := range f.enum {
		if e == s {
			return
		}
	}
	bd.errorf(path, suggest.Hint(s, f.enum), "%q is not one of %s", s, strings.Join(f.enum, ", "))
}

func (bd *binding) defaultValue(f fieldInfo, path []string) (any, any) {
	var raw any = f.def
	if k := underlying(f.typ).Kind(); k != reflect.String || customJSON(underlying(f.typ)) {
		if v, err := decodeLoose(f.def); err == nil {
			raw = v
		}
	}
	q := &binding{b: bd.b, quiet: true}
	fv, cv := q.bind(f.typ, raw, path)
	if len(q.errs) > 0 {
		bd.errorf(path, "fix the struct tag", "default %q does not fit %s", f.def, f.typ)
	}
	return fv, cv
}

func underlying(t reflect.Type) reflect.Type {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return t
}

func decodeLoose(s string) (any, error) {
	d := json.NewDecoder(strings.NewReader(s))
	d.UseNumber()
	var v any
	err := d.Decode(&v)
	return v, err
}

var (
	fieldCache sync.Map // reflect.Type -> []fieldInfo
	zeroCache  sync.Map // reflect.Type -> canonical zero value
)

func cachedFields(t reflect.Type) []fieldInfo {
	if v, ok := fieldCache.Load(t); ok {
		return v.([]fieldInfo)
	}
	fs := fields(t)
	fieldCache.Store(t, fs)
	return fs
}

// canonOf gives the canonical form of a Go value, by way of JSON.
func canonOf(t reflect.Type, v any) any {
	raw, err := json.Marshal(v)
	if err != nil {
		return nil
	}
	d, err := decodeLoose(string(raw))
	if err != nil {
		return nil
	}
	q := &binding{b: &Binder{Registry: registry.New()}, quiet: true}
	_, cv := q.bind(t, d, nil)
	return cv
}

func zeroCanon(t reflect.Type) any {
	if t.Kind() == reflect.Pointer || t.Kind() == reflect.Interface {
		return nil
	}
	if v, ok := zeroCache.Load(t); ok {
		return v
	}
	cv := canonOf(t, reflect.Zero(t).Interface())
	zeroCache.Store(t, cv)
	return cv
}

func protoField(im *registry.Impl, f fieldInfo) any {
	v := reflect.ValueOf(im.Proto)
	if v.Kind() == reflect.Pointer {
		v = v.Elem()
	}
	fv, err := v.FieldByIndexErr(f.index)
	if err != nil {
		return nil
	}
	return canonOf(f.typ, fv.Interface())
}

// describe names a Go type the way a config author thinks of it.
func describe(t reflect.Type) string {
	switch underlying(t).Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return "integer"
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "non-negative integer"
	}
	switch kind := JSONKind(t); kind {
	case "object", "array":
		return kind + " " + t.String()
	case "any":
		return t.String()
	default:
		return kind
	}
}
