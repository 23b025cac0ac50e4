package dynfit

import (
	"fmt"
	"math"

	"github.com/rlcontrol/rlcontrol/rl/internal/limits"
	"github.com/rlcontrol/rlcontrol/rl/internal/small"
	"github.com/rlcontrol/rlcontrol/rl/lqr"
	"github.com/rlcontrol/rlcontrol/rl/system"
	"gonum.org/v1/gonum/mat"
)

// BayesianLinearRegression is the lecture's closed form for linear
// regression y = Xβ + ε, ε_i ~ N(0, σ²), with the Gaussian prior
// β ~ N(0, Λ⁻¹) on the weights. The posterior is β | y ~ N(μ_n, Σ_n) with
//
//	μ_n = (XᵀX + σ²Λ)⁻¹ Xᵀy,
//	Σ_n = σ² (XᵀX + σ²Λ)⁻¹.
//
// X is r×d (one row per observation), y has r entries, sigma2 = σ² > 0 is
// the noise variance and Lambda = Λ (d×d, positive semi-definite) the prior
// precision; nil means Λ = 0, a flat prior, which gives the least-squares
// β̂ = (XᵀX)⁻¹Xᵀy with its sampling covariance σ²(XᵀX)⁻¹. The prior makes
// the problem well posed with fewer observations than weights (r < d), as
// long as XᵀX + σ²Λ is positive definite; otherwise it returns an error.
// So are non-finite or mismatched inputs, d² > limits.MaxElements (checked
// before allocating) and values that overflow float64 (entries of X or y
// near 1e154 and above).
func BayesianLinearRegression(X *mat.Dense, y *mat.VecDense, sigma2 float64, Lambda *mat.SymDense) (mean *mat.VecDense, cov *mat.SymDense, err error) {
	return BayesianLinearRegressionWithMean(X, y, sigma2, Lambda, nil)
}

// BayesianLinearRegressionWithMean is BayesianLinearRegression with a
// non-zero prior mean, β ~ N(β₀, Λ⁻¹), e.g. the weights of a previous fit:
//
//	μ_n = (XᵀX + σ²Λ)⁻¹ (Xᵀy + σ²Λβ₀),
//	Σ_n = σ² (XᵀX + σ²Λ)⁻¹.
//
// beta0 nil means β₀ = 0.
func BayesianLinearRegressionWithMean(X *mat.Dense, y *mat.VecDense, sigma2 float64, Lambda *mat.SymDense, beta0 *mat.VecDense) (mean *mat.VecDense, cov *mat.SymDense, err error) {
	const fn = "dynfit: BayesianLinearRegression"
	if X == nil || X.IsEmpty() {
		return nil, nil, fmt.Errorf("%s: X is nil or empty", fn)
	}
	r, d := X.Dims()
	if err := limits.Check(fn, "d × d", d, d); err != nil {
		return nil, nil, err
	}
	if y == nil || y.Len() != r {
		got := 0
		if y != nil {
			got = y.Len()
		}
		return nil, nil, fmt.Errorf("%s: y has %d entries, want %d (the rows of X)", fn, got, r)
	}
	if !(sigma2 > 0) || math.IsInf(sigma2, 1) {
		return nil, nil, fmt.Errorf("%s: sigma2 = %v, want a finite noise variance > 0", fn, sigma2)
	}
	if err := finiteMat(fn+": X", X); err != nil {
		return nil, nil, err
	}
	if err := finiteMat(fn+": y", y); err != nil {
		return nil, nil, err
	}
	if Lambda != nil {
		if Lambda.SymmetricDim() != d {
			return nil, nil, fmt.Errorf("%s: Lambda is %d×%d, want %d×%d (X has %d columns)", fn, Lambda.SymmetricDim(), Lambda.SymmetricDim(), d, d, d)
		}
		if err := finiteMat(fn+": Lambda", Lambda); err != nil {
			return nil, nil, err
		}
	}
	if beta0 != nil {
		if beta0.Len() != d {
			return nil, nil, fmt.Errorf("%s: beta0 has %d entries, want %d (X has %d columns)", fn, beta0.Len(), d, d)
		}
		if err := finiteMat(fn+": beta0", beta0); err != nil {
			return nil, nil, err
		}
	}

	// A = XᵀX + σ²Λ and b = Xᵀy + σ²Λβ₀.
	A := mat.NewSymDense(d, nil)
	A.SymOuterK(1, X.T())
	b := mat.NewVecDense(d, nil)
	b.MulVec(X.T(), y)
	if Lambda != nil {
		A.AddSym(A, scaledSym(sigma2, Lambda))
		if beta0 != nil {
			lb := mat.NewVecDense(d, nil)
			lb.MulVec(Lambda, beta0)
			b.AddScaledVec(b, sigma2, lb)
		}
	}
	if err := finiteMat(fn+": XᵀX + σ²Λ", A); err != nil {
		return nil, nil, fmt.Errorf("%w: it overflows float64; rescale X", err)
	}
	if err := finiteMat(fn+": Xᵀy + σ²Λβ₀", b); err != nil {
		return nil, nil, fmt.Errorf("%w: it overflows float64; rescale X and y", err)
	}
	var ch mat.Cholesky
	if !ch.Factorize(A) {
		return nil, nil, fmt.Errorf("%s: XᵀX + σ²Λ is not positive definite (%d observations for %d weights); use a prior precision Λ that is positive definite on the directions the data do not cover", fn, r, d)
	}
	if c := ch.Cond(); c > 1e14 {
		return nil, nil, fmt.Errorf("%s: XᵀX + σ²Λ is numerically singular (condition number %.3g); strengthen the prior or add observations", fn, c)
	}
	mean = mat.NewVecDense(d, nil)
	if err := ch.SolveVecTo(mean, b); err != nil {
		return nil, nil, fmt.Errorf("%s: %v", fn, err)
	}
	cov = mat.NewSymDense(d, nil)
	if err := ch.InverseTo(cov); err != nil {
		return nil, nil, fmt.Errorf("%s: %v", fn, err)
	}
	cov.ScaleSym(sigma2, cov)
	if err := finiteMat(fn+": posterior mean", mean); err != nil {
		return nil, nil, fmt.Errorf("%w: it overflows float64; rescale X and y", err)
	}
	if err := finiteMat(fn+": posterior covariance", cov); err != nil {
		return nil, nil, fmt.Errorf("%w: it overflows float64; rescale X or sigma2", err)
	}
	return mean, cov, nil
}

func scaledSym(f float64, a mat.Symmetric) *mat.SymDense {
	s := mat.NewSymDense(a.SymmetricDim(), nil)
	s.ScaleSym(f, a)
	return s
}

func finiteMat(what string, a mat.Matrix) error {
	r, c := a.Dims()
	for i := 0; i < r; i++ {
		for j := 0; j < c; j++ {
			if v := a.At(i, j); !finite(v) {
				return fmt.Errorf("%s[%d,%d] = %v is not finite", what, i, j, v)
			}
		}
	}
	return nil
}

// BayesPrior is the Gaussian weight prior of FitBayesian. For each step t
// and each output i, the weights β = row i of [Fx_t Fu_t F0_t] get the prior
//
//	β ~ N(β₀, (σ²/Strength)·I),
//
// that is Λ = (Strength/σ²)·I in the lecture's notation, so that σ²Λ =
// Strength·I and the posterior mean does not depend on the unknown noise
// variance σ².
type BayesPrior struct {
	// Mean provides β₀: its Fx_t, Fu_t, F0_t at every step, e.g. the
	// previous iteration's fit, so that a new fit with few samples stays
	// near the old model in the directions the new samples do not excite.
	// nil means β₀ = 0 (ridge regression). It must have the dimensions and
	// horizon of the samples.
	Mean *lqr.Dynamics
	// Strength λ = σ²Λ ≥ 0 weighs the prior against the data: it is added
	// to the diagonal of XᵀX = Σ_i z_i z_iᵀ, z = [x_t; u_t; 1], whose
	// diagonal grows like N times the mean square of each regressor. So λ
	// is worth about λ/E[z_j²] extra rollouts for weight j; λ → ∞ returns
	// the prior mean. 0 gives ordinary least squares (then N ≥ n+m+1 is
	// needed).
	Strength float64
}

// FitBayesian fits time-varying linear-Gaussian dynamics by Bayesian linear
// regression with the Gaussian prior p, per step t and output dimension i:
// with X the N×(n+m+1) matrix of rows [x_t; u_t; 1] and y the N values of
// x_{t+1,i},
//
//	[Fx Fu F0]_i = (XᵀX + λI)⁻¹ (Xᵀy + λβ₀_i),   λ = p.Strength,
//
// the lecture's posterior mean μ_n with σ²Λ = λI and prior mean β₀. Unlike
// LeastSquares, the intercept is regressed on raw (uncentred) data and is
// shrunk toward β₀ too. Cov_t is the (1/N) covariance of the residuals of
// the posterior-mean model, as in LeastSquares; X0Mean and X0Cov are the
// empirical moments of x_0 plus 1e-6·I. With Strength > 0 any N ≥ 1 works.
// Errors name the bad value as LeastSquares's do (sums of squares overflow
// for samples near 1e154 and above), and a non-finite or mismatched Mean.
func FitBayesian(s system.Batch, p BayesPrior) (*lqr.Dynamics, error) {
	const fn = "FitBayesian"
	n, m, T, N, err := checkSamples(fn, s)
	if err != nil {
		return nil, err
	}
	lam := p.Strength
	if !(lam >= 0) || math.IsInf(lam, 1) {
		return nil, fmt.Errorf("dynfit: %s: BayesPrior.Strength = %v, want a finite value ≥ 0", fn, lam)
	}
	d := n + m + 1
	if lam == 0 && N < d {
		return nil, fmt.Errorf("dynfit: %s: N = %d rollouts, but Strength = 0 needs at least n+m+1 = %d (n = %d, m = %d); pass Strength > 0", fn, N, d, n, m)
	}
	if err := checkFitSize(fn, n, m, T); err != nil {
		return nil, err
	}
	if p.Mean != nil {
		pn, pm, pT, err := p.Mean.Dims()
		if err != nil {
			return nil, fmt.Errorf("dynfit: %s: BayesPrior.Mean: %v", fn, err)
		}
		if pn != n || pm != m || pT != T {
			return nil, fmt.Errorf("dynfit: %s: BayesPrior.Mean has n = %d, m = %d, T = %d; the samples have n = %d, m = %d, T = %d", fn, pn, pm, pT, n, m, T)
		}
	}
	out := lqr.NewDynamics(n, m, T)
	// Regressors z = [1; x_t; u_t]: the intercept first, so that the rank
	// test of the Cholesky factorisation blames a constant x or u component
	// rather than the intercept.
	regressor := func(j int) string {
		if j == 0 {
			return "1"
		}
		return component(j-1, n)
	}
	output := func(o int) string { return fmt.Sprintf("x_{t+1}[%d]", o) }
	G := make([]float64, d*d) // XᵀX + λI, then its Cholesky factor
	W := make([]float64, d*n) // Xᵀy + λβ₀ for all outputs, then [F0 Fx Fu]ᵀ
	z := make([]float64, d)
	col := make([]float64, d) // scratch for the solve
	cov := make([]float64, n*n)
	r := make([]float64, n)
	for t := 0; t < T; t++ {
		for k := range G {
			G[k] = 0
		}
		for k := range W {
			W[k] = 0
		}
		for i := 0; i < N; i++ {
			z[0] = 1
			copy(z[1:1+n], s[i].X[t])
			copy(z[1+n:], s[i].U[t])
			next := s[i].X[t+1]
			for a := 0; a < d; a++ {
				za := z[a]
				if za == 0 {
					continue
				}
				for b := 0; b <= a; b++ {
					G[a*d+b] += za * z[b]
				}
				wa := W[a*n : a*n+n]
				for o, v := range next {
					wa[o] += za * v
				}
			}
		}
		for a := 0; a < d; a++ {
			G[a*d+a] += lam
		}
		if lam != 0 && p.Mean != nil {
			for o := 0; o < n; o++ {
				W[o] += lam * p.Mean.F0[t].AtVec(o)
				for j := 0; j < n; j++ {
					W[(1+j)*n+o] += lam * p.Mean.Fx[t].At(o, j)
				}
				for j := 0; j < m; j++ {
					W[(1+n+j)*n+o] += lam * p.Mean.Fu[t].At(o, j)
				}
			}
		}
		if err := overflowed(fn, t, "XᵀX + λI", G, d, regressor, regressor); err != nil {
			return nil, err
		}
		if err := overflowed(fn, t, "Xᵀy + λβ₀", W, n, regressor, output); err != nil {
			return nil, err
		}
		if j := small.CholeskyRank(G, G, d, nil); j >= 0 {
			what := "the constant 1"
			if j > 0 {
				what = component(j-1, n)
			}
			return nil, fmt.Errorf("dynfit: %s: step %d: XᵀX + λI (λ = %g) is singular at %s: the regressor is zero, constant or a linear combination of the ones before it over the rollouts; vary the samples more, or raise Strength", fn, t, lam, what)
		}
		small.CholSolve(G, W, col, d, n)
		fx, fu, f0 := out.Fx[t], out.Fu[t], out.F0[t]
		for o := 0; o < n; o++ {
			f0.SetVec(o, W[o])
			for j := 0; j < n; j++ {
				fx.Set(o, j, W[(1+j)*n+o])
			}
			for j := 0; j < m; j++ {
				fu.Set(o, j, W[(1+n+j)*n+o])
			}
		}
		// Residual covariance of the posterior-mean model.
		for k := range cov {
			cov[k] = 0
		}
		for i := 0; i < N; i++ {
			x, u, next := s[i].X[t], s[i].U[t], s[i].X[t+1]
			for o := 0; o < n; o++ {
				v := next[o] - W[o]
				for j := 0; j < n; j++ {
					v -= W[(1+j)*n+o] * x[j]
				}
				for j := 0; j < m; j++ {
					v -= W[(1+n+j)*n+o] * u[j]
				}
				r[o] = v
			}
			for a := 0; a < n; a++ {
				for b := a; b < n; b++ {
					cov[a*n+b] += r[a] * r[b]
				}
			}
		}
		for a := 0; a < n; a++ {
			for b := a; b < n; b++ {
				v := cov[a*n+b] / float64(N)
				cov[a*n+b], cov[b*n+a] = v, v
			}
		}
		raw := out.Cov[t].RawSymmetric()
		storeSym(raw.Data, raw.Stride, cov, n)
		if err := checkStep(fn, t, out); err != nil {
			return nil, err
		}
	}
	if err := fitX0(fn, out, s, n); err != nil {
		return nil, err
	}
	return out, nil
}

// overflowed reports the first non-finite entry of v (row-major with cols
// columns; row(a) and col(b) name its rows and columns), a sum of products
// of finite samples, as an overflow of fn at step t.
func overflowed(fn string, t int, what string, v []float64, cols int, row, col func(int) string) error {
	for i, x := range v {
		if !finite(x) {
			return overflowErr("dynfit: "+fn, t, fmt.Sprintf("%s at (%s, %s)", what, row(i/cols), col(i%cols)), x)
		}
	}
	return nil
}
