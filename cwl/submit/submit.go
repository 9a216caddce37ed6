// Package submit sends a compute payload to a compute service and follows
// the workflow until the service reports it running or finished.
//
// The protocol: POST the payload to the service URL; GET
// {url}/{id}/status/ until the status is RUNNING, COMPLETED, ERROR or
// CANCELLED; GET {url}/{id}/logs/.
package submit

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Statuses that end the polling.
const (
	Running   = "RUNNING"
	Completed = "COMPLETED"
	Error     = "ERROR"
	Cancelled = "CANCELLED"
)

// ErrFailed is returned, wrapped, when the service reports the workflow
// ERROR or CANCELLED.
var ErrFailed = errors.New("workflow failed on the compute service")

// ErrTimeout is returned, wrapped, when the workflow reaches no final
// status within the client's timeout.
var ErrTimeout = errors.New("timed out waiting for the compute service")

// HTTPError is a non-2xx answer from the service.
type HTTPError struct {
	Method, URL string
	StatusCode  int
	// Body is the start of the answer's body.
	Body string
}

func (e *HTTPError) Error() string {
	return fmt.Sprintf("%s %s: %d %s: %s", e.Method, e.URL, e.StatusCode, http.StatusText(e.StatusCode), e.Body)
}

// Client submits payloads to the service at URL.
type Client struct {
	// URL is where payloads are POSTed; status and logs live under it.
	URL string
	// HTTP is the HTTP client; nil means http.DefaultClient.
	HTTP *http.Client
	// Interval is the time between status requests; 0 means 5s.
	Interval time.Duration
	// Timeout bounds the whole submission; 0 means 10 minutes.
	Timeout time.Duration
	// Logger receives progress; nil means no logging.
	Logger *slog.Logger
}

// Result is what the service said about a submitted workflow.
type Result struct {
	ID string `json:"id"`
	// Status is the last status: RUNNING or COMPLETED.
	Status string `json:"status"`
	// Logs is the body of the logs endpoint.
	Logs string `json:"logs"`
}

// Submit POSTs payload (JSON) for the workflow id and polls its status.
// It returns when the status is RUNNING or COMPLETED, with the logs; on
// ERROR or CANCELLED it returns an error wrapping ErrFailed that carries
// the service's message.
func (c *Client) Submit(ctx context.Context, id string, payload []byte) (*Result, error) {
	interval, timeout := c.Interval, c.Timeout
	if interval <= 0 {
		interval = 5 * time.Second
	}
	if timeout <= 0 {
		timeout = 10 * time.Minute
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	log := c.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	base := strings.TrimSuffix(c.URL, "/")
	wrap := func(err error, status string) error {
		if errors.Is(err, context.DeadlineExceeded) && ctx.Err() != nil {
			return fmt.Errorf("compute service %s: workflow %s %s after %v: %w (raise the timeout or check the service)", c.URL, id, status, timeout, ErrTimeout)
		}
		return fmt.Errorf("compute service %s: workflow %s: %w", c.URL, id, err)
	}

	if _, err := c.do(ctx, http.MethodPost, c.URL, payload); err != nil {
		return nil, wrap(err, "not accepted")
	}
	log.Info("submitted workflow", "id", id, "url", c.URL)
	statusURL := base + "/" + url.PathEscape(id) + "/status/"
	status := "not yet reported"
	var body []byte
	for {
		var err error
		body, err = c.do(ctx, http.MethodGet, statusURL, nil)
		if err != nil {
			return nil, wrap(err, "still "+status)
		}
		status = parseStatus(body)
		log.Debug("workflow status", "id", id, "status", status)
		if status == Running || status == Completed || status == Error || status == Cancelled {
			break
		}
		t := time.NewTimer(interval)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, wrap(ctx.Err(), "still "+status)
		case <-t.C:
		}
	}
	logs, logErr := c.do(ctx, http.MethodGet, base+"/"+url.PathEscape(id)+"/logs/", nil)
	if status == Error || status == Cancelled {
		msg := message(body)
		if msg == "" {
			msg = tail(string(logs), 20)
		}
		if msg == "" && logErr != nil {
			msg = "no message; the logs were not readable: " + logErr.Error()
		}
		return nil, fmt.Errorf("compute service %s: workflow %s %s: %s: %w", c.URL, id, status, msg, ErrFailed)
	}
	if logErr != nil {
		return nil, wrap(logErr, status+" but its logs were not readable")
	}
	log.Info("workflow accepted", "id", id, "status", status)
	return &Result{ID: id, Status: status, Logs: string(logs)}, nil
}

// do sends one request and returns the body of a 2xx answer.
func (c *Client) do(ctx context.Context, method, u string, body []byte) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, method, u, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Accept", "application/json")
	hc := c.HTTP
	if hc == nil {
		hc = http.DefaultClient
	}
	resp, err := hc.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 16<<20))
	if err != nil {
		return nil, fmt.Errorf("%s %s: read answer: %w", method, u, err)
	}
	if resp.StatusCode/100 != 2 {
		return nil, &HTTPError{Method: method, URL: u, StatusCode: resp.StatusCode, Body: tail(string(data), 10)}
	}
	return data, nil
}

// parseStatus reads {"status": "..."}, a JSON string or plain text.
func parseStatus(body []byte) string {
	var obj map[string]any
	if json.Unmarshal(body, &obj) == nil {
		for _, k := range []string{"status", "state"} {
			if s, ok := obj[k].(string); ok {
				return strings.ToUpper(strings.TrimSpace(s))
			}
		}
		return "UNKNOWN"
	}
	var s string
	if json.Unmarshal(body, &s) == nil {
		return strings.ToUpper(strings.TrimSpace(s))
	}
	return strings.ToUpper(strings.TrimSpace(string(body)))
}

// message returns the service's explanation in a status answer.
func message(body []byte) string {
	var obj map[string]any
	if json.Unmarshal(body, &obj) != nil {
		return ""
	}
	for _, k := range []string{"message", "error", "detail", "reason"} {
		if s, ok := obj[k].(string); ok && s != "" {
			return s
		}
	}
	return ""
}

// tail returns the last n lines of s, trimmed.
func tail(s string, n int) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
