// Command gobuilder authors the examples/cwl workflow in Go with the cwl
// builder instead of Jsonnet, and writes the documents Sophios'
// integrated mode writes: each tool's .cwl, the workflow's .cwl and
// _inputs.yml, and the compute payload's .json.
//
//	go run ./examples/cwl/gobuilder -out /tmp/cwl
//	cwltool /tmp/cwl/count_and_checksum.cwl /tmp/cwl/count_and_checksum_inputs.yml
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/formed-dev/formed/cwl"
	"github.com/formed-dev/formed/cwl/payload"
	"github.com/formed-dev/formed/cwl/steps"
)

// Documents are what the example emits.
type Documents struct {
	Tools    []cwl.CommandLineTool
	Compiled *cwl.Compiled
	Payload  *payload.Payload
}

// build authors the two tools, compiles the workflow over the file data
// and builds its payload.
func build(data string) (*Documents, error) {
	wordcount, err := cwl.NewTool("wordcount").
		Label("Count lines, words and bytes").
		BaseCommand("wc").
		Input("text", cwl.File, cwl.Doc("the file to count")).
		Stdin("$(inputs.text.path)").
		Stdout("counts.txt").
		Output("counts", cwl.Stdout).
		Build()
	if err != nil {
		return nil, err
	}
	checksum, err := cwl.NewTool("checksum").
		Label("SHA checksum of a file").
		Doc("Prints the checksum of the file read from standard input, as shasum -a ALGORITHM does.").
		BaseCommand("shasum").
		Input("algorithm", cwl.Int, cwl.Default(256), cwl.Prefix("-a"), cwl.Doc("SHA algorithm: 1, 224, 256, 384 or 512")).
		Input("file", cwl.File).
		Stdin("$(inputs.file.path)").
		Stdout("checksum.txt").
		Output("checksum", cwl.Stdout).
		Resources(cwl.Resources{CoresMin: 1, RAMMin: 64}).
		Build()
	if err != nil {
		return nil, err
	}
	tools := []cwl.CommandLineTool{*wordcount, *checksum}
	compiled, err := cwl.Compile(cwl.WorkflowSpec{
		ID:    "count_and_checksum",
		Label: "Count the words of a file, then checksum the counts",
		Tools: tools,
		Steps: []cwl.StepSpec{
			{Tool: "wordcount", In: map[string]cwl.Bind{"text": {Input: "data"}}},
			{Tool: "checksum", In: map[string]cwl.Bind{"file": {Source: "wordcount/counts"}, "algorithm": {Value: 256}}},
		},
		Inputs: map[string]any{"data": data},
	})
	if err != nil {
		return nil, err
	}
	p, err := payload.New("", compiled.Workflow, compiled.Inputs, &payload.ComputeConfig{
		ToilConfig:   &payload.ToilConfig{LogLevel: "INFO"},
		OutputConfig: &payload.OutputConfig{Mode: payload.ServiceDefault},
		SlurmConfig: &payload.SlurmConfig{JobName: "count_and_checksum", Partition: "normal",
			CPUsPerTask: 1, Time: "0:10:00", Memory: "1G"},
	})
	if err != nil {
		return nil, err
	}
	return &Documents{Tools: tools, Compiled: compiled, Payload: p}, nil
}

// write writes the documents into dir as the cwl_write step does, and
// returns the file names.
func (d *Documents) write(dir string) ([]string, error) {
	res, err := steps.Write(context.Background(), steps.WriteArgs{
		Dir: dir, Tools: d.Tools, Workflow: &d.Compiled.Workflow, Inputs: d.Compiled.Inputs, Payload: d.Payload,
	})
	return res.Files, err
}

func main() {
	out := flag.String("out", ".", "directory to write the documents to")
	data := flag.String("data", "", "the input file (default: examples/cwl/data/hello.txt, from the repository root); made absolute")
	flag.Parse()
	if *data == "" {
		*data = "examples/cwl/data/hello.txt"
	}
	abs, err := filepath.Abs(*data)
	if err != nil {
		fmt.Fprintln(os.Stderr, "gobuilder:", err)
		os.Exit(1)
	}
	docs, err := build(abs)
	if err != nil {
		fmt.Fprintln(os.Stderr, "gobuilder:", err)
		os.Exit(1)
	}
	names, err := docs.write(*out)
	if err != nil {
		fmt.Fprintln(os.Stderr, "gobuilder:", err)
		os.Exit(1)
	}
	for _, n := range names {
		fmt.Println(n)
	}
}
