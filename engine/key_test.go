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
