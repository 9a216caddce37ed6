package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/formed-dev/formed/cache"
	"github.com/formed-dev/formed/engine"
)

// display is the terminal callback: one line per step, and on a terminal a
// live status line for the step that is running.
type display struct {
	w     io.Writer
	tty   bool
	color bool
	width int // of step names, for alignment

	mu      sync.Mutex
	running string
	started time.Time
	total   int
	// final holds each step's last status: a cached step whose entry
	// turns out damaged is recomputed and ends twice.
	final  map[string]string
	stop   chan struct{}
	ticker *time.Ticker
}

func newDisplay(w io.Writer, tty, color bool, plan *engine.Plan) *display {
	d := &display{w: w, tty: tty, color: color, final: map[string]string{}}
	for _, s := range plan.Steps {
		d.width = max(d.width, len(s.Name))
	}
	d.width = min(d.width, 32)
	return d
}

const (
	ansiReset = "\x1b[0m"
	ansiGreen = "\x1b[32m"
	ansiRed   = "\x1b[31m"
	ansiDim   = "\x1b[2m"
	ansiYel   = "\x1b[33m"
)

func (d *display) paint(code, s string) string {
	if !d.color {
		return s
	}
	return code + s + ansiReset
}

func (d *display) clearLine() {
	if d.tty && d.running != "" {
		fmt.Fprint(d.w, "\r\x1b[K")
	}
}

func (d *display) callback(ev engine.Event) {
	d.mu.Lock()
	defer d.mu.Unlock()
	switch ev.Kind {
	case engine.EventExecutionStart:
		d.total = ev.Steps
		fmt.Fprintf(d.w, "run %s: %d steps\n", ev.RunID, ev.Steps)
		if d.tty {
			d.stop = make(chan struct{})
			d.ticker = time.NewTicker(200 * time.Millisecond)
			go d.tick(d.ticker, d.stop)
		}
	case engine.EventStepStart:
		d.running, d.started = ev.Step, ev.Time
		d.status()
	case engine.EventStepLog:
		d.clearLine()
		fmt.Fprintf(d.w, "  %s %s\n", d.paint(ansiDim, "["+ev.Step+"]"), ev.Message)
		d.status()
	case engine.EventWarning:
		d.clearLine()
		fmt.Fprintf(d.w, "  %s %s\n", d.paint(ansiYel, "warning:"), ev.Message)
		d.status()
	case engine.EventStepEnd:
		d.clearLine()
		d.running = ""
		d.final[ev.Step] = ev.Status
		word, code := ev.Status, ""
		switch ev.Status {
		case cache.StatusCompleted:
			word, code = "ran", ansiGreen
		case cache.StatusCached:
			code = ansiDim
		case cache.StatusFailed, cache.StatusCanceled:
			code = ansiRed
		}
		dur := ""
		if ev.Status != cache.StatusCached {
			dur = formatDuration(ev.Duration)
		}
		line := fmt.Sprintf("  %-*s  %s  %8s  %s", d.width, ev.Step, d.paint(code, fmt.Sprintf("%-8s", word)), dur, ev.Fingerprint[:12])
		if ev.Status == cache.StatusCached && ev.Reason != "" {
			line += "  (" + ev.Reason + ")"
		}
		if ev.Error != "" {
			line += "\n      " + d.paint(ansiRed, strings.ReplaceAll(ev.Error, "\n", "\n      "))
		}
		fmt.Fprintln(d.w, strings.TrimRight(line, " "))
	case engine.EventExecutionEnd:
		if d.stop != nil {
			d.ticker.Stop()
			close(d.stop)
			d.stop = nil
		}
		d.clearLine()
		counts := map[string]int{}
		for _, st := range d.final {
			counts[st]++
		}
		ran, cached := counts[cache.StatusCompleted], counts[cache.StatusCached]
		var parts []string
		parts = append(parts, fmt.Sprintf("%d ran", ran), fmt.Sprintf("%d cached", cached))
		if n := counts[cache.StatusFailed]; n > 0 {
			parts = append(parts, fmt.Sprintf("%d failed", n))
		}
		if n := counts[cache.StatusCanceled]; n > 0 {
			parts = append(parts, fmt.Sprintf("%d canceled", n))
		}
		if n := d.total - ran - cached - counts[cache.StatusFailed] - counts[cache.StatusCanceled]; n > 0 {
			parts = append(parts, fmt.Sprintf("%d not run", n))
		}
		summary := ev.Status + ": " + strings.Join(parts, ", ")
		if ran == 0 && ev.Status == cache.StatusCompleted {
			summary = fmt.Sprintf("completed: nothing to do, all %d steps cached (inputs unchanged)", cached)
		}
		fmt.Fprintln(d.w, summary)
	}
}

// status redraws the live line; the caller holds d.mu.
func (d *display) status() {
	if !d.tty || d.running == "" {
		return
	}
	el := time.Since(d.started)
	fmt.Fprintf(d.w, "\r\x1b[K  %s running %s (%s)", d.paint(ansiYel, "…"), d.running, formatDuration(el))
}

func (d *display) tick(t *time.Ticker, stop chan struct{}) {
	for {
		select {
		case <-t.C:
			d.mu.Lock()
			d.status()
			d.mu.Unlock()
		case <-stop:
			return
		}
	}
}

func formatDuration(d time.Duration) string {
	switch {
	case d < time.Millisecond:
		return fmt.Sprintf("%dµs", d.Microseconds())
	case d < time.Second:
		return fmt.Sprintf("%dms", d.Milliseconds())
	case d < time.Minute:
		return fmt.Sprintf("%.2fs", d.Seconds())
	default:
		return d.Round(time.Second).String()
	}
}

// jsonEvents writes one JSON object per event.
func jsonEvents(w io.Writer) engine.Callback {
	var mu sync.Mutex
	enc := json.NewEncoder(w)
	return func(ev engine.Event) {
		mu.Lock()
		defer mu.Unlock()
		if ev.Kind == engine.EventStepEnd && ev.DurationS == 0 {
			ev.DurationS = ev.Duration.Seconds()
		}
		out := struct {
			engine.Event
			DurationS *float64 `json:"duration_s,omitempty"`
		}{Event: ev}
		if ev.Kind == engine.EventStepEnd {
			out.DurationS = &ev.DurationS
		}
		enc.Encode(out)
	}
}
