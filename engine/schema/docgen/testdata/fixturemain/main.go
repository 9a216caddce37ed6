// Command fixturemain prints two docs that the fixture's generated file
// registers.
package main

import (
	"fmt"

	_ "github.com/formed-dev/formed/engine/schema/docgen/testdata/fixture"
	"github.com/formed-dev/formed/registry"
)

func main() {
	const pkg = "github.com/formed-dev/formed/engine/schema/docgen/testdata/fixture"
	fmt.Printf("%s|%s\n", registry.Doc(pkg+".Args.Name"), registry.Doc(pkg+".circle.R"))
}
