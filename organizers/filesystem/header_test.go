package filesystem

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/formed-dev/formed/cache"
)

// FuzzEntryFile: whatever bytes an entry file holds, reading it is a hit
// that verifies, ErrCorrupt or ErrNotFound, never a panic.
func FuzzEntryFile(f *testing.F) {
	key := cache.Key{1, 2, 3}
	good, _ := header{Entry: cache.Entry{Key: key, Size: 2, Digest: cache.DigestOf([]byte("hi"))}}.marshal()
	f.Add(append(good, "hi"...))
	f.Add(good)
	f.Add([]byte(magic + "\x00\x00\x00\x02{}"))
	f.Add([]byte(magic + "\xff\xff\xff\xff"))
	f.Add([]byte{})
	// A header longer than the first read of Stat.
	long, _ := header{Entry: cache.Entry{Key: key, Size: 2, Digest: cache.DigestOf([]byte("hi")), StepName: strings.Repeat("x", 3000)}}.marshal()
	f.Add(append(long, "hi"...))
	dir := f.TempDir()
	o, err := Open(dir)
	if err != nil {
		f.Fatal(err)
	}
	path := o.entryPath(key)
	os.MkdirAll(filepath.Dir(path), 0o755)
	f.Fuzz(func(t *testing.T, b []byte) {
		if err := os.WriteFile(path, b, 0o644); err != nil {
			t.Fatal(err)
		}
		se, serr := o.Stat(t.Context(), key)
		e, body, err := cache.ReadAll(t.Context(), o, key)
		// Stat and Open agree on the metadata: ReadAll returns the entry
		// whenever Open succeeded, even if the body then fails to verify.
		opened := e.Key == key
		if (serr == nil) != opened {
			t.Fatalf("Stat: %v; Open: %v", serr, err)
		}
		if opened {
			se.LastUsed, e.LastUsed = time.Time{}, time.Time{}
			if se != e {
				t.Fatalf("Stat = %+v, Open = %+v", se, e)
			}
		}
		switch {
		case err == nil:
			if string(body) != "hi" && cache.DigestOf(body) != cache.DigestOf(b[len(b)-len(body):]) {
				t.Fatalf("hit with a body that does not match the file")
			}
		case errors.Is(err, cache.ErrCorrupt), errors.Is(err, cache.ErrNotFound):
		default:
			t.Fatalf("ReadAll: %v, want a hit, ErrCorrupt or ErrNotFound", err)
		}
	})
}
