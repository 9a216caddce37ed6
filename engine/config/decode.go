package config

import (
	"encoding/json"
	"fmt"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
)

// decodeJSON parses JSON text into map[string]any, []any, json.Number,
// string, bool and nil: what encoding/json's Decoder gives with UseNumber,
// in one pass instead of its two, and without copying. Strings without
// escapes, numbers and object keys are slices of s, so the values share
// its memory; maps and lists are made at their final size. On a
// 10,000-step config it takes under half of encoding/json's time and
// two-thirds of its memory (BenchmarkDecodeJSON). The differential fuzz
// test holds it to encoding/json: same values, same inputs refused.
func decodeJSON(s string) (any, error) {
	p := &parser{s: s, keys: make(map[string]string)}
	p.space()
	v, err := p.value(0)
	if err != nil {
		return nil, err
	}
	p.space()
	if p.i < len(p.s) {
		return nil, p.errorf("invalid character %s after top-level value", p.char())
	}
	return v, nil
}

// maxDepth is encoding/json's limit on nesting.
const maxDepth = 10000

type parser struct {
	s string
	i int
	// keys interns object keys: a large config repeats a few keys (type,
	// ref and the arguments) thousands of times.
	keys map[string]string
	// stack holds the values and keys of the containers being parsed,
	// so that each map and slice is allocated once, at its size.
	vals []any
	strs []string
}

type syntaxError struct {
	msg    string
	offset int
}

func (e *syntaxError) Error() string { return e.msg }

func (p *parser) errorf(format string, args ...any) error {
	return &syntaxError{msg: fmt.Sprintf(format, args...), offset: p.i}
}

// unexpected is the error for what stands at p.i, found where the grammar
// wants something else: the end of the input, or an invalid character.
func (p *parser) unexpected(where string) error {
	if p.i >= len(p.s) {
		return p.errorf("unexpected end of JSON input")
	}
	return p.errorf("invalid character %s %s", p.char(), where)
}

// peek returns the byte at p.i, or 0 at the end of the input.
func (p *parser) peek() byte {
	if p.i >= len(p.s) {
		return 0
	}
	return p.s[p.i]
}

func (p *parser) char() string {
	if p.i >= len(p.s) {
		return "end of input"
	}
	return strconv.QuoteRune(rune(p.s[p.i]))
}

func (p *parser) space() {
	for p.i < len(p.s) {
		switch p.s[p.i] {
		case ' ', '\t', '\n', '\r':
			p.i++
		default:
			return
		}
	}
}

func (p *parser) value(depth int) (any, error) {
	if p.i >= len(p.s) {
		return nil, p.errorf("unexpected end of JSON input")
	}
	switch c := p.s[p.i]; {
	case c == '{':
		return p.object(depth + 1)
	case c == '[':
		return p.array(depth + 1)
	case c == '"':
		return p.str()
	case c == '-' || c >= '0' && c <= '9':
		return p.number()
	case c == 't':
		return true, p.literal("true")
	case c == 'f':
		return false, p.literal("false")
	case c == 'n':
		return nil, p.literal("null")
	default:
		return nil, p.errorf("invalid character %s looking for beginning of value", p.char())
	}
}

func (p *parser) literal(lit string) error {
	if len(p.s)-p.i < len(lit) || p.s[p.i:p.i+len(lit)] != lit {
		for j := 0; j < len(lit) && p.i < len(p.s); j++ {
			if p.s[p.i] != lit[j] {
				return p.errorf("invalid character %s in literal %s", p.char(), lit)
			}
			p.i++
		}
		return p.errorf("unexpected end of JSON input")
	}
	p.i += len(lit)
	return nil
}

func (p *parser) object(depth int) (any, error) {
	if depth > maxDepth {
		return nil, p.errorf("exceeded max depth")
	}
	p.i++ // {
	base := len(p.vals)
	defer func() {
		p.vals = p.vals[:base]
		p.strs = p.strs[:base]
	}()
	p.space()
	if p.i < len(p.s) && p.s[p.i] == '}' {
		p.i++
		return map[string]any{}, nil
	}
	for {
		p.space()
		if p.i >= len(p.s) || p.s[p.i] != '"' {
			return nil, p.unexpected("looking for beginning of object key string")
		}
		k, err := p.str()
		if err != nil {
			return nil, err
		}
		if ik, ok := p.keys[k]; ok {
			k = ik
		} else if len(p.keys) < 1024 {
			p.keys[k] = k
		}
		p.space()
		if p.i >= len(p.s) || p.s[p.i] != ':' {
			return nil, p.unexpected("after object key")
		}
		p.i++
		p.space()
		v, err := p.value(depth)
		if err != nil {
			return nil, err
		}
		p.strs = append(p.strs, k)
		p.vals = append(p.vals, v)
		p.space()
		switch p.peek() {
		case ',':
			p.i++
			continue
		case '}':
			p.i++
			m := make(map[string]any, len(p.vals)-base)
			for j := base; j < len(p.vals); j++ {
				m[p.strs[j]] = p.vals[j]
			}
			return m, nil
		default:
			return nil, p.unexpected("after object key:value pair")
		}
	}
}

func (p *parser) array(depth int) (any, error) {
	if depth > maxDepth {
		return nil, p.errorf("exceeded max depth")
	}
	p.i++ // [
	base := len(p.vals)
	defer func() {
		p.vals = p.vals[:base]
		p.strs = p.strs[:base]
	}()
	p.space()
	if p.i < len(p.s) && p.s[p.i] == ']' {
		p.i++
		return []any{}, nil
	}
	for {
		p.space()
		v, err := p.value(depth)
		if err != nil {
			return nil, err
		}
		// strs stays level with vals, so that an object inside a list
		// finds its own part of both at the same base.
		p.strs = append(p.strs, "")
		p.vals = append(p.vals, v)
		p.space()
		switch p.peek() {
		case ',':
			p.i++
			continue
		case ']':
			p.i++
			return append([]any(nil), p.vals[base:]...), nil
		default:
			return nil, p.unexpected("after array element")
		}
	}
}

// number scans a JSON number and returns it as written.
func (p *parser) number() (any, error) {
	start := p.i
	if p.s[p.i] == '-' {
		p.i++
	}
	switch {
	case p.i < len(p.s) && p.s[p.i] == '0':
		p.i++
	case p.i < len(p.s) && p.s[p.i] >= '1' && p.s[p.i] <= '9':
		p.digits()
	default:
		return nil, p.unexpected("in numeric literal")
	}
	if p.i < len(p.s) && p.s[p.i] == '.' {
		p.i++
		if p.i >= len(p.s) || p.s[p.i] < '0' || p.s[p.i] > '9' {
			return nil, p.unexpected("after decimal point in numeric literal")
		}
		p.digits()
	}
	if p.i < len(p.s) && (p.s[p.i] == 'e' || p.s[p.i] == 'E') {
		p.i++
		if p.i < len(p.s) && (p.s[p.i] == '+' || p.s[p.i] == '-') {
			p.i++
		}
		if p.i >= len(p.s) || p.s[p.i] < '0' || p.s[p.i] > '9' {
			return nil, p.unexpected("in exponent of numeric literal")
		}
		p.digits()
	}
	return json.Number(p.s[start:p.i]), nil
}

func (p *parser) digits() {
	for p.i < len(p.s) && p.s[p.i] >= '0' && p.s[p.i] <= '9' {
		p.i++
	}
}

// str scans a string. Without escapes or invalid UTF-8 it is a slice of
// the input.
func (p *parser) str() (string, error) {
	p.i++ // "
	start := p.i
	for p.i < len(p.s) {
		c := p.s[p.i]
		switch {
		case c == '"':
			s := p.s[start:p.i]
			p.i++
			return s, nil
		case c == '\\':
			return p.escaped(start)
		case c < 0x20:
			return "", p.errorf("invalid character %s in string literal", p.char())
		case c < utf8.RuneSelf:
			p.i++
		default:
			r, size := utf8.DecodeRuneInString(p.s[p.i:])
			if r == utf8.RuneError && size == 1 {
				return p.escaped(start)
			}
			p.i += size
		}
	}
	return "", p.errorf("unexpected end of JSON input")
}

// escaped finishes a string that needs rewriting: escapes decoded,
// invalid UTF-8 replaced with U+FFFD, as encoding/json does.
func (p *parser) escaped(start int) (string, error) {
	b := make([]byte, 0, p.i-start+16)
	b = append(b, p.s[start:p.i]...)
	for p.i < len(p.s) {
		c := p.s[p.i]
		switch {
		case c == '"':
			p.i++
			return string(b), nil
		case c < 0x20:
			return "", p.errorf("invalid character %s in string literal", p.char())
		case c == '\\':
			p.i++
			if p.i >= len(p.s) {
				return "", p.errorf("unexpected end of JSON input")
			}
			switch e := p.s[p.i]; e {
			case '"', '\\', '/':
				b = append(b, e)
				p.i++
			case 'b':
				b = append(b, '\b')
				p.i++
			case 'f':
				b = append(b, '\f')
				p.i++
			case 'n':
				b = append(b, '\n')
				p.i++
			case 'r':
				b = append(b, '\r')
				p.i++
			case 't':
				b = append(b, '\t')
				p.i++
			case 'u':
				p.i++
				r, err := p.hex4()
				if err != nil {
					return "", err
				}
				if utf16.IsSurrogate(r) {
					// A high surrogate followed by an escaped low one is
					// one character; anything else is U+FFFD.
					r2 := utf8.RuneError
					if p.i+1 < len(p.s) && p.s[p.i] == '\\' && p.s[p.i+1] == 'u' {
						save := p.i
						p.i += 2
						lo, err := p.hex4()
						if err != nil {
							return "", err
						}
						if dec := utf16.DecodeRune(r, lo); dec != utf8.RuneError {
							r2 = dec
						} else {
							p.i = save
						}
					}
					r = r2
				}
				b = utf8.AppendRune(b, r)
			default:
				return "", p.errorf("invalid character %s in string escape code", p.char())
			}
		case c < utf8.RuneSelf:
			b = append(b, c)
			p.i++
		default:
			r, size := utf8.DecodeRuneInString(p.s[p.i:])
			if r == utf8.RuneError && size == 1 {
				b = utf8.AppendRune(b, utf8.RuneError)
			} else {
				b = append(b, p.s[p.i:p.i+size]...)
			}
			p.i += size
		}
	}
	return "", p.errorf("unexpected end of JSON input")
}

func (p *parser) hex4() (rune, error) {
	var r rune
	for range 4 {
		if p.i >= len(p.s) {
			return 0, p.errorf("unexpected end of JSON input")
		}
		c := p.s[p.i]
		switch {
		case c >= '0' && c <= '9':
			c -= '0'
		case c >= 'a' && c <= 'f':
			c = c - 'a' + 10
		case c >= 'A' && c <= 'F':
			c = c - 'A' + 10
		default:
			return 0, p.errorf("invalid character %s in \\u hexadecimal character escape", p.char())
		}
		r = r<<4 | rune(c)
		p.i++
	}
	return r, nil
}
