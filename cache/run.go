package cache

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"slices"
	"strings"
	"time"
)

// Run statuses and step statuses as stored in run records and reported by
// callbacks.
const (
	StatusRunning   = "running"
	StatusCompleted = "completed"
	StatusCached    = "cached"
	StatusFailed    = "failed"
	StatusCanceled  = "canceled"
	StatusSkipped   = "skipped" // not reached: an upstream step failed or was canceled
)

// Run is the record of one workflow run.
type Run struct {
	ID      string    `json:"id"`
	Config  string    `json:"config"`
	Status  string    `json:"status"`
	Started time.Time `json:"started"`
	Ended   time.Time `json:"ended,omitzero"`
	Error   string    `json:"error,omitempty"`
	// Spec is the evaluated config, as JSON.
	Spec  json.RawMessage `json:"spec,omitempty"`
	Steps []StepRecord    `json:"steps"`
}

// StepRecord is one step's part of a Run.
type StepRecord struct {
	Name        string  `json:"name"`
	Type        string  `json:"type"`
	Key         Key     `json:"key"`
	Status      string  `json:"status"`
	Reason      string  `json:"reason,omitempty"`
	Error       string  `json:"error,omitempty"`
	DurationS   float64 `json:"duration_s"`
	CodeVersion string  `json:"code_version,omitempty"`
	// ArgsDigest hashes the step's canonical arguments with refs written by
	// producer name, so a later run can tell changed arguments from a
	// changed upstream.
	ArgsDigest string `json:"args_digest,omitempty"`
	// Deps holds each producer step's name and its Key in this run.
	Deps Deps `json:"deps,omitempty"`
	// Stored reports whether the result was stored under Key.
	Stored bool     `json:"stored,omitempty"`
	Log    []string `json:"log,omitempty"`
}

// NewRunID returns a fresh run id that sorts by start time:
// 20261122T070303.123Z-3f9a1c.
func NewRunID(now time.Time) string {
	var b [3]byte
	rand.Read(b[:])
	return now.UTC().Format("20060102T150405.000Z") + "-" + hex.EncodeToString(b[:])
}

// Deps lists a step's producers and their keys, sorted by name, each name
// once. In JSON it is an object from name to key. A plan of 10,000 steps
// makes one per step; a sorted list is a tenth of a map's memory and is
// written in order.
type Deps []Dep

// Dep is one producer of a step: its name in the config and its key.
type Dep struct {
	Name string
	Key  Key
}

// DepsOf returns m as Deps.
func DepsOf(m map[string]Key) Deps {
	if m == nil {
		return nil
	}
	d := make(Deps, 0, len(m))
	for n, k := range m {
		d = append(d, Dep{n, k})
	}
	slices.SortFunc(d, func(a, b Dep) int { return strings.Compare(a.Name, b.Name) })
	return d
}

// Key returns the key of the producer name.
func (d Deps) Key(name string) (Key, bool) {
	i, ok := slices.BinarySearchFunc(d, name, func(e Dep, n string) int { return strings.Compare(e.Name, n) })
	if !ok {
		return Key{}, false
	}
	return d[i].Key, true
}

// MarshalJSON writes d as an object from name to key.
func (d Deps) MarshalJSON() ([]byte, error) {
	if d == nil {
		return []byte("null"), nil
	}
	return d.appendJSON(nil), nil
}

// UnmarshalJSON reads an object from name to key.
func (d *Deps) UnmarshalJSON(b []byte) error {
	var m map[string]Key
	if err := json.Unmarshal(b, &m); err != nil {
		return err
	}
	*d = DepsOf(m)
	return nil
}
