package cache

import "errors"

// ErrNotFound is returned when an organizer has no entry or run record
// under the given key or id.
var ErrNotFound = errors.New("not found")

// ErrCorrupt is returned when a stored entry fails its size or digest check
// or cannot be parsed. Callers treat it as a miss and recompute.
var ErrCorrupt = errors.New("corrupt cache entry")
