package schema

import (
	"encoding/json"
	"fmt"
	"sort"
)

// StepNames returns the sorted step names of a config given as JSON (a
// Jsonnet config once evaluated), for Options.StepNames.
func StepNames(config []byte) ([]string, error) {
	var c struct {
		Steps map[string]json.RawMessage `json:"steps"`
	}
	if err := json.Unmarshal(config, &c); err != nil {
		return nil, fmt.Errorf("schema: step names: %w", err)
	}
	names := make([]string, 0, len(c.Steps))
	for n := range c.Steps {
		names = append(names, n)
	}
	sort.Strings(names)
	return names, nil
}
