package memory

import (
	"encoding/json"
	"slices"

	"github.com/formed-dev/formed/cache"
)

// Run records are kept as deep copies, so that callers never share, and
// race on, the stored value. They pass through JSON on the way out, so a
// record reads back as it does from the persistent organizers. Encoding on
// the way in instead cost a run two encodings of every step's record, the
// larger part of the memory organizer's time in a run; records are read
// far less often than written.
func copyRun(r *cache.Run) *cache.Run {
	c := *r
	c.Spec = slices.Clone(r.Spec)
	c.Steps = slices.Clone(r.Steps)
	for i := range c.Steps {
		s := &c.Steps[i]
		s.Deps = slices.Clone(s.Deps)
		s.Log = slices.Clone(s.Log)
	}
	return &c
}

func readRun(r *cache.Run) (*cache.Run, error) {
	b, err := r.AppendJSON(nil)
	if err != nil {
		return nil, err
	}
	var out cache.Run
	err = json.Unmarshal(b, &out)
	return &out, err
}
