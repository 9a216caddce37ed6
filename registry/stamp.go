package registry

import "context"

// Stamper is implemented by argument structs of steps that read something
// besides their arguments: files, a directory, a URL. When planning, the
// engine decodes the arguments and calls Stamp, and the result becomes part
// of the step's fingerprint, so the step (and everything downstream) reruns
// exactly when the outside input changed, and is cached otherwise.
//
// Stamp should be cheap next to the step itself and must change whenever
// the input does: a content hash is safest; sizes and modification times
// are faster. A stamped step's arguments cannot contain refs, since they
// are decoded before anything runs.
type Stamper interface {
	Stamp(ctx context.Context) (string, error)
}
