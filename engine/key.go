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
	if err := e.Value(withKeys(s.Args.Canon, keys)); err != nil {
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
	if err := e.Value(withNames(s.Args.Canon)); err != nil {
		return ""
	}
	return e.Key().String()[:16]
}

func withKeys(v any, keys map[string]cache.Key) any {
	return mapRefs(v, func(r *args.Ref) any { return cache.Ref{Producer: keys[r.Step], Path: r.Path} })
}

func withNames(v any) any {
	return mapRefs(v, func(r *args.Ref) any {
		return map[string]any{"ref": r.String()}
	})
}

// mapRefs copies the parts of v that contain refs, replacing each ref with
// f(ref); parts without refs are shared.
func mapRefs(v any, f func(*args.Ref) any) any {
	switch x := v.(type) {
	case *args.Ref:
		return f(x)
	case map[string]any:
		var out map[string]any
		for k, y := range x {
			z := mapRefs(y, f)
			if out == nil {
				if !hasRef(y) {
					continue
				}
				out = make(map[string]any, len(x))
				for k2, y2 := range x {
					out[k2] = y2
				}
			}
			out[k] = z
		}
		if out == nil {
			return x
		}
		return out
	case []any:
		var out []any
		for i, y := range x {
			if !hasRef(y) {
				continue
			}
			if out == nil {
				out = append([]any(nil), x...)
			}
			out[i] = mapRefs(y, f)
		}
		if out == nil {
			return x
		}
		return out
	}
	return v
}

func hasRef(v any) bool {
	switch x := v.(type) {
	case *args.Ref:
		return true
	case map[string]any:
		for _, y := range x {
			if hasRef(y) {
				return true
			}
		}
	case []any:
		for _, y := range x {
			if hasRef(y) {
				return true
			}
		}
	}
	return false
}
