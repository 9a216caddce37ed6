// Package engine turns a config into a workflow and runs it: it binds each
// step's arguments to its registered Go function, builds the graph from
// refs, fingerprints every step, and executes what the cache does not
// already hold.
//
// The engine is a library as well as the heart of the formed command:
//
//	wf, err := engine.Load("config.jsonnet", config.Options{}, registry.Default)
//	res, err := engine.Run(ctx, wf, engine.Options{Organizer: memory.New()})
//	v, err := res.Value(ctx, "sum")
package engine

import (
	"fmt"
	"reflect"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/formed-dev/formed/engine/args"
	"github.com/formed-dev/formed/engine/config"
	"github.com/formed-dev/formed/engine/graph"
	"github.com/formed-dev/formed/formats"
	"github.com/formed-dev/formed/internal/suggest"
	"github.com/formed-dev/formed/registry"
)

// Workflow is a config bound to a registry: every step resolved, every
// argument checked, the graph acyclic.
type Workflow struct {
	Config   *config.Config
	Registry *registry.Registry
	Graph    *graph.Graph
	// Steps are in config order.
	Steps  []*Step
	byName map[string]*Step
}

// Step is one bound step of a workflow.
type Step struct {
	Name string
	Spec *config.Step
	Def  *registry.Step
	Args *args.Bound
	// Format stores the step's result.
	Format formats.Format
	// CodeVersion is the step's code version and CodeSource where it came
	// from (option, generated, source, vcs).
	CodeVersion, CodeSource string
}

// Step returns the step named name.
func (w *Workflow) Step(name string) (*Step, bool) {
	s, ok := w.byName[name]
	return s, ok
}

// Load evaluates the config at path and binds it to reg. All problems come
// back together as config.Errors.
func Load(path string, opts config.Options, reg *registry.Registry) (*Workflow, error) {
	cfg, err := config.Load(path, opts)
	if err != nil {
		return nil, err
	}
	return New(cfg, reg)
}

// New binds an evaluated config to reg, checking step types, arguments,
// ref targets, ref types and cycles, and reporting every problem at once.
func New(cfg *config.Config, reg *registry.Registry) (*Workflow, error) {
	w := &Workflow{Config: cfg, Registry: reg, Graph: &graph.Graph{}, byName: make(map[string]*Step, len(cfg.Steps))}
	binder := &args.Binder{Registry: reg, Pos: func(p []string) config.Pos { return cfg.Pos(p...) }}
	bound := bindAll(cfg, reg, binder)
	var errs config.Errors
	var typeNames []string
	type formatOf struct {
		f   formats.Format
		err error
	}
	formatsOf := map[*registry.Step]formatOf{}
	for i, spec := range cfg.Steps {
		w.Graph.Add(spec.Name)
		def, ok := reg.Step(spec.Type)
		if !ok {
			if typeNames == nil {
				for _, s := range reg.Steps() {
					typeNames = append(typeNames, s.Name)
				}
			}
			hint := suggest.Hint(spec.Type, typeNames)
			if hint == "" {
				hint = "'formed workflow steps' lists the registered steps"
			}
			errs = append(errs, &config.Error{Path: "steps." + spec.Name + ".type", Pos: cfg.Pos("steps", spec.Name, "type"),
				Msg: fmt.Sprintf("unknown step type %q", spec.Type), Hint: hint})
			continue
		}
		errs = append(errs, bound[i].errs...)
		fo, ok := formatsOf[def]
		if !ok {
			fo.f, fo.err = formats.For(def.Format, def.Result)
			formatsOf[def] = fo
		}
		if fo.err != nil {
			errs = append(errs, &config.Error{Path: "steps." + spec.Name, Pos: spec.Pos, Msg: fo.err.Error(),
				Hint: fmt.Sprintf("step type %s is registered at %s", def.Name, def.Site)})
		}
		version, source := codeVersion(def, bound[i].args.Impls)
		s := &Step{Name: spec.Name, Spec: spec, Def: def, Args: bound[i].args, Format: fo.f, CodeVersion: version, CodeSource: source}
		w.Steps = append(w.Steps, s)
		w.byName[s.Name] = s
	}
	for _, s := range w.Steps {
		if s.Def.Args.Implements(stamperType) && len(s.Args.Refs) > 0 {
			errs = append(errs, &config.Error{Path: s.Args.Refs[0].At, Pos: cfg.Pos(strings.Split(s.Args.Refs[0].At, ".")...),
				Msg:  fmt.Sprintf("step type %s stamps its inputs when planning, so its arguments cannot contain refs", s.Def.Name),
				Hint: "write the value literally"})
		}
	}
	// Refs: targets must exist; each is an edge.
	for _, s := range w.Steps {
		for _, r := range s.Args.Refs {
			if !w.Graph.Has(r.Step) {
				e := cfg.UnknownStep(r.Step, r.At)
				e.Msg = fmt.Sprintf("ref to unknown step %q", r.Step)
				e.Pos = cfg.Pos(strings.Split(r.At, ".")...)
				errs = append(errs, e)
				continue
			}
			w.Graph.Connect(r.Step, s.Name)
		}
	}
	for _, c := range w.Graph.Cycles() {
		errs = append(errs, &config.Error{Path: "steps." + c[0], Pos: cfg.Pos("steps", c[0]),
			Msg: "cycle: " + graph.CycleString(c), Hint: "a step cannot depend on its own result; break the cycle"})
	}
	// Ref types: the selected part of the producer's result must fit.
	for _, s := range w.Steps {
		for _, r := range s.Args.Refs {
			p, ok := w.byName[r.Step]
			if !ok {
				continue
			}
			if _, err := args.Fit(p.Def.Result, r.Path, r.Want); err != nil {
				hint := ""
				if fe, ok := err.(*args.FieldError); ok {
					hint = suggest.Hint(fe.Field, fe.Fields)
					if hint == "" && len(fe.Fields) > 0 {
						hint = "fields: " + strings.Join(fe.Fields, ", ")
					}
				}
				errs = append(errs, &config.Error{Path: r.At, Pos: cfg.Pos(strings.Split(r.At, ".")...),
					Msg: fmt.Sprintf("ref %s: %v", r, err), Hint: hint})
			}
		}
	}
	if len(errs) > 0 {
		return nil, errs
	}
	return w, nil
}

type bindResult struct {
	args *args.Bound
	errs config.Errors
}

// bindAll binds the arguments of every step of a registered type, in
// parallel for large configs: binding is most of New's time, and steps
// bind independently.
func bindAll(cfg *config.Config, reg *registry.Registry, binder *args.Binder) []bindResult {
	out := make([]bindResult, len(cfg.Steps))
	parallel(len(out), func() func(int) {
		return func(i int) {
			spec := cfg.Steps[i]
			if def, ok := reg.Step(spec.Type); ok {
				out[i].args, out[i].errs = binder.Bind(def.Args, spec.Args, []string{"steps", spec.Name})
			}
		}
	})
	return out
}

// parallel calls a worker's function for each of 0..n-1, in chunks, with
// one worker per processor; newWorker makes each worker's function (and
// its scratch space). Small n runs on the calling goroutine.
func parallel(n int, newWorker func() func(int)) {
	const chunk = 256
	workers := min(runtime.GOMAXPROCS(0), (n+chunk-1)/chunk)
	if workers <= 1 {
		fn := newWorker()
		for i := range n {
			fn(i)
		}
		return
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			fn := newWorker()
			for {
				start := int(next.Add(chunk)) - chunk
				if start >= n {
					return
				}
				for i := start; i < min(start+chunk, n); i++ {
					fn(i)
				}
			}
		})
	}
	wg.Wait()
}

// ResultType returns the Go type of step name's result.
func (w *Workflow) ResultType(name string) reflect.Type {
	if s, ok := w.byName[name]; ok {
		return s.Def.Result
	}
	return nil
}
