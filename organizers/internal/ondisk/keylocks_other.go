//go:build !linux

package ondisk

import "golang.org/x/sys/unix"

// Without open-file-description locks, fcntl record locks belong to the
// process, which KeyLocks's in-process lock already serialises; they still
// exclude other processes and die with their holder. (Closing any other
// descriptor of the lock file would drop them, and KeyLocks opens it once.)
const setLock = unix.F_SETLK
