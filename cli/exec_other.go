//go:build !unix

package cli

import "errors"

// canExec reports whether execve can replace the process.
const canExec = false

func execve(path string, args, env []string) error {
	return errors.New("cannot replace the process on this system")
}
