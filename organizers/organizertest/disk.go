package organizertest

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/formed-dev/formed/cache"
)

// Damage is a way to damage a stored entry.
type Damage int

// Damages that RunDisk asks Disk.Damage to inflict.
const (
	FlipByte   Damage = iota // flip one bit of the stored body
	Truncate                 // drop the last bytes of the stored body
	RemoveBlob               // delete the side file holding a large body
	Garble                   // overwrite the entry's metadata with junk
)

func (d Damage) String() string {
	return [...]string{"FlipByte", "Truncate", "RemoveBlob", "Garble"}[d]
}

// Disk describes a persistent organizer.
type Disk struct {
	// Open opens the organizer stored in dir, creating it if needed.
	Open func(dir string) (cache.Organizer, error)
	// Damage inflicts d on the stored entry key of the closed organizer in
	// dir. It returns false when d does not apply (RemoveBlob of a body
	// stored inline).
	Damage func(t *testing.T, dir string, key cache.Key, d Damage) bool
	// Blobs counts the side files holding large bodies in dir.
	Blobs func(t *testing.T, dir string) int
}

// RunDisk runs Run against d, then the tests only a persistent organizer
// takes. Its package's TestMain must call Main first.
func RunDisk(t *testing.T, d Disk) {
	Run(t, func(t *testing.T) cache.Organizer {
		o := d.open(t, t.TempDir())
		t.Cleanup(func() { o.Close() })
		return o
	})
	t.Run("Reopen", func(t *testing.T) { testReopen(t, d) })
	t.Run("Damage", func(t *testing.T) { testDamage(t, d) })
	t.Run("Dedup", func(t *testing.T) { testDedup(t, d) })
	t.Run("PruneWhilePutting", func(t *testing.T) { testPruneWhilePutting(t, d) })
	t.Run("Crash", func(t *testing.T) { testCrash(t, d) })
	t.Run("ProcessLock", func(t *testing.T) { testProcessLock(t, d) })
	t.Run("ProcessFirstOpen", func(t *testing.T) { testProcessFirstOpen(t, d) })
}

func (d Disk) open(t testing.TB, dir string) cache.Organizer {
	t.Helper()
	o, err := d.Open(dir)
	if err != nil {
		t.Fatalf("Open(%s): %v", dir, err)
	}
	return o
}

func testReopen(t *testing.T, d Disk) {
	dir := t.TempDir()
	o := d.open(t, dir)
	small, large := KeyOf("small"), KeyOf("large")
	put(t, o, small, []byte("kept"))
	put(t, o, large, Body(7, 3<<20))
	r := newRun(testTime, small, large)
	if err := o.PutRun(t.Context(), r); err != nil {
		t.Fatal(err)
	}
	if err := o.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	o = d.open(t, dir)
	defer o.Close()
	mustRead(t, o, small, []byte("kept"))
	mustRead(t, o, large, Body(7, 3<<20))
	if got, err := o.Run(t.Context(), r.ID); err != nil || len(got.Steps) != 2 {
		t.Errorf("Run after reopen: %+v, %v", got, err)
	}
}

func testDamage(t *testing.T, d Disk) {
	bodies := map[string][]byte{"small": []byte("a small body"), "large": Body(8, 2<<20)}
	for _, dmg := range []Damage{FlipByte, Truncate, RemoveBlob, Garble} {
		for name, body := range bodies {
			t.Run(fmt.Sprintf("%s/%s", dmg, name), func(t *testing.T) {
				ctx := t.Context()
				dir := t.TempDir()
				key := KeyOf(name)
				o := d.open(t, dir)
				put(t, o, key, body)
				o.Close()
				if !d.Damage(t, dir, key, dmg) {
					return // does not apply
				}
				o = d.open(t, dir)
				defer o.Close()
				if dmg == FlipByte {
					// Stat reads metadata only, so it cannot see a
					// flipped bit; reading the body must.
					if _, err := o.Stat(ctx, key); err != nil {
						t.Errorf("Stat after a flipped body bit: %v, want a hit (Stat reads no body)", err)
					}
				}
				checkMissOrCorrupt(t, o, key)
				// Entries may list it (Stat need not read bodies), but
				// must not fail.
				entries, err := o.Entries(ctx)
				if err != nil {
					t.Errorf("Entries: %v", err)
				}
				// GC removes an entry that Entries cannot list any more
				// but the organizer still holds.
				if kl, ok := o.(cache.KeyLister); ok && !slices.ContainsFunc(entries, func(e cache.Entry) bool { return e.Key == key }) {
					rep, err := cache.GC(ctx, o, cache.Policy{})
					if err != nil {
						t.Fatalf("GC: %v", err)
					}
					keys, _ := kl.Keys(ctx)
					if slices.Contains(keys, key) || rep.Damaged != 1 {
						t.Errorf("after GC: keys %v, report %+v; want the damaged entry removed", keys, rep)
					}
				}
				// The recompute stores it again.
				put(t, o, key, body)
				mustRead(t, o, key, body)
			})
		}
	}
}

// checkMissOrCorrupt checks that key reads as a miss: Stat or Open fails
// with ErrNotFound or ErrCorrupt, or reading the body does with
// ErrCorrupt.
func checkMissOrCorrupt(t *testing.T, o cache.Organizer, key cache.Key) {
	t.Helper()
	ctx := t.Context()
	if _, err := o.Stat(ctx, key); err != nil && !isMiss(err) {
		t.Errorf("Stat of damaged entry: %v, want nil, ErrNotFound or ErrCorrupt", err)
	}
	_, rc, err := o.Open(ctx, key)
	if err != nil {
		if !isMiss(err) {
			t.Errorf("Open of damaged entry: %v, want ErrNotFound or ErrCorrupt", err)
		}
		return
	}
	defer rc.Close()
	n, err := io.Copy(io.Discard, rc)
	if !errors.Is(err, cache.ErrCorrupt) {
		t.Errorf("reading damaged entry: %d bytes, %v; want ErrCorrupt", n, err)
	}
}

func testDedup(t *testing.T, d Disk) {
	ctx := t.Context()
	dir := t.TempDir()
	o := d.open(t, dir)
	defer o.Close()
	body := Body(9, 1<<20)
	a, b, c := KeyOf("a"), KeyOf("b"), KeyOf("c")
	put(t, o, a, body)
	put(t, o, b, body)
	put(t, o, c, []byte("small bodies need no side file"))
	if n := d.Blobs(t, dir); n != 1 {
		t.Errorf("two entries with one large body: %d side files, want 1", n)
	}
	pr, ok := o.(cache.Pruner)
	if !ok {
		t.Fatalf("%T is not a cache.Pruner", o)
	}
	prune := func(wantBlobs int) {
		t.Helper()
		if _, err := pr.Prune(ctx); err != nil {
			t.Fatalf("Prune: %v", err)
		}
		if n := d.Blobs(t, dir); n != wantBlobs {
			t.Errorf("after Prune: %d side files, want %d", n, wantBlobs)
		}
	}
	if err := o.Remove(ctx, a); err != nil {
		t.Fatal(err)
	}
	prune(1)
	mustRead(t, o, b, body)
	time.Sleep(20 * time.Millisecond)
	mustRead(t, o, c, []byte("small bodies need no side file"))
	// GC prunes too: the least recently used entry goes, and its blob
	// with it.
	rep, err := cache.GC(ctx, o, cache.Policy{MaxSize: 1000})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Entries != 1 || rep.Pruned.Files != 1 || rep.Pruned.Bytes != int64(len(body)) {
		t.Errorf("GC(MaxSize 1000): %+v, want 1 entry and 1 blob of %d bytes removed", rep, len(body))
	}
	prune(0)
	mustRead(t, o, c, []byte("small bodies need no side file"))
}

var testTime = time.Date(2026, 11, 22, 7, 0, 0, 0, time.UTC)

// testPruneWhilePutting prunes over and over while writers store large
// bodies: no committed entry may lose its blob.
func testPruneWhilePutting(t *testing.T, d Disk) {
	ctx := t.Context()
	dir := t.TempDir()
	o := d.open(t, dir)
	defer o.Close()
	pr, ok := o.(cache.Pruner)
	if !ok {
		t.Fatalf("%T is not a cache.Pruner", o)
	}
	var stop atomic.Bool
	var pg sync.WaitGroup
	pg.Go(func() {
		for !stop.Load() {
			if _, err := pr.Prune(ctx); err != nil {
				t.Errorf("Prune: %v", err)
				return
			}
		}
	})
	var wg sync.WaitGroup
	for w := range 3 {
		wg.Go(func() {
			for i := range 15 {
				key := KeyOf(fmt.Sprint("prune race", w, i))
				body := Body(uint64(w*100+i), 100<<10+i)
				if _, err := o.Put(ctx, meta(key), streamOnly{bytes.NewReader(body)}); err != nil {
					t.Errorf("Put: %v", err)
					return
				}
			}
		})
	}
	wg.Wait()
	stop.Store(true)
	pg.Wait()
	for w := range 3 {
		for i := range 15 {
			mustRead(t, o, KeyOf(fmt.Sprint("prune race", w, i)), Body(uint64(w*100+i), 100<<10+i))
		}
	}
}
