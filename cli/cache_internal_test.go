package cli

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/formed-dev/formed/cache"
	"github.com/formed-dev/formed/organizers/memory"
)

func TestResolveKey(t *testing.T) {
	o := memory.New()
	key := func(h string) cache.Key {
		k, err := cache.ParseKey(h + strings.Repeat("0", 64-len(h)))
		if err != nil {
			t.Fatal(err)
		}
		return k
	}
	for _, h := range []string{"abcd01", "abcd02", "abce", "1234"} {
		if _, err := o.Put(t.Context(), cache.Entry{Key: key(h), StepType: "t" + h}, bytes.NewReader([]byte(h))); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		fp       string
		want     string // key prefix, or "" for an error
		code     int
		contains string
	}{
		{fp: "abce", want: "abce"},
		{fp: "ABCD01", want: "abcd01"},
		{fp: key("1234").String(), want: "1234"},
		{fp: "abcd", code: ExitUsage, contains: "ambiguous: it matches abcd01000000 (tabcd01), abcd02000000 (tabcd02)"},
		{fp: "abc", code: ExitUsage, contains: "a prefix of 4 to 64 hex digits"},
		{fp: "abcg", code: ExitUsage, contains: "not hexadecimal"},
		{fp: key("abcd01").String() + "0", code: ExitUsage},
		{fp: "ffff", code: ExitNotFound, contains: "no cache entry ffff"},
	}
	for _, tt := range tests {
		t.Run(tt.fp, func(t *testing.T) {
			got, err := resolveKey(t.Context(), o, tt.fp)
			if tt.want != "" {
				if err != nil || !strings.HasPrefix(got.String(), tt.want) {
					t.Errorf("resolveKey(%q) = %s, %v; want %s…", tt.fp, got, err, tt.want)
				}
				return
			}
			if err == nil {
				t.Fatalf("resolveKey(%q) = %s, want an error", tt.fp, got)
			}
			if c := ExitCode(err); c != tt.code {
				t.Errorf("resolveKey(%q): exit code %d, want %d (%v)", tt.fp, c, tt.code, err)
			}
			if !strings.Contains(err.Error(), tt.contains) {
				t.Errorf("resolveKey(%q): %q does not contain %q", tt.fp, err, tt.contains)
			}
		})
	}
}

func TestParseSize(t *testing.T) {
	tests := []struct {
		in   string
		want int64
	}{
		{"0", 0}, {"512", 512}, {"512B", 512}, {"10MB", 10e6}, {"10mb", 10e6}, {"1GiB", 1 << 30},
		{"1.5KiB", 1536}, {"2 TB", 2e12}, {"3k", 3000}, {"", -1}, {"MB", -1}, {"10XB", -1}, {"-1MB", -1},
	}
	for _, tt := range tests {
		got, err := parseSize(tt.in)
		if tt.want < 0 {
			if err == nil {
				t.Errorf("parseSize(%q) = %d, want an error", tt.in, got)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("parseSize(%q) = %d, %v; want %d", tt.in, got, err, tt.want)
		}
	}
}

func TestParseAge(t *testing.T) {
	tests := []struct {
		in   string
		want time.Duration
	}{
		{"36h", 36 * time.Hour}, {"90m", 90 * time.Minute}, {"30d", 30 * 24 * time.Hour}, {"0.5d", 12 * time.Hour},
		{"0s", 0}, {"yesterday", -1}, {"-3h", -1}, {"d", -1},
	}
	for _, tt := range tests {
		got, err := parseAge(tt.in)
		if tt.want < 0 {
			if err == nil {
				t.Errorf("parseAge(%q) = %v, want an error", tt.in, got)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("parseAge(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
		}
	}
}

func TestFormatSize(t *testing.T) {
	for n, want := range map[int64]string{0: "0 B", 1023: "1023 B", 1024: "1.0 KiB", 200000: "195.3 KiB", 24 << 20: "24.0 MiB", 3 << 40: "3.0 TiB"} {
		if got := formatSize(n); got != want {
			t.Errorf("formatSize(%d) = %q, want %q", n, got, want)
		}
	}
}
