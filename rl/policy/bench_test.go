package policy

import (
	"math/rand/v2"
	"testing"
)

// BenchmarkRollouts: 16 pendulums, the default 64×64 tanh policy, 4000
// transitions (250 vector steps, one graph call each) per op; reports
// environment steps per second.
func BenchmarkRollouts(b *testing.B) {
	pi := pendulumPolicy(b)
	vec := pendulumVec(b, 16, 1)
	rng := rand.New(rand.NewPCG(1, 1))
	const steps = 16 * 250
	for b.Loop() {
		if _, err := Rollouts(pi, vec, steps, rng); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(steps*b.N)/b.Elapsed().Seconds(), "env-steps/s")
}

// BenchmarkAct16 is one vector step's policy call: 16 observations.
func BenchmarkAct16(b *testing.B) {
	pi := pendulumPolicy(b)
	rng := rand.New(rand.NewPCG(1, 1))
	obs := randObs(rng, 16, 3)
	for b.Loop() {
		if _, _, _, err := pi.Act(obs, rng); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkMeanKL4000 is TRPO's KL check on a 4000-sample batch.
func BenchmarkMeanKL4000(b *testing.B) {
	pi := pendulumPolicy(b)
	q := pi.Clone()
	obs := randObs(rand.New(rand.NewPCG(1, 1)), 4000, 3)
	for b.Loop() {
		if _, err := pi.MeanKL(q, obs); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkValueFit4000 is one iteration's value fit with the defaults on
// 4000 samples (5 epochs × 16 minibatches of 256).
func BenchmarkValueFit4000(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 1))
	obs := randObs(rng, 4000, 3)
	ret := make([]float64, len(obs))
	for i := range ret {
		ret[i] = rng.NormFloat64() * 100
	}
	v := MustNewValue(ValueConfig{ObsDim: 3, Seed: 1})
	for b.Loop() {
		if _, err := v.Fit(obs, ret, ValueFitConfig{}); err != nil {
			b.Fatal(err)
		}
	}
}
