package trajopt

import (
	"math"
	"strings"
	"testing"

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

// TestKLFallsWithEta: a larger η never gives a larger KL (one η per
// call, read through the progress callback).
func TestKLFallsWithEta(t *testing.T) {
	prev, dyn, q := problem(t, 20)
	var kls []float64
	for _, eta := range []float64{1e-3, 1e-2, 1e-1, 1, 10, 100} {
		var got float64
		_, _ = KLUpdate(prev, dyn, q, 1e-300, KLConfig{Eta0: eta, MaxIter: 1, Progress: func(s EtaStep) { got = s.KL }})
		kls = append(kls, got)
	}
	if !(kls[0] > 0) {
		t.Fatalf("KL at η = 1e-3 is %v: the update did not run", kls[0])
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
	check("method", err, "unknown KL search method 7")
	short, _, _ := problem(t, 9)
	_, err = KLUpdate(short, dyn, q, 1, KLConfig{})
	check("horizon", err, "T=9")
	// A bound too tight to meet even at the largest η allowed.
	_, err = KLUpdate(prev, dyn, q, 1e-9, KLConfig{MaxEta: 1e-3, Eta0: 1e-4})
	check("exhausted", err, "KL reached 77")
}
