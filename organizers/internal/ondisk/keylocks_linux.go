package ondisk

import "golang.org/x/sys/unix"

// setLock is an open-file-description lock: it belongs to the open file,
// not the process, so it is released when the file is closed or its
// process dies.
const setLock = unix.F_OFD_SETLK
