package lqr

import (
	"fmt"
	"math/rand/v2"

	"github.com/rlcontrol/rlcontrol/rl/internal/limits"
	"github.com/rlcontrol/rlcontrol/rl/internal/small"
	"github.com/rlcontrol/rlcontrol/rl/system"
	"gonum.org/v1/gonum/mat"
)

// normal draws from N(center, cov) through the Cholesky factor of cov:
// x = center + L ε with ε ~ N(0, I). It is factored once and serves a
// center that changes from draw to draw.
type normal struct {
	l   []float64 // k×k lower triangular, row-major
	eps []float64
}

// newNormal factors cov; it fails, naming what, if cov is not k×k and
// positive definite.
func newNormal(what label, cov mat.Symmetric, k int) (*normal, error) {
	if cov == nil || cov.SymmetricDim() != k {
		return nil, fmt.Errorf("lqr: %v: covariance is not %d×%d", what, k, k)
	}
	g := &normal{l: make([]float64, k*k), eps: make([]float64, k)}
	for i := 0; i < k; i++ {
		for j := 0; j <= i; j++ {
			g.l[i*k+j] = cov.At(i, j)
		}
	}
	if !small.Cholesky(g.l, g.l, k) {
		return nil, fmt.Errorf("lqr: %v: covariance is not positive definite", what)
	}
	return g, nil
}

// sampleAround writes center + L ε into dst, drawing ε from rng.
func (g *normal) sampleAround(dst, center []float64, rng *rand.Rand) {
	drawAround(dst, center, g.l, g.eps, rng)
}

// drawAround writes center + L ε into dst with ε ~ N(0, I) drawn from rng
// (all of ε first, then the sum, so a draw uses len(center) normals in
// order).
func drawAround(dst, center, l, eps []float64, rng *rand.Rand) {
	k := len(center)
	for i := range eps[:k] {
		eps[i] = rng.NormFloat64()
	}
	for i := 0; i < k; i++ {
		acc := center[i]
		for j := 0; j <= i; j++ {
			acc += l[i*k+j] * eps[j]
		}
		dst[i] = acc
	}
}

// maxStackM is the largest action dimension whose noise factor Act keeps
// on the stack.
const maxStackM = 6

// Act implements system.Policy: it writes the mean action K_t x + k_t into
// u, and with a random source adds noise drawn from N(0, Cov_t) (Cov_t is
// factored on each call: m is small). Rollouts of a controller are
// system.Rollout and system.Rollouts with it as the policy. It returns an
// error naming a bad step t, x or u (length, NaN, infinity), a non-finite
// entry of step t of the controller, a covariance that is not positive
// definite, or an action that overflows; it allocates nothing for m ≤ 6.
func (c *Controller) Act(u []float64, t int, x []float64, rng *rand.Rand) error {
	const fn = "lqr: Act"
	m, n, err := c.step(fn, t)
	if err != nil {
		return err
	}
	if len(u) != m || len(x) != n {
		return fmt.Errorf("lqr: Act at t = %d: x has length %d and u length %d, want %d and %d", t, len(x), len(u), n, m)
	}
	if err := c.mean(fn, u, t, x, n); err != nil {
		return err
	}
	if rng == nil {
		return nil
	}
	var lbuf [maxStackM * maxStackM]float64
	var ebuf, mbuf [maxStackM]float64
	l, eps, mean := lbuf[:], ebuf[:], mbuf[:]
	if m > maxStackM {
		l, eps, mean = make([]float64, m*m), make([]float64, m), make([]float64, m)
	}
	for i := 0; i < m; i++ {
		for j := 0; j <= i; j++ {
			l[i*m+j] = c.Cov[t].At(i, j)
		}
	}
	if !small.Cholesky(l, l, m) {
		return c.notPD(fn, t)
	}
	copy(mean, u)
	drawAround(u, mean[:m], l, eps, rng)
	if i := nonFinite(u); i >= 0 {
		return fmt.Errorf("%s: the noisy action overflows at t = %d (u[%d] = %v; Cov[%d] is not finite or too large)", fn, t, i, u[i], t)
	}
	return nil
}

// SampleLinear draws N trajectories from controller c under the
// linear-Gaussian dynamics dyn, x_0 ~ N(X0Mean, X0Cov), u_t ~ p(u_t|x_t),
// x_{t+1} ~ N(Fx x_t + Fu u_t + F0, Cov_t). It is the Monte Carlo
// counterpart of Forward, used to check it; sampling the real (nonlinear)
// system is system.Rollouts with the controller as the policy. It returns
// the errors of Controller.Dims and Dynamics.Dims, an error for N < 1, a
// nil rng, N·(T+1)·(n+m) above limits.MaxElements (2^27 numbers, checked
// before allocating) or a covariance that is not positive definite, and
// one naming the sample and step where a sample overflows.
func SampleLinear(c *Controller, dyn *Dynamics, N int, rng *rand.Rand) (system.Batch, error) {
	n, m, T, err := c.Dims()
	if err != nil {
		return nil, err
	}
	if dn, dm, dT, err := dyn.Dims(); err != nil {
		return nil, err
	} else if dn != n || dm != m || dT != T {
		return nil, fmt.Errorf("lqr: SampleLinear: controller (n=%d, m=%d, T=%d) and dynamics (n=%d, m=%d, T=%d) differ", n, m, T, dn, dm, dT)
	}
	if N <= 0 || rng == nil {
		return nil, fmt.Errorf("lqr: SampleLinear needs N > 0 (got %d) and a random source", N)
	}
	if err := limits.Check("lqr: SampleLinear", "N × (T+1) × (n+m)", N, T+1, n+m); err != nil {
		return nil, err
	}
	x0, err := newNormal(named("dynamics X0Cov"), dyn.X0Cov, n)
	if err != nil {
		return nil, err
	}
	acts := make([]*normal, T)
	noise := make([]*normal, T)
	for t := 0; t < T; t++ {
		if acts[t], err = newNormal(label{"", "controller Cov", t, ""}, c.Cov[t], m); err != nil {
			return nil, err
		}
		if noise[t], err = newNormal(label{"", "dynamics Cov", t, ""}, dyn.Cov[t], n); err != nil {
			return nil, err
		}
	}
	mean := make([]float64, max(n, m))
	b := make(system.Batch, N)
	for i := range b {
		tr := system.NewTrajectory(n, m, T)
		x0.sampleAround(tr.X[0], vraw(dyn.X0Mean), rng)
		for t := 0; t < T; t++ {
			c.Mean(mean[:m], t, tr.X[t])
			acts[t].sampleAround(tr.U[t], mean[:m], rng)
			for r := 0; r < n; r++ {
				acc := dyn.F0[t].AtVec(r)
				for j := 0; j < n; j++ {
					acc += dyn.Fx[t].At(r, j) * tr.X[t][j]
				}
				for j := 0; j < m; j++ {
					acc += dyn.Fu[t].At(r, j) * tr.U[t][j]
				}
				mean[r] = acc
			}
			noise[t].sampleAround(tr.X[t+1], mean[:n], rng)
			if nonFinite(tr.U[t]) >= 0 || nonFinite(tr.X[t+1]) >= 0 {
				return nil, fmt.Errorf("lqr: SampleLinear: sample %d overflows at t = %d", i, t)
			}
		}
		b[i] = tr
	}
	return b, nil
}
