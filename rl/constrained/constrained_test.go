package constrained

import (
	"errors"
	"math"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/optimize"
)

func maxAbsDiff(a, b []float64) float64 {
	var m float64
	for i := range a {
		m = math.Max(m, math.Abs(a[i]-b[i]))
	}
	return m
}

func TestToySolutions(t *testing.T) {
	x, lam, err := EqualityToy().Solution()
	if err != nil {
		t.Fatal(err)
	}
	// Designed answer (see EqualityToy); only rounding separates them.
	if d := maxAbsDiff(x, []float64{0.5, 1.5}); d > 1e-12 || math.Abs(lam+0.75) > 1e-12 {
		t.Errorf("EqualityToy: x* = %v, λ* = %v; want (0.5, 1.5), −0.75", x, lam)
	}
	x, mu, err := BallToy().Solution()
	if err != nil {
		t.Fatal(err)
	}
	// The bisection runs to a relative width of 1e-16 in μ.
	if d := maxAbsDiff(x, []float64{0.6, 0.8}); d > 1e-12 || math.Abs(mu-0.5) > 1e-12 {
		t.Errorf("BallToy: x* = %v, μ* = %v; want (0.6, 0.8), 0.5", x, mu)
	}
	// Inactive ball: the unconstrained minimum −Q⁻¹c ≈ (0.83, 1.49) lies
	// inside r = 3, so μ* = 0.
	big := BallToy()
	big.R = 3
	x, mu, err = big.Solution()
	if err != nil {
		t.Fatal(err)
	}
	var xu mat.VecDense
	if err := xu.SolveVec(big.Q, mat.NewVecDense(2, []float64{2.2, 1.9})); err != nil {
		t.Fatal(err)
	}
	if mu != 0 || maxAbsDiff(x, xu.RawVector().Data) > 1e-12 {
		t.Errorf("inactive ball: x* = %v, μ* = %v; want %v, 0", x, mu, xu.RawVector().Data)
	}
}

// Both methods, with numerical and closed-form x-steps, reach the KKT
// point of both toys.
//
// Tolerances. Closed form (Tol 1e-10): the dual residual ‖C(x*)‖ ≤ 1e-10
// gives |λ − λ*| = ‖C‖/h ≤ 1e-10 (h = aᵀQ⁻¹a = 8/7 on the equality toy,
// similar curvature on the ball) and ‖x − x*‖ ≤ ‖Q⁻¹a‖·|λ − λ*|, so 1e-8
// leaves a margin of ~50. Numerical x-step (default Tol 1e-6): the same
// bound gives ~1.3e-6, plus the x-step's own error, at most AcceptTol/λmin
// (≈ 1.3e-6) and in practice ~1e-8; 1e-5 leaves a margin of ~3.
func TestConvergesToKKT(t *testing.T) {
	for _, tc := range []struct {
		name string
		toy  *Toy
	}{{"equality", EqualityToy()}, {"ball", BallToy()}} {
		xs, ms, err := tc.toy.Solution()
		if err != nil {
			t.Fatal(err)
		}
		for _, closed := range []bool{false, true} {
			p, err := tc.toy.Problem(closed)
			if err != nil {
				t.Fatal(err)
			}
			tol, want := 0.0, 1e-5
			if closed {
				tol, want = 1e-10, 1e-8
			}
			runs := map[string]func() (Result, error){
				"DGD": func() (Result, error) { return DualGradientDescent(p, DGDConfig{Tol: tol}) },
				"AL":  func() (Result, error) { return AugmentedLagrangian(p, ALConfig{Tol: tol}) },
				"AL+growth": func() (Result, error) {
					return AugmentedLagrangian(p, ALConfig{Tol: tol, RhoGrowth: 10})
				},
			}
			for method, run := range runs {
				res, err := run()
				if err != nil {
					t.Fatalf("%s %s closed=%v: %v", tc.name, method, closed, err)
				}
				m := append(res.Lambda, res.Mu...)[0]
				if !res.Converged || maxAbsDiff(res.X, xs) > want || math.Abs(m-ms) > want {
					t.Errorf("%s %s closed=%v: converged %v (%s) after %d iterations, x = %v, multiplier = %v; want %v, %v within %g",
						tc.name, method, closed, res.Converged, res.Status, len(res.History), res.X, m, xs, ms, want)
				}
				if res.Violation > 10*want {
					t.Errorf("%s %s closed=%v: violation %g", tc.name, method, closed, res.Violation)
				}
			}
		}
	}
}

// The lesson's claim: with its default ρ = 1 the augmented Lagrangian needs
// far fewer outer iterations than dual gradient descent with its default
// α = 0.1 (rates 1/(1+2ρh) ≈ 0.30 against 1 − αh ≈ 0.89 per iteration), and
// DGD with the augmented Lagrangian's own step α = 2ρ = 2 diverges
// (|1 − 2h| ≈ 1.29) while the augmented Lagrangian converges with it.
func TestAugmentedLagrangianFewerIterations(t *testing.T) {
	for _, closed := range []bool{false, true} {
		p, err := EqualityToy().Problem(closed)
		if err != nil {
			t.Fatal(err)
		}
		dgd, err := DualGradientDescent(p, DGDConfig{})
		if err != nil {
			t.Fatal(err)
		}
		al, err := AugmentedLagrangian(p, ALConfig{})
		if err != nil {
			t.Fatal(err)
		}
		nd, na := len(dgd.History), len(al.History)
		t.Logf("closed=%v: DGD %d iterations, AL %d iterations", closed, nd, na)
		if !dgd.Converged || !al.Converged {
			t.Fatalf("closed=%v: converged DGD %v, AL %v", closed, dgd.Converged, al.Converged)
		}
		// Predicted: ~log(1e-6)/log(0.89) ≈ 120 against ~12; demand a
		// factor 4.
		if 4*na >= nd {
			t.Errorf("closed=%v: AL took %d outer iterations, DGD %d; want AL < DGD/4", closed, na, nd)
		}
	}
	p, _ := EqualityToy().Problem(true)
	div, err := DualGradientDescent(p, DGDConfig{Alpha: 2, MaxIter: 40})
	if err != nil {
		t.Fatal(err)
	}
	// 1.29^40 ≈ 3e4: the multiplier error grows from 0.75 to ~2e4.
	if div.Converged || math.Abs(div.Lambda[0]) < 1e3 {
		t.Errorf("DGD with α = 2: converged %v, λ = %v; want divergence", div.Converged, div.Lambda)
	}
}

// Weak duality: every dual value is a lower bound on f*, and with a small
// enough step (α < 1/h) dual gradient ascent increases it monotonically.
func TestDualValueLowerBound(t *testing.T) {
	toy := EqualityToy()
	xs, _, _ := toy.Solution()
	p, _ := toy.Problem(true)
	fStar := p.F(xs)
	var calls int
	res, err := DualGradientDescent(p, DGDConfig{Alpha: 0.5, Tol: 1e-10, Progress: func(Iteration) { calls++ }})
	if err != nil {
		t.Fatal(err)
	}
	if calls != len(res.History) {
		t.Errorf("Progress called %d times for %d iterations", calls, len(res.History))
	}
	prev := math.Inf(-1)
	for _, it := range res.History {
		if it.Dual > fStar+1e-12 || it.Dual < prev-1e-12 {
			t.Fatalf("iteration %d: dual %v (previous %v), f* = %v", it.Iter, it.Dual, prev, fStar)
		}
		prev = it.Dual
	}
	if math.Abs(prev-fStar) > 1e-12 {
		t.Errorf("final dual %v, f* = %v", prev, fStar)
	}
	if got, err := p.Lagrangian(xs, []float64{-0.75}, nil, 0); err != nil || math.Abs(got-fStar) > 1e-12 {
		t.Errorf("Lagrangian at the KKT point = %v, %v; want f* = %v", got, err, fStar)
	}
}

// The ball's x-step in closed form is only for the plain Lagrangian: the
// augmented one falls back to gonum through ErrNoClosedForm.
func TestNoClosedFormFallback(t *testing.T) {
	p, _ := BallToy().Problem(true)
	res, err := AugmentedLagrangian(p, ALConfig{})
	if err != nil || !res.Converged {
		t.Fatalf("converged %v, err %v", res.Converged, err)
	}
	if res.History[0].InnerIters == 0 {
		t.Errorf("augmented x-step took 0 inner iterations: closed form was used")
	}
	p.Grad = nil
	if _, err := AugmentedLagrangian(p, ALConfig{}); err == nil || !strings.Contains(err.Error(), "Grad is nil") {
		t.Errorf("fallback without Grad: err = %v", err)
	}
}

func TestInnerFailure(t *testing.T) {
	p, _ := EqualityToy().Problem(false)
	_, err := DualGradientDescent(p, DGDConfig{Inner: InnerConfig{MaxIter: 1}})
	if !errors.Is(err, optimize.IterationLimit.Err()) || !strings.Contains(err.Error(), "iteration 1") {
		t.Errorf("inner iteration limit: err = %v; want it to wrap gonum's IterationLimit error", err)
	}
	// min x s.t. x² = 1 (x* = −1, λ* = ½): at λ = 0 the Lagrangian x is
	// unbounded below and the x-step must fail.
	lin := &Problem{
		Dim: 1, F: func(x []float64) float64 { return x[0] },
		Grad:  func(g, _ []float64) { g[0] = 1 },
		NumEq: 1, Eq: func(c, x []float64) { c[0] = x[0]*x[0] - 1 },
		EqJac: func(j *mat.Dense, x []float64) { j.Set(0, 0, 2*x[0]) },
	}
	if _, err := DualGradientDescent(lin, DGDConfig{}); err == nil {
		t.Error("unbounded Lagrangian: no error")
	}
	// The augmented Lagrangian's penalty bounds it: it solves the problem.
	res, err := AugmentedLagrangian(lin, ALConfig{})
	if err != nil || math.Abs(res.X[0]+1) > 1e-5 || math.Abs(res.Lambda[0]-0.5) > 1e-5 {
		t.Errorf("AL on min x s.t. x² = 1: x = %v, λ = %v, err %v; want −1, 0.5", res.X, res.Lambda, err)
	}
	// Errors from the closed form are wrapped; bad lengths are caught.
	boom := errors.New("boom")
	p.ArgminLagrangian = func(XStep) ([]float64, error) { return nil, boom }
	if _, err := AugmentedLagrangian(p, ALConfig{}); !errors.Is(err, boom) {
		t.Errorf("ArgminLagrangian error: %v", err)
	}
	p.ArgminLagrangian = func(XStep) ([]float64, error) { return []float64{1}, nil }
	if _, err := AugmentedLagrangian(p, ALConfig{}); err == nil || !strings.Contains(err.Error(), "len(x) = 1") {
		t.Errorf("ArgminLagrangian wrong length: %v", err)
	}
	p.ArgminLagrangian = nil
	p.F = func([]float64) float64 { return math.NaN() }
	if _, err := DualGradientDescent(p, DGDConfig{}); err == nil {
		t.Error("NaN objective: no error")
	}
}

func TestBadInputs(t *testing.T) {
	p, _ := EqualityToy().Problem(false)
	nan := math.NaN()
	for name, err := range map[string]error{
		"alpha<0":      second(DualGradientDescent(p, DGDConfig{Alpha: -1})),
		"alpha NaN":    second(DualGradientDescent(p, DGDConfig{Alpha: nan})),
		"alpha Inf":    second(DualGradientDescent(p, DGDConfig{Alpha: math.Inf(1)})),
		"tol<0":        second(DualGradientDescent(p, DGDConfig{Tol: -1})),
		"maxiter<0":    second(DualGradientDescent(p, DGDConfig{MaxIter: -1})),
		"X0 len":       second(DualGradientDescent(p, DGDConfig{X0: []float64{1}})),
		"X0 NaN":       second(DualGradientDescent(p, DGDConfig{X0: []float64{1, nan}})),
		"Lambda0 len":  second(DualGradientDescent(p, DGDConfig{Lambda0: []float64{1, 2}})),
		"Mu0 len":      second(DualGradientDescent(p, DGDConfig{Mu0: []float64{1}})),
		"inner tol":    second(DualGradientDescent(p, DGDConfig{Inner: InnerConfig{GradTol: -1}})),
		"rho<0":        second(AugmentedLagrangian(p, ALConfig{Rho: -1})),
		"rho NaN":      second(AugmentedLagrangian(p, ALConfig{Rho: nan})),
		"growth<1":     second(AugmentedLagrangian(p, ALConfig{RhoGrowth: 0.5})),
		"shrink>1":     second(AugmentedLagrangian(p, ALConfig{RhoShrink: 2})),
		"rhomax<rho":   second(AugmentedLagrangian(p, ALConfig{Rho: 10, RhoMax: 1})),
		"nil problem":  second(DualGradientDescent(nil, DGDConfig{})),
		"dim 0":        second(DualGradientDescent(&Problem{F: p.F}, DGDConfig{})),
		"nil F":        second(DualGradientDescent(&Problem{Dim: 2}, DGDConfig{})),
		"missing Eq":   second(DualGradientDescent(&Problem{Dim: 2, F: p.F, Grad: p.Grad, NumEq: 1}, DGDConfig{})),
		"missing Jac":  second(DualGradientDescent(&Problem{Dim: 2, F: p.F, Grad: p.Grad, NumEq: 1, Eq: p.Eq}, DGDConfig{})),
		"missing Grad": second(DualGradientDescent(&Problem{Dim: 2, F: p.F}, DGDConfig{})),
	} {
		if err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	b, _ := BallToy().Problem(false)
	if _, err := DualGradientDescent(b, DGDConfig{Mu0: []float64{-1}}); err == nil || !strings.Contains(err.Error(), "Mu0[0] = -1") {
		t.Errorf("negative Mu0: %v", err)
	}
	if _, err := DualGradientDescent(p, DGDConfig{Alpha: -2}); err == nil || !strings.Contains(err.Error(), "-2") {
		t.Errorf("error should name the bad value: %v", err)
	}
	both := EqualityToy()
	both.R = 1
	badQ := EqualityToy()
	badQ.Q = mat.NewSymDense(2, []float64{1, 2, 2, 1})
	shortC := EqualityToy()
	shortC.C = []float64{1}
	for name, toy := range map[string]*Toy{"both": both, "neither": {Q: both.Q, C: both.C}, "indefinite Q": badQ, "short c": shortC, "nil": nil} {
		if _, err := toy.Problem(false); err == nil {
			t.Errorf("Toy %s: no error from Problem", name)
		}
		if _, _, err := toy.Solution(); err == nil {
			t.Errorf("Toy %s: no error from Solution", name)
		}
	}
	if _, err := p.Lagrangian([]float64{1}, []float64{0}, nil, 0); err == nil {
		t.Error("Lagrangian with short x: no error")
	}
}

func second[T any](_ T, err error) error { return err }

// The 2ρ convention: after each augmented-Lagrangian update the new λ makes
// the x-step's answer stationary for the plain Lagrangian,
// ∇f(x*) + λ_new·a = 0. The closed-form x-step is exact, so only rounding
// (~1e-15) is left; a step of ρ instead of 2ρ would leave ρ|C|·‖a‖.
func TestALMultiplierMakesXStationary(t *testing.T) {
	toy := EqualityToy()
	p, _ := toy.Problem(true)
	for _, rho := range []float64{0.1, 1, 10} {
		res, err := AugmentedLagrangian(p, ALConfig{Rho: rho, Tol: 1e-12})
		if err != nil {
			t.Fatal(err)
		}
		for k, it := range res.History {
			lamNew := res.Lambda[0]
			if k+1 < len(res.History) {
				lamNew = res.History[k+1].Lambda[0]
			}
			g := make([]float64, 2)
			p.Grad(g, it.X)
			for i := range g {
				g[i] += lamNew * toy.A[i]
			}
			if n := math.Hypot(g[0], g[1]); n > 1e-12 {
				t.Fatalf("ρ = %g, iteration %d: ‖∇f + λ_new a‖ = %g", rho, it.Iter, n)
			}
		}
	}
}

// An inactive inequality keeps μ = 0 only through the projection
// μ ← max(0, μ + α g) (g < 0 there).
func TestInactiveInequality(t *testing.T) {
	toy := BallToy()
	toy.R = 3
	xs, _, _ := toy.Solution()
	for _, closed := range []bool{false, true} {
		p, _ := toy.Problem(closed)
		d, err := DualGradientDescent(p, DGDConfig{Mu0: []float64{1}})
		if err != nil {
			t.Fatal(err)
		}
		a, err := AugmentedLagrangian(p, ALConfig{Mu0: []float64{1}})
		if err != nil {
			t.Fatal(err)
		}
		for name, r := range map[string]Result{"DGD": d, "AL": a} {
			// μ hits 0 exactly by projection; x is then the unconstrained
			// minimiser up to the x-step's error (1e-5, as in
			// TestConvergesToKKT).
			if !r.Converged || r.Mu[0] != 0 || maxAbsDiff(r.X, xs) > 1e-5 || r.Violation != 0 {
				t.Errorf("%s closed=%v: converged %v, μ = %v, x = %v; want μ = 0, x = %v", name, closed, r.Converged, r.Mu, r.X, xs)
			}
		}
	}
}
