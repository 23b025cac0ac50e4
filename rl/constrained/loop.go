package constrained

import (
	"fmt"
	"math"

	"github.com/rlcontrol/rlcontrol/rl/internal/config"
)

// alState is the augmented Lagrangian's penalty schedule; nil for dual
// gradient descent.
type alState struct {
	rho, growth, rhoMax, shrink float64
}

// solve runs the outer loop shared by DualGradientDescent (al == nil: plain
// Lagrangian, multiplier step alpha) and AugmentedLagrangian (augmented
// Lagrangian with ρ = al.rho, multiplier step 2ρ).
func solve(p *Problem, o outer, alpha float64, al *alState) (Result, error) {
	if err := p.validate(); err != nil {
		return Result{}, err
	}
	if err := checkVec("X0", o.x0, p.Dim, false); err != nil {
		return Result{}, err
	}
	if err := checkVec("Lambda0", o.lam0, p.NumEq, false); err != nil {
		return Result{}, err
	}
	if err := checkVec("Mu0", o.mu0, p.NumIneq, true); err != nil {
		return Result{}, err
	}
	x := make([]float64, p.Dim)
	lam := make([]float64, p.NumEq)
	mu := make([]float64, p.NumIneq)
	copy(x, o.x0)
	copy(lam, o.lam0)
	copy(mu, o.mu0)

	ws := newWorkspace(p)
	res := Result{X: x, Lambda: lam, Mu: mu, Status: IterationLimit}
	prevResid := math.Inf(1)
	for k := 1; k <= o.maxIter; k++ {
		rho, step := 0.0, alpha
		if al != nil {
			rho, step = al.rho, 2*al.rho
		}
		// 1) x* ← argmin_x L(x, λ, μ)   (L̄ for the augmented Lagrangian)
		xs, nInner, err := ws.xStep(XStep{Lambda: lam, Mu: mu, Rho: rho, X0: x}, o.inner)
		if err != nil {
			return res, fmt.Errorf("constrained: %s iteration %d: %w", o.name, k, err)
		}
		// 2) dD/dλ = C(x*), dD/dμ = g(x*)   (ws.c, ws.g after lagrangian)
		dual := ws.lagrangian(xs, lam, mu, rho)
		fx := p.F(xs)
		if !config.Finite(fx) {
			return res, checkFinite(fmt.Sprintf("%s iteration %d: f(x*)", o.name, k), fx)
		}
		if !config.Finite(dual) {
			return res, checkFinite(fmt.Sprintf("%s iteration %d: L(x*, λ)", o.name, k), dual)
		}
		// 3) λ ← λ + step·C(x*),  μ ← max(0, μ + step·g(x*))
		lamNew := make([]float64, p.NumEq)
		muNew := make([]float64, p.NumIneq)
		var viol2, resid2 float64
		for i, ci := range ws.c {
			if !config.Finite(ci) {
				return res, checkFinite(fmt.Sprintf("%s iteration %d: C(x*)[%d]", o.name, k, i), ci)
			}
			lamNew[i] = lam[i] + step*ci
			viol2 += ci * ci
			resid2 += ci * ci
		}
		for j, gj := range ws.g {
			if !config.Finite(gj) {
				return res, checkFinite(fmt.Sprintf("%s iteration %d: g(x*)[%d]", o.name, k, j), gj)
			}
			muNew[j] = math.Max(0, mu[j]+step*gj)
			if gj > 0 {
				viol2 += gj * gj
			}
			d := (muNew[j] - mu[j]) / step // = max(g, −μ/step)
			resid2 += d * d
		}
		for i, v := range lamNew {
			if !config.Finite(v) {
				return res, checkFinite(fmt.Sprintf("%s iteration %d: λ[%d]", o.name, k, i), v)
			}
		}
		for j, v := range muNew {
			if !config.Finite(v) {
				return res, checkFinite(fmt.Sprintf("%s iteration %d: μ[%d]", o.name, k, j), v)
			}
		}
		it := Iteration{
			Iter: k, X: append([]float64(nil), xs...), Objective: fx,
			Violation: math.Sqrt(viol2), Residual: math.Sqrt(resid2),
			Lambda: append([]float64(nil), lam...), Mu: append([]float64(nil), mu...),
			Dual: dual, Step: step, Rho: rho, InnerIters: nInner,
		}
		res.History = append(res.History, it)
		x, lam, mu = xs, lamNew, muNew
		res.X, res.Lambda, res.Mu = x, lam, mu
		res.Objective, res.Violation = fx, it.Violation
		if o.progress != nil {
			o.progress(it)
		}
		if it.Residual <= o.tol {
			res.Converged, res.Status = true, Converged
			break
		}
		// Optional penalty growth: raise ρ when the residual did not shrink
		// enough since the last iteration.
		if al != nil && al.growth > 1 && it.Residual > al.shrink*prevResid {
			al.rho = math.Min(al.rho*al.growth, al.rhoMax)
		}
		prevResid = it.Residual
	}
	return res, nil
}

// Lagrangian returns L(x, λ, μ) = f(x) + λᵀC(x) + μᵀg(x); with rho > 0 it
// returns the augmented Lagrangian L̄ of XStep. It is for checks and plots
// (e.g. drawing the dual function λ ↦ L(x*(λ), λ)). It returns an error for
// an invalid p, arguments of the wrong length or not finite, μ < 0 or
// ρ < 0, and a Lagrangian that is NaN or overflows at x.
func (p *Problem) Lagrangian(x, lambda, mu []float64, rho float64) (float64, error) {
	if err := p.validate(); err != nil {
		return 0, err
	}
	if len(x) != p.Dim || len(lambda) != p.NumEq || len(mu) != p.NumIneq {
		return 0, fmt.Errorf("constrained: Lagrangian: len(x), len(λ), len(μ) = %d, %d, %d, want %d, %d, %d",
			len(x), len(lambda), len(mu), p.Dim, p.NumEq, p.NumIneq)
	}
	if !config.NonNegative(rho) {
		return 0, fmt.Errorf("constrained: Lagrangian: rho = %v, want ≥ 0 and finite", rho)
	}
	for _, v := range [...]struct {
		name   string
		v      []float64
		nonneg bool
	}{{"x", x, false}, {"lambda", lambda, false}, {"mu", mu, true}} {
		if err := checkVec("Lagrangian: "+v.name, v.v, len(v.v), v.nonneg); err != nil {
			return 0, err
		}
	}
	ws := newWorkspace(p)
	l := ws.lagrangian(x, lambda, mu, rho)
	if math.IsNaN(l) {
		return 0, fmt.Errorf("constrained: Lagrangian is NaN at x = %v", x)
	}
	if math.IsInf(l, 0) {
		return 0, fmt.Errorf("constrained: Lagrangian overflows at x = %v (L = %v)", x, l)
	}
	return l, nil
}
