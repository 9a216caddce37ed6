package registry

import (
	"context"
	"log/slog"
	"os"
)

// Info describes the step being run, as seen from inside it.
type Info struct {
	// Name is the step's name in the config.
	Name string
	// Type is the registered step name.
	Type string
	// Fingerprint is the step's cache key in hex.
	Fingerprint string
	// RunID identifies the run.
	RunID string
	// WorkDir is a directory kept for this fingerprint across runs, or "".
	WorkDir string
	// Logger writes to the run record and the terminal.
	Logger *slog.Logger
}

type infoKey struct{}

// WithInfo returns ctx carrying info. The engine calls it before a step runs.
func WithInfo(ctx context.Context, info Info) context.Context {
	return context.WithValue(ctx, infoKey{}, info)
}

// InfoFrom returns the Info of the step running with ctx, and false when ctx
// did not come from the engine.
func InfoFrom(ctx context.Context) (Info, bool) {
	info, ok := ctx.Value(infoKey{}).(Info)
	return info, ok
}

// Logger returns the running step's logger, or a logger to standard error
// when ctx did not come from the engine.
func Logger(ctx context.Context) *slog.Logger {
	if info, ok := InfoFrom(ctx); ok && info.Logger != nil {
		return info.Logger
	}
	return slog.New(slog.NewTextHandler(os.Stderr, nil))
}

// WorkDir returns the running step's work directory, which persists for the
// step's fingerprint, so a step can keep partial work across a crash. It
// returns a fresh temporary directory when ctx did not come from the engine.
func WorkDir(ctx context.Context) (string, error) {
	if info, ok := InfoFrom(ctx); ok && info.WorkDir != "" {
		return info.WorkDir, os.MkdirAll(info.WorkDir, 0o755)
	}
	return os.MkdirTemp("", "formed-work-")
}
