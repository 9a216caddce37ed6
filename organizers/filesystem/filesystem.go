// Package filesystem is the default Organizer: plain files in a directory,
// normally .formed/ in the project. Small bodies live inline in their entry
// file, large ones in content-addressed blob files; every file is replaced
// atomically, so a crash at any instant leaves no entry that reads as a hit
// on a torn body. Locks are flocks, released by the kernel when a process
// dies. See docs/organizers.md for the layout.
package filesystem

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"time"

	"golang.org/x/sys/unix"

	"github.com/formed-dev/formed/cache"
	"github.com/formed-dev/formed/organizers/internal/ondisk"
)

// Organizer stores entries, runs and work directories under one directory.
// Create one with Open.
type Organizer struct {
	dir     string
	entries string // cache/v1/entries
	blobs   ondisk.Blobs
	now     func() time.Time

	// dirty holds the directories with renames not yet made durable by a
	// directory fsync; Sync and Close flush them.
	mu    sync.Mutex
	dirty map[string]bool
	locks *ondisk.KeyLocks
}

// Open opens the organizer rooted at dir, creating dir if needed.
func Open(dir string) (*Organizer, error) {
	o := &Organizer{
		dir:     dir,
		entries: filepath.Join(dir, "cache", "v1", "entries"),
		blobs:   ondisk.Blobs{Dir: filepath.Join(dir, "cache", "v1", "blobs")},
		now:     time.Now,
		dirty:   map[string]bool{},
	}
	for _, d := range []string{o.entries, o.blobs.Dir, o.runsDir(), o.locksDir()} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return nil, fmt.Errorf("open organizer %s: %w", dir, err)
		}
	}
	locks, err := ondisk.OpenKeyLocks(filepath.Join(o.locksDir(), "keys.lock"))
	if err != nil {
		return nil, fmt.Errorf("open organizer %s: %w", dir, err)
	}
	o.locks = locks
	return o, nil
}

// Dir returns the directory the organizer is rooted at.
func (o *Organizer) Dir() string { return o.dir }

func (o *Organizer) entryPath(key cache.Key) string {
	h := key.String()
	return filepath.Join(o.entries, h[:2], h)
}

func (o *Organizer) runsDir() string  { return filepath.Join(o.dir, "runs") }
func (o *Organizer) locksDir() string { return filepath.Join(o.dir, "locks") }

// Stat implements cache.Organizer. It reads the entry header and checks
// that the body is all there (by file sizes), without reading it.
func (o *Organizer) Stat(ctx context.Context, key cache.Key) (cache.Entry, error) {
	h, err := o.statEntry(key)
	if errors.Is(err, errLongHeader) {
		var f *os.File
		if f, h, err = o.openEntry(key); err == nil {
			f.Close()
		}
	}
	if err != nil {
		return cache.Entry{}, err
	}
	return h.Entry, nil
}

// statEntry is openEntry for Stat, which a plan calls for every step: one
// open, read, fstat and close as plain system calls, without an *os.File
// and its buffers. It returns errLongHeader for a header larger than it
// reads; openEntry reads any.
func (o *Organizer) statEntry(key cache.Key) (header, error) {
	path := o.entryPath(key)
	fd, err := ignoringEINTR(func() (int, error) { return unix.Open(path, unix.O_RDONLY|unix.O_CLOEXEC, 0) })
	if errors.Is(err, fs.ErrNotExist) {
		return header{}, cache.ErrNotFound
	}
	if err != nil {
		return header{}, fmt.Errorf("entry %s: %w", key.Short(), &fs.PathError{Op: "open", Path: path, Err: err})
	}
	defer unix.Close(fd)
	var buf [2048]byte
	n, err := ignoringEINTR(func() (int, error) { return unix.Pread(fd, buf[:], 0) })
	var st unix.Stat_t
	if err == nil {
		err = unix.Fstat(fd, &st)
	}
	if err != nil {
		return header{}, fmt.Errorf("entry %s: %w", key.Short(), &fs.PathError{Op: "read", Path: path, Err: err})
	}
	h, err := parseHeader(buf[:n], n < len(buf), key)
	if err == nil {
		err = o.checkSize(&h, st.Size, time.Unix(st.Mtim.Unix()))
	}
	if errors.Is(err, errLongHeader) {
		return header{}, err
	}
	if err != nil {
		return header{}, fmt.Errorf("%w: entry %s: %v", cache.ErrCorrupt, key.Short(), err)
	}
	return h, nil
}

func ignoringEINTR(call func() (int, error)) (int, error) {
	for {
		n, err := call()
		if err != unix.EINTR {
			return n, err
		}
	}
}

// Open implements cache.Organizer. It marks the entry used by touching its
// file's modification time, which is where LastUsed comes from.
func (o *Organizer) Open(ctx context.Context, key cache.Key) (cache.Entry, io.ReadCloser, error) {
	f, h, err := o.openEntry(key)
	if err != nil {
		return cache.Entry{}, nil, err
	}
	now := o.now()
	if err := os.Chtimes(f.Name(), time.Time{}, now); err == nil {
		h.LastUsed = now
	}
	if !h.Blob {
		// f is positioned at the body.
		return h.Entry, ondisk.VerifiedBody(f, h.Entry), nil
	}
	f.Close()
	rc, err := o.blobs.Open(h.Entry)
	if err != nil {
		return cache.Entry{}, nil, err
	}
	return h.Entry, rc, nil
}

// openEntry opens key's entry file and reads its header, leaving the file
// positioned at the inline body. Missing files are ErrNotFound; anything
// unreadable, and a body shorter or longer than recorded, is ErrCorrupt.
func (o *Organizer) openEntry(key cache.Key) (*os.File, header, error) {
	f, err := os.Open(o.entryPath(key))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, header{}, cache.ErrNotFound
	}
	if err != nil {
		return nil, header{}, fmt.Errorf("entry %s: %w", key.Short(), err)
	}
	h, err := readHeader(f, key)
	if err == nil {
		err = o.checkBodySize(f, &h)
	}
	if err != nil {
		f.Close()
		return nil, header{}, fmt.Errorf("%w: entry %s: %v", cache.ErrCorrupt, key.Short(), err)
	}
	return f, h, nil
}

// checkBodySize checks the body's size against the header and sets
// h.LastUsed from the entry file's modification time.
func (o *Organizer) checkBodySize(f *os.File, h *header) error {
	fi, err := f.Stat()
	if err != nil {
		return err
	}
	return o.checkSize(h, fi.Size(), fi.ModTime())
}

// checkSize checks the body's size against the header, given the entry
// file's size and modification time, and sets h.LastUsed to the latter.
func (o *Organizer) checkSize(h *header, fileSize int64, mtime time.Time) error {
	h.LastUsed = mtime
	size := fileSize - h.offset
	if h.Blob {
		if size != 0 {
			return fmt.Errorf("%d bytes after a blob entry's header", size)
		}
		var err error
		if size, err = o.blobs.Size(h.Digest); err != nil {
			return fmt.Errorf("blob: %w", err)
		}
	}
	if size != h.Size {
		return fmt.Errorf("body has %d bytes, recorded %d", size, h.Size)
	}
	return nil
}

// Put implements cache.Organizer. A body of up to 64 KiB is buffered and
// written inline in the entry file; a larger one streams into a blob file.
// The rename of the entry file is the commit point.
func (o *Organizer) Put(ctx context.Context, e cache.Entry, body io.Reader) (cache.Entry, error) {
	b, release, err := o.blobs.Store(ctx, body)
	if err != nil {
		return cache.Entry{}, fmt.Errorf("put %s: %w", e.Key.Short(), err)
	}
	defer release()
	now := o.now()
	e.Digest, e.Size = b.Digest, b.Size
	e.Created, e.LastUsed = now, now
	h := header{Entry: e, Blob: b.Inline == nil}
	head, err := h.marshal()
	if err != nil {
		return cache.Entry{}, fmt.Errorf("put %s: %w", e.Key.Short(), err)
	}
	path := o.entryPath(e.Key)
	if err := ondisk.WriteFile(path, head, b.Inline); err != nil {
		return cache.Entry{}, fmt.Errorf("put %s: %w", e.Key.Short(), err)
	}
	o.markDirty(filepath.Dir(path))
	return e, nil
}

// Remove implements cache.Organizer. The blob of a large body stays until
// Prune finds it unreferenced: another entry may share it.
func (o *Organizer) Remove(ctx context.Context, key cache.Key) error {
	path := o.entryPath(key)
	err := os.Remove(path)
	if errors.Is(err, fs.ErrNotExist) {
		return cache.ErrNotFound
	}
	if err != nil {
		return fmt.Errorf("remove %s: %w", key.Short(), err)
	}
	o.markDirty(filepath.Dir(path))
	return nil
}

// Entries implements cache.Organizer. Entries that cannot be read are left
// out: they are misses.
func (o *Organizer) Entries(ctx context.Context) ([]cache.Entry, error) {
	var out []cache.Entry
	err := o.walkEntries(ctx, func(key cache.Key) {
		if e, err := o.Stat(ctx, key); err == nil {
			out = append(out, e)
		}
	})
	return out, err
}

// walkEntries calls fn with the key of every entry file, in key order.
func (o *Organizer) walkEntries(ctx context.Context, fn func(cache.Key)) error {
	shards, err := os.ReadDir(o.entries)
	if err != nil {
		return fmt.Errorf("list entries: %w", err)
	}
	for _, s := range shards { // ReadDir sorts by name: hex order is key order
		if !s.IsDir() || len(s.Name()) != 2 {
			continue
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		files, err := os.ReadDir(filepath.Join(o.entries, s.Name()))
		if err != nil {
			return fmt.Errorf("list entries: %w", err)
		}
		for _, f := range files {
			key, err := cache.ParseKey(f.Name())
			if err != nil {
				continue // temporary files and strays
			}
			fn(key)
		}
	}
	return nil
}

// Lock implements cache.Organizer with a lock on one byte of
// locks/keys.lock (see ondisk.KeyLocks).
func (o *Organizer) Lock(ctx context.Context, key cache.Key) (func(), error) {
	return o.locks.Lock(ctx, key)
}

// Prune implements cache.Pruner: it removes blobs that no entry references,
// specs that no run record names, and temporary files left by killed
// writers.
func (o *Organizer) Prune(ctx context.Context) (cache.PruneReport, error) {
	rep, err := o.blobs.Prune(ctx, func() (func(cache.Digest) bool, error) {
		refs := map[cache.Digest]bool{}
		err := o.walkEntries(ctx, func(key cache.Key) {
			f, h, err := o.openEntryHeader(key)
			if err == nil {
				f.Close()
				if h.Blob {
					refs[h.Digest] = true
				}
			}
		})
		return func(d cache.Digest) bool { return refs[d] }, err
	})
	if err != nil {
		return rep, err
	}
	specs, err := o.pruneSpecs()
	if err != nil {
		return rep, err
	}
	rep.Files += specs.Files
	rep.Bytes += specs.Bytes
	// Entry and run temporaries are written without the blob lock; only
	// those old enough to belong to no live writer are removed.
	dirs := []string{o.runsDir(), o.specsDir()}
	shards, _ := os.ReadDir(o.entries)
	for _, s := range shards {
		dirs = append(dirs, filepath.Join(o.entries, s.Name()))
	}
	for _, d := range dirs {
		r, err := ondisk.RemoveStaleTemps(d, staleTemp, o.now())
		if err != nil {
			return rep, fmt.Errorf("prune: %w", err)
		}
		rep.Files += r.Files
		rep.Bytes += r.Bytes
	}
	return rep, nil
}

// staleTemp is the age past which a temporary entry or run file is taken
// for the leftover of a killed process. Writing one takes milliseconds.
const staleTemp = time.Hour

// openEntryHeader is openEntry without the size check, for Prune: an entry
// whose blob is damaged still references it.
func (o *Organizer) openEntryHeader(key cache.Key) (*os.File, header, error) {
	f, err := os.Open(o.entryPath(key))
	if err != nil {
		return nil, header{}, err
	}
	h, err := readHeader(f, key)
	if err != nil {
		f.Close()
		return nil, header{}, err
	}
	return f, h, nil
}

// WorkDir implements cache.Organizer: work/<key>. It is not created here.
func (o *Organizer) WorkDir(key cache.Key) string {
	return filepath.Join(o.dir, "work", key.String())
}

func (o *Organizer) markDirty(dir string) {
	o.mu.Lock()
	o.dirty[dir] = true
	o.mu.Unlock()
}

// Sync makes every entry and run written or removed so far durable, by
// fsyncing the directories their renames changed. Each file is synced
// before its rename, so Sync is only about surviving a power loss or
// kernel crash; a killed process loses nothing.
func (o *Organizer) Sync() error {
	o.mu.Lock()
	dirs := make([]string, 0, len(o.dirty))
	for d := range o.dirty {
		dirs = append(dirs, d)
	}
	clear(o.dirty)
	o.mu.Unlock()
	// New shard directories are made on first use; syncing the parents
	// makes those durable too.
	dirs = append(dirs, o.entries, o.blobs.Dir)
	sort.Strings(dirs)
	var errs []error
	for _, d := range dirs {
		if err := ondisk.SyncDir(d); err != nil && !errors.Is(err, fs.ErrNotExist) {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// Close implements cache.Organizer; it calls Sync.
func (o *Organizer) Close() error {
	err := o.Sync()
	o.locks.Close()
	return err
}
