package engine_test

import (
	"context"
	"io"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/formed-dev/formed/cache"
	"github.com/formed-dev/formed/engine"
	"github.com/formed-dev/formed/engine/config"
	"github.com/formed-dev/formed/organizers/memory"
)

// countingOrganizer counts body reads.
type countingOrganizer struct {
	*memory.Organizer
	opens atomic.Int64
}

func (c *countingOrganizer) Open(ctx context.Context, k cache.Key) (cache.Entry, io.ReadCloser, error) {
	c.opens.Add(1)
	return c.Organizer.Open(ctx, k)
}

func TestRestoresOnlyWhatRunningStepsNeed(t *testing.T) {
	f := newFixture()
	o := &countingOrganizer{Organizer: memory.New()}
	f.run(t, o, writeConfig(t, chain), engine.Options{})
	if n := o.opens.Load(); n != 0 {
		t.Errorf("cold run read %d bodies, want 0", n)
	}
	f.run(t, o, writeConfig(t, chain), engine.Options{})
	if n := o.opens.Load(); n != 0 {
		t.Errorf("fully cached run read %d bodies, want 0", n)
	}
	// Changing total's extra list reruns total, which needs st (one read);
	// sum, doubled are not needed.
	changed := strings.Replace(chain, "{ type: 'ref', ref: 'st.named.a' }", "5", 1)
	f.reset()
	f.run(t, o, writeConfig(t, changed), engine.Options{})
	if got := f.counts(); !equalCounts(got, map[string]int64{"sum": 1}) {
		t.Errorf("calls = %v, want only total (type sum) to run", got)
	}
	if n := o.opens.Load(); n != 1 {
		t.Errorf("partial rerun read %d bodies, want 1 (st)", n)
	}
}

// TestCorruptEntryIsRecomputed damages the stored producers: the consumer's
// rerun gets warnings and recomputed inputs, not an error.
func TestCorruptEntryIsRecomputed(t *testing.T) {
	f := newFixture()
	o := &corruptingOrganizer{Organizer: memory.New()}
	path := writeConfig(t, chain)
	f.run(t, o, path, engine.Options{})
	o.corrupt = true
	f.reset()
	wf, err := engine.Load(path, config.Options{}, f.reg)
	if err != nil {
		t.Fatal(err)
	}
	var warnings []string
	res, err := engine.Run(t.Context(), wf, engine.Options{Organizer: o, Force: []string{"total"},
		Callbacks: []engine.Callback{func(ev engine.Event) {
			if ev.Kind == engine.EventWarning {
				warnings = append(warnings, ev.Message)
			}
		}}})
	if err != nil {
		t.Fatal(err)
	}
	// Every stored body is damaged: st is needed by total, and sum by st.
	if len(warnings) != 2 || !strings.Contains(warnings[0], "cached result of step st") || !strings.Contains(warnings[1], "cached result of step sum") {
		t.Errorf("warnings = %q, want one about st, then one about sum", warnings)
	}
	if got := f.counts(); !equalCounts(got, map[string]int64{"stats": 1, "add": 1, "sum": 1}) {
		t.Errorf("calls = %v, want st and sum recomputed and total forced", got)
	}
	if v, _ := res.Value(t.Context(), "total"); v.(int) != 10 {
		t.Errorf("total = %v, want 10", v)
	}
}

// corruptingOrganizer flips a byte of every body it returns once corrupt
// is set.
type corruptingOrganizer struct {
	*memory.Organizer
	corrupt bool
}

func (c *corruptingOrganizer) Open(ctx context.Context, k cache.Key) (cache.Entry, io.ReadCloser, error) {
	if !c.corrupt {
		return c.Organizer.Open(ctx, k)
	}
	e, b, err := cache.ReadAll(ctx, c.Organizer, k)
	if err != nil {
		return e, nil, err
	}
	b[0] ^= 0xff
	return e, io.NopCloser(cache.VerifyReader(strings.NewReader(string(b)), e.Size, e.Digest)), nil
}
