// Package codeversion finds the code version of a step: the part of its
// fingerprint that changes when its code does.
//
// A step registered with registry.Version has that version. Any other step
// gets a blake3 hash of its function's syntax tree, with comments and
// formatting left out, together with every declaration of its module that
// the function reaches: helpers, methods of the types it uses, constants,
// package variables and their initialisers, type declarations, and
// declarations of other packages of the same module. A package of another
// module counts through the version of that module that go.mod requires.
//
// The hashes are computed at build time by Generate, which the formed
// generate command writes into GeneratedFile, and at run time from source
// when the source files the binary was built from are present and differ
// from the ones Generate saw (go run during development). Without either, a
// step falls back to the binary's VCS revision, and the Resolver warns once.
//
// See docs/code-versions.md for what counts as a change.
package codeversion
