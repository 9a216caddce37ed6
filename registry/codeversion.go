package registry

import (
	"fmt"
	"maps"
	"sync"
)

// CodeVersions are the code versions of the step functions of one package,
// computed from its source at build time by formed generate.
type CodeVersions struct {
	// Package is the package path as the runtime spells it in function
	// names: the import path, or "main" for a command.
	Package string
	// Stamp identifies the sources the versions were computed from, so
	// that run time can tell whether the source has changed since.
	Stamp string
	// Versions maps a function key to its code version. The key is the
	// function name ("Add"), the receiver type and method ("T.Run"), or the
	// file and line of a function literal ("steps.go:42").
	Versions map[string]string
}

var codeVersions struct {
	mu  sync.RWMutex
	pkg map[string]CodeVersions
}

// RecordCodeVersions records the code versions of package pkgPath's step
// functions. The file that formed generate writes calls it from init; it
// panics if pkgPath is recorded twice.
func RecordCodeVersions(pkgPath, stamp string, versions map[string]string) {
	codeVersions.mu.Lock()
	defer codeVersions.mu.Unlock()
	if codeVersions.pkg == nil {
		codeVersions.pkg = map[string]CodeVersions{}
	}
	if _, ok := codeVersions.pkg[pkgPath]; ok {
		panic(fmt.Sprintf("registry: code versions of package %s recorded twice; remove the extra generated file", pkgPath))
	}
	codeVersions.pkg[pkgPath] = CodeVersions{Package: pkgPath, Stamp: stamp, Versions: maps.Clone(versions)}
}

// LookupCodeVersions returns the code versions recorded for pkgPath, and
// false when none were.
func LookupCodeVersions(pkgPath string) (CodeVersions, bool) {
	codeVersions.mu.RLock()
	defer codeVersions.mu.RUnlock()
	cv, ok := codeVersions.pkg[pkgPath]
	return cv, ok
}
