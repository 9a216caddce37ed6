// Package wordcount holds the steps of the word-count example: read the
// files of a directory, tokenize them with a tokenizer chosen in the
// config, count the tokens and report the most common.
package wordcount

//go:generate go run github.com/formed-dev/formed generate

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"unicode"

	"github.com/formed-dev/formed/registry"
)

// Document is one file's text.
type Document struct {
	// Name is the file's path relative to the directory read.
	Name string `json:"name"`
	// Text is the file's contents.
	Text string `json:"text"`
}

// ReadArgs are the arguments of read_files.
type ReadArgs struct {
	// Dir is the directory to read, relative to the working directory.
	Dir string `json:"dir"`
	// Pattern selects files by name (path.Match syntax).
	Pattern string `json:"pattern" jsonschema:"default=*.txt"`
}

func (in ReadArgs) files() ([]string, error) {
	matches, err := filepath.Glob(filepath.Join(in.Dir, in.Pattern))
	if err != nil {
		return nil, fmt.Errorf("pattern %q: %w", in.Pattern, err)
	}
	if len(matches) == 0 {
		return nil, fmt.Errorf("no files match %s in %s", in.Pattern, in.Dir)
	}
	sort.Strings(matches)
	return matches, nil
}

// Stamp implements registry.Stamper: a hash of the names and contents of
// the files read, so that editing a file reruns the workflow from here.
func (in ReadArgs) Stamp(ctx context.Context) (string, error) {
	matches, err := in.files()
	if err != nil {
		return "", err
	}
	h := sha256.New()
	for _, m := range matches {
		b, err := os.ReadFile(m)
		if err != nil {
			return "", err
		}
		fmt.Fprintf(h, "%s\x00%d\x00", filepath.Base(m), len(b))
		h.Write(b)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// Tokenizer splits text into tokens.
type Tokenizer interface {
	Tokenize(text string) []string
}

// Whitespace splits at white space and strips punctuation.
type Whitespace struct {
	// Lower folds tokens to lower case.
	Lower bool `json:"lower"`
}

// Tokenize implements Tokenizer.
func (w Whitespace) Tokenize(text string) []string {
	var out []string
	for _, f := range strings.Fields(text) {
		f = strings.TrimFunc(f, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsNumber(r) })
		if f == "" {
			continue
		}
		if w.Lower {
			f = strings.ToLower(f)
		}
		out = append(out, f)
	}
	return out
}

// Ngrams makes character n-grams of each word.
type Ngrams struct {
	// N is the n-gram length.
	N int `json:"n" jsonschema:"minimum=1"`
}

// Tokenize implements Tokenizer.
func (g Ngrams) Tokenize(text string) []string {
	var out []string
	for _, w := range (Whitespace{Lower: true}).Tokenize(text) {
		r := []rune(w)
		for i := 0; i+g.N <= len(r); i++ {
			out = append(out, string(r[i:i+g.N]))
		}
	}
	return out
}

// TokenizeArgs are the arguments of tokenize.
type TokenizeArgs struct {
	// Documents to tokenize.
	Documents []Document `json:"documents"`
	// Tokenizer splits each document.
	Tokenizer Tokenizer `json:"tokenizer"`
	// Stopwords are dropped.
	Stopwords []string `json:"stopwords,omitempty"`
}

// CountArgs are the arguments of count.
type CountArgs struct {
	// Tokens to count.
	Tokens []string `json:"tokens"`
}

// Counts is a token histogram.
type Counts struct {
	// Total is the number of tokens.
	Total int `json:"total"`
	// Distinct is the number of different tokens.
	Distinct int `json:"distinct"`
	// ByToken maps each token to its count.
	ByToken map[string]int `json:"by_token"`
}

// ReportArgs are the arguments of top_tokens.
type ReportArgs struct {
	// Counts to report.
	Counts Counts `json:"counts"`
	// Top is how many tokens to list.
	Top int `json:"top" jsonschema:"default=10,minimum=1"`
}

func init() {
	registry.RegisterImpl[Tokenizer]("whitespace", Whitespace{Lower: true}, registry.Description("Splits at white space."))
	registry.RegisterImpl[Tokenizer]("ngrams", Ngrams{N: 3}, registry.Description("Character n-grams of each word."))

	// read_files is cached like any step; its arguments' Stamp hashes the
	// files it will read, so it and its dependents rerun exactly when a file
	// changes.
	registry.Register("read_files", func(ctx context.Context, in ReadArgs) ([]Document, error) {
		matches, err := in.files()
		if err != nil {
			return nil, err
		}
		docs := make([]Document, 0, len(matches))
		for _, m := range matches {
			b, err := os.ReadFile(m)
			if err != nil {
				return nil, err
			}
			rel, _ := filepath.Rel(in.Dir, m)
			docs = append(docs, Document{Name: rel, Text: string(b)})
		}
		registry.Logger(ctx).Info("read files", "count", len(docs), "dir", in.Dir)
		return docs, nil
	}, registry.Description("Reads the files of a directory; reruns when their contents change."))

	registry.Register("tokenize", func(ctx context.Context, in TokenizeArgs) ([]string, error) {
		stop := map[string]bool{}
		for _, s := range in.Stopwords {
			stop[s] = true
		}
		var out []string
		for _, d := range in.Documents {
			for _, t := range in.Tokenizer.Tokenize(d.Text) {
				if !stop[t] {
					out = append(out, t)
				}
			}
		}
		return out, nil
	}, registry.Description("Splits documents into tokens with the chosen tokenizer."))

	registry.Register("count", func(ctx context.Context, in CountArgs) (Counts, error) {
		c := Counts{Total: len(in.Tokens), ByToken: map[string]int{}}
		for _, t := range in.Tokens {
			c.ByToken[t]++
		}
		c.Distinct = len(c.ByToken)
		return c, nil
	}, registry.Description("Counts tokens."))

	registry.Register("top_tokens", func(ctx context.Context, in ReportArgs) (string, error) {
		type kv struct {
			k string
			v int
		}
		var all []kv
		for k, v := range in.Counts.ByToken {
			all = append(all, kv{k, v})
		}
		sort.Slice(all, func(i, j int) bool {
			if all[i].v != all[j].v {
				return all[i].v > all[j].v
			}
			return all[i].k < all[j].k
		})
		var b strings.Builder
		fmt.Fprintf(&b, "%d tokens, %d distinct\n", in.Counts.Total, in.Counts.Distinct)
		for i := 0; i < len(all) && i < in.Top; i++ {
			fmt.Fprintf(&b, "%6d  %s\n", all[i].v, all[i].k)
		}
		return b.String(), nil
	}, registry.Format("text"), registry.Description("Reports the most common tokens."))
}
