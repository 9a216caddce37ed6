package sqlite

import (
	"context"
	"fmt"

	"github.com/formed-dev/formed/cache"
)

// Keys returns the key of every entry row, sorted, including entries that
// do not read back (which Entries leaves out), so that a checker can
// report them.
func (o *Organizer) Keys(ctx context.Context) ([]cache.Key, error) {
	rows, err := o.db.QueryContext(ctx, "SELECT key FROM entries ORDER BY key")
	if err != nil {
		return nil, fmt.Errorf("list keys: %w", err)
	}
	defer rows.Close()
	var out []cache.Key
	for rows.Next() {
		var k []byte
		if err := rows.Scan(&k); err != nil {
			return nil, fmt.Errorf("list keys: %w", err)
		}
		if len(k) == cache.Size {
			out = append(out, cache.Key(k))
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list keys: %w", err)
	}
	return out, nil
}
