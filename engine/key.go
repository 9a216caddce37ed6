package engine

import (
	"encoding/binary"
	"fmt"

	"github.com/formed-dev/formed/cache"
	"github.com/formed-dev/formed/engine/args"
)

// keyer fingerprints steps, reusing its buffers from one step to the next.
type keyer struct {
	e     *cache.Encoder
	holes []hole
	names []byte
}

// hole is where a ref's producer key goes in a step's encoding.
type hole struct {
	at   int
	step string
}

// stepKey fingerprints one step: blake3 over the canonical encoding of its
// type, code version, format name and version, and canonical arguments
// with each ref replaced by the producer's key and the selected path. A
// non-deterministic step also hashes nonce, fresh each run; a step whose
// arguments are a registry.Stamper hashes their stamp. The config's
// name for the step is left out, so renaming a step keeps its cache.
// docs/caching.md describes the encoding.
//
// It also returns the step's args digest, which a later run compares to
// tell "arguments changed" from "upstream changed": a hash of the same
// canonical arguments with every producer key left zero, followed by the
// producers' names in order. Both come from one encoding: each ref is
// written with a zero key and its place remembered, the digest is taken,
// then the keys are written in.
func (k *keyer) stepKey(s *Step, keys map[string]cache.Key, nonce, stamp string) (cache.Key, string, error) {
	if k.e == nil {
		k.e = cache.NewEncoder()
	}
	e := k.e
	e.Reset()
	e.String(s.Def.Name)
	e.String(s.CodeVersion)
	e.String(s.Format.Name())
	e.String(s.Format.Version())
	start := len(e.Bytes())
	k.holes = k.holes[:0]
	err := e.ValueWith(s.Args.Canon, func(v any) (any, bool) {
		r, ok := v.(*args.Ref)
		if !ok {
			return nil, false
		}
		// The ref is written as its tag, then the producer key.
		k.holes = append(k.holes, hole{at: len(e.Bytes()) + 1, step: r.Step})
		return cache.Ref{Path: r.Path}, true
	})
	if err != nil {
		return cache.Key{}, "", fmt.Errorf("step %s: %w", s.Name, err)
	}
	buf := e.Bytes()
	k.names = append(k.names[:0], buf[start:]...)
	for _, h := range k.holes {
		k.names = binary.AppendUvarint(k.names, uint64(len(h.step)))
		k.names = append(k.names, h.step...)
	}
	digest := cache.DigestOf(k.names).String()[:16]
	for _, h := range k.holes {
		p := keys[h.step]
		copy(buf[h.at:h.at+len(p)], p[:])
	}
	if stamp != "" {
		e.String(stamp)
	}
	if !s.Def.Deterministic {
		e.String(nonce)
	}
	return e.Key(), digest, nil
}
