package engine_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"syscall"
	"testing"
	"time"

	jsonnet "github.com/google/go-jsonnet"

	"github.com/formed-dev/formed/cache"
	"github.com/formed-dev/formed/engine"
	"github.com/formed-dev/formed/engine/config"
	"github.com/formed-dev/formed/organizers/filesystem"
	"github.com/formed-dev/formed/organizers/memory"
	"github.com/formed-dev/formed/registry"
)

// The engine's targets (issue 2), for 10,000 trivial steps:
//
//   - Plan: at most 10 µs per step (ns/step of Plan).
//   - ColdMemory: engine overhead at most 20 µs per step (ns/step).
//   - CachedFilesystem: a fully cached rerun, config evaluation included,
//     adds at most 150 ms to go-jsonnet's own evaluation of the same config
//     (ms-over-eval, measured against an evaluation in the same iteration;
//     cpu-ms-over-eval the same in CPU time).
//   - ColdFilesystem: within 1.5× of RawFiles, this machine's rate for
//     writing, fsyncing and renaming one small file per step (x-raw,
//     measured against RawFiles in the same iteration).
//
// Run them with
//
//	go test -run '^$' -bench '^BenchmarkEngine$' -count 6 ./engine/ | tee new.txt
//	go run golang.org/x/perf/cmd/benchstat@v0.0.0-20260908200009-22c9c6c9d4da new.txt

// benchSteps is the size of the benchmarked workflows.
const benchSteps = 10000

type benchAddArgs struct {
	A int `json:"a"`
	B int `json:"b"`
}

type benchSumArgs struct {
	Values []int `json:"values"`
}

// benchRegistry holds the trivial steps the benchmark workflows use.
func benchRegistry() *registry.Registry {
	reg := registry.New()
	registry.Add(reg, "add", func(ctx context.Context, in benchAddArgs) (int, error) {
		return in.A + in.B, nil
	}, registry.Version("1"))
	registry.Add(reg, "sum", func(ctx context.Context, in benchSumArgs) (int, error) {
		t := 0
		for _, v := range in.Values {
			t += v
		}
		return t, nil
	}, registry.Version("1"))
	return reg
}

// benchShapes are the benchmark configs, written as Jsonnet comprehensions
// the way a user would write them. Names are built with +, not %: go-jsonnet's
// std.format is written in Jsonnet and makes evaluation some 50 times
// slower (12 s instead of 0.25 s for 10,000 steps).
var benchShapes = []struct {
	name   string
	steps  int
	config string
}{
	{
		// step_i adds one to step_{i-1}.
		name:  "chain",
		steps: benchSteps,
		config: fmt.Sprintf(`local n = %d;
{
  steps: {
    ['step_' + i]: if i == 0 then { type: 'add', a: 0, b: 1 }
      else { type: 'add', a: { type: 'ref', ref: 'step_' + (i - 1) }, b: 1 }
    for i in std.range(0, n - 1)
  },
}
`, benchSteps),
	},
	{
		// One source, n steps that each use it, one sink that uses them all.
		name:  "fan",
		steps: benchSteps + 2,
		config: fmt.Sprintf(`local n = %d;
{
  steps: {
    source: { type: 'add', a: 1, b: 2 },
    sink: { type: 'sum', values: [{ type: 'ref', ref: 'mid_' + i } for i in std.range(0, n - 1)] },
  } + {
    ['mid_' + i]: { type: 'add', a: { type: 'ref', ref: 'source' }, b: i }
    for i in std.range(0, n - 1)
  },
}
`, benchSteps),
	},
}

func BenchmarkEngine(b *testing.B) {
	for _, shape := range benchShapes {
		b.Run(shape.name, func(b *testing.B) {
			benchShape(b, shape.config, shape.steps)
		})
	}
}

func benchShape(b *testing.B, text string, steps int) {
	reg := benchRegistry()
	path := filepath.Join(b.TempDir(), "config.jsonnet")
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		b.Fatal(err)
	}
	load := func(b *testing.B) *engine.Workflow {
		wf, err := engine.Load(path, config.Options{}, reg)
		if err != nil {
			b.Fatal(err)
		}
		if len(wf.Steps) != steps {
			b.Fatalf("config has %d steps, want %d", len(wf.Steps), steps)
		}
		return wf
	}
	ctx := context.Background()

	b.Run("Evaluate", func(b *testing.B) {
		m := newMeter(b, steps)
		for b.Loop() {
			if _, err := jsonnet.MakeVM().EvaluateFile(path); err != nil {
				b.Fatal(err)
			}
		}
		m.report()
	})
	b.Run("Load", func(b *testing.B) {
		b.ReportAllocs()
		m := newMeter(b, steps)
		for b.Loop() {
			load(b)
		}
		m.report()
	})
	b.Run("Plan", func(b *testing.B) {
		wf := load(b)
		o := memory.New()
		b.ReportAllocs()
		m := newMeter(b, steps)
		for b.Loop() {
			if _, err := engine.MakePlan(ctx, wf, o, engine.PlanOptions{}); err != nil {
				b.Fatal(err)
			}
		}
		m.report()
	})
	b.Run("ColdMemory", func(b *testing.B) {
		wf := load(b)
		b.ReportAllocs()
		m := newMeter(b, steps)
		for b.Loop() {
			res, err := engine.Run(ctx, wf, engine.Options{Organizer: memory.New()})
			if err != nil {
				b.Fatal(err)
			}
			if got := countStatus(res, cache.StatusCompleted); got != steps {
				b.Fatalf("%d steps computed, want %d", got, steps)
			}
		}
		m.report()
	})
	b.Run("RawFiles", func(b *testing.B) {
		// The size of the entry file of a small int result.
		body := make([]byte, entryFileSize(b, load(b)))
		m := newMeter(b, steps)
		for b.Loop() {
			rawFiles(b, b.TempDir(), steps, body)
		}
		m.report()
	})
	b.Run("ColdFilesystem", func(b *testing.B) {
		wf := load(b)
		body := make([]byte, entryFileSize(b, wf))
		b.ReportAllocs()
		var raw time.Duration
		m := newMeter(b, steps)
		for b.Loop() {
			// The disk is shared and its speed drifts: RawFiles again,
			// untimed, next to each run.
			m.pause()
			start := time.Now()
			rawFiles(b, b.TempDir(), steps, body)
			raw += time.Since(start)
			m.resume()

			o, err := filesystem.Open(b.TempDir())
			if err != nil {
				b.Fatal(err)
			}
			res, err := engine.Run(ctx, wf, engine.Options{Organizer: o})
			if err != nil {
				b.Fatal(err)
			}
			if err := o.Close(); err != nil {
				b.Fatal(err)
			}
			if got := countStatus(res, cache.StatusCompleted); got != steps {
				b.Fatalf("%d steps computed, want %d", got, steps)
			}
		}
		m.report()
		b.ReportMetric(float64(b.Elapsed())/float64(raw), "x-raw")
	})
	b.Run("CachedFilesystem", func(b *testing.B) {
		o, err := filesystem.Open(b.TempDir())
		if err != nil {
			b.Fatal(err)
		}
		defer o.Close()
		if _, err := engine.Run(ctx, load(b), engine.Options{Organizer: o}); err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		var eval, evalCPU time.Duration
		m := newMeter(b, steps)
		for b.Loop() {
			// Both the rerun and go-jsonnet alone start from a collected
			// heap, as in a fresh formed process. Otherwise whichever goes
			// second inherits the heap goal the first left (the rerun's
			// live workflow, or go-jsonnet's values) and runs with half the
			// collections or twice as many: tens of milliseconds either way.
			m.pause()
			runtime.GC()
			m.resume()
			wf := load(b)
			res, err := engine.Run(ctx, wf, engine.Options{Organizer: o})
			if err != nil {
				b.Fatal(err)
			}
			if got := countStatus(res, cache.StatusCached); got != steps {
				b.Fatalf("%d steps cached, want %d", got, steps)
			}
			// go-jsonnet alone on the same config, untimed, interleaved so
			// that both see the same machine.
			m.pause()
			runtime.GC()
			start, startCPU := time.Now(), cpuNow()
			if _, err := jsonnet.MakeVM().EvaluateFile(path); err != nil {
				b.Fatal(err)
			}
			eval += time.Since(start)
			evalCPU += cpuNow() - startCPU
			m.resume()
		}
		m.report()
		b.ReportMetric(float64((b.Elapsed()-eval).Nanoseconds())/float64(b.N)/1e6, "ms-over-eval")
		b.ReportMetric(float64((m.cpu-evalCPU).Nanoseconds())/float64(b.N)/1e6, "cpu-ms-over-eval")
	})
}

// meter adds CPU time to a benchmark's wall time: the user and system time
// of all the process's threads (GC included) while the timer runs. With
// other processes on the machine, wall time drifts by a factor of two; CPU
// time much less.
type meter struct {
	b         *testing.B
	steps     int
	cpu, mark time.Duration
}

func newMeter(b *testing.B, steps int) *meter {
	return &meter{b: b, steps: steps, mark: cpuNow()}
}

func cpuNow() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// pause and resume bracket untimed work inside the loop.
func (m *meter) pause() {
	m.b.StopTimer()
	m.cpu += cpuNow() - m.mark
}

func (m *meter) resume() {
	m.mark = cpuNow()
	m.b.StartTimer()
}

// report reports ns/step and cpu-ns/step; call it after the loop.
func (m *meter) report() {
	m.cpu += cpuNow() - m.mark
	n := float64(m.b.N) * float64(m.steps)
	m.b.ReportMetric(float64(m.b.Elapsed().Nanoseconds())/n, "ns/step")
	m.b.ReportMetric(float64(m.cpu.Nanoseconds())/n, "cpu-ns/step")
}

func countStatus(res *engine.Result, status string) int {
	n := 0
	for _, s := range res.Steps {
		if s.Status == status {
			n++
		}
	}
	return n
}

// entryFileSize returns the size of the filesystem organizer's entry file
// for the first step of wf.
func entryFileSize(b *testing.B, wf *engine.Workflow) int {
	dir := b.TempDir()
	o, err := filesystem.Open(dir)
	if err != nil {
		b.Fatal(err)
	}
	defer o.Close()
	res, err := engine.Run(context.Background(), wf, engine.Options{Organizer: o, Targets: []string{wf.Steps[0].Name}})
	if err != nil {
		b.Fatal(err)
	}
	k := res.Steps[0].Key.String()
	fi, err := os.Stat(filepath.Join(dir, "cache", "v1", "entries", k[:2], k))
	if err != nil {
		b.Fatal(err)
	}
	return int(fi.Size())
}

// rawFiles is the floor under a cold filesystem run: for each step, a file
// of body's size written to a temporary file in its shard directory,
// fsynced, closed and renamed, sharded by a hash like entries are; then
// each directory fsynced once, as the organizer's Close does.
func rawFiles(b *testing.B, dir string, steps int, body []byte) {
	shards := map[string]bool{}
	for i := range steps {
		e := cache.NewEncoder()
		e.String(fmt.Sprint(i))
		name := e.Key().String()
		shard := filepath.Join(dir, name[:2])
		if !shards[shard] {
			if err := os.MkdirAll(shard, 0o755); err != nil {
				b.Fatal(err)
			}
			shards[shard] = true
		}
		f, err := os.CreateTemp(shard, ".tmp-*")
		if err != nil {
			b.Fatal(err)
		}
		if _, err := f.Write(body); err != nil {
			b.Fatal(err)
		}
		if err := f.Sync(); err != nil {
			b.Fatal(err)
		}
		if err := f.Close(); err != nil {
			b.Fatal(err)
		}
		if err := os.Rename(f.Name(), filepath.Join(shard, name)); err != nil {
			b.Fatal(err)
		}
	}
	shards[dir] = true
	for d := range shards {
		f, err := os.Open(d)
		if err != nil {
			b.Fatal(err)
		}
		if err := f.Sync(); err != nil {
			b.Fatal(err)
		}
		f.Close()
	}
}
