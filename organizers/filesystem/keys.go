package filesystem

import (
	"context"

	"github.com/formed-dev/formed/cache"
)

// Keys returns the key of every entry file, sorted, including entries that
// do not read back (which Entries leaves out), so that a checker can
// report them.
func (o *Organizer) Keys(ctx context.Context) ([]cache.Key, error) {
	var out []cache.Key
	err := o.walkEntries(ctx, func(key cache.Key) { out = append(out, key) })
	return out, err
}
