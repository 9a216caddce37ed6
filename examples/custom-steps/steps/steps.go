// Package steps holds the steps of the custom-steps example: a user's own
// steps in their own module.
package steps

import (
	"context"
	"strings"

	"github.com/formed-dev/formed/registry"
)

// ShoutArgs are the arguments of shout.
type ShoutArgs struct {
	// Text is what to shout.
	Text string `json:"text"`
	// Times repeats it.
	Times int `json:"times" jsonschema:"default=1,minimum=1"`
}

// Shout upper-cases Text and repeats it Times times.
func Shout(ctx context.Context, in ShoutArgs) (string, error) {
	loud := strings.ToUpper(in.Text) + "!"
	return strings.TrimSpace(strings.Repeat(loud+" ", max(in.Times, 1))), nil
}

// CountArgs are the arguments of count_letters.
type CountArgs struct {
	// Text is the text whose letters are counted.
	Text string `json:"text"`
}

// CountLetters counts the letters of Text.
func CountLetters(ctx context.Context, in CountArgs) (int, error) {
	n := 0
	for _, r := range in.Text {
		if isLetter(r) {
			n++
		}
	}
	return n, nil
}

func isLetter(r rune) bool { return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' }

func init() {
	registry.Register("shout", Shout, registry.Description("Upper-cases text and repeats it."))
	registry.Register("count_letters", CountLetters, registry.Description("Counts the ASCII letters of a text."))
}
