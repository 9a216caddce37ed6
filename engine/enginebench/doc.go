// Package enginebench holds benchmarks of whole workflow runs through the
// engine API (engine.Load and engine.Run) against every organizer: a cold
// run that computes and stores every step, and a fully cached one. It has
// no code of its own; see its test file.
package enginebench
