package gps_test

import (
	"fmt"

	"github.com/rlcontrol/rlcontrol/rl/gps"
	"github.com/rlcontrol/rlcontrol/rl/imitation"
)

// Mirror-descent GPS on three of the arm task's training conditions.
func ExampleGPS_MDGPSIteration() {
	task := imitation.ArmReach()
	task.Train = task.Train[:3]
	g, err := gps.New(task, gps.Config{Samples: 5, Prior: true, LimitWeight: 100, Seed: 1})
	if err != nil {
		fmt.Println(err)
		return
	}
	for k := 0; k < 3; k++ {
		st, err := g.MDGPSIteration(false)
		if err != nil {
			fmt.Println(err)
			return
		}
		ok := true
		for i, kl := range st.Traj.KL {
			ok = ok && (kl <= st.Traj.Bound*1.1 || st.Traj.Status[i] != 0)
		}
		fmt.Printf("iteration %d: KL within its bound: %v\n", st.Iter, ok)
	}
	// Output:
	// iteration 1: KL within its bound: true
	// iteration 2: KL within its bound: true
	// iteration 3: KL within its bound: true
}

// The augmented-Lagrangian form, one step at a time.
func ExampleGPS_TrajectoryStep() {
	task := imitation.ArmReach()
	task.Train = task.Train[:2]
	g, err := gps.New(task, gps.Config{Samples: 5, Prior: true, Seed: 1})
	if err != nil {
		fmt.Println(err)
		return
	}
	var first, last float64
	for k := 0; k < 4; k++ {
		if _, err := g.TrajectoryStep(); err != nil { // 1: local controllers
			fmt.Println(err)
			return
		}
		if _, err := g.PolicyStep(); err != nil { // 2: regression on u − λ/(2ρ)
			fmt.Println(err)
			return
		}
		d, err := g.DualStep() // 3: λ ← λ + 2ρ·violation
		if err != nil {
			fmt.Println(err)
			return
		}
		if k == 0 {
			first = d.MeanMismatch()
		}
		last = d.MeanMismatch()
	}
	fmt.Println("mismatch fell:", last < first)
	// Output:
	// mismatch fell: true
}

// The nearest-neighbour policy over the local controllers.
func ExampleNearest() {
	task := imitation.ArmReach()
	g, err := gps.New(task, gps.Config{Seed: 1})
	if err != nil {
		fmt.Println(err)
		return
	}
	nn, err := g.Nearest()
	if err != nil {
		fmt.Println(err)
		return
	}
	i, _ := nn.Index(task.Train[4])
	fmt.Println("the nearest condition to training start 4 is", i)
	// Output:
	// the nearest condition to training start 4 is 4
}
