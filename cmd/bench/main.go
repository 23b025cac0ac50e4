package main

import (
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/rlcontrol/rlcontrol/lessons"
	"github.com/rlcontrol/rlcontrol/rl/ilqr"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

// solveStats benchmarks whole iLQR solves of p with a reused solver.
func solveStats(name string, p *lessons.Problem) error {
	s, err := ilqr.New(p.System, p.Cost, p.T, ilqr.Config{})
	if err != nil {
		return err
	}
	var iters int
	var failure error
	r := testing.Benchmark(func(b *testing.B) {
		b.ReportAllocs()
		iters = 0
		for b.Loop() {
			res, err := s.Solve(p.X0, p.U0)
			if err != nil {
				failure = err
				b.FailNow()
			}
			iters += len(res.History)
		}
	})
	if failure != nil {
		return failure
	}
	if r.N == 0 || iters == 0 {
		return fmt.Errorf("%s: benchmark did not run", name)
	}
	perSolve := time.Duration(r.NsPerOp())
	itersPerSolve := float64(iters) / float64(r.N)
	fmt.Printf("%s_iterations: %.0f iterations\n", name, itersPerSolve)
	fmt.Printf("%s_time_per_iteration: %.1f µs\n", name, float64(perSolve.Nanoseconds())/itersPerSolve/1e3)
	fmt.Printf("%s_solve_time: %.2f ms\n", name, float64(perSolve.Nanoseconds())/1e6)
	fmt.Printf("%s_allocs_per_iteration: %.2f allocs\n", name, float64(r.AllocsPerOp())/itersPerSolve)
	fmt.Printf("%s_bytes_per_iteration: %.0f B\n", name, float64(r.AllocedBytesPerOp())/itersPerSolve)
	return nil
}

func run() error {
	swing, err := lessons.SwingUp{}.Problem() // dt 0.02, T = 300
	if err != nil {
		return err
	}
	if err := solveStats("ilqr_pendulum_swingup_T300", swing); err != nil {
		return err
	}
	balance, err := lessons.Balance{}.Problem() // dt 0.02, T = 100
	if err != nil {
		return err
	}
	return solveStats("ilqr_cartpole_balance_T100", balance)
}
