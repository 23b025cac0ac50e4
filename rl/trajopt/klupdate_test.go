package trajopt

import (
	"math"
	"strings"
	"testing"

	"github.com/rlcontrol/rlcontrol/rl/constrained"
	"github.com/rlcontrol/rlcontrol/rl/lqr"
	"gonum.org/v1/gonum/mat"
)

// problem returns double-integrator dynamics with small noise, a quadratic
// cost pulling the state to (1, 0), and an exploratory start controller.
func problem(t *testing.T, T int) (*lqr.Controller, *lqr.Dynamics, *lqr.QuadraticCost) {
	t.Helper()
	const dt = 0.1
	dyn := lqr.NewDynamics(2, 1, T)
	for s := 0; s < T; s++ {
		dyn.Fx[s].Copy(mat.NewDense(2, 2, []float64{1, dt, 0, 1}))
		dyn.Fu[s].Copy(mat.NewDense(2, 1, []float64{dt * dt / 2, dt}))
		dyn.Cov[s].SetSym(0, 0, 1e-4)
		dyn.Cov[s].SetSym(1, 1, 1e-4)
	}
	dyn.X0Cov.SetSym(0, 0, 1e-4)
	dyn.X0Cov.SetSym(1, 1, 1e-4)
	q := &lqr.QuadraticCost{Final: lqr.Final{Cxx: mat.NewDense(2, 2, []float64{100, 0, 0, 10}), Cx: mat.NewVecDense(2, []float64{-100, 0}), C0: 50}}
	for s := 0; s < T; s++ {
		q.Czz = append(q.Czz, mat.NewSymDense(3, []float64{1, 0, 0, 0, 0.1, 0, 0, 0, 0.01}))
		q.Cz = append(q.Cz, mat.NewVecDense(3, []float64{-1, 0, 0}))
		q.C0 = append(q.C0, 0.5)
	}
	c, err := lqr.NewConstantController(2, 1, T, nil, 1)
	if err != nil {
		t.Fatal(err)
	}
	return c, dyn, q
}

// TestKLUpdateMeetsBound: for small, medium and large ε both searches end
// with |KL − ε| ≤ 0.1 ε (the tolerance), the KL reported is the
// analytic KL of the returned controller, and a larger ε buys a lower
// expected cost.
func TestKLUpdateMeetsBound(t *testing.T) {
	prev, dyn, q := problem(t, 30)
	lastCost := math.Inf(1)
	for _, eps := range []float64{0.5, 5, 50} {
		ref, err := KLUpdate(prev, dyn, q, eps, KLConfig{})
		if err != nil {
			t.Fatal(err)
		}
		// Plain dual gradient steps converge when α is about η*/ε (the
		// inverse slope of KL(η) ∝ 1/η at the solution); start at η*/3.
		dgd := KLConfig{Method: DualGradient, DualStep: ref.Eta / eps, Eta0: ref.Eta / 3, MaxIter: 200}
		for _, cfg := range []KLConfig{{}, dgd} {
			res, err := KLUpdate(prev, dyn, q, eps, cfg)
			if err != nil {
				t.Fatalf("ε = %v, %v: %v", eps, cfg.Method, err)
			}
			if !res.Converged || math.Abs(res.KL-eps) > 0.1*eps {
				t.Errorf("ε = %v, %v: KL = %v after %d steps (converged %v)", eps, cfg.Method, res.KL, len(res.History), res.Converged)
			}
			kl, _, err := lqr.KL(res.Controller, prev, res.Dist)
			if err != nil || math.Abs(kl-res.KL) > 1e-9*kl {
				t.Errorf("reported KL %v, recomputed %v (%v)", res.KL, kl, err)
			}
			if cfg.Method == Bracket {
				if res.ExpectedCost >= lastCost {
					t.Errorf("ε = %v: expected cost %v not below %v of the smaller bound", eps, res.ExpectedCost, lastCost)
				}
				lastCost = res.ExpectedCost
			}
		}
	}
}

// TestKLFallsWithEta: a larger η never gives a larger KL (one x-step per
// η through SolveAtEta).
func TestKLFallsWithEta(t *testing.T) {
	prev, dyn, q := problem(t, 20)
	var kls []float64
	for _, eta := range []float64{1e-3, 1e-2, 1e-1, 1, 10, 100} {
		s, err := SolveAtEta(prev, dyn, q, eta)
		if err != nil {
			t.Fatal(err)
		}
		kls = append(kls, s.KL)
	}
	if !(kls[0] > 0) {
		t.Fatalf("KL at η = 1e-3 is %v", kls[0])
	}
	for i := 1; i < len(kls); i++ {
		if kls[i] > kls[i-1] {
			t.Errorf("KL rose from %v to %v as η grew", kls[i-1], kls[i])
		}
	}
	if kls[len(kls)-1] > 1e-2*kls[0] {
		t.Errorf("KL at η = 100 is %v, at η = 1e-3 %v: want a strong decrease", kls[len(kls)-1], kls[0])
	}
}

// TestSolveAtEtaMatchesReference: the flat x-step agrees with the same
// step assembled from package lqr's general routines (LQR on the modified
// cost, MaxEntropyController, Forward, KL, Expected) — two independent
// implementations of the lecture's formulas. Both are exact in exact
// arithmetic; 1e-9 relative leaves room for rounding through T = 20
// Riccati steps with costs spanning 1e-2…1e2.
func TestSolveAtEtaMatchesReference(t *testing.T) {
	prev, dyn, q := problem(t, 20)
	// A controller with feedback, an offset and correlated noise as p̄.
	first, err := SolveAtEta(prev, dyn, q, 0.3)
	if err != nil {
		t.Fatal(err)
	}
	for _, pbar := range []*lqr.Controller{prev, first.Controller} {
		for _, eta := range []float64{0.05, 1, 40} {
			got, err := SolveAtEta(pbar, dyn, q, eta)
			if err != nil {
				t.Fatal(err)
			}
			mc, err := ModifiedCost(pbar, q, eta)
			if err != nil {
				t.Fatal(err)
			}
			p, err := mc.Problem(dyn, 1, nil, nil)
			if err != nil {
				t.Fatal(err)
			}
			sol, err := lqr.Solve(p)
			if err != nil {
				t.Fatal(err)
			}
			c, err := lqr.MaxEntropyController(sol)
			if err != nil {
				t.Fatal(err)
			}
			dist, err := lqr.Forward(c, dyn)
			if err != nil {
				t.Fatal(err)
			}
			kl, _, err := lqr.KL(c, pbar, dist)
			if err != nil {
				t.Fatal(err)
			}
			J, err := q.Expected(dist)
			if err != nil {
				t.Fatal(err)
			}
			near := func(what string, a, b float64) {
				t.Helper()
				if math.Abs(a-b) > 1e-9*math.Max(1, math.Abs(b)) {
					t.Errorf("η = %g, %s: flat %v, reference %v", eta, what, a, b)
				}
			}
			near("KL", got.KL, kl)
			near("E[J]", got.ExpectedCost, J)
			for s := range c.K {
				near("K", mat.Norm(got.Controller.K[s], 2), mat.Norm(c.K[s], 2))
				near("k", got.Controller.Kff[s].AtVec(0), c.Kff[s].AtVec(0))
				near("Σ", got.Controller.Cov[s].At(0, 0), c.Cov[s].At(0, 0))
				near("μz", mat.Norm(got.Dist.Mean[s], 2), mat.Norm(dist.Mean[s], 2))
				near("Σz", mat.Norm(got.Dist.Cov[s], 2), mat.Norm(dist.Cov[s], 2))
			}
			// The modified cost is c/η − log p̄ exactly, constant included:
			// check it at one z against log p̄ from the controller.
			z := []float64{0.3, -0.7, 0.4}
			x, u := z[:2], z[2:]
			lp, err := pbar.LogProb(3, x, u)
			if err != nil {
				t.Fatal(err)
			}
			zv := mat.NewVecDense(3, z)
			quad := func(C *mat.SymDense, c *mat.VecDense, c0 float64) float64 {
				return 0.5*mat.Inner(zv, C, zv) + mat.Dot(c, zv) + c0
			}
			near("c̃(z)", quad(mc.Czz[3], mc.Cz[3], mc.C0[3]), quad(q.Czz[3], q.Cz[3], q.C0[3])/eta-lp)
		}
	}
}

// notPDCase is the minimal case: T = 1, n = m = 1, A = B = 1, tiny
// noise, p̄ = N(0, 1), cost ½·(−3.5)u² + 2u, so Q̃uu = −3.5/η + 1 is
// positive definite only for η > 3.5.
func notPDCase(t *testing.T) (*lqr.Controller, *lqr.Dynamics, *lqr.QuadraticCost) {
	t.Helper()
	dyn := lqr.NewDynamics(1, 1, 1)
	dyn.Fx[0].Set(0, 0, 1)
	dyn.Fu[0].Set(0, 0, 1)
	dyn.Cov[0].SetSym(0, 0, 1e-6)
	dyn.X0Cov.SetSym(0, 0, 1e-6)
	prev, err := lqr.NewConstantController(1, 1, 1, nil, 1)
	if err != nil {
		t.Fatal(err)
	}
	q := &lqr.QuadraticCost{
		Czz:   []*mat.SymDense{mat.NewSymDense(2, []float64{0, 0, 0, -3.5})},
		Cz:    []*mat.VecDense{mat.NewVecDense(2, []float64{0, 2})},
		C0:    []float64{0},
		Final: lqr.Final{Cxx: mat.NewDense(1, 1, []float64{0})},
	}
	return prev, dyn, q
}

// TestKLUpdateNotPDAtFirstEta: starting at η₀ = 1e-6, where Q̃uu is not
// positive definite, η is raised to 6.5536 (KL 0.41 < ε); the search must
// bracket from that η, not from the one it asked for, and land within 10% of
// ε = 1.45 (the reference lands at η ≈ 5.08, KL ≈ 1.33). Before the fix it
// walked down to MinEta and reported convergence at KL = 0.406.
func TestKLUpdateNotPDAtFirstEta(t *testing.T) {
	prev, dyn, q := notPDCase(t)
	const eps = 1.45
	_, err := SolveAtEta(prev, dyn, q, 1)
	if !lqr.IsNotPD(err) {
		t.Errorf("SolveAtEta at η = 1 < 3.5: err = %v, want a NotPDError", err)
	}
	for _, cfg := range []KLConfig{{Eta0: 1e-6}, {Method: DualGradient, Eta0: 1e-6, DualStep: 2, MaxIter: 200}} {
		res, err := KLUpdate(prev, dyn, q, eps, cfg)
		if err != nil {
			t.Fatalf("%v: %v", cfg.Method, err)
		}
		if res.Status != constrained.Converged || math.Abs(res.KL-eps) > 0.1*eps || !(res.Eta > 3.5) {
			t.Errorf("%v: status %v, η = %v, KL = %v; want KL within 10%% of %v", cfg.Method, res.Status, res.Eta, res.KL, eps)
		}
		if !res.History[0].NotPD {
			t.Errorf("%v: the first η tried should not be positive definite: %+v", cfg.Method, res.History[0])
		}
		// The reported KL is the returned controller's.
		kl, _, err := lqr.KL(res.Controller, prev, res.Dist)
		if err != nil || math.Abs(kl-res.KL) > 1e-9*kl {
			t.Errorf("%v: reported KL %v, recomputed %v (%v)", cfg.Method, res.KL, kl, err)
		}
	}
}

// TestKLUpdateNotPDLongHorizon: the double integrator with a concave action
// cost, Cuu = −0.5, so Q̃uu is not positive definite for small η at any
// step; from η₀ = 1e-3 both searches meet ε for small and large bounds,
// and a bound the cost alone cannot reach reports ConstraintSlack only when
// the KL at MinEta is below ε.
func TestKLUpdateNotPDLongHorizon(t *testing.T) {
	prev, dyn, q := problem(t, 30)
	for s := range q.Czz {
		q.Czz[s].SetSym(2, 2, -0.5)
	}
	if _, err := SolveAtEta(prev, dyn, q, 1e-3); !lqr.IsNotPD(err) {
		t.Fatalf("want Q̃uu not PD at η = 1e-3, got %v", err)
	}
	for _, eps := range []float64{0.5, 5} {
		res, err := KLUpdate(prev, dyn, q, eps, KLConfig{Eta0: 1e-3})
		if err != nil {
			t.Fatal(err)
		}
		if res.Status != constrained.Converged || math.Abs(res.KL-eps) > 0.1*eps {
			t.Errorf("ε = %v: status %v, KL = %v", eps, res.Status, res.KL)
		}
	}
	// Slack: the plain quadratic problem with a huge bound.
	prev, dyn, q = problem(t, 30)
	res, err := KLUpdate(prev, dyn, q, 1e9, KLConfig{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Status != constrained.ConstraintSlack || res.Eta != 1e-8 || !(res.KL < 1e9) {
		t.Errorf("huge ε: status %v at η = %v with KL %v; want ConstraintSlack at MinEta", res.Status, res.Eta, res.KL)
	}
}

// TestUpdaterAllocations: a KL-constrained update on a reused Updater
// allocates a bounded, horizon-independent handful (the search's history
// slices, the closure), not per step or per η.
func TestUpdaterAllocations(t *testing.T) {
	prev, dyn, q := problem(t, 50)
	u, err := NewUpdater(2, 1, 50)
	if err != nil {
		t.Fatal(err)
	}
	var evals int
	allocs := testing.AllocsPerRun(20, func() {
		r, err := u.Update(prev, dyn, q, 5, KLConfig{})
		if err != nil {
			t.Fatal(err)
		}
		evals = len(r.History)
	})
	if allocs > 10 {
		t.Errorf("%.0f allocations per update (%d η evaluations, T = 50); want ≤ 10", allocs, evals)
	}
}

func TestKLUpdateBadInput(t *testing.T) {
	prev, dyn, q := problem(t, 10)
	check := func(name string, err error, want string) {
		t.Helper()
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: err = %v, want %q", name, err, want)
		}
	}
	_, err := KLUpdate(prev, dyn, q, 0, KLConfig{})
	check("ε = 0", err, "ε = 0")
	_, err = KLUpdate(prev, dyn, q, math.NaN(), KLConfig{})
	check("ε NaN", err, "ε = NaN")
	_, err = KLUpdate(prev, dyn, q, 1, KLConfig{Tol: 2})
	check("tol", err, "Tol = 2")
	_, err = KLUpdate(prev, dyn, q, 1, KLConfig{Method: 7})
	check("method", err, "KLConfig.Method = 7")
	short, _, _ := problem(t, 9)
	_, err = KLUpdate(short, dyn, q, 1, KLConfig{})
	check("horizon", err, "T=9")
	// A bound too tight to meet even at the largest η allowed.
	_, err = KLUpdate(prev, dyn, q, 1e-9, KLConfig{MaxEta: 1e-3, Eta0: 1e-4})
	check("exhausted", err, "KL reached 77")
}
