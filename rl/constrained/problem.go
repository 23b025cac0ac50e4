package constrained

import (
	"errors"
	"fmt"
	"math"
	"strings"

	"github.com/rlcontrol/rlcontrol/rl/internal/nilcheck"

	"github.com/rlcontrol/rlcontrol/rl/internal/config"
	"github.com/rlcontrol/rlcontrol/rl/internal/limits"
	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/optimize"
)

// Problem is
//
//	min_x f(x)   s.t.   C(x) = 0  (NumEq rows),   g(x) ≤ 0  (NumIneq rows)
//
// with x ∈ ℝ^Dim. Functions write into the slice or matrix they are given
// (which the caller of the function owns) and must not keep it.
type Problem struct {
	// Dim is the length of x (> 0).
	Dim int
	// F is the objective f(x). Required.
	F func(x []float64) float64
	// Grad writes ∇f(x) into grad (length Dim). Required unless
	// ArgminLagrangian solves every x-step.
	Grad func(grad, x []float64)

	// NumEq is the number of equality constraints C(x) = 0 (≥ 0).
	NumEq int
	// Eq writes C(x) into c (length NumEq). Required when NumEq > 0.
	Eq func(c, x []float64)
	// EqJac writes the Jacobian ∂C/∂x (NumEq×Dim, zeroed before the call)
	// into jac. Required when NumEq > 0, unless ArgminLagrangian solves
	// every x-step.
	EqJac func(jac *mat.Dense, x []float64)

	// NumIneq is the number of inequality constraints g(x) ≤ 0 (≥ 0).
	NumIneq int
	// Ineq writes g(x) into g (length NumIneq). Required when NumIneq > 0.
	Ineq func(g, x []float64)
	// IneqJac writes ∂g/∂x (NumIneq×Dim, zeroed before the call) into jac.
	// Required when NumIneq > 0, unless ArgminLagrangian solves every
	// x-step.
	IneqJac func(jac *mat.Dense, x []float64)

	// ArgminLagrangian, if set, solves the x-step in closed form: it returns
	// argmin_x of the Lagrangian that s describes (see XStep). It may return
	// an error wrapping ErrNoClosedForm for an x-step it cannot solve; that
	// step then falls back to the numerical inner minimiser.
	ArgminLagrangian func(s XStep) ([]float64, error)
}

// XStep describes one x-step, the minimisation over x of
//
//	L(x, λ, μ)  = f(x) + λᵀC(x) + μᵀg(x)                                   if Rho == 0
//	L̄(x, λ, μ) = f(x) + λᵀC(x) + ρ‖C(x)‖² + (‖max(0, μ + 2ρ g(x))‖² − ‖μ‖²)/(4ρ)   if Rho > 0
//
// The second line is the augmented Lagrangian; its inequality term is the
// Powell–Hestenes–Rockafellar one, which equals μᵀg + ρ‖g‖² where
// μ + 2ρg > 0 and stays C¹ where the constraint switches off.
// ArgminLagrangian must not modify the slices.
type XStep struct {
	Lambda []float64 // λ, length NumEq
	Mu     []float64 // μ ≥ 0, length NumIneq
	Rho    float64   // ρ: 0 for the plain Lagrangian
	X0     []float64 // the previous x-step's answer (warm start)
}

// ErrNoClosedForm is what Problem.ArgminLagrangian returns (possibly
// wrapped) for an x-step it has no closed form for.
var ErrNoClosedForm = errors.New("constrained: no closed-form x-step")

// InnerConfig sets up the numerical x-step, gonum's optimize.Minimize on the
// (augmented) Lagrangian with its gradient. The zero value of every field
// selects the default given in its comment.
type InnerConfig struct {
	// Method is the gonum method (default nil: a new &optimize.BFGS{} for
	// every x-step; LBFGS for large Dim). It must use only the function
	// value and gradient.
	Method optimize.Method
	// GradTol stops the inner run when ‖∇ₓL‖∞ < GradTol (default 1e-10).
	// The x-step's error is about ‖∇ₓL‖/(smallest curvature of L), so keep
	// it well below the outer Tol.
	GradTol float64
	// AcceptTol: when gonum's line search fails (it cannot decrease L in
	// floating point any more, which happens near the optimum once
	// ‖∇ₓL‖ ≈ √(ε_mach·|L|·curvature), about 1e-8 for O(1) problems), the
	// best point is accepted if its ‖∇ₓL‖∞ ≤ AcceptTol (default 1e-6);
	// otherwise the failure is returned as an error.
	AcceptTol float64
	// MaxIter caps the inner major iterations (default 1000; function
	// evaluations are capped at 20·MaxIter); reaching either is an error.
	MaxIter int
}

// WithDefaults returns c with its zero fields set to the defaults in their
// comments (Method stays nil: a fresh BFGS per x-step), or an error naming
// the first invalid field and its value.
func (c InnerConfig) WithDefaults() (InnerConfig, error) {
	config.Or(&c.GradTol, 1e-10)
	config.Or(&c.AcceptTol, 1e-6)
	config.Or(&c.MaxIter, 1000)
	const fn = "constrained: InnerConfig"
	switch {
	case !config.Positive(c.GradTol):
		return c, fmt.Errorf("%s.GradTol = %v, want > 0 and finite", fn, c.GradTol)
	case !config.Positive(c.AcceptTol):
		return c, fmt.Errorf("%s.AcceptTol = %v, want > 0 and finite", fn, c.AcceptTol)
	case c.MaxIter < 0:
		return c, fmt.Errorf("%s.MaxIter = %d, want > 0", fn, c.MaxIter)
	case c.Method != nil && nilcheck.IsNil(c.Method): // nil selects the default; a typed nil would panic
		return c, fmt.Errorf("%s.Method is a nil %T", fn, c.Method)
	}
	return c, nil
}

// Iteration is one outer iteration of DualGradientDescent or
// AugmentedLagrangian, for plotting.
type Iteration struct {
	Iter      int       // 1-based
	X         []float64 // x* of this iteration's x-step
	Objective float64   // f(x*)
	// Violation is the constraint violation √(‖C(x*)‖² + ‖max(0, g(x*))‖²).
	Violation float64
	// Residual is the projected dual gradient ‖(multipliers' change)/Step‖,
	// i.e. √(‖C(x*)‖² + ‖max(g(x*), −μ/Step)‖²); the run stops when it
	// falls below Tol. It is ≥ Violation's equality part and is zero exactly
	// at a KKT point.
	Residual float64
	Lambda   []float64 // λ used by this x-step (before the update)
	Mu       []float64 // μ used by this x-step (before the update)
	// Dual is L(x*, λ, μ) (L̄ for the augmented Lagrangian): the dual
	// function at the multipliers used, a lower bound on the optimal f when
	// the x-step is a global minimum.
	Dual float64
	// Step is the multiplier step size used in the update: α for dual
	// gradient descent, 2ρ for the augmented Lagrangian.
	Step float64
	// Rho is ρ of the x-step (0 for dual gradient descent).
	Rho float64
	// InnerIters is the number of gonum major iterations of the x-step (0
	// when ArgminLagrangian solved it).
	InnerIters int
}

// Result is the outcome of DualGradientDescent or AugmentedLagrangian.
type Result struct {
	X         []float64 // x* of the last x-step
	Lambda    []float64 // equality multipliers after the last update
	Mu        []float64 // inequality multipliers (≥ 0) after the last update
	Objective float64   // f(X)
	Violation float64   // constraint violation at X (see Iteration.Violation)
	Converged bool      // whether Residual fell below Tol
	Status    Status    // why the run stopped: Converged or IterationLimit
	History   []Iteration
}

// outer collects the settings both outer loops share.
type outer struct {
	maxIter       int
	tol           float64
	x0, lam0, mu0 []float64
	inner         InnerConfig
	progress      func(Iteration)
	name          string // for error messages: "DualGradientDescent" …
}

func checkFinite(what string, v float64) error {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return fmt.Errorf("constrained: %s = %v, want finite", what, v)
	}
	return nil
}

func checkVec(what string, v []float64, n int, nonneg bool) error {
	if v == nil {
		return nil
	}
	if len(v) != n {
		return fmt.Errorf("constrained: len(%s) = %d, want %d", what, len(v), n)
	}
	for i, x := range v {
		if !config.Finite(x) {
			return checkFinite(fmt.Sprintf("%s[%d]", what, i), x)
		}
		if nonneg && x < 0 {
			return fmt.Errorf("constrained: %s[%d] = %v, want ≥ 0", what, i, x)
		}
	}
	return nil
}

// validate checks p's fields, and, before anything is allocated, that Dim,
// NumEq·Dim and NumIneq·Dim are at most limits.MaxElements (2^27).
func (p *Problem) validate() error {
	if p == nil {
		return errors.New("constrained: nil Problem")
	}
	if p.Dim <= 0 {
		return fmt.Errorf("constrained: Problem.Dim = %d, want > 0", p.Dim)
	}
	if p.NumEq < 0 || p.NumIneq < 0 {
		return fmt.Errorf("constrained: Problem.NumEq = %d, NumIneq = %d, want ≥ 0", p.NumEq, p.NumIneq)
	}
	const fn = "constrained: Problem"
	if err := limits.Check(fn, "Dim", p.Dim); err != nil {
		return err
	}
	if p.NumEq > 0 {
		if err := limits.Check(fn, "NumEq × Dim", p.NumEq, p.Dim); err != nil {
			return err
		}
	}
	if p.NumIneq > 0 {
		if err := limits.Check(fn, "NumIneq × Dim", p.NumIneq, p.Dim); err != nil {
			return err
		}
	}
	if p.F == nil {
		return errors.New("constrained: Problem.F is nil")
	}
	if p.NumEq > 0 && p.Eq == nil {
		return fmt.Errorf("constrained: Problem.NumEq = %d but Eq is nil", p.NumEq)
	}
	if p.NumIneq > 0 && p.Ineq == nil {
		return fmt.Errorf("constrained: Problem.NumIneq = %d but Ineq is nil", p.NumIneq)
	}
	if p.ArgminLagrangian == nil {
		if err := p.checkDerivatives(); err != nil {
			return err
		}
	}
	return nil
}

// checkDerivatives reports a missing derivative the numerical x-step needs.
func (p *Problem) checkDerivatives() error {
	switch {
	case p.Grad == nil:
		return errors.New("constrained: Problem.Grad is nil (needed by the numerical x-step)")
	case p.NumEq > 0 && p.EqJac == nil:
		return errors.New("constrained: Problem.EqJac is nil (needed by the numerical x-step)")
	case p.NumIneq > 0 && p.IneqJac == nil:
		return errors.New("constrained: Problem.IneqJac is nil (needed by the numerical x-step)")
	}
	return nil
}

// workspace evaluates the problem and its (augmented) Lagrangian.
type workspace struct {
	p      *Problem
	c, g   []float64 // C(x), g(x)
	w      []float64 // effective inequality weights in the gradient
	jc, jg *mat.Dense
	tmp    []float64
}

func newWorkspace(p *Problem) *workspace {
	ws := &workspace{p: p, c: make([]float64, p.NumEq), g: make([]float64, p.NumIneq),
		w: make([]float64, p.NumIneq), tmp: make([]float64, p.Dim)}
	if p.NumEq > 0 {
		ws.jc = mat.NewDense(p.NumEq, p.Dim, nil)
	}
	if p.NumIneq > 0 {
		ws.jg = mat.NewDense(p.NumIneq, p.Dim, nil)
	}
	return ws
}

// constraints evaluates C(x) and g(x) into ws.c and ws.g.
func (ws *workspace) constraints(x []float64) {
	if ws.p.NumEq > 0 {
		ws.p.Eq(ws.c, x)
	}
	if ws.p.NumIneq > 0 {
		ws.p.Ineq(ws.g, x)
	}
}

// lagrangian returns L (rho == 0) or L̄ (rho > 0) at x; it leaves C(x), g(x)
// in ws.c, ws.g.
func (ws *workspace) lagrangian(x, lam, mu []float64, rho float64) float64 {
	ws.constraints(x)
	l := ws.p.F(x) + floats.Dot(lam, ws.c)
	if rho == 0 {
		return l + floats.Dot(mu, ws.g)
	}
	l += rho * floats.Dot(ws.c, ws.c)
	for j, gj := range ws.g {
		s := math.Max(0, mu[j]+2*rho*gj)
		l += (s*s - mu[j]*mu[j]) / (4 * rho)
	}
	return l
}

// gradient writes ∇ₓL (rho == 0) or ∇ₓL̄ (rho > 0) at x into grad:
//
//	∇f + Jcᵀ(λ + 2ρC) + Jgᵀ w,   w = μ (ρ = 0) or max(0, μ + 2ρg) (ρ > 0).
func (ws *workspace) gradient(grad, x, lam, mu []float64, rho float64) {
	p := ws.p
	p.Grad(grad, x)
	ws.constraints(x)
	if p.NumEq > 0 {
		ws.jc.Zero()
		p.EqJac(ws.jc, x)
		for i := range ws.c {
			ws.tmp[i] = lam[i] + 2*rho*ws.c[i]
		}
		addJT(grad, ws.jc, ws.tmp[:p.NumEq])
	}
	if p.NumIneq > 0 {
		ws.jg.Zero()
		p.IneqJac(ws.jg, x)
		for j, gj := range ws.g {
			if rho == 0 {
				ws.w[j] = mu[j]
			} else {
				ws.w[j] = math.Max(0, mu[j]+2*rho*gj)
			}
		}
		addJT(grad, ws.jg, ws.w)
	}
}

// addJT adds Jᵀv to dst.
func addJT(dst []float64, j *mat.Dense, v []float64) {
	r, c := j.Dims()
	for i := 0; i < r; i++ {
		if v[i] == 0 {
			continue
		}
		floats.AddScaled(dst[:c], v[i], j.RawRowView(i))
	}
}

// xStep minimises the (augmented) Lagrangian from x0; it returns x* and the
// number of inner major iterations.
func (ws *workspace) xStep(s XStep, inner InnerConfig) ([]float64, int, error) {
	p := ws.p
	if p.ArgminLagrangian != nil {
		x, err := p.ArgminLagrangian(s)
		switch {
		case err == nil:
			if len(x) != p.Dim {
				return nil, 0, fmt.Errorf("ArgminLagrangian returned len(x) = %d, want %d", len(x), p.Dim)
			}
			for i, v := range x {
				if math.IsNaN(v) || math.IsInf(v, 0) {
					return nil, 0, fmt.Errorf("ArgminLagrangian returned x[%d] = %v", i, v)
				}
			}
			return append([]float64(nil), x...), 0, nil
		case !errors.Is(err, ErrNoClosedForm):
			return nil, 0, fmt.Errorf("ArgminLagrangian: %w", err)
		}
		if err := p.checkDerivatives(); err != nil {
			return nil, 0, errors.New(strings.TrimPrefix(err.Error(), "constrained: "))
		}
	}
	prob := optimize.Problem{
		Func: func(x []float64) float64 { return ws.lagrangian(x, s.Lambda, s.Mu, s.Rho) },
		Grad: func(grad, x []float64) { ws.gradient(grad, x, s.Lambda, s.Mu, s.Rho) },
	}
	method := inner.Method
	if method == nil {
		method = &optimize.BFGS{}
	}
	// FuncEvaluations guards against a line search that never ends.
	settings := &optimize.Settings{GradientThreshold: inner.GradTol, MajorIterations: inner.MaxIter,
		FuncEvaluations: 20 * inner.MaxIter}
	res, err := optimize.Minimize(prob, s.X0, settings, method)
	if err != nil && res != nil && allFinite(res.X) {
		// A line search that cannot decrease L any more in floating point
		// is gonum's usual way to end near the optimum: accept its best
		// point if the gradient there is small enough.
		g := make([]float64, len(res.X))
		ws.gradient(g, res.X, s.Lambda, s.Mu, s.Rho)
		gn := floats.Norm(g, math.Inf(1))
		if gn <= inner.AcceptTol {
			return res.X, res.MajorIterations, nil
		}
		err = fmt.Errorf("%w (‖∇ₓL‖∞ = %.3g > AcceptTol = %.3g at its best point; is L bounded below at λ = %v, μ = %v?)",
			err, gn, inner.AcceptTol, s.Lambda, s.Mu)
	}
	if err != nil {
		return nil, 0, fmt.Errorf("inner minimiser (%T): %w", method, err)
	}
	if res.Status == optimize.FunctionNegativeInfinity || math.IsInf(res.F, -1) {
		return nil, res.MajorIterations, errors.New("inner minimiser: the Lagrangian is unbounded below (the dual function is −∞ at these multipliers)")
	}
	if err := res.Status.Err(); err != nil {
		return nil, res.MajorIterations, fmt.Errorf("inner minimiser (%T) stopped with status %v: %w", method, res.Status, err)
	}
	if !allFinite(res.X) {
		return nil, res.MajorIterations, fmt.Errorf("inner minimiser returned x = %v", res.X)
	}
	return res.X, res.MajorIterations, nil
}

func allFinite(x []float64) bool {
	for _, v := range x {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return false
		}
	}
	return true
}
