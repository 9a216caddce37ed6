package cli

import (
	"errors"
	"fmt"
	"strings"

	ucli "github.com/urfave/cli/v2"

	"github.com/formed-dev/formed/engine"
)

func (a *App) runCommand(g globals) *ucli.Command {
	return &ucli.Command{
		Name:      "run",
		Usage:     "run a workflow, computing only what the cache does not hold",
		ArgsUsage: "CONFIG",
		Flags: append(configFlags(),
			&ucli.StringSliceFlag{Name: "step", Aliases: []string{"s"}, Usage: "run only `STEP` and its dependencies (repeatable)"},
			&ucli.StringSliceFlag{Name: "force", Aliases: []string{"f"}, Usage: "recompute `STEP` even if cached (repeatable)"},
			&ucli.BoolFlag{Name: "dry-run", Aliases: []string{"n"}, Usage: "show the plan: which steps are cached and why the others would run"},
			&ucli.BoolFlag{Name: "explain", Usage: "with the plan, show where each step's code version came from"},
			&ucli.BoolFlag{Name: "keep-going", Aliases: []string{"k"}, Usage: "after a failure, finish the branches that do not depend on it"},
			&ucli.BoolFlag{Name: "json", Usage: "print one JSON object per event on stdout"},
			&ucli.StringFlag{Name: "log-level", Usage: "lowest step log `LEVEL` shown: debug, info, warn, error"},
		),
		Action: func(c *ucli.Context) error {
			s, wf, o, err := a.open(c, g)
			if err != nil {
				return err
			}
			defer o.Close()
			level, err := s.logLevel(c)
			if err != nil {
				return err
			}
			plan, err := engine.MakePlan(c.Context, wf, o, engine.PlanOptions{Targets: c.StringSlice("step"), Force: c.StringSlice("force")})
			if err != nil {
				return &exitError{code: ExitUsage, err: err}
			}
			if c.Bool("dry-run") {
				return a.printPlan(c, plan, c.Bool("explain"))
			}
			if c.Bool("explain") {
				a.printCodeSources(plan)
			}
			opts := engine.Options{Organizer: o, KeepGoing: c.Bool("keep-going"), LogLevel: level}
			if c.Bool("json") {
				opts.Callbacks = append(opts.Callbacks, jsonEvents(a.Stdout))
			} else {
				color := a.TTY && a.Getenv("NO_COLOR") == "" && a.Getenv("TERM") != "dumb"
				opts.Callbacks = append(opts.Callbacks, newDisplay(a.Stdout, a.TTY, color, plan).callback)
			}
			res, err := engine.Execute(c.Context, plan, opts)
			switch {
			case errors.Is(err, engine.ErrCanceled):
				return &exitError{code: ExitCanceled, err: fmt.Errorf("run %s canceled; completed steps are cached, run again to resume", res.RunID)}
			case err != nil && res != nil && len(res.Errors) > 0:
				names := make([]string, len(res.Errors))
				for i, e := range res.Errors {
					names[i] = e.Step
				}
				detail := ""
				if c.Bool("json") {
					// The display has shown the errors already.
					detail = ": " + errors.Join(errorsOf(res.Errors)...).Error()
				}
				return &exitError{code: ExitFailed, err: fmt.Errorf("run %s failed at step %s%s\ncompleted steps are cached; fix the problem and run again to resume (details: formed workflow runs show %s)",
					res.RunID, strings.Join(names, ", "), detail, res.RunID)}
			case err != nil:
				return err
			}
			return nil
		},
	}
}

func errorsOf(es []*engine.StepError) []error {
	out := make([]error, len(es))
	for i, e := range es {
		out[i] = e.Err
	}
	return out
}

func (a *App) printPlan(c *ucli.Context, plan *engine.Plan, explain bool) error {
	w, tw := 0, 0
	for _, s := range plan.Steps {
		w, tw = max(w, len(s.Name)), max(tw, len(s.Def.Name))
	}
	run := 0
	for _, s := range plan.Steps {
		status := "cached"
		if s.Run {
			status = "will run: " + s.Reason
			run++
		}
		line := fmt.Sprintf("  %-*s  %-*s  %s  %s", w, s.Name, tw, s.Def.Name, s.Key.Short(), status)
		if explain {
			line += fmt.Sprintf("  [code %s]", codeSource(s.Step))
		}
		fmt.Fprintln(a.Stdout, line)
	}
	fmt.Fprintf(a.Stdout, "plan: %d of %d steps would run, %d cached\n", run, len(plan.Steps), len(plan.Steps)-run)
	return nil
}

func (a *App) printCodeSources(plan *engine.Plan) {
	for _, s := range plan.Steps {
		fmt.Fprintf(a.Stdout, "  code %s: %s\n", s.Name, codeSource(s.Step))
	}
}

func codeSource(s *engine.Step) string {
	v := s.CodeVersion
	if len(v) > 12 {
		v = v[:12]
	}
	if v == "" {
		v = "-"
	}
	return fmt.Sprintf("version %s from %s", v, engine.CodeDetail(s))
}

func (a *App) checkCommand(g globals) *ucli.Command {
	return &ucli.Command{
		Name:      "check",
		Usage:     "check a config without running it: types, arguments, refs, cycles",
		ArgsUsage: "CONFIG",
		Flags:     configFlags(),
		Action: func(c *ucli.Context) error {
			s, err := a.session(g)
			if err != nil {
				return err
			}
			wf, err := s.load(c)
			if err != nil {
				return err
			}
			fmt.Fprintf(a.Stdout, "%s: ok, %d steps\n", c.Args().First(), len(wf.Steps))
			return nil
		},
	}
}
