// Package util is a package of the fixture module.
package util

import "strings"

// Shout returns s in upper case with a bang.
func Shout(s string) string {
	return strings.ToUpper(s) + bang
}

var bang = strings.Repeat("!", 1)

// Whisper is used by no step.
func Whisper(s string) string { return strings.ToLower(s) }
