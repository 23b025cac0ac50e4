package tabular_test

import (
	"fmt"
	"math"

	"github.com/rlcontrol/rlcontrol/rl/tabular"
)

// The neat identity on the 5-state chain: η(π̃) computed from π's
// advantages and π̃'s visitation equals η(π̃) from its own linear solve;
// the surrogate L_π(π̃), which uses π's visitation instead, does not.
func ExampleIdentity() {
	m, err := tabular.Chain(5, 0.1, 0.9)
	if err != nil {
		panic(err)
	}
	pi := tabular.Uniform(m.S, m.A)
	piNew, _ := tabular.Mix(pi, tabular.Policy{{0, 1}, {0, 1}, {0, 1}, {0, 1}, {0.5, 0.5}}, 0.5)

	etaNew, _ := tabular.Eta(m, piNew)
	rhs, _ := tabular.Identity(m, pi, piNew)
	L, _ := tabular.Surrogate(m, pi, piNew)
	fmt.Printf("η(π)                          = %.6f\n", tabular.MustEvaluate(m, pi).Eta)
	fmt.Printf("η(π̃)                          = %.6f\n", etaNew)
	fmt.Printf("η(π) + Σ ρ_π̃ Σ π̃ A_π          = %.6f\n", rhs)
	fmt.Printf("L_π(π̃) = η(π) + Σ ρ_π Σ π̃ A_π = %.6f\n", L)
	// Output:
	// η(π)                          = 7.526111
	// η(π̃)                          = 5.373417
	// η(π) + Σ ρ_π̃ Σ π̃ A_π          = 5.373417
	// L_π(π̃) = η(π) + Σ ρ_π Σ π̃ A_π = 5.166342
}

// The improvement bounds for a small softmax step on the chain. Every bound
// is above η(π̃); the coupling bound is the tightest, Theorem 1's KL form
// the loosest.
func ExampleCompare() {
	m, _ := tabular.Chain(5, 0.1, 0.9)
	pi := tabular.Uniform(m.S, m.A)
	piNew := tabular.MustSoftmax([][]float64{{0, 0.1}, {0, 0.1}, {0, 0.1}, {0, 0.1}, {0, 0}})
	c, err := tabular.Compare(m, pi, piNew)
	if err != nil {
		panic(err)
	}
	fmt.Printf("η(π) = %.6f  η(π̃) = %.6f  L = %.6f\n", c.EtaOld, c.EtaNew, c.Surrogate)
	fmt.Printf("α = D_TV^max = %.4f  D_KL^max = %.6f  ε = %.4f\n", c.MaxTV, c.MaxKL, c.EpsMax)
	fmt.Printf("coupling bound %.6f\nTV bound       %.6f\nKL bound       %.6f\n", c.BoundCoupling, c.BoundTV, c.BoundKL)
	// Output:
	// η(π) = 7.526111  η(π̃) = 7.290358  L = 7.290331
	// α = D_TV^max = 0.0250  D_KL^max = 0.001249  ε = 2.0717
	// coupling bound 7.670270
	// TV bound       7.755685
	// KL bound       8.222202
}

// Conservative policy iteration on the chain: each step mixes in the greedy
// policy with the α* that maximises the guaranteed improvement. η falls
// monotonically but slowly; policy iteration (α = 1) jumps to η*.
func ExampleConservativePolicyIteration() {
	m, _ := tabular.Chain(5, 0.1, 0.9)
	pi0 := tabular.Uniform(m.S, m.A)
	res, err := tabular.ConservativePolicyIteration(m, pi0, tabular.CPIConfig{MaxIter: 5000})
	if err != nil {
		panic(err)
	}
	etas := res.Etas()
	for _, k := range []int{0, 1, 10, 100, 1000} {
		fmt.Printf("step %4d: η = %.6f\n", k, etas[k])
	}
	fmt.Printf("first α* = %.5f, guaranteed %.6f, actual %.6f\n",
		res.Steps[0].Alpha, res.Steps[0].Bound.Guaranteed, res.Steps[0].Improvement)
	fmt.Printf("converged %v after %d steps: η = %.6f\n", res.Converged, len(res.Steps), res.Eta)
	pi, _ := tabular.ConservativePolicyIteration(m, pi0, tabular.CPIConfig{Alpha: 1})
	fmt.Printf("policy iteration: %d steps, η = %.6f\n", len(pi.Steps), pi.Eta)
	// Output:
	// step    0: η = 7.526111
	// step    1: η = 7.496241
	// step   10: η = 7.227952
	// step  100: η = 5.265521
	// step 1000: η = 3.935824
	// first α* = 0.00633, guaranteed 0.014933, actual 0.029870
	// converged true after 2808 steps: η = 3.934830
	// policy iteration: 1 steps, η = 3.934830
}

// A small KL-constrained step is the natural gradient step: the exact
// solution of min L_π(π̃) s.t. mean KL ≤ δ changes the softmax logits by
// nearly −√(2δ/gᵀF⁺g) F⁺g, and ever more so as δ shrinks.
func ExampleKLConstrainedStep() {
	m, _ := tabular.Chain(5, 0.1, 0.9)
	theta := [][]float64{{0.3, 0}, {0, 0}, {0, 0.2}, {0.1, 0}, {0, 0}}
	pi := tabular.MustSoftmax(theta)
	for _, delta := range []float64{1e-1, 1e-2, 1e-4, 1e-6} {
		st, _ := tabular.KLConstrainedStep(m, pi, delta)
		dth, _ := tabular.LogitChange(pi, st.Policy)
		nat, _ := tabular.NaturalStep(m, theta, delta)
		diff, norm := 0.0, 0.0
		for s := range nat {
			for a := range nat[s] {
				diff += (dth[s][a] - nat[s][a]) * (dth[s][a] - nat[s][a])
				norm += nat[s][a] * nat[s][a]
			}
		}
		fmt.Printf("δ = %.0e: L = %.6f  ‖Δθ − Δθ_NPG‖/‖Δθ_NPG‖ = %.4f\n", delta, st.Surrogate, math.Sqrt(diff/norm))
	}
	// Output:
	// δ = 1e-01: L = 4.869463  ‖Δθ − Δθ_NPG‖/‖Δθ_NPG‖ = 0.1639
	// δ = 1e-02: L = 6.568958  ‖Δθ − Δθ_NPG‖/‖Δθ_NPG‖ = 0.0219
	// δ = 1e-04: L = 7.455076  ‖Δθ − Δθ_NPG‖/‖Δθ_NPG‖ = 0.0016
	// δ = 1e-06: L = 7.545846  ‖Δθ − Δθ_NPG‖/‖Δθ_NPG‖ = 0.0002
}
