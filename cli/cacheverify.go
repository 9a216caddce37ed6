package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strconv"
	"strings"

	ucli "github.com/urfave/cli/v2"

	"github.com/formed-dev/formed/cache"
	"github.com/formed-dev/formed/engine"
)

func (a *App) cacheVerifyCommand(g globals) *ucli.Command {
	return &ucli.Command{
		Name:  "verify",
		Usage: "check every entry's size and digest; with --recompute, rerun a config's steps and compare",
		Description: "verify reads every entry to the end and reports those whose body does not match\n" +
			"its recorded size and digest. With --recompute --config CONFIG it also runs each of\n" +
			"the config's cached deterministic steps again, in memory, on its stored inputs, and\n" +
			"reports any whose result differs from the stored one: a step that claims to be\n" +
			"deterministic and is not. Exit status 1 when anything was found.",
		Flags: append(configFlags(),
			&ucli.BoolFlag{Name: "recompute", Usage: "rerun the cached deterministic steps of --config and compare results"},
			&ucli.StringFlag{Name: "config", Usage: "the `CONFIG` whose steps --recompute reruns"},
			&ucli.StringSliceFlag{Name: "step", Usage: "with --recompute, rerun only `NAME` (repeatable)"},
		),
		Action: func(c *ucli.Context) error {
			if c.NArg() > 0 {
				return usageErr("cache verify takes no arguments (the config goes in --config)")
			}
			if c.Bool("recompute") && c.String("config") == "" {
				return usageErr("cache verify --recompute needs --config CONFIG: steps are rerun with a config's arguments")
			}
			if !c.Bool("recompute") && (c.String("config") != "" || len(c.StringSlice("step")) > 0) {
				return usageErr("cache verify: --config and --step go with --recompute")
			}
			s, o, err := a.sessionOrganizer(g)
			if err != nil {
				return err
			}
			defer o.Close()
			damaged, err := a.verifyEntries(c.Context, o)
			if err != nil {
				return err
			}
			differs := 0
			if c.Bool("recompute") {
				if differs, err = a.recompute(c, s, o); err != nil {
					return err
				}
			}
			if damaged+differs > 0 {
				var parts []string
				if damaged > 0 {
					parts = append(parts, plural(damaged, "damaged entry", "damaged entries"))
				}
				if differs > 0 {
					parts = append(parts, plural(differs, "step whose result changed when recomputed", "steps whose results changed when recomputed"))
				}
				return &exitError{code: ExitFailed, err: fmt.Errorf("cache verify found %s", strings.Join(parts, " and "))}
			}
			return nil
		},
	}
}

// verifyEntries reads every entry to the end and reports the damaged ones.
func (a *App) verifyEntries(ctx context.Context, o cache.Organizer) (damaged int, err error) {
	keys, err := allKeys(ctx, o)
	if err != nil {
		return 0, err
	}
	// Damaged entries have no readable metadata; run records may say
	// which step they belonged to.
	steps := map[cache.Key]string{}
	if runs, err := o.Runs(ctx); err == nil {
		for _, r := range runs {
			for _, s := range r.Steps {
				if _, ok := steps[s.Key]; !ok {
					steps[s.Key] = s.Name + " (" + s.Type + ")"
				}
			}
		}
	}
	var ok int
	var size int64
	for _, k := range keys {
		n, err := verifyEntry(ctx, o, k)
		switch {
		case errors.Is(err, cache.ErrNotFound):
			continue // removed meanwhile
		case errors.Is(err, cache.ErrCorrupt):
			damaged++
			fmt.Fprintf(a.Stdout, "damaged %s  %s: %v\n", k.Short(), orDash(steps[k]), err)
		case err != nil:
			return damaged, err
		default:
			ok++
			size += n
		}
	}
	fmt.Fprintf(a.Stdout, "verified %s (%s): %d intact, %d damaged\n", plural(ok+damaged, "entry", "entries"), formatSize(size), ok, damaged)
	if damaged > 0 {
		fmt.Fprintln(a.Stdout, "damaged entries are misses: the next run that needs one recomputes it ('formed workflow cache rm FP' removes one now)")
	}
	return damaged, nil
}

func verifyEntry(ctx context.Context, o cache.Organizer, k cache.Key) (int64, error) {
	_, rc, err := o.Open(ctx, k)
	if err != nil {
		return 0, err
	}
	defer rc.Close()
	return io.Copy(io.Discard, rc)
}

// recompute reruns the cached deterministic steps of --config and reports
// those whose result differs from the stored one.
func (a *App) recompute(c *ucli.Context, s *session, o cache.Organizer) (differs int, err error) {
	only := c.StringSlice("step")
	plan, err := s.planConfig(c, o, only)
	if err != nil {
		return 0, err
	}
	want := map[string]bool{}
	for _, n := range only {
		want[n] = true
	}
	ctx := c.Context
	var same, skipped int
	for _, ps := range plan.Steps {
		if len(want) > 0 && !want[ps.Name] {
			continue
		}
		if !ps.Cacheable || !ps.Def.Deterministic || !ps.Cached {
			continue
		}
		label := fmt.Sprintf("step %s (%s) %s", ps.Name, ps.Def.Name, ps.Key.Short())
		_, stored, err := cache.ReadAll(ctx, o, ps.Key)
		if err != nil {
			skipped++
			fmt.Fprintf(a.Stdout, "skipped %s: stored result unreadable: %v\n", label, err)
			continue
		}
		got, err := engine.Recompute(ctx, plan, o, ps.Name)
		if err != nil {
			if ctx.Err() != nil {
				return differs, ctx.Err()
			}
			if errors.Is(err, engine.ErrInputNotStored) || errors.Is(err, cache.ErrCorrupt) {
				skipped++
				fmt.Fprintf(a.Stdout, "skipped %s: %v\n", label, err)
				continue
			}
			differs++
			fmt.Fprintf(a.Stdout, "FAILED  %s: it was stored, but failed when recomputed: %v\n", label, err)
			continue
		}
		if bytes.Equal(got, stored) {
			same++
			continue
		}
		if equalValues(ps, got, stored) {
			same++
			fmt.Fprintf(a.Stdout, "note    %s: same value, different encoding (%s)\n", label, ps.Format.Name())
			continue
		}
		differs++
		fmt.Fprintf(a.Stdout, "DIFFERS %s: stored %d bytes (digest %s), recomputed %d bytes (digest %s)%s\n", label,
			len(stored), cache.DigestOf(stored).String()[:12], len(got), cache.DigestOf(got).String()[:12], firstDiff(ps, stored, got))
	}
	fmt.Fprintf(a.Stdout, "recomputed %s of %s: %d identical, %d differ", plural(same+differs, "step", "steps"), c.String("config"), same, differs)
	if skipped > 0 {
		fmt.Fprintf(a.Stdout, ", %d skipped", skipped)
	}
	fmt.Fprintln(a.Stdout)
	if differs > 0 {
		fmt.Fprintln(a.Stdout, "a step whose result differs is not deterministic: fix it, or register it with registry.Deterministic(false)")
	}
	return differs, nil
}

// equalValues reports whether two encodings of ps's result decode to
// equal values (gob, for one, encodes maps in no fixed order).
func equalValues(ps *engine.PlanStep, a, b []byte) bool {
	va, err := ps.Format.Decode(bytes.NewReader(a), ps.Def.Result)
	if err != nil {
		return false
	}
	vb, err := ps.Format.Decode(bytes.NewReader(b), ps.Def.Result)
	if err != nil {
		return false
	}
	return reflect.DeepEqual(va, vb)
}

// firstDiff describes where two text encodings first differ.
func firstDiff(ps *engine.PlanStep, a, b []byte) string {
	if f := ps.Format.Name(); f != "json" && f != "text" {
		return ""
	}
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	excerpt := func(p []byte) string {
		end := min(len(p), i+24)
		return strconv.Quote(string(p[i:end]))
	}
	return fmt.Sprintf("; first difference at byte %d: stored %s, recomputed %s", i, excerpt(a), excerpt(b))
}
