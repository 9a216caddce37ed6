package engine_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/formed-dev/formed/cache"
	"github.com/formed-dev/formed/engine"
	"github.com/formed-dev/formed/engine/config"
	"github.com/formed-dev/formed/organizers/memory"

	"github.com/formed-dev/formed/registry"
)

type addArgs struct {
	A int `json:"a"`
	B int `json:"b"`
}

type mulArgs struct {
	X       float64 `json:"x"`
	Y       float64 `json:"y" jsonschema:"default=2"`
	Verbose bool    `json:"verbose,omitempty" formed:"ignore"`
}

type stats struct {
	Total int            `json:"total"`
	Parts []int          `json:"parts"`
	Named map[string]int `json:"named"`
}

type statsArgs struct {
	Values []int `json:"values"`
}

type sumArgs struct {
	Total int   `json:"total"`
	Extra []int `json:"extra,omitempty"`
}

type Shape interface{ Area() float64 }

type square struct {
	Side float64 `json:"side"`
}

func (s square) Area() float64 { return s.Side * s.Side }

type rect struct {
	W float64 `json:"w"`
	H float64 `json:"h"`
}

func (r *rect) Area() float64 { return r.W * r.H }

type areaArgs struct {
	Shape Shape `json:"shape"`
}

type fixture struct {
	reg   *registry.Registry
	calls map[string]*atomic.Int64
}

func newFixture() *fixture {
	f := &fixture{reg: registry.New(), calls: map[string]*atomic.Int64{}}
	count := func(name string) *atomic.Int64 {
		c := &atomic.Int64{}
		f.calls[name] = c
		return c
	}
	addCalls, mulCalls, statsCalls, sumCalls, areaCalls, failCalls := count("add"), count("mul"), count("stats"), count("sum"), count("area"), count("fail")
	registry.Add(f.reg, "add", func(ctx context.Context, in addArgs) (int, error) {
		addCalls.Add(1)
		return in.A + in.B, nil
	}, registry.Version("1"))
	registry.Add(f.reg, "mul", func(ctx context.Context, in mulArgs) (float64, error) {
		mulCalls.Add(1)
		return in.X * in.Y, nil
	}, registry.Version("1"))
	registry.Add(f.reg, "stats", func(ctx context.Context, in statsArgs) (stats, error) {
		statsCalls.Add(1)
		s := stats{Parts: in.Values, Named: map[string]int{}}
		for i, v := range in.Values {
			s.Total += v
			s.Named[string(rune('a'+i))] = v
		}
		return s, nil
	}, registry.Version("1"))
	registry.Add(f.reg, "sum", func(ctx context.Context, in sumArgs) (int, error) {
		sumCalls.Add(1)
		t := in.Total
		for _, e := range in.Extra {
			t += e
		}
		return t, nil
	}, registry.Version("1"))
	registry.Add(f.reg, "area", func(ctx context.Context, in areaArgs) (float64, error) {
		areaCalls.Add(1)
		return in.Shape.Area(), nil
	}, registry.Version("1"))
	registry.Add(f.reg, "fail", func(ctx context.Context, in struct{}) (int, error) {
		failCalls.Add(1)
		return 0, errors.New("boom")
	}, registry.Version("1"))
	registry.AddImpl[Shape](f.reg, "square", square{Side: 1})
	registry.AddImpl[Shape](f.reg, "rect", &rect{W: 1, H: 1})
	return f
}

func writeConfig(t *testing.T, text string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "config.jsonnet")
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func (f *fixture) run(t *testing.T, o cache.Organizer, path string, opts engine.Options) *engine.Result {
	t.Helper()
	wf, err := engine.Load(path, config.Options{}, f.reg)
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	opts.Organizer = o
	res, err := engine.Run(t.Context(), wf, opts)
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	return res
}

func (f *fixture) counts() map[string]int64 {
	out := map[string]int64{}
	for k, c := range f.calls {
		if n := c.Load(); n > 0 {
			out[k] = n
		}
	}
	return out
}

func (f *fixture) reset() {
	for _, c := range f.calls {
		c.Store(0)
	}
}

const chain = `{
  steps: {
    sum: { type: 'add', a: 1, b: 2 },
    doubled: { type: 'mul', x: { type: 'ref', ref: 'sum' } },
    st: { type: 'stats', values: [1, 2, { type: 'ref', ref: 'sum' }] },
    total: { type: 'sum', total: { type: 'ref', ref: 'st.total' }, extra: [{ type: 'ref', ref: 'st.parts.2' }, { type: 'ref', ref: 'st.named.a' }] },
  },
}`

func TestRunTwiceSecondExecutesNothing(t *testing.T) {
	f := newFixture()
	o := memory.New()
	path := writeConfig(t, chain)
	res := f.run(t, o, path, engine.Options{})
	if got, want := f.counts(), map[string]int64{"add": 1, "mul": 1, "stats": 1, "sum": 1}; !equalCounts(got, want) {
		t.Fatalf("first run calls = %v, want %v", got, want)
	}
	v, err := res.Value(t.Context(), "total")
	if err != nil {
		t.Fatal(err)
	}
	if v.(int) != 6+3+1 {
		t.Errorf("total = %v, want 10", v)
	}
	f.reset()
	res = f.run(t, o, path, engine.Options{})
	if got := f.counts(); len(got) != 0 {
		t.Errorf("second run calls = %v, want none", got)
	}
	for _, s := range res.Steps {
		if s.Status != cache.StatusCached {
			t.Errorf("second run: step %s status %s, want cached", s.Name, s.Status)
		}
	}
	// A restored value equals the computed one.
	v, err = res.Value(t.Context(), "st")
	if err != nil {
		t.Fatal(err)
	}
	if s := v.(stats); s.Total != 6 || s.Named["c"] != 3 {
		t.Errorf("restored st = %+v", s)
	}
}

func equalCounts(a, b map[string]int64) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

func TestChangeArgumentRerunsDependentsOnly(t *testing.T) {
	f := newFixture()
	o := memory.New()
	f.run(t, o, writeConfig(t, chain), engine.Options{})
	f.reset()
	changed := strings.Replace(chain, "values: [1, 2,", "values: [5, 2,", 1)
	f.run(t, o, writeConfig(t, changed), engine.Options{})
	if got, want := f.counts(), map[string]int64{"stats": 1, "sum": 1}; !equalCounts(got, want) {
		t.Errorf("calls after changing st.values = %v, want %v", got, want)
	}
}

func TestRenameStepKeepsCache(t *testing.T) {
	f := newFixture()
	o := memory.New()
	f.run(t, o, writeConfig(t, chain), engine.Options{})
	f.reset()
	renamed := strings.ReplaceAll(chain, "doubled", "twice")
	f.run(t, o, writeConfig(t, renamed), engine.Options{})
	if got := f.counts(); len(got) != 0 {
		t.Errorf("calls after renaming a step = %v, want none", got)
	}
}

func TestDefaultsAndIgnoredFieldsShareKey(t *testing.T) {
	f := newFixture()
	o := memory.New()
	f.run(t, o, writeConfig(t, `{steps: {m: {type: 'mul', x: 3}}}`), engine.Options{})
	f.reset()
	f.run(t, o, writeConfig(t, `{steps: {m: {type: 'mul', x: 3, y: 2, verbose: true}}}`), engine.Options{})
	if got := f.counts(); len(got) != 0 {
		t.Errorf("calls = %v, want none: a default written out and an ignored field must not change the key", got)
	}
}

func TestInterfaceArgument(t *testing.T) {
	f := newFixture()
	o := memory.New()
	res := f.run(t, o, writeConfig(t, `{steps: {
		a: {type: 'area', shape: {type: 'square', side: 3}},
		b: {type: 'area', shape: {type: 'rect', w: 2}},
	}}`), engine.Options{})
	for name, want := range map[string]float64{"a": 9, "b": 2} {
		v, err := res.Value(t.Context(), name)
		if err != nil {
			t.Fatal(err)
		}
		if v.(float64) != want {
			t.Errorf("%s = %v, want %v", name, v, want)
		}
	}
}

func TestTargetsAndForce(t *testing.T) {
	f := newFixture()
	o := memory.New()
	path := writeConfig(t, chain)
	f.run(t, o, path, engine.Options{Targets: []string{"doubled"}})
	if got, want := f.counts(), map[string]int64{"add": 1, "mul": 1}; !equalCounts(got, want) {
		t.Fatalf("--step doubled calls = %v, want %v", got, want)
	}
	f.reset()
	f.run(t, o, path, engine.Options{Force: []string{"sum"}, Targets: []string{"doubled"}})
	if got, want := f.counts(), map[string]int64{"add": 1}; !equalCounts(got, want) {
		t.Fatalf("--force sum calls = %v, want %v", got, want)
	}
}

func TestFailureKeepsCompletedAndResumes(t *testing.T) {
	f := newFixture()
	o := memory.New()
	path := writeConfig(t, `{steps: {
		a: {type: 'add', a: 1, b: 1},
		bad: {type: 'fail'},
		after: {type: 'mul', x: {type: 'ref', ref: 'bad'}},
		other: {type: 'add', a: 5, b: 5},
	}}`)
	wf, err := engine.Load(path, config.Options{}, f.reg)
	if err != nil {
		t.Fatal(err)
	}
	res, err := engine.Run(t.Context(), wf, engine.Options{Organizer: o})
	var se *engine.StepError
	if !errors.As(err, &se) || se.Step != "bad" {
		t.Fatalf("Run error = %v, want a StepError for bad", err)
	}
	if got, want := f.counts(), map[string]int64{"add": 1, "fail": 1}; !equalCounts(got, want) {
		t.Errorf("fail-fast calls = %v, want %v", got, want)
	}
	if res.Status != cache.StatusFailed {
		t.Errorf("status = %s, want failed", res.Status)
	}
	f.reset()
	_, err = engine.Run(t.Context(), wf, engine.Options{Organizer: o, KeepGoing: true})
	if err == nil {
		t.Fatal("keep-going run succeeded, want an error")
	}
	if got, want := f.counts(), map[string]int64{"add": 1, "fail": 1}; !equalCounts(got, want) {
		t.Errorf("keep-going calls = %v, want %v (a cached, other computed, after skipped)", got, want)
	}
}

func TestCancelStoresNothing(t *testing.T) {
	reg := registry.New()
	ctx, cancel := context.WithCancel(t.Context())
	registry.Add(reg, "slow", func(ctx context.Context, in struct{}) (int, error) {
		cancel()
		<-ctx.Done()
		return 0, ctx.Err()
	})
	wf, err := engine.Load(writeConfig(t, `{steps: {s: {type: 'slow'}}}`), config.Options{}, reg)
	if err != nil {
		t.Fatal(err)
	}
	o := memory.New()
	res, err := engine.Run(ctx, wf, engine.Options{Organizer: o})
	if !errors.Is(err, engine.ErrCanceled) {
		t.Fatalf("err = %v, want ErrCanceled", err)
	}
	if res.Status != cache.StatusCanceled || res.Steps[0].Status != cache.StatusCanceled {
		t.Errorf("status = %s/%s, want canceled", res.Status, res.Steps[0].Status)
	}
	if es, _ := o.Entries(t.Context()); len(es) != 0 {
		t.Errorf("entries after cancel = %d, want 0", len(es))
	}
	runs, _ := o.Runs(t.Context())
	if len(runs) != 1 || runs[0].Status != cache.StatusCanceled {
		t.Errorf("run records = %+v, want one canceled", runs)
	}
}

func TestNondeterministicPropagates(t *testing.T) {
	reg := registry.New()
	var n atomic.Int64
	registry.Add(reg, "rand", func(ctx context.Context, in struct{}) (int64, error) { return n.Add(1), nil }, registry.Deterministic(false))
	var m atomic.Int64
	registry.Add(reg, "use", func(ctx context.Context, in struct {
		V int64 `json:"v"`
	}) (int64, error) {
		m.Add(1)
		return in.V, nil
	})
	path := writeConfig(t, `{steps: {r: {type: 'rand'}, u: {type: 'use', v: {type: 'ref', ref: 'r'}}}}`)
	o := memory.New()
	for range 2 {
		wf, err := engine.Load(path, config.Options{}, reg)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := engine.Run(t.Context(), wf, engine.Options{Organizer: o}); err != nil {
			t.Fatal(err)
		}
	}
	if n.Load() != 2 || m.Load() != 2 {
		t.Errorf("calls rand=%d use=%d, want 2 and 2", n.Load(), m.Load())
	}
}

func newMemory() cache.Organizer { return memory.New() }

// TestStoreSizes stores results on both sides of the size up to which store
// buffers an encoding, and one whose encoding fails, which stores nothing.
func TestStoreSizes(t *testing.T) {
	reg := registry.New()
	registry.Add(reg, "blob", func(ctx context.Context, in struct {
		N int `json:"n"`
	}) ([]byte, error) {
		b := make([]byte, in.N)
		for i := range b {
			b[i] = byte(i * 7)
		}
		return b, nil
	}, registry.Format("bytes"))
	registry.Add(reg, "bad", func(ctx context.Context, in struct{}) (unencodable, error) {
		return unencodable{Pad: strings.Repeat("x", 1<<20)}, nil
	})
	path := writeConfig(t, `{steps: {small: {type: 'blob', n: 1000}, large: {type: 'blob', n: 3000000}, bad: {type: 'bad'}}}`)
	wf, err := engine.Load(path, config.Options{}, reg)
	if err != nil {
		t.Fatal(err)
	}
	o := memory.New()
	res, err := engine.Run(t.Context(), wf, engine.Options{Organizer: o, KeepGoing: true})
	var se *engine.StepError
	if !errors.As(err, &se) || se.Step != "bad" || !strings.Contains(err.Error(), "cannot encode") {
		t.Errorf("Run error = %v, want step bad failing to encode", err)
	}
	for _, name := range []string{"small", "large"} {
		ps, _ := res.Plan.Step(name)
		_, body, err := cache.ReadAll(t.Context(), o, ps.Key)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		v, _ := res.Value(t.Context(), name)
		if want := v.([]byte); string(body) != string(want) {
			t.Errorf("%s: stored %d bytes, want the %d of the result", name, len(body), len(want))
		}
	}
	if ps, _ := res.Plan.Step("bad"); ps != nil {
		if _, err := o.Stat(t.Context(), ps.Key); !errors.Is(err, cache.ErrNotFound) {
			t.Errorf("bad: Stat = %v, want ErrNotFound after a failed encode", err)
		}
	}
}

// unencodable fails to encode as JSON.
type unencodable struct {
	Pad string  `json:"pad"`
	Bad badJSON `json:"bad"`
}

type badJSON struct{}

func (badJSON) MarshalJSON() ([]byte, error) { return nil, errors.New("cannot encode") }
