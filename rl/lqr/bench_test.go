package lqr

import (
	"math/rand/v2"
	"testing"
)

// benchBackward times one backward pass of a random problem of the given
// size with a reused solver (the inner loop of iLQR).
func benchBackward(b *testing.B, n, m, T int) {
	p := randomProblem(rand.New(rand.NewPCG(1, 1)), n, m, T)
	s, err := NewSolver(n, m, T)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := s.Backward(p, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkBackward2x1T300(b *testing.B) { benchBackward(b, 2, 1, 300) }
func BenchmarkBackward4x1T100(b *testing.B) { benchBackward(b, 4, 1, 100) }
func BenchmarkBackward4x2T100(b *testing.B) { benchBackward(b, 4, 2, 100) }
