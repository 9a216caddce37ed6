package engine

import "github.com/formed-dev/formed/registry"

// codeVersion returns the code version of a step and where it came from.
func codeVersion(def *registry.Step) (version, source string) {
	if def.Version != "" {
		return def.Version, "option"
	}
	return "", "none"
}
