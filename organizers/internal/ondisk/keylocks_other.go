//go:build !linux

package ondisk

import (
	"os"

	"golang.org/x/sys/unix"
)

// Without open-file-description locks, fcntl record locks belong to the
// process, which the in-process lock already serialises; they still
// exclude other processes and die with their holder. (Closing any other
// descriptor of the lock file would drop them, and KeyLocks opens it once.)
func tryRangeLock(f *os.File, off int64) (bool, error) {
	lk := unix.Flock_t{Type: unix.F_WRLCK, Whence: 0, Start: off, Len: 1}
	err := unix.FcntlFlock(f.Fd(), unix.F_SETLK, &lk)
	switch err {
	case nil:
		return true, nil
	case unix.EAGAIN, unix.EACCES, unix.EINTR:
		return false, nil
	}
	return false, err
}

func rangeUnlock(f *os.File, off int64) {
	lk := unix.Flock_t{Type: unix.F_UNLCK, Whence: 0, Start: off, Len: 1}
	unix.FcntlFlock(f.Fd(), unix.F_SETLK, &lk)
}
