// Command custom-steps is formed with this module's steps built in: the
// library mode. It blank-imports the step packages and hands over to the
// formed command, so every formed command works with these steps:
//
//	go run . workflow run config.jsonnet
package main

import (
	"os"

	"github.com/formed-dev/formed/cli"

	_ "example.com/custom-steps/steps"
)

func main() { os.Exit(cli.Main()) }
