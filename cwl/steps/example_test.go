package steps_test

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/formed-dev/formed/cwl"
	"github.com/formed-dev/formed/cwl/internal/cwltest"
	"github.com/formed-dev/formed/cwl/payload"
	_ "github.com/formed-dev/formed/cwl/steps"
)

const exampleConfig = "../../examples/cwl/config.jsonnet"

// checkOutputs checks the example workflow's output object against counts
// and a checksum computed here.
func checkOutputs(t *testing.T, out map[string]any, dir string) {
	t.Helper()
	data, err := os.ReadFile("../../examples/cwl/data/hello.txt")
	if err != nil {
		t.Fatal(err)
	}
	read := func(id string) string {
		f, ok := out[id].(map[string]any)
		if !ok {
			t.Fatalf("output object has no %s: %v", id, out)
		}
		path, _ := f["path"].(string)
		if filepath.Dir(path) != dir {
			t.Errorf("output %s is at %s, want it in the step's work directory %s", id, path, dir)
		}
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	counts := read("count_and_checksum__step__1__wordcount___counts")
	want := []string{
		strconv.Itoa(strings.Count(string(data), "\n")),
		strconv.Itoa(len(strings.Fields(string(data)))),
		strconv.Itoa(len(data)),
	}
	if got := strings.Fields(counts); strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("counts = %q, want lines, words, bytes %v", counts, want)
	}
	sum := sha256.Sum256([]byte(counts))
	if got, want := read("count_and_checksum__step__2__checksum___checksum"), hex.EncodeToString(sum[:])+"  -\n"; got != want {
		t.Errorf("checksum = %q, want %q", got, want)
	}
}

// TestExampleRuns runs the example config's workflow with each runner.
func TestExampleRuns(t *testing.T) {
	for _, r := range []struct{ runner, program string }{{"cwltool", "cwltool"}, {"toil", "toil-cwl-runner"}} {
		t.Run(r.runner, func(t *testing.T) {
			cwltest.Runner(t, r.program)
			t.Parallel()
			c := evalConfig(t, exampleConfig, map[string]string{"submit_url": ""})
			c.Steps["run"]["runner"] = r.runner
			res, work := execute(t, c, "run")
			checkOutputs(t, res["run"].(map[string]any), filepath.Join(work, "run", "outputs"))
			if entries, _ := os.ReadDir(filepath.Join(work, "run")); len(entries) != 1 {
				t.Errorf("the work directory holds %v; want only outputs/, the scratch files removed", entries)
			}
		})
	}
}

// TestExampleDocuments runs the whole example without submission, pins
// the emitted documents, and checks them with cwltool and the service's
// payload schema.
func TestExampleDocuments(t *testing.T) {
	c := evalConfig(t, exampleConfig, map[string]string{"submit_url": ""})
	if _, ok := c.Steps["submit"]; ok {
		t.Fatal("submit step present with an empty submit_url")
	}
	dir := t.TempDir()
	c.Steps["files"]["dir"] = dir
	delete(c.Steps, "run") // TestExampleRuns runs it
	res, _ := execute(t, c)

	var files []string
	for _, f := range res["files"].(map[string]any)["files"].([]any) {
		files = append(files, filepath.Base(f.(string)))
	}
	want := "wordcount.cwl checksum.cwl count_and_checksum.cwl count_and_checksum_inputs.yml count_and_checksum_payload.json"
	if strings.Join(files, " ") != want {
		t.Errorf("cwl_write wrote %v, want %s", files, want)
	}
	for _, name := range []string{"wordcount.cwl", "checksum.cwl", "count_and_checksum.cwl"} {
		data, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		cwltest.Golden(t, name, data)
	}

	// The payload validates against the service's schema too.
	up, err := os.ReadFile(cwltest.Reference(t, "sophios-compute-payload.schema.json"))
	if err != nil {
		t.Fatal(err)
	}
	schema, err := payload.Compile(up)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := json.Marshal(res["payload"])
	if err := payload.Check(schema, body); err != nil {
		t.Errorf("the example payload breaks the service's schema: %v", err)
	}
	var inputs map[string]any
	json.Unmarshal(body, &struct {
		In *map[string]any `json:"cwlJobInputs"`
	}{&inputs})
	if f, _ := inputs["data"].(map[string]any); f["class"] != "File" || !strings.HasSuffix(f["location"].(string), "examples/cwl/data/hello.txt") {
		t.Errorf("payload job input data = %v, want a File at examples/cwl/data/hello.txt", inputs["data"])
	}

	cwltool := cwltest.Runner(t, "cwltool")
	for _, name := range []string{"wordcount.cwl", "checksum.cwl", "count_and_checksum.cwl"} {
		t.Run("validate "+name, func(t *testing.T) {
			t.Parallel()
			out, err := exec.CommandContext(t.Context(), cwltool, "--validate", filepath.Join(dir, name)).CombinedOutput()
			if err != nil || !strings.Contains(string(out), "is valid CWL") {
				t.Errorf("cwltool --validate %s: %v\n%s", name, err, out)
			}
		})
	}
}

// TestExampleSubmits runs the example with a submit_url pointing at a fake
// compute service.
func TestExampleSubmits(t *testing.T) {
	var posted cwlPayload
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/compute/workflows":
			json.NewDecoder(r.Body).Decode(&posted)
			w.WriteHeader(http.StatusCreated)
		case "/compute/workflows/count_and_checksum/status/":
			w.Write([]byte(`{"status": "COMPLETED"}`))
		case "/compute/workflows/count_and_checksum/logs/":
			w.Write([]byte("done\n"))
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	c := evalConfig(t, exampleConfig, map[string]string{"submit_url": srv.URL + "/compute/workflows"})
	c.Steps["submit"]["interval"] = "10ms"
	res, _ := execute(t, c, "submit")
	got := res["submit"].(map[string]any)
	if got["status"] != "COMPLETED" || got["logs"] != "done\n" {
		t.Errorf("submit result = %v", got)
	}
	if posted.ID != "count_and_checksum" || posted.CWLWorkflow.Class != "Workflow" {
		t.Errorf("service received %+v", posted)
	}
}

type cwlPayload struct {
	ID          string       `json:"id"`
	CWLWorkflow cwl.Workflow `json:"cwlWorkflow"`
}
