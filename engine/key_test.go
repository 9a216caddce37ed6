package engine_test

import (
	"testing"

	"github.com/formed-dev/formed/engine"
	"github.com/formed-dev/formed/engine/config"
)

// TestFingerprintGolden pins fingerprints. If this fails, the canonical
// encoding or what goes into a key changed: every user's cache is
// invalidated. Do that only on purpose, bump cache.EncodingVersion, and
// update docs/caching.md and the values here.
func TestFingerprintGolden(t *testing.T) {
	f := newFixture()
	path := writeConfig(t, chain)
	wf, err := engine.Load(path, config.Options{}, f.reg)
	if err != nil {
		t.Fatal(err)
	}
	plan, err := engine.MakePlan(t.Context(), wf, newMemory(), engine.PlanOptions{})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"sum":     "eb4a37d10400a7daa43f086092295e9e1ea8268d7c8213bc0a0db6fb0679dc97",
		"doubled": "daffec15c25a04d45c586a456e7f6c578e6c356258adf0720f747b178da5dd7a",
		"st":      "7e86f52d2ecc87df7bb8799a8ae9855b27d2c34a3233af1748ae6f80621adc53",
		"total":   "06dde8d79fd8bfd2e8edaa5b06267613da415a63d4e417ca750a32a72cfb0111",
	}
	for _, ps := range plan.Steps {
		if got := ps.Key.String(); got != want[ps.Name] {
			t.Errorf("key of %s = %s, want %s", ps.Name, got, want[ps.Name])
		}
	}
}

// TestArgsDigest: the args digest follows a step's own arguments and the
// names of its producers, not the producers' keys, so that a later run
// can tell "arguments changed" from "upstream changed".
func TestArgsDigest(t *testing.T) {
	f := newFixture()
	digests := func(text string) map[string]string {
		t.Helper()
		wf, err := engine.Load(writeConfig(t, text), config.Options{}, f.reg)
		if err != nil {
			t.Fatal(err)
		}
		plan, err := engine.MakePlan(t.Context(), wf, newMemory(), engine.PlanOptions{})
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]string{}
		for _, ps := range plan.Steps {
			out[ps.Name] = ps.ArgsDigest
		}
		return out
	}
	base := digests(`{ steps: { a: { type: 'add', a: 1, b: 2 }, c: { type: 'add', a: 5, b: 6 }, m: { type: 'mul', x: { type: 'ref', ref: 'a' } } } }`)
	upstream := digests(`{ steps: { a: { type: 'add', a: 1, b: 3 }, c: { type: 'add', a: 5, b: 6 }, m: { type: 'mul', x: { type: 'ref', ref: 'a' } } } }`)
	producer := digests(`{ steps: { a: { type: 'add', a: 1, b: 2 }, c: { type: 'add', a: 5, b: 6 }, m: { type: 'mul', x: { type: 'ref', ref: 'c' } } } }`)
	if base["m"] == "" || len(base["m"]) != 16 {
		t.Fatalf("args digest %q: want 16 hex digits", base["m"])
	}
	if upstream["a"] == base["a"] {
		t.Error("a's arguments changed but its args digest did not")
	}
	if upstream["m"] != base["m"] {
		t.Error("only m's producer changed, but m's args digest changed too")
	}
	if producer["m"] == base["m"] {
		t.Error("m refers to another producer, but its args digest did not change")
	}
}
