package memory_test

import (
	"testing"

	"github.com/formed-dev/formed/cache"
	"github.com/formed-dev/formed/organizers/memory"
	"github.com/formed-dev/formed/organizers/organizertest"
)

func BenchmarkOrganizer(b *testing.B) {
	organizertest.Benchmark(b, func(b *testing.B) cache.Organizer { return memory.New() })
}
