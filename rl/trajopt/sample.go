package trajopt

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/rlcontrol/rlcontrol/rl/cost"
	"github.com/rlcontrol/rlcontrol/rl/dynfit"
	"github.com/rlcontrol/rlcontrol/rl/lqr"
	"github.com/rlcontrol/rlcontrol/rl/system"
)

// Rollouts runs N episodes of the linear-Gaussian controller c on the true
// (nonlinear) system from x0, each start perturbed by independent Gaussian
// noise of standard deviation x0Std per component (0 for a fixed start). The
// actions are drawn as u_t ~ N(K_t x_t + k_t, Cov_t) with rng, so the same
// seed gives the same samples. The system's action limits are not applied:
// the fitted dynamics must see the actions that were actually taken, and the
// lessons' costs keep actions moderate.
func Rollouts(sys system.System, c *lqr.Controller, x0 []float64, x0Std float64, N int, rng *rand.Rand) (dynfit.Samples, error) {
	n, m, T, err := c.Dims()
	if err != nil {
		return dynfit.Samples{}, err
	}
	if sys.StateDim() != n || sys.ActionDim() != m {
		return dynfit.Samples{}, fmt.Errorf("trajopt: controller has n=%d, m=%d but %s has n=%d, m=%d", n, m, sys.Name(), sys.StateDim(), sys.ActionDim())
	}
	if err := system.CheckVec("trajopt: x0", x0, n); err != nil {
		return dynfit.Samples{}, err
	}
	if N <= 0 {
		return dynfit.Samples{}, fmt.Errorf("trajopt: number of rollouts N = %d, want > 0", N)
	}
	if !(x0Std >= 0) {
		return dynfit.Samples{}, fmt.Errorf("trajopt: start noise x0Std = %v, want ≥ 0", x0Std)
	}
	if rng == nil {
		return dynfit.Samples{}, fmt.Errorf("trajopt: nil random source")
	}
	noise, err := c.ActionSamplers()
	if err != nil {
		return dynfit.Samples{}, err
	}
	s := dynfit.Samples{X: make([][][]float64, N), U: make([][][]float64, N)}
	mean := make([]float64, m)
	for i := 0; i < N; i++ {
		X := make([][]float64, T+1)
		U := make([][]float64, T)
		X[0] = append([]float64(nil), x0...)
		for j := range X[0] {
			X[0][j] += x0Std * rng.NormFloat64()
		}
		for t := 0; t < T; t++ {
			c.Mean(mean, t, X[t])
			U[t] = make([]float64, m)
			noise[t].SampleAround(U[t], mean, rng)
			X[t+1] = make([]float64, n)
			if err := sys.Step(X[t+1], X[t], U[t]); err != nil {
				return dynfit.Samples{}, fmt.Errorf("trajopt: rollout %d, step %d: %w", i, t, err)
			}
		}
		s.X[i], s.U[i] = X, U
	}
	return s, nil
}

// SampleCosts returns the total cost of each rollout.
func SampleCosts(c cost.Cost, s dynfit.Samples) ([]float64, error) {
	out := make([]float64, len(s.X))
	for i := range s.X {
		J, err := cost.Total(c, s.X[i], s.U[i])
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
// still valid where the new controller went).
func ModelError(dyn *lqr.Dynamics, s dynfit.Samples) (float64, error) {
	N, T, n, m, err := s.Dims()
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
					p += dyn.Fx[t].At(r, j) * s.X[i][t][j]
				}
				for j := 0; j < m; j++ {
					p += dyn.Fu[t].At(r, j) * s.U[i][t][j]
				}
				d := s.X[i][t+1][r] - p
				sum += d * d
			}
		}
	}
	return math.Sqrt(sum / float64(N*T)), nil
}

// MeanCost returns the cost of one noise-free rollout of controller c from
// x0 (u_t = K_t x_t + k_t).
func MeanCost(sys system.System, c cost.Cost, ctrl *lqr.Controller, x0 []float64) (float64, error) {
	n, m, T, err := ctrl.Dims()
	if err != nil {
		return 0, err
	}
	xs := make([][]float64, T+1)
	us := make([][]float64, T)
	xs[0] = append([]float64(nil), x0...)
	for t := 0; t < T; t++ {
		us[t] = make([]float64, m)
		ctrl.Mean(us[t], t, xs[t])
		xs[t+1] = make([]float64, n)
		if err := sys.Step(xs[t+1], xs[t], us[t]); err != nil {
			return 0, fmt.Errorf("trajopt: mean rollout, step %d: %w", t, err)
		}
	}
	return cost.Total(c, xs, us)
}
