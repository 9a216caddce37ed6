package cli

import (
	"bytes"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"go.yaml.in/yaml/v3"
)

// SettingsFile is the name of the project settings file, looked for in the
// working directory and its parents.
const SettingsFile = "formed.yml"

// Settings are the contents of formed.yml.
type Settings struct {
	// Organizer selects where results and run records live.
	Organizer OrganizerSettings `yaml:"organizer"`
	// JPath lists Jsonnet library directories.
	JPath []string `yaml:"jpath"`
	// ExtStr and ExtCode are Jsonnet external variables.
	ExtStr  map[string]string `yaml:"ext_str"`
	ExtCode map[string]string `yaml:"ext_code"`
	// Environment is set in the process environment before steps run.
	Environment map[string]string `yaml:"environment"`
	// LogLevel is the lowest step log level shown: debug, info, warn, error.
	LogLevel string `yaml:"log_level"`
	// RequiredModules lists the import paths of Go packages whose steps the
	// command must have. A workflow command run by a binary that lacks one
	// builds (once) and runs a binary that has them; see
	// docs/required-modules.md.
	RequiredModules []string `yaml:"required_modules"`

	// Path is the settings file, or "" when none was found; Dir is the
	// project directory (the file's directory, else the working directory).
	Path string `yaml:"-"`
	Dir  string `yaml:"-"`
}

// OrganizerSettings select an organizer.
type OrganizerSettings struct {
	// Type is memory, filesystem or sqlite.
	Type string `yaml:"type"`
	// Path is the directory (filesystem) or database file (sqlite),
	// relative to the project directory.
	Path string `yaml:"path"`
}

// FindSettings looks for formed.yml in dir and its parents.
func FindSettings(dir string) (string, error) {
	for {
		p := filepath.Join(dir, SettingsFile)
		if _, err := os.Stat(p); err == nil {
			return p, nil
		} else if !errors.Is(err, fs.ErrNotExist) {
			return "", err
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", nil
		}
		dir = parent
	}
}

// LoadSettings reads the settings file at path, or finds one from the
// working directory when path is "". No file means defaults.
func LoadSettings(path string) (*Settings, error) {
	wd, err := os.Getwd()
	if err != nil {
		return nil, err
	}
	if path == "" {
		if path, err = FindSettings(wd); err != nil {
			return nil, err
		}
	}
	s := &Settings{Dir: wd}
	if path == "" {
		return s, nil
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, usageErr("settings: %v", err)
	}
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(s); err != nil && !errors.Is(err, io.EOF) {
		return nil, usageErr("%s: %s", path, settingsMessage(err))
	}
	s.Path, _ = filepath.Abs(path)
	s.Dir = filepath.Dir(s.Path)
	switch s.Organizer.Type {
	case "", "memory", "filesystem", "sqlite":
	default:
		return nil, usageErr("%s: organizer.type: unknown organizer %q (want memory, filesystem or sqlite)", path, s.Organizer.Type)
	}
	for i, j := range s.JPath {
		if !filepath.IsAbs(j) {
			s.JPath[i] = filepath.Join(s.Dir, j)
		}
	}
	return s, nil
}

// settingsMessage rewords yaml.v3's unknown-field message so it names the
// key and the allowed keys.
func settingsMessage(err error) string {
	msg := err.Error()
	msg = strings.TrimPrefix(msg, "yaml: unmarshal errors:\n")
	msg = strings.TrimSpace(msg)
	if strings.Contains(msg, "not found in type") {
		msg = strings.ReplaceAll(msg, "not found in type cli.Settings", "is not a formed.yml key (keys: organizer, jpath, ext_str, ext_code, environment, log_level, required_modules)")
		msg = strings.ReplaceAll(msg, "not found in type cli.OrganizerSettings", "is not an organizer key (keys: type, path)")
	}
	return msg
}
