package tabular

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// Policy is a stochastic policy, π[s][a] = π(a|s): one probability row per
// state.
type Policy [][]float64

// Validate checks that π has S rows of A probabilities each summing to 1
// (within ProbTol). The error names the first bad entry.
func (pi Policy) Validate(S, A int) error {
	if len(pi) != S {
		return fmt.Errorf("tabular: policy has %d states, want S = %d", len(pi), S)
	}
	for s, row := range pi {
		if err := checkDist(row, A, fmt.Sprintf("π[%d]", s)); err != nil {
			return err
		}
	}
	return nil
}

// Clone returns a deep copy of π.
func (pi Policy) Clone() Policy {
	c := make(Policy, len(pi))
	for s := range pi {
		c[s] = append([]float64(nil), pi[s]...)
	}
	return c
}

// Uniform returns the policy π(a|s) = 1/A. It panics, naming the sizes, if
// S or A is negative or S·A exceeds limits.MaxElements (2^27).
func Uniform(S, A int) Policy {
	mustFit("tabular: Uniform", S, A)
	pi := make(Policy, S)
	for s := range pi {
		pi[s] = make([]float64, A)
		for a := range pi[s] {
			pi[s][a] = 1 / float64(A)
		}
	}
	return pi
}

// Softmax returns the tabular softmax policy π(a|s) = exp θ_sa / Σ_b exp θ_sb
// of the logits θ[s][a] (computed stably). Logits must be finite.
func Softmax(logits [][]float64) (Policy, error) {
	pi := make(Policy, len(logits))
	for s, row := range logits {
		if len(row) == 0 {
			return nil, fmt.Errorf("tabular: Softmax: logits[%d] is empty", s)
		}
		mx := math.Inf(-1)
		for a, v := range row {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, fmt.Errorf("tabular: Softmax: logits[%d][%d] = %v is not finite", s, a, v)
			}
			mx = max(mx, v)
		}
		pi[s] = make([]float64, len(row))
		sum := 0.0
		for a, v := range row {
			pi[s][a] = math.Exp(v - mx)
			sum += pi[s][a]
		}
		for a := range row {
			pi[s][a] /= sum
		}
	}
	return pi, nil
}

// MustSoftmax is Softmax that panics on error, for notebooks.
func MustSoftmax(logits [][]float64) Policy {
	pi, err := Softmax(logits)
	if err != nil {
		panic(err)
	}
	return pi
}

// RandomPolicy returns a policy whose rows are Dirichlet(concentration)
// samples (concentration ≤ 0 or NaN means 1: uniform on the simplex).
// Small concentrations give nearly deterministic policies, large ones
// (and +Inf) the uniform policy. It panics if rng is nil, and, naming the
// sizes, if S or A is negative or S·A exceeds limits.MaxElements (2^27).
func RandomPolicy(S, A int, concentration float64, rng *rand.Rand) Policy {
	if rng == nil {
		panic("tabular: RandomPolicy: nil rng")
	}
	mustFit("tabular: RandomPolicy", S, A)
	if !(concentration > 0) {
		concentration = 1
	}
	pi := make(Policy, S)
	for s := range pi {
		pi[s] = make([]float64, A)
		dirichlet(pi[s], concentration, rng)
	}
	return pi
}

// Greedy returns the deterministic policy that picks argmin_a Q[s][a] in
// every state (ties go to the lowest action index). Costs are minimised, so
// greedy means smallest Q; Greedy(A_π) is the same policy as Greedy(Q_π).
// Q should be finite (Evaluate's is): a NaN never compares smaller, so it
// is picked only as the first entry of its row. Empty rows stay empty.
func Greedy(Q [][]float64) Policy {
	pi := make(Policy, len(Q))
	for s, row := range Q {
		pi[s] = make([]float64, len(row))
		best := 0
		for a, q := range row {
			if q < row[best] {
				best = a
			}
		}
		if len(row) > 0 {
			pi[s][best] = 1
		}
	}
	return pi
}

// Mix returns the Kakade–Langford mixture policy
//
//	π_new(a|s) = (1 − α) π(a|s) + α π'(a|s),   α ∈ [0, 1].
func Mix(pi, piPrime Policy, alpha float64) (Policy, error) {
	if !(alpha >= 0 && alpha <= 1) {
		return nil, fmt.Errorf("tabular: Mix: alpha = %v, want ∈ [0, 1]", alpha)
	}
	if err := sameShape(pi, piPrime); err != nil {
		return nil, err
	}
	out := make(Policy, len(pi))
	for s := range pi {
		out[s] = make([]float64, len(pi[s]))
		for a := range pi[s] {
			out[s][a] = (1-alpha)*pi[s][a] + alpha*piPrime[s][a]
		}
	}
	return out, nil
}

// sameShape checks that two policies have the same number of states and
// actions and are valid.
func sameShape(pi, other Policy) error {
	if len(pi) == 0 {
		return fmt.Errorf("tabular: empty policy")
	}
	A := len(pi[0])
	if err := pi.Validate(len(pi), A); err != nil {
		return err
	}
	if err := other.Validate(len(pi), A); err != nil {
		return fmt.Errorf("%w (second policy)", err)
	}
	return nil
}
