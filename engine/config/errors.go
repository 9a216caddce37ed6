package config

import (
	"fmt"
	"os"
	"strings"
	"sync"
)

// Pos is a place in a config source file. The zero Pos means unknown.
type Pos struct {
	File string
	Line int // 1-based
	Col  int // 1-based
}

// IsValid reports whether p names a place.
func (p Pos) IsValid() bool { return p.File != "" && p.Line > 0 }

// String returns file:line:col.
func (p Pos) String() string {
	if !p.IsValid() {
		return ""
	}
	if p.Col > 0 {
		return fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Col)
	}
	return fmt.Sprintf("%s:%d", p.File, p.Line)
}

// Error is one problem in a config: what is wrong (Msg), where in the
// config (Path, such as "steps.train.lr"), where in the source (Pos, when
// Jsonnet knows it) and what to do (Hint).
type Error struct {
	Path string
	Pos  Pos
	Msg  string
	Hint string
	Err  error
}

// Error formats the error as "file:line:col: path: msg (hint)".
func (e *Error) Error() string {
	var b strings.Builder
	if e.Pos.IsValid() {
		b.WriteString(e.Pos.String())
		b.WriteString(": ")
	}
	if e.Path != "" {
		b.WriteString(e.Path)
		b.WriteString(": ")
	}
	b.WriteString(e.Msg)
	if e.Hint != "" {
		b.WriteString(" (")
		b.WriteString(e.Hint)
		b.WriteString(")")
	}
	return b.String()
}

// Unwrap returns the underlying error, if any.
func (e *Error) Unwrap() error { return e.Err }

// Source returns the source line at e.Pos with a caret under the column,
// indented for display under the message, or "" when unknown.
func (e *Error) Source() string {
	if !e.Pos.IsValid() {
		return ""
	}
	line, ok := sourceLine(e.Pos.File, e.Pos.Line)
	if !ok {
		return ""
	}
	trimmed := strings.TrimRight(line, " \t\r")
	prefix := fmt.Sprintf("%5d | ", e.Pos.Line)
	var b strings.Builder
	b.WriteString(prefix)
	b.WriteString(strings.ReplaceAll(trimmed, "\t", "    "))
	if e.Pos.Col > 0 && e.Pos.Col <= len(line)+1 {
		b.WriteString("\n")
		b.WriteString(strings.Repeat(" ", len(prefix)))
		for _, c := range line[:e.Pos.Col-1] {
			if c == '\t' {
				b.WriteString("    ")
			} else {
				b.WriteByte(' ')
			}
		}
		b.WriteString("^")
	}
	return b.String()
}

var sourceCache sync.Map // file -> []string

func sourceLine(file string, line int) (string, bool) {
	v, ok := sourceCache.Load(file)
	if !ok {
		b, err := os.ReadFile(file)
		if err != nil {
			return "", false
		}
		v, _ = sourceCache.LoadOrStore(file, strings.Split(string(b), "\n"))
	}
	lines := v.([]string)
	if line < 1 || line > len(lines) {
		return "", false
	}
	return lines[line-1], true
}

// Errors is every problem found in one config, in the order found. Load and
// the engine's checks report all of them at once rather than the first.
type Errors []*Error

// Error lists the errors one per line.
func (es Errors) Error() string {
	lines := make([]string, len(es))
	for i, e := range es {
		lines[i] = e.Error()
	}
	return strings.Join(lines, "\n")
}

// Unwrap returns the errors, for errors.Is and errors.As.
func (es Errors) Unwrap() []error {
	out := make([]error, len(es))
	for i, e := range es {
		out[i] = e
	}
	return out
}

// Err returns es as an error, or nil when it is empty.
func (es Errors) Err() error {
	if len(es) == 0 {
		return nil
	}
	return es
}
