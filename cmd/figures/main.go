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
	quick := flag.Bool("quick", false, "shortened live runs (as RLCONTROL_QUICK=1); stored results are loaded either way")
	list := flag.Bool("list", false, "print the export names of every lesson's figures, one per line, and run nothing")
	only := flag.String("lessons", "", "comma-separated lesson numbers to export (e.g. 01,03); default all")
	flag.Parse()
	var picked []string
	if *only != "" {
		picked = strings.Split(*only, ",")
	}
	if *list {
		for _, l := range picked {
			if len(lessons.FigureNames(l)) == 0 {
				fmt.Fprintf(os.Stderr, "figures: no lesson %q\n", l)
				os.Exit(2)
			}
		}
		for _, n := range lessons.FigureNames("") {
			if len(picked) == 0 || slicesHasPrefix(picked, n) {
				fmt.Println(n)
			}
		}
		return
	}
	if *quick {
		os.Setenv(lessons.QuickEnv, "1")
	}
	if err := run(*out, *style, *formats, picked); err != nil {
		fmt.Fprintln(os.Stderr, "figures:", err)
		os.Exit(1)
	}
}

// slicesHasPrefix reports whether name starts with one of the lesson
// numbers and a '-'.
func slicesHasPrefix(lessonNums []string, name string) bool {
	for _, l := range lessonNums {
		if strings.HasPrefix(name, l+"-") {
			return true
		}
	}
	return false
}

func run(out, styleName, formats string, picked []string) error {
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
	sets, err := lessons.AllFigures(picked, func(l string) { fmt.Fprintf(os.Stderr, "figures: lesson %s (%s)\n", l, lessons.ModeName()) })
	if err != nil {
		return err
	}
	n := 0
	for _, set := range sets {
		for _, nf := range set.Figures {
			if nf.Animation != nil {
				path := filepath.Join(out, nf.Name+".svg")
				if err := nf.Animation.Save(path); err != nil {
					return err
				}
				fmt.Println(path)
				n++
				continue
			}
			for _, ext := range exts {
				path := filepath.Join(out, nf.Name+"."+ext)
				if err := nf.Figure.WithStyle(st).Save(path); err != nil {
					return err
				}
				fmt.Println(path)
			}
			n++
		}
	}
	fmt.Fprintf(os.Stderr, "figures: exported %d figures of %d lessons to %s (%s)\n", n, len(sets), out, strings.Join(exts, ", "))
	return nil
}
