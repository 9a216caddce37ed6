//go:build !unix

package runner

import "os/exec"

// stopGroup leaves cmd to its context, which kills the runner; without
// process groups its children may outlive it.
func stopGroup(cmd *exec.Cmd) (done func()) { return func() {} }
