package sqlite

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/formed-dev/formed/cache"
	"github.com/formed-dev/formed/organizers/organizertest"
)

func open(dir string) (cache.Organizer, error) { return Open(filepath.Join(dir, "formed.db")) }

func TestMain(m *testing.M) {
	organizertest.Main(open)
	os.Exit(m.Run())
}

func TestConformance(t *testing.T) {
	organizertest.RunDisk(t, organizertest.Disk{
		Open:   open,
		Damage: damage,
		Blobs: func(t *testing.T, dir string) int {
			return len(organizertest.BlobFiles(t, filepath.Join(dir, "formed.db.blobs")))
		},
	})
}

func damage(t *testing.T, dir string, key cache.Key, d organizertest.Damage) bool {
	o, err := Open(filepath.Join(dir, "formed.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer o.Close()
	var body []byte
	e, blob, err := scanEntry(o.open.QueryRow(key[:]), &body)
	if err != nil {
		t.Fatal(err)
	}
	setBody := func(b []byte) {
		if _, err := o.db.Exec("UPDATE entries SET body = ? WHERE key = ?", b, key[:]); err != nil {
			t.Fatal(err)
		}
	}
	switch d {
	case organizertest.FlipByte:
		if blob {
			organizertest.FlipByteAt(t, o.blobs.Path(e.Digest), e.Size/2)
		} else {
			body[len(body)/2] ^= 1
			setBody(body)
		}
	case organizertest.Truncate:
		if blob {
			organizertest.TruncateBy(t, o.blobs.Path(e.Digest), 1)
		} else {
			setBody(body[:len(body)-1])
		}
	case organizertest.RemoveBlob:
		if !blob {
			return false
		}
		if err := os.Remove(o.blobs.Path(e.Digest)); err != nil {
			t.Fatal(err)
		}
	case organizertest.Garble:
		if _, err := o.db.Exec("UPDATE entries SET digest = x'00', size = -1 WHERE key = ?", key[:]); err != nil {
			t.Fatal(err)
		}
	}
	return true
}
