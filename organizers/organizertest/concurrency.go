package organizertest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/formed-dev/formed/cache"
)

// testConcurrentWriters has writers store different bodies under one key
// while readers read it: every read is a miss or one complete body.
func testConcurrentWriters(t *testing.T, o cache.Organizer) {
	ctx := t.Context()
	key := KeyOf("contended")
	bodies := map[cache.Digest]bool{}
	var all [][]byte
	for i := range 6 {
		n := 1000 * (i + 1)
		if i%2 == 1 {
			n = 300<<10 + i
		}
		b := Body(uint64(100+i), n)
		all = append(all, b)
		bodies[cache.DigestOf(b)] = true
	}
	var wg sync.WaitGroup
	var stop atomic.Bool
	errs := make(chan error, 64)
	for i, b := range all {
		wg.Go(func() {
			for range 5 {
				if _, err := o.Put(ctx, meta(key), bytes.NewReader(b)); err != nil {
					errs <- fmt.Errorf("writer %d: %w", i, err)
					return
				}
			}
		})
	}
	var rg sync.WaitGroup
	for r := range 3 {
		rg.Go(func() {
			for !stop.Load() {
				_, got, err := cache.ReadAll(ctx, o, key)
				if errors.Is(err, cache.ErrNotFound) {
					continue
				}
				if err != nil {
					errs <- fmt.Errorf("reader %d: %w", r, err)
					return
				}
				if !bodies[cache.DigestOf(got)] {
					errs <- fmt.Errorf("reader %d: read %d bytes that no writer wrote", r, len(got))
					return
				}
			}
		})
	}
	wg.Wait()
	stop.Store(true)
	rg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	_, got, err := cache.ReadAll(ctx, o, key)
	if err != nil || !bodies[cache.DigestOf(got)] {
		t.Errorf("final ReadAll: %d bytes, %v; want one writer's body", len(got), err)
	}
}

func testLockExcludes(t *testing.T, o cache.Organizer) {
	ctx := t.Context()
	key := KeyOf("locked")
	var inside, total atomic.Int32
	var wg sync.WaitGroup
	for range 6 {
		wg.Go(func() {
			for range 10 {
				unlock, err := o.Lock(ctx, key)
				if err != nil {
					t.Errorf("Lock: %v", err)
					return
				}
				if n := inside.Add(1); n != 1 {
					t.Errorf("%d holders of one lock", n)
				}
				time.Sleep(100 * time.Microsecond)
				inside.Add(-1)
				total.Add(1)
				unlock()
			}
		})
	}
	wg.Wait()
	if total.Load() != 60 {
		t.Errorf("%d critical sections, want 60", total.Load())
	}
	// Another key's lock is independent.
	unlock, err := o.Lock(ctx, key)
	if err != nil {
		t.Fatal(err)
	}
	defer unlock()
	c, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	u2, err := o.Lock(c, KeyOf("other"))
	if err != nil {
		t.Fatalf("Lock(other key) while key is held: %v", err)
	}
	u2()
}

func testLockCancel(t *testing.T, o cache.Organizer) {
	ctx := t.Context()
	key := KeyOf("held")
	unlock, err := o.Lock(ctx, key)
	if err != nil {
		t.Fatal(err)
	}
	c, cancel := context.WithTimeout(ctx, 30*time.Millisecond)
	defer cancel()
	start := time.Now()
	if u, err := o.Lock(c, key); !errors.Is(err, context.DeadlineExceeded) {
		if u != nil {
			u()
		}
		t.Fatalf("Lock of a held key: got %v, want context.DeadlineExceeded", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("Lock took %v to notice its context ended", d)
	}
	c2, cancel2 := context.WithCancel(ctx)
	done := make(chan error)
	go func() {
		u, err := o.Lock(c2, key)
		if u != nil {
			u()
		}
		done <- err
	}()
	time.Sleep(10 * time.Millisecond)
	cancel2()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Errorf("Lock canceled while waiting: got %v, want context.Canceled", err)
	}
	unlock()
	c3, cancel3 := context.WithTimeout(ctx, 5*time.Second)
	defer cancel3()
	u, err := o.Lock(c3, key)
	if err != nil {
		t.Fatalf("Lock after release: %v", err)
	}
	u()
}

// errReader fails after n bytes.
type errReader struct{ n int }

func (r *errReader) Read(p []byte) (int, error) {
	if r.n <= 0 {
		return 0, errors.New("source failed")
	}
	n := min(len(p), r.n)
	r.n -= n
	return n, nil
}
