package tabular

import (
	"math"
	"testing"
	"time"
)

// FuzzMDP draws small random MDPs and policies with any discount,
// Dirichlet concentration (tiny ones used to hang), branching and cost
// scale, and runs the exact evaluation and the improvement steps on them.
// Each call must answer within a few seconds, without panicking, with an
// error or with a valid MDP, valid policies and finite numbers.
func FuzzMDP(f *testing.F) {
	f.Add(uint8(3), uint8(2), 0.9, 1.0, int8(0), false, uint64(1), 0.01, 1.0)
	f.Add(uint8(5), uint8(3), 0.5, 0.1, int8(2), true, uint64(2), 0.5, -3.0)
	f.Add(uint8(2), uint8(2), 0.99, 1e-300, int8(1), false, uint64(3), 1e-9, 1e300)
	f.Add(uint8(4), uint8(4), 0.0, 1e307, int8(0), true, uint64(4), 10.0, 1e308)
	f.Add(uint8(1), uint8(1), 1.0, math.NaN(), int8(-1), false, uint64(5), math.Inf(1), math.NaN())
	f.Add(uint8(7), uint8(2), 0.95, 5e-324, int8(9), false, uint64(6), 0.0, 1e-300)
	f.Fuzz(func(t *testing.T, s, a uint8, gamma, conc float64, branching int8, stateCost bool, seed uint64, delta, scale float64) {
		done := make(chan struct{})
		go func() {
			defer close(done)
			fuzzMDP(t, 1+int(s%12), 1+int(a%5), gamma, conc, int(branching), stateCost, seed, delta, scale)
		}()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			t.Fatalf("no answer within 10 s")
		}
	})
}

func fuzzMDP(t *testing.T, S, A int, gamma, conc float64, branching int, stateCost bool, seed uint64, delta, scale float64) {
	rng := newRNG(seed)
	m, err := Random(S, A, gamma, RandomOptions{Concentration: conc, Branching: branching, StateCost: stateCost}, rng)
	if err != nil {
		return
	}
	if err := m.Validate(); err != nil {
		t.Fatalf("Random returned an invalid MDP: %v", err)
	}
	pi := RandomPolicy(S, A, conc, rng)
	if err := pi.Validate(S, A); err != nil {
		t.Fatalf("RandomPolicy: %v", err)
	}
	for s := range m.C {
		for a := range m.C[s] {
			m.C[s][a] *= scale
		}
	}
	if ev, err := Evaluate(m, pi); err == nil {
		finiteAll(t, "V", ev.V)
		finiteAll(t, "ρ", ev.Rho)
		finiteAll(t, "η", []float64{ev.Eta})
		for s := range ev.Q {
			finiteAll(t, "Q", ev.Q[s])
			finiteAll(t, "A", ev.Adv[s])
		}
	}
	if V, _, err := IterativeEvaluation(m, pi, 1e-8, 2000); err == nil {
		finiteAll(t, "iterative V", V)
	}
	if st, err := KLConstrainedStep(m, pi, delta); err == nil {
		if err := st.Policy.Validate(S, A); err != nil {
			t.Errorf("KLConstrainedStep: %v", err)
		}
		finiteAll(t, "KL step", []float64{st.MeanKL, st.Surrogate, st.Beta})
	}
	if st, err := ConservativeStep(m, pi, 0); err == nil {
		if err := st.Policy.Validate(S, A); err != nil {
			t.Errorf("ConservativeStep: %v", err)
		}
		finiteAll(t, "CPI step", []float64{st.Eta, st.EtaNew, st.Alpha, st.Bound.Bound})
	}
	logits := make([][]float64, S)
	for s := range logits {
		logits[s] = make([]float64, A)
		for a := range logits[s] {
			logits[s][a] = math.Log(pi[s][a] + 1e-12)
		}
	}
	if step, err := NaturalStep(m, logits, delta); err == nil {
		for s := range step {
			finiteAll(t, "natural step", step[s])
		}
	}
	if c, err := Compare(m, pi, Uniform(S, A)); err == nil {
		finiteAll(t, "Compare", []float64{c.EtaOld, c.EtaNew, c.Identity, c.Surrogate})
	}
}

// finiteAll fails t if an entry of v is not finite.
func finiteAll(t *testing.T, what string, v []float64) {
	t.Helper()
	for i, x := range v {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			t.Errorf("%s[%d] = %v is not finite, without an error", what, i, x)
			return
		}
	}
}
