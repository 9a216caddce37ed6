package cli

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	_ "github.com/formed-dev/formed/examples/quickstart"
	_ "github.com/formed-dev/formed/examples/wordcount"
	"github.com/formed-dev/formed/registry"
)

// testRegistry holds counting steps for CLI tests.
type testRegistry struct {
	reg   *registry.Registry
	calls map[string]*atomic.Int64
}

type numArgs struct {
	A int `json:"a"`
	B int `json:"b" jsonschema:"default=0"`
}

type stats struct {
	Total int   `json:"total"`
	Parts []int `json:"parts"`
}

type listArgs struct {
	Values []int `json:"values"`
}

func newTestRegistry() *testRegistry {
	tr := &testRegistry{reg: registry.New(), calls: map[string]*atomic.Int64{}}
	for _, n := range []string{"add", "stats", "fail", "cancel"} {
		tr.calls[n] = &atomic.Int64{}
	}
	registry.Add(tr.reg, "add", func(ctx context.Context, in numArgs) (int, error) {
		tr.calls["add"].Add(1)
		registry.Logger(ctx).Info("adding", "a", in.A, "b", in.B)
		return in.A + in.B, nil
	}, registry.Version("1"))
	registry.Add(tr.reg, "stats", func(ctx context.Context, in listArgs) (stats, error) {
		tr.calls["stats"].Add(1)
		s := stats{Parts: in.Values}
		for _, v := range in.Values {
			s.Total += v
		}
		return s, nil
	}, registry.Version("1"))
	registry.Add(tr.reg, "fail", func(ctx context.Context, in struct{}) (int, error) {
		tr.calls["fail"].Add(1)
		return 0, errors.New("the disk is full")
	}, registry.Version("1"))
	return tr
}

func (tr *testRegistry) counts() map[string]int64 {
	out := map[string]int64{}
	for k, c := range tr.calls {
		if n := c.Swap(0); n > 0 {
			out[k] = n
		}
	}
	return out
}

type result struct {
	stdout, stderr string
	code           int
}

// run runs the formed command in process in dir with reg.
func run(t *testing.T, reg *registry.Registry, args ...string) result {
	t.Helper()
	return runCtx(t, t.Context(), reg, args...)
}

func runCtx(t *testing.T, ctx context.Context, reg *registry.Registry, args ...string) result {
	t.Helper()
	var out, errb bytes.Buffer
	a := &App{Stdout: &out, Stderr: &errb, Registry: reg, Getenv: func(string) string { return "" }}
	code := a.Run(ctx, append([]string{"formed"}, args...))
	return result{out.String(), errb.String(), code}
}

// project makes a temporary project directory with files and changes into
// it for the test.
func project(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, text := range files {
		p := filepath.Join(dir, name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	t.Chdir(dir)
	return dir
}

const chainConfig = `local ref(n) = {type: 'ref', ref: n};
{
  steps: {
    sum: { type: 'add', a: 1, b: 2 },
    more: { type: 'add', a: ref('sum'), b: 10 },
    st: { type: 'stats', values: [ref('sum'), ref('more')] },
    total: { type: 'add', a: ref('st.total'), b: ref('st.parts.0') },
  },
}
`

func wantCounts(t *testing.T, tr *testRegistry, want map[string]int64, when string) {
	t.Helper()
	got := tr.counts()
	if len(got) != len(want) {
		t.Fatalf("%s: calls = %v, want %v", when, got, want)
	}
	for k, v := range want {
		if got[k] != v {
			t.Fatalf("%s: calls = %v, want %v", when, got, want)
		}
	}
}

func TestRunTwiceThenChange(t *testing.T) {
	tr := newTestRegistry()
	project(t, map[string]string{"config.jsonnet": chainConfig})
	r := run(t, tr.reg, "workflow", "run", "config.jsonnet")
	if r.code != 0 {
		t.Fatalf("first run: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	wantCounts(t, tr, map[string]int64{"add": 3, "stats": 1}, "first run")
	for _, s := range []string{"sum", "more", "st", "total"} {
		if !regexpLine(r.stdout, s, "ran") {
			t.Errorf("first run output lacks %q ran:\n%s", s, r.stdout)
		}
	}
	if !strings.Contains(r.stdout, "[sum] INFO adding a=1 b=2") {
		t.Errorf("step log line missing:\n%s", r.stdout)
	}

	r = run(t, tr.reg, "workflow", "run", "config.jsonnet")
	if r.code != 0 {
		t.Fatalf("second run: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	wantCounts(t, tr, nil, "second run")
	if !strings.Contains(r.stdout, "nothing to do, all 4 steps cached") {
		t.Errorf("second run does not say it did nothing:\n%s", r.stdout)
	}

	// Change one argument: only that step and its dependents rerun.
	os.WriteFile("config.jsonnet", []byte(strings.Replace(chainConfig, "b: 10", "b: 20", 1)), 0o644)
	r = run(t, tr.reg, "workflow", "run", "--dry-run", "config.jsonnet")
	for _, want := range []string{"sum ", "cached", "more", "will run: arguments changed", "will run: upstream changed (more)", "will run: upstream changed (st)"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("dry run lacks %q:\n%s", want, r.stdout)
		}
	}
	wantCounts(t, tr, nil, "dry run")
	r = run(t, tr.reg, "workflow", "run", "config.jsonnet")
	wantCounts(t, tr, map[string]int64{"add": 2, "stats": 1}, "run after changing more.b")

	// Rename a step: still cached.
	os.WriteFile("config.jsonnet", []byte(strings.ReplaceAll(strings.Replace(chainConfig, "b: 10", "b: 20", 1), "more", "plus")), 0o644)
	r = run(t, tr.reg, "workflow", "run", "config.jsonnet")
	if r.code != 0 {
		t.Fatalf("renamed run: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	wantCounts(t, tr, nil, "run after renaming a step")

	// Force one step.
	r = run(t, tr.reg, "workflow", "run", "--force", "sum", "--step", "sum", "config.jsonnet")
	wantCounts(t, tr, map[string]int64{"add": 1}, "--force sum --step sum")
}

func regexpLine(out, step, status string) bool {
	for _, line := range strings.Split(out, "\n") {
		f := strings.Fields(line)
		if len(f) >= 2 && f[0] == step && f[1] == status {
			return true
		}
	}
	return false
}

func TestJSONEvents(t *testing.T) {
	tr := newTestRegistry()
	project(t, map[string]string{"config.jsonnet": chainConfig})
	for i, want := range []string{"completed", "cached"} {
		r := run(t, tr.reg, "workflow", "run", "--json", "config.jsonnet")
		if r.code != 0 {
			t.Fatalf("run %d: exit %d\n%s", i, r.code, r.stderr)
		}
		var ends, steps int
		sc := bufio.NewScanner(strings.NewReader(r.stdout))
		var last map[string]any
		for sc.Scan() {
			var ev map[string]any
			if err := json.Unmarshal(sc.Bytes(), &ev); err != nil {
				t.Fatalf("stdout line %q is not JSON: %v", sc.Text(), err)
			}
			last = ev
			if ev["event"] == "step_end" {
				steps++
				if ev["status"] != want {
					t.Errorf("run %d: step_end %v status %v, want %s", i, ev["step"], ev["status"], want)
				}
				if fp, _ := ev["fingerprint"].(string); len(fp) != 64 {
					t.Errorf("step_end fingerprint %q, want 64 hex digits", fp)
				}
				if _, ok := ev["duration_s"].(float64); !ok {
					t.Errorf("step_end lacks duration_s: %v", ev)
				}
			}
			if ev["event"] == "execution_end" {
				ends++
			}
		}
		if steps != 4 || ends != 1 {
			t.Errorf("run %d: %d step_end and %d execution_end events, want 4 and 1", i, steps, ends)
		}
		if last["event"] != "execution_end" || last["status"] != "completed" || last["run_id"] == "" {
			t.Errorf("last event = %v, want execution_end completed with run_id", last)
		}
	}
}

func TestConfigErrorsExitTwoAndRunNothing(t *testing.T) {
	tr := newTestRegistry()
	project(t, map[string]string{"config.jsonnet": `{
  steps: {
    sum: { type: 'ad', a: 1 },
    st: { type: 'stats', values: 'x' },
    t: { type: 'add', a: { type: 'ref', ref: 'sun' } },
  },
}
`})
	r := run(t, tr.reg, "workflow", "run", "config.jsonnet")
	if r.code != ExitUsage {
		t.Errorf("exit = %d, want %d", r.code, ExitUsage)
	}
	for _, want := range []string{
		`error: config.jsonnet:3:12: steps.sum.type: unknown step type "ad" (did you mean 'add'?)`,
		`    3 |     sum: { type: 'ad', a: 1 },`,
		`error: config.jsonnet:4:26: steps.st.values: want array, got string`,
		`error: config.jsonnet:5:23: steps.t.a: ref to unknown step "sun" (did you mean 'sum'?)`,
		"3 problems; nothing ran",
	} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, r.stderr)
		}
	}
	wantCounts(t, tr, nil, "config with errors")
	if r := run(t, tr.reg, "workflow", "runs", "ls"); !strings.Contains(r.stdout, "no runs recorded") {
		t.Errorf("a config with errors recorded a run:\n%s", r.stdout)
	}
	if r := run(t, tr.reg, "workflow", "check", "config.jsonnet"); r.code != ExitUsage || !strings.Contains(r.stderr, "3 problems") {
		t.Errorf("check: exit %d\n%s", r.code, r.stderr)
	}
}

func TestFailureExitAndResume(t *testing.T) {
	tr := newTestRegistry()
	project(t, map[string]string{"config.jsonnet": `{steps: {
  ok: {type: 'add', a: 1},
  bad: {type: 'fail'},
  after: {type: 'add', a: {type: 'ref', ref: 'bad'}},
  other: {type: 'add', a: 7},
}}`})
	r := run(t, tr.reg, "workflow", "run", "config.jsonnet")
	if r.code != ExitFailed {
		t.Fatalf("exit = %d, want %d\n%s%s", r.code, ExitFailed, r.stdout, r.stderr)
	}
	if !strings.Contains(r.stdout, "the disk is full") || !strings.Contains(r.stderr, "failed at step bad") {
		t.Errorf("failure not reported:\nstdout:\n%s\nstderr:\n%s", r.stdout, r.stderr)
	}
	wantCounts(t, tr, map[string]int64{"add": 1, "fail": 1}, "fail-fast run")
	r = run(t, tr.reg, "workflow", "run", "--keep-going", "config.jsonnet")
	if r.code != ExitFailed {
		t.Fatalf("keep-going exit = %d", r.code)
	}
	wantCounts(t, tr, map[string]int64{"add": 1, "fail": 1}, "keep-going run (ok cached, other runs, after not)")
	r = run(t, tr.reg, "workflow", "runs", "show", "latest")
	for _, want := range []string{"status:   failed", "upstream failed (bad)", "error: the disk is full"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("runs show lacks %q:\n%s", want, r.stdout)
		}
	}
}

func TestCancel(t *testing.T) {
	tr := newTestRegistry()
	ctx, cancel := context.WithCancel(t.Context())
	registry.Add(tr.reg, "slow", func(ctx context.Context, in struct{}) (int, error) {
		cancel() // as Ctrl-C would
		<-ctx.Done()
		return 0, ctx.Err()
	})
	project(t, map[string]string{"config.jsonnet": `{steps: {a: {type: 'add', a: 1}, s: {type: 'slow'}}}`})
	r := runCtx(t, ctx, tr.reg, "workflow", "run", "config.jsonnet")
	if r.code != ExitCanceled {
		t.Fatalf("exit = %d, want %d\n%s%s", r.code, ExitCanceled, r.stdout, r.stderr)
	}
	r = run(t, tr.reg, "workflow", "runs", "ls")
	if !strings.Contains(r.stdout, "canceled") {
		t.Errorf("run not recorded as canceled:\n%s", r.stdout)
	}
	r = run(t, tr.reg, "workflow", "run", "--dry-run", "config.jsonnet")
	if !strings.Contains(r.stdout, "a  ") || !regexpLine(r.stdout, "a", "add") || !strings.Contains(r.stdout, "cached") {
		t.Errorf("completed step a not cached after cancel:\n%s", r.stdout)
	}
}

func TestResultCommand(t *testing.T) {
	tr := newTestRegistry()
	project(t, map[string]string{"config.jsonnet": chainConfig})
	r := run(t, tr.reg, "workflow", "result", "config.jsonnet", "st")
	if r.code != ExitNotFound || !strings.Contains(r.stderr, "step st is not cached") {
		t.Errorf("result before run: exit %d, stderr %s", r.code, r.stderr)
	}
	run(t, tr.reg, "workflow", "run", "config.jsonnet")
	tr.counts()
	r = run(t, tr.reg, "workflow", "result", "config.jsonnet", "st")
	var got stats
	if err := json.Unmarshal([]byte(r.stdout), &got); err != nil || got.Total != 16 {
		t.Errorf("result st = %q (%v), want total 16", r.stdout, err)
	}
	wantCounts(t, tr, nil, "result")
	if r := run(t, tr.reg, "workflow", "result", "config.jsonnet", "stt"); r.code != ExitUsage || !strings.Contains(r.stderr, "did you mean 'st'") {
		t.Errorf("result of unknown step: exit %d, %s", r.code, r.stderr)
	}
}

func TestOverridesAndExtVars(t *testing.T) {
	tr := newTestRegistry()
	project(t, map[string]string{"config.jsonnet": `function(b=1) {steps: {s: {type: 'add', a: std.parseInt(std.extVar('a')), b: b}}}`})
	r := run(t, tr.reg, "workflow", "run", "--ext-str", "a=2", "--tla-code", "b=3", "--overrides", `{"steps.s.b": 40}`, "config.jsonnet")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	r = run(t, tr.reg, "workflow", "result", "--ext-str", "a=2", "--overrides", `{"steps.s.b": 40}`, "config.jsonnet", "s")
	if strings.TrimSpace(r.stdout) != "42" {
		t.Errorf("result = %q, want 42 (stderr %s)", r.stdout, r.stderr)
	}
	r = run(t, tr.reg, "workflow", "run", "--ext-str", "a=2", "--overrides", `{"steps.x.b": 1}`, "config.jsonnet")
	if r.code != ExitUsage || !strings.Contains(r.stderr, "steps.x matches nothing") {
		t.Errorf("bad override: exit %d, %s", r.code, r.stderr)
	}
	r = run(t, tr.reg, "workflow", "run", "config.jsonnet")
	if r.code != ExitUsage || !strings.Contains(r.stderr, "pass --ext-str a=VALUE") {
		t.Errorf("missing ext var: exit %d, %s", r.code, r.stderr)
	}
}

func TestSettings(t *testing.T) {
	tr := newTestRegistry()
	project(t, map[string]string{
		"config.jsonnet": `{steps: {s: {type: 'add', a: std.parseInt(std.extVar('a'))}}}`,
		"formed.yml":     "organizer:\n  type: sqlite\n  path: state/formed.db\next_str:\n  a: '5'\n",
		"bad.yml":        "organiser:\n  type: memory\n",
	})
	r := run(t, tr.reg, "workflow", "run", "config.jsonnet")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	if _, err := os.Stat("state/formed.db"); err != nil {
		t.Errorf("formed.yml organizer not used: %v", err)
	}
	// --settings after the subcommand.
	r = run(t, tr.reg, "workflow", "run", "config.jsonnet", "--settings", "bad.yml")
	if r.code != ExitUsage || !strings.Contains(r.stderr, `field organiser is not a formed.yml key`) || !strings.Contains(r.stderr, "line 1") {
		t.Errorf("unknown settings key: exit %d, %s", r.code, r.stderr)
	}
	r = run(t, tr.reg, "--organizer", "memory", "workflow", "run", "config.jsonnet")
	if r.code != 0 || !strings.Contains(r.stdout, "1 ran") {
		t.Errorf("--organizer memory: exit %d, %s%s", r.code, r.stdout, r.stderr)
	}
}

func TestGraphAndRuns(t *testing.T) {
	tr := newTestRegistry()
	project(t, map[string]string{"config.jsonnet": chainConfig})
	run(t, tr.reg, "workflow", "run", "--step", "more", "config.jsonnet")
	r := run(t, tr.reg, "workflow", "graph", "config.jsonnet")
	want := "sum (add) [cached]\nmore (add) [cached] <- sum\nst (stats) <- sum, more\ntotal (add) <- st\n"
	if r.stdout != want {
		t.Errorf("graph text =\n%s\nwant\n%s", r.stdout, want)
	}
	r = run(t, tr.reg, "workflow", "graph", "--format", "dot", "config.jsonnet")
	if !strings.Contains(r.stdout, `"sum" -> "more";`) || !strings.Contains(r.stdout, `fillcolor`) {
		t.Errorf("graph dot:\n%s", r.stdout)
	}
	r = run(t, tr.reg, "workflow", "graph", "--format", "mermaid", "config.jsonnet")
	if !strings.Contains(r.stdout, "s0 --> s1") || !strings.Contains(r.stdout, ":::cached") {
		t.Errorf("graph mermaid:\n%s", r.stdout)
	}
	r = run(t, tr.reg, "workflow", "runs", "ls")
	if !strings.Contains(r.stdout, "completed") || !strings.Contains(r.stdout, "2 ran") {
		t.Errorf("runs ls:\n%s", r.stdout)
	}
	id := strings.Fields(strings.Split(r.stdout, "\n")[1])[0]
	r = run(t, tr.reg, "workflow", "runs", "show", id[:10])
	if !strings.Contains(r.stdout, "run "+id) || !strings.Contains(r.stdout, "INFO adding a=1 b=2") {
		t.Errorf("runs show %s:\n%s%s", id[:10], r.stdout, r.stderr)
	}
	if r := run(t, tr.reg, "workflow", "runs", "rm", id); r.code != 0 {
		t.Errorf("runs rm: %d %s", r.code, r.stderr)
	}
	if r := run(t, tr.reg, "workflow", "runs", "show", id); r.code != ExitNotFound {
		t.Errorf("runs show after rm: exit %d", r.code)
	}
}

func TestVersion(t *testing.T) {
	r := run(t, nil, "--version")
	if r.code != 0 || !strings.HasPrefix(r.stdout, "formed ") {
		t.Errorf("--version: %d %q", r.code, r.stdout)
	}
}
