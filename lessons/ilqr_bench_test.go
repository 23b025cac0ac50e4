package lessons

import (
	"testing"

	"github.com/rlcontrol/rlcontrol/rl/ilqr"
)

// benchSolve times whole iLQR solves of p and reports time and allocations
// per iteration as extra metrics.
func benchSolve(b *testing.B, p *Problem) {
	s, err := ilqr.New(p.System, p.Cost, p.T, ilqr.Config{})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	iters := 0
	for b.Loop() {
		res, err := s.Solve(p.X0, p.U0)
		if err != nil {
			b.Fatal(err)
		}
		iters += len(res.History)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(iters)/1e3, "µs/iter")
	b.ReportMetric(float64(iters)/float64(b.N), "iters/solve")
}

func BenchmarkILQRPendulumSwingUp(b *testing.B) {
	p, err := SwingUp{}.Problem()
	if err != nil {
		b.Fatal(err)
	}
	benchSolve(b, p)
}

func BenchmarkILQRCartPoleBalance(b *testing.B) {
	p, err := Balance{}.Problem()
	if err != nil {
		b.Fatal(err)
	}
	benchSolve(b, p)
}
