package filesystem

import (
	"bytes"
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

// Run records are runs/<id>.json, each replaced atomically; the specs they
// name are runs/specs/<digest>.json.

func (o *Organizer) runPath(id string) (string, error) {
	if id == "" || strings.ContainsAny(id, `/\`) || id[0] == '.' {
		return "", fmt.Errorf("run id %q: not a file name", id)
	}
	return filepath.Join(o.runsDir(), id+".json"), nil
}

// PutRun implements cache.Organizer. The spec, the evaluated config, is
// stored once by its digest in runs/specs/ and the record names it: a
// rerun of the same config writes only its record, and a hundred reruns of
// a large config keep one copy.
func (o *Organizer) PutRun(ctx context.Context, r *cache.Run) error {
	path, err := o.runPath(r.ID)
	if err != nil {
		return err
	}
	b := make([]byte, 0, 256+256*len(r.Steps))
	rec := r
	if len(r.Spec) > 0 {
		d, err := o.putSpec(r.Spec)
		if err != nil {
			return fmt.Errorf("put run %s: %w", r.ID, err)
		}
		b = append(b, `{"spec_digest":"`...)
		b = append(b, d.String()...)
		b = append(b, `",`...)
		c := *r
		c.Spec = nil
		rec = &c
	}
	start := len(b)
	if b, err = rec.AppendJSON(b); err != nil {
		return fmt.Errorf("put run %s: %w", r.ID, err)
	}
	if start > 0 {
		// Join the two objects: drop the record's opening brace.
		b = append(b[:start], b[start+1:]...)
	}
	if err := ondisk.WriteFile(path, b); err != nil {
		return fmt.Errorf("put run %s: %w", r.ID, err)
	}
	o.markDirty(o.runsDir())
	return nil
}

func (o *Organizer) specsDir() string { return filepath.Join(o.runsDir(), "specs") }

func (o *Organizer) specPath(d cache.Digest) string {
	return filepath.Join(o.specsDir(), d.String()+".json")
}

// putSpec stores spec under its digest unless it is there already, in
// which case it only touches the file, so that Prune, which removes
// unreferenced specs only when they are old, leaves it for the record
// about to name it.
func (o *Organizer) putSpec(spec []byte) (cache.Digest, error) {
	d := cache.DigestOf(spec)
	path := o.specPath(d)
	now := o.now()
	if err := os.Chtimes(path, now, now); err == nil {
		return d, nil
	}
	var buf bytes.Buffer
	if err := json.Compact(&buf, spec); err != nil {
		return d, fmt.Errorf("spec is not JSON: %w", err)
	}
	if err := os.MkdirAll(o.specsDir(), 0o755); err != nil {
		return d, err
	}
	if err := ondisk.WriteFile(path, buf.Bytes()); err != nil {
		return d, err
	}
	o.markDirty(o.specsDir())
	return d, nil
}

// storedRun is a run record as stored: the spec, when it has one, by
// digest. Records written before specs were shared hold it inline.
type storedRun struct {
	cache.Run
	SpecDigest cache.Digest `json:"spec_digest,omitzero"`
}

// Run implements cache.Organizer. A record that cannot be parsed is
// ErrCorrupt. A record whose spec file is gone (removed by hand) reads
// without its spec.
func (o *Organizer) Run(ctx context.Context, id string) (*cache.Run, error) {
	sr, err := o.readRun(id)
	if err != nil {
		return nil, err
	}
	if !sr.SpecDigest.IsZero() && len(sr.Spec) == 0 {
		if b, err := os.ReadFile(o.specPath(sr.SpecDigest)); err == nil {
			sr.Spec = b
		}
	}
	return &sr.Run, nil
}

func (o *Organizer) readRun(id string) (*storedRun, error) {
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
	var r storedRun
	if err := json.Unmarshal(b, &r); err != nil {
		return nil, fmt.Errorf("%w: run %s: %v", cache.ErrCorrupt, id, err)
	}
	return &r, nil
}

// Runs implements cache.Organizer: newest first (run ids sort by start
// time), without step logs or specs. Unreadable records are left out.
func (o *Organizer) Runs(ctx context.Context) ([]*cache.Run, error) {
	ids, err := o.runIDs()
	if err != nil {
		return nil, err
	}
	out := make([]*cache.Run, 0, len(ids))
	for _, id := range ids {
		sr, err := o.readRun(id)
		if err != nil {
			continue
		}
		r := &sr.Run
		r.Spec = nil
		for i := range r.Steps {
			r.Steps[i].Log = nil
		}
		out = append(out, r)
	}
	return out, nil
}

// runIDs lists the ids of the run records, newest first.
func (o *Organizer) runIDs() ([]string, error) {
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
	return ids, nil
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

// pruneSpecs removes the spec files that no run record names and that were
// last written or reused over staleTemp ago: PutRun touches a spec it
// reuses before writing the record that names it, so a record being
// written keeps its spec.
func (o *Organizer) pruneSpecs() (cache.PruneReport, error) {
	var rep cache.PruneReport
	des, err := os.ReadDir(o.specsDir())
	if errors.Is(err, fs.ErrNotExist) {
		return rep, nil
	}
	if err != nil {
		return rep, fmt.Errorf("prune specs: %w", err)
	}
	ids, err := o.runIDs()
	if err != nil {
		return rep, err
	}
	named := map[cache.Digest]bool{}
	for _, id := range ids {
		if sr, err := o.readRun(id); err == nil {
			named[sr.SpecDigest] = true
		}
	}
	for _, de := range des {
		hexDigest, ok := strings.CutSuffix(de.Name(), ".json")
		if !ok || ondisk.IsTemp(de.Name()) {
			continue
		}
		var d cache.Digest
		if d.UnmarshalText([]byte(hexDigest)) != nil || named[d] {
			continue
		}
		fi, err := de.Info()
		if err != nil || o.now().Sub(fi.ModTime()) < staleTemp {
			continue
		}
		if err := os.Remove(filepath.Join(o.specsDir(), de.Name())); err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				continue
			}
			return rep, fmt.Errorf("prune specs: %w", err)
		}
		o.markDirty(o.specsDir())
		rep.Files++
		rep.Bytes += fi.Size()
	}
	return rep, nil
}
