package tabular

import (
	"math"
	"testing"
)

// ∂η/∂θ = ρ π A matches central differences of η(Softmax(θ)).
func TestSoftmaxGradient(t *testing.T) {
	rng := newRNG(30)
	for i := range 10 {
		m := randomCase(t, i, rng)
		theta := randomMatrix(m.S, m.A, rng)
		g, err := SoftmaxGradient(m, theta)
		if err != nil {
			t.Fatal(err)
		}
		const h = 1e-6
		for s := range theta {
			for a := range theta[s] {
				old := theta[s][a]
				theta[s][a] = old + h
				up, _ := Eta(m, MustSoftmax(theta))
				theta[s][a] = old - h
				down, _ := Eta(m, MustSoftmax(theta))
				theta[s][a] = old
				if fd := (up - down) / (2 * h); math.Abs(fd-g[s][a]) > 1e-6*costScale(m) {
					t.Fatalf("case %d: ∂η/∂θ[%d][%d] = %v, finite difference %v", i, s, a, g[s][a], fd)
				}
			}
		}
	}
}

// ½ΔᵀFΔ is the mean KL to second order.
func TestFisherIsKLHessian(t *testing.T) {
	rng := newRNG(31)
	for i := range 10 {
		m := randomCase(t, i, rng)
		theta := randomMatrix(m.S, m.A, rng)
		F, err := SoftmaxFisher(m, theta)
		if err != nil {
			t.Fatal(err)
		}
		ev := MustEvaluate(m, MustSoftmax(theta))
		d := make([]float64, m.S)
		for s := range d {
			d[s] = (1 - m.Gamma) * ev.Rho[s]
		}
		dir := randomMatrix(m.S, m.A, rng)
		flat := flatten(dir)
		quad := 0.0
		for k := range flat {
			for l := range flat {
				quad += flat[k] * F.At(k, l) * flat[l]
			}
		}
		quad /= 2
		var errs []float64
		for _, tt := range []float64{1e-1, 1e-2, 1e-3} {
			kl, _ := MeanKL(d, ev.Pi, perturbLogits(ev.Pi, dir, tt))
			errs = append(errs, math.Abs(kl/(tt*tt)-quad)/quad)
		}
		if errs[2] > 1e-2 || errs[2] > 0.2*errs[0] {
			t.Fatalf("case %d: |KL/t² − ½ΔᵀFΔ|/½ΔᵀFΔ = %v, want → 0", i, errs)
		}
	}
}

// The pseudo-inverse natural gradient is Kakade's closed form
// (A_π − per-state mean)/(1 − γ).
func TestNaturalGradientClosedForm(t *testing.T) {
	rng := newRNG(32)
	for i := range 20 {
		m := randomCase(t, i, rng)
		theta := randomMatrix(m.S, m.A, rng)
		ng, err := NaturalGradient(m, theta)
		if err != nil {
			t.Fatal(err)
		}
		ev := MustEvaluate(m, MustSoftmax(theta))
		scale := maxAbs2(ev.Adv) / (1 - m.Gamma)
		for s := range ng {
			if ev.Rho[s] < 1e-8 {
				continue // barely visited: F's block is below the cut-off
			}
			mean := 0.0
			for _, v := range ev.Adv[s] {
				mean += v / float64(m.A)
			}
			for a := range ng[s] {
				if want := (ev.Adv[s][a] - mean) / (1 - m.Gamma); math.Abs(ng[s][a]-want) > 1e-7*scale+1e-14 {
					t.Fatalf("case %d: F⁺g[%d][%d] = %v, want %v", i, s, a, ng[s][a], want)
				}
			}
		}
	}
}

// The exact trust-region step has mean KL δ, beats (or ties) the natural
// step's policy at the same KL on L, and its logit change approaches the
// natural step as δ → 0.
func TestKLStepIsNaturalGradient(t *testing.T) {
	rng := newRNG(33)
	for i := range 20 {
		m := randomCase(t, i, rng)
		if m.Gamma == 0 {
			continue
		}
		pi := RandomPolicy(m.S, m.A, 2, rng)
		theta := logits(pi)
		var rel []float64
		for _, delta := range []float64{1e-2, 1e-4, 1e-6} {
			st, err := KLConstrainedStep(m, pi, delta)
			if err != nil {
				t.Fatal(err)
			}
			if st.Saturated || math.Abs(st.MeanKL-delta) > 1e-6*delta {
				t.Fatalf("case %d δ=%v: mean KL %v (saturated %v)", i, delta, st.MeanKL, st.Saturated)
			}
			nat, err := NaturalStep(m, theta, delta)
			if err != nil {
				t.Fatal(err)
			}
			dth, err := LogitChange(pi, st.Policy)
			if err != nil {
				t.Fatal(err)
			}
			diff, norm := 0.0, 0.0
			for s := range nat {
				for a := range nat[s] {
					diff += (dth[s][a] - nat[s][a]) * (dth[s][a] - nat[s][a])
					norm += nat[s][a] * nat[s][a]
				}
			}
			rel = append(rel, math.Sqrt(diff/norm))

			// Optimality: rescale the natural step to the same exact
			// mean KL; its surrogate cannot beat the exact step's.
			ev := MustEvaluate(m, pi)
			d := make([]float64, m.S)
			for s := range d {
				d[s] = (1 - m.Gamma) * ev.Rho[s]
			}
			lo, hi := 0.0, 4.0
			for range 100 {
				mid := (lo + hi) / 2
				p := perturbLogits(pi, nat, mid)
				if kl, _ := MeanKL(d, pi, p); kl < delta {
					lo = mid
				} else {
					hi = mid
				}
			}
			if Lnat := ev.Surrogate(perturbLogits(pi, nat, lo)); st.Surrogate > Lnat+1e-12*costScale(m) {
				t.Fatalf("case %d δ=%v: exact step L = %v > natural step L = %v", i, delta, st.Surrogate, Lnat)
			}
		}
		// ‖Δθ_KL − Δθ_NPG‖/‖Δθ_NPG‖ = O(√δ): 10× smaller per 100× in δ.
		if rel[2] > 0.2*rel[1] || rel[1] > 0.2*rel[0]+1e-3 || rel[2] > 1e-2 {
			t.Fatalf("case %d: relative distance to the natural step %v, want → 0 like √δ", i, rel)
		}
	}
}

// A huge δ saturates at the greedy policy (within π's support).
func TestKLStepSaturates(t *testing.T) {
	m, _ := Chain(4, 0.1, 0.9)
	st, err := KLConstrainedStep(m, Uniform(4, 2), 100)
	if err != nil {
		t.Fatal(err)
	}
	if !st.Saturated {
		t.Fatalf("δ = 100 not saturated: %+v", st)
	}
	for s := range 3 {
		if st.Policy[s][1] < 1-1e-6 {
			t.Fatalf("saturated step π̃(·|%d) = %v, want right", s, st.Policy[s])
		}
	}
	st, _ = KLConstrainedStep(m, Uniform(4, 2), 0)
	if st.MeanKL != 0 || !samePolicy(st.Policy, Uniform(4, 2)) {
		t.Fatalf("δ = 0 moved the policy: %+v", st)
	}
}
