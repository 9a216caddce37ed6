// Command formedtest is the formed command with test-only steps, built by
// the cli package's end-to-end tests. Each execution of a counted step
// appends a line "STEP KEY PID" to the file named by FORMED_TEST_COUNT, so
// tests can count computations across processes; FORMED_TEST_SLEEP (a Go
// duration) makes every counted step sleep, so concurrent runs overlap.
package main

import (
	"context"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"os"
	"time"

	"github.com/zeebo/blake3"

	"github.com/formed-dev/formed/cli"
	"github.com/formed-dev/formed/registry"
)

// AddArgs are the arguments of add.
type AddArgs struct {
	A int `json:"a"`
	B int `json:"b"`
}

// BlobArgs are the arguments of blob.
type BlobArgs struct {
	// Size is the length of the result in bytes.
	Size int `json:"size"`
	// Seed selects the contents.
	Seed uint64 `json:"seed"`
}

// DigestArgs are the arguments of digest.
type DigestArgs struct {
	Data []byte `json:"data"`
}

// Summary is the result of digest.
type Summary struct {
	Size   int    `json:"size"`
	Blake3 string `json:"blake3"`
}

// LengthArgs are the arguments of length.
type LengthArgs struct {
	Text string `json:"text"`
}

// ReportArgs are the arguments of report.
type ReportArgs struct {
	Title string `json:"title"`
	N     int    `json:"n"`
}

// count records one execution of the step in ctx and sleeps.
func count(ctx context.Context) {
	info, _ := registry.InfoFrom(ctx)
	if p := os.Getenv("FORMED_TEST_COUNT"); p != "" {
		f, err := os.OpenFile(p, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
		if err == nil {
			fmt.Fprintf(f, "%s %s %d\n", info.Name, info.Fingerprint, os.Getpid())
			f.Close()
		}
	}
	if d, err := time.ParseDuration(os.Getenv("FORMED_TEST_SLEEP")); err == nil {
		time.Sleep(d)
	}
}

// Blob returns size bytes generated from seed; the same seed gives the same
// bytes. It is cheap: 4 KiB blocks of one random block, each stamped with
// the seed and its index. The cli tests compute the same bytes.
func Blob(size int, seed uint64) []byte {
	const blockSize = 4 << 10
	block := make([]byte, blockSize)
	r := rand.New(rand.NewPCG(seed, 7))
	for i := 0; i < blockSize; i += 8 {
		binary.LittleEndian.PutUint64(block[i:], r.Uint64())
	}
	b := make([]byte, size)
	for i, j := 0, uint64(0); i < size; i, j = i+blockSize, j+1 {
		binary.LittleEndian.PutUint64(block, seed)
		binary.LittleEndian.PutUint64(block[8:], j)
		copy(b[i:], block)
	}
	return b
}

func init() {
	registry.Register("add", func(ctx context.Context, in AddArgs) (int, error) {
		count(ctx)
		return in.A + in.B, nil
	}, registry.Version("1"))
	registry.Register("blob", func(ctx context.Context, in BlobArgs) ([]byte, error) {
		count(ctx)
		return Blob(in.Size, in.Seed), nil
	}, registry.Version("1"))
	// digest is not cacheable, so every run restores its input (a verified
	// read of the stored blob) and logs what it read.
	registry.Register("digest", func(ctx context.Context, in DigestArgs) (Summary, error) {
		count(ctx)
		sum := blake3.Sum256(in.Data)
		s := Summary{Size: len(in.Data), Blake3: hex.EncodeToString(sum[:])}
		registry.Logger(ctx).Info("read", "size", s.Size, "blake3", s.Blake3)
		return s, nil
	}, registry.Version("1"), registry.Cacheable(false))
	// length is not cacheable either: every run reads its input.
	registry.Register("length", func(ctx context.Context, in LengthArgs) (int, error) {
		count(ctx)
		registry.Logger(ctx).Info("read", "length", len(in.Text))
		return len(in.Text), nil
	}, registry.Version("1"), registry.Cacheable(false))
	registry.Register("report", func(ctx context.Context, in ReportArgs) (string, error) {
		count(ctx)
		out := in.Title + "\n"
		for i := range in.N {
			out += fmt.Sprintf("line %d\n", i+1)
		}
		return out, nil
	}, registry.Version("1"), registry.Format("text"))
	// liar claims to be deterministic but is not: 'cache verify
	// --recompute' must catch it.
	registry.Register("liar", func(ctx context.Context, in AddArgs) (int64, error) {
		count(ctx)
		return time.Now().UnixNano(), nil
	}, registry.Version("1"))
}

func main() { os.Exit(cli.Main()) }
