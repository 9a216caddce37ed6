package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"text/tabwriter"
	"time"
	"unicode/utf8"

	ucli "github.com/urfave/cli/v2"

	"github.com/formed-dev/formed/cache"
	"github.com/formed-dev/formed/engine"
)

// minPrefix is the shortest fingerprint prefix the cache commands accept.
const minPrefix = 4

// inlineLimit is the persistent organizers' limit (ondisk.InlineLimit) past
// which a body lives in a file of its own, which only a prune removes.
const inlineLimit = 64 << 10

func (a *App) cacheCommand(g globals) *ucli.Command {
	return &ucli.Command{
		Name:  "cache",
		Usage: "list, show, remove, collect and verify cache entries",
		Description: "FP is a step fingerprint as shown by 'cache ls' or 'run', or a unique prefix of\n" +
			"at least 4 hex digits.",
		Subcommands: []*ucli.Command{
			a.cacheLsCommand(g),
			a.cacheShowCommand(g),
			a.cacheRmCommand(g),
			a.cacheGCCommand(g),
			a.cacheVerifyCommand(g),
		},
	}
}

func (a *App) cacheLsCommand(g globals) *ucli.Command {
	return &ucli.Command{
		Name:  "ls",
		Usage: "list cache entries: fingerprint, step type, size, created, last used",
		Flags: []ucli.Flag{
			&ucli.StringFlag{Name: "step", Usage: "list only entries of step `TYPE`"},
			&ucli.BoolFlag{Name: "json", Usage: "print JSON"},
		},
		Action: func(c *ucli.Context) error {
			if c.NArg() > 0 {
				return usageErr("cache ls takes no arguments (did you mean 'cache show %s'?)", c.Args().First())
			}
			o, err := a.openOrganizer(g)
			if err != nil {
				return err
			}
			defer o.Close()
			entries, err := o.Entries(c.Context)
			if err != nil {
				return err
			}
			total := len(entries)
			if t := c.String("step"); t != "" {
				kept := entries[:0]
				for _, e := range entries {
					if e.StepType == t {
						kept = append(kept, e)
					}
				}
				entries = kept
			}
			if c.Bool("json") {
				if entries == nil {
					entries = []cache.Entry{}
				}
				return json.NewEncoder(a.Stdout).Encode(entries)
			}
			if len(entries) == 0 {
				if c.String("step") != "" {
					fmt.Fprintf(a.Stdout, "no cache entries of step type %s\n", c.String("step"))
				} else {
					fmt.Fprintln(a.Stdout, "no cache entries")
				}
			} else {
				var size int64
				tw := tabwriter.NewWriter(a.Stdout, 0, 4, 2, ' ', 0)
				fmt.Fprintln(tw, "FINGERPRINT\tSTEP TYPE\tSTEP\tSIZE\tCREATED\tLAST USED")
				for _, e := range entries {
					size += e.Size
					fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", e.Key.Short(), e.StepType, orDash(e.StepName), formatSize(e.Size),
						formatTime(e.Created), formatTime(e.LastUsed))
				}
				tw.Flush()
				fmt.Fprintf(a.Stdout, "%d entries, %s\n", len(entries), formatSize(size))
			}
			if kl, ok := o.(cache.KeyLister); ok {
				if keys, err := kl.Keys(c.Context); err == nil && len(keys) > total {
					fmt.Fprintf(a.Stderr, "formed: %d damaged entries not listed; 'formed workflow cache verify' reports them\n", len(keys)-total)
				}
			}
			return nil
		},
	}
}

// previewBytes and previewLines bound the preview of a text result.
const (
	previewBytes = 2 << 10
	previewLines = 20
	// verifyLimit is the largest body 'cache show' reads to the end to
	// verify it.
	verifyLimit = 256 << 20
)

func (a *App) cacheShowCommand(g globals) *ucli.Command {
	return &ucli.Command{
		Name:      "show",
		Usage:     "show a cache entry's metadata and, for text formats, a preview",
		ArgsUsage: "FP",
		Flags:     []ucli.Flag{&ucli.BoolFlag{Name: "json", Usage: "print the metadata as JSON"}},
		Action: func(c *ucli.Context) error {
			if c.NArg() != 1 {
				return usageErr("cache show: want one FP, got %d arguments", c.NArg())
			}
			o, err := a.openOrganizer(g)
			if err != nil {
				return err
			}
			defer o.Close()
			key, err := resolveKey(c.Context, o, c.Args().First())
			if err != nil {
				return err
			}
			e, err := o.Stat(c.Context, key)
			if err != nil {
				return entryErr(key, err)
			}
			if c.Bool("json") {
				enc := json.NewEncoder(a.Stdout)
				enc.SetIndent("", "  ")
				return enc.Encode(e)
			}
			step := e.StepType
			if e.StepName != "" {
				step = e.StepName + " (" + e.StepType + ")"
			}
			fmt.Fprintf(a.Stdout, "entry %s\n  step:      %s\n  result:    %s\n  format:    %s (version %s)\n  size:      %s (%d bytes)\n  digest:    %s\n  created:   %s\n  last used: %s\n",
				e.Key, step, orDash(e.ResultType), e.Format, e.FormatVersion, formatSize(e.Size), e.Size, e.Digest,
				formatTime(e.Created), formatTime(e.LastUsed))
			if runs, err := o.Runs(c.Context); err == nil {
				var ids []string
				for _, r := range runs {
					if storedBy(r, key) {
						ids = append(ids, r.ID)
					}
				}
				if len(ids) > 0 {
					fmt.Fprintf(a.Stdout, "  runs:      %d reference it, newest %s\n", len(ids), ids[0])
				}
			}
			if e.Size > verifyLimit && e.Format != "json" && e.Format != "text" {
				fmt.Fprintln(a.Stdout, "  verified:  not read ('formed workflow cache verify' reads every entry)")
				return nil
			}
			head, err := readHead(c.Context, o, key, e.Size <= verifyLimit)
			if err != nil {
				if errors.Is(err, cache.ErrCorrupt) {
					return &exitError{code: ExitFailed, err: fmt.Errorf("entry %s is damaged: %v\nrun the workflow again to recompute it, or remove it: formed workflow cache rm %s", key.Short(), err, key.Short())}
				}
				return err
			}
			if e.Size <= verifyLimit {
				fmt.Fprintln(a.Stdout, "  verified:  size and digest match")
			}
			if e.Format == "json" || e.Format == "text" {
				a.printPreview(e, head)
			}
			return nil
		},
	}
}

// readHead reads the first previewBytes+1 bytes of key's body, and the
// rest of it too when all is set, so that its digest is checked.
func readHead(ctx context.Context, o cache.Organizer, key cache.Key, all bool) ([]byte, error) {
	_, rc, err := o.Open(ctx, key)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	head := make([]byte, previewBytes+1)
	n, err := io.ReadFull(rc, head)
	head = head[:n]
	switch {
	case err == io.EOF || err == io.ErrUnexpectedEOF:
		return head, nil
	case err != nil:
		return nil, err
	}
	if all {
		if _, err := io.Copy(io.Discard, rc); err != nil {
			return nil, err
		}
	}
	return head, nil
}

func (a *App) printPreview(e cache.Entry, head []byte) {
	truncated := int64(len(head)) < e.Size || len(head) > previewBytes
	if len(head) > previewBytes {
		head = head[:previewBytes]
	}
	if e.Format == "json" && !truncated {
		var buf bytes.Buffer
		if json.Indent(&buf, head, "", "  ") == nil {
			head = buf.Bytes()
		}
	}
	for len(head) > 0 && !utf8.Valid(head) {
		head = head[:len(head)-1] // cut a character split by the limit
	}
	lines := strings.Split(strings.TrimRight(string(head), "\n"), "\n")
	if len(lines) > previewLines {
		lines, truncated = lines[:previewLines], true
	}
	fmt.Fprintln(a.Stdout, "preview:")
	for _, l := range lines {
		fmt.Fprintf(a.Stdout, "  %s\n", l)
	}
	if truncated {
		fmt.Fprintf(a.Stdout, "  … (%s in all)\n", formatSize(e.Size))
	}
}

func (a *App) cacheRmCommand(g globals) *ucli.Command {
	return &ucli.Command{
		Name:      "rm",
		Usage:     "remove cache entries, by fingerprint or by the step of a config they belong to",
		ArgsUsage: "[FP...]",
		Flags: append(configFlags(),
			&ucli.StringSliceFlag{Name: "step", Usage: "remove the entry of config step `NAME` (repeatable; needs --config)"},
			&ucli.StringFlag{Name: "config", Usage: "the `CONFIG` whose steps --step names"},
		),
		Action: func(c *ucli.Context) error {
			steps := c.StringSlice("step")
			if c.NArg() == 0 && len(steps) == 0 {
				return usageErr("cache rm: name at least one FP, or --step NAME --config CONFIG")
			}
			if len(steps) > 0 && c.String("config") == "" {
				return usageErr("cache rm: --step needs --config CONFIG, the config the step belongs to")
			}
			s, o, err := a.sessionOrganizer(g)
			if err != nil {
				return err
			}
			defer o.Close()
			// Resolve everything before removing anything, so a typo
			// removes nothing.
			var keys []cache.Key
			for _, arg := range c.Args().Slice() {
				k, err := resolveKey(c.Context, o, arg)
				if err != nil {
					return err
				}
				keys = append(keys, k)
			}
			if len(steps) > 0 {
				plan, err := s.planConfig(c, o, steps)
				if err != nil {
					return err
				}
				for _, name := range steps {
					ps, _ := plan.Step(name)
					if err := storedStep(ps); err != nil {
						return err
					}
					if !ps.Cached && ps.Damaged == nil {
						return notFound("step %s (%s) is not cached (fingerprint %s): nothing to remove", name, ps.Def.Name, ps.Key.Short())
					}
					keys = append(keys, ps.Key)
				}
			}
			large := false
			for _, k := range keys {
				e, statErr := o.Stat(c.Context, k)
				if err := o.Remove(c.Context, k); err != nil {
					if errors.Is(err, cache.ErrNotFound) {
						fmt.Fprintf(a.Stdout, "%s was already gone\n", k.Short())
						continue
					}
					return err
				}
				if statErr != nil {
					fmt.Fprintf(a.Stdout, "removed %s (damaged)\n", k.Short())
					continue
				}
				fmt.Fprintf(a.Stdout, "removed %s  %s  %s  %s\n", k.Short(), e.StepType, orDash(e.StepName), formatSize(e.Size))
				large = large || e.Size > inlineLimit
			}
			if large {
				fmt.Fprintln(a.Stdout, "the files of large bodies are freed by the next 'formed workflow cache gc'")
			}
			return nil
		},
	}
}

// storedStep says why ps can have no entry of its own, or nil.
func storedStep(ps *engine.PlanStep) error {
	switch {
	case !ps.Cacheable:
		return usageErr("step %s (%s) is not cacheable: no result of it is stored", ps.Name, ps.Def.Name)
	case !ps.Def.Deterministic:
		return usageErr("step %s (%s) is not deterministic: its fingerprint changes every run, so no entry belongs to it; remove its entries by FP ('formed workflow cache ls --step %s')",
			ps.Name, ps.Def.Name, ps.Def.Name)
	}
	return nil
}

// planConfig loads the config named by --config and plans the given
// steps (all when none) against o.
func (s *session) planConfig(c *ucli.Context, o cache.Organizer, targets []string) (*engine.Plan, error) {
	opts, err := s.configOptions(c)
	if err != nil {
		return nil, err
	}
	wf, err := engine.Load(c.String("config"), opts, s.app.Registry)
	if err != nil {
		return nil, &exitError{code: ExitUsage, err: err}
	}
	plan, err := engine.MakePlan(c.Context, wf, o, engine.PlanOptions{Targets: targets})
	if err != nil {
		return nil, &exitError{code: ExitUsage, err: err}
	}
	return plan, nil
}

func (a *App) cacheGCCommand(g globals) *ucli.Command {
	return &ucli.Command{
		Name:  "gc",
		Usage: "remove old run records and entries, then unreferenced files; entries of kept runs stay",
		Description: "Without flags, gc only removes files that no entry references (blobs of removed\n" +
			"entries, leftovers of killed runs). Run it when no workflow is running: a run\n" +
			"that starts meanwhile does not protect its entries yet.",
		Flags: []ucli.Flag{
			&ucli.StringFlag{Name: "older-than", Usage: "remove entries last used more than `DUR` ago (e.g. 36h, 30d)"},
			&ucli.IntFlag{Name: "keep-runs", Usage: "keep only the newest `N` run records (0 keeps all)"},
			&ucli.StringFlag{Name: "max-size", Usage: "remove least recently used entries until the rest fit in `SIZE` (e.g. 500MB, 1GiB)"},
		},
		Action: func(c *ucli.Context) error {
			if c.NArg() > 0 {
				return usageErr("cache gc takes no arguments, only flags")
			}
			var p cache.Policy
			var err error
			if v := c.String("older-than"); v != "" {
				if p.OlderThan, err = parseAge(v); err != nil {
					return usageErr("--older-than: %v", err)
				}
				// In a Policy zero means no limit; asked for, it means all.
				p.OlderThan = max(p.OlderThan, time.Nanosecond)
			}
			if v := c.String("max-size"); v != "" {
				if p.MaxSize, err = parseSize(v); err != nil {
					return usageErr("--max-size: %v", err)
				}
			}
			if p.KeepRuns = c.Int("keep-runs"); p.KeepRuns < 0 {
				return usageErr("--keep-runs %d: want 0 (keep all) or more", p.KeepRuns)
			}
			o, err := a.openOrganizer(g)
			if err != nil {
				return err
			}
			defer o.Close()
			ctx := c.Context
			beforeE, err := o.Entries(ctx)
			if err != nil {
				return err
			}
			beforeR, err := o.Runs(ctx)
			if err != nil {
				return err
			}
			rep, err := cache.GC(ctx, o, p)
			if err != nil {
				return err
			}
			// GC reports counts; the lists of what went come from the
			// difference.
			afterE, _ := o.Entries(ctx)
			afterR, _ := o.Runs(ctx)
			left := map[cache.Key]bool{}
			for _, e := range afterE {
				left[e.Key] = true
			}
			for _, e := range beforeE {
				if !left[e.Key] {
					fmt.Fprintf(a.Stdout, "removed entry %s  %s  %s  %s\n", e.Key.Short(), e.StepType, orDash(e.StepName), formatSize(e.Size))
				}
			}
			leftR := map[string]bool{}
			for _, r := range afterR {
				leftR[r.ID] = true
			}
			for _, r := range beforeR {
				if !leftR[r.ID] {
					fmt.Fprintf(a.Stdout, "removed run %s\n", r.ID)
				}
			}
			fmt.Fprintf(a.Stdout, "gc: removed %s (%s) and %s; pruned %s (%s freed)",
				plural(rep.Entries, "entry", "entries"), formatSize(rep.Bytes), plural(rep.Runs, "run record", "run records"),
				plural(rep.Pruned.Files, "unreferenced file", "unreferenced files"), formatSize(rep.Pruned.Bytes))
			if rep.Protected > 0 {
				fmt.Fprintf(a.Stdout, "; kept %s that kept runs reference", plural(rep.Protected, "entry", "entries"))
			}
			if rep.Damaged > 0 {
				fmt.Fprintf(a.Stdout, "; removed %s", plural(rep.Damaged, "damaged entry", "damaged entries"))
			}
			fmt.Fprintln(a.Stdout)
			return nil
		},
	}
}

// allKeys lists every entry's key: damaged ones too when the organizer can.
func allKeys(ctx context.Context, o cache.Organizer) ([]cache.Key, error) {
	if kl, ok := o.(cache.KeyLister); ok {
		return kl.Keys(ctx)
	}
	entries, err := o.Entries(ctx)
	if err != nil {
		return nil, err
	}
	keys := make([]cache.Key, len(entries))
	for i, e := range entries {
		keys[i] = e.Key
	}
	return keys, nil
}

// resolveKey turns FP, a full fingerprint or a unique prefix of at least
// minPrefix hex digits, into the key of an existing (perhaps damaged)
// entry.
func resolveKey(ctx context.Context, o cache.Organizer, fp string) (cache.Key, error) {
	p := strings.ToLower(fp)
	if len(p) < minPrefix || len(p) > 2*cache.Size {
		return cache.Key{}, usageErr("fingerprint %q: want a fingerprint or a prefix of %d to %d hex digits ('formed workflow cache ls' lists them)", fp, minPrefix, 2*cache.Size)
	}
	if strings.Trim(p, "0123456789abcdef") != "" {
		return cache.Key{}, usageErr("fingerprint %q: not hexadecimal", fp)
	}
	keys, err := allKeys(ctx, o)
	if err != nil {
		return cache.Key{}, err
	}
	var match []cache.Key
	for _, k := range keys {
		if strings.HasPrefix(k.String(), p) {
			match = append(match, k)
		}
	}
	switch len(match) {
	case 0:
		return cache.Key{}, notFound("no cache entry %s ('formed workflow cache ls' lists them)", fp)
	case 1:
		return match[0], nil
	}
	sort.Slice(match, func(i, j int) bool { return bytes.Compare(match[i][:], match[j][:]) < 0 })
	names := make([]string, 0, len(match))
	for i, k := range match {
		if i == 5 {
			names = append(names, fmt.Sprintf("and %d more", len(match)-5))
			break
		}
		desc := k.String()[:max(12, len(p)+2)]
		if e, err := o.Stat(ctx, k); err == nil {
			desc += " (" + e.StepType + ")"
		}
		names = append(names, desc)
	}
	return cache.Key{}, usageErr("fingerprint prefix %s is ambiguous: it matches %s; give more digits", fp, strings.Join(names, ", "))
}

// entryErr turns an organizer error about key into one for the user.
func entryErr(key cache.Key, err error) error {
	switch {
	case errors.Is(err, cache.ErrNotFound):
		return notFound("no cache entry %s ('formed workflow cache ls' lists them)", key.Short())
	case errors.Is(err, cache.ErrCorrupt):
		return &exitError{code: ExitFailed, err: fmt.Errorf("entry %s is damaged: %v\nrun the workflow again to recompute it, or remove it: formed workflow cache rm %s", key.Short(), err, key.Short())}
	}
	return err
}

func storedBy(r *cache.Run, key cache.Key) bool {
	for _, s := range r.Steps {
		if s.Stored && s.Key == key {
			return true
		}
	}
	return false
}
