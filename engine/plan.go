package engine

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"reflect"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/formed-dev/formed/cache"
	"github.com/formed-dev/formed/engine/args"
	"github.com/formed-dev/formed/engine/config"
	"github.com/formed-dev/formed/internal/suggest"
	"github.com/formed-dev/formed/registry"
)

// Reasons a step will run, as shown by --dry-run and stored in run records.
const (
	ReasonNew           = "new"
	ReasonArgs          = "arguments changed"
	ReasonCode          = "code version changed"
	ReasonUpstream      = "upstream changed"
	ReasonForced        = "forced"
	ReasonNotCacheable  = "not cacheable"
	ReasonNondet        = "not deterministic"
	ReasonNotInCache    = "not in cache"
	ReasonPreviousError = "failed last time"
	ReasonDamaged       = "cached result damaged"
)

// PlanOptions select what a plan covers.
type PlanOptions struct {
	// Targets limits the plan to these steps and their dependencies; empty
	// means every step.
	Targets []string
	// Force recomputes these steps even when cached.
	Force []string
	// RunID names the run; it is the nonce of non-deterministic steps.
	RunID string
}

// Plan is what a run will do: every step in execution order with its key
// and whether it is cached or will run, and why.
type Plan struct {
	Workflow *Workflow
	RunID    string
	Steps    []*PlanStep
	byName   map[string]*PlanStep
}

// PlanStep is one step of a Plan.
type PlanStep struct {
	*Step
	Key cache.Key
	// Cacheable reports whether the result is stored.
	Cacheable bool
	// Cached reports whether the organizer holds the result.
	Cached bool
	// Run reports whether the step will execute; Reason says why.
	Run    bool
	Reason string
	// Deps are the producers' names; DepKeys their keys.
	Deps       []string
	DepKeys    cache.Deps
	ArgsDigest string
	// Target reports whether the step was asked for (or no targets were).
	Target bool
	// Damaged is the error (wrapping cache.ErrCorrupt) of a stored entry
	// that failed its metadata or size check; the step runs again.
	Damaged error
}

// Step returns the plan step named name.
func (p *Plan) Step(name string) (*PlanStep, bool) {
	s, ok := p.byName[name]
	return s, ok
}

// MakePlan fingerprints the workflow's steps and asks o which results it
// holds. It reads only entry metadata, never result bodies.
func MakePlan(ctx context.Context, w *Workflow, o cache.Organizer, opts PlanOptions) (*Plan, error) {
	var errs config.Errors
	for _, name := range append(append([]string(nil), opts.Targets...), opts.Force...) {
		if _, ok := w.byName[name]; !ok {
			e := w.Config.UnknownStep(name, "")
			e.Path = ""
			e.Msg = fmt.Sprintf("no step named %q in %s", name, w.Config.Path)
			e.Hint = suggest.Hint(name, w.Config.StepNames())
			errs = append(errs, e)
		}
	}
	if len(errs) > 0 {
		return nil, errs
	}
	if opts.RunID == "" {
		opts.RunID = cache.NewRunID(time.Now())
	}
	var want []string
	if len(opts.Targets) > 0 {
		want = opts.Targets
	}
	order := w.Graph.Order(want)
	forced := make(map[string]bool, len(opts.Force))
	for _, f := range opts.Force {
		forced[f] = true
	}
	targets := make(map[string]bool, len(opts.Targets))
	for _, t := range opts.Targets {
		targets[t] = true
	}
	p := &Plan{Workflow: w, RunID: opts.RunID, Steps: make([]*PlanStep, 0, len(order)), byName: make(map[string]*PlanStep, len(order))}
	stamps := make([]string, len(order))
	for i, name := range order {
		stamp, err := stampOf(ctx, w, w.byName[name])
		if err != nil {
			return nil, err
		}
		stamps[i] = stamp
	}
	// Encode every step (in parallel), then fill in producer keys in
	// dependency order (the only sequential part: a few hundred
	// nanoseconds a step), then make the plan steps (in parallel again).
	at := make(map[string]int, len(order))
	for i, name := range order {
		at[name] = i
	}
	encs := make([]stepEncoding, len(order))
	encErrs := make([]error, len(order))
	parallel(len(order), func() func(int) {
		e := cache.NewEncoder()
		return func(i int) { encs[i], encErrs[i] = encodeStep(e, w.byName[order[i]], opts.RunID, stamps[i], at) }
	})
	if err := errors.Join(encErrs...); err != nil {
		return nil, err
	}
	keys := make([]cache.Key, len(order))
	for i := range order {
		keys[i] = encs[i].key(keys)
	}
	// Ask a Prober which results it holds while the plan steps are made.
	probed := probe(ctx, o, w, order, keys)
	p.Steps = p.Steps[:len(order)]
	parallel(len(order), func() func(int) {
		return func(i int) {
			name := order[i]
			s := w.byName[name]
			deps := w.Graph.Deps(name)
			ps := &PlanStep{Step: s, Key: keys[i], ArgsDigest: encs[i].digest, Cacheable: s.Def.Cacheable(), Deps: deps, Target: len(targets) == 0 || targets[name]}
			if len(deps) > 0 {
				ps.DepKeys = make(cache.Deps, len(deps))
				for j, d := range deps {
					ps.DepKeys[j] = cache.Dep{Name: d, Key: keys[at[d]]}
				}
				slices.SortFunc(ps.DepKeys, func(a, b cache.Dep) int { return strings.Compare(a.Name, b.Name) })
			}
			p.Steps[i] = ps
		}
	})
	for _, ps := range p.Steps {
		p.byName[ps.Name] = ps
	}
	if err := lookUp(ctx, o, p.Steps, probed); err != nil {
		return nil, err
	}
	var prev map[string]*cache.StepRecord
	for _, ps := range p.Steps {
		s := ps.Step
		switch {
		case forced[ps.Name]:
			ps.Run, ps.Reason = true, ReasonForced
		case !s.Def.Deterministic:
			ps.Run, ps.Reason = true, ReasonNondet
		case !ps.Cacheable:
			ps.Run, ps.Reason = true, ReasonNotCacheable
		case !ps.Cached:
			ps.Run = true
			if prev == nil {
				prev = previousSteps(ctx, w, o)
			}
			ps.Reason = reasonAgainst(ps, prev[ps.Name])
			if ps.Damaged != nil {
				ps.Reason = ReasonDamaged
			}
		}
	}
	return p, nil
}

// reasonAgainst explains why ps is not cached, comparing with the step's
// record in the previous run of the same config.
func reasonAgainst(ps *PlanStep, prev *cache.StepRecord) string {
	switch {
	case prev == nil || prev.Type != ps.Def.Name:
		return ReasonNew
	case prev.CodeVersion != ps.CodeVersion:
		return ReasonCode
	case prev.ArgsDigest != "" && prev.ArgsDigest != ps.ArgsDigest:
		return ReasonArgs
	}
	var changed []string
	for _, d := range ps.DepKeys {
		if pk, ok := prev.Deps.Key(d.Name); !ok || pk != d.Key {
			changed = append(changed, d.Name)
		}
	}
	if len(changed) > 0 {
		sort.Strings(changed)
		return ReasonUpstream + " (" + strings.Join(changed, ", ") + ")"
	}
	if prev.Status == cache.StatusFailed || prev.Status == cache.StatusCanceled {
		return ReasonPreviousError
	}
	return ReasonNotInCache
}

// previousSteps returns the step records of the newest earlier run of the
// same config file, by step name.
func previousSteps(ctx context.Context, w *Workflow, o cache.Organizer) map[string]*cache.StepRecord {
	out := map[string]*cache.StepRecord{}
	abs, _ := filepath.Abs(w.Config.Path)
	runs, err := o.Runs(ctx)
	if err != nil {
		return out
	}
	for _, r := range runs {
		if r.Config != abs {
			continue
		}
		for i := range r.Steps {
			sr := &r.Steps[i]
			if _, seen := out[sr.Name]; !seen {
				out[sr.Name] = sr
			}
		}
		if len(out) >= len(w.Steps) {
			break
		}
	}
	return out
}

// stampOf returns the stamp of a step whose arguments implement
// registry.Stamper, or "".
func stampOf(ctx context.Context, w *Workflow, s *Step) (string, error) {
	if !s.Def.Args.Implements(stamperType) {
		return "", nil
	}
	in, err := args.Decode(w.Registry, s.Def.Args, s.Args.Full, func(r *args.Ref) (any, error) {
		return nil, fmt.Errorf("ref %s in a stamped step", r)
	})
	if err != nil {
		return "", &StepError{Step: s.Name, Err: fmt.Errorf("decode arguments: %w", err)}
	}
	stamp, err := in.(registry.Stamper).Stamp(ctx)
	if err != nil {
		return "", &config.Error{Path: "steps." + s.Name, Pos: s.Spec.Pos, Msg: fmt.Sprintf("stamp of its inputs: %v", err),
			Hint: "the step reads inputs outside its arguments; fix the arguments or the inputs"}
	}
	return stamp, nil
}

var stamperType = reflect.TypeFor[registry.Stamper]()

// probe asks o, if it is a cache.Prober, which of the cacheable steps'
// results it holds, in the background. The result is one bool per step of
// order (false for the others), or nil if o is not a Prober.
func probe(ctx context.Context, o cache.Organizer, w *Workflow, order []string, keys []cache.Key) <-chan probeResult {
	pr, ok := o.(cache.Prober)
	if !ok {
		return nil
	}
	ch := make(chan probeResult, 1)
	go func() {
		var asked []cache.Key
		var at []int
		for i, name := range order {
			if w.byName[name].Def.Cacheable() {
				asked = append(asked, keys[i])
				at = append(at, i)
			}
		}
		has, err := pr.Has(ctx, asked)
		if err != nil {
			ch <- probeResult{err: fmt.Errorf("look up %d results: %w", len(asked), err)}
			return
		}
		out := make([]bool, len(order))
		for j, i := range at {
			out[i] = has[j]
		}
		ch <- probeResult{has: out}
	}()
	return ch
}

type probeResult struct {
	has []bool
	err error
}

// lookUp marks which cacheable steps' results o holds: from probed, when
// o is a cache.Prober, otherwise with a Stat of each, several at a time.
// On a fully cached rerun the lookups are most of the work.
func lookUp(ctx context.Context, o cache.Organizer, steps []*PlanStep, probed <-chan probeResult) error {
	if probed != nil {
		r := <-probed
		if r.err != nil {
			return r.err
		}
		for i, ps := range steps {
			ps.Cached = ps.Cacheable && r.has[i]
		}
		return nil
	}
	workers := min(4*runtime.GOMAXPROCS(0), 16, len(steps)/64+1)
	next := atomic.Int64{}
	errs := make([]error, workers)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= len(steps) {
					return
				}
				ps := steps[i]
				if !ps.Cacheable {
					continue
				}
				_, err := o.Stat(ctx, ps.Key)
				switch {
				case err == nil:
					ps.Cached = true
				case errors.Is(err, cache.ErrCorrupt):
					ps.Damaged = err
				case errors.Is(err, cache.ErrNotFound):
				default:
					if errs[w] == nil {
						errs[w] = fmt.Errorf("step %s: look up %s: %w", ps.Name, ps.Key.Short(), err)
					}
					return
				}
			}
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}
