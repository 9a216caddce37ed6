package engine

import (
	"encoding/binary"
	"fmt"

	"github.com/formed-dev/formed/cache"
	"github.com/formed-dev/formed/engine/args"
)

// stepEncoding is a step's canonical encoding with its producers' keys left
// out: everything of its key that does not depend on other steps. Steps
// are encoded independently, in parallel; the keys are then filled in in
// dependency order.
type stepEncoding struct {
	buf   []byte
	holes []hole
	// digest is the step's args digest.
	digest string
}

// hole is where a ref's producer key goes in a step's encoding: the
// producer's name, and its index in the plan's order (-1 if it is not in
// the plan, which a bound workflow rules out).
type hole struct {
	at   int
	step string
	dep  int
}

// encodeStep encodes what goes into s's key: its type, code version,
// format name and version, and canonical arguments with each ref written
// as the producer's key and the selected path. A non-deterministic step
// also hashes nonce, fresh each run; a step whose arguments are a
// registry.Stamper hashes their stamp. The config's name for the step is
// left out, so renaming a step keeps its cache. docs/caching.md describes
// the encoding.
//
// Each ref is written with a zero key and its place kept for key to fill.
// The args digest, which a later run compares to tell "arguments changed"
// from "upstream changed", hashes the canonical arguments so written (no
// producer keys) followed by the producers' names in order.
//
// e is scratch space, reused from step to step.
// at gives each step's index in the plan's order.
func encodeStep(e *cache.Encoder, s *Step, nonce, stamp string, at map[string]int) (stepEncoding, error) {
	e.Reset()
	e.String(s.Def.Name)
	e.String(s.CodeVersion)
	e.String(s.Format.Name())
	e.String(s.Format.Version())
	start := len(e.Bytes())
	var holes []hole
	err := e.ValueWith(s.Args.Canon, func(v any) (any, bool) {
		r, ok := v.(*args.Ref)
		if !ok {
			return nil, false
		}
		// The ref is written as its tag, then the producer key.
		dep, ok := at[r.Step]
		if !ok {
			dep = -1
		}
		holes = append(holes, hole{at: len(e.Bytes()) + 1, step: r.Step, dep: dep})
		return cache.Ref{Path: r.Path}, true
	})
	if err != nil {
		return stepEncoding{}, fmt.Errorf("step %s: %w", s.Name, err)
	}
	canon := e.Bytes()[start:]
	names := make([]byte, 0, len(canon)+16*len(holes))
	names = append(names, canon...)
	for _, h := range holes {
		names = binary.AppendUvarint(names, uint64(len(h.step)))
		names = append(names, h.step...)
	}
	if stamp != "" {
		e.String(stamp)
	}
	if !s.Def.Deterministic {
		e.String(nonce)
	}
	return stepEncoding{
		buf:    append([]byte(nil), e.Bytes()...),
		holes:  holes,
		digest: cache.DigestOf(names).String()[:16],
	}, nil
}

// key writes the producers' keys, by their index in the plan's order, into
// se and returns the step's key.
func (se *stepEncoding) key(keys []cache.Key) cache.Key {
	for _, h := range se.holes {
		var p cache.Key
		if h.dep >= 0 {
			p = keys[h.dep]
		}
		copy(se.buf[h.at:h.at+len(p)], p[:])
	}
	return cache.KeyOf(se.buf)
}
