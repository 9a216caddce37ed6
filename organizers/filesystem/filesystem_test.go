package filesystem

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/formed-dev/formed/cache"
	"github.com/formed-dev/formed/organizers/organizertest"
)

func open(dir string) (cache.Organizer, error) { return Open(dir) }

func TestMain(m *testing.M) {
	organizertest.Main(open)
	os.Exit(m.Run())
}

func TestConformance(t *testing.T) {
	organizertest.RunDisk(t, organizertest.Disk{
		Open:   open,
		Damage: damage,
		Blobs: func(t *testing.T, dir string) int {
			return len(organizertest.BlobFiles(t, filepath.Join(dir, "cache", "v1", "blobs")))
		},
	})
}

func damage(t *testing.T, dir string, key cache.Key, d organizertest.Damage) bool {
	o, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	f, h, err := o.openEntry(key)
	if err != nil {
		t.Fatal(err)
	}
	f.Close()
	body := o.entryPath(key)
	if h.Blob {
		body = o.blobs.Path(h.Digest)
	}
	switch d {
	case organizertest.FlipByte:
		organizertest.FlipByteAt(t, body, -h.Size/2-1)
	case organizertest.Truncate:
		organizertest.TruncateBy(t, body, 1)
	case organizertest.RemoveBlob:
		if !h.Blob {
			return false
		}
		if err := os.Remove(body); err != nil {
			t.Fatal(err)
		}
	case organizertest.Garble:
		if err := os.WriteFile(o.entryPath(key), []byte("FMDENT01\xff\xff\xff\xffjunk"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return true
}
