package trajopt

import (
	"fmt"
	"math"

	"github.com/rlcontrol/rlcontrol/rl/cost"
	"github.com/rlcontrol/rlcontrol/rl/lqr"
	"github.com/rlcontrol/rlcontrol/rl/system"
)

// SampleCosts returns the total cost of each rollout. It returns an error
// for a nil cost (a typed nil included) or one of other dimensions, the
// errors of s.Dims (an empty, ragged or non-finite batch), and cost.Total's
// (a non-finite or overflowing cost) naming the rollout.
func SampleCosts(c cost.Cost, s system.Batch) ([]float64, error) {
	n, m, _, _, err := s.Dims()
	if err != nil {
		return nil, fmt.Errorf("trajopt: SampleCosts: %w", err)
	}
	if err := cost.Check(c, n, m); err != nil {
		return nil, fmt.Errorf("trajopt: SampleCosts: %w", err)
	}
	out := make([]float64, len(s))
	for i := range s {
		J, err := cost.Total(c, s[i].X, s[i].U)
		if err != nil {
			return nil, fmt.Errorf("trajopt: rollout %d: %w", i, err)
		}
		out[i] = J
	}
	return out, nil
}

// ModelError is the root-mean-square one-step prediction error of dyn on
// the samples: how well a fitted model explains transitions it may not have
// been fitted on (the next iteration's samples show whether the model is
// still valid where the new controller went). It returns the errors of
// s.Dims and dyn.Dims, one when their sizes differ, and one naming the
// rollout and step where the squared error overflows (huge samples).
func ModelError(dyn *lqr.Dynamics, s system.Batch) (float64, error) {
	n, m, T, N, err := s.Dims()
	if err != nil {
		return 0, err
	}
	dn, dm, dT, err := dyn.Dims()
	if err != nil {
		return 0, err
	}
	if dn != n || dm != m || dT != T {
		return 0, fmt.Errorf("trajopt: ModelError: dynamics (n=%d, m=%d, T=%d) and samples (n=%d, m=%d, T=%d) differ", dn, dm, dT, n, m, T)
	}
	sum := 0.0
	for i := 0; i < N; i++ {
		for t := 0; t < T; t++ {
			for r := 0; r < n; r++ {
				p := dyn.F0[t].AtVec(r)
				for j := 0; j < n; j++ {
					p += dyn.Fx[t].At(r, j) * s[i].X[t][j]
				}
				for j := 0; j < m; j++ {
					p += dyn.Fu[t].At(r, j) * s[i].U[t][j]
				}
				d := s[i].X[t+1][r] - p
				sum += d * d
			}
			if math.IsNaN(sum) || math.IsInf(sum, 0) {
				return 0, fmt.Errorf("trajopt: ModelError: the squared prediction error overflows at rollout %d, t = %d", i, t)
			}
		}
	}
	return math.Sqrt(sum / float64(N*T)), nil
}

// MeanCost returns the cost of one noise-free rollout of controller c from
// x0 (u_t = K_t x_t + k_t). It returns the errors of Controller.Dims,
// system.Rollout and cost.Total, and one for a nil cost (a typed nil
// included) or one whose dimensions differ from the system's.
func MeanCost(sys system.System, c cost.Cost, ctrl *lqr.Controller, x0 []float64) (float64, error) {
	_, _, T, err := ctrl.Dims()
	if err != nil {
		return 0, err
	}
	tr, err := system.Rollout(sys, ctrl, x0, T, nil)
	if err != nil {
		return 0, fmt.Errorf("trajopt: mean rollout: %w", err)
	}
	if err := cost.Check(c, sys.StateDim(), sys.ActionDim()); err != nil {
		return 0, fmt.Errorf("trajopt: MeanCost: %w", err)
	}
	return cost.Total(c, tr.X, tr.U)
}
