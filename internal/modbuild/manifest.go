package modbuild

import (
	"bufio"
	"bytes"
	"encoding/hex"
	"fmt"
	"os"
	"sort"
	"strings"

	"github.com/zeebo/blake3"
)

// manifestVersion changes whenever what goes into a key changes, so old
// binaries are not mistaken for new ones.
const manifestVersion = "formed modbuild 1"

// An Entry is one input of the build and what stands for it: a content
// hash, a version, or the text of a setting.
type Entry struct {
	// Name says what the input is: "packages", "go.mod", "go.sum",
	// "toolchain", "env", "goenv", "go.mod of MODULE" or "src PKG/FILE".
	Name string
	// Value stands for the input's content; a change means a rebuild.
	Value string
}

// A Manifest lists every input of a build, sorted by name. Its hash is the
// cache key.
type Manifest []Entry

func (m Manifest) sort() { sort.Slice(m, func(i, j int) bool { return m[i].Name < m[j].Name }) }

// Encode returns the manifest as text: a version line, then one
// "name\tvalue" line per entry.
func (m Manifest) Encode() []byte {
	var b bytes.Buffer
	b.WriteString(manifestVersion + "\n")
	for _, e := range m {
		fmt.Fprintf(&b, "%s\t%s\n", e.Name, e.Value)
	}
	return b.Bytes()
}

// Key returns the hex blake3 hash of the encoded manifest.
func (m Manifest) Key() string {
	sum := blake3.Sum256(m.Encode())
	return hex.EncodeToString(sum[:])
}

// readManifest reads a manifest written by Encode; a damaged or old one
// reads as empty.
func readManifest(path string) Manifest {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(nil, 1<<20)
	if !sc.Scan() || sc.Text() != manifestVersion {
		return nil
	}
	var m Manifest
	for sc.Scan() {
		name, value, ok := strings.Cut(sc.Text(), "\t")
		if !ok {
			return nil
		}
		m = append(m, Entry{name, value})
	}
	return m
}

// changes describes what differs from old to m, naming at most three
// inputs, such as "example.com/m/steps/steps.go changed".
func (m Manifest) changes(old Manifest) string {
	if old == nil {
		return "no formed binary was built for them yet"
	}
	was := map[string]string{}
	for _, e := range old {
		was[e.Name] = e.Value
	}
	var diffs []string
	for _, e := range m {
		v, ok := was[e.Name]
		delete(was, e.Name)
		switch {
		case !ok:
			diffs = append(diffs, display(e.Name)+" added")
		case v != e.Value:
			diffs = append(diffs, display(e.Name)+" changed")
		}
	}
	var removed []string
	for name := range was {
		removed = append(removed, display(name)+" removed")
	}
	sort.Strings(removed)
	diffs = append(diffs, removed...)
	switch {
	case len(diffs) == 0:
		return "the cached binary is missing"
	case len(diffs) > 3:
		return fmt.Sprintf("%s and %d more changed", strings.Join(diffs[:3], ", "), len(diffs)-3)
	}
	return strings.Join(diffs, ", ")
}

func display(name string) string {
	switch name {
	case "packages":
		return "the package list"
	case "toolchain":
		return "the Go toolchain"
	case "env":
		return "the Go environment"
	case "goenv":
		return "the go env file"
	}
	return strings.TrimPrefix(name, "src ")
}
