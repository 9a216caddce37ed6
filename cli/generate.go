package cli

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"

	ucli "github.com/urfave/cli/v2"

	"github.com/formed-dev/formed/engine/codeversion"
	"github.com/formed-dev/formed/engine/schema"
	"github.com/formed-dev/formed/engine/schema/docgen"
)

func (a *App) generateCommand() *ucli.Command {
	return &ucli.Command{
		Name:  "generate",
		Usage: "write the generated files a step package commits: argument docs and code versions",
		Description: `Run it in each package that registers steps, usually from a directive:

   //go:generate go run github.com/formed-dev/formed generate

It writes ` + docgen.FileName + ` (the Go doc comments of the package's types, so
the JSON Schema shows them from a binary built without sources) and
` + codeversion.GeneratedFile + ` (each step's code version, so changed code
reruns and unchanged code stays cached). With --check it writes nothing and
fails when a file is out of date.`,
		ArgsUsage: "[DIR...]",
		Flags:     []ucli.Flag{&ucli.BoolFlag{Name: "check", Usage: "fail if a generated file is out of date instead of writing it"}},
		Action: func(c *ucli.Context) error {
			dirs := c.Args().Slice()
			if len(dirs) == 0 {
				dirs = []string{"."}
			}
			stale := 0
			for _, dir := range dirs {
				docs, err := docgen.Generate(dir)
				if err != nil {
					return err
				}
				n, err := a.writeGenerated(filepath.Join(dir, docgen.FileName), docs, c.Bool("check"))
				if err != nil {
					return err
				}
				stale += n
				// Code versions last: their stamp covers the docs file.
				versions, err := codeversion.Generate(dir)
				if err != nil {
					return err
				}
				n, err = a.writeGenerated(filepath.Join(dir, codeversion.GeneratedFile), versions, c.Bool("check"))
				if err != nil {
					return err
				}
				stale += n
			}
			if stale > 0 {
				return &exitError{code: ExitFailed, err: fmt.Errorf("%d generated files are out of date; run formed generate", stale)}
			}
			return nil
		},
	}
}

// writeGenerated writes b to path unless it is already there; with check
// it only reports (1) a difference.
func (a *App) writeGenerated(path string, b []byte, check bool) (int, error) {
	old, err := os.ReadFile(path)
	if err == nil && bytes.Equal(old, b) {
		return 0, nil
	}
	if check {
		fmt.Fprintf(a.Stderr, "out of date: %s\n", path)
		return 1, nil
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, b, 0o644); err != nil {
		return 0, err
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return 0, err
	}
	fmt.Fprintf(a.Stdout, "wrote %s\n", path)
	return 0, nil
}

func (a *App) schemaCommand(g globals) *ucli.Command {
	return &ucli.Command{
		Name:  "schema",
		Usage: "print the JSON Schema of configs, for editor completion and checking",
		Flags: append(configFlags(),
			&ucli.StringFlag{Name: "output", Aliases: []string{"O"}, Usage: "write to `FILE` instead of stdout"},
			&ucli.StringFlag{Name: "config", Usage: "limit refs to the step names of `CONFIG`"},
		),
		Action: func(c *ucli.Context) error {
			var opts schema.Options
			if path := c.String("config"); path != "" {
				s, err := a.session(g)
				if err != nil {
					return err
				}
				copts, err := s.configOptions(c)
				if err != nil {
					return err
				}
				cfg, err := loadConfig(path, copts)
				if err != nil {
					return err
				}
				opts.StepNames = cfg.StepNames()
			}
			b, err := schema.Generate(a.Registry, opts)
			if err != nil {
				return err
			}
			if out := c.String("output"); out != "" {
				if err := os.WriteFile(out, b, 0o644); err != nil {
					return err
				}
				fmt.Fprintf(a.Stderr, "wrote %s\n", out)
				return nil
			}
			_, err = a.Stdout.Write(b)
			return err
		},
	}
}
