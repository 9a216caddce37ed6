package cli

import (
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"math/rand/v2"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/zeebo/blake3"
)

// crashBlob is the size of the large result the killed runs write.
const crashBlob = 16 << 20

const crashConfig = `
local ref(n) = { type: 'ref', ref: n };
local seed = std.parseInt(std.extVar('seed'));
{
  steps: {
    a: { type: 'add', a: seed, b: 1 },
    big: { type: 'blob', size: %d, seed: seed },
    d: { type: 'digest', data: ref('big') },
    b: { type: 'add', a: ref('a'), b: 1 },
  },
}
`

// TestKillAndRerun kills 'workflow run' with SIGKILL at random instants
// while it computes and stores a large result, and after each kill runs the
// same workflow again: that run must complete without a warning (no entry
// that reads as a hit may fail verification) and read back the right
// bytes, and 'cache verify' must stay clean. Several lanes of kill and
// rerun share one organizer, so kills also land while other processes
// write; the killed runs recompute (--force) a result that may already be
// stored, so kills land in the replacement of an entry too.
func TestKillAndRerun(t *testing.T) {
	const lanes = 4
	kills := 100 // per organizer
	if testing.Short() {
		kills = 20
	}
	for _, kind := range organizerKinds {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			p := newCacheProject(t, kind)
			cfg := p.write("c.jsonnet", fmt.Sprintf(crashConfig, crashBlob))
			seed := uint64(time.Now().UnixNano())
			t.Logf("kill instants from seed %d", seed)
			var mu sync.Mutex
			killed, ranOut := 0, 0
			var wg sync.WaitGroup
			for lane := range lanes {
				rng := rand.New(rand.NewPCG(seed, uint64(lane)))
				wg.Go(func() {
					// A complete cold run says about how long a run takes;
					// kills fall anywhere in that span, which adapts.
					start := time.Now()
					if !p.checkRun(t, cfg, lane*10) {
						return
					}
					span := max(time.Since(start)*5/4, 20*time.Millisecond)
					for i := 1; i <= 3*kills/lanes; i++ {
						mu.Lock()
						done := killed >= kills
						mu.Unlock()
						if done || t.Failed() {
							return
						}
						s := lane*10 + i%2 // two blobs per lane, rewritten in turn
						cmd := p.command("workflow", "run", "--force", "big", "-V", fmt.Sprint("seed=", s), cfg)
						if err := cmd.Start(); err != nil {
							t.Error(err)
							return
						}
						time.Sleep(time.Duration(rng.Int64N(int64(span))))
						cmd.Process.Signal(syscall.SIGKILL)
						var ee *exec.ExitError
						err := cmd.Wait()
						wasKilled := errors.As(err, &ee) && ee.Sys().(syscall.WaitStatus).Signal() == syscall.SIGKILL
						mu.Lock()
						if wasKilled {
							killed++
						} else {
							ranOut++
						}
						mu.Unlock()
						// Keep the span near the length of a run: most kills
						// should hit a running process.
						if wasKilled {
							span = span * 21 / 20
						} else {
							span = max(span*3/4, 5*time.Millisecond)
						}
						if !p.checkRun(t, cfg, s) {
							return
						}
					}
				})
			}
			wg.Wait()
			if t.Failed() {
				return
			}
			t.Logf("%d runs killed, %d finished before their kill", killed, ranOut)
			if killed < kills {
				t.Errorf("only %d runs were still running when killed, want %d", killed, kills)
			}
			r := p.ok("workflow", "cache", "verify")
			if !strings.Contains(r.stdout, " 0 damaged") {
				t.Errorf("cache verify:\n%s", r.stdout)
			}
			p.ok("workflow", "cache", "gc", "--keep-runs", "1", "--older-than", "0s")
			p.ok("workflow", "cache", "verify")
		})
	}
}

// checkRun runs the crash config with seed to completion and checks that
// it warned of nothing and read back the right large result.
// It may be called from several goroutines, and reports whether all was
// well.
func (p *cacheProject) checkRun(t *testing.T, cfg string, seed int) bool {
	t.Helper()
	cmd := p.command("workflow", "run", "-V", fmt.Sprint("seed=", seed), cfg)
	out, err := cmd.CombinedOutput()
	if err != nil || strings.Contains(string(out), "warning") {
		t.Errorf("run with seed %d after a kill: %v\n%s", seed, err, out)
		return false
	}
	want := fmt.Sprintf("size=%d blake3=%s", crashBlob, blobDigest(crashBlob, uint64(seed)))
	if !strings.Contains(string(out), want) {
		t.Errorf("run with seed %d: d did not read %s:\n%s", seed, want, out)
		return false
	}
	return true
}

// blobDigest is the blake3 of the blob step's result, made the way
// testdata/formedtest's Blob makes it.
func blobDigest(size int, seed uint64) string {
	const blockSize = 4 << 10
	block := make([]byte, blockSize)
	r := rand.New(rand.NewPCG(seed, 7))
	for i := 0; i < blockSize; i += 8 {
		binary.LittleEndian.PutUint64(block[i:], r.Uint64())
	}
	h := blake3.New()
	for i, j := 0, uint64(0); i < size; i, j = i+blockSize, j+1 {
		binary.LittleEndian.PutUint64(block, seed)
		binary.LittleEndian.PutUint64(block[8:], j)
		h.Write(block[:min(blockSize, size-i)])
	}
	return hex.EncodeToString(h.Sum(nil))
}
