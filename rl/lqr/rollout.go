package lqr

import (
	"fmt"
	"math"

	"github.com/rlcontrol/rlcontrol/rl/system"

	"github.com/rlcontrol/rlcontrol/rl/internal/small"
	"gonum.org/v1/gonum/mat"
)

func stageCost(r *raw, x, u []float64, n, m int) float64 {
	return 0.5*small.Quad(x, r.Cxx, x, n, n) + 0.5*small.Quad(u, r.Cuu, u, m, m) +
		small.Quad(u, r.Cux, x, m, n) + small.Dot(r.cx, x) + small.Dot(r.cu, u) + r.c0
}

func finalCost(r *raw, x []float64, n int) float64 {
	return 0.5*small.Quad(x, r.Cxx, x, n, n) + small.Dot(r.cx, x) + r.c0
}

// Rollout runs the linear controller u_t = K_t x_t + k_t of sol on the
// problem's (linear) dynamics from x0 and returns the trajectory and its
// cost under the problem's quadratic cost. It returns an error naming a
// nil, ill-sized or non-finite entry of sol, p or x0, and the step where
// the state or the cost overflows.
func (sol *Solution) Rollout(p *Problem, x0 []float64) (system.Trajectory, float64, error) {
	const fn = "lqr: Rollout"
	switch {
	case sol == nil:
		return system.Trajectory{}, 0, fmt.Errorf("%s: nil Solution", fn)
	case p == nil:
		return system.Trajectory{}, 0, fmt.Errorf("%s: nil Problem", fn)
	}
	n, m, T := p.Dims()
	if len(sol.K) != T || len(sol.Kff) != T {
		return system.Trajectory{}, 0, fmt.Errorf("lqr: solution has %d steps, problem has T = %d", len(sol.K), T)
	}
	zero := make([]float64, max(n, m*n))
	steps := make([]raw, T)
	var fin raw
	if err := p.flatten(steps, &fin, zero); err != nil {
		return system.Trajectory{}, 0, err
	}
	if err := sol.checkGains(fn, n, m, T); err != nil {
		return system.Trajectory{}, 0, err
	}
	if err := system.CheckVec("lqr: x0", x0, n); err != nil {
		return system.Trajectory{}, 0, err
	}
	tr := system.NewTrajectory(n, m, T)
	copy(tr.X[0], x0)
	J := 0.0
	tmp := make([]float64, n)
	for t := 0; t < T; t++ {
		x, u, next := tr.X[t], tr.U[t], tr.X[t+1]
		small.MulVec(u, raw64(sol.K[t]), x, m, n)
		for i := range u {
			u[i] += vraw(sol.Kff[t])[i]
		}
		r := &steps[t]
		small.MulVec(next, r.A, x, n, n)
		small.MulVec(tmp, r.B, u, n, m)
		for i := range next {
			next[i] += tmp[i] + r.a[i]
		}
		J += stageCost(r, x, u, n, m)
		if nonFinite(u) >= 0 || nonFinite(next) >= 0 || math.IsNaN(J) || math.IsInf(J, 0) {
			return system.Trajectory{}, 0, fmt.Errorf("%s: the trajectory or its cost overflows at t = %d", fn, t)
		}
	}
	J += finalCost(&fin, tr.X[T], n)
	if math.IsNaN(J) || math.IsInf(J, 0) {
		return system.Trajectory{}, 0, fmt.Errorf("%s: the cost overflows at the final state", fn)
	}
	return tr, J, nil
}

// checkGains returns an error naming the first of sol's T gains K_t (m×n)
// and offsets k_t (m) that is missing, ill-sized or not finite.
func (sol *Solution) checkGains(fn string, n, m, T int) error {
	if err := checkCount(label{fn, "sol.K", -1, ""}, len(sol.K), T); err != nil {
		return err
	}
	if err := checkCount(label{fn, "sol.Kff", -1, ""}, len(sol.Kff), T); err != nil {
		return err
	}
	for t := 0; t < T; t++ {
		if _, err := checkMat(label{fn, "sol.K", t, ""}, sol.K[t], m, n, false); err != nil {
			return err
		}
		if _, err := checkVec(label{fn, "sol.Kff", t, ""}, sol.Kff[t], m, nil); err != nil {
			return err
		}
	}
	return nil
}

// Clone returns a deep copy of sol that later Backward calls do not touch.
// It panics if sol is nil or has nil entries.
func (sol *Solution) Clone() *Solution {
	c := &Solution{DV1: sol.DV1, DV2: sol.DV2, V0: append([]float64(nil), sol.V0...)}
	for _, d := range sol.K {
		c.K = append(c.K, mat.DenseCopyOf(d))
	}
	for _, v := range sol.Kff {
		c.Kff = append(c.Kff, mat.VecDenseCopyOf(v))
	}
	for _, d := range sol.Quu {
		c.Quu = append(c.Quu, mat.DenseCopyOf(d))
	}
	for _, d := range sol.V {
		c.V = append(c.V, mat.DenseCopyOf(d))
	}
	for _, v := range sol.Vx {
		c.Vx = append(c.Vx, mat.VecDenseCopyOf(v))
	}
	return c
}
