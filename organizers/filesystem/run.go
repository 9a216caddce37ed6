package filesystem

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/formed-dev/formed/cache"
	"github.com/formed-dev/formed/organizers/internal/ondisk"
)

// Run records are runs/<id>.json, each replaced atomically.

func (o *Organizer) runPath(id string) (string, error) {
	if id == "" || strings.ContainsAny(id, `/\`) || id[0] == '.' {
		return "", fmt.Errorf("run id %q: not a file name", id)
	}
	return filepath.Join(o.runsDir(), id+".json"), nil
}

// PutRun implements cache.Organizer.
func (o *Organizer) PutRun(ctx context.Context, r *cache.Run) error {
	path, err := o.runPath(r.ID)
	if err != nil {
		return err
	}
	b, err := json.Marshal(r)
	if err != nil {
		return fmt.Errorf("put run %s: %w", r.ID, err)
	}
	if err := ondisk.WriteFile(path, b); err != nil {
		return fmt.Errorf("put run %s: %w", r.ID, err)
	}
	o.markDirty(o.runsDir())
	return nil
}

// Run implements cache.Organizer. A record that cannot be parsed is
// ErrCorrupt.
func (o *Organizer) Run(ctx context.Context, id string) (*cache.Run, error) {
	path, err := o.runPath(id)
	if err != nil {
		return nil, cache.ErrNotFound
	}
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
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

// Runs implements cache.Organizer: newest first (run ids sort by start
// time), without step logs. Unreadable records are left out.
func (o *Organizer) Runs(ctx context.Context) ([]*cache.Run, error) {
	des, err := os.ReadDir(o.runsDir())
	if err != nil {
		return nil, fmt.Errorf("list runs: %w", err)
	}
	var ids []string
	for _, de := range des {
		if id, ok := strings.CutSuffix(de.Name(), ".json"); ok && !ondisk.IsTemp(de.Name()) {
			ids = append(ids, id)
		}
	}
	sort.Sort(sort.Reverse(sort.StringSlice(ids)))
	out := make([]*cache.Run, 0, len(ids))
	for _, id := range ids {
		r, err := o.Run(ctx, id)
		if err != nil {
			continue
		}
		for i := range r.Steps {
			r.Steps[i].Log = nil
		}
		out = append(out, r)
	}
	return out, nil
}

// RemoveRun implements cache.Organizer.
func (o *Organizer) RemoveRun(ctx context.Context, id string) error {
	path, err := o.runPath(id)
	if err != nil {
		return cache.ErrNotFound
	}
	err = os.Remove(path)
	if errors.Is(err, fs.ErrNotExist) {
		return cache.ErrNotFound
	}
	if err != nil {
		return fmt.Errorf("remove run %s: %w", id, err)
	}
	o.markDirty(o.runsDir())
	return nil
}
