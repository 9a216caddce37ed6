package filesystem

import (
	"bufio"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/formed-dev/formed/cache"
)

// An entry file is
//
//	magic (8 bytes) | header length n (uint32, big-endian) | n bytes of JSON header | inline body
//
// The body is present only when the header's "blob" is false; otherwise it
// is the blob file named by the digest.
const magic = "FMDENT01"

// maxHeader bounds the JSON header so a damaged length cannot make a reader
// allocate gigabytes.
const maxHeader = 1 << 20

type header struct {
	cache.Entry
	// Blob is set when the body is in the blob store.
	Blob bool `json:"blob,omitempty"`

	offset int64 // where the inline body starts in the file
}

// marshal returns the magic, length and JSON header that start an entry
// file. LastUsed is not stored: it is the file's modification time.
func (h header) marshal() ([]byte, error) {
	h.LastUsed = time.Time{}
	js, err := json.Marshal(h)
	if err != nil {
		return nil, err
	}
	out := make([]byte, 0, len(magic)+4+len(js))
	out = append(out, magic...)
	out = binary.BigEndian.AppendUint32(out, uint32(len(js)))
	return append(out, js...), nil
}

// readHeader reads the header of the entry file f for key and leaves f
// positioned at the body.
func readHeader(f *os.File, key cache.Key) (header, error) {
	var h header
	br := bufio.NewReaderSize(f, 4096)
	var pre [len(magic) + 4]byte
	if _, err := io.ReadFull(br, pre[:]); err != nil {
		return h, fmt.Errorf("read header: %w", err)
	}
	if string(pre[:len(magic)]) != magic {
		return h, errors.New("bad magic")
	}
	n := binary.BigEndian.Uint32(pre[len(magic):])
	if n > maxHeader {
		return h, fmt.Errorf("header length %d too large", n)
	}
	js := make([]byte, n)
	if _, err := io.ReadFull(br, js); err != nil {
		return h, fmt.Errorf("read header: %w", err)
	}
	h, err := decodeHeader(js, key)
	if err != nil {
		return h, err
	}
	if _, err := f.Seek(h.offset, io.SeekStart); err != nil {
		return h, err
	}
	return h, nil
}

// errLongHeader is returned by parseHeader when the header does not fit
// in the bytes it was given.
var errLongHeader = errors.New("header longer than the bytes read")

// parseHeader parses the header at the start of b, the first bytes of the
// entry file for key. eof reports whether b holds the whole file; when it
// does not and the header runs past b, parseHeader returns errLongHeader.
func parseHeader(b []byte, eof bool, key cache.Key) (header, error) {
	const pre = len(magic) + 4
	short := func() (header, error) {
		if !eof {
			return header{}, errLongHeader
		}
		return header{}, fmt.Errorf("read header: %w", io.ErrUnexpectedEOF)
	}
	if len(b) < pre {
		return short()
	}
	if string(b[:len(magic)]) != magic {
		return header{}, errors.New("bad magic")
	}
	n := binary.BigEndian.Uint32(b[len(magic):pre])
	if n > maxHeader {
		return header{}, fmt.Errorf("header length %d too large", n)
	}
	if len(b)-pre < int(n) {
		return short()
	}
	return decodeHeader(b[pre:pre+int(n)], key)
}

// decodeHeader decodes the JSON header js of the entry file for key.
func decodeHeader(js []byte, key cache.Key) (header, error) {
	var h header
	if err := json.Unmarshal(js, &h); err != nil {
		return h, fmt.Errorf("parse header: %w", err)
	}
	if h.Key != key {
		return h, fmt.Errorf("header names key %s", h.Key.Short())
	}
	if h.Size < 0 {
		return h, fmt.Errorf("negative size %d", h.Size)
	}
	h.offset = int64(len(magic)+4) + int64(len(js))
	return h, nil
}
