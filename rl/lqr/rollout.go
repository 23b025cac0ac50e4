package lqr

import (
	"fmt"

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

// Trajectory is a state sequence X (T+1 states), an action sequence U (T
// actions) and their cost.
type Trajectory struct {
	X    []*mat.VecDense
	U    []*mat.VecDense
	Cost float64
}

// Rollout runs the linear controller u_t = K_t x_t + k_t of sol on the
// problem's dynamics from x0 and returns the trajectory and its cost.
func (sol *Solution) Rollout(p *Problem, x0 *mat.VecDense) (*Trajectory, error) {
	n, m, T := p.Dims()
	if len(sol.K) != T {
		return nil, fmt.Errorf("lqr: solution has %d steps, problem has T = %d", len(sol.K), T)
	}
	zero := make([]float64, max(n, m*n))
	steps := make([]raw, T)
	var fin raw
	if err := p.flatten(steps, &fin, zero); err != nil {
		return nil, err
	}
	x, err := checkVec(named("lqr: x0"), x0, n, zero)
	if err != nil {
		return nil, err
	}
	tr := &Trajectory{X: make([]*mat.VecDense, T+1), U: make([]*mat.VecDense, T)}
	tr.X[0] = mat.NewVecDense(n, append([]float64(nil), x...))
	for t := 0; t < T; t++ {
		if r, c := sol.K[t].Dims(); r != m || c != n {
			return nil, fmt.Errorf("lqr: solution K[%d] is %d×%d, want %d×%d", t, r, c, m, n)
		}
		xt := vraw(tr.X[t])
		u := make([]float64, m)
		small.MulVec(u, raw64(sol.K[t]), xt, m, n)
		for i := range u {
			u[i] += vraw(sol.Kff[t])[i]
		}
		tr.U[t] = mat.NewVecDense(m, u)
		r := &steps[t]
		next := make([]float64, n)
		small.MulVec(next, r.A, xt, n, n)
		tmp := make([]float64, n)
		small.MulVec(tmp, r.B, u, n, m)
		for i := range next {
			next[i] += tmp[i] + r.a[i]
		}
		tr.X[t+1] = mat.NewVecDense(n, next)
		tr.Cost += stageCost(r, xt, u, n, m)
	}
	tr.Cost += finalCost(&fin, vraw(tr.X[T]), n)
	return tr, nil
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
