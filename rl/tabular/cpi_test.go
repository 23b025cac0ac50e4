package tabular

import (
	"math"
	"testing"
)

// CPI never increases η, every step improves by at least its guarantee,
// and with α* the guarantee is positive until convergence.
func TestCPIMonotoneAndGuaranteed(t *testing.T) {
	rng := newRNG(20)
	for i := range 40 {
		m := randomCase(t, i, rng)
		pi0 := RandomPolicy(m.S, m.A, 1, rng)
		for _, alpha := range []float64{0, 0.3, 1} {
			res, err := ConservativePolicyIteration(m, pi0, CPIConfig{MaxIter: 200, Alpha: alpha})
			if err != nil {
				t.Fatal(err)
			}
			tol := 1e-12 * costScale(m)
			etas := res.Etas()
			for k, st := range res.Steps {
				if st.EtaNew > st.Eta+tol || etas[k+1] > etas[k]+tol {
					t.Fatalf("case %d α=%v step %d: η rose from %v to %v", i, alpha, k, st.Eta, st.EtaNew)
				}
				if st.Improvement < st.Bound.Guaranteed-tol {
					t.Fatalf("case %d α=%v step %d: improvement %v < guaranteed %v", i, alpha, k, st.Improvement, st.Bound.Guaranteed)
				}
				if alpha == 0 && !(st.Bound.Guaranteed > 0) {
					t.Fatalf("case %d step %d: α* = %v guarantees %v", i, k, st.Alpha, st.Bound.Guaranteed)
				}
			}
		}
	}
}

// On the chain, CPI with α* creeps towards η*, policy iteration (α = 1)
// reaches it in a few steps, and the α* steps respect (1 − γ)/(4γ).
func TestCPIChain(t *testing.T) {
	m, err := Chain(5, 0.1, 0.9)
	if err != nil {
		t.Fatal(err)
	}
	_, opt, _ := PolicyIteration(m, 0)
	pi0 := Uniform(5, 2)
	cpi, err := ConservativePolicyIteration(m, pi0, CPIConfig{MaxIter: 3000})
	if err != nil {
		t.Fatal(err)
	}
	pi, err := ConservativePolicyIteration(m, pi0, CPIConfig{Alpha: 1})
	if err != nil {
		t.Fatal(err)
	}
	if !pi.Converged || len(pi.Steps) > 5 || math.Abs(pi.Eta-opt.Eta) > 1e-12 {
		t.Fatalf("policy iteration: %d steps, η = %v, η* = %v", len(pi.Steps), pi.Eta, opt.Eta)
	}
	start := MustEvaluate(m, pi0).Eta
	if gap := (cpi.Eta - opt.Eta) / (start - opt.Eta); gap > 0.01 {
		t.Fatalf("CPI closed only %.3g of the gap in %d steps (η = %v, η* = %v)", 1-gap, len(cpi.Steps), cpi.Eta, opt.Eta)
	}
	for k, st := range cpi.Steps {
		if st.Alpha > (1-m.Gamma)/(4*m.Gamma)+1e-15 {
			t.Fatalf("step %d: α* = %v > (1−γ)/(4γ)", k, st.Alpha)
		}
	}
	t.Logf("chain: η(π0) = %.4f, CPI after %d steps %.6f (α* ≤ %.4f), policy iteration %d steps, η* = %.6f",
		start, len(cpi.Steps), cpi.Eta, cpi.Steps[0].Alpha, len(pi.Steps), opt.Eta)
}
