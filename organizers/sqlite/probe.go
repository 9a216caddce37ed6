package sqlite

import (
	"context"
	"fmt"
	"strings"

	"github.com/formed-dev/formed/cache"
)

// hasBatch is the number of keys Has asks about in one query, well under
// SQLite's limit on parameters.
const hasBatch = 500

// Has implements cache.Prober with one indexed query per 500 keys, where
// Stat costs a query per key. It reads the entries table only: a blob
// gone missing shows when the entry is read, as the contract allows.
func (o *Organizer) Has(ctx context.Context, keys []cache.Key) ([]bool, error) {
	out := make([]bool, len(keys))
	at := make(map[cache.Key][]int, len(keys))
	for i, k := range keys {
		at[k] = append(at[k], i)
	}
	for start := 0; start < len(keys); start += hasBatch {
		batch := keys[start:min(start+hasBatch, len(keys))]
		params := make([]any, len(batch))
		for i := range batch {
			params[i] = batch[i][:]
		}
		q := "SELECT key FROM entries WHERE key IN (?" + strings.Repeat(",?", len(batch)-1) + ")"
		rows, err := o.db.QueryContext(ctx, q, params...)
		if err != nil {
			return nil, fmt.Errorf("look up %d keys: %w", len(batch), err)
		}
		for rows.Next() {
			var b []byte
			if err := rows.Scan(&b); err != nil {
				rows.Close()
				return nil, fmt.Errorf("look up %d keys: %w", len(batch), err)
			}
			var k cache.Key
			if copy(k[:], b) == len(k) {
				for _, i := range at[k] {
					out[i] = true
				}
			}
		}
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("look up %d keys: %w", len(batch), err)
		}
		rows.Close()
	}
	return out, nil
}
