package dynfit

import (
	"fmt"
	"github.com/rlcontrol/rlcontrol/rl/system"

	"gonum.org/v1/gonum/mat"
)

// StepPoints returns the N×(2n+m) matrix whose row i is
// z_i = [x_t; u_t; x_{t+1}] of rollout i at step t: the points a Prior
// evaluates and NIWPosterior combines with it, for a lesson that walks
// through one step of FitWithPrior by hand.
func StepPoints(s system.Batch, t int) (*mat.Dense, error) {
	n, m, T, N, err := checkSamples("StepPoints", s)
	if err != nil {
		return nil, err
	}
	if t < 0 || t >= T {
		return nil, fmt.Errorf("dynfit: StepPoints: step t = %d, want 0 ≤ t < T = %d", t, T)
	}
	D := 2*n + m
	z := make([]float64, N*D)
	fillStep(z, s, t, n, m)
	return mat.NewDense(N, D, z), nil
}
