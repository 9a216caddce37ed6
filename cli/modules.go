package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/formed-dev/formed/internal/modbuild"
	"github.com/formed-dev/formed/registry"
)

// requiredModules runs a workflow command through a binary built for the
// packages that formed.yml lists under required_modules, when this binary
// lacks some of them, and returns its exit code. It reports false when the
// command is to run here: not a workflow command, no required_modules, or
// every package linked already (a binary built for them, or a user's own
// main that imports them). A binary built for them is run with
// modbuild.BinaryEnv set to its path, so it never builds another.
func (a *App) requiredModules(ctx context.Context, g globals, args []string) (int, bool) {
	if a.Getenv(modbuild.ProbeEnv) == "1" {
		for _, p := range linkedPackages(a.Registry) {
			fmt.Fprintln(a.Stdout, p)
		}
		return ExitOK, true
	}
	if len(args) < 2 || args[1] != "workflow" {
		return 0, false
	}
	s, err := LoadSettings(g.settings)
	if err != nil || len(s.RequiredModules) == 0 {
		return 0, false // the command itself reports a settings error
	}
	missing := missingPackages(s.RequiredModules, a.Registry)
	if len(missing) == 0 {
		return 0, false
	}
	if bin := a.Getenv(modbuild.BinaryEnv); bin != "" && sameFile(bin, executable()) {
		a.printError(usageErr("required_modules: %s registers no steps in this binary, which formed built for them; delete %s and run again",
			strings.Join(missing, ", "), filepath.Dir(bin)))
		return ExitUsage, true
	}
	plan, err := modbuild.Find(modbuild.Request{Dir: s.Dir, Packages: s.RequiredModules, Getenv: a.Getenv})
	if err != nil {
		a.printError(&exitError{code: ExitUsage, err: fmt.Errorf("%s: %w", settingsName(s), err)})
		return ExitUsage, true
	}
	if !plan.Cached() {
		reason := plan.Reason()
		fmt.Fprintf(a.Stderr, "formed: building a formed binary with %s, because %s\n", strings.Join(plan.Packages, ", "), reason)
		if err := plan.Build(ctx, a.Stderr, reason); err != nil {
			if ctx.Err() != nil {
				a.printError(fmt.Errorf("building a formed binary with %s: canceled", strings.Join(plan.Packages, ", ")))
				return ExitCanceled, true
			}
			a.printError(&exitError{code: ExitUsage, err: err})
			return ExitUsage, true
		}
	}
	return a.runBinary(plan.Path, args), true
}

// runBinary runs the command args through the binary at path with this
// process's environment and streams, and returns its exit code. Main
// replaces the process (execve on Unix): the pid, signals, streams and
// exit status are then the binary's own. Elsewhere, and for an App with
// its own streams, the binary runs as a child.
func (a *App) runBinary(path string, args []string) int {
	// execve keeps duplicate variables, and the first one wins.
	env := slices.DeleteFunc(os.Environ(), func(kv string) bool { return strings.HasPrefix(kv, modbuild.BinaryEnv+"=") })
	env = append(env, modbuild.BinaryEnv+"="+path)
	if a.replace {
		err := execve(path, args, env)
		a.printError(fmt.Errorf("run %s: %w; delete %s and run again to rebuild it", path, err, filepath.Dir(path)))
		return ExitFailed
	}
	cmd := exec.Command(path, args[1:]...)
	cmd.Env = env
	cmd.Stdin, cmd.Stdout, cmd.Stderr = a.Stdin, a.Stdout, a.Stderr
	err := cmd.Run()
	var ee *exec.ExitError
	switch {
	case err == nil:
		return ExitOK
	case errors.As(err, &ee) && ee.ExitCode() >= 0:
		return ee.ExitCode()
	case errors.As(err, &ee):
		return ExitCanceled // killed by a signal
	}
	a.printError(fmt.Errorf("run %s: %w; delete %s and run again to rebuild it", path, err, filepath.Dir(path)))
	return ExitFailed
}

// linkedPackages returns the packages that registered steps or
// implementations in r, sorted.
func linkedPackages(r *registry.Registry) []string {
	set := map[string]bool{}
	for _, s := range r.Steps() {
		set[s.Package] = true
	}
	for _, t := range r.Interfaces() {
		for _, im := range r.Impls(t) {
			set[im.Package] = true
		}
	}
	out := make([]string, 0, len(set))
	for p := range set {
		out = append(out, p)
	}
	sort.Strings(out)
	return out
}

// missingPackages returns the required packages that registered nothing
// in r.
func missingPackages(required []string, r *registry.Registry) []string {
	linked := map[string]bool{}
	for _, p := range linkedPackages(r) {
		linked[p] = true
	}
	var out []string
	for _, p := range required {
		if p = strings.TrimSpace(p); p != "" && !linked[p] {
			out = append(out, p)
		}
	}
	return out
}

func settingsName(s *Settings) string {
	if s.Path == "" {
		return SettingsFile
	}
	return s.Path
}

func executable() string {
	exe, _ := os.Executable()
	return exe
}

func sameFile(a, b string) bool {
	fa, err1 := os.Stat(a)
	fb, err2 := os.Stat(b)
	return err1 == nil && err2 == nil && os.SameFile(fa, fb)
}
