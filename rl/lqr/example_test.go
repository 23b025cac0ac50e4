package lqr_test

import (
	"fmt"

	"github.com/rlcontrol/rlcontrol/rl/lqr"
	"gonum.org/v1/gonum/mat"
)

// Drive a double integrator (position, velocity; acceleration as input) from
// p = 1 to rest at the origin in 30 steps of 0.1 s.
func ExampleSolve() {
	const dt, T = 0.1, 30
	A := mat.NewDense(2, 2, []float64{1, dt, 0, 1})
	B := mat.NewDense(2, 1, []float64{dt * dt / 2, dt})
	Q := mat.NewDense(2, 2, []float64{1, 0, 0, 0.1})
	R := mat.NewDense(1, 1, []float64{0.01})
	p := &lqr.Problem{Final: lqr.Final{Cxx: mat.NewDense(2, 2, []float64{100, 0, 0, 10})}}
	for t := 0; t < T; t++ {
		p.Steps = append(p.Steps, lqr.Step{A: A, B: B, Cxx: Q, Cuu: R})
	}
	sol, err := lqr.Solve(p)
	if err != nil {
		panic(err)
	}
	tr, J, err := sol.Rollout(p, []float64{1, 0})
	if err != nil {
		panic(err)
	}
	fmt.Printf("K_0 = [%.3f %.3f]\n", sol.K[0].At(0, 0), sol.K[0].At(0, 1))
	fmt.Printf("cost %.4f, final state [%.4f %.4f]\n", J, tr.X[T][0], tr.X[T][1])
	// Output:
	// K_0 = [-7.613 -4.585]
	// cost 3.0113, final state [-0.0000 0.0002]
}
