package lqr

import (
	"fmt"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"
)

// Gaussian draws samples from N(mean, cov) through the Cholesky factor of
// cov: x = mean + L ε with ε ~ N(0, I).
type Gaussian struct {
	mean []float64
	l    *mat.TriDense
	eps  []float64
}

// NewGaussian factors cov; it fails, naming what, if cov is not positive
// definite or the lengths differ.
func NewGaussian(what string, mean []float64, cov mat.Symmetric) (*Gaussian, error) {
	k := len(mean)
	if cov.SymmetricDim() != k {
		return nil, fmt.Errorf("lqr: %s: mean has length %d but the covariance is %d×%d", what, k, cov.SymmetricDim(), cov.SymmetricDim())
	}
	var ch mat.Cholesky
	if !ch.Factorize(cov) {
		return nil, fmt.Errorf("lqr: %s: covariance is not positive definite", what)
	}
	g := &Gaussian{mean: append([]float64(nil), mean...), l: mat.NewTriDense(k, mat.Lower, nil), eps: make([]float64, k)}
	ch.LTo(g.l)
	return g, nil
}

// SampleAround writes center + L ε into dst (the mean given at construction
// is ignored); it lets one factor serve a mean that changes with the state.
func (g *Gaussian) SampleAround(dst, center []float64, rng *rand.Rand) {
	k := len(g.eps)
	for i := range g.eps {
		g.eps[i] = rng.NormFloat64()
	}
	for i := 0; i < k; i++ {
		acc := center[i]
		for j := 0; j <= i; j++ {
			acc += g.l.At(i, j) * g.eps[j]
		}
		dst[i] = acc
	}
}

// Sample writes a draw from N(mean, cov) into dst.
func (g *Gaussian) Sample(dst []float64, rng *rand.Rand) { g.SampleAround(dst, g.mean, rng) }

// ActionSamplers returns one sampler per time step for the controller's
// action noise.
func (c *Controller) ActionSamplers() ([]*Gaussian, error) {
	_, m, T, err := c.Dims()
	if err != nil {
		return nil, err
	}
	out := make([]*Gaussian, T)
	for t := 0; t < T; t++ {
		if out[t], err = NewGaussian(fmt.Sprintf("controller Cov[%d]", t), make([]float64, m), c.Cov[t]); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// SampleLinear draws N trajectories from controller c under linear-Gaussian
// dynamics dyn: xs[i] has T+1 states and us[i] T actions. It is the Monte
// Carlo counterpart of Forward, used to check it.
func SampleLinear(c *Controller, dyn *Dynamics, N int, rng *rand.Rand) (xs, us [][][]float64, err error) {
	n, m, T, err := c.Dims()
	if err != nil {
		return nil, nil, err
	}
	if dn, dm, dT, err := dyn.Dims(); err != nil {
		return nil, nil, err
	} else if dn != n || dm != m || dT != T {
		return nil, nil, fmt.Errorf("lqr: SampleLinear: controller (n=%d, m=%d, T=%d) and dynamics (n=%d, m=%d, T=%d) differ", n, m, T, dn, dm, dT)
	}
	if N <= 0 || rng == nil {
		return nil, nil, fmt.Errorf("lqr: SampleLinear needs N > 0 (got %d) and a random source", N)
	}
	x0, err := NewGaussian("dynamics X0Cov", vraw(dyn.X0Mean), dyn.X0Cov)
	if err != nil {
		return nil, nil, err
	}
	acts, err := c.ActionSamplers()
	if err != nil {
		return nil, nil, err
	}
	noise := make([]*Gaussian, T)
	for t := 0; t < T; t++ {
		if noise[t], err = NewGaussian(fmt.Sprintf("dynamics Cov[%d]", t), make([]float64, n), dyn.Cov[t]); err != nil {
			return nil, nil, err
		}
	}
	mean := make([]float64, max(n, m))
	for i := 0; i < N; i++ {
		X := make([][]float64, T+1)
		U := make([][]float64, T)
		X[0] = make([]float64, n)
		x0.Sample(X[0], rng)
		for t := 0; t < T; t++ {
			U[t] = make([]float64, m)
			c.Mean(mean[:m], t, X[t])
			acts[t].SampleAround(U[t], mean[:m], rng)
			for r := 0; r < n; r++ {
				acc := dyn.F0[t].AtVec(r)
				for j := 0; j < n; j++ {
					acc += dyn.Fx[t].At(r, j) * X[t][j]
				}
				for j := 0; j < m; j++ {
					acc += dyn.Fu[t].At(r, j) * U[t][j]
				}
				mean[r] = acc
			}
			X[t+1] = make([]float64, n)
			noise[t].SampleAround(X[t+1], mean[:n], rng)
		}
		xs, us = append(xs, X), append(us, U)
	}
	return xs, us, nil
}
