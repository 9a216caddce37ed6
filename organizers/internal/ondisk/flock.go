package ondisk

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"

	"golang.org/x/sys/unix"
)

// Lock modes for Flock.
const (
	Shared    = unix.LOCK_SH
	Exclusive = unix.LOCK_EX
)

// LockKey takes an exclusive flock on path, creating it, and waits for it
// while ctx allows. flock locks belong to an open file description, so two
// goroutines of one process exclude each other as two processes do, and
// the kernel drops the lock of a process that dies.
//
// The returned unlock removes path before it releases the lock, so lock
// files do not pile up. A waiter that then wins the lock of the removed
// file sees that path no longer names the file it locked, and starts over.
func LockKey(ctx context.Context, path string) (unlock func(), err error) {
	for {
		f, err := lockFile(ctx, path, Exclusive)
		if err != nil {
			return nil, err
		}
		var held, now unix.Stat_t
		if err := unix.Fstat(int(f.Fd()), &held); err != nil {
			f.Close()
			return nil, fmt.Errorf("lock %s: %w", path, err)
		}
		if err := unix.Stat(path, &now); err == nil && now.Ino == held.Ino && now.Dev == held.Dev {
			// Once: a second remove could take away the next holder's file.
			return sync.OnceFunc(func() {
				os.Remove(path)
				f.Close()
			}), nil
		}
		f.Close() // the file was removed by its previous holder: retry
	}
}

// Flock takes a flock of the given mode (Shared or Exclusive) on path,
// creating it, and waits for it while ctx allows. The lock file is kept.
func Flock(ctx context.Context, path string, mode int) (unlock func(), err error) {
	f, err := lockFile(ctx, path, mode)
	if err != nil {
		return nil, err
	}
	return sync.OnceFunc(func() { f.Close() }), nil
}

// Polling bounds: a waiter first retries after minWait, doubling up to
// maxWait, so a short critical section is not waited for long and a long
// one is not polled hard.
const (
	minWait = 500 * time.Microsecond
	maxWait = 50 * time.Millisecond
)

func lockFile(ctx context.Context, path string, mode int) (*os.File, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if errors.Is(err, os.ErrNotExist) {
		if err = os.MkdirAll(filepath.Dir(path), 0o755); err == nil {
			f, err = os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
		}
	}
	if err != nil {
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	wait := minWait
	var timer *time.Timer
	for {
		err := unix.Flock(int(f.Fd()), mode|unix.LOCK_NB)
		if err == nil {
			if timer != nil {
				timer.Stop()
			}
			return f, nil
		}
		if err != unix.EWOULDBLOCK && err != unix.EINTR {
			f.Close()
			return nil, fmt.Errorf("lock %s: %w", path, err)
		}
		if timer == nil {
			timer = time.NewTimer(wait)
		} else {
			timer.Reset(wait)
		}
		select {
		case <-ctx.Done():
			timer.Stop()
			f.Close()
			return nil, fmt.Errorf("lock %s: %w", path, context.Cause(ctx))
		case <-timer.C:
		}
		wait = min(2*wait, maxWait)
	}
}
