package main

// expectation is what one notebook must show after Run All in quick mode
// (with every live control's Done pressed).
type expectation struct {
	// Figures is the exact number of figures: top-level SVG elements and
	// IMG elements in the cells' outputs, outside live control panels.
	Figures int
	// Panels is the number of code cells that show a live control panel
	// (a `.rlc-live` output) while they run.
	Panels int
}

// expected holds the expectations of every lesson, by notebook name
// without ".ipynb". A lesson missing here fails the test (add it when you
// add a lesson); a lesson whose figure or panel count changes on purpose
// needs its entry changed here too. Counted by running the test (quick
// mode); a ShowFigures call shows several.
var expected = map[string]expectation{
	"00-start-here":           {Figures: 1, Panels: 0},
	"01-ilqr-recap":           {Figures: 13, Panels: 1},
	"02-local-models":         {Figures: 4, Panels: 1},
	"03-trust-regions":        {Figures: 5, Panels: 1},
	"04-trpo":                 {Figures: 5, Panels: 1},
	"05-dagger-plato":         {Figures: 5, Panels: 1},
	"06-guided-policy-search": {Figures: 4, Panels: 1},
	"07-embed-to-control":     {Figures: 8, Panels: 1},
}

// selfFigures is the number of figures kernel/testdata/browser/figures.ipynb
// shows: one SVG and one PNG.
const selfFigures = 2
