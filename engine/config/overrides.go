package config

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	jsonnet "github.com/google/go-jsonnet"

	"github.com/formed-dev/formed/internal/suggest"
)

// applyOverrides evaluates snippet to an object of dotted paths and sets
// each in c.root.
func (c *Config) applyOverrides(vm *jsonnet.VM, snippet string) Errors {
	out, err := vm.EvaluateAnonymousSnippet("<overrides>", snippet)
	if err != nil {
		return Errors{{Path: "--overrides", Msg: strings.TrimSpace(err.Error()), Hint: `write a Jsonnet object such as {"steps.train.lr": 0.1}`}}
	}
	v, err := decodeJSON(out)
	if err != nil {
		return Errors{{Path: "--overrides", Msg: err.Error()}}
	}
	obj, ok := v.(map[string]any)
	if !ok {
		return Errors{{Path: "--overrides", Msg: fmt.Sprintf("want an object of dotted paths, got %s", kindOf(v)), Hint: `write {"steps.train.lr": 0.1}`}}
	}
	keys := make([]string, 0, len(obj))
	for k := range obj {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var errs Errors
	for _, k := range keys {
		if err := set(&c.root, strings.Split(k, "."), obj[k]); err != nil {
			errs = append(errs, &Error{Path: "--overrides " + k, Msg: err.Error()})
		}
	}
	return errs
}

// set stores val at path below *root. Every container on the way must
// exist; the last key of an object may be new, a list index must exist.
func set(root *any, path []string, val any) error {
	cur := root
	for i, seg := range path {
		last := i == len(path)-1
		switch node := (*cur).(type) {
		case map[string]any:
			next, ok := node[seg]
			if last {
				node[seg] = val
				return nil
			}
			if !ok {
				keys := make([]string, 0, len(node))
				for k := range node {
					keys = append(keys, k)
				}
				msg := fmt.Sprintf("%s matches nothing: no field %q", strings.Join(path[:i+1], "."), seg)
				if h := suggest.Hint(seg, keys); h != "" {
					msg += " (" + h + ")"
				}
				return fmt.Errorf("%s", msg)
			}
			cur = &next
			defer func(m map[string]any, k string, p *any) { m[k] = *p }(node, seg, cur)
		case []any:
			idx, err := strconv.Atoi(seg)
			if err != nil || idx < 0 || idx >= len(node) {
				return fmt.Errorf("%s matches nothing: %q is not an index of a list of %d", strings.Join(path[:i+1], "."), seg, len(node))
			}
			if last {
				node[idx] = val
				return nil
			}
			cur = &node[idx]
		default:
			return fmt.Errorf("%s matches nothing: %s is %s, not an object or list", strings.Join(path[:i+1], "."), strings.Join(path[:i], "."), kindOf(*cur))
		}
	}
	return nil
}
