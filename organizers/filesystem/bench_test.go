package filesystem

import (
	"testing"

	"github.com/formed-dev/formed/cache"
	"github.com/formed-dev/formed/organizers/organizertest"
)

func BenchmarkOrganizer(b *testing.B) {
	organizertest.Benchmark(b, func(b *testing.B) cache.Organizer {
		o, err := Open(b.TempDir())
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { o.Close() })
		return o
	})
}

// BenchmarkRaw is the floor: one file written, synced and renamed.
func BenchmarkRaw(b *testing.B) { organizertest.BenchmarkRaw(b) }
