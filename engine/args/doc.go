// Package args binds a step's config arguments to its Go argument struct.
//
// Bind checks a decoded JSON object against the struct's type and returns a
// Value: the arguments normalised (defaults filled in, numbers typed) with
// each ref {type: 'ref', ref: 'step.field'} kept as a *Ref. It reports every
// problem, each with its config path. Canon is the same tree without the
// fields tagged formed:"ignore", the part that is fingerprinted. At run
// time, Decode builds the Go value from a Value, resolving refs to the
// producers' results.
package args
