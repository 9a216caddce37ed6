package engine

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	"github.com/formed-dev/formed/cache"
	"github.com/formed-dev/formed/engine/args"
	"github.com/formed-dev/formed/registry"
)

// Options control a run.
type Options struct {
	// Organizer stores results and run records. Required.
	Organizer cache.Organizer
	// Targets limits the run to these steps and their dependencies.
	Targets []string
	// Force recomputes these steps even when cached.
	Force []string
	// KeepGoing runs every branch that does not depend on a failed step,
	// instead of stopping at the first failure.
	KeepGoing bool
	// Callbacks hear every event.
	Callbacks []Callback
	// LogLevel is the lowest level of step log lines recorded.
	LogLevel slog.Level
	// Now returns the current time; nil means time.Now.
	Now func() time.Time
}

// StepError is a step's failure, with the step's name and key.
type StepError struct {
	Step string
	Key  cache.Key
	Err  error
}

func (e *StepError) Error() string {
	return fmt.Sprintf("step %s (%s): %v", e.Step, e.Key.Short(), e.Err)
}

// Unwrap returns the step's error.
func (e *StepError) Unwrap() error { return e.Err }

// ErrCanceled is returned by Run when the run was canceled (its context
// ended) before it finished.
var ErrCanceled = errors.New("run canceled")

// Result is the outcome of Run.
type Result struct {
	RunID  string
	Status string
	Plan   *Plan
	// Steps holds each planned step's record, in plan order.
	Steps []cache.StepRecord
	// Errors lists the failed steps.
	Errors []*StepError

	ex *executor
}

// Value returns step name's result: from this run's memory when it is
// there, otherwise restored from the organizer.
func (r *Result) Value(ctx context.Context, name string) (any, error) {
	ps, ok := r.Plan.Step(name)
	if !ok {
		return nil, fmt.Errorf("no step %q in this run", name)
	}
	return r.ex.value(ctx, ps)
}

// Run plans w and executes it: each step is restored, skipped as cached,
// or computed and stored. It returns the result and, when some step failed,
// an error listing the failures; ErrCanceled when ctx ended first.
func Run(ctx context.Context, w *Workflow, opts Options) (*Result, error) {
	if opts.Organizer == nil {
		return nil, errors.New("engine.Run: no organizer")
	}
	now := opts.Now
	if now == nil {
		now = time.Now
	}
	runID := cache.NewRunID(now())
	plan, err := MakePlan(ctx, w, opts.Organizer, PlanOptions{Targets: opts.Targets, Force: opts.Force, RunID: runID})
	if err != nil {
		return nil, err
	}
	return Execute(ctx, plan, opts)
}

// Execute runs a plan made by MakePlan.
func Execute(ctx context.Context, plan *Plan, opts Options) (*Result, error) {
	now := opts.Now
	if now == nil {
		now = time.Now
	}
	ex := &executor{
		plan:   plan,
		opts:   opts,
		org:    opts.Organizer,
		now:    now,
		values: make(map[string]any),
		state:  make(map[string]*stepState, len(plan.Steps)),
	}
	res := &Result{RunID: plan.RunID, Plan: plan, ex: ex}
	abs, _ := filepath.Abs(plan.Workflow.Config.Path)
	ex.record = &cache.Run{ID: plan.RunID, Config: abs, Status: cache.StatusRunning, Started: now(), Spec: plan.Workflow.Config.JSON,
		Steps: make([]cache.StepRecord, len(plan.Steps))}
	for i, ps := range plan.Steps {
		ex.state[ps.Name] = &stepState{index: i, users: plan.Workflow.Graph.NumUsers(ps.Name)}
		ex.record.Steps[i] = cache.StepRecord{Name: ps.Name, Type: ps.Def.Name, Key: ps.Key, CodeVersion: ps.CodeVersion,
			ArgsDigest: ps.ArgsDigest, Deps: ps.DepKeys, Reason: ps.Reason, Status: cache.StatusSkipped}
	}
	// The record at the start says only that the run began: a run killed
	// before its end still shows in runs ls. The spec and the steps, which
	// are large for large workflows, are written once, at the end.
	start := &cache.Run{ID: ex.record.ID, Config: ex.record.Config, Status: cache.StatusRunning, Started: ex.record.Started}
	if err := ex.org.PutRun(ctx, start); err != nil {
		return nil, fmt.Errorf("record run %s: %w", plan.RunID, err)
	}
	ex.emit(Event{Kind: EventExecutionStart, Steps: len(plan.Steps)})

	failed := map[string]bool{}
	for i, ps := range plan.Steps {
		if ctx.Err() != nil {
			break
		}
		if !opts.KeepGoing && len(res.Errors) > 0 {
			break
		}
		if blocked := ex.blockedBy(ps, failed); blocked != "" {
			failed[ps.Name] = true
			ex.record.Steps[i].Reason = "upstream failed (" + blocked + ")"
			continue
		}
		if !ps.Run {
			ex.record.Steps[i].Status = cache.StatusCached
			ex.record.Steps[i].Stored = true
			if len(opts.Callbacks) > 0 {
				fp := ps.Key.String()
				ex.emit(Event{Kind: EventStepStart, Step: ps.Name, Type: ps.Def.Name, Fingerprint: fp, Index: i + 1})
				ex.emit(Event{Kind: EventStepEnd, Step: ps.Name, Type: ps.Def.Name, Fingerprint: fp, Status: cache.StatusCached, Index: i + 1})
			}
			ex.doneWith(ps)
			continue
		}
		if ps.Damaged != nil {
			ex.warn(ps.Name, fmt.Sprintf("cached result of step %s (%s) is unusable (%v); recomputing", ps.Name, ps.Key.Short(), ps.Damaged))
		}
		if err := ex.compute(ctx, ps, false); err != nil {
			failed[ps.Name] = true
			var se *StepError
			if errors.As(err, &se) && ctx.Err() == nil {
				res.Errors = append(res.Errors, se)
			}
		}
		ex.doneWith(ps)
	}

	ex.record.Ended = now()
	var runErr error
	switch {
	case ctx.Err() != nil:
		ex.record.Status = cache.StatusCanceled
		runErr = ErrCanceled
	case len(res.Errors) > 0:
		ex.record.Status = cache.StatusFailed
		msgs := make([]string, len(res.Errors))
		for i, e := range res.Errors {
			msgs[i] = e.Error()
		}
		ex.record.Error = strings.Join(msgs, "; ")
		runErr = errors.Join(errorsOf(res.Errors)...)
	default:
		ex.record.Status = cache.StatusCompleted
	}
	res.Status = ex.record.Status
	res.Steps = ex.record.Steps
	// The run record outlives the context: a canceled run is recorded as
	// such.
	if err := ex.org.PutRun(context.WithoutCancel(ctx), ex.record); err != nil && runErr == nil {
		runErr = fmt.Errorf("record run %s: %w", plan.RunID, err)
	}
	ex.emit(Event{Kind: EventExecutionEnd, Status: res.Status, Error: ex.record.Error})
	return res, runErr
}

func errorsOf(es []*StepError) []error {
	out := make([]error, len(es))
	for i, e := range es {
		out[i] = e
	}
	return out
}

type stepState struct {
	index int
	users int // consumers in the plan not yet done
}

type executor struct {
	plan   *Plan
	opts   Options
	org    cache.Organizer
	now    func() time.Time
	record *cache.Run

	mu     sync.Mutex
	values map[string]any
	state  map[string]*stepState
}

func (ex *executor) emit(ev Event) {
	ev.Time = ex.now()
	ev.RunID = ex.plan.RunID
	if ev.Duration > 0 {
		ev.DurationS = ev.Duration.Seconds()
	}
	for _, cb := range ex.opts.Callbacks {
		cb(ev)
	}
}

func (ex *executor) warn(step, msg string) {
	ex.emit(Event{Kind: EventWarning, Step: step, Message: msg})
}

// blockedBy returns the name of a failed producer of ps, or "".
func (ex *executor) blockedBy(ps *PlanStep, failed map[string]bool) string {
	for _, d := range ps.Deps {
		if failed[d] {
			return d
		}
	}
	return ""
}

// doneWith releases the in-memory results that no later step needs.
func (ex *executor) doneWith(ps *PlanStep) {
	ex.mu.Lock()
	defer ex.mu.Unlock()
	for _, d := range ps.Deps {
		st := ex.state[d]
		st.users--
		if st.users <= 0 && !ex.plan.byName[d].Target {
			delete(ex.values, d)
		}
	}
}

// value returns ps's result, restoring it from the organizer, or computing
// it when the stored entry turns out damaged.
func (ex *executor) value(ctx context.Context, ps *PlanStep) (any, error) {
	ex.mu.Lock()
	v, ok := ex.values[ps.Name]
	ex.mu.Unlock()
	if ok {
		return v, nil
	}
	if ps.Cacheable {
		v, err := ex.restore(ctx, ps)
		if err == nil {
			return v, nil
		}
		if !errors.Is(err, cache.ErrCorrupt) && !errors.Is(err, cache.ErrNotFound) {
			return nil, &StepError{Step: ps.Name, Key: ps.Key, Err: fmt.Errorf("restore result: %w", err)}
		}
		ex.warn(ps.Name, fmt.Sprintf("cached result of step %s (%s) is unusable (%v); recomputing", ps.Name, ps.Key.Short(), err))
	}
	if err := ex.compute(ctx, ps, true); err != nil {
		return nil, err
	}
	ex.mu.Lock()
	v, ok = ex.values[ps.Name]
	ex.mu.Unlock()
	if !ok {
		return nil, &StepError{Step: ps.Name, Key: ps.Key, Err: errors.New("result not available")}
	}
	return v, nil
}

// Restore reads step name's stored result from o, verified, without
// running anything. It returns an error wrapping cache.ErrNotFound when the
// step is not cached.
func Restore(ctx context.Context, p *Plan, o cache.Organizer, name string) (any, error) {
	ps, ok := p.Step(name)
	if !ok {
		return nil, fmt.Errorf("no step %q in the plan", name)
	}
	ex := &executor{plan: p, org: o, values: map[string]any{}}
	return ex.restore(ctx, ps)
}

func (ex *executor) restore(ctx context.Context, ps *PlanStep) (any, error) {
	e, rc, err := ex.org.Open(ctx, ps.Key)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	if e.Format != ps.Format.Name() {
		return nil, fmt.Errorf("%w: stored with format %s, step uses %s", cache.ErrCorrupt, e.Format, ps.Format.Name())
	}
	v, err := ps.Format.Decode(rc, ps.Def.Result)
	if err != nil {
		if errors.Is(err, cache.ErrCorrupt) {
			return nil, err
		}
		return nil, fmt.Errorf("%w: decode %s: %v", cache.ErrCorrupt, ps.Format.Name(), err)
	}
	// Read to the end so the digest is checked even when the decoder
	// stopped early.
	if _, err := io.Copy(io.Discard, rc); err != nil {
		return nil, err
	}
	ex.mu.Lock()
	ex.values[ps.Name] = v
	ex.mu.Unlock()
	return v, nil
}

// compute runs ps (after making sure its inputs are available) and stores
// its result. It reports progress through callbacks and the run record.
// Unless recompute is set (the stored entry is known to be damaged), a
// result another process stored while this one waited for the lock is used
// instead.
func (ex *executor) compute(ctx context.Context, ps *PlanStep, recompute bool) error {
	st := ex.state[ps.Name]
	rec := &ex.record.Steps[st.index]
	if ps.Cacheable {
		unlock, err := ex.org.Lock(ctx, ps.Key)
		if err != nil {
			return ex.finish(ctx, ps, rec, ex.now(), fmt.Errorf("lock %s: %w", ps.Key.Short(), err))
		}
		defer unlock()
		// Another process may have computed it while we waited.
		if _, err := ex.org.Stat(ctx, ps.Key); err == nil && !ex.forced(ps) && !recompute {
			ex.emit(Event{Kind: EventStepStart, Step: ps.Name, Type: ps.Def.Name, Fingerprint: ps.Key.String(), Index: st.index + 1})
			rec.Status, rec.Stored = cache.StatusCached, true
			ex.emit(Event{Kind: EventStepEnd, Step: ps.Name, Type: ps.Def.Name, Fingerprint: ps.Key.String(), Status: cache.StatusCached, Index: st.index + 1,
				Reason: "computed by another run"})
			return nil
		}
	}
	// Inputs first (restoring cached producers as needed).
	resolve := func(r *args.Ref) (any, error) {
		p, ok := ex.plan.byName[r.Step]
		if !ok {
			return nil, fmt.Errorf("ref to %s, which is not in the plan", r.Step)
		}
		return ex.value(ctx, p)
	}
	ex.emit(Event{Kind: EventStepStart, Step: ps.Name, Type: ps.Def.Name, Fingerprint: ps.Key.String(), Reason: ps.Reason, Index: st.index + 1})
	start := ex.now()
	in, err := args.Decode(ex.plan.Workflow.Registry, ps.Def.Args, ps.Args.Full, resolve)
	if err != nil {
		var se *StepError
		if errors.As(err, &se) {
			err = fmt.Errorf("input %s failed: %w", se.Step, se.Err)
		}
		return ex.finish(ctx, ps, rec, start, fmt.Errorf("decode arguments: %w", err))
	}
	out, err := ex.call(ctx, ps, rec, in)
	if err != nil {
		return ex.finish(ctx, ps, rec, start, err)
	}
	if ctx.Err() != nil {
		return ex.finish(ctx, ps, rec, start, ctx.Err())
	}
	if ps.Cacheable {
		if err := ex.store(ctx, ps, out); err != nil {
			return ex.finish(ctx, ps, rec, start, err)
		}
		rec.Stored = true
	}
	ex.mu.Lock()
	ex.values[ps.Name] = out
	ex.mu.Unlock()
	return ex.finish(ctx, ps, rec, start, nil)
}

func (ex *executor) forced(ps *PlanStep) bool {
	return ps.Reason == ReasonForced
}

// finish records the end of a computed step and emits step_end.
func (ex *executor) finish(ctx context.Context, ps *PlanStep, rec *cache.StepRecord, start time.Time, err error) error {
	d := ex.now().Sub(start)
	rec.DurationS = d.Seconds()
	ev := Event{Kind: EventStepEnd, Step: ps.Name, Type: ps.Def.Name, Fingerprint: ps.Key.String(), Duration: d, Index: ex.state[ps.Name].index + 1, Reason: ps.Reason}
	switch {
	case err == nil:
		rec.Status = cache.StatusCompleted
	case ctx.Err() != nil:
		rec.Status = cache.StatusCanceled
		rec.Error = "canceled"
		err = &StepError{Step: ps.Name, Key: ps.Key, Err: ctx.Err()}
	default:
		rec.Status = cache.StatusFailed
		rec.Error = err.Error()
		var se *StepError
		if !errors.As(err, &se) || se.Step != ps.Name {
			err = &StepError{Step: ps.Name, Key: ps.Key, Err: err}
		}
	}
	ev.Status, ev.Error = rec.Status, rec.Error
	ex.emit(ev)
	return err
}

// call runs the step function with its context: info, logger, work
// directory. A panic becomes an error with the stack.
func (ex *executor) call(ctx context.Context, ps *PlanStep, rec *cache.StepRecord, in any) (out any, err error) {
	workdir := ex.org.WorkDir(ps.Key)
	if workdir == "" {
		workdir = filepath.Join(os.TempDir(), "formed-work", ps.Key.String())
	}
	h := &logHandler{level: ex.opts.LogLevel, emit: func(line string) {
		ex.mu.Lock()
		rec.Log = append(rec.Log, line)
		ex.mu.Unlock()
		ex.emit(Event{Kind: EventStepLog, Step: ps.Name, Type: ps.Def.Name, Message: line})
	}}
	info := registry.Info{Name: ps.Name, Type: ps.Def.Name, Fingerprint: ps.Key.String(), RunID: ex.plan.RunID, WorkDir: workdir, Logger: slog.New(h)}
	sctx := registry.WithInfo(ctx, info)
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("panic: %v\n%s", r, debug.Stack())
		}
	}()
	return ps.Def.Call(sctx, in)
}

// store encodes out with the step's format into the organizer. A result
// that encodes to at most storeBuffer bytes is encoded in full and put from
// memory; a larger one streams: once the encoding outgrows the buffer, Put
// runs alongside it and reads through a pipe, so a large result is never
// held twice. A failed encode aborts the Put, which leaves no entry.
func (ex *executor) store(ctx context.Context, ps *PlanStep, out any) error {
	e := cache.Entry{Key: ps.Key, Format: ps.Format.Name(), FormatVersion: ps.Format.Version(),
		StepType: ps.Def.Name, StepName: ps.Name, ResultType: ps.Def.Result.String()}
	w := &spillWriter{put: func(r io.Reader) error {
		_, err := ex.org.Put(ctx, e, r)
		return err
	}}
	err := ps.Format.Encode(w, out)
	if err == nil && w.pw == nil {
		err = w.put(bytes.NewReader(w.buf))
	} else {
		err = w.finish(err)
	}
	if err != nil {
		return fmt.Errorf("store result (format %s): %w", ps.Format.Name(), err)
	}
	return nil
}

// storeBuffer is the most of an encoded result that store holds in memory.
const storeBuffer = 256 << 10

// spillWriter buffers up to storeBuffer bytes; past that it starts put in
// a goroutine, reading the buffer and then everything written after it
// through a pipe.
type spillWriter struct {
	buf  []byte
	put  func(io.Reader) error
	pw   *io.PipeWriter
	done chan error
}

func (w *spillWriter) Write(p []byte) (int, error) {
	if w.pw == nil && len(w.buf)+len(p) <= storeBuffer {
		w.buf = append(w.buf, p...)
		return len(p), nil
	}
	if w.pw == nil {
		pr, pw := io.Pipe()
		w.pw, w.done = pw, make(chan error, 1)
		go func() {
			err := w.put(io.MultiReader(bytes.NewReader(w.buf), pr))
			pr.CloseWithError(errors.New("put finished"))
			w.done <- err
		}()
	}
	return w.pw.Write(p)
}

// finish ends a spilled Put, aborting it when the encoding failed.
func (w *spillWriter) finish(encErr error) error {
	if w.pw == nil {
		return encErr
	}
	w.pw.CloseWithError(encErr)
	// Put's error comes first: it carries encErr when the encoding failed,
	// and the cause when a failed Put made the encoding fail.
	if putErr := <-w.done; putErr != nil {
		return putErr
	}
	return encErr
}
