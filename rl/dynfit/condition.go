package dynfit

import (
	"fmt"

	"github.com/rlcontrol/rlcontrol/rl/internal/small"
	"github.com/rlcontrol/rlcontrol/rl/lqr"
	"github.com/rlcontrol/rlcontrol/rl/system"
)

// conditioner turns a joint Gaussian over z = [a; b], a = [x_t; u_t]
// (p = n+m entries) and b = x_{t+1} (n entries), into the linear-Gaussian
// conditional
//
//	p(b | a) = N(F a + f0, Σ_bb − F Σ_ab),  F = Σ_ba (Σ_aa + reg·I)⁻¹,
//	f0 = μ_b − F μ_a,
//
// the last step of every fitter in this package. It keeps its scratch so a
// fit over T steps allocates once.
type conditioner struct {
	n, m, p, D int
	l          []float64 // p×p Cholesky factor of Σ_aa + reg·I
	ft         []float64 // p×n: Fᵀ
	f0         []float64 // n
	mean2      []float64 // p: squared means, for the rank test
	col        []float64 // p: scratch for the solve
}

func newConditioner(n, m int) *conditioner {
	p := n + m
	return &conditioner{n: n, m: m, p: p, D: p + n,
		l: make([]float64, p*p), ft: make([]float64, p*n), f0: make([]float64, n), mean2: make([]float64, p), col: make([]float64, p)}
}

// solve computes F and f0 from the joint mean mu (D) and covariance sig
// (D×D, full) with reg added to the diagonal of Σ_aa. It returns −1, or the
// index of the first component of a = [x; u] whose regularised covariance
// is singular (constant, or collinear with the components before it).
func (c *conditioner) solve(mu, sig []float64, reg float64) int {
	n, p, D := c.n, c.p, c.D
	for i := 0; i < p; i++ {
		copy(c.l[i*p:i*p+p], sig[i*D:i*D+p])
		c.l[i*p+i] += reg
		c.mean2[i] = mu[i] * mu[i]
	}
	if j := small.CholeskyRank(c.l, c.l, p, c.mean2); j >= 0 {
		return j
	}
	for i := 0; i < p; i++ { // Σ_ab, p×n
		copy(c.ft[i*n:i*n+n], sig[i*D+p:i*D+D])
	}
	small.CholSolve(c.l, c.ft, c.col, p, n)
	for i := 0; i < n; i++ {
		v := mu[p+i]
		for j := 0; j < p; j++ {
			v -= c.ft[j*n+i] * mu[j]
		}
		c.f0[i] = v
	}
	return -1
}

// condCov writes Σ_bb − F Σ_ab (n×n, symmetrised) into cov: the
// conditional covariance of the regularised joint Gaussian.
func (c *conditioner) condCov(cov, sig []float64) {
	n, p, D := c.n, c.p, c.D
	for i := 0; i < n; i++ {
		for k := i; k < n; k++ {
			v := sig[(p+i)*D+p+k]
			for j := 0; j < p; j++ {
				v -= c.ft[j*n+i] * sig[j*D+p+k]
			}
			cov[i*n+k] = v
			cov[k*n+i] = v
		}
	}
	small.Symmetrize(cov, n)
}

// predict writes F a + f0 into out (n) for a = [x; u].
func (c *conditioner) predict(out, x, u []float64) {
	n, m := c.n, c.m
	copy(out, c.f0)
	for j := 0; j < n; j++ {
		if x[j] == 0 {
			continue
		}
		fj := c.ft[j*n : j*n+n]
		for i := range out[:n] {
			out[i] += fj[i] * x[j]
		}
	}
	for j := 0; j < m; j++ {
		if u[j] == 0 {
			continue
		}
		fj := c.ft[(n+j)*n : (n+j)*n+n]
		for i := range out[:n] {
			out[i] += fj[i] * u[j]
		}
	}
}

// store copies F, f0 and the n×n covariance cov into step t of d.
func (c *conditioner) store(d *lqr.Dynamics, t int, cov []float64) {
	n, m := c.n, c.m
	fx := d.Fx[t].RawMatrix()
	fu := d.Fu[t].RawMatrix()
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			fx.Data[i*fx.Stride+j] = c.ft[j*n+i]
		}
		for j := 0; j < m; j++ {
			fu.Data[i*fu.Stride+j] = c.ft[(n+j)*n+i]
		}
	}
	copy(d.F0[t].RawVector().Data, c.f0)
	storeSym(d.Cov[t].RawSymmetric().Data, d.Cov[t].RawSymmetric().Stride, cov, n)
}

// storeSym copies the full n×n row-major matrix a into a SymDense's
// backing array (upper triangle is what SymDense reads; the lower triangle
// is written too, harmlessly).
func storeSym(dst []float64, stride int, a []float64, n int) {
	for i := 0; i < n; i++ {
		copy(dst[i*stride:i*stride+n], a[i*n:i*n+n])
	}
}

// x0Reg is the variance added to the diagonal of every fitted initial-state
// covariance X0Cov, so that it is positive definite even when the N initial
// states span fewer than n directions (e.g. all rollouts start in one state).
const x0Reg = 1e-6

// fitX0 sets d.X0Mean and d.X0Cov to the empirical mean and (1/N)
// covariance of the initial states, plus x0Reg·I, or returns the error of
// fn for moments that overflow.
func fitX0(fn string, d *lqr.Dynamics, s system.Batch, n int) error {
	N := len(s)
	z := make([]float64, N*n)
	for i := 0; i < N; i++ {
		copy(z[i*n:i*n+n], s[i].X[0])
	}
	mu := d.X0Mean.RawVector().Data
	cov := make([]float64, n*n)
	small.Moments(mu, cov, z, N, n)
	if err := checkMoments("dynfit: "+fn, -1, mu, cov, x0Name); err != nil {
		return err
	}
	for i := 0; i < n; i++ {
		cov[i*n+i] += x0Reg
	}
	raw := d.X0Cov.RawSymmetric()
	storeSym(raw.Data, raw.Stride, cov, n)
	return nil
}

// x0Name names component j of an initial state.
func x0Name(j int) string { return fmt.Sprintf("x_0[%d]", j) }
