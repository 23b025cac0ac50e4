package lqr

import (
	"fmt"
	"math"

	"github.com/rlcontrol/rlcontrol/rl/internal/config"
	"gonum.org/v1/gonum/mat"
)

// TrajDist is the Gaussian distribution of a trajectory under a
// linear-Gaussian controller and linear-Gaussian dynamics: for t < T the
// joint z_t = [x_t; u_t] ~ N(Mean[t], Cov[t]), and x_T ~ N(FinalMean,
// FinalCov).
type TrajDist struct {
	Mean      []*mat.VecDense // T vectors of length n+m
	Cov       []*mat.SymDense // T matrices (n+m)×(n+m)
	FinalMean *mat.VecDense
	FinalCov  *mat.SymDense
}

// StateMean returns the mean of x_t (t = 0…T) as a new slice. It panics if
// t is out of range or d is nil or incomplete.
func (d *TrajDist) StateMean(t int) []float64 {
	if t == len(d.Mean) {
		return append([]float64(nil), d.FinalMean.RawVector().Data...)
	}
	n := d.FinalMean.Len()
	return append([]float64(nil), d.Mean[t].RawVector().Data[:n]...)
}

// StateStd returns the standard deviations of the components of x_t. It
// panics if t is out of range or d is nil or incomplete.
func (d *TrajDist) StateStd(t int) []float64 {
	n := d.FinalMean.Len()
	out := make([]float64, n)
	for i := range out {
		if t == len(d.Mean) {
			out[i] = math.Sqrt(math.Max(0, d.FinalCov.At(i, i)))
		} else {
			out[i] = math.Sqrt(math.Max(0, d.Cov[t].At(i, i)))
		}
	}
	return out
}

// check returns an error naming the first missing, ill-sized or
// non-finite entry of d, a distribution of T steps over n states and m
// actions; fn prefixes the message.
func (d *TrajDist) check(fn string, n, m, T int) error {
	if d == nil {
		return fmt.Errorf("%s: nil TrajDist", fn)
	}
	if len(d.Mean) != T || len(d.Cov) != T {
		return fmt.Errorf("%s: dist has %d means and %d covariances, want T = %d of each", fn, len(d.Mean), len(d.Cov), T)
	}
	for t := 0; t < T; t++ {
		if _, err := checkVec(label{fn, "dist.Mean", t, ""}, d.Mean[t], n+m, nil); err != nil {
			return err
		}
		if err := checkSym(label{fn, "dist.Cov", t, ""}, d.Cov[t], n+m); err != nil {
			return err
		}
	}
	if _, err := checkVec(label{fn, "dist.FinalMean", -1, ""}, d.FinalMean, n, nil); err != nil {
		return err
	}
	return checkSym(label{fn, "dist.FinalCov", -1, ""}, d.FinalCov, n)
}

// Forward propagates the trajectory distribution of controller c under
// dynamics dyn (the lecture's p(τ) = p(x_0) Π p(u_t|x_t) p(x_{t+1}|x_t,u_t)):
//
//	μu = K μx + k,  Σxu = Σx Kᵀ,  Σuu = K Σx Kᵀ + Σc
//	μx' = F μz + f, Σx' = F Σz Fᵀ + Σdyn,   F = [Fx Fu].
//
// It returns the errors of Controller.Dims and Dynamics.Dims, and one
// naming the step where a mean or covariance overflows (unstable dynamics
// over a long horizon): a returned distribution is finite.
func Forward(c *Controller, dyn *Dynamics) (*TrajDist, error) {
	n, m, T, err := c.Dims()
	if err != nil {
		return nil, err
	}
	dn, dm, dT, err := dyn.Dims()
	if err != nil {
		return nil, err
	}
	if dn != n || dm != m || dT != T {
		return nil, fmt.Errorf("lqr: Forward: controller has n=%d, m=%d, T=%d but dynamics have n=%d, m=%d, T=%d", n, m, T, dn, dm, dT)
	}
	d := &TrajDist{}
	mux := mat.VecDenseCopyOf(dyn.X0Mean)
	sx := mat.NewSymDense(n, nil)
	sx.CopySym(dyn.X0Cov)
	F := mat.NewDense(n, n+m, nil)
	for t := 0; t < T; t++ {
		K := c.K[t]
		mu := mat.NewVecDense(n+m, nil)
		var muu mat.VecDense
		muu.MulVec(K, mux)
		muu.AddVec(&muu, c.Kff[t])
		for i := 0; i < n; i++ {
			mu.SetVec(i, mux.AtVec(i))
		}
		for i := 0; i < m; i++ {
			mu.SetVec(n+i, muu.AtVec(i))
		}
		var sxKt, ksk mat.Dense
		sxKt.Mul(sx, K.T()) // n×m
		ksk.Mul(K, &sxKt)   // m×m
		S := mat.NewSymDense(n+m, nil)
		for i := 0; i < n; i++ {
			for j := i; j < n; j++ {
				S.SetSym(i, j, sx.At(i, j))
			}
			for j := 0; j < m; j++ {
				S.SetSym(i, n+j, sxKt.At(i, j))
			}
		}
		for i := 0; i < m; i++ {
			for j := i; j < m; j++ {
				S.SetSym(n+i, n+j, 0.5*(ksk.At(i, j)+ksk.At(j, i))+c.Cov[t].At(i, j))
			}
		}
		if err := overflows("Forward: the distribution of (x_t, u_t)", t, mu, S); err != nil {
			return nil, err
		}
		d.Mean = append(d.Mean, mu)
		d.Cov = append(d.Cov, S)
		F.Slice(0, n, 0, n).(*mat.Dense).Copy(dyn.Fx[t])
		F.Slice(0, n, n, n+m).(*mat.Dense).Copy(dyn.Fu[t])
		next := mat.NewVecDense(n, nil)
		next.MulVec(F, mu)
		next.AddVec(next, dyn.F0[t])
		var FS, FSFt mat.Dense
		FS.Mul(F, S)
		FSFt.Mul(&FS, F.T())
		nsx := mat.NewSymDense(n, nil)
		for i := 0; i < n; i++ {
			for j := i; j < n; j++ {
				nsx.SetSym(i, j, 0.5*(FSFt.At(i, j)+FSFt.At(j, i))+dyn.Cov[t].At(i, j))
			}
		}
		if err := overflows("Forward: the distribution of x_t", t+1, next, nsx); err != nil {
			return nil, err
		}
		mux, sx = next, nsx
	}
	d.FinalMean, d.FinalCov = mux, sx
	return d, nil
}

// KL returns D_KL(p(τ) ‖ p̄(τ)) for two controllers p and p̄ that share the
// dynamics and initial state distribution, where dist is p's trajectory
// distribution (from Forward). As the lecture derives, the dynamics terms
// cancel and
//
//	D_KL(p(τ) ‖ p̄(τ)) = Σ_t E_{p(x_t)} [ D_KL(p(u_t|x_t) ‖ p̄(u_t|x_t)) ],
//
// where for Gaussians with means K x + k, K̄ x + k̄ and covariances Σ, Σ̄,
//
//	D_KL = ½ [ tr(Σ̄⁻¹Σ) − m + log det Σ̄ − log det Σ + E_x (Δμ)ᵀ Σ̄⁻¹ (Δμ) ],
//	E_x (Δμ)ᵀΣ̄⁻¹(Δμ) = (ΔK μx + Δk)ᵀ Σ̄⁻¹ (ΔK μx + Δk) + tr(ΔKᵀ Σ̄⁻¹ ΔK Σx).
//
// It returns the total and the per-step terms, or an error naming a bad
// argument (Controller.Dims's errors for p and p̄, a nil, ill-sized or
// non-finite dist) or the step where the KL overflows.
func KL(p, pbar *Controller, dist *TrajDist) (float64, []float64, error) {
	const fn = "lqr: KL"
	n, m, T, err := p.Dims()
	if err != nil {
		return 0, nil, config.Nested(fn+": p", err)
	}
	bn, bm, bT, err := pbar.Dims()
	if err != nil {
		return 0, nil, config.Nested(fn+": p̄", err)
	}
	if dist == nil {
		return 0, nil, fmt.Errorf("%s: nil TrajDist", fn)
	}
	if bm != m || bn != n || bT != T || len(dist.Mean) != T {
		return 0, nil, fmt.Errorf("lqr: KL: controllers have (n, m, T) = (%d, %d, %d) and (%d, %d, %d), distribution has T = %d", n, m, T, bn, bm, bT, len(dist.Mean))
	}
	if err := dist.check(fn, n, m, T); err != nil {
		return 0, nil, err
	}
	per := make([]float64, T)
	total := 0.0
	for t := 0; t < T; t++ {
		var chB, ch mat.Cholesky
		if !chB.Factorize(pbar.Cov[t]) {
			return 0, nil, fmt.Errorf("lqr: KL: p̄'s covariance at t = %d is not positive definite", t)
		}
		if !ch.Factorize(p.Cov[t]) {
			return 0, nil, fmt.Errorf("lqr: KL: p's covariance at t = %d is not positive definite", t)
		}
		var prec mat.SymDense
		if err := chB.InverseTo(&prec); err != nil {
			return 0, nil, err
		}
		var ps mat.Dense
		ps.Mul(&prec, p.Cov[t])
		tr := mat.Trace(&ps)
		dK := mat.NewDense(m, n, nil)
		dK.Sub(p.K[t], pbar.K[t])
		mux := dist.Mean[t].SliceVec(0, n)
		dmu := mat.NewVecDense(m, nil)
		dmu.MulVec(dK, mux)
		dmu.AddVec(dmu, p.Kff[t])
		dmu.SubVec(dmu, pbar.Kff[t])
		quad := mat.Inner(dmu, &prec, dmu)
		sx := dist.Cov[t].SliceSym(0, n)
		var PdK, dKtPdK, tmp mat.Dense
		PdK.Mul(&prec, dK)
		dKtPdK.Mul(dK.T(), &PdK)
		tmp.Mul(&dKtPdK, sx)
		quad += mat.Trace(&tmp)
		kl := 0.5 * (tr - float64(m) + chB.LogDet() - ch.LogDet() + quad)
		if math.IsNaN(kl) || math.IsInf(kl, 0) {
			return 0, nil, fmt.Errorf("%s: the KL overflows at t = %d (%v)", fn, t, kl)
		}
		per[t] = kl
		total += kl
	}
	if math.IsInf(total, 0) {
		return 0, nil, fmt.Errorf("%s: the total KL overflows", fn)
	}
	return total, per, nil
}

// overflows returns an error naming what and step t if the mean or the
// covariance holds a NaN or an infinity.
func overflows(what string, t int, mean *mat.VecDense, cov *mat.SymDense) error {
	if nonFinite(mean.RawVector().Data) >= 0 || nonFinite(cov.RawSymmetric().Data) >= 0 {
		return fmt.Errorf("lqr: %s overflows at t = %d", what, t)
	}
	return nil
}

// Clone returns a deep copy of d. It panics if d is nil or has nil entries.
func (d *TrajDist) Clone() *TrajDist {
	sym := func(s *mat.SymDense) *mat.SymDense {
		c := mat.NewSymDense(s.SymmetricDim(), nil)
		c.CopySym(s)
		return c
	}
	out := &TrajDist{FinalMean: mat.VecDenseCopyOf(d.FinalMean), FinalCov: sym(d.FinalCov)}
	for t := range d.Mean {
		out.Mean = append(out.Mean, mat.VecDenseCopyOf(d.Mean[t]))
		out.Cov = append(out.Cov, sym(d.Cov[t]))
	}
	return out
}
