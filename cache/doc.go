// Package cache defines the vocabulary of formed's memoisation: step
// fingerprints (Key), content hashes of stored bodies (Digest), the canonical
// encoding that feeds blake3, cache entries and run records, and the
// Organizer interface that storage backends implement.
//
// Two hashes, two types: a Key names a computation (what was asked for), a
// Digest names bytes (what came out). An Organizer maps Keys to entries whose
// bodies it verifies by Digest; any damaged entry is a miss, never a crash.
//
// See docs/caching.md for what goes into a fingerprint and why.
package cache
