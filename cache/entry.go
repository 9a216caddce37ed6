package cache

import (
	"context"
	"io"
	"time"
)

// Entry is the metadata of one stored step result.
type Entry struct {
	// Key is the step fingerprint the result is stored under.
	Key Key `json:"key"`
	// Digest and Size describe the body; readers check both.
	Digest Digest `json:"digest"`
	Size   int64  `json:"size"`
	// Format and FormatVersion name the codec that wrote the body.
	Format        string `json:"format"`
	FormatVersion string `json:"format_version"`
	// StepType is the registered step name; StepName the config's name for
	// the step that stored the entry.
	StepType string `json:"step_type"`
	StepName string `json:"step_name,omitempty"`
	// ResultType is the Go type of the result, for display.
	ResultType string `json:"result_type,omitempty"`
	// Created is when the entry was stored; LastUsed when it was last read
	// or stored, as far as the organizer tracks it.
	Created  time.Time `json:"created"`
	LastUsed time.Time `json:"last_used,omitzero"`
}

// Organizer stores cache entries, run records and step work directories.
//
// Contracts, which organizertest checks for every implementation:
//   - Put makes an entry visible only once its body is completely stored: a
//     concurrent reader, or a reader after a crash at any instant, sees the
//     complete entry or ErrNotFound, never a part.
//   - Put computes Digest and Size from the body it reads; the values in
//     the Entry passed in are ignored. Storing a Key again replaces the
//     entry.
//   - Stat reads only metadata. Open returns a body reader that verifies
//     Size and Digest as it is read: reading a damaged body to the end gives
//     an error wrapping ErrCorrupt instead of io.EOF. Entries whose metadata
//     cannot be read give ErrCorrupt or ErrNotFound, never a panic.
//   - Lock serialises the computation of one Key across goroutines and,
//     for persistent organizers, processes. A lock held by a process that has
//     died is released by the operating system or taken over; there is no
//     manual unlock.
//   - Methods are safe for concurrent use.
type Organizer interface {
	// Stat returns the metadata of the entry for key, or ErrNotFound.
	Stat(ctx context.Context, key Key) (Entry, error)
	// Open returns the entry for key and its verifying body reader.
	Open(ctx context.Context, key Key) (Entry, io.ReadCloser, error)
	// Put stores body as the entry e.Key and returns the stored entry.
	Put(ctx context.Context, e Entry, body io.Reader) (Entry, error)
	// Remove deletes the entry for key; ErrNotFound if there is none.
	Remove(ctx context.Context, key Key) error
	// Entries lists all entries, sorted by Key.
	Entries(ctx context.Context) ([]Entry, error)
	// Lock waits for the computation lock of key and returns its release.
	Lock(ctx context.Context, key Key) (unlock func(), err error)

	// PutRun stores or replaces the run record r.ID.
	PutRun(ctx context.Context, r *Run) error
	// Run returns the run record id, or ErrNotFound.
	Run(ctx context.Context, id string) (*Run, error)
	// Runs lists run records, newest first, without their step logs and
	// specs: listing reads every record, and those are the large parts.
	Runs(ctx context.Context) ([]*Run, error)
	// RemoveRun deletes the run record id; ErrNotFound if there is none.
	RemoveRun(ctx context.Context, id string) error

	// WorkDir returns the directory kept for key's step across runs, or ""
	// when the organizer keeps none (the engine then uses a temporary one).
	WorkDir(key Key) string
	// Close releases the organizer's resources.
	Close() error
}

// ReadAll opens the entry for key and reads its verified body.
func ReadAll(ctx context.Context, o Organizer, key Key) (Entry, []byte, error) {
	e, rc, err := o.Open(ctx, key)
	if err != nil {
		return e, nil, err
	}
	defer rc.Close()
	b, err := io.ReadAll(rc)
	return e, b, err
}

// Prober is implemented by organizers that can tell which of many keys
// have entries more cheaply than a Stat of each, for planning: a fully
// cached rerun asks about every step at once and reads nothing else.
//
// Contract: Has returns one bool per key, false when there is no entry for
// the key and true when there is one, without promising that it is
// intact: a damaged entry may be reported as present, and Open then gives
// ErrCorrupt, which callers treat as a miss. An error means Has could not
// tell, not that an entry is missing.
type Prober interface {
	Has(ctx context.Context, keys []Key) ([]bool, error)
}
