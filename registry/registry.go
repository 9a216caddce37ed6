package registry

import (
	"context"
	"fmt"
	"net/url"
	"reflect"
	"runtime"
	"sort"
	"strings"
	"sync"
)

// Func is the shape of a step function: it takes the decoded argument
// struct A and returns a result R.
type Func[A, R any] func(ctx context.Context, args A) (R, error)

// Step is one registered step.
type Step struct {
	// Name is the step type that configs name in their type field.
	Name string
	// Version is the code version given with the Version option, or "".
	Version string
	// Deterministic reports whether the same arguments always give the same
	// result. A non-deterministic step gets a fresh fingerprint every run.
	Deterministic bool
	// Format names the formats codec for the result, or "" for the default.
	Format string
	// Description documents the step; it reaches the JSON Schema.
	Description string
	// Args is the argument struct type.
	Args reflect.Type
	// Result is the result type.
	Result reflect.Type
	// Call runs the step on an argument value of type Args.
	Call func(ctx context.Context, args any) (any, error)
	// Func is the function as registered, for code-version detection.
	Func any
	// Site is the file:line of the Register call.
	Site string
	// Package is the import path of the package whose code called
	// Register ("main" for a command), which may differ from the package
	// that declares Func.
	Package string

	cacheable *bool
}

// Cacheable reports whether results of s are stored: when the Cacheable
// option says so, or when it is unset and s is deterministic.
func (s *Step) Cacheable() bool {
	if s.cacheable != nil {
		return *s.cacheable
	}
	return s.Deterministic
}

// FuncName is the runtime name of the step function, such as
// "example.com/m/steps.Add" or "example.com/m/steps.init.func1".
func (s *Step) FuncName() string {
	return runtime.FuncForPC(reflect.ValueOf(s.Func).Pointer()).Name()
}

// Impl is one registered implementation of an interface.
type Impl struct {
	// Interface is the interface type the implementation satisfies.
	Interface reflect.Type
	// Name is the value of the type field that selects the implementation.
	Name string
	// Type is the concrete type: a struct, or a pointer to one.
	Type reflect.Type
	// Proto is the prototype value; its field values are the defaults.
	Proto any
	// Description documents the implementation.
	Description string
	// Site is the file:line of the RegisterImpl call.
	Site string
	// Package is the import path of the package whose code called
	// RegisterImpl.
	Package string
}

// Struct is the struct type the config object decodes into.
func (im *Impl) Struct() reflect.Type {
	if im.Type.Kind() == reflect.Pointer {
		return im.Type.Elem()
	}
	return im.Type
}

// Registry is a set of steps and implementations. The zero value is not
// usable; call New. Methods are safe for concurrent use.
type Registry struct {
	mu    sync.RWMutex
	steps map[string]*Step
	impls map[reflect.Type]map[string]*Impl
}

// New returns an empty registry.
func New() *Registry {
	return &Registry{steps: map[string]*Step{}, impls: map[reflect.Type]map[string]*Impl{}}
}

// Default is the registry that Register and RegisterImpl add to and that
// the formed command reads.
var Default = New()

// Register adds a step named name to Default. It panics if the name is
// taken or the function's types are unusable; call it from init.
func Register[A, R any](name string, fn Func[A, R], opts ...Option) *Step {
	return add(Default, name, fn, 2, opts)
}

// Add adds a step to r, as Register does to Default.
func Add[A, R any](r *Registry, name string, fn Func[A, R], opts ...Option) *Step {
	return add(r, name, fn, 2, opts)
}

func add[A, R any](r *Registry, name string, fn Func[A, R], skip int, opts []Option) *Step {
	site, pkg := callerPackage(skip + 1)
	if fn == nil {
		panic(fmt.Sprintf("registry: step %q at %s: nil function", name, site))
	}
	if !validName(name) {
		panic(fmt.Sprintf("registry: step %q at %s: a name is letters, digits, '_', '-', '.' or '/', starting with a letter", name, site))
	}
	args := reflect.TypeFor[A]()
	if args.Kind() != reflect.Struct {
		panic(fmt.Sprintf("registry: step %q at %s: arguments must be a struct type, not %s", name, site, args))
	}
	s := &Step{
		Name:          name,
		Deterministic: true,
		Args:          args,
		Result:        reflect.TypeFor[R](),
		Call:          func(ctx context.Context, a any) (any, error) { return fn(ctx, a.(A)) },
		Func:          fn,
		Site:          site,
		Package:       pkg,
	}
	var o options
	for _, opt := range opts {
		opt(&o)
	}
	s.Version, s.Format, s.Description, s.cacheable = o.version, o.format, o.description, o.cacheable
	if o.deterministic != nil {
		s.Deterministic = *o.deterministic
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if old, ok := r.steps[name]; ok {
		panic(fmt.Sprintf("registry: step %q registered twice: first by package %s (%s at %s), again by package %s (%s at %s)",
			name, old.Package, old.FuncName(), old.Site, pkg, s.FuncName(), site))
	}
	r.steps[name] = s
	return s
}

// RegisterImpl adds to Default an implementation of the interface I named
// name. proto's dynamic type is the implementation; its field values are
// the defaults for fields the config leaves out. It panics if I is not an
// interface or name is taken for I.
func RegisterImpl[I any](name string, proto I, opts ...Option) *Impl {
	return addImpl[I](Default, name, proto, opts)
}

// AddImpl adds an implementation to r, as RegisterImpl does to Default.
func AddImpl[I any](r *Registry, name string, proto I, opts ...Option) *Impl {
	return addImpl[I](r, name, proto, opts)
}

func addImpl[I any](r *Registry, name string, proto I, opts []Option) *Impl {
	site, pkg := callerPackage(3)
	iface := reflect.TypeFor[I]()
	if iface.Kind() != reflect.Interface {
		panic(fmt.Sprintf("registry: implementation %q at %s: %s is not an interface type", name, site, iface))
	}
	if !validName(name) {
		panic(fmt.Sprintf("registry: implementation %q at %s: a name is letters, digits, '_', '-', '.' or '/', starting with a letter", name, site))
	}
	v := reflect.ValueOf(proto)
	if !v.IsValid() {
		panic(fmt.Sprintf("registry: implementation %q of %s at %s: nil prototype", name, iface, site))
	}
	t := v.Type()
	st := t
	if st.Kind() == reflect.Pointer {
		st = st.Elem()
	}
	if st.Kind() != reflect.Struct {
		panic(fmt.Sprintf("registry: implementation %q of %s at %s: %s is not a struct or pointer to struct", name, iface, site, t))
	}
	if t.Kind() == reflect.Pointer && v.IsNil() {
		proto = reflect.New(st).Interface().(I)
	}
	var o options
	for _, opt := range opts {
		opt(&o)
	}
	im := &Impl{Interface: iface, Name: name, Type: t, Proto: proto, Description: o.description, Site: site, Package: pkg}
	r.mu.Lock()
	defer r.mu.Unlock()
	m := r.impls[iface]
	if m == nil {
		m = map[string]*Impl{}
		r.impls[iface] = m
	}
	if old, ok := m[name]; ok {
		panic(fmt.Sprintf("registry: implementation %q of %s registered twice: first %s by package %s at %s, again %s by package %s at %s",
			name, iface, old.Type, old.Package, old.Site, t, pkg, site))
	}
	m[name] = im
	return im
}

// Step returns the step named name.
func (r *Registry) Step(name string) (*Step, bool) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	s, ok := r.steps[name]
	return s, ok
}

// Steps returns all steps sorted by name.
func (r *Registry) Steps() []*Step {
	r.mu.RLock()
	defer r.mu.RUnlock()
	out := make([]*Step, 0, len(r.steps))
	for _, s := range r.steps {
		out = append(out, s)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// Impl returns the implementation of iface named name.
func (r *Registry) Impl(iface reflect.Type, name string) (*Impl, bool) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	im, ok := r.impls[iface][name]
	return im, ok
}

// Impls returns the implementations of iface sorted by name.
func (r *Registry) Impls(iface reflect.Type) []*Impl {
	r.mu.RLock()
	defer r.mu.RUnlock()
	out := make([]*Impl, 0, len(r.impls[iface]))
	for _, im := range r.impls[iface] {
		out = append(out, im)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// Interfaces returns the interface types that have implementations,
// sorted by their string form.
func (r *Registry) Interfaces() []reflect.Type {
	r.mu.RLock()
	defer r.mu.RUnlock()
	out := make([]reflect.Type, 0, len(r.impls))
	for t := range r.impls {
		out = append(out, t)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].String() < out[j].String() })
	return out
}

func caller(skip int) string {
	_, file, line, ok := runtime.Caller(skip)
	if !ok {
		return "unknown"
	}
	return fmt.Sprintf("%s:%d", file, line)
}

// callerPackage returns the file:line of the caller skip frames up and the
// import path of the package its function belongs to.
func callerPackage(skip int) (site, pkg string) {
	pc, file, line, ok := runtime.Caller(skip)
	if !ok {
		return "unknown", "unknown"
	}
	return fmt.Sprintf("%s:%d", file, line), funcPackage(runtime.FuncForPC(pc).Name())
}

// funcPackage returns the package path of a runtime function name such as
// "example.com/m/steps.init.func1", "example.com/m/steps.(*T).Run-fm",
// "example.com/m.reg[...]" or "main.init.0". The linker escapes dots in
// the last element of the path ("gopkg.in/yaml%2ev3.init.0").
func funcPackage(name string) string {
	if i := strings.IndexByte(name, '['); i >= 0 {
		name = name[:i] // type arguments may hold slashes and dots
	}
	slash := strings.LastIndexByte(name, '/')
	if i := strings.IndexByte(name[slash+1:], '.'); i >= 0 {
		name = name[:slash+1+i]
	}
	if p, err := url.PathUnescape(name); err == nil {
		return p
	}
	return name
}

func validName(s string) bool {
	if s == "" {
		return false
	}
	for i, c := range s {
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z':
		case i > 0 && (c >= '0' && c <= '9' || c == '_' || c == '-' || c == '.' || c == '/'):
		default:
			return false
		}
	}
	return true
}
