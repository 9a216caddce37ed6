package cache

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"runtime"
	"slices"
	"testing"
	"time"
)

// AppendJSON must write what json.Marshal writes, byte for byte: records
// written before it existed, and by anything else, read the same.
func sameAsMarshal(t *testing.T, r *Run) {
	t.Helper()
	want, wantErr := json.Marshal(r)
	got, gotErr := r.AppendJSON(nil)
	if (wantErr != nil) != (gotErr != nil) {
		t.Fatalf("AppendJSON error %v, json.Marshal error %v", gotErr, wantErr)
	}
	if wantErr == nil && !bytes.Equal(got, want) {
		t.Fatalf("AppendJSON differs from json.Marshal:\n got %s\nwant %s", got, want)
	}
}

func TestRunAppendJSON(t *testing.T) {
	start := time.Date(2026, 11, 22, 9, 3, 1, 123456789, time.FixedZone("X", 3600))
	var k1, k2 Key
	k1[0], k2[31] = 0xab, 0x01
	cases := map[string]*Run{
		"empty":   {},
		"minimal": {ID: "20261122T090301.123Z-abcdef", Config: "/p/config.jsonnet", Status: StatusRunning, Started: start},
		"full": {
			ID: "x", Config: "c", Status: StatusFailed, Started: start, Ended: start.Add(90 * time.Second), Error: "step a: <boom> & \"quoted\"\n",
			Spec: json.RawMessage("{\n   \"steps\": {\n      \"a\": { \"type\": \"add\" }\n   }\n}\n"),
			Steps: []StepRecord{
				{Name: "a", Type: "add", Key: k1, Status: StatusFailed, Reason: "new", Error: "bad\tthing", DurationS: 0.000000123,
					CodeVersion: "src:1", ArgsDigest: "0011", Deps: DepsOf(map[string]Key{"z": k2, "b": k1, "é": k2}), Stored: true, Log: []string{"line 1", "ctl \x01 \x7f", "bad utf8 \xff\xfe", "sep \u2028\u2029"}},
				{Name: "b", Type: "sum", Key: k2, Status: StatusCached, DurationS: 1e21},
				{Name: "c", DurationS: 12.5},
				{Name: "d", DurationS: -3e-9},
				{Name: "e", Deps: DepsOf(map[string]Key{}), Log: []string{}},
			},
		},
		"no steps":  {ID: "a", Steps: []StepRecord{}},
		"bad spec":  {ID: "a", Spec: json.RawMessage("{nope")},
		"utc times": {Started: start.UTC(), Ended: start.UTC().Add(time.Nanosecond)},
	}
	for name, r := range cases {
		t.Run(name, func(t *testing.T) { sameAsMarshal(t, r) })
	}
}

// A large run's records are encoded in parts, in parallel, and joined.
func TestRunAppendJSONLarge(t *testing.T) {
	r := &Run{ID: "big", Steps: make([]StepRecord, 5001)}
	for i := range r.Steps {
		r.Steps[i] = StepRecord{Name: fmt.Sprint("step_", i), Key: Key{byte(i), byte(i >> 8)}, Status: StatusCached, DurationS: float64(i) / 7}
		if i > 0 {
			r.Steps[i].Deps = Deps{{fmt.Sprint("step_", i-1), Key{byte(i)}}}
		}
	}
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(4))
	sameAsMarshal(t, r)
}

func TestAppendFloatNonFinite(t *testing.T) {
	for _, f := range []float64{math.NaN(), math.Inf(1), math.Inf(-1)} {
		if got := string(appendFloat(nil, f)); got != "0" {
			t.Errorf("appendFloat(%v) = %s, want 0", f, got)
		}
	}
}

func FuzzRunAppendJSON(f *testing.F) {
	f.Add("a", "<b>&\"c\"\\", "\xff\u2028", 1.5, int64(0))
	f.Add("", "\x00\x1f", "é", 1e-7, int64(1700000000123456789))
	f.Fuzz(func(t *testing.T, s1, s2, s3 string, d float64, ns int64) {
		if math.IsNaN(d) || math.IsInf(d, 0) {
			return
		}
		ts := time.Unix(0, ns).UTC()
		if ts.Year() < 0 || ts.Year() > 9999 {
			return
		}
		r := &Run{ID: s1, Config: s2, Status: s3, Started: ts, Error: s3,
			Steps: []StepRecord{{Name: s1, Type: s2, Reason: s3, DurationS: d, Deps: DepsOf(map[string]Key{s1: {}, s2: {1}}), Log: []string{s1, s2, s3}}}}
		sameAsMarshal(t, r)
	})
}

// Deps reads and writes as the object {name: key} that run records have
// always held, and finds a producer by name.
func TestDeps(t *testing.T) {
	k1, k2 := Key{1}, Key{2}
	d := DepsOf(map[string]Key{"b": k2, "a": k1})
	if len(d) != 2 || d[0].Name != "a" || d[1].Name != "b" {
		t.Fatalf("DepsOf = %v, want sorted by name", d)
	}
	if k, ok := d.Key("b"); !ok || k != k2 {
		t.Errorf("Key(b) = %v, %v", k, ok)
	}
	if _, ok := d.Key("c"); ok {
		t.Error("Key(c) found a producer that is not there")
	}
	b, err := json.Marshal(d)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]Key
	if err := json.Unmarshal(b, &m); err != nil || len(m) != 2 || m["a"] != k1 {
		t.Errorf("Deps as JSON = %s (%v), want an object from name to key", b, err)
	}
	var back Deps
	if err := json.Unmarshal(b, &back); err != nil || !slices.Equal(back, d) {
		t.Errorf("Deps round trip = %v, %v; want %v", back, err, d)
	}
	if b, _ := json.Marshal(Deps(nil)); string(b) != "null" {
		t.Errorf("nil Deps = %s, want null", b)
	}
}
