package organizertest

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/formed-dev/formed/cache"
)

// Environment of a child process started by RunDisk.
const (
	envRole = "FORMED_ORGANIZERTEST_ROLE"
	envDir  = "FORMED_ORGANIZERTEST_DIR"
	envSeed = "FORMED_ORGANIZERTEST_SEED"
)

var mainOpen func(dir string) (cache.Organizer, error)

// Main must be called at the start of TestMain in a package that calls
// RunDisk, with the same open function as Disk.Open. In the parent test
// process it only records open; in a child process that RunDisk started
// it plays the child's part and exits.
func Main(open func(dir string) (cache.Organizer, error)) {
	mainOpen = open
	role := os.Getenv(envRole)
	if role == "" {
		return
	}
	o, err := open(os.Getenv(envDir))
	if err != nil {
		fmt.Fprintln(os.Stderr, "child: open:", err)
		os.Exit(2)
	}
	seed, _ := strconv.ParseUint(os.Getenv(envSeed), 10, 64)
	switch role {
	case "writer":
		err = writer(o, seed)
	case "locker":
		err = locker(o, int(seed))
	case "holder":
		err = holder(o)
	default:
		err = fmt.Errorf("unknown role %q", role)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "child:", err)
		os.Exit(3)
	}
	os.Exit(0)
}

// crashKeys is the pool of keys crash writers write, so that children
// overwrite each other's entries.
const crashKeys = 24

// writer stores entries of every size class forever, until killed.
func writer(o cache.Organizer, seed uint64) error {
	ctx := context.Background()
	r := rand.New(rand.NewPCG(seed, 1))
	fmt.Println("ready")
	for i := uint64(0); ; i++ {
		k := r.IntN(crashKeys)
		var n int
		switch p := r.IntN(10); {
		case p < 5:
			n = r.IntN(4 << 10)
		case p < 7:
			n = 60<<10 + r.IntN(8<<10) // around the inline limit
		default:
			n = 1<<20 + r.IntN(4<<20)
		}
		body := Body(seed<<32|i, n)
		key := KeyOf(fmt.Sprint("crash", k))
		unlock, err := o.Lock(ctx, key)
		if err != nil {
			return err
		}
		if _, err := o.Put(ctx, meta(key), streamOnly{bytes.NewReader(body)}); err != nil {
			return err
		}
		unlock()
		if i%8 == 0 {
			if err := o.PutRun(ctx, newRun(time.Now(), key)); err != nil {
				return err
			}
		}
	}
}

// testCrash kills writers with SIGKILL at random instants, then checks that
// every entry that reads as a hit reads back whole and verified, and that
// a new process can lock and write every key.
func testCrash(t *testing.T, d Disk) {
	requireMain(t)
	dir := t.TempDir()
	kills := 100
	if testing.Short() {
		kills = 20
	}
	seed := uint64(time.Now().UnixNano())
	t.Logf("kill instants from seed %d", seed)
	r := rand.New(rand.NewPCG(seed, 2))
	var checked int
	for i := range kills {
		cmd, out := startChild(t, "writer", dir, uint64(i+1))
		if line, _ := out.ReadString('\n'); line != "ready\n" {
			cmd.Process.Kill()
			cmd.Wait()
			t.Fatalf("writer %d did not start: %q", i, line)
		}
		time.Sleep(time.Duration(r.IntN(40_000)) * time.Microsecond)
		if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
			t.Fatal(err)
		}
		err := cmd.Wait()
		var ee *exec.ExitError
		if !errors.As(err, &ee) || ee.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
			t.Fatalf("writer %d: %v (it should have been killed)", i, err)
		}
		if i%10 == 9 {
			checked += checkAllHits(t, d, dir)
		}
	}
	if checked == 0 {
		t.Errorf("no entry survived %d kills: the writers never got to write", kills)
	}
	t.Logf("%d kills, %d hits checked", kills, checked)

	// A new process can lock and write every key: no lock is stuck.
	o := d.open(t, dir)
	defer o.Close()
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	for k := range crashKeys {
		key := KeyOf(fmt.Sprint("crash", k))
		unlock, err := o.Lock(ctx, key)
		if err != nil {
			t.Fatalf("Lock(%s) after the kills: %v", key.Short(), err)
		}
		body := Body(uint64(k), 70<<10)
		put(t, o, key, body)
		unlock()
		mustRead(t, o, key, body)
	}
	if _, err := o.Runs(ctx); err != nil {
		t.Errorf("Runs after the kills: %v", err)
	}
}

// checkAllHits opens the organizer in dir and reads every entry that Stat or
// Entries reports; all must read back whole. It returns how many did.
func checkAllHits(t *testing.T, d Disk, dir string) int {
	t.Helper()
	ctx := t.Context()
	o := d.open(t, dir)
	defer o.Close()
	es, err := o.Entries(ctx)
	if err != nil {
		t.Fatalf("Entries: %v", err)
	}
	keys := map[cache.Key]bool{}
	for _, e := range es {
		keys[e.Key] = true
	}
	for k := range crashKeys {
		key := KeyOf(fmt.Sprint("crash", k))
		if _, err := o.Stat(ctx, key); err == nil {
			keys[key] = true
		} else if !errors.Is(err, cache.ErrNotFound) {
			t.Errorf("Stat(%s): %v", key.Short(), err)
		}
	}
	for key := range keys {
		e, body, err := cache.ReadAll(ctx, o, key)
		if err != nil {
			t.Errorf("entry %s reported as a hit reads back %d bytes, %v", key.Short(), len(body), err)
			continue
		}
		if int64(len(body)) != e.Size || cache.DigestOf(body) != e.Digest {
			t.Errorf("entry %s: body does not match its metadata", key.Short())
		}
	}
	return len(keys)
}

// locker takes the lock of one key n times; inside, it checks that no one
// else is inside (an O_EXCL marker file) and increments a counter file with
// an unprotected read-modify-write, which loses counts if two are inside.
func locker(o cache.Organizer, n int) error {
	ctx := context.Background()
	dir := os.Getenv(envDir)
	key := KeyOf("process lock")
	for range n {
		unlock, err := o.Lock(ctx, key)
		if err != nil {
			return err
		}
		m, err := os.OpenFile(filepath.Join(dir, "inside"), os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o644)
		if err != nil {
			return fmt.Errorf("two holders of one lock: %w", err)
		}
		m.Close()
		counter := filepath.Join(dir, "counter")
		b, _ := os.ReadFile(counter)
		c, _ := strconv.Atoi(strings.TrimSpace(string(b)))
		time.Sleep(time.Millisecond)
		if err := os.WriteFile(counter, []byte(strconv.Itoa(c+1)), 0o644); err != nil {
			return err
		}
		// The "computation": every process writes the same organizer.
		size := 100
		if c%5 == 0 {
			size = 100 << 10
		}
		if _, err := o.Put(ctx, meta(KeyOf(fmt.Sprint("computed", c))), bytes.NewReader(Body(uint64(c), size))); err != nil {
			return err
		}
		if err := os.Remove(m.Name()); err != nil {
			return err
		}
		unlock()
	}
	return nil
}

// holder takes the lock and keeps it until killed.
func holder(o cache.Organizer) error {
	unlock, err := o.Lock(context.Background(), KeyOf("process lock"))
	if err != nil {
		return err
	}
	defer unlock() // keeps the lock file reachable, so no finalizer closes it
	fmt.Println("locked")
	time.Sleep(time.Hour) // select{} would be a deadlock the runtime kills
	return errors.New("holder was not killed")
}

// testProcessLock: a holder takes the lock; lockers wait for it; the
// holder is killed; the lockers then take turns, never two at a time.
func testProcessLock(t *testing.T, d Disk) {
	requireMain(t)
	dir := t.TempDir()
	o := d.open(t, dir)
	o.Close()
	h, out := startChild(t, "holder", dir, 0)
	if line, _ := out.ReadString('\n'); line != "locked\n" {
		h.Process.Kill()
		h.Wait()
		t.Fatalf("holder did not lock: %q", line)
	}
	const lockers, n = 4, 15
	wait := startLockers(t, dir, lockers, n)
	time.Sleep(300 * time.Millisecond)
	if b, err := os.ReadFile(filepath.Join(dir, "counter")); err == nil {
		t.Errorf("lockers counted %s while the holder held the lock", b)
	}
	h.Process.Signal(syscall.SIGKILL)
	h.Wait()
	wait()
	checkLockers(t, d, dir, lockers*n)
}

// testProcessFirstOpen: processes that open a new organizer at the same
// instant all get a working one.
func testProcessFirstOpen(t *testing.T, d Disk) {
	requireMain(t)
	dir := t.TempDir()
	const lockers, n = 4, 3
	startLockers(t, dir, lockers, n)()
	checkLockers(t, d, dir, lockers*n)
}

// startLockers starts count lockers of n turns each and returns a function
// that waits for them, failing t if one fails.
func startLockers(t *testing.T, dir string, count, n int) (wait func()) {
	var cmds []*exec.Cmd
	for range count {
		c, _ := startChild(t, "locker", dir, uint64(n))
		cmds = append(cmds, c)
	}
	return func() {
		deadline := time.AfterFunc(30*time.Second, func() {
			for _, c := range cmds {
				c.Process.Kill()
			}
		})
		defer deadline.Stop()
		for i, c := range cmds {
			if err := c.Wait(); err != nil {
				t.Errorf("locker %d: %v\n%s", i, err, c.Stderr)
			}
		}
	}
}

// checkLockers checks that the lockers' turns never overlapped and that
// every turn's entry is stored.
func checkLockers(t *testing.T, d Disk, dir string, turns int) {
	t.Helper()
	b, _ := os.ReadFile(filepath.Join(dir, "counter"))
	if got := strings.TrimSpace(string(b)); got != strconv.Itoa(turns) {
		t.Errorf("counter = %s, want %d: some holders overlapped", got, turns)
	}
	o := d.open(t, dir)
	defer o.Close()
	if es, err := o.Entries(t.Context()); err != nil || len(es) != turns {
		t.Errorf("Entries: %d, %v; want the %d the lockers stored", len(es), err, turns)
	}
}

func requireMain(t *testing.T) {
	t.Helper()
	if mainOpen == nil {
		t.Fatal("organizertest.Main was not called from TestMain: child processes cannot run")
	}
}

// startChild starts this test binary as a child playing role on dir and
// returns it with its stdout.
func startChild(t *testing.T, role, dir string, seed uint64) (*exec.Cmd, *bufio.Reader) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), envRole+"="+role, envDir+"="+dir, envSeed+"="+strconv.FormatUint(seed, 10))
	cmd.Stderr = new(strings.Builder)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			cmd.Process.Kill()
			cmd.Wait()
		}
	})
	return cmd, bufio.NewReader(io.Reader(stdout))
}
