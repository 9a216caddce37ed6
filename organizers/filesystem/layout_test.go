package filesystem

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/formed-dev/formed/cache"
	"github.com/formed-dev/formed/organizers/organizertest"
)

// TestLayout pins the on-disk layout documented in docs/organizers.md.
func TestLayout(t *testing.T) {
	ctx := t.Context()
	dir := t.TempDir()
	o, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	small, large := organizertest.KeyOf("small"), organizertest.KeyOf("large")
	body := organizertest.Body(1, 100<<10)
	if _, err := o.Put(ctx, cache.Entry{Key: small}, strings.NewReader("hi")); err != nil {
		t.Fatal(err)
	}
	e, err := o.Put(ctx, cache.Entry{Key: large}, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	unlock, err := o.Lock(ctx, small)
	if err != nil {
		t.Fatal(err)
	}
	unlock()
	spec := []byte(`{ "steps": {} }`)
	run := &cache.Run{ID: cache.NewRunID(time.Now()), Status: cache.StatusCompleted, Spec: spec}
	if err := o.PutRun(ctx, run); err != nil {
		t.Fatal(err)
	}
	if err := o.Close(); err != nil {
		t.Fatal(err)
	}

	var got []string
	filepath.WalkDir(dir, func(path string, de fs.DirEntry, err error) error {
		if err == nil && !de.IsDir() {
			rel, _ := filepath.Rel(dir, path)
			got = append(got, filepath.ToSlash(rel))
		}
		return nil
	})
	d := e.Digest.String()
	want := []string{
		"cache/v1/blobs/" + d[:2] + "/" + d,
		"cache/v1/blobs/gc.lock",
		"cache/v1/entries/" + large.String()[:2] + "/" + large.String(),
		"cache/v1/entries/" + small.String()[:2] + "/" + small.String(),
		"locks/keys.lock", // one file for every key's lock
		"runs/" + run.ID + ".json",
		"runs/specs/" + cache.DigestOf(spec).String() + ".json",
	}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("files:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if got, want := o.WorkDir(small), filepath.Join(dir, "work", small.String()); got != want {
		t.Errorf("WorkDir = %s, want %s", got, want)
	}
	b, _ := os.ReadFile(filepath.Join(dir, "cache/v1/entries", small.String()[:2], small.String()))
	if !bytes.HasPrefix(b, []byte(magic)) || !bytes.HasSuffix(b, []byte("}hi")) {
		t.Errorf("small entry file %q: want magic, header, inline body", b)
	}
}

// TestPruneStaleTemps: temporary files of killed writers go, young ones
// (a live writer's) stay.
func TestPruneStaleTemps(t *testing.T) {
	dir := t.TempDir()
	o, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer o.Close()
	shard := filepath.Join(dir, "cache/v1/entries/ab")
	os.MkdirAll(shard, 0o755)
	old, young := filepath.Join(shard, ".tmp-old"), filepath.Join(dir, "runs", ".tmp-young")
	blobTemp := filepath.Join(dir, "cache/v1/blobs/.tmp-any")
	for _, p := range []string{old, young, blobTemp} {
		if err := os.WriteFile(p, []byte("partial"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	os.Chtimes(old, time.Time{}, time.Now().Add(-2*time.Hour))
	rep, err := o.Prune(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if rep.Files != 2 {
		t.Errorf("Prune removed %d files, want 2", rep.Files)
	}
	for p, want := range map[string]bool{old: false, young: true, blobTemp: false} {
		if _, err := os.Stat(p); (err == nil) != want {
			t.Errorf("%s exists: %v, want %v", filepath.Base(p), err == nil, want)
		}
	}
}

// TestPruneSpecs: a spec no run record names goes once it is old; one a
// record names stays, and so does a young one (a record about to name it).
func TestPruneSpecs(t *testing.T) {
	ctx := t.Context()
	dir := t.TempDir()
	o, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer o.Close()
	t0 := time.Now()
	specs := map[string][]byte{"kept": []byte(`{"steps":{"a":{}}}`), "removed": []byte(`{"steps":{"b":{}}}`), "young": []byte(`{"steps":{"c":{}}}`)}
	ids := map[string]string{}
	for i, name := range []string{"kept", "removed", "young"} {
		r := &cache.Run{ID: cache.NewRunID(t0.Add(time.Duration(i) * time.Second)), Status: cache.StatusCompleted, Spec: specs[name]}
		if err := o.PutRun(ctx, r); err != nil {
			t.Fatal(err)
		}
		ids[name] = r.ID
	}
	for _, name := range []string{"removed", "young"} {
		if err := o.RemoveRun(ctx, ids[name]); err != nil {
			t.Fatal(err)
		}
	}
	path := func(name string) string { return o.specPath(cache.DigestOf(specs[name])) }
	for _, name := range []string{"kept", "removed"} {
		os.Chtimes(path(name), time.Time{}, t0.Add(-2*time.Hour))
	}
	rep, err := o.Prune(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Files != 1 || rep.Bytes != int64(len(specs["removed"])) {
		t.Errorf("Prune = %+v, want 1 file of %d bytes", rep, len(specs["removed"]))
	}
	for name, want := range map[string]bool{"kept": true, "removed": false, "young": true} {
		if _, err := os.Stat(path(name)); (err == nil) != want {
			t.Errorf("spec %s exists: %v, want %v", name, err == nil, want)
		}
	}
	// Reusing an old spec makes it young again: a record about to name it
	// keeps it.
	os.Chtimes(path("young"), time.Time{}, t0.Add(-2*time.Hour))
	if err := o.PutRun(ctx, &cache.Run{ID: cache.NewRunID(t0.Add(time.Minute)), Spec: specs["young"]}); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(path("young")); err != nil || time.Since(fi.ModTime()) > time.Minute {
		t.Errorf("a reused spec was not touched: %v", err)
	}
	r, err := o.Run(ctx, ids["kept"])
	if err != nil || string(r.Spec) != string(specs["kept"]) {
		t.Errorf("Run(kept) = %v, %v; want its spec", r, err)
	}
}
