package cli

import (
	"reflect"
	"strings"
	"testing"
)

func TestInterspersedFlags(t *testing.T) {
	app := (&App{}).newApp(globals{})
	tests := []struct{ in, want string }{
		{"formed workflow run config.jsonnet --dry-run", "formed workflow run --dry-run config.jsonnet"},
		{"formed workflow run config.jsonnet --step b -f c --ext-str a=1", "formed workflow run --step b -f c --ext-str a=1 config.jsonnet"},
		{"formed workflow run --json config.jsonnet -s=b", "formed workflow run --json -s=b config.jsonnet"},
		{"formed workflow result config.jsonnet st -V a=2", "formed workflow result -V a=2 config.jsonnet st"},
		{"formed workflow cache rm abcd --step x --config c.jsonnet", "formed workflow cache rm --step x --config c.jsonnet abcd"},
		{"formed workflow run config.jsonnet -- --not-a-flag", "formed workflow run config.jsonnet -- --not-a-flag"},
		{"formed --version", "formed --version"},
	}
	for _, tt := range tests {
		got := strings.Join(interspersed(app, strings.Fields(tt.in)), " ")
		if got != tt.want {
			t.Errorf("interspersed(%q)\n got %q\nwant %q", tt.in, got, tt.want)
		}
	}
	if got := interspersed(app, []string{"formed"}); !reflect.DeepEqual(got, []string{"formed"}) {
		t.Errorf("interspersed(formed) = %q", got)
	}
}

func TestFlagsAfterConfig(t *testing.T) {
	tr := newTestRegistry()
	project(t, map[string]string{"config.jsonnet": chainConfig})
	r := run(t, tr.reg, "workflow", "run", "config.jsonnet", "--dry-run")
	if r.code != 0 || !strings.Contains(r.stdout, "plan: 4 of 4 steps would run") {
		t.Errorf("run config --dry-run: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	wantCounts(t, tr, nil, "a dry run written after the config")
}
