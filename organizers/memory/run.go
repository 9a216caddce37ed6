package memory

import (
	"encoding/json"

	"github.com/formed-dev/formed/cache"
)

// Run records are kept encoded so that callers never share, and race on,
// the stored value.
func marshalRun(r *cache.Run) ([]byte, error) { return json.Marshal(r) }

func unmarshalRun(b []byte) (*cache.Run, error) {
	var r cache.Run
	err := json.Unmarshal(b, &r)
	return &r, err
}
