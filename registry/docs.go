package registry

import (
	"fmt"
	"sort"
	"sync"
)

// Doc comments describe Go types, not registrations, so they are kept once
// for the whole program rather than per Registry.
var docs struct {
	sync.RWMutex
	m map[string]docEntry
}

type docEntry struct {
	text string
	site string
}

// RegisterDocs records Go doc comments so that a binary built without its
// source tree can still describe its arguments in the JSON Schema. Files
// written by `formed generate` call it from init.
//
// Keys follow invopop/jsonschema's CommentMap: "pkgpath.Type" for a type
// and "pkgpath.Type.Field" for a struct field, such as
// "example.com/m/steps.TrainArgs.LR". RegisterDocs panics if a key is
// already registered with different text, naming both registrations.
func RegisterDocs(m map[string]string) {
	site := caller(2)
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	docs.Lock()
	defer docs.Unlock()
	if docs.m == nil {
		docs.m = map[string]docEntry{}
	}
	for _, k := range keys {
		if old, ok := docs.m[k]; ok && old.text != m[k] {
			panic(fmt.Sprintf("registry: docs for %s registered twice with different text: first at %s, again at %s", k, old.site, site))
		}
	}
	for _, k := range keys {
		docs.m[k] = docEntry{text: m[k], site: site}
	}
}

// Doc returns the doc comment registered under key ("pkgpath.Type" or
// "pkgpath.Type.Field"), or "" if there is none.
func Doc(key string) string {
	docs.RLock()
	defer docs.RUnlock()
	return docs.m[key].text
}
