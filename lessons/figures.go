package lessons

import (
	"fmt"
	"slices"

	"github.com/rlcontrol/rlcontrol/plotting"
)

// FigureSet is one lesson's exported figures.
type FigureSet struct {
	Lesson  string
	Figures []NamedFigure
}

// AllFigures runs every registered scenario with its default settings and
// returns the figures of each lesson, for `make figures`: the same code and
// settings the notebook cells run, so the exported figures are the inline
// ones. Quick() shortens the runs the scenarios compute live; stored results
// are loaded as in the notebooks. lessons restricts it to some lessons
// ("01", "02", …); none means all. progress, if not nil, is told each
// lesson before it runs. It fails if a scenario's figures are not the
// names it registered.
func AllFigures(lessons []string, progress func(lesson string)) ([]FigureSet, error) {
	var out []FigureSet
	for _, r := range registry {
		if len(lessons) > 0 && !slices.Contains(lessons, r.lesson) {
			continue
		}
		if len(out) == 0 || out[len(out)-1].Lesson != r.lesson {
			if progress != nil {
				progress(r.lesson)
			}
			out = append(out, FigureSet{Lesson: r.lesson})
		}
		o, err := r.scenario.Run()
		if err != nil {
			return nil, fmt.Errorf("lessons: lesson %s: %w", r.lesson, err)
		}
		figs, err := o.Figures()
		if err != nil {
			return nil, fmt.Errorf("lessons: lesson %s: %w", r.lesson, err)
		}
		got := make([]string, len(figs))
		for i, f := range figs {
			got[i] = f.Name
		}
		if !slices.Equal(got, r.figures) {
			return nil, fmt.Errorf("lessons: lesson %s: a scenario made figures %v, but registered %v", r.lesson, got, r.figures)
		}
		out[len(out)-1].Figures = append(out[len(out)-1].Figures, figs...)
	}
	return out, nil
}

// collect builds named figures in order, stopping at the first error.
func collect(steps ...struct {
	name string
	fn   func() (*plotting.Figure, error)
}) ([]NamedFigure, error) {
	var out []NamedFigure
	for _, s := range steps {
		f, err := s.fn()
		if err != nil {
			return nil, fmt.Errorf("figure %s: %w", s.name, err)
		}
		out = append(out, NamedFigure{Name: s.name, Figure: f})
	}
	return out, nil
}

type step = struct {
	name string
	fn   func() (*plotting.Figure, error)
}
