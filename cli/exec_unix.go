//go:build unix

package cli

import "syscall"

// canExec reports whether execve can replace the process.
const canExec = true

func execve(path string, args, env []string) error { return syscall.Exec(path, args, env) }
