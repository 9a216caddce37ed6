package organizertest

import (
	"os/exec"
	"strings"
	"testing"
)

// TestImports holds two arrows of the house layering: cache imports no
// organizer, and only organizers/sqlite pulls in the SQLite driver.
func TestImports(t *testing.T) {
	const mod = "github.com/formed-dev/formed/"
	for _, pkg := range []string{"cache", "organizers/internal/ondisk", "organizers/memory",
		"organizers/filesystem", "organizers/sqlite", "organizers/organizertest"} {
		out, err := exec.Command("go", "list", "-deps", mod+pkg).CombinedOutput()
		if err != nil {
			t.Fatalf("go list -deps %s: %v\n%s", pkg, err, out)
		}
		for _, dep := range strings.Fields(string(out)) {
			switch {
			case strings.HasPrefix(dep, "modernc.org/sqlite") && pkg != "organizers/sqlite":
				t.Errorf("%s depends on %s: only organizers/sqlite may", pkg, dep)
			case pkg == "cache" && strings.HasPrefix(dep, mod+"organizers"):
				t.Errorf("cache depends on %s: imports point down, cache is above organizers", dep)
			case strings.HasPrefix(dep, mod+"engine"):
				t.Errorf("%s depends on %s: the engine uses organizers, not the reverse", pkg, dep)
			}
		}
	}
}
