// Package cli is the formed command: flags, printing and exit codes around
// the engine. A user's own main can blank-import their step packages and
// call Main to get every formed command with their steps:
//
//	import (
//		_ "example.com/me/mysteps"
//		"github.com/formed-dev/formed/cli"
//	)
//
//	func main() { os.Exit(cli.Main()) }
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"
	"syscall"

	ucli "github.com/urfave/cli/v2"
	"golang.org/x/term"

	// The built-in steps: CWL tools, workflows, payloads, submission, runs.
	_ "github.com/formed-dev/formed/cwl/steps"
	"github.com/formed-dev/formed/engine"
	"github.com/formed-dev/formed/engine/config"
	"github.com/formed-dev/formed/registry"
)

// App is one invocation's environment. Tests build one with their own
// streams; Main uses the process's.
type App struct {
	Stdin          io.Reader
	Stdout, Stderr io.Writer
	// Registry holds the steps; nil means registry.Default.
	Registry *registry.Registry
	// TTY reports whether Stdout is a terminal (live status, colour).
	TTY bool
	// Getenv reads the environment; nil means os.Getenv.
	Getenv func(string) string

	// replace makes a workflow command that needs a binary built for
	// required_modules replace the process with it (Main, on Unix).
	replace bool
}

// Main runs the formed command on os.Args with the process's streams and
// signal handling, and returns the exit code.
func Main() int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() {
		<-ctx.Done()
		stop() // a second signal kills at once
	}()
	a := &App{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr, TTY: term.IsTerminal(int(os.Stdout.Fd())), replace: canExec}
	return a.Run(ctx, os.Args)
}

// Run runs the command line args (args[0] is the program name) and returns
// the exit code. Errors are printed to Stderr.
func (a *App) Run(ctx context.Context, args []string) int {
	if a.Registry == nil {
		a.Registry = registry.Default
	}
	if a.Getenv == nil {
		a.Getenv = os.Getenv
	}
	if a.Stdin == nil {
		a.Stdin = strings.NewReader("")
	}
	engine.Versions.Warn = func(msg string) { fmt.Fprintf(a.Stderr, "formed: warning: %s\n", msg) }
	g, rest, err := globalFlags(args)
	if err != nil {
		fmt.Fprintf(a.Stderr, "formed: %v\n", err)
		return ExitUsage
	}
	if code, done := a.requiredModules(ctx, g, rest); done {
		return code
	}
	app := a.newApp(g)
	err = app.RunContext(ctx, interspersed(app, rest))
	if err == nil {
		return ExitOK
	}
	a.printError(err)
	return ExitCode(err)
}

// globals are flags accepted before or after the subcommand.
type globals struct {
	settings  string
	organizer string
}

// globalFlags takes --settings and --organizer out of args wherever they
// stand, so they work before or after the subcommand.
func globalFlags(args []string) (globals, []string, error) {
	var g globals
	out := []string{args[0]}
	for i := 1; i < len(args); i++ {
		arg := args[i]
		if arg == "--" {
			out = append(out, args[i:]...)
			break
		}
		for _, name := range []string{"settings", "organizer"} {
			var val string
			matched := false
			switch {
			case arg == "--"+name || arg == "-"+name:
				if i+1 >= len(args) {
					return g, nil, fmt.Errorf("flag --%s needs a value", name)
				}
				val, matched = args[i+1], true
				i++
			case strings.HasPrefix(arg, "--"+name+"="):
				val, matched = strings.TrimPrefix(arg, "--"+name+"="), true
			}
			if matched {
				if name == "settings" {
					g.settings = val
				} else {
					g.organizer = val
				}
				arg = ""
				break
			}
		}
		if arg != "" {
			out = append(out, arg)
		}
	}
	return g, out, nil
}

// printError shows err; config errors get one block each with the source
// line under the message.
func (a *App) printError(err error) {
	var ee *exitError
	if errors.As(err, &ee) && ee.printed {
		return
	}
	var ces config.Errors
	if errors.As(err, &ces) {
		a.printConfigErrors(ces)
		return
	}
	var ce *config.Error
	if errors.As(err, &ce) {
		a.printConfigErrors(config.Errors{ce})
		return
	}
	fmt.Fprintf(a.Stderr, "formed: %v\n", err)
}

func (a *App) printConfigErrors(es config.Errors) {
	for _, e := range es {
		fmt.Fprintf(a.Stderr, "error: %s\n", e.Error())
		if src := e.Source(); src != "" {
			fmt.Fprintln(a.Stderr, src)
		}
	}
	if len(es) > 1 {
		fmt.Fprintf(a.Stderr, "%d problems; nothing ran\n", len(es))
	}
}

// Version returns the module version and VCS revision of the binary.
func Version() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "unknown"
	}
	v := bi.Main.Version
	if v == "" {
		v = "(devel)"
	}
	var rev, modified, when string
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			if s.Value == "true" {
				modified = ", modified"
			}
		case "vcs.time":
			when = ", " + s.Value
		}
	}
	if rev != "" {
		if len(rev) > 12 {
			rev = rev[:12]
		}
		return fmt.Sprintf("%s (revision %s%s%s, %s)", v, rev, modified, when, bi.GoVersion)
	}
	return fmt.Sprintf("%s (%s)", v, bi.GoVersion)
}

func (a *App) newApp(g globals) *ucli.App {
	ucli.VersionPrinter = func(c *ucli.Context) { fmt.Fprintf(c.App.Writer, "formed %s\n", Version()) }
	app := &ucli.App{
		Name:                 "formed",
		Usage:                "a declarative workflow engine: Go steps, Jsonnet configs, cached results",
		Version:              Version(),
		Writer:               a.Stdout,
		ErrWriter:            a.Stderr,
		Reader:               a.Stdin,
		HideHelpCommand:      true,
		EnableBashCompletion: true,
		ExitErrHandler:       func(*ucli.Context, error) {}, // Run prints and exits
		Flags: []ucli.Flag{
			&ucli.StringFlag{Name: "settings", Usage: "settings `FILE` (default: formed.yml in this directory or a parent); may follow the subcommand"},
			&ucli.StringFlag{Name: "organizer", Usage: "where results live: memory, filesystem[:DIR] or sqlite:FILE (overrides formed.yml); may follow the subcommand"},
		},
		Commands: []*ucli.Command{
			{
				Name:  "workflow",
				Usage: "run, check and inspect workflows",
				Subcommands: []*ucli.Command{
					a.runCommand(g),
					a.checkCommand(g),
					a.graphCommand(g),
					a.resultCommand(g),
					a.runsCommand(g),
					a.cacheCommand(g),
					a.stepsCommand(),
					a.schemaCommand(g),
				},
			},
			a.generateCommand(),
		},
	}
	return app
}
