package ondisk

import (
	"context"
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"

	"golang.org/x/sys/unix"
)

// KeyLocks hands out per-key exclusive locks that hold across goroutines
// and processes, all backed by one file: a goroutine first takes the key's
// in-process lock, then (on Linux) an open-file-description lock on one
// byte of the file at an offset drawn from the key. The kernel drops those
// locks when the process holding them dies, so a crashed run never leaves
// a key locked, and no file is created or removed per key (LockKey costs a
// create, a flock and an unlink each time).
//
// Two keys whose offsets coincide (one chance in 2^62) merely wait for
// each other.
type KeyLocks struct {
	f *os.File

	mu   sync.Mutex
	held map[[32]byte]chan struct{}
}

// OpenKeyLocks opens (creating) the lock file at path.
func OpenKeyLocks(path string) (*KeyLocks, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, err
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("open key locks: %w", err)
	}
	return &KeyLocks{f: f, held: map[[32]byte]chan struct{}{}}, nil
}

// Close releases the file; locks still held are dropped.
func (l *KeyLocks) Close() error { return l.f.Close() }

// Lock waits, while ctx allows, for the lock of key and returns its
// release, which may be called more than once.
func (l *KeyLocks) Lock(ctx context.Context, key [32]byte) (func(), error) {
	// In process first: the file lock does not exclude holders that share
	// the open file description.
	var ch chan struct{}
	for {
		l.mu.Lock()
		other, busy := l.held[key]
		if !busy {
			ch = make(chan struct{})
			l.held[key] = ch
			l.mu.Unlock()
			break
		}
		l.mu.Unlock()
		select {
		case <-other:
		case <-ctx.Done():
			return nil, fmt.Errorf("lock %x: %w", key[:6], context.Cause(ctx))
		}
	}
	release := func() {
		l.mu.Lock()
		delete(l.held, key)
		l.mu.Unlock()
		close(ch)
	}
	off := int64(binary.BigEndian.Uint64(key[:8]) >> 2)
	wait := minWait
	var timer *time.Timer
	for {
		ok, err := tryRangeLock(l.f, off)
		if err != nil {
			release()
			return nil, fmt.Errorf("lock %x: %w", key[:6], err)
		}
		if ok {
			if timer != nil {
				timer.Stop()
			}
			break
		}
		if timer == nil {
			timer = time.NewTimer(wait)
		} else {
			timer.Reset(wait)
		}
		select {
		case <-ctx.Done():
			timer.Stop()
			release()
			return nil, fmt.Errorf("lock %x: %w", key[:6], context.Cause(ctx))
		case <-timer.C:
		}
		wait = min(2*wait, maxWait)
	}
	return sync.OnceFunc(func() {
		rangeUnlock(l.f, off)
		release()
	}), nil
}

// tryRangeLock takes a write lock on the byte at off without waiting,
// reporting false when another holder has it.
func tryRangeLock(f *os.File, off int64) (bool, error) {
	lk := unix.Flock_t{Type: unix.F_WRLCK, Whence: 0, Start: off, Len: 1}
	switch err := unix.FcntlFlock(f.Fd(), setLock, &lk); err {
	case nil:
		return true, nil
	case unix.EAGAIN, unix.EACCES, unix.EINTR:
		return false, nil
	default:
		return false, err
	}
}

func rangeUnlock(f *os.File, off int64) {
	lk := unix.Flock_t{Type: unix.F_UNLCK, Whence: 0, Start: off, Len: 1}
	unix.FcntlFlock(f.Fd(), setLock, &lk)
}
