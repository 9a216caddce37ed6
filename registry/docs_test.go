package registry

import (
	"strings"
	"testing"
)

func TestRegisterDocs(t *testing.T) {
	RegisterDocs(map[string]string{
		"example.com/docs.Args":   "Args are the arguments.",
		"example.com/docs.Args.N": "N counts.",
	})
	// The same text again is harmless: a package may be linked once but
	// its init must stay idempotent with respect to other registrations.
	RegisterDocs(map[string]string{"example.com/docs.Args.N": "N counts."})
	for key, want := range map[string]string{
		"example.com/docs.Args":   "Args are the arguments.",
		"example.com/docs.Args.N": "N counts.",
		"example.com/docs.Args.M": "",
	} {
		if got := Doc(key); got != want {
			t.Errorf("Doc(%q) = %q, want %q", key, got, want)
		}
	}
}

func TestRegisterDocsConflict(t *testing.T) {
	RegisterDocs(map[string]string{"example.com/conflict.T": "one"})
	defer func() {
		msg, _ := recover().(string)
		if !strings.Contains(msg, "example.com/conflict.T registered twice") || !strings.Contains(msg, "docs_test.go") {
			t.Errorf("panic = %q, want it to name the key and both sites", msg)
		}
	}()
	RegisterDocs(map[string]string{"example.com/conflict.T": "two"})
}
