// Package ondisk holds the file-level mechanics that the persistent
// organizers share: atomic file replacement, flock-based locks that the
// operating system releases when a process dies, and a content-addressed
// store of large bodies.
package ondisk
