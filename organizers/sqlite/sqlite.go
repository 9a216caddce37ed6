// Package sqlite is an Organizer that keeps entries and run records in one
// SQLite database (WAL mode), with bodies larger than 64 KiB in
// content-addressed side files next to it. It is the only package that
// imports the SQLite driver. The database must be on a local filesystem:
// SQLite's locking is unreliable over NFS and SMB. See docs/organizers.md.
package sqlite

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/formed-dev/formed/cache"
	"github.com/formed-dev/formed/organizers/internal/ondisk"
	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

// ErrNewerSchema is returned by Open when the database was written by a
// newer version of formed with a schema this one does not know.
var ErrNewerSchema = errors.New("database schema is newer than this program")

// Organizer is a SQLite-backed cache.Organizer. Create one with Open.
type Organizer struct {
	path  string
	db    *sql.DB
	blobs ondisk.Blobs
	now   func() time.Time

	// wmu serialises this process's writes: SQLite allows one writer at a
	// time anyway, and waiting here is cheaper than SQLite's busy sleeps.
	// Other processes are waited for with the busy timeout.
	wmu sync.Mutex

	stat, open, put, touch *sql.Stmt
	locks                  *ondisk.KeyLocks
}

// dsnOptions: WAL lets readers run beside the one writer; synchronous=NORMAL
// under WAL syncs at checkpoints, not at every commit. A commit is still
// atomic (a torn WAL frame fails its checksum and is ignored on recovery),
// so a power loss may lose the last commits but never tears an entry; a
// killed process loses nothing. _txlock=immediate takes the write lock at
// BEGIN, so transactions do not deadlock upgrading from read to write.
const dsnOptions = "?_busy_timeout=10000&_journal_mode=WAL&_synchronous=NORMAL&_txlock=immediate"

// Open opens or creates the database at path and brings its schema up to
// date. Large bodies go to path+".blobs", lock files to path+".locks".
func Open(path string) (*Organizer, error) {
	if strings.ContainsRune(path, '?') {
		// The driver splits its DSN at the first '?'.
		return nil, fmt.Errorf("open %s: a database path must not contain '?'", path)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	db, err := sql.Open("sqlite", path+dsnOptions)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	db.SetMaxIdleConns(4)
	o := &Organizer{path: path, db: db, blobs: ondisk.Blobs{Dir: path + ".blobs"}, now: time.Now}
	if err := o.init(); err != nil {
		db.Close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	if o.locks, err = ondisk.OpenKeyLocks(filepath.Join(path+".locks", "keys.lock")); err != nil {
		o.Close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	return o, nil
}

const entryColumns = "key, digest, size, format, format_version, step_type, step_name, result_type, created, last_used"

func (o *Organizer) init() error {
	ctx := context.Background()
	if err := migrate(ctx, o.db); err != nil {
		return err
	}
	var err error
	prep := func(q string) *sql.Stmt {
		var s *sql.Stmt
		if err == nil {
			s, err = o.db.PrepareContext(ctx, q)
		}
		return s
	}
	o.stat = prep("SELECT " + entryColumns + ", body IS NULL FROM entries WHERE key = ?")
	o.open = prep("SELECT " + entryColumns + ", body IS NULL, body FROM entries WHERE key = ?")
	o.put = prep("INSERT OR REPLACE INTO entries (" + entryColumns + ", body) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
	o.touch = prep("UPDATE entries SET last_used = ? WHERE key = ?")
	return err
}

// Path returns the database file.
func (o *Organizer) Path() string { return o.path }

type scanner interface{ Scan(...any) error }

// scanEntry reads entryColumns, then whether the body is in a blob, then
// extra.
func scanEntry(s scanner, extra ...any) (e cache.Entry, blob bool, err error) {
	var key, digest []byte
	var created, used int64
	dest := append([]any{&key, &digest, &e.Size, &e.Format, &e.FormatVersion, &e.StepType,
		&e.StepName, &e.ResultType, &created, &used, &blob}, extra...)
	if err := s.Scan(dest...); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return e, false, cache.ErrNotFound
		}
		return e, false, err
	}
	if len(key) != cache.Size || len(digest) != cache.Size || e.Size < 0 {
		return e, false, fmt.Errorf("%w: malformed row", cache.ErrCorrupt)
	}
	e.Key, e.Digest = cache.Key(key), cache.Digest(digest)
	e.Created, e.LastUsed = time.Unix(0, created), time.Unix(0, used)
	return e, blob, nil
}

// Stat implements cache.Organizer. For a body in a side file it checks the
// file's size too.
func (o *Organizer) Stat(ctx context.Context, key cache.Key) (cache.Entry, error) {
	e, blob, err := scanEntry(o.stat.QueryRowContext(ctx, key[:]))
	if err != nil {
		return cache.Entry{}, o.entryErr(key, err)
	}
	if blob {
		if err := o.checkBlob(e); err != nil {
			return cache.Entry{}, err
		}
	}
	return e, nil
}

func (o *Organizer) checkBlob(e cache.Entry) error {
	size, err := o.blobs.Size(e.Digest)
	if err == nil && size != e.Size {
		err = fmt.Errorf("body has %d bytes, recorded %d", size, e.Size)
	}
	if err != nil {
		return fmt.Errorf("%w: entry %s: blob: %v", cache.ErrCorrupt, e.Key.Short(), err)
	}
	return nil
}

func (o *Organizer) entryErr(key cache.Key, err error) error {
	if errors.Is(err, cache.ErrNotFound) || errors.Is(err, cache.ErrCorrupt) {
		return err
	}
	return fmt.Errorf("entry %s: %w", key.Short(), err)
}

// Open implements cache.Organizer and records the use in last_used.
func (o *Organizer) Open(ctx context.Context, key cache.Key) (cache.Entry, io.ReadCloser, error) {
	var body []byte
	e, blob, err := scanEntry(o.open.QueryRowContext(ctx, key[:]), &body)
	if err != nil {
		return cache.Entry{}, nil, o.entryErr(key, err)
	}
	now := o.now()
	o.wmu.Lock()
	_, err = o.touch.ExecContext(ctx, now.UnixNano(), key[:])
	o.wmu.Unlock()
	if err == nil {
		e.LastUsed = now
	}
	if !blob {
		return e, io.NopCloser(cache.VerifyReader(bytes.NewReader(body), e.Size, e.Digest)), nil
	}
	rc, err := o.blobs.Open(e)
	if err != nil {
		return cache.Entry{}, nil, err
	}
	return e, rc, nil
}

// Put implements cache.Organizer. A large body is stored in its side file
// before the row that references it is committed: the commit is the
// commit point.
func (o *Organizer) Put(ctx context.Context, e cache.Entry, body io.Reader) (cache.Entry, error) {
	b, release, err := o.blobs.Store(ctx, body)
	if err != nil {
		return cache.Entry{}, fmt.Errorf("put %s: %w", e.Key.Short(), err)
	}
	defer release()
	now := o.now()
	e.Digest, e.Size = b.Digest, b.Size
	e.Created, e.LastUsed = now, now
	var bodyArg any // NULL: the body is in its side file
	if b.Inline != nil {
		bodyArg = b.Inline
	}
	o.wmu.Lock()
	_, err = o.put.ExecContext(ctx, e.Key[:], e.Digest[:], e.Size, e.Format, e.FormatVersion,
		e.StepType, e.StepName, e.ResultType, now.UnixNano(), now.UnixNano(), bodyArg)
	o.wmu.Unlock()
	if err != nil {
		return cache.Entry{}, fmt.Errorf("put %s: %w", e.Key.Short(), err)
	}
	return e, nil
}

// Remove implements cache.Organizer. A side file stays until Prune finds
// it unreferenced.
func (o *Organizer) Remove(ctx context.Context, key cache.Key) error {
	o.wmu.Lock()
	res, err := o.db.ExecContext(ctx, "DELETE FROM entries WHERE key = ?", key[:])
	o.wmu.Unlock()
	if err != nil {
		return fmt.Errorf("remove %s: %w", key.Short(), err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return cache.ErrNotFound
	}
	return nil
}

// Entries implements cache.Organizer. Entries whose side file is missing or
// of the wrong size are left out: they are misses.
func (o *Organizer) Entries(ctx context.Context) ([]cache.Entry, error) {
	rows, err := o.db.QueryContext(ctx, "SELECT "+entryColumns+", body IS NULL FROM entries ORDER BY key")
	if err != nil {
		return nil, fmt.Errorf("list entries: %w", err)
	}
	defer rows.Close()
	var out []cache.Entry
	for rows.Next() {
		e, blob, err := scanEntry(rows)
		if err != nil || (blob && o.checkBlob(e) != nil) {
			continue
		}
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list entries: %w", err)
	}
	return out, nil
}

// Lock implements cache.Organizer with a lock on one byte of
// <path>.locks/keys.lock (see ondisk.KeyLocks).
func (o *Organizer) Lock(ctx context.Context, key cache.Key) (func(), error) {
	return o.locks.Lock(ctx, key)
}

// Prune implements cache.Pruner: it removes side files that no entry
// references and temporary files left by killed writers.
func (o *Organizer) Prune(ctx context.Context) (cache.PruneReport, error) {
	return o.blobs.Prune(ctx, func() (func(cache.Digest) bool, error) {
		rows, err := o.db.QueryContext(ctx, "SELECT DISTINCT digest FROM entries WHERE body IS NULL")
		if err != nil {
			return nil, err
		}
		defer rows.Close()
		refs := map[cache.Digest]bool{}
		for rows.Next() {
			var d []byte
			if err := rows.Scan(&d); err != nil {
				return nil, err
			}
			if len(d) == cache.Size {
				refs[cache.Digest(d)] = true
			}
		}
		return func(d cache.Digest) bool { return refs[d] }, rows.Err()
	})
}

// WorkDir implements cache.Organizer: <path>.work/<key>, not created here.
func (o *Organizer) WorkDir(key cache.Key) string {
	return filepath.Join(o.path+".work", key.String())
}

// Close implements cache.Organizer.
func (o *Organizer) Close() error {
	for _, s := range []*sql.Stmt{o.stat, o.open, o.put, o.touch} {
		if s != nil {
			s.Close()
		}
	}
	if o.locks != nil {
		o.locks.Close()
	}
	return o.db.Close()
}
