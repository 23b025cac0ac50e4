package dynfit

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/rlcontrol/rlcontrol/rl/system"
	"gonum.org/v1/gonum/mat"
)

// Eval returns GPS's moment-matched prior: μ₀, Φ = s·Σ₀, m = s,
// n₀ = s(P − 2 − D)/P.
func TestGMMPriorEval(t *testing.T) {
	rng := rand.New(rand.NewPCG(40, 1))
	sys := system.NewPointMass()
	p, err := NewGMMPrior(GMMPriorConfig{Seed: 3, Strength: 2.5, MaxSamples: 12, MinSamplesPerCluster: 30})
	if err != nil {
		t.Fatal(err)
	}
	for it := 0; it < 3; it++ {
		if err := p.Update(systemSamples(t, sys, rng, 5, 30, 0.1, 0.5, circle)); err != nil {
			t.Fatal(err)
		}
	}
	if p.Rollouts() != 12 || p.Points() != 12*30 {
		t.Errorf("holds %d rollouts, %d points; want 12 and 360 (MaxSamples)", p.Rollouts(), p.Points())
	}
	if K := p.GMM().K(); K != 12 {
		t.Errorf("K = %d, want ⌊360/30⌋ = 12", K)
	}
	s := systemSamples(t, sys, rng, 3, 30, 0.1, 0.5, circle)
	D := 10
	pts := mat.NewDense(3, D, nil)
	for i := 0; i < 3; i++ {
		pts.SetRow(i, append(append(append([]float64(nil), s[i].X[5]...), s[i].U[5]...), s[i].X[6]...))
	}
	mu0, Phi, m, n0, err := p.Eval(pts)
	if err != nil {
		t.Fatal(err)
	}
	w, _ := p.GMM().MixtureWeights(pts)
	mu, S, _ := p.GMM().Moments(w)
	S.ScaleSym(2.5, S)
	if e := maxAbsDiff(mu0, mu) + maxAbsDiff(Phi, S); e > 1e-12 {
		t.Errorf("μ₀, Φ off by %g", e)
	}
	if m != 2.5 || math.Abs(n0-2.5*(360-2-10)/360.0) > 1e-15 {
		t.Errorf("m = %v, n0 = %v", m, n0)
	}
	// The initial-state prior: GPS's diagonal one.
	xm, xPhi, xm0, xn0, err := p.InitialState()
	if err != nil {
		t.Fatal(err)
	}
	if xm0 != 4*2.5 || xn0 != 4*2.5 || xm.Len() != 4 || xPhi.At(0, 1) != 0 || !(xPhi.At(0, 0) > 0) {
		t.Errorf("initial state prior: m = %v, n0 = %v, Φ = %v", xm0, xn0, mat.Formatted(xPhi))
	}
}

// The same seed and the same updates give the same prior; warm and cold
// starts both work.
func TestGMMPriorReproducible(t *testing.T) {
	sys := system.NewPointMass()
	batches := make([]system.Batch, 3)
	rng := rand.New(rand.NewPCG(41, 1))
	for i := range batches {
		batches[i] = systemSamples(t, sys, rng, 4, 25, 0.1, 0.5, circle)
	}
	pts := mat.NewDense(2, 10, nil)
	for i := 0; i < 2; i++ {
		pts.SetRow(i, append(append(append([]float64(nil), batches[0][i].X[3]...), batches[0][i].U[3]...), batches[0][i].X[4]...))
	}
	run := func(cold bool) (*mat.VecDense, *mat.SymDense) {
		p, err := NewGMMPrior(GMMPriorConfig{Seed: 9, MinSamplesPerCluster: 20, ColdStart: cold})
		if err != nil {
			t.Fatal(err)
		}
		for _, b := range batches {
			if err := p.Update(b); err != nil {
				t.Fatal(err)
			}
		}
		mu0, Phi, _, _, err := p.Eval(pts)
		if err != nil {
			t.Fatal(err)
		}
		return mu0, Phi
	}
	for _, cold := range []bool{false, true} {
		m1, p1 := run(cold)
		m2, p2 := run(cold)
		if !mat.Equal(m1, m2) || !mat.Equal(p1, p2) {
			t.Errorf("cold = %v: two runs with the same seed differ", cold)
		}
	}
}
