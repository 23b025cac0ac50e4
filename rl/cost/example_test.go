package cost_test

import (
	"fmt"

	"github.com/rlcontrol/rlcontrol/rl/cost"
)

// A pendulum swing-up cost: reach θ = π at rest, with a small torque penalty.
func ExampleDiagonal() {
	c, err := cost.Diagonal([]float64{0, 0}, []float64{0.01}, []float64{1000, 100}, []float64{3.14159, 0})
	if err != nil {
		panic(err)
	}
	d := cost.NewDerivs(2, 1)
	c.FinalDerivs(d, []float64{3, 0.5})
	fmt.Printf("final cost %.3f, gradient %.3f\n", c.Final([]float64{3, 0.5}), d.Lx)
	// Output: final cost 22.524, gradient [-141.590 50.000]
}
