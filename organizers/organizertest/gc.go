package organizertest

import (
	"errors"
	"testing"
	"time"

	"github.com/formed-dev/formed/cache"
)

func present(t *testing.T, o cache.Organizer, key cache.Key) bool {
	t.Helper()
	_, err := o.Stat(t.Context(), key)
	if err != nil && !errors.Is(err, cache.ErrNotFound) {
		t.Fatalf("Stat(%s): %v", key.Short(), err)
	}
	return err == nil
}

func testGCKeepRuns(t *testing.T, o cache.Organizer) {
	ctx := t.Context()
	t0 := time.Now().Add(-time.Hour)
	oldKey, newKey, freeKey := KeyOf("old run's"), KeyOf("new run's"), KeyOf("no run's")
	for _, k := range []cache.Key{oldKey, newKey, freeKey} {
		put(t, o, k, []byte(k.String()))
	}
	old := newRun(t0, oldKey)
	mid := newRun(t0.Add(time.Minute))
	last := newRun(t0.Add(2*time.Minute), newKey)
	last.Steps = append(last.Steps, cache.StepRecord{Name: "unstored", Key: freeKey, Status: cache.StatusFailed})
	for _, r := range []*cache.Run{old, mid, last} {
		if err := o.PutRun(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	rep, err := cache.GC(ctx, o, cache.Policy{KeepRuns: 2})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Runs != 1 || rep.Entries != 0 {
		t.Errorf("GC(KeepRuns 2): removed %d runs and %d entries, want 1 and 0", rep.Runs, rep.Entries)
	}
	if _, err := o.Run(ctx, old.ID); !errors.Is(err, cache.ErrNotFound) {
		t.Errorf("oldest run: got %v, want ErrNotFound", err)
	}

	// Everything is old now; only what the kept runs stored survives.
	rep, err = cache.GC(ctx, o, cache.Policy{KeepRuns: 2, OlderThan: time.Minute,
		Now: func() time.Time { return time.Now().Add(24 * time.Hour) }})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Entries != 2 || rep.Protected != 1 {
		t.Errorf("GC(OlderThan): removed %d entries, protected %d; want 2 and 1", rep.Entries, rep.Protected)
	}
	if !present(t, o, newKey) || present(t, o, oldKey) || present(t, o, freeKey) {
		t.Errorf("after GC: kept run's entry %v, removed run's %v, unstored step's %v; want true false false",
			present(t, o, newKey), present(t, o, oldKey), present(t, o, freeKey))
	}
}

func testGCOlderThan(t *testing.T, o cache.Organizer) {
	ctx := t.Context()
	a, b := KeyOf("a"), KeyOf("b")
	put(t, o, a, []byte("a"))
	put(t, o, b, []byte("b"))
	rep, err := cache.GC(ctx, o, cache.Policy{OlderThan: time.Hour})
	if err != nil || rep.Entries != 0 {
		t.Fatalf("GC of fresh entries: removed %d, %v; want 0", rep.Entries, err)
	}
	rep, err = cache.GC(ctx, o, cache.Policy{OlderThan: time.Hour,
		Now: func() time.Time { return time.Now().Add(2 * time.Hour) }})
	if err != nil || rep.Entries != 2 || rep.Bytes != 2 {
		t.Fatalf("GC two hours later: removed %d entries (%d bytes), %v; want 2 (2)", rep.Entries, rep.Bytes, err)
	}
	if es, _ := o.Entries(ctx); len(es) != 0 {
		t.Errorf("Entries after GC: %d, want 0", len(es))
	}
}

func testGCMaxSize(t *testing.T, o cache.Organizer) {
	ctx := t.Context()
	a, b, c := KeyOf("a"), KeyOf("b"), KeyOf("c")
	for _, k := range []cache.Key{a, b, c} {
		put(t, o, k, Body(1, 1000))
	}
	time.Sleep(20 * time.Millisecond) // past coarse file-time granularity
	mustRead(t, o, a, Body(1, 1000))  // a is now the most recently used
	rep, err := cache.GC(ctx, o, cache.Policy{MaxSize: 1500})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Entries != 2 || rep.Bytes != 2000 {
		t.Errorf("GC(MaxSize 1500): removed %d entries (%d bytes), want 2 (2000)", rep.Entries, rep.Bytes)
	}
	if !present(t, o, a) || present(t, o, b) || present(t, o, c) {
		t.Errorf("after GC: a %v b %v c %v, want the recently read a only",
			present(t, o, a), present(t, o, b), present(t, o, c))
	}
}
