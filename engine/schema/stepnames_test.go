package schema_test

import (
	"slices"
	"testing"

	"github.com/formed-dev/formed/engine/schema"
)

func TestStepNames(t *testing.T) {
	for _, tc := range []struct {
		config string
		want   []string
		err    bool
	}{
		{`{"steps": {"train": {}, "data": {}, "eval": {}}}`, []string{"data", "eval", "train"}, false},
		{`{"steps": {}}`, []string{}, false},
		{`{}`, []string{}, false},
		{`{"steps": [1]}`, nil, true},
		{`not json`, nil, true},
	} {
		got, err := schema.StepNames([]byte(tc.config))
		if (err != nil) != tc.err {
			t.Errorf("StepNames(%s) error = %v, want error %v", tc.config, err, tc.err)
			continue
		}
		if !tc.err && !slices.Equal(got, tc.want) {
			t.Errorf("StepNames(%s) = %q, want %q", tc.config, got, tc.want)
		}
	}
}
