package sqlite

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/formed-dev/formed/cache"
	"github.com/formed-dev/formed/organizers/organizertest"
)

// TestKeysListsDamagedEntries: Entries leaves out an entry whose blob is
// gone; Keys still lists it, so that 'cache verify' can report it.
func TestKeysListsDamagedEntries(t *testing.T) {
	dir := t.TempDir()
	o, err := Open(filepath.Join(dir, "formed.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer o.Close()
	small, large := organizertest.KeyOf("small"), organizertest.KeyOf("large")
	if _, err := o.Put(t.Context(), cache.Entry{Key: small}, bytes.NewReader([]byte("x"))); err != nil {
		t.Fatal(err)
	}
	e, err := o.Put(t.Context(), cache.Entry{Key: large}, bytes.NewReader(organizertest.Body(1, 100<<10)))
	if err != nil {
		t.Fatal(err)
	}
	d := e.Digest.String()
	if err := os.Remove(filepath.Join(dir, "formed.db.blobs", d[:2], d)); err != nil {
		t.Fatal(err)
	}
	entries, err := o.Entries(t.Context())
	if err != nil || len(entries) != 1 || entries[0].Key != small {
		t.Errorf("Entries = %v, %v; want only the small entry", entries, err)
	}
	keys, err := o.Keys(t.Context())
	want := []cache.Key{small, large}
	if bytes.Compare(large[:], small[:]) < 0 {
		want = []cache.Key{large, small}
	}
	if err != nil || len(keys) != 2 || keys[0] != want[0] || keys[1] != want[1] {
		t.Errorf("Keys = %v, %v; want %v", keys, err, want)
	}
}
