package ondisk

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/formed-dev/formed/cache"
)

// InlineLimit is the largest body kept inline with its entry; larger bodies
// go to the blob store. 64 KiB keeps an inline entry one small read and a
// blob write worth its extra file.
const InlineLimit = 64 << 10

// Blobs is a content-addressed store of large bodies: a body with digest d
// lives in Dir/<d[:2]>/<d>. Identical bodies are stored once.
//
// Blob writers hold a shared flock on Dir/gc.lock from before their
// temporary file is created until their entry is committed (the release
// returned by Store); Prune holds it exclusively. So Prune never removes a
// blob that an entry being committed is about to reference, in this
// process or another, and every temporary file it finds is an orphan.
type Blobs struct {
	Dir string
}

// headPool holds the buffers that Store reads the first InlineLimit+1
// bytes of a body into: allocating 64 KiB per small Put costs more than
// the rest of the Put.
var headPool = sync.Pool{New: func() any {
	b := make([]byte, InlineLimit+1)
	return &b
}}

// Body is a body read by Store: its digest and size, and the body itself
// when it is small enough to be kept inline.
type Body struct {
	Digest cache.Digest
	Size   int64
	Inline []byte // nil when the body is in the blob store
}

// Store reads body to its end. A body of at most InlineLimit bytes is
// returned in Inline; a larger one is streamed through a temporary file
// into the blob store while it is hashed. The caller must call release
// after committing the entry that references the blob (or giving up); it
// is never nil when err is nil.
func (s *Blobs) Store(ctx context.Context, body io.Reader) (b Body, release func(), err error) {
	r := ctxReader{ctx: ctx, r: body}
	hp := headPool.Get().(*[]byte)
	defer headPool.Put(hp)
	head := *hp
	n, err := io.ReadFull(r, head)
	switch err {
	case io.EOF, io.ErrUnexpectedEOF:
		b.Inline = append([]byte{}, head[:n]...)
		// Hashed in one call: a streaming Digester allocates 10 KiB,
		// more than the rest of a small Put.
		b.Digest, b.Size = cache.DigestOf(b.Inline), int64(n)
		return b, func() {}, nil
	case nil:
	default:
		return b, nil, fmt.Errorf("read body: %w", err)
	}

	unlock, err := Flock(ctx, filepath.Join(s.Dir, "gc.lock"), Shared)
	if err != nil {
		return b, nil, err
	}
	defer func() {
		if err != nil {
			unlock()
		}
	}()
	f, err := CreateTemp(s.Dir)
	if err != nil {
		return b, nil, fmt.Errorf("store blob: %w", err)
	}
	d := cache.NewDigester()
	w := io.MultiWriter(f, d)
	if _, err = w.Write(head); err == nil {
		buf := make([]byte, 256<<10)
		_, err = io.CopyBuffer(w, r, buf)
	}
	if err != nil {
		f.Close()
		os.Remove(f.Name())
		return b, nil, fmt.Errorf("store blob: %w", err)
	}
	b.Digest, b.Size = d.Sum()
	// Always rename, even over an existing blob of the same digest: that
	// costs nothing more (the body is written already) and repairs a blob
	// that was damaged on disk.
	dst := s.Path(b.Digest)
	if err = Commit(f, dst); err != nil {
		return b, nil, err
	}
	// A blob is big, so one more fsync is cheap next to writing it; it
	// makes the blob durable before the entry that references it.
	if err = SyncDir(filepath.Dir(dst)); err != nil {
		return b, nil, err
	}
	return b, unlock, nil
}

// Path returns the file of the blob with digest d.
func (s *Blobs) Path(d cache.Digest) string {
	h := d.String()
	return filepath.Join(s.Dir, h[:2], h)
}

// Open returns a reader of e's body from the blob store that verifies its
// size and digest (cache.VerifyReader). A missing blob is ErrCorrupt: the
// entry that references it is damaged.
func (s *Blobs) Open(e cache.Entry) (io.ReadCloser, error) {
	f, err := os.Open(s.Path(e.Digest))
	if err != nil {
		return nil, fmt.Errorf("%w: entry %s: blob: %v", cache.ErrCorrupt, e.Key.Short(), err)
	}
	return VerifiedBody(f, e), nil
}

// VerifiedBody returns a reader of e's body from f that verifies its size
// and digest, and closes f.
func VerifiedBody(f io.ReadCloser, e cache.Entry) io.ReadCloser {
	return readCloser{cache.VerifyReader(f, e.Size, e.Digest), f}
}

type readCloser struct {
	io.Reader
	io.Closer
}

// Size returns the size of the blob file d.
func (s *Blobs) Size(d cache.Digest) (int64, error) {
	fi, err := os.Stat(s.Path(d))
	if err != nil {
		return 0, err
	}
	return fi.Size(), nil
}

// Prune removes every blob whose digest referenced does not hold, and every
// orphaned temporary file. referenced is called once the exclusive lock is
// held, so it sees every entry committed by a finished Store.
func (s *Blobs) Prune(ctx context.Context, referenced func() (func(cache.Digest) bool, error)) (cache.PruneReport, error) {
	var rep cache.PruneReport
	unlock, err := Flock(ctx, filepath.Join(s.Dir, "gc.lock"), Exclusive)
	if err != nil {
		return rep, err
	}
	defer unlock()
	keep, err := referenced()
	if err != nil {
		return rep, err
	}
	err = filepath.WalkDir(s.Dir, func(path string, de fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil
			}
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if de.IsDir() || de.Name() == "gc.lock" {
			return nil
		}
		if !IsTemp(de.Name()) {
			var d cache.Digest
			if d.UnmarshalText([]byte(de.Name())) == nil && keep(d) {
				return nil
			}
		}
		fi, err := de.Info()
		if err != nil {
			return nil // removed meanwhile
		}
		if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
		rep.Files++
		rep.Bytes += fi.Size()
		return nil
	})
	if err != nil {
		return rep, fmt.Errorf("prune %s: %w", s.Dir, err)
	}
	return rep, nil
}

// RemoveStaleTemps removes temporary files directly in dir that are older
// than age: leftovers of a process killed while writing. Younger ones may
// belong to a writer still at work.
func RemoveStaleTemps(dir string, age time.Duration, now time.Time) (cache.PruneReport, error) {
	var rep cache.PruneReport
	des, err := os.ReadDir(dir)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return rep, nil
		}
		return rep, err
	}
	for _, de := range des {
		if !IsTemp(de.Name()) {
			continue
		}
		fi, err := de.Info()
		if err != nil || now.Sub(fi.ModTime()) < age {
			continue
		}
		if os.Remove(filepath.Join(dir, de.Name())) == nil {
			rep.Files++
			rep.Bytes += fi.Size()
		}
	}
	return rep, nil
}

// ctxReader stops reading once ctx is done, so a Put of a long stream can
// be canceled.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}
