package cache

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"sort"
	"time"
)

// Policy says what GC removes. The zero Policy removes nothing but
// unreferenced blobs.
type Policy struct {
	// OlderThan, when positive, removes entries last used (or, if the
	// organizer does not track use, created) more than OlderThan ago.
	OlderThan time.Duration
	// KeepRuns, when positive, removes run records beyond the newest
	// KeepRuns. Zero keeps every run record.
	KeepRuns int
	// MaxSize, when positive, removes least recently used entries until the
	// sizes of the entries left add up to at most MaxSize bytes.
	MaxSize int64
	// Now returns the current time; nil means time.Now.
	Now func() time.Time
}

// Report says what GC removed.
type Report struct {
	Runs      int   // run records removed
	Entries   int   // entries removed
	Bytes     int64 // sum of the sizes of the entries removed
	Protected int   // entries kept because a kept run references them
	Damaged   int   // unreadable entries removed (only from a KeyLister)
	// Pruned is what the organizer's Pruner freed, if it is one.
	Pruned PruneReport
}

// PruneReport counts the files a Pruner removed and their bytes.
type PruneReport struct {
	Files int
	Bytes int64
}

// Pruner is implemented by organizers that keep files beside their entries,
// such as content-addressed blobs of large bodies or temporary files left by
// a killed process.
//
// Contract:
//   - Prune removes files that no entry references any more and leftovers
//     of interrupted writes, and reports them.
//   - Prune is safe while other goroutines or processes Put: it never
//     removes a file that a committed entry, or one being committed,
//     references.
type Pruner interface {
	Prune(ctx context.Context) (PruneReport, error)
}

// KeyLister is implemented by organizers that can list the keys of all
// their entries, including damaged ones, which Entries leaves out.
type KeyLister interface {
	Keys(ctx context.Context) ([]Key, error)
}

// GC removes run records and entries as p says, every damaged entry (when
// o is a KeyLister: a damaged entry can never be a hit, so nothing is
// lost), then prunes unreferenced
// files if o is a Pruner. It never removes an entry that a kept run record
// references (a StepRecord with Stored set). Entries or runs removed by
// someone else meanwhile are skipped.
func GC(ctx context.Context, o Organizer, p Policy) (Report, error) {
	var rep Report
	now := time.Now
	if p.Now != nil {
		now = p.Now
	}
	runs, err := o.Runs(ctx)
	if err != nil {
		return rep, fmt.Errorf("gc: %w", err)
	}
	if p.KeepRuns > 0 && len(runs) > p.KeepRuns {
		for _, r := range runs[p.KeepRuns:] {
			if err := o.RemoveRun(ctx, r.ID); err != nil && !errors.Is(err, ErrNotFound) {
				return rep, fmt.Errorf("gc: remove run %s: %w", r.ID, err)
			}
			rep.Runs++
		}
		runs = runs[:p.KeepRuns]
	}
	protected := map[Key]bool{}
	for _, r := range runs {
		for _, s := range r.Steps {
			if s.Stored {
				protected[s.Key] = true
			}
		}
	}

	entries, err := o.Entries(ctx)
	if err != nil {
		return rep, fmt.Errorf("gc: %w", err)
	}
	if kl, ok := o.(KeyLister); ok {
		keys, err := kl.Keys(ctx)
		if err != nil {
			return rep, fmt.Errorf("gc: %w", err)
		}
		readable := make(map[Key]bool, len(entries))
		for _, e := range entries {
			readable[e.Key] = true
		}
		for _, k := range keys {
			if readable[k] {
				continue
			}
			if err := o.Remove(ctx, k); err != nil && !errors.Is(err, ErrNotFound) {
				return rep, fmt.Errorf("gc: remove damaged entry %s: %w", k.Short(), err)
			}
			rep.Damaged++
		}
	}
	var total int64
	var candidates []Entry
	for _, e := range entries {
		if protected[e.Key] {
			rep.Protected++
			total += e.Size
			continue
		}
		if p.OlderThan > 0 && now().Sub(lastUsed(e)) > p.OlderThan {
			if err := remove(ctx, o, e, &rep); err != nil {
				return rep, err
			}
			continue
		}
		total += e.Size
		candidates = append(candidates, e)
	}
	if p.MaxSize > 0 && total > p.MaxSize {
		sort.SliceStable(candidates, func(i, j int) bool {
			a, b := lastUsed(candidates[i]), lastUsed(candidates[j])
			if !a.Equal(b) {
				return a.Before(b)
			}
			return bytes.Compare(candidates[i].Key[:], candidates[j].Key[:]) < 0
		})
		for _, e := range candidates {
			if total <= p.MaxSize {
				break
			}
			if err := remove(ctx, o, e, &rep); err != nil {
				return rep, err
			}
			total -= e.Size
		}
	}

	if pr, ok := o.(Pruner); ok {
		rep.Pruned, err = pr.Prune(ctx)
		if err != nil {
			return rep, fmt.Errorf("gc: %w", err)
		}
	}
	return rep, nil
}

func remove(ctx context.Context, o Organizer, e Entry, rep *Report) error {
	err := o.Remove(ctx, e.Key)
	if errors.Is(err, ErrNotFound) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("gc: remove entry %s: %w", e.Key.Short(), err)
	}
	rep.Entries++
	rep.Bytes += e.Size
	return nil
}

func lastUsed(e Entry) time.Time {
	if e.LastUsed.IsZero() {
		return e.Created
	}
	return e.LastUsed
}
