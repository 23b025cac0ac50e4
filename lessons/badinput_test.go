package lessons

import (
	"math"
	"strings"
	"testing"
)

// TestBadInput: every lesson entry point answers bad settings with an
// error naming them — before this test, a horizon of 2^40 crashed the
// process out of memory and nil results panicked.
func TestBadInput(t *testing.T) {
	nan := math.NaN()
	call := func(f func() error) (err error) {
		defer func() {
			if r := recover(); r != nil {
				t.Errorf("panic: %v", r)
			}
		}()
		return f()
	}
	for name, c := range map[string]struct {
		f    func() error
		want string
	}{
		"SwingUp T < 0":  {func() error { _, err := SwingUp{T: -3}.Problem(); return err }, "SwingUp.T = -3, want 1 to 10000"},
		"SwingUp T huge": {func() error { _, err := SwingUp{T: 1 << 40}.Problem(); return err }, "SwingUp.T = 1099511627776"},
		"SwingUp r NaN":  {func() error { _, err := SwingUp{ControlWeight: nan}.Problem(); return err }, "ControlWeight = NaN"},
		"Balance T huge": {func() error { _, err := Balance{T: 1 << 40}.Problem(); return err }, "Balance.T = 1099511627776"},
		"Balance x0 NaN": {func() error { _, err := Balance{X0: []float64{nan, 0, 0, 0}}.Problem(); return err }, "X0[0] = NaN"},
		"Sweep T":        {func() error { _, err := SweepSwingUp([]int{-1}, []float64{0.1}); return err }, "SwingUp.T = -1"},
		"Fitting huge":   {func() error { _, err := NewFitting(PendulumTask(), 1<<40, 1, 1, 1); return err }, "history = 1099511627776 rollouts"},
		"Fitting 0":      {func() error { _, err := NewFitting(PendulumTask(), 5, 0, 1, 1); return err }, "current = 0 rollouts"},
		"RunTask nil":    {func() error { _, err := RunTask(Task{Name: "x"}, FitLeastSquares, 5, 1, 1); return err }, `task "x" has no system`},
		"RunTask N":      {func() error { _, err := RunTask(PointMassTask(), FitLeastSquares, 1<<40, 1, 1); return err }, "rollouts = 1099511627776"},
		"RunTask ε":      {func() error { _, err := RunTask(PointMassTask(), FitLeastSquares, 5, nan, 1); return err }, "Epsilon = NaN"},
		"Task X0":        {func() error { task := PointMassTask(); task.X0 = []float64{0}; return task.Validate() }, "X0 has length 1, want 4"},
		"Sweep N = 0": {func() error {
			_, err := SampleSweep(PointMassTask(), FitLeastSquares, []int{0}, []uint64{1})
			return err
		}, "Ns[0] = 0 rollouts"},
		"History nil":     {func() error { _, err := HistoryFigure("x", nil); return err }, "nil result"},
		"Curves nil":      {func() error { _, err := CurvesFigure("x", nil); return err }, "curve 0 is nil"},
		"States nil":      {func() error { _, err := StatesFigure("x", nil, Run{Name: "a"}); return err }, "nil problem"},
		"Settings":        {func() error { _, err := ParseFloats("eps", "1,x", 0, 1); return err }, `entry 2 "x"`},
		"Frames":          {func() error { _, err := PendulumFrames(nil, nil, 3, 10, 10); return err }, "n = 3, 0 states"},
		"LearningCurve":   {func() error { _, err := LearningCurve("x", PendulumTRPOConfig(1), nil, nil); return err }, "at least one seed"},
		"EpsilonSweep ε":  {func() error { _, err := EpsilonSweep(PointMassTask(), []float64{nan}, 1); return err }, "ε = NaN"},
		"EpsilonSweep no": {func() error { _, err := EpsilonSweep(PointMassTask(), nil, 1); return err }, "at least one ε"},
	} {
		if err := call(c.f); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: err = %v, want %q", name, err, c.want)
		}
	}
}
