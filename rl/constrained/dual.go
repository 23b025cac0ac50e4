package constrained

import (
	"fmt"
	"math"

	"github.com/rlcontrol/rlcontrol/rl/internal/config"
)

// DGDConfig holds the settings of DualGradientDescent. The zero value of
// every field selects the default given in its comment.
type DGDConfig struct {
	// Alpha is the dual step size α > 0 (default 0.1). On a convex
	// quadratic with linear constraints the dual function is a concave
	// quadratic with curvature H = A Q⁻¹ Aᵀ, and dual gradient descent
	// converges iff α < 2/λmax(H), fastest near α = 1/λmax(H); the right α
	// therefore depends on the problem's scale.
	Alpha float64
	// MaxIter caps the outer iterations (default 1000).
	MaxIter int
	// Tol stops the run when the projected dual gradient
	// √(‖C(x*)‖² + ‖max(g(x*), −μ/α)‖²) falls below Tol (default 1e-6).
	// The numerical x-step is accurate to about 1e-8 (see
	// InnerConfig.AcceptTol): much smaller Tol needs ArgminLagrangian.
	Tol float64
	// X0 is the first x-step's starting point (default zeros, length Dim);
	// later x-steps start from the previous answer.
	X0 []float64
	// Lambda0 is the initial λ (default zeros, length NumEq).
	Lambda0 []float64
	// Mu0 is the initial μ ≥ 0 (default zeros, length NumIneq).
	Mu0 []float64
	// Inner sets up the numerical x-step (used unless the Problem's
	// ArgminLagrangian solves it).
	Inner InnerConfig
	// Progress, if set, is called after every outer iteration.
	Progress func(Iteration)
}

// WithDefaults returns c with its zero fields set to the defaults in their
// comments (Inner's included), or an error naming the first invalid field
// and its value. X0, Lambda0 and Mu0 are checked against the Problem by
// DualGradientDescent.
func (c DGDConfig) WithDefaults() (DGDConfig, error) {
	config.Or(&c.Alpha, 0.1)
	config.Or(&c.MaxIter, 1000)
	config.Or(&c.Tol, 1e-6)
	if !config.Positive(c.Alpha) {
		return c, fmt.Errorf("constrained: DGDConfig.Alpha = %v, want > 0 and finite", c.Alpha)
	}
	var err error
	c.Inner, err = checkOuter("DGDConfig", c.MaxIter, c.Tol, c.Inner)
	return c, err
}

// checkOuter validates the settings DGDConfig and ALConfig share and
// returns inner with its defaults.
func checkOuter(name string, maxIter int, tol float64, inner InnerConfig) (InnerConfig, error) {
	switch {
	case maxIter < 0:
		return inner, fmt.Errorf("constrained: %s.MaxIter = %d, want > 0", name, maxIter)
	case !config.Positive(tol):
		return inner, fmt.Errorf("constrained: %s.Tol = %v, want > 0 and finite", name, tol)
	}
	inner, err := inner.WithDefaults()
	if err != nil {
		return inner, config.Nested("constrained: "+name+".Inner", err)
	}
	return inner, nil
}

// DualGradientDescent solves min f(x) s.t. C(x) = 0, g(x) ≤ 0 by dual
// gradient descent on the Lagrangian L(x, λ, μ) = f(x) + λᵀC(x) + μᵀg(x):
//
//  1. x* ← argmin_x L(x, λ, μ)
//  2. dD/dλ = C(x*),  dD/dμ = g(x*)
//  3. λ ← λ + α C(x*),  μ ← max(0, μ + α g(x*))
//
// ("descent" on −D: the dual function D(λ, μ) = min_x L is concave and
// step 3 climbs it.) It needs L to have a minimum over x at every multiplier it
// visits: a strictly convex f, or at least one the constraints' terms keep
// bounded below. A failed x-step is returned as an error wrapping the inner
// minimiser's; running out of iterations is not an error (Result.Converged
// is false).
func DualGradientDescent(p *Problem, cfg DGDConfig) (Result, error) {
	cfg, err := cfg.WithDefaults()
	if err != nil {
		return Result{}, err
	}
	o := outer{maxIter: cfg.MaxIter, tol: cfg.Tol, x0: cfg.X0, lam0: cfg.Lambda0, mu0: cfg.Mu0,
		inner: cfg.Inner, progress: cfg.Progress, name: "DualGradientDescent"}
	return solve(p, o, cfg.Alpha, nil)
}

// ALConfig holds the settings of AugmentedLagrangian. The zero value of
// every field selects the default given in its comment.
type ALConfig struct {
	// Rho is the initial penalty weight ρ > 0 of ρ‖C(x)‖² (default 1). The
	// multiplier step is 2ρ. Larger ρ makes the multipliers converge
	// faster (on a quadratic the error shrinks by 1/(1 + 2ρ·h) per
	// iteration, h the dual curvature) but the x-step worse conditioned.
	Rho float64
	// RhoGrowth ≥ 1 multiplies ρ after an iteration whose residual did not
	// fall below RhoShrink times the previous one (default 1: ρ fixed).
	// 2 to 10 are usual.
	RhoGrowth float64
	// RhoShrink in (0, 1) is the residual reduction per iteration that
	// counts as progress (default 0.25).
	RhoShrink float64
	// RhoMax caps ρ (default 1e8).
	RhoMax float64
	// MaxIter caps the outer iterations (default 200).
	MaxIter int
	// Tol stops the run when the projected dual gradient
	// √(‖C(x*)‖² + ‖max(g(x*), −μ/(2ρ))‖²) falls below Tol (default
	// 1e-6; see DGDConfig.Tol).
	Tol float64
	// X0, Lambda0 and Mu0 are as in DGDConfig (default zeros).
	X0, Lambda0, Mu0 []float64
	// Inner sets up the numerical x-step (used unless the Problem's
	// ArgminLagrangian solves it).
	Inner InnerConfig
	// Progress, if set, is called after every outer iteration.
	Progress func(Iteration)
}

// WithDefaults returns c with its zero fields set to the defaults in their
// comments (Inner's included), or an error naming the first invalid field
// and its value. X0, Lambda0 and Mu0 are checked against the Problem by
// AugmentedLagrangian.
func (c ALConfig) WithDefaults() (ALConfig, error) {
	config.Or(&c.Rho, 1)
	config.Or(&c.RhoGrowth, 1)
	config.Or(&c.RhoShrink, 0.25)
	config.Or(&c.RhoMax, 1e8)
	config.Or(&c.MaxIter, 200)
	config.Or(&c.Tol, 1e-6)
	const fn = "constrained: ALConfig"
	switch {
	case !config.Positive(c.Rho):
		return c, fmt.Errorf("%s.Rho = %v, want > 0 and finite", fn, c.Rho)
	case !(c.RhoGrowth >= 1) || math.IsInf(c.RhoGrowth, 1):
		return c, fmt.Errorf("%s.RhoGrowth = %v, want ≥ 1 and finite", fn, c.RhoGrowth)
	case !(c.RhoShrink > 0 && c.RhoShrink < 1):
		return c, fmt.Errorf("%s.RhoShrink = %v, want in (0, 1)", fn, c.RhoShrink)
	case !(c.RhoMax >= c.Rho) || math.IsInf(c.RhoMax, 1):
		return c, fmt.Errorf("%s.RhoMax = %v, want finite and ≥ Rho = %v", fn, c.RhoMax, c.Rho)
	}
	var err error
	c.Inner, err = checkOuter("ALConfig", c.MaxIter, c.Tol, c.Inner)
	return c, err
}

// AugmentedLagrangian solves min f(x) s.t. C(x) = 0, g(x) ≤ 0 with the
// augmented Lagrangian (method of multipliers)
//
//	L̄(x, λ) = f(x) + λᵀC(x) + ρ‖C(x)‖²   (+ the PHR term for g, see XStep)
//
// iterating
//
//  1. x* ← argmin_x L̄(x, λ, μ)
//  2. λ ← λ + 2ρ C(x*),  μ ← max(0, μ + 2ρ g(x*))
//  3. optionally ρ ← min(RhoGrowth·ρ, RhoMax) when the residual stalls.
//
// The step is 2ρ because the penalty is written ρ‖C‖² (as in the lecture):
// its gradient is 2ρ JᵀC, so at the x-step's minimiser
// ∇f + Jᵀ(λ + 2ρC) = 0, i.e. λ + 2ρC is exactly the multiplier for which
// x* is stationary for the plain Lagrangian. (Texts that write (ρ/2)‖C‖²
// update λ ← λ + ρC; it is the same method.) Errors are as for
// DualGradientDescent.
func AugmentedLagrangian(p *Problem, cfg ALConfig) (Result, error) {
	cfg, err := cfg.WithDefaults()
	if err != nil {
		return Result{}, err
	}
	o := outer{maxIter: cfg.MaxIter, tol: cfg.Tol, x0: cfg.X0, lam0: cfg.Lambda0, mu0: cfg.Mu0,
		inner: cfg.Inner, progress: cfg.Progress, name: "AugmentedLagrangian"}
	return solve(p, o, 0, &alState{rho: cfg.Rho, growth: cfg.RhoGrowth, rhoMax: cfg.RhoMax, shrink: cfg.RhoShrink})
}
