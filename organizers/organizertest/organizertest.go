// Package organizertest is the conformance suite every cache.Organizer
// passes: Run for any organizer, RunDisk for persistent ones, which adds
// reopening, damaged files, deduplication, and processes killed with
// SIGKILL while they write or hold a lock.
package organizertest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/formed-dev/formed/cache"
)

// Run runs the conformance suite against organizers made by open, which
// returns a fresh, empty organizer for each subtest and arranges to close
// it (t.Cleanup).
func Run(t *testing.T, open func(t *testing.T) cache.Organizer) {
	tests := []struct {
		name string
		fn   func(*testing.T, cache.Organizer)
	}{
		{"RoundTrip", testRoundTrip},
		{"Miss", testMiss},
		{"Overwrite", testOverwrite},
		{"EmptyBody", testEmptyBody},
		{"LargeBody", testLargeBody},
		{"InlineBoundary", testInlineBoundary},
		{"PutFails", testPutFails},
		{"Remove", testRemove},
		{"EntriesSorted", testEntriesSorted},
		{"ConcurrentWriters", testConcurrentWriters},
		{"LockExcludes", testLockExcludes},
		{"LockCancel", testLockCancel},
		{"Runs", testRuns},
		{"Prober", testProber},
		{"WorkDir", testWorkDir},
		{"GCKeepRuns", testGCKeepRuns},
		{"GCOlderThan", testGCOlderThan},
		{"GCMaxSize", testGCMaxSize},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { tc.fn(t, open(t)) })
	}
}

// KeyOf returns a Key made from s, for tests.
func KeyOf(s string) cache.Key {
	e := cache.NewEncoder()
	e.String("organizertest")
	e.String(s)
	return e.Key()
}

// Body returns n pseudo-random bytes determined by seed.
func Body(seed uint64, n int) []byte {
	b := make([]byte, n)
	r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	for i := 0; i+8 <= n; i += 8 {
		v := r.Uint64()
		for j := range 8 {
			b[i+j] = byte(v >> (8 * j))
		}
	}
	for i := n - n%8; i < n; i++ {
		b[i] = byte(r.Uint32())
	}
	return b
}

// streamOnly hides the type of a reader (bytes.Reader has WriteTo and
// Len, which an organizer could use to skip the streaming path).
type streamOnly struct{ r io.Reader }

func (s streamOnly) Read(p []byte) (int, error) { return s.r.Read(p) }

func meta(key cache.Key) cache.Entry {
	return cache.Entry{
		Key:           key,
		Format:        "json",
		FormatVersion: "1",
		StepType:      "test.step",
		StepName:      "step",
		ResultType:    "[]byte",
	}
}

func put(t testing.TB, o cache.Organizer, key cache.Key, body []byte) cache.Entry {
	t.Helper()
	e, err := o.Put(context.Background(), meta(key), streamOnly{bytes.NewReader(body)})
	if err != nil {
		t.Fatalf("Put(%s, %d bytes): %v", key.Short(), len(body), err)
	}
	return e
}

func mustRead(t testing.TB, o cache.Organizer, key cache.Key, want []byte) {
	t.Helper()
	_, got, err := cache.ReadAll(context.Background(), o, key)
	if err != nil {
		t.Fatalf("ReadAll(%s): %v", key.Short(), err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("ReadAll(%s): got %d bytes, want %d (bodies differ)", key.Short(), len(got), len(want))
	}
}

// isMiss reports whether err is how an organizer reports a missing or
// damaged entry.
func isMiss(err error) bool {
	return errors.Is(err, cache.ErrNotFound) || errors.Is(err, cache.ErrCorrupt)
}

func sameMeta(got, want cache.Entry) error {
	switch {
	case got.Key != want.Key:
		return fmt.Errorf("key %s, want %s", got.Key.Short(), want.Key.Short())
	case got.Digest != want.Digest:
		return fmt.Errorf("digest %s, want %s", got.Digest.String()[:12], want.Digest.String()[:12])
	case got.Size != want.Size:
		return fmt.Errorf("size %d, want %d", got.Size, want.Size)
	case got.Format != want.Format || got.FormatVersion != want.FormatVersion:
		return fmt.Errorf("format %s/%s, want %s/%s", got.Format, got.FormatVersion, want.Format, want.FormatVersion)
	case got.StepType != want.StepType || got.StepName != want.StepName || got.ResultType != want.ResultType:
		return fmt.Errorf("step %s %s %s, want %s %s %s", got.StepType, got.StepName, got.ResultType,
			want.StepType, want.StepName, want.ResultType)
	case !got.Created.Equal(want.Created):
		return fmt.Errorf("created %v, want %v", got.Created, want.Created)
	}
	return nil
}

func testRoundTrip(t *testing.T, o cache.Organizer) {
	ctx := t.Context()
	key := KeyOf("round trip")
	body := []byte(`{"answer": 42}`)
	in := meta(key)
	in.Digest, in.Size = cache.DigestOf([]byte("lies")), 4 // Put must ignore these
	before := time.Now()
	e, err := o.Put(ctx, in, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	want := meta(key)
	want.Digest, want.Size, want.Created = cache.DigestOf(body), int64(len(body)), e.Created
	if err := sameMeta(e, want); err != nil {
		t.Errorf("Put returned %v", err)
	}
	if e.Created.Before(before.Add(-time.Second)) || e.Created.After(time.Now().Add(time.Second)) {
		t.Errorf("Put: Created %v, want about %v", e.Created, before)
	}
	st, err := o.Stat(ctx, key)
	if err != nil {
		t.Fatalf("Stat: %v", err)
	}
	if err := sameMeta(st, want); err != nil {
		t.Errorf("Stat: %v", err)
	}
	oe, got, err := cache.ReadAll(ctx, o, key)
	if err != nil {
		t.Fatalf("ReadAll: %v", err)
	}
	if err := sameMeta(oe, want); err != nil {
		t.Errorf("Open: %v", err)
	}
	if !bytes.Equal(got, body) {
		t.Errorf("ReadAll: got %q, want %q", got, body)
	}
}

func testMiss(t *testing.T, o cache.Organizer) {
	ctx := t.Context()
	key := KeyOf("absent")
	if _, err := o.Stat(ctx, key); !errors.Is(err, cache.ErrNotFound) {
		t.Errorf("Stat: got %v, want ErrNotFound", err)
	}
	if _, _, err := o.Open(ctx, key); !errors.Is(err, cache.ErrNotFound) {
		t.Errorf("Open: got %v, want ErrNotFound", err)
	}
	if err := o.Remove(ctx, key); !errors.Is(err, cache.ErrNotFound) {
		t.Errorf("Remove: got %v, want ErrNotFound", err)
	}
	if _, err := o.Run(ctx, "20260101T000000.000Z-000000"); !errors.Is(err, cache.ErrNotFound) {
		t.Errorf("Run: got %v, want ErrNotFound", err)
	}
	if err := o.RemoveRun(ctx, "20260101T000000.000Z-000000"); !errors.Is(err, cache.ErrNotFound) {
		t.Errorf("RemoveRun: got %v, want ErrNotFound", err)
	}
	if es, err := o.Entries(ctx); err != nil || len(es) != 0 {
		t.Errorf("Entries: got %d entries, %v; want none", len(es), err)
	}
	if rs, err := o.Runs(ctx); err != nil || len(rs) != 0 {
		t.Errorf("Runs: got %d runs, %v; want none", len(rs), err)
	}
}

func testOverwrite(t *testing.T, o cache.Organizer) {
	key := KeyOf("overwrite")
	bodies := [][]byte{[]byte("first"), Body(1, 200<<10), []byte("third"), Body(2, 100<<10)}
	for _, b := range bodies {
		e := put(t, o, key, b)
		if e.Size != int64(len(b)) {
			t.Errorf("Put: Size %d, want %d", e.Size, len(b))
		}
		mustRead(t, o, key, b)
	}
	es, err := o.Entries(t.Context())
	if err != nil || len(es) != 1 {
		t.Fatalf("Entries: got %d entries, %v; want 1", len(es), err)
	}
}

func testEmptyBody(t *testing.T, o cache.Organizer) {
	key := KeyOf("empty")
	e := put(t, o, key, nil)
	if e.Size != 0 || e.Digest != cache.DigestOf(nil) {
		t.Errorf("Put: Size %d Digest %s, want 0 and the digest of nothing", e.Size, e.Digest.String()[:12])
	}
	mustRead(t, o, key, []byte{})
}

func testLargeBody(t *testing.T, o cache.Organizer) {
	key := KeyOf("large")
	body := Body(3, 6<<20+123)
	e := put(t, o, key, body)
	if e.Size != int64(len(body)) || e.Digest != cache.DigestOf(body) {
		t.Errorf("Put: Size %d, want %d (or digest differs)", e.Size, len(body))
	}
	st, err := o.Stat(t.Context(), key)
	if err != nil || st.Size != int64(len(body)) {
		t.Errorf("Stat: Size %d, %v; want %d", st.Size, err, len(body))
	}
	mustRead(t, o, key, body)
}

func testInlineBoundary(t *testing.T, o cache.Organizer) {
	for _, n := range []int{64<<10 - 1, 64 << 10, 64<<10 + 1} {
		key := KeyOf(fmt.Sprint("boundary", n))
		body := Body(uint64(n), n)
		put(t, o, key, body)
		mustRead(t, o, key, body)
	}
}

func testRemove(t *testing.T, o cache.Organizer) {
	ctx := t.Context()
	small, large := KeyOf("small"), KeyOf("large")
	put(t, o, small, []byte("small"))
	put(t, o, large, Body(4, 1<<20))
	for _, k := range []cache.Key{small, large} {
		if err := o.Remove(ctx, k); err != nil {
			t.Fatalf("Remove: %v", err)
		}
		if _, err := o.Stat(ctx, k); !errors.Is(err, cache.ErrNotFound) {
			t.Errorf("Stat after Remove: got %v, want ErrNotFound", err)
		}
		if err := o.Remove(ctx, k); !errors.Is(err, cache.ErrNotFound) {
			t.Errorf("second Remove: got %v, want ErrNotFound", err)
		}
	}
}

func testEntriesSorted(t *testing.T, o cache.Organizer) {
	want := map[cache.Key]int64{}
	for i := range 40 {
		k := KeyOf(fmt.Sprint("entry", i))
		n := i * 37
		if i%13 == 0 {
			n = 70 << 10 // a few in blobs
		}
		put(t, o, k, Body(uint64(i), n))
		want[k] = int64(n)
	}
	es, err := o.Entries(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if len(es) != len(want) {
		t.Fatalf("Entries: got %d, want %d", len(es), len(want))
	}
	for i, e := range es {
		if n, ok := want[e.Key]; !ok || n != e.Size {
			t.Errorf("Entries[%d]: key %s size %d, not put so", i, e.Key.Short(), e.Size)
		}
		if i > 0 && bytes.Compare(es[i-1].Key[:], e.Key[:]) >= 0 {
			t.Errorf("Entries not sorted at %d: %s then %s", i, es[i-1].Key.Short(), e.Key.Short())
		}
	}
}

func testWorkDir(t *testing.T, o cache.Organizer) {
	a, b := KeyOf("a"), KeyOf("b")
	if w1, w2 := o.WorkDir(a), o.WorkDir(a); w1 != w2 {
		t.Errorf("WorkDir is not stable")
	}
	if wa := o.WorkDir(a); wa != "" && wa == o.WorkDir(b) {
		t.Errorf("WorkDir(a) == WorkDir(b) == %q", wa)
	}
}

// testPutFails: a Put whose body fails, or whose context is canceled,
// stores nothing and leaves the previous entry as it was.
func testPutFails(t *testing.T, o cache.Organizer) {
	ctx := t.Context()
	key := KeyOf("put fails")
	body := []byte("the good one")
	put(t, o, key, body)
	for _, n := range []int{10, 1 << 20} {
		if _, err := o.Put(ctx, meta(key), &errReader{n: n}); err == nil {
			t.Errorf("Put of a body failing after %d bytes: no error", n)
		}
		mustRead(t, o, key, body)
	}
	c, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := o.Put(c, meta(KeyOf("canceled")), streamOnly{bytes.NewReader(Body(5, 1<<20))}); err == nil {
		if _, err := o.Stat(ctx, KeyOf("canceled")); err != nil {
			t.Errorf("canceled Put reported success but Stat says %v", err)
		}
	}
}

// testProber checks cache.Prober.Has against Stat, over enough keys that
// some shard of a sharded store holds many of them (the filesystem
// organizer lists a shard it is asked many keys of).
func testProber(t *testing.T, o cache.Organizer) {
	pr, ok := o.(cache.Prober)
	if !ok {
		t.Skip("not a cache.Prober: planning uses Stat, which the other tests cover")
	}
	ctx := t.Context()
	var keys []cache.Key
	want := map[cache.Key]bool{}
	for i := range 3000 {
		k := KeyOf(fmt.Sprint("probe ", i))
		keys = append(keys, k)
		if i%3 == 0 {
			put(t, o, k, []byte("x"))
			want[k] = true
		}
	}
	keys = append(keys, keys[0], keys[1]) // asked twice
	has, err := pr.Has(ctx, keys)
	if err != nil {
		t.Fatal(err)
	}
	if len(has) != len(keys) {
		t.Fatalf("Has: %d answers for %d keys", len(has), len(keys))
	}
	for i, k := range keys {
		if has[i] != want[k] {
			t.Errorf("Has(%s) = %v, want %v", k.Short(), has[i], want[k])
		}
	}
	if has, err := pr.Has(ctx, nil); err != nil || len(has) != 0 {
		t.Errorf("Has(no keys) = %v, %v; want none", has, err)
	}
	if err := o.Remove(ctx, keys[0]); err != nil {
		t.Fatal(err)
	}
	if has, err := pr.Has(ctx, keys[:1]); err != nil || has[0] {
		t.Errorf("Has after Remove = %v, %v; want false", has, err)
	}
}
