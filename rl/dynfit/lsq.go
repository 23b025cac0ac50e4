package dynfit

import (
	"fmt"
	"github.com/rlcontrol/rlcontrol/rl/system"

	"github.com/rlcontrol/rlcontrol/rl/internal/small"
	"github.com/rlcontrol/rlcontrol/rl/lqr"
)

// LeastSquares fits time-varying linear-Gaussian dynamics
//
//	x_{t+1} ≈ Fx_t x_t + Fu_t u_t + F0_t + ε,  ε ~ N(0, Cov_t),
//
// by ordinary least squares at each step t, regressing x_{t+1} on
// [x_t; u_t; 1] over the N rollouts of s: the lecture's
// β̂ = (XᵀX)⁻¹Xᵀy, one regression per output and step. Each sample
// (x_t, u_t, x_{t+1}) is used by one step only, so N must grow with the
// dimensions: with reg = 0 it needs N ≥ n+m+1 rollouts whose [x_t; u_t]
// span all n+m directions at every step. (So with reg = 0 the rollouts must
// not all start in the same state: x_0 would be constant and step 0
// singular.)
//
// It is computed in the equivalent centred form, as GPS's DynamicsLR does:
// with μ̂ and Σ̂ the empirical mean and (1/N) covariance of
// z = [a; x_{t+1}], a = [x_t; u_t],
//
//	[Fx Fu] = Σ̂_{x',a} (Σ̂_{a,a} + reg·I)⁻¹,   F0 = μ̂_{x'} − [Fx Fu] μ̂_a.
//
// reg ≥ 0 is added to the diagonal of Σ̂_{a,a}, the matrix that is inverted;
// the intercept is not penalised. This is ridge regression with penalty
// N·reg on the entries of [Fx Fu]. With reg > 0 the problem is well posed
// for any N ≥ 2 (the fit is then pulled toward F = 0 in the directions the
// data do not excite), so the N ≥ n+m+1 requirement only applies to reg = 0.
//
// Cov_t is the maximum-likelihood noise estimate from the residuals
// r_i = x_{t+1,i} − Fx x_{t,i} − Fu u_{t,i} − F0,
//
//	Cov_t = (1/N) Σ_i r_i r_iᵀ,
//
// not the unbiased 1/(N−n−m−1) version: it is what the joint-Gaussian
// conditioning of FitWithPrior gives as the prior vanishes, it is defined
// for N = n+m+1, and it is what GPS uses. It underestimates the noise by the
// factor (N−n−m−1)/N on average; multiply by N/(N−n−m−1) for the unbiased
// estimate. Cov_t is positive semi-definite, and zero for noise-free data.
//
// X0Mean and X0Cov are the empirical mean and (1/N) covariance of the
// initial states x_0, plus 1e-6·I.
//
// Errors name the bad value: invalid samples (see system.Batch.Dims), reg < 0,
// too few rollouts, a step whose regressors are singular (a constant
// action, or a state component that is a linear combination of others),
// moments or a fit that overflow float64 (samples near 1e154 and above),
// or dynamics larger than limits.MaxElements (T·n·(2n+m+1) numbers, or
// (2n+m)² for the joint covariance), checked before allocating.
func LeastSquares(s system.Batch, reg float64) (*lqr.Dynamics, error) {
	const fn = "LeastSquares"
	n, m, T, N, err := checkSamples(fn, s)
	if err != nil {
		return nil, err
	}
	if err := checkReg(fn, reg); err != nil {
		return nil, err
	}
	if err := checkFitSize(fn, n, m, T); err != nil {
		return nil, err
	}
	p, D := n+m, 2*n+m
	if reg == 0 && N < p+1 {
		return nil, fmt.Errorf("dynfit: %s: N = %d rollouts, but reg = 0 needs at least n+m+1 = %d (n = %d, m = %d); collect more rollouts, pass reg > 0, or use FitWithPrior", fn, N, p+1, n, m)
	}
	if N < 2 {
		return nil, fmt.Errorf("dynfit: %s: N = %d rollout, need at least 2", fn, N)
	}
	d := lqr.NewDynamics(n, m, T)
	c := newConditioner(n, m)
	z := make([]float64, N*D)
	mu := make([]float64, D)
	sig := make([]float64, D*D)
	cov := make([]float64, n*n)
	pred := make([]float64, n)
	for t := 0; t < T; t++ {
		fillStep(z, s, t, n, m)
		small.Moments(mu, sig, z, N, D)
		if err := checkMoments("dynfit: "+fn, t, mu, sig, zName(n, m)); err != nil {
			return nil, err
		}
		if j := c.solve(mu, sig, reg); j >= 0 {
			return nil, singularErr(fn, t, j, n, reg)
		}
		for k := range cov {
			cov[k] = 0
		}
		for i := 0; i < N; i++ {
			c.predict(pred, s[i].X[t], s[i].U[t])
			next := s[i].X[t+1]
			for a := 0; a < n; a++ {
				pred[a] = next[a] - pred[a]
			}
			for a := 0; a < n; a++ {
				for b := a; b < n; b++ {
					cov[a*n+b] += pred[a] * pred[b]
				}
			}
		}
		inv := 1 / float64(N)
		for a := 0; a < n; a++ {
			for b := a; b < n; b++ {
				v := cov[a*n+b] * inv
				cov[a*n+b], cov[b*n+a] = v, v
			}
		}
		c.store(d, t, cov)
		if err := checkStep(fn, t, d); err != nil {
			return nil, err
		}
	}
	if err := fitX0(fn, d, s, n); err != nil {
		return nil, err
	}
	return d, nil
}

func singularErr(fn string, t, j, n int, reg float64) error {
	return fmt.Errorf("dynfit: %s: step %d: the covariance of [x_t; u_t] (plus reg = %g on its diagonal) is singular at %s: it is constant or a linear combination of the components before it over the rollouts; vary the samples more, or raise reg", fn, t, reg, component(j, n))
}
