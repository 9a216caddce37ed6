package cli

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/formed-dev/formed/registry"
)

type modArgs struct{ N int }

func TestMissingPackages(t *testing.T) {
	r := registry.New()
	registry.Add(r, "double", func(ctx context.Context, in modArgs) (int, error) { return 2 * in.N, nil })
	if got, want := linkedPackages(r), []string{"github.com/formed-dev/formed/cli"}; !slices.Equal(got, want) {
		t.Errorf("linkedPackages = %v, want %v", got, want)
	}
	got := missingPackages([]string{"github.com/formed-dev/formed/cli", " example.com/m/steps ", ""}, r)
	if want := []string{"example.com/m/steps"}; !slices.Equal(got, want) {
		t.Errorf("missingPackages = %v, want %v", got, want)
	}
}

// TestRequiredModulesInProcess: a command that is not a workflow command,
// or a project whose packages are all linked, runs without looking for a
// binary; the probe lists the packages that registered something.
func TestRequiredModulesInProcess(t *testing.T) {
	dir := t.TempDir()
	writeTestFile(t, filepath.Join(dir, SettingsFile), "required_modules: [github.com/formed-dev/formed/cli]\n")
	t.Chdir(dir)
	r := registry.New()
	registry.Add(r, "double", func(ctx context.Context, in modArgs) (int, error) { return 2 * in.N, nil })
	var stdout, stderr bytes.Buffer
	a := &App{Stdout: &stdout, Stderr: &stderr, Registry: r, Getenv: func(string) string { return "" }}
	if code := a.Run(t.Context(), []string{"formed", "workflow", "steps"}); code != ExitOK {
		t.Fatalf("workflow steps: exit %d\n%s", code, stderr.String())
	}
	if !strings.Contains(stdout.String(), "double") || stderr.Len() > 0 {
		t.Errorf("workflow steps: stdout %q, stderr %q; want the step listed and nothing built", stdout.String(), stderr.String())
	}
	if _, err := os.Stat(filepath.Join(dir, DefaultDir, "bin")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf(".formed/bin exists (%v); nothing should have been built", err)
	}
	stdout.Reset()
	a.Getenv = func(k string) string { return map[string]string{"FORMED_MODULES_PROBE": "1"}[k] }
	if code := a.Run(t.Context(), []string{"formed"}); code != ExitOK || stdout.String() != "github.com/formed-dev/formed/cli\n" {
		t.Errorf("probe: exit %d, stdout %q; want the registering package", code, stdout.String())
	}
}

func writeTestFile(t *testing.T, path, text string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

// formedBinary builds the formed command once for the tests that run it,
// into binDir.
var formedBinary = sync.OnceValues(func() (string, error) {
	dir, err := os.MkdirTemp("", "formed-cli-test-")
	if err != nil {
		return "", err
	}
	binDir = dir
	bin := filepath.Join(dir, "formed")
	cmd := exec.Command("go", "build", "-o", bin, "github.com/formed-dev/formed")
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", errors.New("go build formed: " + err.Error() + "\n" + string(out))
	}
	return bin, nil
})

var binDir string

func TestMain(m *testing.M) {
	code := m.Run()
	for _, d := range []string{binDir, testBinDir} {
		if d != "" {
			os.RemoveAll(d)
		}
	}
	os.Exit(code)
}

// e2e is a temporary module with a step package and formed.yml, and a go
// command that logs its invocations.
type e2e struct {
	t      *testing.T
	dir    string
	formed string
	goLog  string
	path   string // PATH for the formed command
}

const e2eSteps = `package steps

import (
	"context"
	"errors"
	"io"
	"os"

	"github.com/formed-dev/formed/registry"
)

type Args struct {
	N int ` + "`json:\"n\"`" + `
}

type EchoArgs struct {
	Tag string ` + "`json:\"tag\"`" + `
}

func init() {
	registry.Register("double", func(ctx context.Context, in Args) (int, error) {
		return 2 * in.N, nil
	})
	registry.Register("fail", func(ctx context.Context, in Args) (int, error) {
		return 0, errors.New("failing as asked")
	})
	// echo returns its standard input and $E2E_VALUE.
	registry.Register("echo", func(ctx context.Context, in EchoArgs) (string, error) {
		b, err := io.ReadAll(os.Stdin)
		return in.Tag + "|" + string(b) + "|" + os.Getenv("E2E_VALUE"), err
	})
}
`

func newE2E(t *testing.T) *e2e {
	t.Helper()
	if testing.Short() {
		t.Skip("builds formed binaries")
	}
	if runtime.GOOS == "windows" {
		t.Skip("the logging go command is a shell script")
	}
	goCmd, err := exec.LookPath("go")
	if err != nil {
		t.Fatal("no go command")
	}
	formed, err := formedBinary()
	if err != nil {
		t.Fatal(err)
	}
	repo, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	sum, err := os.ReadFile(filepath.Join(repo, "go.sum"))
	if err != nil {
		t.Fatal(err)
	}
	e := &e2e{t: t, dir: filepath.Join(t.TempDir(), "m"), formed: formed}
	fake := t.TempDir()
	e.goLog = filepath.Join(fake, "log")
	writeTestFile(t, filepath.Join(fake, "go"), "#!/bin/sh\necho \"$@\" >> "+e.goLog+"\nexec "+goCmd+" \"$@\"\n")
	if err := os.Chmod(filepath.Join(fake, "go"), 0o755); err != nil {
		t.Fatal(err)
	}
	e.path = fake + string(os.PathListSeparator) + os.Getenv("PATH")
	for name, text := range map[string]string{
		"go.mod":         "module example.com/e2e\n\ngo 1.26\n\nrequire github.com/formed-dev/formed v0.0.0\n\nreplace github.com/formed-dev/formed => " + repo + "\n",
		"go.sum":         string(sum),
		"steps/steps.go": e2eSteps,
		SettingsFile:     "required_modules:\n  - example.com/e2e/steps\n",
		"double.jsonnet": "{ steps: { d: { type: 'double', n: 21 } } }\n",
		"fail.jsonnet":   "{ steps: { f: { type: 'fail', n: 1 } } }\n",
		"echo.jsonnet":   "{ steps: { e: { type: 'echo', tag: std.extVar('tag') } } }\n",
	} {
		writeTestFile(t, filepath.Join(e.dir, name), text)
	}
	return e
}

// run runs the formed command in the module and returns its output and
// exit code.
func (e *e2e) run(stdin string, env []string, args ...string) (stdout, stderr string, code int) {
	e.t.Helper()
	return e.runBinary(e.formed, stdin, env, args...)
}

func (e *e2e) runBinary(bin, stdin string, env []string, args ...string) (stdout, stderr string, code int) {
	e.t.Helper()
	var out, errb bytes.Buffer
	cmd := exec.Command(bin, args...)
	cmd.Dir = e.dir
	cmd.Env = append(os.Environ(), append([]string{"PATH=" + e.path}, env...)...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = strings.NewReader(stdin), &out, &errb
	err := cmd.Run()
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		code = ee.ExitCode()
	case err != nil:
		e.t.Fatalf("%s %v: %v", bin, args, err)
	}
	return out.String(), errb.String(), code
}

// builds returns how many times the go command ran go build.
func (e *e2e) builds() int {
	data, _ := os.ReadFile(e.goLog)
	return strings.Count(string(data), "build ")
}

func (e *e2e) write(name, text string) { writeTestFile(e.t, filepath.Join(e.dir, name), text) }

func (e *e2e) expect(what string, got, want string) {
	e.t.Helper()
	if !strings.Contains(got, want) {
		e.t.Errorf("%s: got\n%s\nwant it to contain %q", what, got, want)
	}
}

// TestRequiredModules runs a config whose step lives in the project's own
// package: the first run builds a binary, the second reuses it and the
// cached step, an edited step rebuilds and runs again.
func TestRequiredModules(t *testing.T) {
	e := newE2E(t)
	stdout, stderr, code := e.run("", nil, "workflow", "run", "double.jsonnet")
	if code != ExitOK {
		t.Fatalf("first run: exit %d\n%s%s", code, stdout, stderr)
	}
	e.expect("first run, stderr", stderr, "formed: building a formed binary with example.com/e2e/steps, because no formed binary was built for them yet\n")
	e.expect("first run", stdout, "1 ran, 0 cached")
	if n := e.builds(); n != 1 {
		t.Errorf("first run: go build ran %d times, want 1", n)
	}

	stdout, stderr, code = e.run("", nil, "workflow", "run", "double.jsonnet")
	if code != ExitOK || stderr != "" {
		t.Fatalf("second run: exit %d, stderr %q", code, stderr)
	}
	e.expect("second run", stdout, "all 1 steps cached")
	if n := e.builds(); n != 1 {
		t.Errorf("second run: go build ran %d times in all, want 1 (the cached binary reused)", n)
	}

	// Arguments, standard streams, environment and exit codes pass through.
	stdout, stderr, code = e.run("from stdin", []string{"E2E_VALUE=from env"}, "workflow", "run", "-V", "tag=t1", "echo.jsonnet")
	if code != ExitOK {
		t.Fatalf("echo run: exit %d\n%s%s", code, stdout, stderr)
	}
	stdout, _, code = e.run("", nil, "workflow", "result", "-V", "tag=t1", "echo.jsonnet", "e")
	if code != ExitOK {
		t.Errorf("workflow result: exit %d", code)
	}
	e.expect("echo's result", stdout, "t1|from stdin|from env")
	if stdout, stderr, code = e.run("", nil, "workflow", "run", "fail.jsonnet"); code != ExitFailed {
		t.Errorf("failing step: exit %d, want %d\n%s", code, ExitFailed, stderr)
	}
	e.expect("failing step", stdout, "failing as asked")
	e.expect("failing step", stderr, "failed at step f")
	if _, stderr, code = e.run("", nil, "workflow", "run", "missing.jsonnet"); code != ExitUsage {
		t.Errorf("missing config: exit %d, want %d\n%s", code, ExitUsage, stderr)
	}
	if n := e.builds(); n != 1 {
		t.Errorf("after passthrough runs: go build ran %d times in all, want 1", n)
	}

	// The overhead of going through the cached binary, next to running it.
	bins, _ := filepath.Glob(filepath.Join(e.dir, ".formed", "bin", "*", "formed"))
	if len(bins) != 1 {
		t.Fatalf("cached binaries: %v, want one", bins)
	}
	const n = 20
	timeIt := func(bin string) time.Duration {
		start := time.Now()
		for range n {
			if _, stderr, code := e.runBinary(bin, "", nil, "workflow", "steps"); code != ExitOK {
				t.Fatalf("workflow steps: exit %d\n%s", code, stderr)
			}
		}
		return time.Since(start) / n
	}
	direct, through := timeIt(bins[0]), timeIt(e.formed)
	t.Logf("formed workflow steps: %v through the cached binary, %v running it directly: overhead %v", through, direct, through-direct)

	e.write("steps/steps.go", strings.Replace(e2eSteps, "return 2 * in.N, nil", "return 3 * in.N, nil", 1))
	stdout, stderr, code = e.run("", nil, "workflow", "run", "double.jsonnet")
	if code != ExitOK {
		t.Fatalf("run after edit: exit %d\n%s%s", code, stdout, stderr)
	}
	e.expect("run after edit, stderr", stderr, "because example.com/e2e/steps/steps.go changed\n")
	e.expect("run after edit", stdout, "1 ran, 0 cached")
	if n := e.builds(); n != 2 {
		t.Errorf("after edit: go build ran %d times in all, want 2", n)
	}

	// A compiler error shows as the go command prints it, and a line
	// saying what formed was building and why.
	e.write("steps/steps.go", strings.Replace(e2eSteps, "return 2 * in.N, nil", "return 2 * in.M, nil", 1))
	_, stderr, code = e.run("", nil, "workflow", "run", "double.jsonnet")
	if code != ExitUsage {
		t.Errorf("compile error: exit %d, want %d", code, ExitUsage)
	}
	e.expect("compile error", stderr, "steps/steps.go:22:17: in.M undefined")
	e.expect("compile error", stderr, "formed: building a formed binary with required_modules example.com/e2e/steps (example.com/e2e/steps/steps.go changed): go build: exit status 1; the go command's output is above\n")
}

// TestRequiredModulesErrors: a package that does not exist, no go command,
// a package without steps and a step name registered by two packages.
func TestRequiredModulesErrors(t *testing.T) {
	e := newE2E(t)
	e.write(SettingsFile, "required_modules: [example.com/e2e/nope]\n")
	_, stderr, code := e.run("", nil, "workflow", "steps")
	if code != ExitUsage {
		t.Errorf("no such package: exit %d, want %d", code, ExitUsage)
	}
	e.expect("no such package", stderr, "required_modules: example.com/e2e/nope: no such package: "+filepath.Join(e.dir, "nope")+" holds no Go files; fix the import path\n")

	e.write(SettingsFile, "required_modules: [example.com/e2e/steps]\n")
	path := e.path
	e.path = t.TempDir()
	_, stderr, code = e.run("", nil, "workflow", "steps")
	e.path = path
	if code != ExitUsage {
		t.Errorf("no go: exit %d, want %d", code, ExitUsage)
	}
	e.expect("no go", stderr, "no go command in PATH: required_modules needs the Go toolchain")

	e.write("empty/empty.go", "package empty\n")
	e.write(SettingsFile, "required_modules: [example.com/e2e/steps, example.com/e2e/empty]\n")
	_, stderr, code = e.run("", nil, "workflow", "steps")
	if code != ExitUsage {
		t.Errorf("no steps: exit %d, want %d", code, ExitUsage)
	}
	e.expect("no steps", stderr, "required_modules: example.com/e2e/empty registers no steps or implementations")

	e.write("again/again.go", strings.Replace(e2eSteps, "package steps", "package again", 1))
	e.write(SettingsFile, "required_modules: [example.com/e2e/steps, example.com/e2e/again]\n")
	_, stderr, code = e.run("", nil, "workflow", "steps")
	if code != ExitUsage {
		t.Errorf("registered twice: exit %d, want %d", code, ExitUsage)
	}
	e.expect("registered twice", stderr, `registered twice: first by package example.com/e2e/again`)
	e.expect("registered twice", stderr, `again by package example.com/e2e/steps`)
	if bins, _ := filepath.Glob(filepath.Join(e.dir, ".formed", "bin", "*", "formed")); len(bins) != 0 {
		t.Errorf("failed builds left binaries: %v", bins)
	}
}

// TestLibraryMode builds examples/custom-steps, a module whose own main
// imports its step package, and runs its config with it: the binary has
// the package that formed.yml requires, so it builds nothing. The stock
// formed command then runs the same config in required_modules mode.
func TestLibraryMode(t *testing.T) {
	e := newE2E(t)
	src := filepath.Join("..", "examples", "custom-steps")
	repo, _ := filepath.Abs("..")
	for _, name := range []string{"go.mod", "go.sum", "main.go", "steps/steps.go", "config.jsonnet", SettingsFile} {
		data, err := os.ReadFile(filepath.Join(src, filepath.FromSlash(name)))
		if err != nil {
			t.Fatal(err)
		}
		text := string(data)
		if name == "go.mod" {
			text = strings.Replace(text, "=> ../..", "=> "+repo, 1)
		}
		e.write(name, text)
	}
	os.Remove(filepath.Join(e.dir, "double.jsonnet"))
	lib := filepath.Join(t.TempDir(), "custom-steps")
	build := exec.Command("go", "build", "-mod=mod", "-o", lib, ".")
	build.Dir = e.dir
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build examples/custom-steps: %v\n%s", err, out)
	}
	stdout, stderr, code := e.runBinary(lib, "", nil, "workflow", "run", "config.jsonnet")
	if code != ExitOK || stderr != "" {
		t.Fatalf("library mode: exit %d\n%s%s", code, stdout, stderr)
	}
	e.expect("library mode", stdout, "2 ran, 0 cached")
	if _, err := os.Stat(filepath.Join(e.dir, DefaultDir, "bin")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("library mode made .formed/bin (%v); its binary has the steps", err)
	}
	// Two commands at once on a cold cache: both build, one binary stays.
	var wg sync.WaitGroup
	var outs [2]string
	var codes [2]int
	for i := range 2 {
		wg.Go(func() {
			var stderr string
			outs[i], stderr, codes[i] = e.run("", nil, "workflow", "run", "config.jsonnet")
			outs[i] += stderr
		})
	}
	wg.Wait()
	for i := range 2 {
		if codes[i] != ExitOK {
			t.Fatalf("required_modules mode, concurrent run %d: exit %d\n%s", i, codes[i], outs[i])
		}
		e.expect("required_modules mode", outs[i], "formed: building a formed binary with example.com/custom-steps/steps")
		e.expect("required_modules mode", outs[i], "all 2 steps cached")
	}
	entries, _ := os.ReadDir(filepath.Join(e.dir, DefaultDir, "bin"))
	var names []string
	for _, de := range entries {
		names = append(names, de.Name())
	}
	if len(names) != 2 || names[1] != "last" {
		t.Errorf(".formed/bin holds %v, want one binary's directory and last", names)
	}
}
