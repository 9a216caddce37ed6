//go:build unix

package runner

import (
	"os/exec"
	"sync"
	"syscall"
	"time"
)

// gracePeriod is how long a stopped runner gets to clean up before it
// and its children are killed; cwltool takes about ten seconds to exit
// after SIGTERM.
const gracePeriod = 5 * time.Second

// stopGroup puts cmd in its own process group and, when its context ends,
// sends SIGTERM to the whole group (the runners start tools, and toil its
// workers, as children that must stop with them), then SIGKILL after
// gracePeriod. Call the returned function once cmd has been waited for.
func stopGroup(cmd *exec.Cmd) (done func()) {
	var (
		mu     sync.Mutex
		timer  *time.Timer
		exited bool
	)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error {
		pgid := cmd.Process.Pid
		mu.Lock()
		defer mu.Unlock()
		timer = time.AfterFunc(gracePeriod, func() {
			mu.Lock()
			defer mu.Unlock()
			if !exited {
				syscall.Kill(-pgid, syscall.SIGKILL)
			}
		})
		return syscall.Kill(-pgid, syscall.SIGTERM)
	}
	return func() {
		mu.Lock()
		defer mu.Unlock()
		exited = true
		if timer != nil {
			timer.Stop()
		}
	}
}
