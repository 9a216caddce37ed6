package cli

import (
	"bufio"
	"bytes"
	"encoding/json"
	"strings"
	"sync"
	"testing"

	"github.com/formed-dev/formed/cache"
	"github.com/formed-dev/formed/engine"
)

const concurrentConfig = `
local ref(n) = { type: 'ref', ref: n };
{
  steps: {
    a: { type: 'add', a: 1, b: 2 },
    b: { type: 'add', a: ref('a'), b: 10 },
    c: { type: 'add', a: ref('b'), b: 100 },
    x: { type: 'add', a: 7, b: 7 },
    big: { type: 'blob', size: 1000000, seed: 9 },
    d: { type: 'digest', data: ref('big') },
  },
}
`

// TestConcurrentRuns starts several 'workflow run' processes on one config
// and one organizer at once. Every step is computed once, by one of them;
// the others wait on its lock and use its result.
func TestConcurrentRuns(t *testing.T) {
	const procs = 3
	for _, kind := range organizerKinds {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			p := newCacheProject(t, kind)
			// Steps sleep so that the runs overlap: all of them plan before
			// the first computation is stored.
			p.env = append(p.env, "FORMED_TEST_SLEEP=300ms")
			cfg := p.write("c.jsonnet", concurrentConfig)

			type run struct {
				out, errOut bytes.Buffer
				err         error
			}
			runs := make([]*run, procs)
			var wg sync.WaitGroup
			start := make(chan struct{})
			for i := range runs {
				r := &run{}
				runs[i] = r
				cmd := p.command("workflow", "run", "--json", cfg)
				cmd.Stdout, cmd.Stderr = &r.out, &r.errOut
				wg.Go(func() {
					<-start
					r.err = cmd.Run()
				})
			}
			close(start)
			wg.Wait()

			computedBy := map[string]int{} // step → runs that computed it
			otherRun := 0
			fingerprints := map[string]string{}
			var digests []string
			for i, r := range runs {
				if r.err != nil || r.errOut.Len() > 0 {
					t.Fatalf("run %d: %v\nstdout:\n%s\nstderr:\n%s", i, r.err, r.out.String(), r.errOut.String())
				}
				sc := bufio.NewScanner(&r.out)
				for sc.Scan() {
					var ev engine.Event
					if err := json.Unmarshal(sc.Bytes(), &ev); err != nil {
						t.Fatalf("run %d: event %q: %v", i, sc.Text(), err)
					}
					switch ev.Kind {
					case engine.EventWarning:
						t.Errorf("run %d: warning: %s", i, ev.Message)
					case engine.EventStepLog:
						if ev.Step == "d" {
							digests = append(digests, ev.Message)
						}
					case engine.EventExecutionEnd:
						if ev.Status != cache.StatusCompleted {
							t.Errorf("run %d ended %s: %s", i, ev.Status, ev.Error)
						}
					case engine.EventStepEnd:
						if f, ok := fingerprints[ev.Step]; ok && f != ev.Fingerprint {
							t.Errorf("step %s: fingerprint %s in one run, %s in another", ev.Step, f, ev.Fingerprint)
						}
						fingerprints[ev.Step] = ev.Fingerprint
						switch {
						case ev.Status == cache.StatusCompleted && ev.Step != "d":
							computedBy[ev.Step]++
						case ev.Status == cache.StatusCached && ev.Reason == "computed by another run":
							otherRun++
						case ev.Status != cache.StatusCached && ev.Step != "d":
							t.Errorf("run %d: step %s %s", i, ev.Step, ev.Status)
						}
					}
				}
			}
			for _, step := range []string{"a", "b", "c", "x", "big"} {
				if computedBy[step] != 1 {
					t.Errorf("step %s computed by %d runs, want 1", step, computedBy[step])
				}
			}
			// d is not cacheable: each run computes it, from the one stored
			// big.
			wantExecs(t, p.counts(), map[string]int{"a": 1, "b": 1, "c": 1, "x": 1, "big": 1, "d": procs})
			if otherRun == 0 {
				t.Error(`no run used a result "computed by another run": the runs did not overlap`)
			}
			if len(digests) != procs {
				t.Errorf("d logged %d times, want %d: %q", len(digests), procs, digests)
			}
			for _, d := range digests[1:] {
				if d != digests[0] {
					t.Errorf("d read different bytes in different runs: %q", digests)
				}
			}
			if r := p.ok("workflow", "result", cfg, "c"); strings.TrimSpace(r.stdout) != "113" {
				t.Errorf("result of c: %q, want 113", r.stdout)
			}
			p.ok("workflow", "cache", "verify")
		})
	}
}
