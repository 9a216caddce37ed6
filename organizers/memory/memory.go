// Package memory is an Organizer that keeps everything in process memory.
// It suits tests and one-off runs; nothing survives the process.
package memory

import (
	"bytes"
	"context"
	"io"
	"sort"
	"sync"
	"time"

	"github.com/formed-dev/formed/cache"
)

// Organizer keeps entries and runs in maps. Create one with New.
type Organizer struct {
	mu      sync.Mutex
	entries map[cache.Key]*entry
	runs    map[string]*cache.Run
	locks   map[cache.Key]chan struct{}
	now     func() time.Time
}

type entry struct {
	meta cache.Entry
	body []byte
}

// New returns an empty Organizer.
func New() *Organizer {
	return &Organizer{
		entries: map[cache.Key]*entry{},
		runs:    map[string]*cache.Run{},
		locks:   map[cache.Key]chan struct{}{},
		now:     time.Now,
	}
}

// Stat implements cache.Organizer.
func (o *Organizer) Stat(ctx context.Context, key cache.Key) (cache.Entry, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	e, ok := o.entries[key]
	if !ok {
		return cache.Entry{}, cache.ErrNotFound
	}
	return e.meta, nil
}

// Open implements cache.Organizer.
func (o *Organizer) Open(ctx context.Context, key cache.Key) (cache.Entry, io.ReadCloser, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	e, ok := o.entries[key]
	if !ok {
		return cache.Entry{}, nil, cache.ErrNotFound
	}
	e.meta.LastUsed = o.now()
	r := cache.VerifyReader(bytes.NewReader(e.body), e.meta.Size, e.meta.Digest)
	return e.meta, io.NopCloser(r), nil
}

// Put implements cache.Organizer.
func (o *Organizer) Put(ctx context.Context, meta cache.Entry, body io.Reader) (cache.Entry, error) {
	b, err := io.ReadAll(body)
	if err != nil {
		return cache.Entry{}, err
	}
	// One call on the whole body: a streaming Digester allocates 10 KiB.
	meta.Digest, meta.Size = cache.DigestOf(b), int64(len(b))
	now := o.now()
	meta.Created, meta.LastUsed = now, now
	o.mu.Lock()
	defer o.mu.Unlock()
	o.entries[meta.Key] = &entry{meta: meta, body: b}
	return meta, nil
}

// Remove implements cache.Organizer.
func (o *Organizer) Remove(ctx context.Context, key cache.Key) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	if _, ok := o.entries[key]; !ok {
		return cache.ErrNotFound
	}
	delete(o.entries, key)
	return nil
}

// Entries implements cache.Organizer.
func (o *Organizer) Entries(ctx context.Context) ([]cache.Entry, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	out := make([]cache.Entry, 0, len(o.entries))
	for _, e := range o.entries {
		out = append(out, e.meta)
	}
	sort.Slice(out, func(i, j int) bool { return bytes.Compare(out[i].Key[:], out[j].Key[:]) < 0 })
	return out, nil
}

// Lock implements cache.Organizer.
func (o *Organizer) Lock(ctx context.Context, key cache.Key) (func(), error) {
	for {
		o.mu.Lock()
		ch, held := o.locks[key]
		if !held {
			ch = make(chan struct{})
			o.locks[key] = ch
			o.mu.Unlock()
			return func() {
				o.mu.Lock()
				delete(o.locks, key)
				o.mu.Unlock()
				close(ch)
			}, nil
		}
		o.mu.Unlock()
		select {
		case <-ch:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
}

// PutRun implements cache.Organizer.
func (o *Organizer) PutRun(ctx context.Context, r *cache.Run) error {
	c := copyRun(r)
	o.mu.Lock()
	defer o.mu.Unlock()
	o.runs[r.ID] = c
	return nil
}

// Run implements cache.Organizer.
func (o *Organizer) Run(ctx context.Context, id string) (*cache.Run, error) {
	o.mu.Lock()
	r, ok := o.runs[id]
	o.mu.Unlock()
	if !ok {
		return nil, cache.ErrNotFound
	}
	return readRun(r)
}

// Runs implements cache.Organizer.
func (o *Organizer) Runs(ctx context.Context) ([]*cache.Run, error) {
	o.mu.Lock()
	ids := make([]string, 0, len(o.runs))
	for id := range o.runs {
		ids = append(ids, id)
	}
	o.mu.Unlock()
	sort.Sort(sort.Reverse(sort.StringSlice(ids)))
	out := make([]*cache.Run, 0, len(ids))
	for _, id := range ids {
		r, err := o.Run(ctx, id)
		if err != nil {
			continue
		}
		r.Spec = nil
		for i := range r.Steps {
			r.Steps[i].Log = nil
		}
		out = append(out, r)
	}
	return out, nil
}

// RemoveRun implements cache.Organizer.
func (o *Organizer) RemoveRun(ctx context.Context, id string) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	if _, ok := o.runs[id]; !ok {
		return cache.ErrNotFound
	}
	delete(o.runs, id)
	return nil
}

// WorkDir implements cache.Organizer; the memory organizer keeps none.
func (o *Organizer) WorkDir(cache.Key) string { return "" }

// Close implements cache.Organizer.
func (o *Organizer) Close() error { return nil }

// Has implements cache.Prober.
func (o *Organizer) Has(ctx context.Context, keys []cache.Key) ([]bool, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	out := make([]bool, len(keys))
	for i, k := range keys {
		_, out[i] = o.entries[k]
	}
	return out, nil
}
