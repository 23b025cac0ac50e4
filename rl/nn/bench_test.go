package nn

import (
	"math/rand/v2"
	"testing"
)

// benchModel is a dynamics-sized model: [x; u] of a 4-state, 2-action
// system to a 4-d state difference, 64×64 tanh.
func benchModel() *MLP { return MustNew(Config{In: 6, Hidden: []int{64, 64}, Out: 4, Seed: 1}) }

// BenchmarkFitEpoch10k is one epoch over 10,000 samples at the default
// batch size (128): 79 Adam steps, one graph call each.
func BenchmarkFitEpoch10k(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	X, Y := randRows(rng, 10000, 6, 1), randRows(rng, 10000, 4, 1)
	m := benchModel()
	for b.Loop() {
		if _, err := m.Fit(X, Y, FitConfig{Epochs: 1}); err != nil {
			b.Fatal(err)
		}
	}
}

func benchPredict(b *testing.B, n int, jac bool) {
	rng := rand.New(rand.NewPCG(1, 2))
	x := randRows(rng, n, 6, 1)
	m := benchModel()
	for b.Loop() {
		var err error
		if jac {
			_, _, err = m.Linearize(x)
		} else {
			_, err = m.Predict(x)
		}
		if err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkPredict1(b *testing.B)      { benchPredict(b, 1, false) }
func BenchmarkPredict1000(b *testing.B)   { benchPredict(b, 1000, false) }
func BenchmarkLinearize1(b *testing.B)    { benchPredict(b, 1, true) }
func BenchmarkLinearize100(b *testing.B)  { benchPredict(b, 100, true) }
func BenchmarkLinearize1000(b *testing.B) { benchPredict(b, 1000, true) }
