package lessons

import (
	"fmt"
	"slices"

	"github.com/rlcontrol/rlcontrol/plotting"
)

// A Scenario is one runnable part of a lesson. Its settings are the fields
// of the implementing struct, whose zero value is the lesson as written, so
// the notebook cell and `make figures` run the same set-up from one place:
//
//	out := must(lessons.SwingUpScenario{}.Run()) // the cell
//	lessons.ShowFigures(out.Figures())           // its figures, named
//
// Run reads Quick() itself where the mode shortens the run.
type Scenario interface {
	Run() (Outcome, error)
}

// An Outcome is what a scenario computed; Figures are the figures the
// notebook shows for it, in order, each under its export name.
type Outcome interface {
	Figures() ([]NamedFigure, error)
}

// NamedFigure is a figure, or an animation, with the file name (without
// extension) it is exported under by `make figures`: "NN-what", NN the
// lesson. Exactly one of Figure and Animation is set. An animation is
// exported as SVG (it plays in a browser) whatever formats are asked for.
type NamedFigure struct {
	Name      string
	Figure    *plotting.Figure
	Animation *plotting.Animation
}

// registered is one scenario of the lesson registry.
type registered struct {
	lesson   string   // "01" … "07"
	scenario Scenario // its default settings
	figures  []string // the names its outcome's Figures return
}

var registry []registered

// register adds a lesson's scenario with its default settings and the names
// of the figures it makes; lesson files call it from init, in the order the
// notebook shows them.
func register(lesson string, sc Scenario, figures ...string) {
	for _, f := range figures {
		if err := plotting.CheckFigureName(f); err != nil {
			panic(err)
		}
		for _, r := range registry {
			if slices.Contains(r.figures, f) {
				panic(fmt.Sprintf("lessons: figure name %q registered twice", f))
			}
		}
	}
	registry = append(registry, registered{lesson, sc, figures})
}

// FigureNames returns the export names of every figure of the given lesson
// ("01" …), or of all lessons when lesson is "", in notebook order, without
// running anything. `go run ./cmd/figures -list` prints them and the
// notebook runner checks that a lesson shows exactly these.
func FigureNames(lesson string) []string {
	var out []string
	for _, r := range registry {
		if lesson == "" || r.lesson == lesson {
			out = append(out, r.figures...)
		}
	}
	return out
}

// ShowFigure displays one named figure inline (see plotting.Figure.ShowAs),
// or stops the cell if it is invalid.
func ShowFigure(nf NamedFigure) {
	switch {
	case (nf.Figure == nil) == (nf.Animation == nil):
		panic(fmt.Errorf("lessons: ShowFigure: %q must have a figure or an animation, not both or neither", nf.Name))
	case nf.Animation != nil:
		Check(nf.Animation.ShowAs(nf.Name))
	default:
		Check(nf.Figure.ShowAs(nf.Name))
	}
}

// ShowFigures displays each figure in order, or stops the cell on err: pass
// it an outcome's Figures() directly.
func ShowFigures(figs []NamedFigure, err error) {
	Check(err)
	for _, nf := range figs {
		ShowFigure(nf)
	}
}

// PickFigure returns the figure called name from figs, so a cell can show
// an outcome's figures one at a time between its printed results.
func PickFigure(figs []NamedFigure, err error, name string) NamedFigure {
	Check(err)
	for _, nf := range figs {
		if nf.Name == name {
			return nf
		}
	}
	names := make([]string, len(figs))
	for i, nf := range figs {
		names[i] = nf.Name
	}
	panic(fmt.Errorf("lessons: no figure %q among %v", name, names))
}
