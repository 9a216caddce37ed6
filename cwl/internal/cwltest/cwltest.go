// Package cwltest holds what the cwl packages' tests share: the CWL
// runners and the shared reference directory they find outside the
// repository, and golden files with an -update flag.
package cwltest

import (
	"bytes"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// Install says how to get the runners on Debian.
const Install = "apt-get install -y cwltool toil"

// Runner returns the path of the named runner ("cwltool" or
// "toil-cwl-runner"). When it is missing the test fails if the
// environment sets FORMED_REQUIRE_RUNNERS=1 and is skipped otherwise.
func Runner(t testing.TB, name string) string {
	t.Helper()
	path, err := exec.LookPath(name)
	if err == nil {
		return path
	}
	if os.Getenv("FORMED_REQUIRE_RUNNERS") == "1" {
		t.Fatalf("%s not found and FORMED_REQUIRE_RUNNERS=1; install it with: %s", name, Install)
	}
	t.Skipf("%s not found; install it with %q or set FORMED_REQUIRE_RUNNERS=1 to make this a failure", name, Install)
	return ""
}

// Reference returns the path of file in the shared/reference directory
// found beside the repository (walking up from the working directory),
// and skips the test when there is none, as in a user's clone.
func Reference(t testing.TB, file string) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		p := filepath.Join(dir, "shared", "reference", file)
		if _, err := os.Stat(p); err == nil {
			return p
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Skipf("no shared/reference/%s above the working directory: the reference data sits beside the repository in the project's workspace only", file)
		}
		dir = parent
	}
}

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// Golden compares got with testdata/name, or rewrites the file when the
// test runs with -update.
func Golden(t testing.TB, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s changed (run go test -update if intended):\n--- got\n%s\n--- want\n%s", path, got, want)
	}
}
