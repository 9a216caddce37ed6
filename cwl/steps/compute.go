package steps

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/formed-dev/formed/cwl"
	"github.com/formed-dev/formed/cwl/payload"
	"github.com/formed-dev/formed/cwl/submit"
	"github.com/formed-dev/formed/registry"
)

// PayloadArgs are the arguments of compute_payload.
type PayloadArgs struct {
	// ID identifies the run on the service; it defaults to the workflow id.
	ID string `json:"id,omitempty"`
	// Workflow is a compiled workflow, such as ref 'wf.workflow'.
	Workflow cwl.Workflow `json:"workflow"`
	// Inputs are its job inputs, such as ref 'wf.inputs'.
	Inputs map[string]any `json:"inputs,omitempty"`
	// ComputeConfig holds toilConfig, outputConfig and slurmConfig.
	ComputeConfig *payload.ComputeConfig `json:"computeConfig,omitempty"`
}

// Payload is the compute_payload step.
func Payload(ctx context.Context, in PayloadArgs) (payload.Payload, error) {
	p, err := payload.New(in.ID, in.Workflow, in.Inputs, in.ComputeConfig)
	if err != nil {
		return payload.Payload{}, fmt.Errorf("payload for workflow %s: %w", in.Workflow.ID, err)
	}
	return *p, nil
}

// SubmitArgs are the arguments of compute_submit.
type SubmitArgs struct {
	// URL is where the payload is POSTed.
	URL string `json:"url"`
	// Payload is a compute_payload result.
	Payload payload.Payload `json:"payload"`
	// Interval is the time between status requests, as a Go duration.
	Interval string `json:"interval,omitempty" jsonschema:"default=5s"`
	// Timeout bounds the submission and polling, as a Go duration.
	Timeout string `json:"timeout,omitempty" jsonschema:"default=10m"`
}

// Submit is the compute_submit step.
func Submit(ctx context.Context, in SubmitArgs) (submit.Result, error) {
	if in.URL == "" {
		return submit.Result{}, fmt.Errorf("compute_submit: url is empty; give the compute service's workflow URL")
	}
	interval, err := duration("interval", in.Interval, 5*time.Second)
	if err != nil {
		return submit.Result{}, err
	}
	timeout, err := duration("timeout", in.Timeout, 10*time.Minute)
	if err != nil {
		return submit.Result{}, err
	}
	if err := in.Payload.Validate(); err != nil {
		return submit.Result{}, fmt.Errorf("compute_submit: payload %s: %w", in.Payload.ID, err)
	}
	body, err := json.Marshal(in.Payload)
	if err != nil {
		return submit.Result{}, err
	}
	c := &submit.Client{URL: in.URL, Interval: interval, Timeout: timeout, Logger: registry.Logger(ctx)}
	res, err := c.Submit(ctx, in.Payload.ID, body)
	if err != nil {
		return submit.Result{}, err
	}
	return *res, nil
}

func duration(field, s string, def time.Duration) (time.Duration, error) {
	if s == "" {
		return def, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d <= 0 {
		return 0, fmt.Errorf("compute_submit: %s %q: want a positive Go duration such as 5s or 10m", field, s)
	}
	return d, nil
}
