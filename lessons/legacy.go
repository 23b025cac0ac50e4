package lessons

// legacyScenario adapts a lesson's old figure function to the Scenario
// registry until the lesson is rewritten as scenarios.
// TODO(issue 9): each lesson replaces its entry with real scenarios.
type legacyScenario func(quick bool) ([]NamedFigure, error)

// figureList is an Outcome that is just its figures.
type figureList []NamedFigure

// Figures returns the list.
func (f figureList) Figures() ([]NamedFigure, error) { return f, nil }

// Run computes the figures.
func (l legacyScenario) Run() (Outcome, error) {
	figs, err := l(Quick())
	return figureList(figs), err
}
