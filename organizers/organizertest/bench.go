package organizertest

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/formed-dev/formed/cache"
)

// Benchmark measures Put and Get of small (1 KiB) and large (64 MiB) bodies
// on organizers made by open. Besides time it reports puts/s, MB/s, and
// peak-heap/body: the growth of the live heap during the operation over
// the body's size (the bodies are generated and discarded as streams, so
// this is what the organizer holds; streaming keeps it far below 1).
func Benchmark(b *testing.B, open func(b *testing.B) cache.Organizer) {
	for _, size := range []int{1 << 10, 64 << 20} {
		name := sizeName(size)
		b.Run("Put/"+name, func(b *testing.B) {
			o := open(b)
			ctx := context.Background()
			b.SetBytes(int64(size))
			b.ReportAllocs()
			peak := startPeak()
			i := 0
			for b.Loop() {
				key := KeyOf(fmt.Sprint("bench", i))
				if _, err := o.Put(ctx, meta(key), newStream(uint64(i), size)); err != nil {
					b.Fatal(err)
				}
				i++
			}
			b.ReportMetric(float64(i)/b.Elapsed().Seconds(), "puts/s")
			peak.report(b, size)
		})
		b.Run("Get/"+name, func(b *testing.B) {
			o := open(b)
			ctx := context.Background()
			n := 16
			if size > 1<<20 {
				n = 1 // one large body is enough
			}
			for i := range n {
				if _, err := o.Put(ctx, meta(KeyOf(fmt.Sprint("bench", i))), newStream(uint64(i), size)); err != nil {
					b.Fatal(err)
				}
			}
			b.SetBytes(int64(size))
			b.ReportAllocs()
			peak := startPeak()
			i := 0
			for b.Loop() {
				_, rc, err := o.Open(ctx, KeyOf(fmt.Sprint("bench", i%n)))
				if err != nil {
					b.Fatal(err)
				}
				if _, err := io.Copy(io.Discard, rc); err != nil {
					b.Fatal(err)
				}
				rc.Close()
				i++
			}
			peak.report(b, size)
		})
	}
}

// BenchmarkRaw measures the floor under a persistent organizer: writing a
// file of 1 KiB or 64 MiB to a temporary name, fsync, rename; and for 64
// MiB also hashing it while writing.
func BenchmarkRaw(b *testing.B) {
	for _, size := range []int{1 << 10, 64 << 20} {
		for _, hash := range []bool{false, true} {
			if hash && size < 1<<20 {
				continue
			}
			name := "WriteSyncRename/" + sizeName(size)
			if hash {
				name = "WriteHashSyncRename/" + sizeName(size)
			}
			b.Run(name, func(b *testing.B) {
				dir := b.TempDir()
				b.SetBytes(int64(size))
				buf := make([]byte, 256<<10)
				i := 0
				for b.Loop() {
					tmp := filepath.Join(dir, "tmp")
					f, err := os.Create(tmp)
					if err != nil {
						b.Fatal(err)
					}
					var w io.Writer = f
					if hash {
						w = io.MultiWriter(f, cache.NewDigester())
					}
					if _, err := io.CopyBuffer(w, newStream(uint64(i), size), buf); err != nil {
						b.Fatal(err)
					}
					if err := f.Sync(); err != nil {
						b.Fatal(err)
					}
					f.Close()
					if err := os.Rename(tmp, filepath.Join(dir, fmt.Sprint(i%16))); err != nil {
						b.Fatal(err)
					}
					i++
				}
			})
		}
	}
}

func sizeName(n int) string {
	if n >= 1<<20 {
		return fmt.Sprintf("%dMiB", n>>20)
	}
	return fmt.Sprintf("%dKiB", n>>10)
}

// stream is a generated body: n bytes, no memory held.
type stream struct {
	n    int
	fill byte
}

func newStream(seed uint64, n int) *stream { return &stream{n: n, fill: byte(seed)} }

func (s *stream) Read(p []byte) (int, error) {
	if s.n == 0 {
		return 0, io.EOF
	}
	n := min(len(p), s.n)
	for i := range p[:n] {
		p[i] = s.fill
		s.fill = s.fill*31 + 7
	}
	s.n -= n
	return n, nil
}

// peak samples the live heap while a benchmark runs.
type peak struct {
	base uint64
	max  atomic.Uint64
	stop chan struct{}
	wg   sync.WaitGroup
}

func startPeak() *peak {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	p := &peak{base: ms.HeapAlloc, stop: make(chan struct{})}
	p.wg.Go(func() {
		t := time.NewTicker(2 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-p.stop:
				return
			case <-t.C:
				var ms runtime.MemStats
				runtime.ReadMemStats(&ms)
				if ms.HeapAlloc > p.max.Load() {
					p.max.Store(ms.HeapAlloc)
				}
			}
		}
	})
	return p
}

func (p *peak) report(b *testing.B, size int) {
	close(p.stop)
	p.wg.Wait()
	if size < 1<<20 {
		return // heap noise would swamp a small body
	}
	grow := float64(0)
	if m := p.max.Load(); m > p.base {
		grow = float64(m - p.base)
	}
	b.ReportMetric(grow/float64(size), "peak-heap/body")
}
