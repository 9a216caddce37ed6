package registry

// An Option sets a property of a step or implementation at registration.
type Option func(*options)

type options struct {
	version       string
	format        string
	description   string
	deterministic *bool
	cacheable     *bool
}

// Version sets the step's code version by hand. Change it when the step's
// behaviour changes; it overrides automatic code-change detection.
func Version(v string) Option { return func(o *options) { o.version = v } }

// Deterministic says whether the same arguments always give the same
// result. Steps are deterministic unless told otherwise.
func Deterministic(d bool) Option { return func(o *options) { o.deterministic = &d } }

// Cacheable says whether the step's results are stored. Unset, a step is
// cacheable exactly when it is deterministic.
func Cacheable(c bool) Option { return func(o *options) { o.cacheable = &c } }

// Format names the formats codec that stores the step's result.
func Format(name string) Option { return func(o *options) { o.format = name } }

// Description documents the step or implementation for the JSON Schema
// and the command line.
func Description(d string) Option { return func(o *options) { o.description = d } }
