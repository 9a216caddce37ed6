package enginebench_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/formed-dev/formed/cache"
	"github.com/formed-dev/formed/engine"
	"github.com/formed-dev/formed/engine/config"
	"github.com/formed-dev/formed/organizers/filesystem"
	"github.com/formed-dev/formed/organizers/memory"
	"github.com/formed-dev/formed/organizers/sqlite"
	"github.com/formed-dev/formed/registry"
)

// steps is the size of the benchmarked workflow.
const steps = 10000

// configText is a workflow of n trivial steps made by a comprehension: step
// i adds one to i and, but for s0, to the result of step (i-1)/2, so the
// steps form a binary tree of refs. Names are built with '+': go-jsonnet
// v0.22 takes about 1 ms per '%' format here, which would make the config
// take over 10 s to evaluate.
const configText = `
local n = std.parseInt(std.extVar('n'));
{
  steps: {
    ['s' + i]: {
      type: 'inc',
      x: i,
      [if i > 0 then 'prev']: { type: 'ref', ref: 's' + std.floor((i - 1) / 2) },
    }
    for i in std.range(0, n - 1)
  },
}
`

type incArgs struct {
	X    int `json:"x"`
	Prev int `json:"prev,omitempty"`
}

func newRegistry() *registry.Registry {
	reg := registry.New()
	registry.Add(reg, "inc", func(ctx context.Context, in incArgs) (int, error) {
		return in.X + in.Prev + 1, nil
	}, registry.Version("1"))
	return reg
}

func load(b *testing.B, n int) *engine.Workflow {
	b.Helper()
	path := filepath.Join(b.TempDir(), "config.jsonnet")
	if err := os.WriteFile(path, []byte(configText), 0o644); err != nil {
		b.Fatal(err)
	}
	wf, err := engine.Load(path, config.Options{ExtStr: map[string]string{"n": fmt.Sprint(n)}}, newRegistry())
	if err != nil {
		b.Fatal(err)
	}
	if len(wf.Steps) != n {
		b.Fatalf("%d steps, want %d", len(wf.Steps), n)
	}
	return wf
}

var organizers = []struct {
	name string
	open func(b *testing.B) cache.Organizer
}{
	{"memory", func(*testing.B) cache.Organizer { return memory.New() }},
	{"filesystem", func(b *testing.B) cache.Organizer {
		o, err := filesystem.Open(filepath.Join(b.TempDir(), ".formed"))
		if err != nil {
			b.Fatal(err)
		}
		return o
	}},
	{"sqlite", func(b *testing.B) cache.Organizer {
		o, err := sqlite.Open(filepath.Join(b.TempDir(), "formed.db"))
		if err != nil {
			b.Fatal(err)
		}
		return o
	}},
}

func run(b *testing.B, wf *engine.Workflow, o cache.Organizer) *engine.Result {
	res, err := engine.Run(context.Background(), wf, engine.Options{Organizer: o})
	if err != nil {
		b.Fatal(err)
	}
	return res
}

// BenchmarkRunCold runs the 10,000-step workflow on an empty organizer:
// every step is computed and its result stored; the organizer is closed
// (synced) at the end. steps/s is the figure to compare.
func BenchmarkRunCold(b *testing.B) {
	wf := load(b, steps)
	for _, org := range organizers {
		b.Run(org.name, func(b *testing.B) {
			n := 0
			for b.Loop() {
				b.StopTimer()
				o := org.open(b)
				b.StartTimer()
				res := run(b, wf, o)
				if err := o.Close(); err != nil {
					b.Fatal(err)
				}
				b.StopTimer()
				if got := res.Steps[len(res.Steps)-1].Status; got != cache.StatusCompleted {
					b.Fatalf("last step %s", got)
				}
				b.StartTimer()
				n++
			}
			b.ReportMetric(float64(n*steps)/b.Elapsed().Seconds(), "steps/s")
		})
	}
}

// BenchmarkRunCached runs the 10,000-step workflow when every result is
// stored: planning Stats each entry, nothing runs, and the run record is
// written.
func BenchmarkRunCached(b *testing.B) {
	wf := load(b, steps)
	for _, org := range organizers {
		b.Run(org.name, func(b *testing.B) {
			o := org.open(b)
			defer o.Close()
			run(b, wf, o)
			n := 0
			for b.Loop() {
				res := run(b, wf, o)
				b.StopTimer()
				for _, s := range res.Steps {
					if s.Status != cache.StatusCached {
						b.Fatalf("step %s %s, want cached", s.Name, s.Status)
					}
				}
				b.StartTimer()
				n++
			}
			b.ReportMetric(float64(n*steps)/b.Elapsed().Seconds(), "steps/s")
		})
	}
}

// BenchmarkLoad evaluates and binds the 10,000-step config, which the run
// benchmarks do once, outside their timing.
func BenchmarkLoad(b *testing.B) {
	for b.Loop() {
		load(b, steps)
	}
}

// BenchmarkRawWriteSyncRename is the floor under the filesystem organizer's
// cold run: per step, one small file (the size of an entry file of a
// small result) written to a temporary name, fsynced, closed and renamed
// into a sharded directory, without the organizer or the engine.
func BenchmarkRawWriteSyncRename(b *testing.B) {
	dir := b.TempDir()
	body := make([]byte, 300)
	for i := range 256 {
		if err := os.Mkdir(filepath.Join(dir, fmt.Sprintf("%02x", i)), 0o755); err != nil {
			b.Fatal(err)
		}
	}
	i := 0
	for b.Loop() {
		shard := filepath.Join(dir, fmt.Sprintf("%02x", i%256))
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
		if err := os.Rename(f.Name(), filepath.Join(shard, fmt.Sprint(i))); err != nil {
			b.Fatal(err)
		}
		i++
	}
	b.ReportMetric(float64(i)/b.Elapsed().Seconds(), "files/s")
}
