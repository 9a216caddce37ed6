package cli

import (
	"errors"
	"fmt"
)

// Exit codes of the formed command. They live here, in one place.
const (
	// ExitOK: everything asked for was done.
	ExitOK = 0
	// ExitFailed: a step failed (or a cache check found a problem).
	ExitFailed = 1
	// ExitUsage: bad flags, settings or config; nothing ran.
	ExitUsage = 2
	// ExitNotFound: the asked-for result, run or entry does not exist.
	ExitNotFound = 3
	// ExitCanceled: interrupted (Ctrl-C, SIGTERM); completed steps are kept.
	ExitCanceled = 130
)

// exitError carries an exit code with its message. main finds it with
// errors.As.
type exitError struct {
	code int
	err  error
	// printed reports that the message was already shown in detail.
	printed bool
}

func (e *exitError) Error() string {
	if e.err == nil {
		return fmt.Sprintf("exit %d", e.code)
	}
	return e.err.Error()
}

func (e *exitError) Unwrap() error { return e.err }

// ExitCode returns the process exit code for an error returned by Run.
func ExitCode(err error) int {
	if err == nil {
		return ExitOK
	}
	var ee *exitError
	if errors.As(err, &ee) {
		return ee.code
	}
	return ExitFailed
}

func usageErr(format string, a ...any) error {
	return &exitError{code: ExitUsage, err: fmt.Errorf(format, a...)}
}

func notFound(format string, a ...any) error {
	return &exitError{code: ExitNotFound, err: fmt.Errorf(format, a...)}
}
