// Package cwl authors Common Workflow Language (CWL) v1.2 documents in Go.
//
// A Builder assembles a CommandLineTool port by port and checks it, before
// anything runs, for what CWL runners would reject: duplicate ports, an
// output bound both by glob and from an input, raw keys that start with '$',
// requirement classes from undeclared namespaces. Compile wires tools into a
// Workflow with Sophios' naming and returns the job inputs beside it.
//
// Documents are plain structs whose JSON encoding is deterministic (fields in
// CWL's customary order, maps by sorted key), so emitted documents can be
// golden-tested; JSON is valid CWL, and EncodeYAML writes the same document
// as block YAML.
//
//	b := cwl.NewTool("wc").BaseCommand("wc").Stdin("$(inputs.text.path)").Stdout("counts.txt")
//	b.Input("text", cwl.File)
//	b.Output("counts", cwl.Stdout)
//	tool, err := b.Build()
package cwl
