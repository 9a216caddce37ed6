package engine

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"github.com/formed-dev/formed/cache"
	"github.com/formed-dev/formed/organizers/memory"
)

// ErrInputNotStored is returned by Recompute when an input of the step is
// not in the organizer, so the step cannot be run as it was.
var ErrInputNotStored = errors.New("input not stored")

// Recompute runs step name of p again and returns its result encoded in
// the step's format, without writing anything to o: the step runs against
// a scratch memory organizer into which its inputs are copied, verified,
// from o. Comparing the bytes with the stored entry is a check that the
// step is as deterministic as it claims (like the Go command's
// GODEBUG=gocacheverify=1).
//
// Every producer of the step must be stored in o; otherwise the error
// wraps ErrInputNotStored, or cache.ErrCorrupt for a damaged input.
func Recompute(ctx context.Context, p *Plan, o cache.Organizer, name string) ([]byte, error) {
	ps, ok := p.Step(name)
	if !ok {
		return nil, fmt.Errorf("no step %q in the plan", name)
	}
	scratch := memory.New()
	defer scratch.Close()
	sub := &Plan{Workflow: p.Workflow, RunID: p.RunID, byName: make(map[string]*PlanStep, len(ps.Deps)+1)}
	add := func(s PlanStep) {
		sub.Steps = append(sub.Steps, &s)
		sub.byName[s.Name] = &s
	}
	for _, d := range ps.Deps {
		dp := p.byName[d]
		if !dp.Cacheable {
			return nil, fmt.Errorf("step %s: input %s is not cacheable: %w", name, d, ErrInputNotStored)
		}
		if err := copyEntry(ctx, o, scratch, dp.Key); err != nil {
			if errors.Is(err, cache.ErrNotFound) {
				err = ErrInputNotStored
			}
			return nil, fmt.Errorf("step %s: input %s (%s): %w", name, d, dp.Key.Short(), err)
		}
		// The input's own producers are not in the scratch plan.
		c := *dp
		c.Cached, c.Run, c.Reason, c.Target, c.Damaged, c.Deps = true, false, "", false, nil, nil
		add(c)
	}
	c := *ps
	c.Run, c.Reason, c.Target = true, ReasonForced, true
	add(c)
	if _, err := Execute(ctx, sub, Options{Organizer: scratch, LogLevel: slog.LevelError + 1}); err != nil {
		return nil, fmt.Errorf("recompute step %s: %w", name, err)
	}
	_, b, err := cache.ReadAll(ctx, scratch, ps.Key)
	if err != nil {
		return nil, fmt.Errorf("recompute step %s: %w", name, err)
	}
	return b, nil
}

// copyEntry copies the entry key from src to dst, verifying it as it is
// read.
func copyEntry(ctx context.Context, src, dst cache.Organizer, key cache.Key) error {
	e, rc, err := src.Open(ctx, key)
	if err != nil {
		return err
	}
	defer rc.Close()
	_, err = dst.Put(ctx, e, rc)
	return err
}
