package submit_test

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/formed-dev/formed/cwl/submit"
)

// service is a fake compute service: it answers status requests from
// statuses in turn, repeating the last.
type service struct {
	t        *testing.T
	statuses []string
	postCode int
	delay    time.Duration
	mu       sync.Mutex
	posted   []byte
	polls    int
}

func (s *service) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if s.delay > 0 {
		select {
		case <-time.After(s.delay):
		case <-r.Context().Done():
			return
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case r.Method == http.MethodPost && r.URL.Path == "/compute/":
		if ct := r.Header.Get("Content-Type"); ct != "application/json" {
			s.t.Errorf("POST Content-Type = %q, want application/json", ct)
		}
		s.posted, _ = io.ReadAll(r.Body)
		if s.postCode != 0 {
			http.Error(w, "payload rejected: cwlJobInputs is required", s.postCode)
			return
		}
		w.WriteHeader(http.StatusCreated)
		io.WriteString(w, `{"id": "wf1"}`)
	case r.Method == http.MethodGet && r.URL.Path == "/compute/wf1/status/":
		st := s.statuses[min(s.polls, len(s.statuses)-1)]
		s.polls++
		json.NewEncoder(w).Encode(map[string]string{"status": st, "message": "toil: job wc failed: exit 1"})
	case r.Method == http.MethodGet && r.URL.Path == "/compute/wf1/logs/":
		io.WriteString(w, "step wc started\nstep wc done\n")
	default:
		s.t.Errorf("unexpected request %s %s", r.Method, r.URL.Path)
		http.NotFound(w, r)
	}
}

func start(t *testing.T, s *service) *submit.Client {
	t.Helper()
	s.t = t
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	return &submit.Client{URL: srv.URL + "/compute/", Interval: time.Millisecond, Timeout: 5 * time.Second}
}

func TestSubmitSucceeds(t *testing.T) {
	for _, final := range []string{"RUNNING", "completed"} {
		t.Run(final, func(t *testing.T) {
			s := &service{statuses: []string{"PENDING", "SUBMITTED", final}}
			c := start(t, s)
			res, err := c.Submit(t.Context(), "wf1", []byte(`{"id":"wf1"}`))
			if err != nil {
				t.Fatal(err)
			}
			if want := strings.ToUpper(final); res.Status != want || res.ID != "wf1" || !strings.Contains(res.Logs, "step wc done") {
				t.Errorf("Submit = %+v, want status %s with the logs", res, want)
			}
			if string(s.posted) != `{"id":"wf1"}` {
				t.Errorf("posted %s", s.posted)
			}
			if s.polls != 3 {
				t.Errorf("polled %d times, want 3", s.polls)
			}
		})
	}
}

func TestSubmitFails(t *testing.T) {
	for _, tc := range []struct {
		name    string
		s       *service
		timeout time.Duration
		want    []string
		is      error
	}{
		{"error status", &service{statuses: []string{"PENDING", "ERROR"}}, 5 * time.Second,
			[]string{"workflow wf1 ERROR", "toil: job wc failed: exit 1"}, submit.ErrFailed},
		{"cancelled", &service{statuses: []string{"CANCELLED"}}, 5 * time.Second,
			[]string{"workflow wf1 CANCELLED"}, submit.ErrFailed},
		{"non-2xx answer", &service{statuses: []string{"PENDING"}, postCode: http.StatusBadRequest}, 5 * time.Second,
			[]string{"400 Bad Request", "payload rejected: cwlJobInputs is required"}, nil},
		{"never finishes", &service{statuses: []string{"PENDING"}}, 500 * time.Millisecond,
			[]string{"workflow wf1 still PENDING after 500ms", "raise the timeout"}, submit.ErrTimeout},
		{"slow service", &service{statuses: []string{"COMPLETED"}, delay: time.Second}, 200 * time.Millisecond,
			[]string{"workflow wf1 not accepted after 200ms"}, submit.ErrTimeout},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := start(t, tc.s)
			c.Timeout = tc.timeout
			res, err := c.Submit(t.Context(), "wf1", []byte(`{}`))
			if err == nil {
				t.Fatalf("Submit = %+v, want an error", res)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error = %v\nwant it to contain %q", err, w)
				}
			}
			if tc.is != nil && !errors.Is(err, tc.is) {
				t.Errorf("error %v is not %v", err, tc.is)
			}
			var he *submit.HTTPError
			if tc.name == "non-2xx answer" && (!errors.As(err, &he) || he.StatusCode != 400) {
				t.Errorf("error %v is not an *HTTPError with code 400", err)
			}
		})
	}
}

func TestSubmitSlowButInTime(t *testing.T) {
	s := &service{statuses: []string{"PENDING", "RUNNING"}, delay: 20 * time.Millisecond}
	c := start(t, s)
	res, err := c.Submit(t.Context(), "wf1", []byte(`{}`))
	if err != nil || res.Status != submit.Running {
		t.Fatalf("Submit = %+v, %v; want RUNNING", res, err)
	}
}
