package lessons

import (
	"fmt"
	"reflect"

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

// Assert stops the cell with the formatted message when ok is false: a
// lesson asserts, next to its text, each claim that text makes about the
// numbers the cell computed, so a change that makes the text wrong fails
// the test run instead of misleading a class. The message says what was
// claimed, e.g. Assert(ls > blr, "least squares (%.4f) is worse than BLR (%.4f) at N = 20", ls, blr).
func Assert(ok bool, format string, args ...any) {
	if !ok {
		panic(fmt.Errorf("lesson claim does not hold: "+format, args...))
	}
}

// Grade prints an exercise's verdict: "✓ name: correct" when err is nil,
// else "✗ name: not yet — err". An exercise's check cell calls it with the
// result of the lesson's checker on the student's code; the notebook runner
// runs each exercise twice, with the starting code (which must not crash)
// and with the hidden solution (which must print ✓).
func Grade(name string, err error) {
	if err != nil {
		fmt.Printf("✗ %s: not yet — %v\n", name, err)
		return
	}
	fmt.Printf("✓ %s: correct\n", name)
}

// given returns an error when an exercise's function is missing (nil), so
// a checker says so instead of crashing.
func given(fn any) error {
	if fn == nil || reflect.ValueOf(fn).IsNil() {
		return fmt.Errorf("no function given")
	}
	return nil
}

// recovered turns a panic in a student's function into the checker's
// error; a checker defers it: defer recovered(&err).
func recovered(err *error) {
	if r := recover(); r != nil {
		*err = fmt.Errorf("your function panicked: %v", r)
	}
}
