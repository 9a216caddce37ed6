package cli

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/formed-dev/formed/cache"
)

// formedTestBinary builds, once, the formed command with the test steps
// of testdata/formedtest, into testBinDir (which TestMain removes).
var formedTestBinary = sync.OnceValues(func() (string, error) {
	dir, err := os.MkdirTemp("", "formed-cli-test-")
	if err != nil {
		return "", err
	}
	testBinDir = dir
	bin := filepath.Join(dir, "formedtest")
	out, err := exec.Command("go", "build", "-o", bin, "github.com/formed-dev/formed/cli/testdata/formedtest").CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("build the test command: %v\n%s", err, out)
	}
	return bin, nil
})

var testBinDir string

// organizerKinds are the persistent organizers every end-to-end test runs
// against.
var organizerKinds = []string{"filesystem", "sqlite"}

// project is a directory with configs, one persistent organizer and a file
// that counts step executions.
type cacheProject struct {
	t     *testing.T
	bin   string // the formed command with the test steps
	dir   string
	kind  string
	store string // the organizer's directory or database file
	count string
	env   []string
}

func newCacheProject(t *testing.T, kind string) *cacheProject {
	t.Helper()
	bin, err := formedTestBinary()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	p := &cacheProject{t: t, bin: bin, dir: dir, kind: kind, count: filepath.Join(dir, "count")}
	switch kind {
	case "filesystem":
		p.store = filepath.Join(dir, ".formed")
	case "sqlite":
		p.store = filepath.Join(dir, "cache", "formed.db")
	default:
		t.Fatalf("unknown organizer kind %q", kind)
	}
	p.env = append(os.Environ(), "FORMED_TEST_COUNT="+p.count, "NO_COLOR=1")
	return p
}

// organizerFlag selects the project's organizer.
func (p *cacheProject) organizerFlag() string { return "--organizer=" + p.kind + ":" + p.store }

// blobsDir is where the organizer keeps bodies larger than 64 KiB.
func (p *cacheProject) blobsDir() string {
	if p.kind == "sqlite" {
		return p.store + ".blobs"
	}
	return filepath.Join(p.store, "cache", "v1", "blobs")
}

func (p *cacheProject) write(name, text string) string {
	p.t.Helper()
	path := filepath.Join(p.dir, name)
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		p.t.Fatal(err)
	}
	return path
}

// command returns the command formed args... in the project, with the
// project's organizer.
func (p *cacheProject) command(args ...string) *exec.Cmd {
	cmd := exec.Command(p.bin, append([]string{p.organizerFlag()}, args...)...)
	cmd.Dir = p.dir
	cmd.Env = p.env
	return cmd
}

type cmdResult struct {
	stdout, stderr string
	code           int
}

func (r cmdResult) String() string {
	return fmt.Sprintf("exit %d\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
}

// formed runs the command and returns its output and exit code.
func (p *cacheProject) formed(args ...string) cmdResult {
	p.t.Helper()
	cmd := p.command(args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	r := cmdResult{stdout: stdout.String(), stderr: stderr.String()}
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		r.code = ee.ExitCode()
	case err != nil:
		p.t.Fatalf("formed %s: %v", strings.Join(args, " "), err)
	}
	return r
}

// ok runs the command and fails the test unless it exits 0.
func (p *cacheProject) ok(args ...string) cmdResult {
	p.t.Helper()
	r := p.formed(args...)
	if r.code != 0 {
		p.t.Fatalf("formed %s: %v", strings.Join(args, " "), r)
	}
	return r
}

// fails runs the command and fails the test unless it exits with code.
func (p *cacheProject) fails(code int, args ...string) cmdResult {
	p.t.Helper()
	r := p.formed(args...)
	if r.code != code {
		p.t.Fatalf("formed %s: want exit %d, got %v", strings.Join(args, " "), code, r)
	}
	return r
}

// counts returns how many times each step (by config name) was executed,
// over all processes so far.
func (p *cacheProject) counts() map[string]int {
	p.t.Helper()
	out := map[string]int{}
	b, err := os.ReadFile(p.count)
	if errors.Is(err, os.ErrNotExist) {
		return out
	}
	if err != nil {
		p.t.Fatal(err)
	}
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		if f := strings.Fields(sc.Text()); len(f) == 3 {
			out[f[0]]++
		}
	}
	return out
}

// entries returns 'cache ls --json'.
func (p *cacheProject) entries() []cache.Entry {
	p.t.Helper()
	r := p.ok("workflow", "cache", "ls", "--json")
	var es []cache.Entry
	if err := json.Unmarshal([]byte(r.stdout), &es); err != nil {
		p.t.Fatalf("cache ls --json: %v\n%s", err, r.stdout)
	}
	return es
}

// entry returns the entry stored by step name (its config name).
func (p *cacheProject) entry(name string) cache.Entry {
	p.t.Helper()
	for _, e := range p.entries() {
		if e.StepName == name {
			return e
		}
	}
	p.t.Fatalf("no cache entry of step %s", name)
	return cache.Entry{}
}

// blobPath returns the file of a body stored outside its entry.
func (p *cacheProject) blobPath(e cache.Entry) string {
	d := e.Digest.String()
	return filepath.Join(p.blobsDir(), d[:2], d)
}

// wantExecs checks the executions per step.
func wantExecs(t *testing.T, got, want map[string]int) {
	t.Helper()
	for name, n := range want {
		if got[name] != n {
			t.Errorf("step %s executed %d times, want %d (all: %v)", name, got[name], n, got)
		}
	}
}
