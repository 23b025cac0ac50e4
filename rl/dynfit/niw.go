package dynfit

import (
	"fmt"

	"github.com/rlcontrol/rlcontrol/rl/internal/limits"
	"github.com/rlcontrol/rlcontrol/rl/internal/nilcheck"
	"github.com/rlcontrol/rlcontrol/rl/internal/small"
	"github.com/rlcontrol/rlcontrol/rl/lqr"
	"github.com/rlcontrol/rlcontrol/rl/system"
	"gonum.org/v1/gonum/mat"
)

// InitialStatePrior is implemented by a Prior that also has a
// normal-inverse-Wishart prior (μ₀, Φ, m, n₀) for the initial state x_0.
// FitWithPrior then fits X0Mean and X0Cov with the same posterior as the
// transitions; otherwise it uses the empirical moments of x_0.
type InitialStatePrior interface {
	InitialState() (mu0 *mat.VecDense, Phi *mat.SymDense, m, n0 float64, err error)
}

// NIWPosterior combines N points z_i (the rows of pts) with the
// normal-inverse-Wishart prior (μ₀, Φ, m, n₀), the lecture's "posterior of
// mean and covariance": with μ̂ and Σ̂ = (1/N) Σ_i (z_i − μ̂)(z_i − μ̂)ᵀ the
// empirical mean and covariance,
//
//	Σ = (Φ + N Σ̂ + (N m/(N + m)) (μ̂ − μ₀)(μ̂ − μ₀)ᵀ) / (N + n₀),
//	μ = (m μ₀ + N μ̂) / (m + N).
//
// The mean is the standard NIW posterior mean, a count-weighted average of
// the prior mean (worth m points) and the data (N points). The lecture's
// slide writes μ = (m μ₀ + n₀ μ̂)/(m + n₀); with n₀ in place of N that
// weights the data by the prior's covariance strength, which cannot be
// right (a stronger prior would then make the data dominate more), so we
// read it as a typo. GPS's code
// (gauss_fit_joint_prior) uses μ = μ̂ and puts the prior into Σ only; for
// the GMM prior μ₀ is itself a responsibility-weighted average near μ̂ and
// m is small, so the three hardly differ there. Σ is the lecture's (and
// GPS's) formula: the NIW posterior scale matrix divided by the posterior
// degrees of freedom N + n₀.
//
// m ≥ 0 and n₀ ≥ 0 are the strengths of the prior mean and covariance, in
// points; Φ/n₀ is the prior's covariance guess. Σ is symmetrised. No
// regularisation is added here (FitWithPrior adds reg when it conditions).
// Errors name the bad value: nil, non-finite or mismatched arguments,
// D² > limits.MaxElements (checked before allocating) and moments or a
// posterior that overflow float64.
func NIWPosterior(pts *mat.Dense, mu0 *mat.VecDense, Phi *mat.SymDense, m, n0 float64) (mu *mat.VecDense, Sigma *mat.SymDense, err error) {
	const fn = "dynfit: NIWPosterior"
	if pts == nil || pts.IsEmpty() {
		return nil, nil, fmt.Errorf("%s: pts is nil or empty", fn)
	}
	N, D := pts.Dims()
	if err := limits.Check(fn, "D × D", D, D); err != nil {
		return nil, nil, err
	}
	if err := finiteMat(fn+": pts", pts); err != nil {
		return nil, nil, err
	}
	if err := checkNIW(fn, D, mu0, Phi, m, n0); err != nil {
		return nil, nil, err
	}
	z := make([]float64, N*D)
	for i := 0; i < N; i++ {
		mat.Row(z[i*D:i*D+D], i, pts)
	}
	muHat, sigHat := make([]float64, D), make([]float64, D*D)
	small.Moments(muHat, sigHat, z, N, D)
	if err := checkMoments(fn, -1, muHat, sigHat, colName); err != nil {
		return nil, nil, err
	}
	muOut, sigOut := make([]float64, D), make([]float64, D*D)
	niwPost(muOut, sigOut, muHat, sigHat, N, symFull(Phi), mu0.RawVector().Data, mu0.RawVector().Inc, m, n0, D)
	if err := checkMoments(fn, -1, muOut, sigOut, posteriorName(colName)); err != nil {
		return nil, nil, err
	}
	return mat.NewVecDense(D, muOut), mat.NewSymDense(D, sigOut), nil
}

// posteriorName names component j of the NIW posterior of points whose
// components name names.
func posteriorName(name func(j int) string) func(j int) string {
	return func(j int) string { return name(j) + " (posterior)" }
}

// checkNIW validates a prior's outputs for D-dimensional points.
func checkNIW(what string, D int, mu0 *mat.VecDense, Phi *mat.SymDense, m, n0 float64) error {
	if mu0 == nil || mu0.Len() != D {
		got := 0
		if mu0 != nil {
			got = mu0.Len()
		}
		return fmt.Errorf("%s: prior mean mu0 has %d entries, want %d", what, got, D)
	}
	if Phi == nil || Phi.SymmetricDim() != D {
		got := 0
		if Phi != nil {
			got = Phi.SymmetricDim()
		}
		return fmt.Errorf("%s: prior scale Phi is %d×%d, want %d×%d", what, got, got, D, D)
	}
	if err := finiteMat(what+": prior mu0", mu0); err != nil {
		return err
	}
	if err := finiteMat(what+": prior Phi", Phi); err != nil {
		return err
	}
	if !(m >= 0) || !finite(m) {
		return fmt.Errorf("%s: prior strength m = %v, want a finite value ≥ 0", what, m)
	}
	if !(n0 >= 0) || !finite(n0) {
		return fmt.Errorf("%s: prior strength n0 = %v, want a finite value ≥ 0", what, n0)
	}
	return nil
}

// symFull returns the D×D symmetric matrix a as a full row-major slice.
func symFull(a *mat.SymDense) []float64 {
	D := a.SymmetricDim()
	out := make([]float64, D*D)
	for i := 0; i < D; i++ {
		for j := i; j < D; j++ {
			v := a.At(i, j)
			out[i*D+j], out[j*D+i] = v, v
		}
	}
	return out
}

// niwPost writes the NIW posterior mean and covariance (see NIWPosterior)
// into mu and sig. mu0 is read with stride inc.
func niwPost(mu, sig, muHat, sigHat []float64, N int, phi, mu0 []float64, inc int, m, n0 float64, D int) {
	fN := float64(N)
	shrink := fN * m / (fN + m)
	inv := 1 / (fN + n0)
	for a := 0; a < D; a++ {
		da := muHat[a] - mu0[a*inc]
		mu[a] = (m*mu0[a*inc] + fN*muHat[a]) / (m + fN)
		for b := a; b < D; b++ {
			db := muHat[b] - mu0[b*inc]
			v := (phi[a*D+b] + fN*sigHat[a*D+b] + shrink*da*db) * inv
			sig[a*D+b], sig[b*D+a] = v, v
		}
	}
}

// FitWithPrior fits time-varying linear-Gaussian dynamics from the N
// rollouts of s and a normal-inverse-Wishart prior, the lecture's "Bayesian
// linear dynamics fitting" (and GPS's DynamicsLRPrior). At each step t the
// points z_i = [x_t; u_t; x_{t+1}] of the N rollouts go to prior.Eval,
// which returns (μ₀, Φ, m, n₀); NIWPosterior combines them with the
// empirical μ̂, Σ̂ into the joint Gaussian N(μ, Σ) of z (see NIWPosterior
// for the formulas and the choice of mean), and conditioning it on
// a = [x_t; u_t] gives the dynamics
//
//	[Fx Fu] = Σ_{x',a} (Σ_{a,a} + reg·I)⁻¹,   F0 = μ_{x'} − [Fx Fu] μ_a,
//	Cov     = Σ_{x',x'} − [Fx Fu] Σ_{a,x'}   (symmetrised),
//
// with reg ≥ 0 added to the diagonal of the [xu, xu] block before it is
// inverted (GPS's 'regularization', typically 1e-6).
//
// Because Φ fills in the directions the few current samples do not span,
// N can be smaller than n+m+1, down to N = 1 (GPS refuses N = 1; here it
// is allowed, and the fit is then the prior conditioned on one point), and
// the rollouts may all start in the same state. With a prior of zero
// strength (Φ = 0, m = n₀ = 0) and reg = 0 it reduces to LeastSquares.
//
// X0Mean and X0Cov use the same posterior on the initial states when prior
// implements InitialStatePrior, and the empirical moments otherwise; 1e-6·I
// is added to X0Cov.
//
// Errors name the bad value: invalid samples, reg < 0, a nil prior (also a
// typed nil such as a nil *GMMPrior), a prior whose Eval fails or returns
// bad parameters, a singular posterior, moments, posteriors or fits that
// overflow float64, and sizes beyond limits.MaxElements as for
// LeastSquares.
func FitWithPrior(s system.Batch, prior Prior, reg float64) (*lqr.Dynamics, error) {
	const fn = "FitWithPrior"
	n, m, T, N, err := checkSamples(fn, s)
	if err != nil {
		return nil, err
	}
	if err := checkReg(fn, reg); err != nil {
		return nil, err
	}
	if prior == nil {
		return nil, fmt.Errorf("dynfit: %s: prior is nil", fn)
	}
	if nilcheck.IsNil(prior) {
		return nil, fmt.Errorf("dynfit: %s: prior is a nil %T", fn, prior)
	}
	if err := checkFitSize(fn, n, m, T); err != nil {
		return nil, err
	}
	D := 2*n + m
	d := lqr.NewDynamics(n, m, T)
	c := newConditioner(n, m)
	z := make([]float64, N*D)
	muHat, sigHat := make([]float64, D), make([]float64, D*D)
	mu, sig := make([]float64, D), make([]float64, D*D)
	cov := make([]float64, n*n)
	for t := 0; t < T; t++ {
		fillStep(z, s, t, n, m)
		pts := mat.NewDense(N, D, append([]float64(nil), z...))
		mu0, Phi, pm, pn0, err := prior.Eval(pts)
		if err != nil {
			return nil, fmt.Errorf("dynfit: %s: step %d: prior: %w", fn, t, err)
		}
		if err := checkNIW(fmt.Sprintf("dynfit: %s: step %d", fn, t), D, mu0, Phi, pm, pn0); err != nil {
			return nil, err
		}
		small.Moments(muHat, sigHat, z, N, D)
		if err := checkMoments("dynfit: "+fn, t, muHat, sigHat, zName(n, m)); err != nil {
			return nil, err
		}
		raw := mu0.RawVector()
		niwPost(mu, sig, muHat, sigHat, N, symFull(Phi), raw.Data, raw.Inc, pm, pn0, D)
		if err := checkMoments("dynfit: "+fn, t, mu, sig, posteriorName(zName(n, m))); err != nil {
			return nil, err
		}
		if j := c.solve(mu, sig, reg); j >= 0 {
			return nil, fmt.Errorf("dynfit: %s: step %d: the posterior covariance of [x_t; u_t] (plus reg = %g on its diagonal) is singular at %s; the prior does not cover what the samples leave out: strengthen the prior or raise reg", fn, t, reg, component(j, n))
		}
		c.condCov(cov, sig)
		c.store(d, t, cov)
		if err := checkStep(fn, t, d); err != nil {
			return nil, err
		}
	}
	if xp, ok := prior.(InitialStatePrior); ok {
		mu0, Phi, pm, pn0, err := xp.InitialState()
		if err != nil {
			return nil, fmt.Errorf("dynfit: %s: initial-state prior: %w", fn, err)
		}
		if err := checkNIW("dynfit: "+fn+": initial state", n, mu0, Phi, pm, pn0); err != nil {
			return nil, err
		}
		x0 := make([]float64, N*n)
		for i := 0; i < N; i++ {
			copy(x0[i*n:i*n+n], s[i].X[0])
		}
		mh, sh := make([]float64, n), make([]float64, n*n)
		small.Moments(mh, sh, x0, N, n)
		if err := checkMoments("dynfit: "+fn, -1, mh, sh, x0Name); err != nil {
			return nil, err
		}
		sx := make([]float64, n*n)
		raw := mu0.RawVector()
		niwPost(d.X0Mean.RawVector().Data, sx, mh, sh, N, symFull(Phi), raw.Data, raw.Inc, pm, pn0, n)
		if err := checkMoments("dynfit: "+fn, -1, d.X0Mean.RawVector().Data, sx, posteriorName(x0Name)); err != nil {
			return nil, err
		}
		for i := 0; i < n; i++ {
			sx[i*n+i] += x0Reg
		}
		rs := d.X0Cov.RawSymmetric()
		storeSym(rs.Data, rs.Stride, sx, n)
	} else if err := fitX0(fn, d, s, n); err != nil {
		return nil, err
	}
	return d, nil
}
