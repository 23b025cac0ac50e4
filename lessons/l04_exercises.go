package lessons

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/rlcontrol/rlcontrol/rl/tabular"
	"github.com/rlcontrol/rlcontrol/rl/trpo"
)

// Lesson 04's exercise checkers: each runs the student's function on a few
// cases and compares it with the package's answer, returning an error that
// says what differs (nil when it is right).

// GAEFunc computes GAE advantages for one stretch of an episode: values[t]
// = V(s_t), next[t] = V(s_{t+1}) (the last one the bootstrap value where
// the stretch is cut), no termination inside.
type GAEFunc func(rewards, values, next []float64, gamma, lambda float64) []float64

// CheckGAE compares fn with trpo.GAE on a short hand-made sequence and on
// random ones, for λ = 0.95, 0 and 1.
func CheckGAE(fn GAEFunc) (err error) {
	if err := given(fn); err != nil {
		return err
	}
	defer recovered(&err)
	if fn == nil {
		return fmt.Errorf("no function")
	}
	rng := rand.New(rand.NewPCG(7, 8))
	type tc struct{ r, v, next []float64 }
	cases := []tc{{r: []float64{1, 0, -1, 2}, v: []float64{0.5, 0.2, -0.1, 0.3}, next: []float64{0.2, -0.1, 0.3, 0.4}}}
	for k := 0; k < 3; k++ {
		T := 3 + k*4
		c := tc{make([]float64, T), make([]float64, T), make([]float64, T)}
		for t := range c.r {
			c.r[t], c.v[t] = rng.NormFloat64(), rng.NormFloat64()
		}
		for t := 0; t+1 < T; t++ {
			c.next[t] = c.v[t+1]
		}
		c.next[T-1] = rng.NormFloat64()
		cases = append(cases, c)
	}
	for _, lambda := range []float64{0.95, 0, 1} {
		for i, c := range cases {
			no := make([]bool, len(c.r))
			want, _, err := trpo.GAE(c.r, c.v, c.next, no, no, 0.9, lambda)
			if err != nil {
				return err
			}
			got := fn(c.r, c.v, c.next, 0.9, lambda)
			if len(got) != len(want) {
				return fmt.Errorf("case %d (rewards %.2f, γ = 0.9, λ = %g): got %d advantages, want %d", i+1, c.r, lambda, len(got), len(want))
			}
			for t := range want {
				if !(math.Abs(got[t]-want[t]) <= 1e-9*(1+math.Abs(want[t]))) {
					return fmt.Errorf("case %d (rewards %.2f, γ = 0.9, λ = %g): Â[%d] = %.6f, want %.6f", i+1, c.r, lambda, t, got[t], want[t])
				}
			}
		}
	}
	return nil
}

// TrustRegionStepFunc returns TRPO's step Δθ = √(2δ / sᵀFs)·s for the
// search direction s and the Fisher matrix F.
type TrustRegionStepFunc func(s []float64, F [][]float64, delta float64) []float64

// CheckTrustRegionStep compares fn with √(2δ / sᵀFs)·s on random
// positive-definite F and checks that the step's quadratic KL model
// ½ΔθᵀFΔθ equals δ.
func CheckTrustRegionStep(fn TrustRegionStepFunc) (err error) {
	if err := given(fn); err != nil {
		return err
	}
	defer recovered(&err)
	if fn == nil {
		return fmt.Errorf("no function")
	}
	rng := rand.New(rand.NewPCG(9, 10))
	for k, n := range []int{2, 3, 5} {
		// F = MᵀM + 0.1·I is positive definite.
		M := make([][]float64, n)
		for i := range M {
			M[i] = make([]float64, n)
			for j := range M[i] {
				M[i][j] = rng.NormFloat64()
			}
		}
		F := make([][]float64, n)
		for i := range F {
			F[i] = make([]float64, n)
			for j := range F[i] {
				for l := 0; l < n; l++ {
					F[i][j] += M[l][i] * M[l][j]
				}
			}
			F[i][i] += 0.1
		}
		s := make([]float64, n)
		for i := range s {
			s[i] = rng.NormFloat64()
		}
		delta := []float64{0.01, 0.02, 0.2}[k]
		sFs := quadForm(F, s)
		got := fn(s, F, delta)
		if len(got) != n {
			return fmt.Errorf("n = %d, δ = %g: got a step of length %d, want %d", n, delta, len(got), n)
		}
		beta := math.Sqrt(2 * delta / sFs)
		for i := range s {
			if !(math.Abs(got[i]-beta*s[i]) <= 1e-9*(1+math.Abs(beta*s[i]))) {
				return fmt.Errorf("n = %d, δ = %g: Δθ[%d] = %.6f, want %.6f (½ΔθᵀFΔθ = %.6f, want δ)", n, delta, i, got[i], beta*s[i], 0.5*quadForm(F, got))
			}
		}
	}
	return nil
}

func quadForm(F [][]float64, x []float64) float64 {
	q := 0.0
	for i := range F {
		for j := range F[i] {
			q += x[i] * F[i][j] * x[j]
		}
	}
	return q
}

// SurrogateFunc returns the surrogate L_π(π̃) = η(π) + Σ_s ρ_π(s) Σ_a π̃(a|s) A_π(s, a).
type SurrogateFunc func(m *tabular.MDP, pi, piNew tabular.Policy) float64

// CheckSurrogate compares fn with tabular.Surrogate on random policy pairs
// on the corridor and on a random MDP.
func CheckSurrogate(fn SurrogateFunc) (err error) {
	if err := given(fn); err != nil {
		return err
	}
	defer recovered(&err)
	if fn == nil {
		return fmt.Errorf("no function")
	}
	rng := rand.New(rand.NewPCG(11, 12))
	chain, err := tabular.Chain(5, 0.1, 0.9)
	if err != nil {
		return err
	}
	random, err := tabular.Random(4, 3, 0.8, tabular.RandomOptions{}, rng)
	if err != nil {
		return err
	}
	for _, m := range []*tabular.MDP{chain, random} {
		for k := 0; k < 3; k++ {
			pi := tabular.RandomPolicy(m.S, m.A, 1, rng)
			piNew := tabular.RandomPolicy(m.S, m.A, 1, rng)
			want, err := tabular.Surrogate(m, pi, piNew)
			if err != nil {
				return err
			}
			got := fn(m, pi, piNew)
			if !(math.Abs(got-want) <= 1e-9*(1+math.Abs(want))) {
				return fmt.Errorf("on an MDP with %d states and %d actions: L = %.6f, want %.6f", m.S, m.A, got, want)
			}
		}
	}
	return nil
}
