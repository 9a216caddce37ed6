package engine

import "time"

// Event kinds.
const (
	EventExecutionStart = "execution_start"
	EventStepStart      = "step_start"
	EventStepLog        = "step_log"
	EventStepEnd        = "step_end"
	EventExecutionEnd   = "execution_end"
	EventWarning        = "warning"
)

// Event is what a Callback hears. Fields not relevant to Kind are zero.
type Event struct {
	Kind  string    `json:"event"`
	Time  time.Time `json:"time"`
	RunID string    `json:"run_id,omitempty"`
	// Step is the config name of the step, Type its registered type.
	Step        string `json:"step,omitempty"`
	Type        string `json:"type,omitempty"`
	Fingerprint string `json:"fingerprint,omitempty"`
	// Status is a cache.Status* value on step_end and execution_end.
	Status   string        `json:"status,omitempty"`
	Reason   string        `json:"reason,omitempty"`
	Duration time.Duration `json:"-"`
	// DurationS is Duration in seconds, for JSON.
	DurationS float64 `json:"duration_s,omitempty"`
	// Message is a log line (step_log, warning) or an error (step_end,
	// execution_end).
	Message string `json:"message,omitempty"`
	Error   string `json:"error,omitempty"`
	// Steps is the number of steps in the plan, on execution_start.
	Steps int `json:"steps,omitempty"`
	// Index is the step's 1-based position in the plan.
	Index int `json:"index,omitempty"`
}

// Callback receives events as a run proceeds, synchronously and in order.
// It must not block for long.
type Callback func(Event)
