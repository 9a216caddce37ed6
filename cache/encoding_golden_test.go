package cache

import (
	"encoding/hex"
	"math"
	"testing"
)

// TestEncodingGolden pins the canonical encoding byte for byte, as
// docs/caching.md describes it. A change here changes every fingerprint.
func TestEncodingGolden(t *testing.T) {
	e := NewEncoder()
	e.String("add")
	if err := e.Value(map[string]any{
		"b":    int64(-2),
		"a":    []any{true, false, nil, 1.5, uint64(7), "x", []byte{1}},
		"r":    Ref{Producer: Key{1}, Path: []string{"total"}},
		"zero": math.Copysign(0, -1),
	}); err != nil {
		t.Fatal(err)
	}
	const want = "530d666f726d65642e6b65792e7631" + // S "formed.key.v1"
		"5303616464" + // S "add"
		"4d04" + // M, 4 pairs
		"0161" + "4c07" + "54" + "46" + "4e" + "443ff8000000000000" + "5507" + "530178" + "420101" + // a: L[T F N D1.5 U7 S"x" B[1]]
		"0162" + "4903" + // b: I -2 (zig-zag 3)
		"0172" + "52" + "01" + "00000000000000000000000000000000000000000000000000000000000000" + "01" + "05746f74616c" + // r: R key path
		"047a65726f" + "440000000000000000" // zero: D +0
	if got := hex.EncodeToString(e.Bytes()); got != want {
		t.Errorf("encoding =\n%s\nwant\n%s", got, want)
	}
	if got, want := e.Key().String()[:16], "1d43bdd1e24f9693"; got != want {
		t.Errorf("key prefix = %s, want %s", got, want)
	}
}
