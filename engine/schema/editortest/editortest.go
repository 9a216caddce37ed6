// Package editortest runs the repository's editor/check.mjs, which drives
// vscode-json-languageservice (the engine of VS Code's JSON support), so
// that Go tests can check what an editor shows for a schema and a config:
// completions, hovers and diagnostics.
//
// It needs Node.js and npm. Setup installs editor/node_modules with
// `npm ci` when missing. Without node or npm the test is skipped, unless
// FORMED_REQUIRE_NODE=1, when it fails.
package editortest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
)

// A Query asks what the editor shows for one document.
type Query struct {
	// ID names the query in Results.
	ID string `json:"id"`
	// Op is "validate", "complete" or "hover".
	Op string `json:"op"`
	// File is the document's path; Text is its content when File is "".
	File string `json:"file,omitempty"`
	Text string `json:"text,omitempty"`
	// Marker marks the cursor in the text for complete and hover; "|"
	// when empty. Its first occurrence is the cursor and is removed.
	Marker string `json:"marker,omitempty"`
}

// A Result is what the editor showed for one Query.
type Result struct {
	Diagnostics []Diagnostic `json:"diagnostics"`
	// Completions are the labels offered, sorted. String values keep their
	// quotes: "\"train\"".
	Completions []string `json:"completions"`
	Hover       string   `json:"hover"`
}

// A Diagnostic is one problem the editor reports; Line and Character
// count from 1.
type Diagnostic struct {
	Message   string `json:"message"`
	Line      int    `json:"line"`
	Character int    `json:"character"`
	Severity  int    `json:"severity"`
}

func (d Diagnostic) String() string { return fmt.Sprintf("%d:%d: %s", d.Line, d.Character, d.Message) }

// Editor runs queries against one schema file.
type Editor struct {
	dir    string // the editor directory holding check.mjs
	Schema string
}

// Setup finds editor/ above the working directory, installs its
// node_modules if missing, and returns an Editor for schemaPath. It skips
// t when node or npm is missing, unless FORMED_REQUIRE_NODE=1.
func Setup(t testing.TB, schemaPath string) *Editor {
	t.Helper()
	for _, tool := range []string{"node", "npm"} {
		if _, err := exec.LookPath(tool); err != nil {
			msg := fmt.Sprintf("%s not found; install Node.js >= 18 and npm (Debian: apt-get install nodejs npm) to run the editor tests", tool)
			if os.Getenv("FORMED_REQUIRE_NODE") == "1" {
				t.Fatal(msg + " (FORMED_REQUIRE_NODE=1)")
			}
			t.Skip(msg)
		}
	}
	dir, err := editorDir()
	if err != nil {
		t.Fatal(err)
	}
	if err := install(dir); err != nil {
		t.Fatal(err)
	}
	return &Editor{dir: dir, Schema: schemaPath}
}

var installMu sync.Mutex

// install runs npm ci in dir unless node_modules is there.
func install(dir string) error {
	installMu.Lock()
	defer installMu.Unlock()
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "vscode-json-languageservice")); err == nil {
		return nil
	}
	cmd := exec.Command("npm", "ci", "--no-audit", "--no-fund")
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("npm ci in %s: %v\n%s", dir, err, out)
	}
	return nil
}

// editorDir returns the editor directory of the module holding the
// working directory.
func editorDir() (string, error) {
	d, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			e := filepath.Join(d, "editor")
			if _, err := os.Stat(filepath.Join(e, "check.mjs")); err != nil {
				return "", fmt.Errorf("editor/check.mjs not found in module root %s", d)
			}
			return e, nil
		}
		parent := filepath.Dir(d)
		if parent == d {
			return "", errors.New("no go.mod above the working directory")
		}
		d = parent
	}
}

// Run answers queries, keyed by Query.ID. As in VS Code, a document's
// "$schema" key, resolved against its file, takes precedence over Schema.
func (e *Editor) Run(t testing.TB, queries ...Query) map[string]Result {
	t.Helper()
	return e.run(t, false, queries)
}

func (e *Editor) run(t testing.TB, ignoreSchemaKey bool, queries []Query) map[string]Result {
	t.Helper()
	req, err := json.Marshal(map[string]any{"schema": e.Schema, "ignoreSchemaKey": ignoreSchemaKey, "queries": queries})
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "request.json")
	if err := os.WriteFile(path, req, 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("node", filepath.Join(e.dir, "check.mjs"), path)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("node check.mjs: %v\n%s", err, stderr.Bytes())
	}
	var res struct {
		Results map[string]Result `json:"results"`
	}
	if err := json.Unmarshal(out, &res); err != nil {
		t.Fatalf("node check.mjs printed %q: %v", out, err)
	}
	return res.Results
}

// Validate reports an error for every diagnostic the editor shows for
// each of files, validated against Schema whatever their "$schema" key
// says.
func (e *Editor) Validate(t testing.TB, files ...string) {
	t.Helper()
	queries := make([]Query, len(files))
	for i, f := range files {
		queries[i] = Query{ID: f, Op: "validate", File: f}
	}
	results := e.run(t, true, queries)
	for _, f := range files {
		for _, d := range results[f].Diagnostics {
			t.Errorf("%s:%s", f, d)
		}
	}
}

// ValidateJSON is Validate for documents in memory, such as configs
// evaluated from examples/*/*.jsonnet, keyed by a name used in messages
// and as the file name.
func (e *Editor) ValidateJSON(t testing.TB, docs map[string][]byte) {
	t.Helper()
	dir := t.TempDir()
	names := make([]string, 0, len(docs))
	for name := range docs {
		names = append(names, name)
	}
	sort.Strings(names)
	files := make([]string, len(names))
	for i, name := range names {
		files[i] = filepath.Join(dir, fmt.Sprintf("%03d-%s.json", i, strings.NewReplacer("/", "_", string(filepath.Separator), "_").Replace(name)))
		if err := os.WriteFile(files[i], docs[name], 0o644); err != nil {
			t.Fatal(err)
		}
	}
	e.Validate(t, files...)
}
