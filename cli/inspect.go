package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	ucli "github.com/urfave/cli/v2"

	"github.com/formed-dev/formed/cache"
	"github.com/formed-dev/formed/engine"
	"github.com/formed-dev/formed/engine/args"
	"github.com/formed-dev/formed/formats"
)

func (a *App) graphCommand(g globals) *ucli.Command {
	return &ucli.Command{
		Name:      "graph",
		Usage:     "draw the workflow's DAG, marking cached steps",
		ArgsUsage: "CONFIG",
		Flags: append(configFlags(),
			&ucli.StringFlag{Name: "format", Value: "text", Usage: "text, dot or mermaid"},
		),
		Action: func(c *ucli.Context) error {
			_, wf, o, err := a.open(c, g)
			if err != nil {
				return err
			}
			defer o.Close()
			plan, err := engine.MakePlan(c.Context, wf, o, engine.PlanOptions{})
			if err != nil {
				return err
			}
			label := func(name string) (string, bool) {
				ps, _ := plan.Step(name)
				text := fmt.Sprintf("%s (%s)", name, ps.Def.Name)
				return text, ps.Cached && !ps.Run
			}
			switch c.String("format") {
			case "text":
				for _, name := range wf.Graph.Names() {
					text, cached := label(name)
					mark := ""
					if cached {
						mark = " [cached]"
					}
					line := text + mark
					if deps := wf.Graph.Deps(name); len(deps) > 0 {
						line += " <- " + strings.Join(deps, ", ")
					}
					fmt.Fprintln(a.Stdout, line)
				}
			case "dot":
				fmt.Fprint(a.Stdout, wf.Graph.Dot(label))
			case "mermaid":
				fmt.Fprint(a.Stdout, wf.Graph.Mermaid(label))
			default:
				return usageErr("--format %q: want text, dot or mermaid", c.String("format"))
			}
			return nil
		},
	}
}

func (a *App) resultCommand(g globals) *ucli.Command {
	return &ucli.Command{
		Name:      "result",
		Usage:     "print a step's cached result without running anything",
		ArgsUsage: "CONFIG STEP",
		Flags:     configFlags(),
		Action: func(c *ucli.Context) error {
			if c.NArg() != 2 {
				return usageErr("workflow result: want CONFIG STEP, got %d arguments", c.NArg())
			}
			_, wf, o, err := a.open(c, g)
			if err != nil {
				return err
			}
			defer o.Close()
			name := c.Args().Get(1)
			plan, err := engine.MakePlan(c.Context, wf, o, engine.PlanOptions{Targets: []string{name}})
			if err != nil {
				return &exitError{code: ExitUsage, err: err}
			}
			ps, _ := plan.Step(name)
			if !ps.Cacheable {
				return notFound("step %s (%s) is not cacheable, so no result is stored", name, ps.Def.Name)
			}
			if !ps.Cached {
				return notFound("step %s is not cached (fingerprint %s); run: formed workflow run %s --step %s", name, ps.Key.Short(), c.Args().First(), name)
			}
			v, err := engine.Restore(c.Context, plan, o, name)
			if errors.Is(err, cache.ErrCorrupt) {
				return notFound("step %s: the cached result is damaged (%v); run the workflow again to recompute it", name, err)
			}
			if err != nil {
				return err
			}
			return a.printValue(v, ps.Format)
		},
	}
}

// printValue prints a result: raw for bytes and text, indented JSON when
// it encodes, else Go syntax.
func (a *App) printValue(v any, f formats.Format) error {
	switch f.Name() {
	case "bytes", "text":
		return f.Encode(a.Stdout, v)
	}
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		fmt.Fprintf(a.Stdout, "%#v\n", v)
		return nil
	}
	fmt.Fprintln(a.Stdout, string(b))
	return nil
}

func (a *App) runsCommand(g globals) *ucli.Command {
	return &ucli.Command{
		Name:  "runs",
		Usage: "list, show and remove run records",
		Subcommands: []*ucli.Command{
			{
				Name:  "ls",
				Usage: "list runs, newest first",
				Flags: []ucli.Flag{&ucli.BoolFlag{Name: "json", Usage: "print JSON"}},
				Action: func(c *ucli.Context) error {
					o, err := a.openOrganizer(g)
					if err != nil {
						return err
					}
					defer o.Close()
					runs, err := o.Runs(c.Context)
					if err != nil {
						return err
					}
					if c.Bool("json") {
						return json.NewEncoder(a.Stdout).Encode(runs)
					}
					if len(runs) == 0 {
						fmt.Fprintln(a.Stdout, "no runs recorded")
						return nil
					}
					tw := tabwriter.NewWriter(a.Stdout, 0, 4, 2, ' ', 0)
					fmt.Fprintln(tw, "ID\tSTATUS\tSTARTED\tDURATION\tSTEPS\tCONFIG")
					for _, r := range runs {
						fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", r.ID, r.Status, r.Started.Local().Format("2006-01-02 15:04:05"),
							runDuration(r), stepSummary(r), r.Config)
					}
					return tw.Flush()
				},
			},
			{
				Name:      "show",
				Usage:     "show one run: its steps, statuses, timings and logs",
				ArgsUsage: "ID (a prefix, or 'latest')",
				Flags:     []ucli.Flag{&ucli.BoolFlag{Name: "json", Usage: "print JSON"}},
				Action: func(c *ucli.Context) error {
					o, err := a.openOrganizer(g)
					if err != nil {
						return err
					}
					defer o.Close()
					r, err := findRun(c, o)
					if err != nil {
						return err
					}
					if c.Bool("json") {
						enc := json.NewEncoder(a.Stdout)
						enc.SetIndent("", "  ")
						return enc.Encode(r)
					}
					fmt.Fprintf(a.Stdout, "run %s\n  config:   %s\n  status:   %s\n  started:  %s\n  duration: %s\n  steps:    %s\n",
						r.ID, r.Config, r.Status, r.Started.Local().Format(time.RFC3339), runDuration(r), stepSummary(r))
					if r.Error != "" {
						fmt.Fprintf(a.Stdout, "  error:    %s\n", r.Error)
					}
					tw := tabwriter.NewWriter(a.Stdout, 0, 4, 2, ' ', 0)
					fmt.Fprintln(tw, "\n  STEP\tTYPE\tSTATUS\tDURATION\tFINGERPRINT\tREASON")
					for _, s := range r.Steps {
						fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t%s\t%s\n", s.Name, s.Type, s.Status, formatDuration(time.Duration(s.DurationS*float64(time.Second))), s.Key.Short(), s.Reason)
					}
					tw.Flush()
					for _, s := range r.Steps {
						if s.Error != "" || len(s.Log) > 0 {
							fmt.Fprintf(a.Stdout, "\n  %s:\n", s.Name)
							for _, l := range s.Log {
								fmt.Fprintf(a.Stdout, "    %s\n", l)
							}
							if s.Error != "" {
								fmt.Fprintf(a.Stdout, "    error: %s\n", strings.ReplaceAll(s.Error, "\n", "\n    "))
							}
						}
					}
					return nil
				},
			},
			{
				Name:      "rm",
				Usage:     "remove run records (cache entries stay; 'cache gc' removes unreferenced ones)",
				ArgsUsage: "ID...",
				Action: func(c *ucli.Context) error {
					if c.NArg() == 0 {
						return usageErr("runs rm: name at least one run ID")
					}
					o, err := a.openOrganizer(g)
					if err != nil {
						return err
					}
					defer o.Close()
					for _, id := range c.Args().Slice() {
						if err := o.RemoveRun(c.Context, id); err != nil {
							if errors.Is(err, cache.ErrNotFound) {
								return notFound("no run %s ('formed workflow runs ls' lists them)", id)
							}
							return err
						}
						fmt.Fprintf(a.Stdout, "removed run %s\n", id)
					}
					return nil
				},
			},
		},
	}
}

func (a *App) openOrganizer(g globals) (cache.Organizer, error) {
	_, o, err := a.sessionOrganizer(g)
	return o, err
}

// sessionOrganizer reads the settings and opens the organizer; the caller
// closes it.
func (a *App) sessionOrganizer(g globals) (*session, cache.Organizer, error) {
	s, err := a.session(g)
	if err != nil {
		return nil, nil, err
	}
	o, err := s.organizer()
	if err != nil {
		return nil, nil, err
	}
	return s, o, nil
}

func findRun(c *ucli.Context, o cache.Organizer) (*cache.Run, error) {
	if c.NArg() != 1 {
		return nil, usageErr("runs show: want one run ID")
	}
	id := c.Args().First()
	if r, err := o.Run(c.Context, id); err == nil {
		return r, nil
	}
	runs, err := o.Runs(c.Context)
	if err != nil {
		return nil, err
	}
	var match []string
	for _, r := range runs {
		if id == "latest" || strings.HasPrefix(r.ID, id) {
			match = append(match, r.ID)
			if id == "latest" {
				break
			}
		}
	}
	switch len(match) {
	case 0:
		return nil, notFound("no run %s ('formed workflow runs ls' lists them)", id)
	case 1:
		return o.Run(c.Context, match[0])
	default:
		return nil, usageErr("run prefix %s is ambiguous: %s", id, strings.Join(match, ", "))
	}
}

func runDuration(r *cache.Run) string {
	if r.Ended.IsZero() {
		return "-"
	}
	return formatDuration(r.Ended.Sub(r.Started))
}

func stepSummary(r *cache.Run) string {
	counts := map[string]int{}
	for _, s := range r.Steps {
		counts[s.Status]++
	}
	var parts []string
	for _, st := range []string{cache.StatusCompleted, cache.StatusCached, cache.StatusFailed, cache.StatusCanceled, cache.StatusSkipped} {
		if n := counts[st]; n > 0 {
			word := st
			if st == cache.StatusCompleted {
				word = "ran"
			}
			if st == cache.StatusSkipped {
				word = "not run"
			}
			parts = append(parts, fmt.Sprintf("%d %s", n, word))
		}
	}
	return strings.Join(parts, ", ")
}

func (a *App) stepsCommand() *ucli.Command {
	return &ucli.Command{
		Name:  "steps",
		Usage: "list the registered steps and their arguments",
		Action: func(c *ucli.Context) error {
			for _, s := range a.Registry.Steps() {
				fmt.Fprintf(a.Stdout, "%s -> %s\n", s.Name, s.Result)
				if s.Description != "" {
					fmt.Fprintf(a.Stdout, "    %s\n", s.Description)
				}
				for _, f := range args.Fields(s.Args) {
					req := "required"
					switch {
					case f.Default != "":
						req = "default " + f.Default
					case f.Optional:
						req = "optional"
					}
					fmt.Fprintf(a.Stdout, "    %-16s %-20s %s\n", f.Name, f.Type, req)
				}
			}
			ifaces := a.Registry.Interfaces()
			sort.Slice(ifaces, func(i, j int) bool { return ifaces[i].String() < ifaces[j].String() })
			for _, t := range ifaces {
				var names []string
				for _, im := range a.Registry.Impls(t) {
					names = append(names, im.Name)
				}
				fmt.Fprintf(a.Stdout, "implementations of %s: %s\n", t, strings.Join(names, ", "))
			}
			return nil
		},
	}
}
