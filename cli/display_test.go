package cli

import (
	"bytes"
	"strings"
	"testing"
)

func TestDisplayOnTerminal(t *testing.T) {
	tr := newTestRegistry()
	project(t, map[string]string{"config.jsonnet": chainConfig})
	for _, tc := range []struct {
		name    string
		env     map[string]string
		colored bool
	}{
		{"color", map[string]string{"TERM": "xterm"}, true},
		{"NO_COLOR", map[string]string{"TERM": "xterm", "NO_COLOR": "1"}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			a := &App{Stdout: &out, Stderr: &errb, Registry: tr.reg, TTY: true, Getenv: func(k string) string { return tc.env[k] }}
			if code := a.Run(t.Context(), []string{"formed", "--organizer", "memory", "workflow", "run", "config.jsonnet"}); code != 0 {
				t.Fatalf("exit %d: %s", code, errb.String())
			}
			s := out.String()
			if !strings.Contains(s, "\r\x1b[K") {
				t.Errorf("no live status line on a terminal:\n%q", s)
			}
			if got := strings.Contains(s, ansiGreen); got != tc.colored {
				t.Errorf("colored = %v, want %v:\n%q", got, tc.colored, s)
			}
		})
	}
	// Not a terminal: plain lines only.
	r := run(t, tr.reg, "--organizer", "memory", "workflow", "run", "config.jsonnet")
	if strings.Contains(r.stdout, "\x1b") {
		t.Errorf("escape codes when not on a terminal:\n%q", r.stdout)
	}
}
