package ilqr_test

import (
	"fmt"
	"math"

	"github.com/rlcontrol/rlcontrol/rl/cost"
	"github.com/rlcontrol/rlcontrol/rl/ilqr"
	"github.com/rlcontrol/rlcontrol/rl/system"
)

// Swing a torque-limited pendulum up from hanging at rest in 6 s.
func ExampleSolve() {
	p := system.NewPendulum()     // |τ| ≤ 5 N·m, dt = 0.02 s
	goal := []float64{math.Pi, 0} // upright at rest
	c, err := cost.Diagonal([]float64{0.1, 0.01}, []float64{0.01}, []float64{1000, 100}, goal)
	if err != nil {
		panic(err)
	}
	const T = 300
	u0 := make([][]float64, T)
	for t := range u0 {
		u0[t] = []float64{0}
	}
	res, err := ilqr.Solve(p, c, []float64{0, 0}, u0, ilqr.Config{}) // from hanging at rest
	if err != nil {
		panic(err)
	}
	xT := res.X[T]
	fmt.Printf("converged: %v after %d iterations\n", res.Converged, len(res.History))
	fmt.Printf("final angle error %.4f rad, speed %.4f rad/s\n", math.Abs(xT[0]-math.Pi), math.Abs(xT[1]))
	// Output:
	// converged: true after 51 iterations
	// final angle error 0.0000 rad, speed 0.0000 rad/s
}

// Keep a pendulum upright by replanning every step, although the real
// pendulum is 30% heavier than the model the planner uses.
func ExampleMPC() {
	model := system.NewPendulum()
	plant := system.NewPendulum()
	plant.Mass *= 1.3
	c, err := cost.Diagonal([]float64{10, 1}, []float64{0.01}, []float64{100, 10}, []float64{math.Pi, 0})
	if err != nil {
		panic(err)
	}
	const H = 50
	u0 := make([][]float64, H)
	for t := range u0 {
		u0[t] = []float64{0}
	}
	x0 := []float64{math.Pi - 0.3, 0} // tilted 0.3 rad from upright
	res, err := ilqr.MPC(model, c, x0, u0, ilqr.MPCConfig{Horizon: H, Steps: 100, Plant: plant})
	if err != nil {
		panic(err)
	}
	xT := res.X[len(res.X)-1]
	// The model error leaves a small steady offset: gravity pulls harder than
	// the planner expects, and MPC has no integral action to remove it.
	fmt.Printf("after 2 s: angle error %.3f rad\n", math.Abs(xT[0]-math.Pi))
	// Output:
	// after 2 s: angle error 0.002 rad
}
