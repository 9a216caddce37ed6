package cli

import (
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"strings"

	ucli "github.com/urfave/cli/v2"

	"github.com/formed-dev/formed/cache"
	"github.com/formed-dev/formed/engine"
	"github.com/formed-dev/formed/engine/config"
	"github.com/formed-dev/formed/organizers/filesystem"
	"github.com/formed-dev/formed/organizers/memory"
	"github.com/formed-dev/formed/organizers/sqlite"
)

// DefaultDir is the filesystem organizer's directory in the project.
const DefaultDir = ".formed"

// configFlags are the flags of every command that loads a config.
func configFlags() []ucli.Flag {
	return []ucli.Flag{
		&ucli.StringSliceFlag{Name: "ext-str", Aliases: []string{"V"}, Usage: "Jsonnet external variable `KEY=VALUE` (std.extVar)"},
		&ucli.StringSliceFlag{Name: "ext-code", Usage: "Jsonnet external variable `KEY=EXPR`, evaluated as code"},
		&ucli.StringSliceFlag{Name: "tla-str", Aliases: []string{"A"}, Usage: "Jsonnet top-level argument `KEY=VALUE`, for a config that is a function"},
		&ucli.StringSliceFlag{Name: "tla-code", Usage: "Jsonnet top-level argument `KEY=EXPR`, evaluated as code"},
		&ucli.StringSliceFlag{Name: "jpath", Aliases: []string{"J"}, Usage: "Jsonnet library `DIR` (repeatable)"},
		&ucli.StringFlag{Name: "overrides", Aliases: []string{"o"}, Usage: `Jsonnet object of dotted paths to replace, e.g. '{"steps.train.lr": 0.1}'`},
	}
}

// session is what a command needs: settings, organizer, config options.
type session struct {
	app      *App
	settings *Settings
	g        globals
}

func (a *App) session(g globals) (*session, error) {
	s, err := LoadSettings(g.settings)
	if err != nil {
		return nil, err
	}
	for k, v := range s.Environment {
		os.Setenv(k, v)
	}
	return &session{app: a, settings: s, g: g}, nil
}

func (s *session) configOptions(c *ucli.Context) (config.Options, error) {
	opts := config.Options{
		ExtStr:    map[string]string{},
		ExtCode:   map[string]string{},
		JPath:     append([]string(nil), s.settings.JPath...),
		Overrides: c.String("overrides"),
	}
	for k, v := range s.settings.ExtStr {
		opts.ExtStr[k] = v
	}
	for k, v := range s.settings.ExtCode {
		opts.ExtCode[k] = v
	}
	opts.TLAStr, opts.TLACode = map[string]string{}, map[string]string{}
	for _, f := range []struct {
		flag string
		into map[string]string
	}{{"ext-str", opts.ExtStr}, {"ext-code", opts.ExtCode}, {"tla-str", opts.TLAStr}, {"tla-code", opts.TLACode}} {
		for _, kv := range c.StringSlice(f.flag) {
			k, v, ok := strings.Cut(kv, "=")
			if !ok || k == "" {
				return opts, usageErr("--%s %q: want KEY=VALUE", f.flag, kv)
			}
			f.into[k] = v
		}
	}
	opts.JPath = append(opts.JPath, c.StringSlice("jpath")...)
	return opts, nil
}

// load evaluates and binds the config named by the command's first
// argument.
func (s *session) load(c *ucli.Context) (*engine.Workflow, error) {
	if c.NArg() < 1 {
		return nil, usageErr("%s: missing CONFIG argument (a .jsonnet or .json file)", c.Command.FullName())
	}
	opts, err := s.configOptions(c)
	if err != nil {
		return nil, err
	}
	wf, err := engine.Load(c.Args().First(), opts, s.app.Registry)
	if err != nil {
		return nil, &exitError{code: ExitUsage, err: err}
	}
	return wf, nil
}

// open loads the command's config and opens the organizer, for commands
// that need both; the caller closes the organizer.
func (a *App) open(c *ucli.Context, g globals) (*session, *engine.Workflow, cache.Organizer, error) {
	s, err := a.session(g)
	if err != nil {
		return nil, nil, nil, err
	}
	wf, err := s.load(c)
	if err != nil {
		return nil, nil, nil, err
	}
	o, err := s.organizer()
	if err != nil {
		return nil, nil, nil, err
	}
	return s, wf, o, nil
}

// organizer opens the organizer named by --organizer, else formed.yml,
// else the filesystem organizer in .formed/ of the project directory.
func (s *session) organizer() (cache.Organizer, error) {
	spec := s.g.organizer
	kind, path := s.settings.Organizer.Type, s.settings.Organizer.Path
	if spec != "" {
		kind, path, _ = strings.Cut(spec, ":")
	}
	if kind == "" {
		kind = "filesystem"
	}
	if path != "" && !filepath.IsAbs(path) {
		base := s.settings.Dir
		if spec != "" {
			base, _ = os.Getwd()
		}
		path = filepath.Join(base, path)
	}
	open, ok := organizers[kind]
	if !ok {
		names := make([]string, 0, len(organizers))
		for n := range organizers {
			names = append(names, n)
		}
		sort.Strings(names)
		return nil, usageErr("unknown organizer %q (want one of %s)", kind, strings.Join(names, ", "))
	}
	o, err := open(path, s.settings.Dir)
	if err != nil {
		return nil, fmt.Errorf("open %s organizer: %w", kind, err)
	}
	return o, nil
}

// organizers open an organizer from a path (may be empty) and the project
// directory.
var organizers = map[string]func(path, dir string) (cache.Organizer, error){
	"memory": func(string, string) (cache.Organizer, error) { return memory.New(), nil },
	"filesystem": func(path, dir string) (cache.Organizer, error) {
		if path == "" {
			path = filepath.Join(dir, DefaultDir)
		}
		return filesystem.Open(path)
	},
	"sqlite": func(path, dir string) (cache.Organizer, error) {
		if path == "" {
			path = filepath.Join(dir, DefaultDir, "formed.db")
		}
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return nil, err
		}
		return sqlite.Open(path)
	},
}

func (s *session) logLevel(c *ucli.Context) (slog.Level, error) {
	name := s.settings.LogLevel
	if c.IsSet("log-level") {
		name = c.String("log-level")
	}
	if name == "" {
		return slog.LevelInfo, nil
	}
	var l slog.Level
	if err := l.UnmarshalText([]byte(name)); err != nil {
		return 0, usageErr("log level %q: want debug, info, warn or error", name)
	}
	return l, nil
}

func loadConfig(path string, opts config.Options) (*config.Config, error) {
	cfg, err := config.Load(path, opts)
	if err != nil {
		return nil, &exitError{code: ExitUsage, err: err}
	}
	return cfg, nil
}
