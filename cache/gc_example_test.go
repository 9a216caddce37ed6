package cache_test

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/formed-dev/formed/cache"
	"github.com/formed-dev/formed/organizers/memory"
)

// GC keeps what the newest runs stored and drops the rest once it is old.
func ExampleGC() {
	ctx := context.Background()
	o := memory.New()
	kept, dropped := cache.Key{1}, cache.Key{2}
	for _, k := range []cache.Key{kept, dropped} {
		o.Put(ctx, cache.Entry{Key: k}, strings.NewReader("result"))
	}
	start := time.Date(2026, 11, 22, 7, 0, 0, 0, time.UTC)
	o.PutRun(ctx, &cache.Run{ID: cache.NewRunID(start.Add(-time.Hour))}) // an older run
	o.PutRun(ctx, &cache.Run{ID: cache.NewRunID(start), Steps: []cache.StepRecord{
		{Name: "train", Key: kept, Stored: true},
	}})

	rep, err := cache.GC(ctx, o, cache.Policy{
		KeepRuns:  1,
		OlderThan: 24 * time.Hour,
		Now:       func() time.Time { return time.Now().Add(48 * time.Hour) },
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("removed %d run, %d entry; kept %d for the newest run\n", rep.Runs, rep.Entries, rep.Protected)
	// Output: removed 1 run, 1 entry; kept 1 for the newest run
}
