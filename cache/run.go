package cache

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
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
	// Deps maps each producer step name to its Key in this run.
	Deps map[string]Key `json:"deps,omitempty"`
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
