package organizertest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/formed-dev/formed/cache"
)

func newRun(at time.Time, keys ...cache.Key) *cache.Run {
	r := &cache.Run{
		ID:      cache.NewRunID(at),
		Config:  "formed.jsonnet",
		Status:  cache.StatusCompleted,
		Started: at,
		Ended:   at.Add(time.Second),
	}
	for i, k := range keys {
		r.Steps = append(r.Steps, cache.StepRecord{
			Name:   "step" + string(rune('a'+i)),
			Type:   "test.step",
			Key:    k,
			Status: cache.StatusCompleted,
			Stored: true,
			Log:    []string{"line one", "line two"},
		})
	}
	return r
}

func testRuns(t *testing.T, o cache.Organizer) {
	ctx := t.Context()
	t0 := time.Date(2026, 11, 22, 7, 0, 0, 0, time.UTC)
	var ids []string
	for i := range 3 {
		r := newRun(t0.Add(time.Duration(i)*time.Minute), KeyOf("run step"))
		r.Status = cache.StatusRunning
		// The first two runs share a spec, as reruns of one config do.
		r.Spec = json.RawMessage(fmt.Sprintf("{\n   \"steps\": { \"a\": { \"type\": \"t\", \"n\": %d } }\n}\n", i/2))
		if err := o.PutRun(ctx, r); err != nil {
			t.Fatal(err)
		}
		r.Status = cache.StatusCompleted // replace the record
		if err := o.PutRun(ctx, r); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, r.ID)
	}
	r, err := o.Run(ctx, ids[1])
	if err != nil {
		t.Fatal(err)
	}
	if r.ID != ids[1] || r.Status != cache.StatusCompleted || len(r.Steps) != 1 || len(r.Steps[0].Log) != 2 {
		t.Errorf("Run(%s) = %+v, want the completed record with its step log", ids[1], r)
	}
	if r.Steps[0].Key != KeyOf("run step") || !r.Steps[0].Stored {
		t.Errorf("Run: step record %+v lost its key", r.Steps[0])
	}
	checkSpec(t, r, `{"steps":{"a":{"type":"t","n":0}}}`)
	rs, err := o.Runs(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) != 3 {
		t.Fatalf("Runs: got %d, want 3", len(rs))
	}
	for i, r := range rs {
		if want := ids[2-i]; r.ID != want {
			t.Errorf("Runs[%d] = %s, want %s (newest first)", i, r.ID, want)
		}
		if len(r.Steps) != 1 || r.Steps[0].Log != nil {
			t.Errorf("Runs[%d]: steps %+v, want one without its log", i, r.Steps)
		}
		if r.Spec != nil {
			t.Errorf("Runs[%d]: spec %s, want none", i, r.Spec)
		}
	}
	if err := o.RemoveRun(ctx, ids[0]); err != nil {
		t.Fatal(err)
	}
	if _, err := o.Run(ctx, ids[0]); !errors.Is(err, cache.ErrNotFound) {
		t.Errorf("Run after RemoveRun: got %v, want ErrNotFound", err)
	}
	if rs, _ := o.Runs(ctx); len(rs) != 2 {
		t.Errorf("Runs after RemoveRun: got %d, want 2", len(rs))
	}
	// The run that shared the removed run's spec still has it.
	r, err = o.Run(ctx, ids[1])
	if err != nil {
		t.Fatal(err)
	}
	checkSpec(t, r, `{"steps":{"a":{"type":"t","n":0}}}`)
	if r, err = o.Run(ctx, ids[2]); err != nil {
		t.Fatal(err)
	}
	checkSpec(t, r, `{"steps":{"a":{"type":"t","n":1}}}`)
}

// checkSpec checks that r's spec is want, up to white space.
func checkSpec(t *testing.T, r *cache.Run, want string) {
	t.Helper()
	var got bytes.Buffer
	if err := json.Compact(&got, r.Spec); err != nil || got.String() != want {
		t.Errorf("Run(%s): spec %q, want %s", r.ID, r.Spec, want)
	}
}
