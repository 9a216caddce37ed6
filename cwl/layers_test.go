package cwl_test

import (
	"os/exec"
	"strings"
	"testing"
)

// TestImportsPointDown holds the cwl packages to the house layering: the
// library imports nothing of formed, and only cwl/steps, which plugs the
// library into the engine, imports the registry.
func TestImportsPointDown(t *testing.T) {
	const mod = "github.com/formed-dev/formed/"
	out, err := exec.Command("go", "list", "-f", `{{.ImportPath}}{{range .Deps}} {{.}}{{end}}`, "./...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		fields := strings.Fields(line)
		pkg := strings.TrimPrefix(fields[0], mod)
		for _, dep := range fields[1:] {
			d, ok := strings.CutPrefix(dep, mod)
			if !ok || strings.HasPrefix(d, "cwl") {
				continue
			}
			if !(d == "registry" && strings.HasPrefix(pkg, "cwl/steps")) {
				t.Errorf("%s imports %s; the cwl library imports nothing of formed, and cwl/steps only the registry", pkg, d)
			}
		}
	}
}
