package cwl_test

import (
	"fmt"
	"os"

	"github.com/formed-dev/formed/cwl"
)

func ExampleBuilder() {
	tool, err := cwl.NewTool("wc").
		BaseCommand("wc", "-l").
		Input("text", cwl.File, cwl.Position(1)).
		Input("mode", cwl.Enum("fast", "exact").Opt(), cwl.Prefix("--mode")).
		Stdout("lines.txt").
		Output("lines", cwl.Stdout).
		Build()
	if err != nil {
		fmt.Println(err)
		return
	}
	doc, _ := cwl.EncodeYAML(tool)
	os.Stdout.Write(doc)
	// Output:
	// cwlVersion: v1.2
	// class: CommandLineTool
	// id: wc
	// baseCommand:
	//   - wc
	//   - -l
	// inputs:
	//   - id: text
	//     type: File
	//     inputBinding:
	//       position: 1
	//   - id: mode
	//     type:
	//       - "null"
	//       - type: enum
	//         symbols:
	//           - fast
	//           - exact
	//     inputBinding:
	//       prefix: --mode
	// outputs:
	//   - id: lines
	//     type: stdout
	// stdout: lines.txt
}

func ExampleBuilder_rejects() {
	_, err := cwl.NewTool("copy").BaseCommand("cp").
		Input("src", cwl.File, cwl.Position(1)).
		Output("src", cwl.File, cwl.Glob("*"), cwl.FromInput("src")).
		Raw("$import", "defaults.yml").
		Build()
	fmt.Println(err)
	// Output:
	// cwl: CommandLineTool "copy" is invalid:
	// 	- output src: both glob "*" and fromInput "src"; an output comes from one place, so keep one
	// 	- raw key "$import": keys starting with '$' are preprocessing directives ($import, $include, $mixin) that formed does not support; inline the content instead
}

func ExampleCompile() {
	wc, _ := cwl.NewTool("wc").BaseCommand("wc").Input("text", cwl.File).Stdin("$(inputs.text.path)").
		Output("counts", cwl.Stdout).Build()
	c, err := cwl.Compile(cwl.WorkflowSpec{
		ID:    "count",
		Tools: []cwl.CommandLineTool{*wc},
		Steps: []cwl.StepSpec{{Tool: "wc", In: map[string]cwl.Bind{"text": {Value: "notes.txt"}}}},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(c.Workflow.Steps[0].ID)
	fmt.Println(c.Workflow.Outputs[0].ID)
	fmt.Println(c.Inputs)
	// Output:
	// count__step__1__wc
	// count__step__1__wc___counts
	// map[count__step__1__wc___text:map[class:File location:notes.txt]]
}
