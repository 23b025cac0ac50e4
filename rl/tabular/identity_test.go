package tabular

import (
	"math"
	"testing"
)

// The identity η(π̃) = η(π) + Σ_s ρ_π̃(s) Σ_a π̃(a|s) A_π(s, a) holds to
// round-off on 100 random MDP/policy pairs.
func TestIdentity(t *testing.T) {
	rng := newRNG(10)
	worst := 0.0
	for i := range 100 {
		m := randomCase(t, i, rng)
		pi := RandomPolicy(m.S, m.A, 1, rng)
		piNew := RandomPolicy(m.S, m.A, []float64{0.1, 1, 10}[i%3], rng)
		rhs, err := Identity(m, pi, piNew)
		if err != nil {
			t.Fatal(err)
		}
		eta, _ := Eta(m, piNew)
		err1 := math.Abs(rhs-eta) / costScale(m)
		worst = max(worst, err1)
		if err1 > 1e-10 {
			t.Fatalf("case %d (S=%d A=%d γ=%v): η(π̃) = %.15g, identity = %.15g", i, m.S, m.A, m.Gamma, eta, rhs)
		}
	}
	t.Logf("largest |identity − η(π̃)| / (max|c|/(1−γ)): %.2g", worst)
}

// The surrogate touches η at π̃ = π and agrees with it to first order:
// along π̃ = π + t(π' − π) and along logits θ + t·Δ, η − L = O(t²).
func TestSurrogateFirstOrder(t *testing.T) {
	rng := newRNG(11)
	for i := range 20 {
		m := randomCase(t, i, rng)
		if m.Gamma == 0 {
			continue // L = η exactly when γ = 0
		}
		pi := RandomPolicy(m.S, m.A, 2, rng)
		if L, _ := Surrogate(m, pi, pi); math.Abs(L-MustEvaluate(m, pi).Eta) > 1e-12*costScale(m) {
			t.Fatalf("case %d: L_π(π) = %v ≠ η(π)", i, L)
		}
		target := RandomPolicy(m.S, m.A, 1, rng)
		dir := randomMatrix(m.S, m.A, rng)
		paths := map[string]func(t float64) Policy{
			"mixture": func(tt float64) Policy { p, _ := Mix(pi, target, tt); return p },
			"logits":  func(tt float64) Policy { return perturbLogits(pi, dir, tt) },
		}
		for name, path := range paths {
			// (η − L)/t² converges to a constant (half the second
			// derivative): at t = 1e-3 and 1e-4 the two agree.
			var curv []float64
			for _, tt := range []float64{1e-1, 1e-3, 1e-4} {
				c, err := Compare(m, pi, path(tt))
				if err != nil {
					t.Fatal(err)
				}
				curv = append(curv, (c.EtaNew-c.Surrogate)/(tt*tt))
			}
			if d := math.Abs(curv[2] - curv[1]); d > 0.01*math.Abs(curv[1])+1e-5*costScale(m) {
				t.Fatalf("case %d %s: (η − L)/t² at t = 0.1, 1e-3, 1e-4: %v, want convergence", i, name, curv)
			}
		}
	}
}

// Every bound is above η(π̃) on many random pairs — far apart, mixtures,
// and small logit steps — and they nest: η ≤ Coupling ≤ TV ≤ KL.
func TestBoundsHold(t *testing.T) {
	rng := newRNG(12)
	// tightness = (η − L)/(bound − L): how much of the slack η uses.
	tight := map[string]float64{}
	n := 0
	for i := range 600 {
		m := randomCase(t, i, rng)
		pi := RandomPolicy(m.S, m.A, 1, rng)
		var piNew Policy
		switch i % 3 {
		case 0:
			piNew = RandomPolicy(m.S, m.A, 1, rng)
		case 1:
			piNew, _ = Mix(pi, RandomPolicy(m.S, m.A, 0.3, rng), math.Pow(10, -3*rng.Float64()))
		default:
			piNew = perturbLogits(pi, randomMatrix(m.S, m.A, rng), 0.03)
		}
		c, err := Compare(m, pi, piNew)
		if err != nil {
			t.Fatal(err)
		}
		tol := 1e-11 * costScale(m)
		if !(c.EtaNew <= c.BoundCoupling+tol && c.BoundCoupling <= c.BoundTV+tol && c.BoundTV <= c.BoundKL+tol) {
			t.Fatalf("case %d (γ=%v): η = %.12g, Coupling = %.12g, TV = %.12g, KL = %.12g",
				i, m.Gamma, c.EtaNew, c.BoundCoupling, c.BoundTV, c.BoundKL)
		}
		if c.MaxTV*c.MaxTV > 0.5*c.MaxKL+1e-15 {
			t.Fatalf("case %d: Pinsker fails: α² = %v > ½ D_KL^max = %v", i, c.MaxTV*c.MaxTV, c.MaxKL/2)
		}
		if gap := c.EtaNew - c.Surrogate; gap > tol {
			n++
			for name, b := range map[string]float64{"Coupling": c.BoundCoupling, "TV": c.BoundTV, "KL": c.BoundKL} {
				tight[name] = max(tight[name], gap/(b-c.Surrogate))
			}
		}
	}
	t.Logf("over %d pairs with η > L, the largest share of the bound's penalty that η − L uses: %v", n, tight)
}

// The Kakade–Langford bound holds for mixtures towards the greedy policy and
// towards random policies, and is never tighter than the coupling bound.
func TestBoundMixture(t *testing.T) {
	rng := newRNG(13)
	tightest := 0.0
	for i := range 300 {
		m := randomCase(t, i, rng)
		pi := RandomPolicy(m.S, m.A, 1, rng)
		target := RandomPolicy(m.S, m.A, 0.5, rng)
		if i%2 == 0 {
			target = Greedy(MustEvaluate(m, pi).Adv)
		}
		alpha := rng.Float64()
		b, err := BoundMixture(m, pi, target, alpha)
		if err != nil {
			t.Fatal(err)
		}
		mix, _ := Mix(pi, target, alpha)
		c, _ := Compare(m, pi, mix)
		tol := 1e-11 * costScale(m)
		if math.Abs(b.Surrogate-c.Surrogate) > tol {
			t.Fatalf("case %d: surrogate %v vs η(π) − α𝔸 = %v", i, c.Surrogate, b.Surrogate)
		}
		if c.EtaNew > b.Bound+tol || c.BoundCoupling > b.Bound+tol {
			t.Fatalf("case %d (γ=%v α=%v): η = %v, coupling %v, mixture bound %v", i, m.Gamma, alpha, c.EtaNew, c.BoundCoupling, b.Bound)
		}
		if gap := c.EtaNew - c.Surrogate; gap > tol {
			tightest = max(tightest, gap/(b.Bound-b.Surrogate))
		}
	}
	t.Logf("largest share of the mixture penalty that η − L uses: %.3g", tightest)
}

// The lecture's improvement line with ε read as max_s |E_{a∼π̃} A_π(s, a)|
// for a general π̃ (instead of the target π' of a mixture) is not a bound:
// ε̄ is itself O(α), so ε̄·α² is third order while η − L is second order.
// The test finds pairs where it fails, so the lesson can show why the
// package names its ε's.
func TestLectureEpsilonReadingFails(t *testing.T) {
	rng := newRNG(14)
	worst := 0.0
	for i := range 300 {
		m := randomCase(t, i, rng)
		if m.Gamma < 0.5 {
			continue
		}
		pi := RandomPolicy(m.S, m.A, 1, rng)
		piNew := perturbLogits(pi, randomMatrix(m.S, m.A, rng), 0.01)
		c, _ := Compare(m, pi, piNew)
		wrong := PenaltyMixture(c.EpsNew, m.Gamma) * c.MaxTV * c.MaxTV
		if gap := c.EtaNew - c.Surrogate; gap > 1e-13 && wrong > 0 {
			worst = max(worst, gap/wrong)
		}
	}
	if worst <= 1 {
		t.Fatalf("expected η − L to exceed 2ε̄γα²/(1−γ)² somewhere; largest ratio %v", worst)
	}
	t.Logf("η − L exceeds the misread penalty by up to %.3g×", worst)
}

// KL and TV edge cases.
func TestDivergences(t *testing.T) {
	if kl := KL([]float64{0.5, 0.5, 0}, []float64{0.25, 0.75, 0}); math.Abs(kl-(0.5*math.Log(2)+0.5*math.Log(0.5/0.75))) > 1e-15 {
		t.Fatalf("KL = %v", kl)
	}
	if kl := KL([]float64{0.5, 0.5}, []float64{1, 0}); !math.IsInf(kl, 1) {
		t.Fatalf("KL with missing support = %v, want +Inf", kl)
	}
	if tv := TV([]float64{1, 0}, []float64{0, 1}); tv != 1 {
		t.Fatalf("TV = %v", tv)
	}
	// A deterministic new policy: D_KL^max = ∞ and BoundKL = ∞, still valid.
	m, _ := Chain(4, 0.1, 0.9)
	c, err := Compare(m, Uniform(4, 2), Greedy(MustEvaluate(m, Uniform(4, 2)).Adv))
	if err != nil {
		t.Fatal(err)
	}
	if !math.IsInf(c.MaxKL, 1) || !math.IsInf(c.BoundKL, 1) || c.EtaNew > c.BoundTV {
		t.Fatalf("deterministic π̃: %+v", c)
	}
	// γ = 0: every bound collapses to L = η.
	m.Gamma = 0
	c, _ = Compare(m, Uniform(4, 2), Greedy(MustEvaluate(m, Uniform(4, 2)).Adv))
	if c.BoundKL != c.Surrogate || math.Abs(c.EtaNew-c.Surrogate) > 1e-15 {
		t.Fatalf("γ = 0: %+v", c)
	}
}
