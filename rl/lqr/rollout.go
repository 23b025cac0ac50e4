package lqr

import (
	"fmt"

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
// cost under the problem's quadratic cost.
func (sol *Solution) Rollout(p *Problem, x0 []float64) (system.Trajectory, float64, error) {
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
	if err := system.CheckVec("lqr: x0", x0, n); err != nil {
		return system.Trajectory{}, 0, err
	}
	tr := system.NewTrajectory(n, m, T)
	copy(tr.X[0], x0)
	J := 0.0
	tmp := make([]float64, n)
	for t := 0; t < T; t++ {
		if r, c := sol.K[t].Dims(); r != m || c != n || sol.Kff[t].Len() != m {
			return system.Trajectory{}, 0, fmt.Errorf("lqr: solution K[%d] is %d×%d, want %d×%d", t, r, c, m, n)
		}
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
	}
	return tr, J + finalCost(&fin, tr.X[T], n), nil
}

// Clone returns a deep copy of sol that later Backward calls do not touch.
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
