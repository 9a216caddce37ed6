package cwl_test

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/formed-dev/formed/cwl"
)

// TestToolSpecMatchesBuilder decodes a config-shaped tool and checks it
// builds the same document as the Go builder.
func TestToolSpecMatchesBuilder(t *testing.T) {
	const config = `{
		"id": "segment", "label": "Segment images",
		"doc": "Segments every image of a directory.\nWrites one mask per image.",
		"baseCommand": ["python3", "-m", "segment"],
		"arguments": [{"value": "--verbose", "position": 0}, {"value": "$(runtime.cores)", "prefix": "--threads", "position": 1}],
		"inputs": [
			{"id": "images", "type": "Directory", "prefix": "--images", "position": 2, "doc": "input images"},
			{"id": "model", "type": "enum", "symbols": ["cyto", "nuclei"], "prefix": "--model", "default": "cyto"},
			{"id": "diameters", "type": "float[]?", "prefix": "--diameters=", "separate": false, "itemSeparator": ","},
			{"id": "channels", "type": "int[][]?"},
			{"id": "config", "type": "File?", "label": "settings"},
			{"id": "scale", "type": "double", "prefix": "--scale", "valueFrom": "${ return self * 2; }"},
			{"id": "sizes", "type": "enum[]?", "symbols": ["s", "m"]}
		],
		"outputs": [
			{"id": "masks", "type": "File[]", "glob": "*.mask.png"},
			{"id": "config_out", "type": "File?", "fromInput": "config"},
			{"id": "count", "type": "int", "glob": "count.txt", "loadContents": true, "outputEval": "$(parseInt(self[0].contents))"},
			{"id": "log", "type": "stderr"}
		],
		"stderr": "segment.log",
		"docker": "polusai/segment:1.0.0",
		"stage": [{"input": "config", "writable": true}, {"name": "settings.json", "contents": "{\"fast\": true}\n"}],
		"resources": {"coresMin": 2, "ramMin": 4096},
		"gpu": {"cudaVersionMin": "11.4", "cudaComputeCapability": "3.0", "cudaDeviceCountMin": 1},
		"env": {"OMP_NUM_THREADS": "$(runtime.cores)", "LANG": "C.UTF-8"}
	}`
	var spec cwl.ToolSpec
	if err := json.Unmarshal([]byte(config), &spec); err != nil {
		t.Fatal(err)
	}
	got, err := spec.Build()
	if err != nil {
		t.Fatal(err)
	}
	want, err := kitchenSink().Build()
	if err != nil {
		t.Fatal(err)
	}
	gj, _ := cwl.EncodeJSON(got)
	wj, _ := cwl.EncodeJSON(want)
	if string(gj) != string(wj) {
		t.Errorf("ToolSpec built\n%s\nwant (Builder)\n%s", gj, wj)
	}
}

func TestToolSpecRejects(t *testing.T) {
	for _, tc := range []struct {
		spec cwl.ToolSpec
		want string
	}{
		{cwl.ToolSpec{ID: "t", BaseCommand: []string{"x"}, Inputs: []cwl.PortSpec{{ID: "a", Type: "Flie"}}},
			`inputs[0] (a): type "Flie": unknown type "Flie"`},
		{cwl.ToolSpec{ID: "t", BaseCommand: []string{"x"}, Inputs: []cwl.PortSpec{{ID: "a", Type: "enum"}}},
			`an enum needs symbols`},
		{cwl.ToolSpec{ID: "t", BaseCommand: []string{"x"}, Stage: []cwl.StageSpec{{Input: "a", Name: "b"}}},
			`stage[0]: give input, or name and contents, not both`},
		{cwl.ToolSpec{ID: "t", BaseCommand: []string{"x"}, Raw: map[string]any{"$import": "x.yml"}},
			`raw key "$import"`},
	} {
		_, err := tc.spec.Build()
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Build(%+v) error = %v, want it to contain %q", tc.spec, err, tc.want)
		}
	}
}

func TestParseType(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want cwl.Type
	}{
		{"File", cwl.File},
		{"string?", cwl.String.Opt()},
		{"int[]", cwl.Array(cwl.Int)},
		{"File[]?", cwl.Array(cwl.File).Opt()},
		{"Directory[][]", cwl.Array(cwl.Array(cwl.Directory))},
	} {
		got, err := cwl.ParseType(tc.in, nil)
		if err != nil || !reflect.DeepEqual(got, tc.want) {
			t.Errorf("ParseType(%q) = %+v, %v; want %+v", tc.in, got, err, tc.want)
		}
		if got.String() != tc.in {
			t.Errorf("ParseType(%q).String() = %q", tc.in, got.String())
		}
		js, err := json.Marshal(got)
		if err != nil {
			t.Fatal(err)
		}
		var back cwl.Type
		if err := json.Unmarshal(js, &back); err != nil || !reflect.DeepEqual(back, got) {
			t.Errorf("%s round-tripped through %s to %+v, %v", tc.in, js, back, err)
		}
	}
}
