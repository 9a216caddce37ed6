package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/formed-dev/formed/cache"
)

// PutRun implements cache.Organizer. The record is stored twice as JSON:
// whole, and without step logs and spec for Runs.
func (o *Organizer) PutRun(ctx context.Context, r *cache.Run) error {
	record, err := r.AppendJSON(nil)
	if err != nil {
		return fmt.Errorf("put run %s: %w", r.ID, err)
	}
	s := *r
	s.Spec = nil
	s.Steps = make([]cache.StepRecord, len(r.Steps))
	for i, st := range r.Steps {
		st.Log = nil
		s.Steps[i] = st
	}
	summary, err := s.AppendJSON(nil)
	if err != nil {
		return fmt.Errorf("put run %s: %w", r.ID, err)
	}
	o.wmu.Lock()
	_, err = o.db.ExecContext(ctx, "INSERT OR REPLACE INTO runs (id, record, summary) VALUES (?, ?, ?)", r.ID, record, summary)
	o.wmu.Unlock()
	if err != nil {
		return fmt.Errorf("put run %s: %w", r.ID, err)
	}
	return nil
}

// Run implements cache.Organizer.
func (o *Organizer) Run(ctx context.Context, id string) (*cache.Run, error) {
	var b []byte
	err := o.db.QueryRowContext(ctx, "SELECT record FROM runs WHERE id = ?", id).Scan(&b)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, cache.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("run %s: %w", id, err)
	}
	var r cache.Run
	if err := json.Unmarshal(b, &r); err != nil {
		return nil, fmt.Errorf("%w: run %s: %v", cache.ErrCorrupt, id, err)
	}
	return &r, nil
}

// Runs implements cache.Organizer: newest first, without step logs.
func (o *Organizer) Runs(ctx context.Context) ([]*cache.Run, error) {
	rows, err := o.db.QueryContext(ctx, "SELECT summary FROM runs ORDER BY id DESC")
	if err != nil {
		return nil, fmt.Errorf("list runs: %w", err)
	}
	defer rows.Close()
	var out []*cache.Run
	for rows.Next() {
		var b []byte
		if err := rows.Scan(&b); err != nil {
			return nil, fmt.Errorf("list runs: %w", err)
		}
		var r cache.Run
		if json.Unmarshal(b, &r) == nil {
			out = append(out, &r)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list runs: %w", err)
	}
	return out, nil
}

// RemoveRun implements cache.Organizer.
func (o *Organizer) RemoveRun(ctx context.Context, id string) error {
	o.wmu.Lock()
	res, err := o.db.ExecContext(ctx, "DELETE FROM runs WHERE id = ?", id)
	o.wmu.Unlock()
	if err != nil {
		return fmt.Errorf("remove run %s: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return cache.ErrNotFound
	}
	return nil
}
