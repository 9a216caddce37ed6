package registry

import (
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
)

var recordN atomic.Int64

func TestRecordCodeVersions(t *testing.T) {
	pkg := fmt.Sprintf("example.com/record%d", recordN.Add(1)) // -count=N records anew
	if _, ok := LookupCodeVersions(pkg); ok {
		t.Fatalf("LookupCodeVersions(%s) found versions before any were recorded", pkg)
	}
	versions := map[string]string{"Add": "abc"}
	RecordCodeVersions(pkg, "stamp", versions)
	versions["Add"] = "changed after recording"
	got, ok := LookupCodeVersions(pkg)
	if !ok || got.Package != pkg || got.Stamp != "stamp" || got.Versions["Add"] != "abc" {
		t.Errorf("LookupCodeVersions(%s) = %+v, %v; want stamp and Add=abc", pkg, got, ok)
	}
	defer func() {
		msg, _ := recover().(string)
		if !strings.Contains(msg, "recorded twice") {
			t.Errorf("second RecordCodeVersions panicked with %q, want a message about recording twice", msg)
		}
	}()
	RecordCodeVersions(pkg, "stamp2", nil)
}
