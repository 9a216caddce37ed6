package organizertest

import (
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/formed-dev/formed/cache"
)

// Helpers for Disk.Damage and Disk.Blobs implementations.

// FlipByteAt flips the lowest bit of the byte at off in the file path; a
// negative off counts from the end.
func FlipByteAt(t *testing.T, path string, off int64) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if off < 0 {
		off += int64(len(b))
	}
	b[off] ^= 1
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// TruncateBy removes the last n bytes of the file path.
func TruncateBy(t *testing.T, path string, n int64) {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(path, fi.Size()-n); err != nil {
		t.Fatal(err)
	}
}

// BlobFiles returns the files under dir named by a digest.
func BlobFiles(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(dir, func(path string, de fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		var d cache.Digest
		if !de.IsDir() && d.UnmarshalText([]byte(de.Name())) == nil {
			out = append(out, path)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}
