package cli

import (
	"strings"

	ucli "github.com/urfave/cli/v2"
)

// interspersed moves the flags of the command that args name to before its
// positional arguments, so that "formed workflow run config.jsonnet
// --dry-run" means what it says: urfave/cli stops reading flags at the
// first positional argument. args[0] is the program name; everything after
// "--" stays as it is.
func interspersed(app *ucli.App, args []string) []string {
	if len(args) < 2 {
		return args
	}
	out := []string{args[0]}
	i := 1
	flags, commands := app.Flags, app.Commands
	// Walk the command path, keeping flags that stand before each name.
	for i < len(args) {
		a := args[i]
		if a == "--" {
			return append(out, args[i:]...)
		}
		if isFlag(a) {
			n := 1
			if takesValue(flags, a) && !strings.Contains(a, "=") && i+1 < len(args) {
				n = 2
			}
			out = append(out, args[i:i+n]...)
			i += n
			continue
		}
		cmd := findCommand(commands, a)
		if cmd == nil {
			break
		}
		out = append(out, a)
		i++
		flags, commands = cmd.Flags, cmd.Subcommands
		if len(commands) == 0 {
			break
		}
	}
	// The leaf command's arguments: flags first, then the rest in order.
	var fl, pos []string
	for i < len(args) {
		a := args[i]
		if a == "--" {
			pos = append(pos, args[i:]...)
			break
		}
		if isFlag(a) {
			n := 1
			if takesValue(flags, a) && !strings.Contains(a, "=") && i+1 < len(args) {
				n = 2
			}
			fl = append(fl, args[i:i+n]...)
			i += n
			continue
		}
		pos = append(pos, a)
		i++
	}
	return append(append(out, fl...), pos...)
}

func isFlag(a string) bool { return len(a) > 1 && a[0] == '-' }

func findCommand(cmds []*ucli.Command, name string) *ucli.Command {
	for _, c := range cmds {
		if c.Name == name {
			return c
		}
		for _, al := range c.Aliases {
			if al == name {
				return c
			}
		}
	}
	return nil
}

// takesValue reports whether the flag a (such as --step or -s) is one of
// flags and needs a value; unknown flags are taken as boolean, and
// urfave/cli then reports them.
func takesValue(flags []ucli.Flag, a string) bool {
	name := strings.TrimLeft(a, "-")
	name, _, _ = strings.Cut(name, "=")
	for _, f := range flags {
		for _, n := range f.Names() {
			if n == name {
				_, isBool := f.(*ucli.BoolFlag)
				return !isBool
			}
		}
	}
	return false
}
