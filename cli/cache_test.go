package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/formed-dev/formed/cache"
)

const cacheConfig = `
local ref(n) = { type: 'ref', ref: n };
{
  steps: {
    a: { type: 'add', a: 1, b: 2 },
    b: { type: 'add', a: ref('a'), b: 10 },
    r: { type: 'report', title: 'cache test', n: 3 },
    big: { type: 'blob', size: 200000, seed: 1 },
    l: { type: 'liar', a: 0, b: 0 },
  },
}
`

const otherConfig = `
{
  steps: {
    x: { type: 'add', a: 5, b: 6 },
    big2: { type: 'blob', size: 100000, seed: 2 },
  },
}
`

// prefix returns the shortest prefix of k, of at least 4 digits, that no
// other entry shares.
func prefix(k cache.Key, es []cache.Entry) string {
	for n := 4; n < 64; n++ {
		p := k.String()[:n]
		unique := true
		for _, e := range es {
			if e.Key != k && strings.HasPrefix(e.Key.String(), p) {
				unique = false
			}
		}
		if unique {
			return p
		}
	}
	return k.String()
}

func TestCacheCommands(t *testing.T) {
	for _, kind := range organizerKinds {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			p := newCacheProject(t, kind)
			cfg := p.write("c.jsonnet", cacheConfig)
			p.ok("workflow", "run", cfg)

			// ls
			es := p.entries()
			if len(es) != 5 {
				t.Fatalf("cache ls --json: %d entries, want 5: %+v", len(es), es)
			}
			r := p.ok("workflow", "cache", "ls")
			for _, want := range []string{"FINGERPRINT", "STEP TYPE", "SIZE", "CREATED", "LAST USED", "report", "blob", "195.3 KiB", "5 entries"} {
				if !strings.Contains(r.stdout, want) {
					t.Errorf("cache ls: no %q in\n%s", want, r.stdout)
				}
			}
			r = p.ok("workflow", "cache", "ls", "--step", "add")
			if lines := strings.Count(r.stdout, "\n"); lines != 4 || strings.Contains(r.stdout, "report") {
				t.Errorf("cache ls --step add: want a header, 2 entries and a total, got\n%s", r.stdout)
			}

			// show, by unique prefix
			rep := p.entry("r")
			r = p.ok("workflow", "cache", "show", prefix(rep.Key, es))
			for _, want := range []string{rep.Key.String(), "r (report)", "format:    text (version 1)", "verified:  size and digest match", "preview:", "  cache test", "  line 3"} {
				if !strings.Contains(r.stdout, want) {
					t.Errorf("cache show %s: no %q in\n%s", prefix(rep.Key, es), want, r.stdout)
				}
			}
			r = p.ok("workflow", "cache", "show", strings.ToUpper(p.entry("b").Key.String()))
			if !strings.Contains(r.stdout, "preview:\n  13\n") {
				t.Errorf("cache show of b: want the JSON value 13 as preview, got\n%s", r.stdout)
			}
			r = p.ok("workflow", "cache", "show", "--json", p.entry("big").Key.String()[:12])
			var shown cache.Entry
			if err := json.Unmarshal([]byte(r.stdout), &shown); err != nil || shown.Size != 200000 || shown.Format != "bytes" {
				t.Errorf("cache show --json of big: %v, %+v", err, shown)
			}
			if strings.Contains(p.ok("workflow", "cache", "show", p.entry("big").Key.String()).stdout, "preview") {
				t.Error("cache show of a bytes result shows a preview")
			}
			p.fails(ExitUsage, "workflow", "cache", "show", "abc")
			p.fails(ExitUsage, "workflow", "cache", "show", "xyzw")
			p.fails(ExitUsage, "workflow", "cache", "show")
			missing := "0000"
			for _, e := range es {
				if strings.HasPrefix(e.Key.String(), missing) {
					missing = "ffff"
				}
			}
			if r := p.fails(ExitNotFound, "workflow", "cache", "show", missing); !strings.Contains(r.stderr, "no cache entry "+missing) {
				t.Errorf("show of an unknown prefix: %v", r)
			}

			// verify
			r = p.ok("workflow", "cache", "verify")
			if !strings.Contains(r.stdout, "verified 5 entries") || !strings.Contains(r.stdout, "5 intact, 0 damaged") {
				t.Errorf("cache verify:\n%s", r.stdout)
			}
			p.fails(ExitUsage, "workflow", "cache", "verify", "--recompute")
			r = p.ok("workflow", "cache", "verify", "--recompute", "--config", cfg, "--step", "b", "--step", "r")
			if !strings.Contains(r.stdout, "recomputed 2 steps of "+cfg+": 2 identical, 0 differ") {
				t.Errorf("cache verify --recompute --step b --step r:\n%s", r.stdout)
			}
			before := p.counts()
			r = p.fails(ExitFailed, "workflow", "cache", "verify", "--recompute", "--config", cfg)
			if !strings.Contains(r.stdout, "DIFFERS step l (liar)") || !strings.Contains(r.stdout, "4 identical, 1 differ") {
				t.Errorf("cache verify --recompute: want liar caught\n%s", r)
			}
			if !strings.Contains(r.stderr, "1 step whose result changed") {
				t.Errorf("cache verify --recompute: stderr %q", r.stderr)
			}
			after := p.counts()
			wantExecs(t, after, map[string]int{"a": before["a"] + 1, "b": before["b"] + 1, "big": before["big"] + 1, "l": before["l"] + 1})
			if r := p.ok("workflow", "cache", "verify"); !strings.Contains(r.stdout, "5 intact") {
				t.Errorf("--recompute changed the cache:\n%s", r.stdout)
			}

			// rm by FP and by step
			p.ok("workflow", "cache", "rm", prefix(p.entry("a").Key, es))
			p.fails(ExitNotFound, "workflow", "cache", "rm", p.entry("b").Key.String()[:12], missing) // removes nothing
			r = p.ok("workflow", "cache", "rm", "--step", "b", "--config", cfg)
			if !strings.Contains(r.stdout, "add  b") {
				t.Errorf("cache rm --step b: %s", r.stdout)
			}
			if r := p.fails(ExitNotFound, "workflow", "cache", "rm", "--step", "b", "--config", cfg); !strings.Contains(r.stderr, "step b (add) is not cached") {
				t.Errorf("second rm --step b: %v", r)
			}
			p.fails(ExitUsage, "workflow", "cache", "rm", "--step", "b")
			p.fails(ExitUsage, "workflow", "cache", "rm", "--step", "nosuch", "--config", cfg)
			if n := len(p.entries()); n != 3 {
				t.Errorf("after removing a and b: %d entries, want 3", n)
			}
			before = p.counts()
			p.ok("workflow", "run", cfg)
			wantExecs(t, p.counts(), map[string]int{"a": before["a"] + 1, "b": before["b"] + 1, "r": before["r"], "big": before["big"]})

			// gc: a second config's run is the newest; keeping one run
			// protects only its entries.
			other := p.write("other.jsonnet", otherConfig)
			p.ok("workflow", "run", other)
			if n := len(p.entries()); n != 7 {
				t.Fatalf("%d entries, want 7", n)
			}
			p.fails(ExitUsage, "workflow", "cache", "gc", "--max-size", "12 parsecs")
			p.fails(ExitUsage, "workflow", "cache", "gc", "--older-than", "yesterday")
			r = p.ok("workflow", "cache", "gc")
			if !strings.Contains(r.stdout, "removed 0 entries (0 B) and 0 run records") {
				t.Errorf("cache gc without flags:\n%s", r.stdout)
			}
			r = p.ok("workflow", "cache", "gc", "--keep-runs", "1", "--older-than", "0s")
			for _, want := range []string{"removed entry", "  report  r  ", "  blob  big  195.3 KiB", "removed run ",
				"removed 5 entries", "and 2 run records", "pruned 1 unreferenced file (195.3 KiB freed)", "kept 2 entries that kept runs reference"} {
				if !strings.Contains(r.stdout, want) {
					t.Errorf("cache gc --keep-runs 1 --older-than 0s: no %q in\n%s", want, r.stdout)
				}
			}
			left := p.entries()
			if len(left) != 2 || left[0].StepName == left[1].StepName || (left[0].StepName != "x" && left[0].StepName != "big2") {
				t.Errorf("after gc: %+v, want the entries of x and big2", left)
			}
			if _, err := os.Stat(p.blobPath(p.entry("big2"))); err != nil {
				t.Errorf("blob of a kept entry: %v", err)
			}
			r = p.ok("workflow", "cache", "gc", "--keep-runs", "1", "--max-size", "1KiB")
			if !strings.Contains(r.stdout, "removed 0 entries") {
				t.Errorf("gc removed an entry a kept run references:\n%s", r.stdout)
			}
			p.ok("workflow", "runs", "rm", p.latestRun())
			p.ok("workflow", "cache", "show", p.entry("x").Key.String()) // x is now the most recently used
			r = p.ok("workflow", "cache", "gc", "--max-size", "1kb")
			if !strings.Contains(r.stdout, "  blob  big2  97.7 KiB") || !strings.Contains(r.stdout, "removed 1 entry (97.7 KiB)") {
				t.Errorf("cache gc --max-size 1kb:\n%s", r.stdout)
			}
			if es := p.entries(); len(es) != 1 || es[0].StepName != "x" {
				t.Errorf("after gc --max-size 1kb: %+v, want x's entry", es)
			}
		})
	}
}

func (p *cacheProject) latestRun() string {
	p.t.Helper()
	r := p.ok("workflow", "runs", "ls", "--json")
	var runs []cache.Run
	if err := json.Unmarshal([]byte(r.stdout), &runs); err != nil || len(runs) == 0 {
		p.t.Fatalf("runs ls --json: %v, %d runs", err, len(runs))
	}
	return runs[0].ID
}

const corruptConfig = `
local ref(n) = { type: 'ref', ref: n };
{
  steps: {
    r: { type: 'report', title: 'marker-%s', n: 2 },
    n: { type: 'length', text: ref('r') },
    big: { type: 'blob', size: 300000, seed: 3 },
    d: { type: 'digest', data: ref('big') },
  },
}
`

// TestCorruption damages stored entries behind formed's back: the next
// run warns and recomputes, and 'cache verify' reports the damage until
// then.
func TestCorruption(t *testing.T) {
	damage := []struct {
		name string
		step string
		do   func(t *testing.T, p *cacheProject, e cache.Entry, marker string)
	}{
		{"flip a byte of an inline body", "r", func(t *testing.T, p *cacheProject, e cache.Entry, marker string) {
			flipMarker(t, p, marker)
		}},
		{"flip a byte of a blob", "big", func(t *testing.T, p *cacheProject, e cache.Entry, _ string) {
			flipAt(t, p.blobPath(e), 1000)
		}},
		{"truncate a blob", "big", func(t *testing.T, p *cacheProject, e cache.Entry, _ string) {
			if err := os.Truncate(p.blobPath(e), e.Size-1); err != nil {
				t.Fatal(err)
			}
		}},
		{"delete a blob", "big", func(t *testing.T, p *cacheProject, e cache.Entry, _ string) {
			if err := os.Remove(p.blobPath(e)); err != nil {
				t.Fatal(err)
			}
		}},
		{"truncate an inline entry", "r", func(t *testing.T, p *cacheProject, e cache.Entry, _ string) {
			if p.kind != "filesystem" {
				t.Skip("sqlite keeps inline bodies in its database")
			}
			path := filepath.Join(p.store, "cache", "v1", "entries", e.Key.String()[:2], e.Key.String())
			fi, err := os.Stat(path)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.Truncate(path, fi.Size()-2); err != nil {
				t.Fatal(err)
			}
		}},
	}
	for _, kind := range organizerKinds {
		for i, dm := range damage {
			t.Run(kind+"/"+strings.ReplaceAll(dm.name, " ", "_"), func(t *testing.T) {
				t.Parallel()
				p := newCacheProject(t, kind)
				marker := strings.Repeat(string(rune('a'+i)), 24)
				cfg := p.write("c.jsonnet", strings.Replace(corruptConfig, "%s", marker, 1))
				first := p.ok("workflow", "run", cfg)
				e := p.entry(dm.step)
				dm.do(t, p, e, marker)

				r := p.fails(ExitFailed, "workflow", "cache", "verify")
				if !strings.Contains(r.stdout, "damaged "+e.Key.Short()) || !strings.Contains(r.stdout, "1 damaged") {
					t.Errorf("cache verify after damage:\n%v", r)
				}
				r = p.fails(ExitFailed, "workflow", "cache", "show", e.Key.String()[:8])
				if !strings.Contains(r.stderr, "is damaged") {
					t.Errorf("cache show of a damaged entry:\n%v", r)
				}

				before := p.counts()
				r = p.ok("workflow", "run", cfg)
				if !strings.Contains(r.stdout, "warning: cached result of step "+dm.step) || !strings.Contains(r.stdout, "recomputing") {
					t.Errorf("run after damage: want a warning about %s\n%v", dm.step, r)
				}
				wantExecs(t, p.counts(), map[string]int{dm.step: before[dm.step] + 1})
				// The non-cacheable readers log what they read: the same as
				// the first time.
				for _, line := range logLines(first.stdout) {
					if !strings.Contains(r.stdout, line) {
						t.Errorf("after recomputing, %q is missing from\n%s", line, r.stdout)
					}
				}
				p.ok("workflow", "cache", "verify")
				r = p.ok("workflow", "run", cfg)
				if strings.Contains(r.stdout, "warning") {
					t.Errorf("second run after damage warns:\n%s", r.stdout)
				}
			})
		}
	}
}

// logLines returns the step log lines of a run's output.
func logLines(out string) []string {
	var lines []string
	for _, l := range strings.Split(out, "\n") {
		if strings.HasPrefix(strings.TrimSpace(l), "[") {
			lines = append(lines, strings.TrimSpace(l))
		}
	}
	return lines
}

func flipAt(t *testing.T, path string, off int64) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	b := []byte{0}
	if _, err := f.ReadAt(b, off); err != nil {
		t.Fatal(err)
	}
	b[0] ^= 0x20
	if _, err := f.WriteAt(b, off); err != nil {
		t.Fatal(err)
	}
}

// flipMarker flips a byte of marker wherever the organizer's files hold
// it: the filesystem organizer's entry file, or the SQLite database (and
// its WAL, if any) where the inline body is stored.
func flipMarker(t *testing.T, p *cacheProject, marker string) {
	t.Helper()
	var files []string
	filepath.WalkDir(filepath.Dir(p.store), func(path string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasPrefix(path, p.store) && !strings.Contains(path, ".blobs") && !strings.Contains(path, "runs") {
			files = append(files, path)
		}
		return nil
	})
	flipped := 0
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for off := 0; ; {
			i := strings.Index(string(b[off:]), marker)
			if i < 0 {
				break
			}
			flipAt(t, f, int64(off+i+3))
			flipped++
			off += i + len(marker)
		}
	}
	if flipped == 0 {
		t.Fatalf("marker %q not found in %v", marker, files)
	}
}
