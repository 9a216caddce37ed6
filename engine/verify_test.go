package engine_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"testing"

	"github.com/formed-dev/formed/cache"
	"github.com/formed-dev/formed/engine"
	"github.com/formed-dev/formed/engine/config"
	"github.com/formed-dev/formed/organizers/memory"
)

func TestRecompute(t *testing.T) {
	f := newFixture()
	o := memory.New()
	path := writeConfig(t, chain)
	f.run(t, o, path, engine.Options{})
	before, err := o.Entries(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	wf, err := engine.Load(path, config.Options{}, f.reg)
	if err != nil {
		t.Fatal(err)
	}
	plan, err := engine.MakePlan(t.Context(), wf, o, engine.PlanOptions{})
	if err != nil {
		t.Fatal(err)
	}
	f.reset()
	for _, name := range []string{"sum", "st", "total"} {
		ps, _ := plan.Step(name)
		got, err := engine.Recompute(t.Context(), plan, o, name)
		if err != nil {
			t.Fatalf("Recompute(%s): %v", name, err)
		}
		_, want, err := cache.ReadAll(t.Context(), o, ps.Key)
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != string(want) {
			t.Errorf("Recompute(%s) = %q, stored %q", name, got, want)
		}
	}
	// Each step ran once more, none of its inputs did, and o is unchanged.
	if got, want := f.counts(), map[string]int64{"add": 1, "stats": 1, "sum": 1}; !equalCounts(got, want) {
		t.Errorf("Recompute calls = %v, want %v", got, want)
	}
	after, _ := o.Entries(t.Context())
	if len(after) != len(before) {
		t.Errorf("Recompute changed the organizer: %d entries, then %d", len(before), len(after))
	}
	runs, _ := o.Runs(t.Context())
	if len(runs) != 1 {
		t.Errorf("Recompute recorded runs: %d, want the 1 of the real run", len(runs))
	}

	st, _ := plan.Step("st")
	if err := o.Remove(t.Context(), st.Key); err != nil {
		t.Fatal(err)
	}
	if _, err := engine.Recompute(t.Context(), plan, o, "total"); !errors.Is(err, engine.ErrInputNotStored) {
		t.Errorf("Recompute with an input removed: %v, want ErrInputNotStored", err)
	}
	if _, err := engine.Recompute(t.Context(), plan, o, "nosuch"); err == nil {
		t.Error("Recompute of an unknown step: no error")
	}
}

// damaging wraps an organizer; reading the body of a key in bad fails
// verification once, while Stat still finds the entry (as with a flipped
// byte on disk).
type damaging struct {
	cache.Organizer
	mu  sync.Mutex
	bad map[cache.Key]bool
}

func (d *damaging) Open(ctx context.Context, key cache.Key) (cache.Entry, io.ReadCloser, error) {
	d.mu.Lock()
	bad := d.bad[key]
	delete(d.bad, key)
	d.mu.Unlock()
	if bad {
		return cache.Entry{}, nil, fmt.Errorf("%w: body digest differs", cache.ErrCorrupt)
	}
	return d.Organizer.Open(ctx, key)
}

// TestDamagedInputIsRecomputed: an input whose stored body fails
// verification is recomputed, with a warning; the entry still being there
// does not pass for another run's result.
func TestDamagedInputIsRecomputed(t *testing.T) {
	f := newFixture()
	mem := memory.New()
	path := writeConfig(t, chain)
	f.run(t, mem, path, engine.Options{})
	wf, err := engine.Load(path, config.Options{}, f.reg)
	if err != nil {
		t.Fatal(err)
	}
	plan, err := engine.MakePlan(t.Context(), wf, mem, engine.PlanOptions{})
	if err != nil {
		t.Fatal(err)
	}
	st, _ := plan.Step("st")
	o := &damaging{Organizer: mem, bad: map[cache.Key]bool{st.Key: true}}
	var warnings []string
	f.reset()
	var cb engine.Callback = func(ev engine.Event) {
		if ev.Kind == engine.EventWarning {
			warnings = append(warnings, ev.Message)
		}
	}
	res, err := engine.Run(t.Context(), wf, engine.Options{Organizer: o, Force: []string{"total"}, Callbacks: []engine.Callback{cb}})
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	if len(warnings) != 1 || !strings.Contains(warnings[0], "cached result of step st") {
		t.Errorf("warnings = %q, want one about st", warnings)
	}
	if got, want := f.counts(), map[string]int64{"stats": 1, "sum": 1}; !equalCounts(got, want) {
		t.Errorf("calls = %v, want %v", got, want)
	}
	if v, err := res.Value(t.Context(), "total"); err != nil || v.(int) != 10 {
		t.Errorf("total = %v, %v; want 10", v, err)
	}
}
