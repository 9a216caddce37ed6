package engine

import (
	"context"
	"fmt"

	"github.com/formed-dev/formed/cache"
)

// Restore reads step name's stored result from o, verified, without
// running anything. It returns an error wrapping cache.ErrNotFound when the
// step is not cached.
func Restore(ctx context.Context, p *Plan, o cache.Organizer, name string) (any, error) {
	ps, ok := p.Step(name)
	if !ok {
		return nil, fmt.Errorf("no step %q in the plan", name)
	}
	ex := &executor{plan: p, org: o, values: map[string]any{}}
	return ex.restore(ctx, ps)
}
