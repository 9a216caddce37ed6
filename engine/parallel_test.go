package engine_test

import (
	"errors"
	"fmt"
	"runtime"
	"strings"
	"testing"

	"github.com/formed-dev/formed/engine"
	"github.com/formed-dev/formed/engine/config"
)

// A config of more than 256 steps is bound and encoded on every
// processor. The keys, digests and errors must not depend on that: the
// same as on one processor, and errors in config order. Run with -race.
func TestLargeWorkflowParallel(t *testing.T) {
	f := newFixture()
	const n = 1200
	good := writeConfig(t, fmt.Sprintf(`local n = %d;
{
  steps: {
    ['s' + i]: if i == 0 then { type: 'add', a: 0, b: 1 }
      else { type: 'add', a: { type: 'ref', ref: 's' + std.floor((i - 1) / 2) }, b: i }
    for i in std.range(0, n - 1)
  } + {
    sq: { type: 'area', shape: { type: 'square', side: 2 } },
    all: { type: 'stats', values: [{ type: 'ref', ref: 's' + i } for i in std.range(0, n - 1)] },
  },
}`, n))
	plan := func(procs int) map[string]string {
		t.Helper()
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
		wf, err := engine.Load(good, config.Options{}, f.reg)
		if err != nil {
			t.Fatal(err)
		}
		p, err := engine.MakePlan(t.Context(), wf, newMemory(), engine.PlanOptions{})
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]string{}
		for _, ps := range p.Steps {
			out[ps.Name] = ps.Key.String() + " " + ps.ArgsDigest
		}
		return out
	}
	one, many := plan(1), plan(4)
	if len(one) != n+2 {
		t.Fatalf("%d steps planned, want %d", len(one), n+2)
	}
	for name, v := range one {
		if many[name] != v {
			t.Errorf("step %s: key and digest %s on 4 processors, %s on 1", name, many[name], v)
		}
	}

	// Every 100th step has an unknown argument and a value of the wrong
	// type: 24 errors, in config order, whatever the processors.
	bad := writeConfig(t, fmt.Sprintf(`local n = %d;
{
  steps: {
    ['s' + i]: if i %% 100 == 7 then { type: 'add', a: 'x', b: 1, c: 2 } else { type: 'add', a: i, b: 1 }
    for i in std.range(0, n - 1)
  },
}`, n))
	errorsOn := func(procs int) string {
		t.Helper()
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
		_, err := engine.Load(bad, config.Options{}, f.reg)
		var errs config.Errors
		if !errors.As(err, &errs) {
			t.Fatalf("Load: %v, want config.Errors", err)
		}
		var paths []string
		for _, e := range errs {
			paths = append(paths, e.Path)
		}
		return strings.Join(paths, " ")
	}
	got := errorsOn(4)
	var want []string
	for i := 7; i < n; i += 100 {
		want = append(want, fmt.Sprintf("steps.s%d.a steps.s%d.c", i, i))
	}
	if got != strings.Join(want, " ") {
		t.Errorf("errors on 4 processors:\n%s\nwant\n%s", got, strings.Join(want, " "))
	}
	if one := errorsOn(1); one != got {
		t.Errorf("errors on 1 processor differ:\n%s\n%s", one, got)
	}
}
