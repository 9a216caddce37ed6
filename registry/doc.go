// Package registry holds the steps and implementations that configs name.
//
// A step is a Go function from a context and an argument struct to a result:
//
//	func init() {
//		registry.Register("add_two_integers",
//			func(ctx context.Context, in AddArgs) (int, error) { return in.A + in.B, nil },
//			registry.Version("1"))
//	}
//
// Register panics on a duplicate name, naming both registrations, like
// database/sql.Register. An argument whose Go type is an interface is filled
// from a config object {type: NAME, ...} with the implementation registered
// under NAME by RegisterImpl.
//
// Argument structs use these struct tags:
//
//	json:"name,omitempty"       the argument's name in the config; omitempty makes it optional
//	jsonschema:"default=V"      a default value (the argument becomes optional)
//	jsonschema:"enum=a,enum=b"  allowed values; also minimum=, maximum=, exclusiveMinimum=, ...
//	formed:"ignore"             leave the argument out of the fingerprint (device, verbosity)
//
// Doc comments of argument and implementation types reach the JSON Schema
// through RegisterDocs, which files written by `formed generate` call from
// init, so a binary built without its source tree still documents them.
//
// The package uses only the standard library.
package registry
