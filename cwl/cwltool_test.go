package cwl_test

import (
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/formed-dev/formed/cwl/internal/cwltest"
)

// TestCWLToolValidates gives every golden document to cwltool --validate.
func TestCWLToolValidates(t *testing.T) {
	cwltool := cwltest.Runner(t, "cwltool")
	files, err := filepath.Glob("testdata/*.cwl")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no testdata/*.cwl; run go test -update")
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			t.Parallel()
			out, err := exec.CommandContext(t.Context(), cwltool, "--validate", f).CombinedOutput()
			if err != nil || !strings.Contains(string(out), "is valid CWL") {
				t.Errorf("cwltool --validate %s: %v\n%s", f, err, out)
			}
		})
	}
}
