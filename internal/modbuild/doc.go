// Package modbuild builds formed binaries that link the step packages a
// project lists under required_modules in formed.yml.
//
// Go cannot import a package at run time, so when the running formed
// binary lacks a required package, the formed command asks Find for the
// binary that has them: a generated main that imports the formed CLI and
// the packages, built with the project's go.mod by the local Go toolchain
// and cached under .formed/bin/KEY/. The key covers everything that
// affects the build (see Manifest), and computing it runs no process, so a
// second invocation with nothing changed costs milliseconds. Build writes a
// new binary into a temporary directory and renames it into place, so
// concurrent invocations never see a partial binary: the last rename wins
// and the losers' identical builds are removed.
//
// The package prints nothing; the go command's own output goes to the
// writer its caller passes.
package modbuild
