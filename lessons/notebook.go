package lessons

import (
	"fmt"

	"github.com/rlcontrol/rlcontrol/plotting"
)

// Check stops a notebook cell with err's message when err is not nil: in a
// notebook, a failed step should end the cell loudly (the test runner
// fails the lesson on it), not print a warning and go on.
func Check(err error) {
	if err != nil {
		panic(err)
	}
}

// Show displays a figure inline in GoNB (SVG), or stops the cell if
// building it failed. Outside a notebook it does nothing.
func Show(fig *plotting.Figure, err error) {
	Check(err)
	if fig == nil {
		panic(fmt.Errorf("lessons: Show: nil figure"))
	}
	Check(fig.Show())
}
