package sqlite

import (
	"path/filepath"
	"testing"

	"github.com/formed-dev/formed/cache"
	"github.com/formed-dev/formed/organizers/organizertest"
)

// BenchmarkOrganizer/Put/1KiB reports the small Puts per second (puts/s)
// that the target of 5,000/s is about.
func BenchmarkOrganizer(b *testing.B) {
	organizertest.Benchmark(b, func(b *testing.B) cache.Organizer {
		o, err := Open(filepath.Join(b.TempDir(), "formed.db"))
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { o.Close() })
		return o
	})
}
