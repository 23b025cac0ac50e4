package cost

import (
	"math"
	"testing"

	"github.com/rlcontrol/rlcontrol/rl/internal/badtest"
)

// TestLimitPenalty: zero inside the box, ½w·excess² outside, and its
// gradient against central differences (the penalty is C¹ with a kink in
// its second derivative at the limit, so points off the limit give the
// usual O(h²) accuracy: 1e-6 relative with h = 1e-6); Luu gets w where a
// limit is passed.
func TestLimitPenalty(t *testing.T) {
	base, err := Diagonal([]float64{1, 1}, []float64{0.1, 0.2}, []float64{1, 1}, []float64{0, 0})
	if err != nil {
		t.Fatal(err)
	}
	c, err := NewLimitPenalty(base, []float64{-2, -1}, []float64{2, math.Inf(1)}, 100)
	if err != nil {
		t.Fatal(err)
	}
	x := []float64{0.3, -0.2}
	if got, want := c.Stage(0, x, []float64{1.5, -0.5}), base.Stage(0, x, []float64{1.5, -0.5}); got != want {
		t.Errorf("inside the box: %g, want the base cost %g", got, want)
	}
	u := []float64{2.5, -1.3}
	want := base.Stage(0, x, u) + 0.5*100*(0.5*0.5+0.3*0.3)
	if got := c.Stage(0, x, u); math.Abs(got-want) > 1e-12*want {
		t.Errorf("outside: %g, want %g", got, want)
	}
	d := NewDerivs(2, 2)
	c.StageDerivs(d, 0, x, u)
	const h = 1e-6
	for j := range u {
		up, um := append([]float64(nil), u...), append([]float64(nil), u...)
		up[j] += h
		um[j] -= h
		fd := (c.Stage(0, x, up) - c.Stage(0, x, um)) / (2 * h)
		if math.Abs(fd-d.Lu[j]) > 1e-6*math.Max(1, math.Abs(fd)) {
			t.Errorf("ℓu[%d] = %g, finite difference %g", j, d.Lu[j], fd)
		}
	}
	if d.Luu[0] != 0.1+100 || d.Luu[3] != 0.2+100 {
		t.Errorf("ℓuu diagonal %g, %g, want 100.1, 100.2", d.Luu[0], d.Luu[3])
	}
}

func TestLimitPenaltyInvalidInput(t *testing.T) {
	base, err := Diagonal([]float64{1}, []float64{1}, []float64{1}, []float64{0})
	if err != nil {
		t.Fatal(err)
	}
	mk := func(lo, hi []float64, w float64) func() error {
		return func() error { _, err := NewLimitPenalty(base, lo, hi, w); return err }
	}
	badtest.Run(t, []badtest.Case{
		badtest.Err("nil", "NewLimitPenalty nil cost", func() error { _, err := NewLimitPenalty(nil, []float64{-1}, []float64{1}, 1); return err }, "nil"),
		badtest.Err("ragged", "NewLimitPenalty lengths", mk([]float64{-1, -1}, []float64{1}, 1), "lengths 2 and 1", "m = 1"),
		badtest.Err("nan", "NewLimitPenalty lo ≥ hi", mk([]float64{1}, []float64{1}, 1), "[1, 1]"),
		badtest.Err("nan", "NewLimitPenalty NaN bound", mk([]float64{math.NaN()}, []float64{1}, 1), "NaN"),
		badtest.Err("nan", "NewLimitPenalty weight", mk([]float64{-1}, []float64{1}, math.Inf(1)), "Weight = +Inf"),
		badtest.OK("nan", "NewLimitPenalty one-sided", mk([]float64{math.Inf(-1)}, []float64{1}, 1)),
	})
}
