package cache

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math"
	"runtime"
	"strconv"
	"sync"
	"time"
	"unicode/utf8"
)

// AppendJSON appends r's JSON encoding to b: the same document
// json.Marshal(r) gives, in the same field order, written directly. A
// 10,000-step record is several megabytes, and encoding/json's reflection
// and its second pass over the spec were a fifth of a cached rerun's time.
// The spec is compacted and checked as json.Marshal does; an invalid spec
// is an error.
func (r *Run) AppendJSON(b []byte) ([]byte, error) {
	b = append(b, `{"id":`...)
	b = appendString(b, r.ID)
	b = append(b, `,"config":`...)
	b = appendString(b, r.Config)
	b = append(b, `,"status":`...)
	b = appendString(b, r.Status)
	b = append(b, `,"started":`...)
	b = appendTime(b, r.Started)
	if !r.Ended.IsZero() {
		b = append(b, `,"ended":`...)
		b = appendTime(b, r.Ended)
	}
	if r.Error != "" {
		b = append(b, `,"error":`...)
		b = appendString(b, r.Error)
	}
	if len(r.Spec) > 0 {
		b = append(b, `,"spec":`...)
		buf := bytes.NewBuffer(b)
		if err := json.Compact(buf, r.Spec); err != nil {
			return nil, fmt.Errorf("run %s: spec is not JSON: %w", r.ID, err)
		}
		b = buf.Bytes()
	}
	b = append(b, `,"steps":`...)
	if r.Steps == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, '[')
		b = appendSteps(b, r.Steps)
		b = append(b, ']')
	}
	return append(b, '}'), nil
}

// appendSteps appends the records of steps, comma-separated. A large run's
// records are encoded in parallel, a part per processor, and joined: the
// record is written at the end of every run, after everything else.
func appendSteps(b []byte, steps []StepRecord) []byte {
	const minPart = 1024
	parts := min(runtime.GOMAXPROCS(0), len(steps)/minPart)
	if parts <= 1 {
		for i := range steps {
			if i > 0 {
				b = append(b, ',')
			}
			b = steps[i].appendJSON(b)
		}
		return b
	}
	bufs := make([][]byte, parts)
	var wg sync.WaitGroup
	for p := range parts {
		lo, hi := p*len(steps)/parts, (p+1)*len(steps)/parts
		wg.Go(func() {
			pb := make([]byte, 0, 300*(hi-lo))
			for i := lo; i < hi; i++ {
				if i > 0 {
					pb = append(pb, ',')
				}
				pb = steps[i].appendJSON(pb)
			}
			bufs[p] = pb
		})
	}
	wg.Wait()
	for _, pb := range bufs {
		b = append(b, pb...)
	}
	return b
}

func (s *StepRecord) appendJSON(b []byte) []byte {
	b = append(b, `{"name":`...)
	b = appendString(b, s.Name)
	b = append(b, `,"type":`...)
	b = appendString(b, s.Type)
	b = append(b, `,"key":`...)
	b = appendKey(b, s.Key)
	b = append(b, `,"status":`...)
	b = appendString(b, s.Status)
	if s.Reason != "" {
		b = append(b, `,"reason":`...)
		b = appendString(b, s.Reason)
	}
	if s.Error != "" {
		b = append(b, `,"error":`...)
		b = appendString(b, s.Error)
	}
	b = append(b, `,"duration_s":`...)
	b = appendFloat(b, s.DurationS)
	if s.CodeVersion != "" {
		b = append(b, `,"code_version":`...)
		b = appendString(b, s.CodeVersion)
	}
	if s.ArgsDigest != "" {
		b = append(b, `,"args_digest":`...)
		b = appendString(b, s.ArgsDigest)
	}
	if len(s.Deps) > 0 {
		b = append(b, `,"deps":`...)
		b = s.Deps.appendJSON(b)
	}
	if s.Stored {
		b = append(b, `,"stored":true`...)
	}
	if len(s.Log) > 0 {
		b = append(b, `,"log":[`...)
		for i, l := range s.Log {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendString(b, l)
		}
		b = append(b, ']')
	}
	return append(b, '}')
}

func (d Deps) appendJSON(b []byte) []byte {
	b = append(b, '{')
	for i, dep := range d {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendString(b, dep.Name)
		b = append(b, ':')
		b = appendKey(b, dep.Key)
	}
	return append(b, '}')
}

func appendKey(b []byte, k Key) []byte {
	b = append(b, '"')
	b = hex.AppendEncode(b, k[:])
	return append(b, '"')
}

func appendTime(b []byte, t time.Time) []byte {
	b = append(b, '"')
	b = t.AppendFormat(b, time.RFC3339Nano)
	return append(b, '"')
}

// appendFloat writes f as encoding/json does. JSON has no NaN or infinity;
// a duration is never one, and is written as 0 if it were.
func appendFloat(b []byte, f float64) []byte {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return append(b, '0')
	}
	abs := math.Abs(f)
	format := byte('f')
	if abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	b = strconv.AppendFloat(b, f, format, -1, 64)
	if format == 'e' {
		// e-07 to e-7, as encoding/json writes it.
		if n := len(b); n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
			b[n-2] = b[n-1]
			b = b[:n-1]
		}
	}
	return b
}

const hexDigits = "0123456789abcdef"

// appendString writes s as a JSON string the way encoding/json does:
// control characters, quotes and backslashes escaped, <, > and & as \u00XX,
// U+2028 and U+2029 escaped, invalid UTF-8 replaced with U+FFFD.
func appendString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
