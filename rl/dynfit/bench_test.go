package dynfit

import (
	"math/rand/v2"
	"testing"

	"github.com/rlcontrol/rlcontrol/rl/system"
)

// pointMassIterations returns iters batches of 5 point-mass rollouts of
// T = 100 steps, each batch around a slightly different nominal.
func pointMassIterations(b testing.TB, iters int) []system.Batch {
	rng := rand.New(rand.NewPCG(99, 1))
	sys := system.NewPointMass()
	out := make([]system.Batch, iters)
	for i := range out {
		phase := 0.3 * float64(i)
		out[i] = systemSamples(b, sys, rng, 5, 100, 0.1, 0.5, func(t int) []float64 {
			return circle(t + int(10*phase))
		})
	}
	return out
}

func merge(batches []system.Batch) system.Batch {
	var s system.Batch
	for _, b := range batches {
		s = append(s, b...)
	}
	return s
}

// BenchmarkGMMPriorFit: the GMM prior's work per GPS iteration on point-mass
// data (T = 100, 5 rollouts per iteration, D = 10).
//
//   - cold-10iters: one Update with 10 iterations' rollouts (5000 points,
//     K = 20) from a fresh prior: a full EM fit from k-means++.
//   - warm-update: the steady state with a 10-iteration window
//     (MaxSamples = 50): append 5 rollouts, drop 5, warm-started EM.
//   - warm-update-gps: the same with GPS's default window (MaxSamples = 20,
//     2000 points).
func BenchmarkGMMPriorFit(b *testing.B) {
	batches := pointMassIterations(b, 20)
	all := merge(batches[:10])
	b.Run("cold-10iters", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			p, err := NewGMMPrior(GMMPriorConfig{Seed: 1, MaxSamples: 50})
			if err != nil {
				b.Fatal(err)
			}
			if err := p.Update(all); err != nil {
				b.Fatal(err)
			}
		}
	})
	for _, tc := range []struct {
		name       string
		maxSamples int
	}{{"warm-update", 50}, {"warm-update-gps", 20}} {
		b.Run(tc.name, func(b *testing.B) {
			p, err := NewGMMPrior(GMMPriorConfig{Seed: 1, MaxSamples: tc.maxSamples})
			if err != nil {
				b.Fatal(err)
			}
			if err := p.Update(all); err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				if err := p.Update(batches[10+i%10]); err != nil {
					b.Fatal(err)
				}
				i++
			}
			b.ReportMetric(float64(len(p.GMM().History)-1), "EM-iters/op")
		})
	}
}

// BenchmarkFitWithPrior: fit 100 steps of dynamics from 5 point-mass
// rollouts with a GMM prior of 20 clusters (D = 10).
func BenchmarkFitWithPrior(b *testing.B) {
	batches := pointMassIterations(b, 11)
	p, err := NewGMMPrior(GMMPriorConfig{Seed: 1, MaxSamples: 50})
	if err != nil {
		b.Fatal(err)
	}
	if err := p.Update(merge(batches[:10])); err != nil {
		b.Fatal(err)
	}
	s := batches[10]
	b.ReportAllocs()
	for b.Loop() {
		if _, err := FitWithPrior(s, p, 1e-6); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkLeastSquares: the same 100 steps from 10 rollouts without prior.
func BenchmarkLeastSquares(b *testing.B) {
	s := merge(pointMassIterations(b, 2))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := LeastSquares(s, 0); err != nil {
			b.Fatal(err)
		}
	}
}
