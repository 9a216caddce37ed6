package engine

import (
	"strings"

	"github.com/formed-dev/formed/engine/codeversion"
	"github.com/formed-dev/formed/registry"
)

// Versions computes the code versions of steps that have no Version
// option. Set its Warn before loading the first workflow to hear about
// fallbacks (the formed command prints them).
var Versions = codeversion.New()

// codeVersion returns the code version of a step, including the code of the
// implementations its arguments select, and where it came from.
func codeVersion(def *registry.Step, impls []*registry.Impl) (version, source string) {
	v := Versions.Of(def)
	if len(impls) == 0 {
		return v.Hash, v.Source
	}
	parts := []string{v.Hash}
	seen := map[*registry.Impl]bool{}
	for _, im := range impls {
		if seen[im] {
			continue
		}
		seen[im] = true
		parts = append(parts, im.Name+"="+Versions.OfImpl(im).Hash)
	}
	return strings.Join(parts, ";"), v.Source
}

// CodeDetail explains where the step's code version came from, for
// --explain.
func CodeDetail(s *Step) string {
	v := Versions.Of(s.Def)
	if v.Detail == "" {
		return v.Source
	}
	return v.Source + ": " + v.Detail
}
