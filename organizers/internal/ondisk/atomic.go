package ondisk

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// TempPrefix starts the name of every temporary file. A file with this
// prefix is never a committed entry, run or blob.
const TempPrefix = ".tmp-"

// CreateTemp creates a temporary file in dir, the directory (and so the
// filesystem) of the file it will become, creating dir if needed.
func CreateTemp(dir string) (*os.File, error) {
	f, err := os.CreateTemp(dir, TempPrefix+"*")
	if errors.Is(err, fs.ErrNotExist) {
		if err = os.MkdirAll(dir, 0o755); err == nil {
			f, err = os.CreateTemp(dir, TempPrefix+"*")
		}
	}
	return f, err
}

// Commit syncs and closes the temporary file f and renames it to dst, which
// must be in the same directory tree (filesystem). The rename is atomic: a
// reader of dst sees the old file or the new one, whole. On any error f is
// removed. Commit does not sync dst's directory; see SyncDir.
func Commit(f *os.File, dst string) error {
	err := f.Sync()
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.Name(), dst)
		if errors.Is(err, fs.ErrNotExist) {
			// The destination directory is missing (a fresh shard, or
			// removed by hand): make it and try once more.
			if err = os.MkdirAll(filepath.Dir(dst), 0o755); err == nil {
				err = os.Rename(f.Name(), dst)
			}
		}
	}
	if err != nil {
		os.Remove(f.Name())
		return fmt.Errorf("commit %s: %w", dst, err)
	}
	return nil
}

// WriteFile atomically replaces path with the concatenation of parts:
// temporary file, write, Sync, Close, Rename.
func WriteFile(path string, parts ...[]byte) error {
	f, err := CreateTemp(filepath.Dir(path))
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	for _, p := range parts {
		if _, err := f.Write(p); err != nil {
			f.Close()
			os.Remove(f.Name())
			return fmt.Errorf("write %s: %w", path, err)
		}
	}
	return Commit(f, path)
}

// SyncDir fsyncs the directory dir, making the renames and removals in it
// durable.
func SyncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("sync %s: %w", dir, err)
	}
	return nil
}

// IsTemp reports whether name is the name of a temporary file.
func IsTemp(name string) bool { return strings.HasPrefix(name, TempPrefix) }
