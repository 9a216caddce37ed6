package cwl

import (
	"bytes"
	"encoding/json"
	"fmt"

	"go.yaml.in/yaml/v3"
)

// EncodeJSON encodes v as indented JSON with a final newline. Struct
// fields keep their order and map keys are sorted, so equal documents
// give equal bytes.
func EncodeJSON(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// EncodeYAML encodes v as block-style YAML with the key order of
// EncodeJSON.
func EncodeYAML(v any) ([]byte, error) {
	data, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	var node yaml.Node
	if err := yaml.Unmarshal(data, &node); err != nil {
		return nil, fmt.Errorf("re-read JSON as YAML: %w", err)
	}
	blockStyle(&node)
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(&node); err != nil {
		return nil, err
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// blockStyle clears the flow and quoting styles that JSON input gave the
// nodes, keeping quotes only where a string would otherwise read as
// another type.
func blockStyle(n *yaml.Node) {
	if n.Kind == yaml.ScalarNode {
		if n.Tag == "!!str" {
			var probe yaml.Node
			// An unquoted string that re-reads as a number, bool or null
			// keeps its quotes; the encoder quotes the rest as needed.
			if yaml.Unmarshal([]byte(n.Value), &probe) == nil && len(probe.Content) == 1 &&
				probe.Content[0].Kind == yaml.ScalarNode && probe.Content[0].Tag != "!!str" {
				n.Style = yaml.DoubleQuotedStyle
				return
			}
		}
		n.Style = 0
		return
	}
	n.Style = 0
	for _, c := range n.Content {
		blockStyle(c)
	}
}
