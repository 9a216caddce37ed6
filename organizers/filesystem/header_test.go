package filesystem

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

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
		_, body, err := cache.ReadAll(t.Context(), o, key)
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
