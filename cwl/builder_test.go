package cwl_test

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/formed-dev/formed/cwl"
	"github.com/formed-dev/formed/cwl/internal/cwltest"
)

// kitchenSink uses every feature of the Builder.
func kitchenSink() *cwl.Builder {
	b := cwl.NewTool("segment").
		Label("Segment images").
		Doc("Segments every image of a directory.\nWrites one mask per image.").
		BaseCommand("python3", "-m", "segment").
		Argument("--verbose", cwl.Position(0)).
		Argument("$(runtime.cores)", cwl.Prefix("--threads"), cwl.Position(1)).
		Input("images", cwl.Directory, cwl.Prefix("--images"), cwl.Position(2), cwl.Doc("input images")).
		Input("model", cwl.Enum("cyto", "nuclei"), cwl.Prefix("--model"), cwl.Default("cyto")).
		Input("diameters", cwl.Array(cwl.Float).Opt(), cwl.Prefix("--diameters="), cwl.Separate(false), cwl.ItemSeparator(",")).
		Input("channels", cwl.Array(cwl.Array(cwl.Int)).Opt()).
		Input("config", cwl.File.Opt(), cwl.Label("settings")).
		Input("scale", cwl.Double, cwl.Prefix("--scale"), cwl.ValueFrom("${ return self * 2; }")).
		Input("sizes", cwl.Array(cwl.Enum("s", "m")).Opt()).
		Output("masks", cwl.Array(cwl.File), cwl.Glob("*.mask.png")).
		Output("config_out", cwl.File.Opt(), cwl.FromInput("config")).
		Output("count", cwl.Int, cwl.Glob("count.txt"), cwl.LoadContents(), cwl.OutputEval("$(parseInt(self[0].contents))")).
		Output("log", cwl.Stderr).
		Stderr("segment.log").
		Docker("polusai/segment:1.0.0").
		Stage("config", true).
		WriteFile("settings.json", "{\"fast\": true}\n", false).
		Resources(cwl.Resources{CoresMin: 2, RAMMin: 4096}).
		GPU(cwl.CUDA{VersionMin: "11.4", ComputeCapability: "3.0", DeviceCountMin: 1}).
		Env("OMP_NUM_THREADS", "$(runtime.cores)").
		Env("LANG", "C.UTF-8")
	return b
}

// examples are the tools whose documents are golden-tested and given to
// cwltool --validate.
func examples(t *testing.T) map[string]*cwl.CommandLineTool {
	t.Helper()
	sink, err := kitchenSink().Build()
	if err != nil {
		t.Fatal(err)
	}
	wc, err := cwl.NewTool("wc").BaseCommand("wc").
		Input("text", cwl.File).Stdin("$(inputs.text.path)").
		Output("counts", cwl.Stdout).Stdout("counts.txt").Build()
	if err != nil {
		t.Fatal(err)
	}
	return map[string]*cwl.CommandLineTool{"segment": sink, "wc": wc}
}

func TestBuildGolden(t *testing.T) {
	for name, tool := range examples(t) {
		t.Run(name, func(t *testing.T) {
			js, err := cwl.EncodeJSON(tool)
			if err != nil {
				t.Fatal(err)
			}
			cwltest.Golden(t, name+".json", js)
			y, err := cwl.EncodeYAML(tool)
			if err != nil {
				t.Fatal(err)
			}
			cwltest.Golden(t, name+".cwl", y)

			var back cwl.CommandLineTool
			if err := json.Unmarshal(js, &back); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(&back, tool) {
				t.Errorf("JSON round trip changed the tool:\ngot  %+v\nwant %+v", back, *tool)
			}
		})
	}
}

func TestBuildAddsInlineJavascriptOnlyForExpressions(t *testing.T) {
	for _, tc := range []struct {
		valueFrom string
		want      bool
	}{
		{"$(inputs.x.path)", false},
		{"$(inputs['x'].basename)", false},
		{"$(self[0])", false},
		{"plain", false},
		{"$(inputs.x.path.split('/'))", true},
		{"${ return 1; }", true},
		{"$(1 + 2)", true},
	} {
		tool, err := cwl.NewTool("t").BaseCommand("echo").Input("x", cwl.File, cwl.Position(1), cwl.ValueFrom(tc.valueFrom)).Build()
		if err != nil {
			t.Fatal(err)
		}
		got := len(tool.Requirements) == 1 && tool.Requirements[0].Class == cwl.InlineJavascriptRequirement
		if got != tc.want {
			t.Errorf("valueFrom %q: InlineJavascriptRequirement added = %v, want %v", tc.valueFrom, got, tc.want)
		}
	}
}

func TestBuildRejects(t *testing.T) {
	for _, tc := range []struct {
		name string
		b    *cwl.Builder
		want string
	}{
		{"duplicate input", cwl.NewTool("t").BaseCommand("x").Input("a", cwl.File).Input("a", cwl.String),
			"input a declared twice"},
		{"duplicate output", cwl.NewTool("t").BaseCommand("x").Output("o", cwl.Stdout).Output("o", cwl.Stdout),
			"output o declared twice"},
		{"input and output share an id", cwl.NewTool("t").BaseCommand("x").Input("a", cwl.File).Output("a", cwl.Stdout),
			"output a has the id of an input"},
		{"glob and fromInput", cwl.NewTool("t").BaseCommand("x").Input("a", cwl.File).Output("o", cwl.File, cwl.Glob("*"), cwl.FromInput("a")),
			`output o: both glob "*" and fromInput "a"`},
		{"fromInput of a missing input", cwl.NewTool("t").BaseCommand("x").Output("o", cwl.File, cwl.FromInput("nope")),
			`fromInput names "nope", which is not an input`},
		{"$import raw key", cwl.NewTool("t").BaseCommand("x").Raw("$import", "other.cwl"),
			`raw key "$import": keys starting with '$' are preprocessing directives`},
		{"unprefixed raw key", cwl.NewTool("t").BaseCommand("x").Raw("color", "red"),
			`raw key "color": CWL rejects unknown fields`},
		{"undeclared namespace", cwl.NewTool("t").BaseCommand("x").Hint(cwl.Requirement{Class: "sbg:Magic"}),
			`hint class sbg:Magic: namespace prefix "sbg" is not declared`},
		{"option on the wrong port", cwl.NewTool("t").BaseCommand("x").Input("a", cwl.File, cwl.Glob("*")),
			"input a: option Glob does not apply to an input"},
		{"stdout input", cwl.NewTool("t").BaseCommand("x").Input("a", cwl.Stdout),
			"input a: type stdout is for outputs only"},
		{"bad port id", cwl.NewTool("t").BaseCommand("x").Input("a b", cwl.File),
			`input id "a b"`},
		{"duplicate enum symbol", cwl.NewTool("t").BaseCommand("x").Input("a", cwl.Enum("x", "x")),
			`enum symbol "x" twice`},
		{"nothing to run", cwl.NewTool("t"), "no baseCommand and no arguments"},
		{"no id", cwl.NewTool("").BaseCommand("x"), "no id"},
		{"docker without image", cwl.NewTool("t").BaseCommand("x").Docker(""), "no dockerPull"},
		{"duplicate requirement", cwl.NewTool("t").BaseCommand("x").Docker("a").Docker("b"), "requirement DockerRequirement given twice"},
		{"$include in a requirement", cwl.NewTool("t").BaseCommand("x").Requirement(cwl.Requirement{Class: "SchemaDefRequirement", Extra: map[string]any{"$include": "types.yml"}}),
			`requirement SchemaDefRequirement: raw key "$include"`},
		{"bad env name", cwl.NewTool("t").BaseCommand("x").Env("1X", "y"), `"1X" is not an environment variable name`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tool, err := tc.b.Build()
			if err == nil {
				t.Fatalf("Build() = %+v, want an error containing %q", tool, tc.want)
			}
			if !errors.Is(err, cwl.ErrInvalid) {
				t.Errorf("error %v is not ErrInvalid", err)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error = %v\nwant it to contain %q", err, tc.want)
			}
		})
	}
}

func TestBuildListsEveryProblem(t *testing.T) {
	_, err := cwl.NewTool("t").Input("a", cwl.File).Input("a", cwl.File).Raw("$mixin", 1).Build()
	var inv *cwl.InvalidError
	if !errors.As(err, &inv) {
		t.Fatalf("error %v is not an *InvalidError", err)
	}
	if len(inv.Problems) != 3 {
		t.Errorf("got %d problems, want 3:\n%v", len(inv.Problems), err)
	}
}

func TestBuildAcceptsOtherRequirementClasses(t *testing.T) {
	tool, err := cwl.NewTool("t").BaseCommand("samtools").
		Hint(cwl.Requirement{Class: "SoftwareRequirement", Extra: map[string]any{"packages": []any{map[string]any{"package": "samtools"}}}}).
		Build()
	if err != nil {
		t.Fatal(err)
	}
	js, _ := json.Marshal(tool.Hints[0])
	if want := `{"class":"SoftwareRequirement","packages":[{"package":"samtools"}]}`; string(js) != want {
		t.Errorf("hint = %s, want %s", js, want)
	}
}
