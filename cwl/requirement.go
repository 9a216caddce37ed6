package cwl

import (
	"slices"
	"strings"
)

// Requirement classes the package writes.
const (
	DockerRequirement           = "DockerRequirement"
	InitialWorkDirRequirement   = "InitialWorkDirRequirement"
	ResourceRequirement         = "ResourceRequirement"
	EnvVarRequirement           = "EnvVarRequirement"
	InlineJavascriptRequirement = "InlineJavascriptRequirement"
	// CUDARequirement is cwltool's GPU extension; it needs the cwltool
	// namespace, which Builder.GPU declares.
	CUDARequirement = "cwltool:CUDARequirement"
)

// CWLToolNamespace is the URI of the "cwltool" namespace prefix.
const CWLToolNamespace = "http://commonwl.org/cwltool#"

// Requirement is a CWL requirement or hint. Class selects which of the
// other fields apply; unset fields are left out.
type Requirement struct {
	Class string `json:"class"`

	// DockerRequirement
	DockerPull            string `json:"dockerPull,omitempty"`
	DockerImageID         string `json:"dockerImageId,omitempty"`
	DockerOutputDirectory string `json:"dockerOutputDirectory,omitempty"`

	// InitialWorkDirRequirement
	Listing []Dirent `json:"listing,omitempty"`

	// EnvVarRequirement
	EnvDef []EnvVar `json:"envDef,omitempty"`

	// ResourceRequirement
	Resources

	// cwltool:CUDARequirement
	CUDA

	// InlineJavascriptRequirement
	ExpressionLib []string `json:"expressionLib,omitempty"`

	// Extra holds the fields of other requirement classes.
	Extra map[string]any `json:"-"`
}

type requirementFields Requirement

// MarshalJSON writes the fields in order, then Extra by sorted key.
func (r Requirement) MarshalJSON() ([]byte, error) {
	return marshalExtra(requirementFields(r), r.Extra)
}

// UnmarshalJSON reads the fields and keeps unknown keys in Extra.
func (r *Requirement) UnmarshalJSON(data []byte) error {
	var f requirementFields
	extra, err := unmarshalExtra(data, &f)
	if err != nil {
		return err
	}
	*r = Requirement(f)
	r.Extra = extra
	return nil
}

// Dirent is an entry of an InitialWorkDirRequirement listing: a file
// staged into the tool's working directory.
type Dirent struct {
	Entryname string `json:"entryname,omitempty"`
	Entry     string `json:"entry"`
	Writable  bool   `json:"writable,omitempty"`
}

// EnvVar is an environment variable definition.
type EnvVar struct {
	EnvName  string `json:"envName"`
	EnvValue string `json:"envValue"`
}

// Resources are the fields of a ResourceRequirement; zero means unset.
// RAM, tmpdir and outdir sizes are in mebibytes.
type Resources struct {
	CoresMin  float64 `json:"coresMin,omitempty"`
	CoresMax  float64 `json:"coresMax,omitempty"`
	RAMMin    int64   `json:"ramMin,omitempty"`
	RAMMax    int64   `json:"ramMax,omitempty"`
	TmpdirMin int64   `json:"tmpdirMin,omitempty"`
	OutdirMin int64   `json:"outdirMin,omitempty"`
}

// CUDA are the fields of cwltool's CUDARequirement; VersionMin and
// ComputeCapability are required.
type CUDA struct {
	VersionMin        string `json:"cudaVersionMin,omitempty"`
	ComputeCapability string `json:"cudaComputeCapability,omitempty"`
	DeviceCountMin    int    `json:"cudaDeviceCountMin,omitempty"`
	DeviceCountMax    int    `json:"cudaDeviceCountMax,omitempty"`
}

// sortRequirements orders requirements by class, for stable documents.
func sortRequirements(rs []Requirement) {
	slices.SortStableFunc(rs, func(a, b Requirement) int { return strings.Compare(a.Class, b.Class) })
}
