package trajopt

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/rlcontrol/rlcontrol/rl/cost"
	"github.com/rlcontrol/rlcontrol/rl/dynfit"
	"github.com/rlcontrol/rlcontrol/rl/lqr"
	"github.com/rlcontrol/rlcontrol/rl/system"
)

// pointMassCost pulls the point mass to rest at (2, 1); it starts at rest
// at the origin, as in the lessons.
func pointMassCost(t *testing.T) cost.Cost {
	c, err := cost.Diagonal([]float64{1, 1, 0.1, 0.1}, []float64{0.1, 0.1}, []float64{100, 100, 10, 10}, []float64{2, 1, 0, 0})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestRunImprovesAndIsReproducible: on the point mass with least squares
// and 10 rollouts the noise-free cost falls by more than 10× within 5
// iterations, every update's KL stays within 10% of its bound, and the same
// seed gives the same history.
func TestRunImprovesAndIsReproducible(t *testing.T) {
	pm := system.NewPointMass()
	c := pointMassCost(t)
	run := func() *Result {
		res, err := Run(pm, c, make([]float64, 4), 100, Config{Iterations: 5, Rollouts: 10, Seed: 3})
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	a, b := run(), run()
	h := a.History
	if h[4].MeanCost > h[0].MeanCost/10 {
		t.Errorf("cost %v → %v: want a 10× improvement", h[0].MeanCost, h[4].MeanCost)
	}
	for i, s := range h {
		if s.KL > 1.1*s.Bound {
			t.Errorf("iteration %d: KL %v above bound %v", i+1, s.KL, s.Bound)
		}
		if s.MeanCost != b.History[i].MeanCost || s.Eta != b.History[i].Eta {
			t.Errorf("iteration %d differs between two runs with the same seed", i+1)
		}
	}
	if !math.IsNaN(h[0].ModelError) || math.IsNaN(h[1].ModelError) {
		t.Errorf("model error: first %v (want NaN), second %v (want a number)", h[0].ModelError, h[1].ModelError)
	}
}

func TestRunBadInput(t *testing.T) {
	pm := system.NewPointMass()
	c := pointMassCost(t)
	x0 := make([]float64, 4)
	check := func(name string, err error, want string) {
		t.Helper()
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: err = %v, want it to mention %q", name, err, want)
		}
	}
	_, err := Run(nil, c, x0, 10, Config{})
	check("nil system", err, "nil system")
	_, err = Run(pm, c, x0, 0, Config{})
	check("T = 0", err, "horizon T = 0")
	_, err = Run(pm, c, x0, 10, Config{Epsilon: -1})
	check("ε < 0", err, "Epsilon = -1")
	_, err = Run(pm, c, x0, 10, Config{InitVar: math.NaN()})
	check("NaN variance", err, "InitVar = NaN")
	_, err = Run(pm, c, x0, 10, Config{InitAction: []float64{1}})
	check("init action", err, "InitAction has length 1")
	_, err = Run(pm, c, []float64{0, math.Inf(1), 0, 0}, 10, Config{})
	check("Inf start", err, "x0[1] = +Inf")
	// Too few samples for the dimensions: plain least squares with 3
	// rollouts and n + m + 1 = 7 regressors.
	_, err = Run(pm, c, x0, 10, Config{Rollouts: 3, Fitter: LeastSquares{}})
	check("too few samples", err, "needs at least n+m+1 = 7")
	_, err = Run(pm, c, x0, 10, Config{Fitter: WithPrior{}})
	check("nil prior", err, "nil prior")

	ctrl, _ := lqr.NewConstantController(4, 2, 10, nil, 1)
	_, err = system.Rollouts(pm, ctrl, x0, 0, 0, 10, rand.New(rand.NewPCG(1, 1)))
	check("N = 0", err, "N = 0")
	_, err = system.Rollouts(system.NewPendulum(), ctrl, []float64{0, 0}, 0, 3, 10, rand.New(rand.NewPCG(1, 1)))
	check("dimension mismatch", err, "x has length 2 and u length 1, want 4 and 2")
	nanSamples := system.Batch{{X: [][]float64{{math.NaN(), 0, 0, 0}, {0, 0, 0, 0}}, U: [][]float64{{0, 0}}}}
	_, err = ModelError(lqr.NewDynamics(4, 2, 1), nanSamples)
	check("NaN samples", err, "trajectory 0: X[0][0] = NaN")
	_, err = dynfit.LeastSquares(nanSamples, 1)
	check("NaN samples (fit)", err, "trajectory 0: X[0][0] = NaN")
}
