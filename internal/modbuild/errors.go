package modbuild

import (
	"errors"
	"fmt"
	"strings"
)

// ErrNoGo is returned when there is no go command to build with.
var ErrNoGo = errors.New("no go command in PATH: required_modules needs the Go toolchain to build a formed binary with your steps; install Go (https://go.dev/dl/), or build your own main that imports your step packages (see examples/custom-steps)")

// ErrNoModule is returned when the project directory is in no Go module.
var ErrNoModule = errors.New("no go.mod in the project directory or above: required_modules lists packages of a Go module; run go mod init in the project directory, then go get github.com/formed-dev/formed")

// PackageError is returned when a required package is not a Go package
// that can be found.
type PackageError struct {
	// Package is the entry of required_modules.
	Package string
	// Problem says what is wrong and what to do.
	Problem string
}

func (e *PackageError) Error() string {
	return fmt.Sprintf("required_modules: %s: %s", e.Package, e.Problem)
}

// BuildError is returned when the go command failed to build the binary;
// its own output has gone to the caller's writer.
type BuildError struct {
	// Packages are the required packages being built in.
	Packages []string
	// Reason says why a build was needed.
	Reason string
	// Err is the go command's error.
	Err error
}

func (e *BuildError) Error() string {
	return fmt.Sprintf("building a formed binary with required_modules %s (%s): %v; the go command's output is above",
		strings.Join(e.Packages, ", "), e.Reason, e.Err)
}

func (e *BuildError) Unwrap() error { return e.Err }

// StepsError is returned when the built binary cannot start with the
// required packages, or some of them register nothing.
type StepsError struct {
	// Packages are the required packages.
	Packages []string
	// Panic is the registry's message when the binary panicked at start,
	// such as a step name registered by two packages.
	Panic string
	// Empty lists the required packages that register no step or
	// implementation.
	Empty []string
}

func (e *StepsError) Error() string {
	if e.Panic != "" {
		return fmt.Sprintf("required_modules %s: the built formed binary fails at start: %s", strings.Join(e.Packages, ", "), e.Panic)
	}
	return fmt.Sprintf("required_modules: %s registers no steps or implementations: list only packages whose code calls registry.Register or registry.RegisterImpl (in init)",
		strings.Join(e.Empty, ", "))
}
