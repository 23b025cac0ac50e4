package tabular

import (
	"math"
	"math/rand/v2"
	"testing"
)

func newRNG(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, 0x7ab1e)) }

// randomCase draws an MDP of 2–7 states and 2–4 actions with a discount from
// a fixed list, varying the transition shape and cost type with i.
func randomCase(t *testing.T, i int, rng *rand.Rand) *MDP {
	t.Helper()
	gammas := []float64{0, 0.5, 0.9, 0.99}
	S, A := 2+rng.IntN(6), 2+rng.IntN(3)
	opt := RandomOptions{
		Concentration: []float64{0, 0.2, 5}[i%3],
		StateCost:     i%2 == 0,
	}
	if i%5 == 0 {
		opt.Branching = 1 + rng.IntN(S)
	}
	m, err := Random(S, A, gammas[i%len(gammas)], opt, rng)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// costScale is the size of values on m: max|c|/(1 − γ), at least 1.
func costScale(m *MDP) float64 {
	return math.Max(1, maxAbs2(m.C)/(1-m.Gamma))
}

// perturbLogits returns Softmax(log π + t·dir).
func perturbLogits(pi Policy, dir [][]float64, t float64) Policy {
	th := make([][]float64, len(pi))
	for s := range pi {
		th[s] = make([]float64, len(pi[s]))
		for a := range pi[s] {
			th[s][a] = math.Log(pi[s][a]) + t*dir[s][a]
		}
	}
	return MustSoftmax(th)
}

func randomMatrix(S, A int, rng *rand.Rand) [][]float64 {
	x := make([][]float64, S)
	for s := range x {
		x[s] = make([]float64, A)
		for a := range x[s] {
			x[s][a] = rng.NormFloat64()
		}
	}
	return x
}

func logits(pi Policy) [][]float64 {
	th := make([][]float64, len(pi))
	for s := range pi {
		th[s] = make([]float64, len(pi[s]))
		for a, p := range pi[s] {
			th[s][a] = math.Log(p)
		}
	}
	return th
}
