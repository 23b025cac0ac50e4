package tabular

import (
	"math"
	"strings"
	"testing"

	"github.com/rlcontrol/rlcontrol/rl/internal/small"
	"gonum.org/v1/gonum/mat"
)

// V from the linear solve equals the fixed point of V ← c_π + γP_πV, Q and
// A are consistent, and Σ_a π A_π = 0.
func TestEvaluateMatchesIteration(t *testing.T) {
	rng := newRNG(1)
	for i := range 60 {
		m := randomCase(t, i, rng)
		pi := RandomPolicy(m.S, m.A, 1, rng)
		ev, err := Evaluate(m, pi)
		if err != nil {
			t.Fatal(err)
		}
		V, _, err := IterativeEvaluation(m, pi, 1e-13, 0)
		if err != nil {
			t.Fatal(err)
		}
		for s := range V {
			if d := math.Abs(V[s] - ev.V[s]); d > 1e-9 {
				t.Fatalf("case %d (γ=%v): V[%d] solve %v vs iteration %v (diff %.2g)", i, m.Gamma, s, ev.V[s], V[s], d)
			}
			vq, ea := 0.0, 0.0
			for a, p := range pi[s] {
				vq += p * ev.Q[s][a]
				ea += p * ev.Adv[s][a]
			}
			if math.Abs(vq-ev.V[s]) > 1e-12*costScale(m) || math.Abs(ea) > 1e-12*costScale(m) {
				t.Fatalf("case %d: Σπ Q = %v vs V = %v, Σπ A = %v", i, vq, ev.V[s], ea)
			}
		}
	}
}

// ρ_π sums to 1/(1 − γ), equals the series Σ_t γ^t ρ0ᵀP_π^t, and
// Σ_s ρ_π c_π = Σ_s ρ0 V_π = η.
func TestVisitation(t *testing.T) {
	rng := newRNG(2)
	for i := range 60 {
		m := randomCase(t, i, rng)
		pi := RandomPolicy(m.S, m.A, 1, rng)
		ev := MustEvaluate(m, pi)
		sum := 0.0
		for _, r := range ev.Rho {
			if r < -1e-15 {
				t.Fatalf("case %d: ρ has a negative entry %v", i, r)
			}
			sum += r
		}
		if want := 1 / (1 - m.Gamma); math.Abs(sum-want) > 1e-12*want {
			t.Fatalf("case %d: Σρ = %.15g, want 1/(1−γ) = %.15g", i, sum, want)
		}
		if eta := small.Dot(ev.Rho, ev.CPi); math.Abs(eta-ev.Eta) > 1e-11*costScale(m) {
			t.Fatalf("case %d: ρ·c_π = %v, ρ0·V = %v", i, eta, ev.Eta)
		}
		// Series: x_t = ρ0ᵀ P_π^t, weighted by γ^t, until γ^t < 1e-16.
		series := make([]float64, m.S)
		x := mat.NewVecDense(m.S, append([]float64(nil), m.Rho0...))
		next := mat.NewVecDense(m.S, nil)
		for g := 1.0; g > 1e-16; g *= m.Gamma {
			for s := range series {
				series[s] += g * x.AtVec(s)
			}
			next.MulVec(ev.PPi.T(), x)
			x, next = next, x
			if m.Gamma == 0 {
				break
			}
		}
		for s := range series {
			if math.Abs(series[s]-ev.Rho[s]) > 1e-11/(1-m.Gamma) {
				t.Fatalf("case %d: ρ[%d] solve %v vs series %v", i, s, ev.Rho[s], series[s])
			}
		}
		P, _ := TransitionMatrix(m, pi)
		if !mat.EqualApprox(P, ev.PPi, 0) {
			t.Fatal("TransitionMatrix differs from Evaluate's P_π")
		}
	}
}

// Policy iteration ends at a policy whose V satisfies the Bellman
// optimality equation, and on the slip-free chain at η* = (1 − γ^{n−1})/(1 − γ).
func TestPolicyIteration(t *testing.T) {
	rng := newRNG(3)
	for i := range 30 {
		m := randomCase(t, i, rng)
		_, ev, err := PolicyIteration(m, 0)
		if err != nil {
			t.Fatal(err)
		}
		for s := range m.S {
			best := math.Inf(1)
			for a := range m.A {
				best = math.Min(best, ev.Q[s][a])
			}
			if math.Abs(best-ev.V[s]) > 1e-10*costScale(m) {
				t.Fatalf("case %d: V*[%d] = %v but min_a Q* = %v", i, s, ev.V[s], best)
			}
		}
	}
	m, err := Chain(5, 0, 0.9)
	if err != nil {
		t.Fatal(err)
	}
	pi, ev, err := PolicyIteration(m, 0)
	if err != nil {
		t.Fatal(err)
	}
	if want := (1 - math.Pow(0.9, 4)) / 0.1; math.Abs(ev.Eta-want) > 1e-12 {
		t.Fatalf("chain η* = %v, want %v", ev.Eta, want)
	}
	for s := range 4 {
		if pi[s][1] != 1 {
			t.Fatalf("chain π*(·|%d) = %v, want right", s, pi[s])
		}
	}
}

func TestExamplesValid(t *testing.T) {
	for _, slip := range []float64{0, 0.2, 1} {
		if _, err := Chain(5, slip, 0.9); err != nil {
			t.Fatal(err)
		}
		if _, err := Grid(3, 4, slip, 0.95, []int{5}, 10); err != nil {
			t.Fatal(err)
		}
	}
	g, _ := Grid(3, 3, 0, 0.9, nil, 0)
	_, ev, _ := PolicyIteration(g, 0)
	if want := (1 - math.Pow(0.9, 4)) / 0.1; math.Abs(ev.Eta-want) > 1e-12 {
		t.Fatalf("3×3 grid η* = %v, want %v (4 steps)", ev.Eta, want)
	}
}

// Bad inputs are errors that name the bad entry.
func TestBadInputs(t *testing.T) {
	good := func() *MDP {
		m, err := Chain(3, 0.1, 0.9)
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	cases := []struct {
		name  string
		edit  func(m *MDP)
		wants string
	}{
		{"gamma 1", func(m *MDP) { m.Gamma = 1 }, "Gamma = 1"},
		{"gamma NaN", func(m *MDP) { m.Gamma = math.NaN() }, "Gamma = NaN"},
		{"gamma negative", func(m *MDP) { m.Gamma = -0.1 }, "Gamma = -0.1"},
		{"row sum", func(m *MDP) { m.P[1][0][0] += 1e-9 }, "P[1][0] sums to"},
		{"negative prob", func(m *MDP) { m.P[0][1][0], m.P[0][1][1] = -0.5, 1.5 }, "P[0][1][0] = -0.5 is negative"},
		{"NaN prob", func(m *MDP) { m.P[2][1][2] = math.NaN() }, "P[2][1][2] = NaN"},
		{"short row", func(m *MDP) { m.P[1][1] = m.P[1][1][:2] }, "len(P[1][1]) = 2"},
		{"missing action", func(m *MDP) { m.P[2] = m.P[2][:1] }, "len(P[2]) = 1"},
		{"cost inf", func(m *MDP) { m.C[0][1] = math.Inf(1) }, "C[0][1] = +Inf"},
		{"cost shape", func(m *MDP) { m.C = m.C[:2] }, "len(C) = 2"},
		{"rho0", func(m *MDP) { m.Rho0 = []float64{0.5, 0.4, 0} }, "Rho0 sums to 0.9"},
		{"names", func(m *MDP) { m.StateNames = []string{"a"} }, "len(StateNames) = 1"},
		{"size", func(m *MDP) { m.S = 0 }, "S = 0"},
	}
	for _, c := range cases {
		m := good()
		c.edit(m)
		err := m.Validate()
		if err == nil || !strings.Contains(err.Error(), c.wants) {
			t.Errorf("%s: error %v, want it to contain %q", c.name, err, c.wants)
		}
		if _, err := Evaluate(m, Uniform(3, 2)); err == nil {
			t.Errorf("%s: Evaluate accepted the bad MDP", c.name)
		}
	}

	m := good()
	bad := Uniform(3, 2)
	bad[2][0] = 0.7
	calls := map[string]error{}
	_, calls["Evaluate"] = Evaluate(m, bad)
	_, calls["Surrogate"] = Surrogate(m, Uniform(3, 2), bad)
	_, calls["Compare"] = Compare(m, bad, Uniform(3, 2))
	_, calls["MaxKL"] = MaxKL(Uniform(3, 2), bad)
	_, calls["ConservativeStep"] = ConservativeStep(m, bad, 0)
	_, calls["KLConstrainedStep"] = KLConstrainedStep(m, bad, 0.01)
	for name, err := range calls {
		if err == nil || !strings.Contains(err.Error(), "π[2] sums to 1.2") {
			t.Errorf("%s with π[2] = %v: error %v", name, bad[2], err)
		}
	}
	if err := Uniform(2, 2).Validate(3, 2); err == nil || !strings.Contains(err.Error(), "2 states") {
		t.Errorf("policy shape: %v", err)
	}

	u := Uniform(3, 2)
	type errCase struct {
		err   error
		wants string
	}
	errs := map[string]errCase{}
	add := func(name string, err error, wants string) { errs[name] = errCase{err, wants} }
	_, err := Mix(u, u, 1.5)
	add("Mix", err, "alpha = 1.5")
	_, err = ConservativeStep(m, u, -0.1)
	add("ConservativeStep", err, "alpha = -0.1")
	_, err = ConservativePolicyIteration(m, u, CPIConfig{Alpha: 2})
	add("CPI", err, "Alpha = 2")
	_, err = BoundMixture(m, u, u, math.NaN())
	add("BoundMixture", err, "alpha = NaN")
	_, err = KLConstrainedStep(m, u, -1)
	add("KLConstrainedStep", err, "delta = -1")
	_, err = NaturalStep(m, logits(u), 0)
	add("NaturalStep", err, "delta = 0")
	_, err = Softmax([][]float64{{0, math.NaN()}})
	add("Softmax", err, "logits[0][1] = NaN")
	_, err = SoftmaxGradient(m, [][]float64{{0, 0}})
	add("SoftmaxGradient", err, "1 states")
	_, err = Random(3, 2, 1, RandomOptions{}, newRNG(1))
	add("Random gamma", err, "gamma = 1")
	_, err = Random(3, 2, 0.9, RandomOptions{Branching: 4}, newRNG(1))
	add("Random branching", err, "Branching = 4")
	_, err = Random(3, 2, 0.9, RandomOptions{Concentration: -1}, newRNG(1))
	add("Random concentration", err, "Concentration = -1")
	_, err = Chain(1, 0, 0.9)
	add("Chain n", err, "n = 1")
	_, err = Chain(4, 1.5, 0.9)
	add("Chain slip", err, "slip = 1.5")
	_, err = Grid(2, 2, 0, 0.9, []int{3}, 5)
	add("Grid pit", err, "pit 3")
	_, err = MeanKL([]float64{1}, u, u)
	add("MeanKL", err, "len(d) = 1")
	for name, e := range errs {
		if e.err == nil || !strings.Contains(e.err.Error(), e.wants) {
			t.Errorf("%s: error %v, want it to contain %q", name, e.err, e.wants)
		}
	}
}
