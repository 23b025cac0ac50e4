package trpo

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/rlcontrol/rlcontrol/rl/internal/small"
)

// TestEuclideanPG: the lecture's vanilla step has length √(2δ) along g.
func TestEuclideanPG(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	p := newTestPolicy(t, 3, 2)
	d := batch(t, p, 64, rng)
	u, err := NewUpdater(p, Config{Algorithm: EuclideanPG, MaxKL: 0.005})
	if err != nil {
		t.Fatal(err)
	}
	before := p.Params()
	st, err := u.Step(d)
	if err != nil {
		t.Fatal(err)
	}
	after := p.Params()
	diff := make([]float64, len(before))
	for i := range diff {
		diff[i] = after[i] - before[i]
	}
	if n := math.Sqrt(small.Dot(diff, diff)); math.Abs(n-0.1) > 1e-12 || math.Abs(st.StepNorm-0.1) > 1e-12 {
		t.Errorf("‖Δθ‖ = %v, StepNorm = %v, want √(2·0.005) = 0.1", n, st.StepNorm)
	}
	if st.Backtracks != 0 || !(st.ExpectedGain > 0) {
		t.Errorf("stats %+v", st)
	}
}

// TestInspect: Load, Gradient, FisherVectorProduct and KLGradient give what
// Step uses, and refuse to run without a batch.
func TestInspect(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	p := newTestPolicy(t, 3, 2)
	d := batch(t, p, 32, rng)
	u, err := NewUpdater(p, Config{})
	if err != nil {
		t.Fatal(err)
	}
	theta := p.Params()
	if _, _, err := u.Gradient(theta); err == nil {
		t.Error("Gradient without a batch: no error")
	}
	if err := u.Load(d); err != nil {
		t.Fatal(err)
	}
	L, g, err := u.Gradient(theta)
	L2, g2, _ := u.gradient(theta)
	if err != nil || L != L2 || small.Dot(g, g) != small.Dot(g2, g2) {
		t.Errorf("Gradient = %v, %v, want %v", L, err, L2)
	}
	v := make([]float64, len(theta))
	for i := range v {
		v[i] = rng.NormFloat64()
	}
	a, err := u.FisherVectorProduct(theta, v)
	b, _ := u.fvp(theta, v)
	if err != nil || small.Dot(a, a) != small.Dot(b, b) {
		t.Errorf("FisherVectorProduct differs from fvp (err %v)", err)
	}
	kl, gk, err := u.KLGradient(theta)
	if err != nil || math.Abs(kl) > 1e-12 || math.Sqrt(small.Dot(gk, gk)) > 1e-9 {
		t.Errorf("at θ_old: KL = %v, ‖∇KL‖ = %v (err %v), want 0, 0", kl, math.Sqrt(small.Dot(gk, gk)), err)
	}
	if _, err := u.FisherVectorProduct(theta, v[:2]); err == nil {
		t.Error("short v: no error")
	}
	var nilU *Updater
	if err := nilU.Load(d); err == nil {
		t.Error("nil Updater: no error")
	}
}
