package memory_test

import (
	"testing"

	"github.com/formed-dev/formed/cache"
	"github.com/formed-dev/formed/organizers/memory"
	"github.com/formed-dev/formed/organizers/organizertest"
)

func TestConformance(t *testing.T) {
	organizertest.Run(t, func(t *testing.T) cache.Organizer { return memory.New() })
}
