// Command formed runs declarative workflows: Go steps wired by Jsonnet
// configs, with every result fingerprinted and cached.
package main

import (
	"os"

	"github.com/formed-dev/formed/cli"

	// The examples' steps, so that the README's commands run as they are.
	_ "github.com/formed-dev/formed/examples/quickstart"
	_ "github.com/formed-dev/formed/examples/wordcount"
)

func main() { os.Exit(cli.Main()) }
