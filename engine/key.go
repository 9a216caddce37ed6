package engine

import (
	"fmt"

	"github.com/formed-dev/formed/cache"
	"github.com/formed-dev/formed/engine/args"
)

// stepKey fingerprints one step: blake3 over the canonical encoding of its
// type, code version, format name and version, and canonical arguments
// with each ref replaced by the producer's key and the selected path. A
// non-deterministic step also hashes nonce, fresh each run; a step whose
// arguments are a registry.Stamper hashes their stamp. The config's
// name for the step is left out, so renaming a step keeps its cache.
// docs/caching.md describes the encoding.
func stepKey(s *Step, keys map[string]cache.Key, nonce, stamp string) (cache.Key, error) {
	e := cache.NewEncoder()
	e.String(s.Def.Name)
	e.String(s.CodeVersion)
	e.String(s.Format.Name())
	e.String(s.Format.Version())
	if err := e.ValueWith(s.Args.Canon, withKeys(keys)); err != nil {
		return cache.Key{}, fmt.Errorf("step %s: %w", s.Name, err)
	}
	if stamp != "" {
		e.String(stamp)
	}
	if !s.Def.Deterministic {
		e.String(nonce)
	}
	return e.Key(), nil
}

// argsDigest hashes the canonical arguments with refs written by producer
// name, so that a later run can tell "arguments changed" from "upstream
// changed".
func argsDigest(s *Step) string {
	e := cache.NewEncoder()
	if err := e.ValueWith(s.Args.Canon, withNames); err != nil {
		return ""
	}
	return e.Key().String()[:16]
}

// withKeys writes each ref as the producer's key and the selected path.
func withKeys(keys map[string]cache.Key) func(any) (any, bool) {
	return func(v any) (any, bool) {
		r, ok := v.(*args.Ref)
		if !ok {
			return nil, false
		}
		return cache.Ref{Producer: keys[r.Step], Path: r.Path}, true
	}
}

// withNames writes each ref as {ref: "producer.path"}.
func withNames(v any) (any, bool) {
	r, ok := v.(*args.Ref)
	if !ok {
		return nil, false
	}
	return map[string]any{"ref": r.String()}, true
}
