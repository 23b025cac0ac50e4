package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/rlcontrol/rlcontrol/lessons"
	"github.com/rlcontrol/rlcontrol/plotting"
)

func main() {
	out := flag.String("out", "figures", "output directory (created if missing)")
	style := flag.String("style", "slide", "figure preset: slide, paper or notebook")
	formats := flag.String("formats", "svg,pdf", "comma-separated formats: svg, pdf, png")
	quick := flag.Bool("quick", false, "shortened runs (fewer seeds and TRPO steps), as the tests use")
	flag.Parse()
	if err := run(*out, *style, *formats, *quick); err != nil {
		fmt.Fprintln(os.Stderr, "figures:", err)
		os.Exit(1)
	}
}

func run(out, styleName, formats string, quick bool) error {
	styles := map[string]plotting.Style{"slide": plotting.Slide, "paper": plotting.Paper, "notebook": plotting.Notebook}
	st, ok := styles[styleName]
	if !ok {
		return fmt.Errorf("unknown -style %q: want slide, paper or notebook", styleName)
	}
	var exts []string
	for _, f := range strings.Split(formats, ",") {
		f = strings.TrimSpace(strings.ToLower(f))
		if _, err := plotting.FormatOf("x." + f); err != nil {
			return fmt.Errorf("-formats: %w", err)
		}
		exts = append(exts, f)
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	sets, err := lessons.AllFigures(quick, func(l string) { fmt.Fprintln(os.Stderr, "figures: lesson", l) })
	if err != nil {
		return err
	}
	for _, set := range sets {
		for _, nf := range set.Figures {
			for _, ext := range exts {
				path := filepath.Join(out, nf.Name+"."+ext)
				if err := nf.Figure.WithStyle(st).Save(path); err != nil {
					return err
				}
				fmt.Println(path)
			}
		}
	}
	return nil
}
