package ondisk

import (
	"os"

	"golang.org/x/sys/unix"
)

// tryRangeLock takes an open-file-description write lock on the byte at
// off without waiting, reporting false when another holder has it.
func tryRangeLock(f *os.File, off int64) (bool, error) {
	lk := unix.Flock_t{Type: unix.F_WRLCK, Whence: 0, Start: off, Len: 1}
	err := unix.FcntlFlock(f.Fd(), unix.F_OFD_SETLK, &lk)
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
	unix.FcntlFlock(f.Fd(), unix.F_OFD_SETLK, &lk)
}
