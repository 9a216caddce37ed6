package ondisk

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestLockKeyRemovedFile races a waiter on a lock file that its holder
// removes on unlock with a newcomer that creates the next one: they must
// still never hold the lock together, and the file is gone at the end.
func TestLockKeyRemovedFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "k.lock")
	ctx := t.Context()
	for range 50 {
		unlockA, err := LockKey(ctx, path)
		if err != nil {
			t.Fatal(err)
		}
		var inside atomic.Int32
		var wg sync.WaitGroup
		hold := func() {
			unlock, err := LockKey(ctx, path)
			if err != nil {
				t.Error(err)
				return
			}
			if n := inside.Add(1); n != 1 {
				t.Errorf("%d holders", n)
			}
			time.Sleep(time.Millisecond)
			inside.Add(-1)
			unlock()
		}
		wg.Go(hold) // waits on the file A holds
		time.Sleep(2 * time.Millisecond)
		unlockA()
		hold() // creates the next file, racing the waiter
		wg.Wait()
	}
	if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("lock file left behind: %v", err)
	}
}

func TestLockKeyUnlockTwice(t *testing.T) {
	path := filepath.Join(t.TempDir(), "k.lock")
	unlock, err := LockKey(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	unlock()
	next, err := LockKey(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer next()
	unlock() // must not remove next's file
	if _, err := os.Stat(path); err != nil {
		t.Errorf("a second unlock removed the next holder's lock file: %v", err)
	}
	c, cancel := context.WithTimeout(t.Context(), 20*time.Millisecond)
	defer cancel()
	if u, err := LockKey(c, path); err == nil {
		u()
		t.Error("took a lock that is held")
	}
}
