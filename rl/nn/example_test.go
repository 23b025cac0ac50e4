package nn_test

import (
	"fmt"
	"math"

	"github.com/rlcontrol/rlcontrol/rl/nn"
)

// Fit a small network to y = sin(x₀)·x₁, then linearise it.
func ExampleMLP_Fit() {
	var X, Y [][]float64
	for i := 0; i < 20; i++ {
		for j := 0; j < 20; j++ {
			x0, x1 := -2+4*float64(i)/19, -1+2*float64(j)/19
			X = append(X, []float64{x0, x1})
			Y = append(Y, []float64{math.Sin(x0) * x1})
		}
	}
	m, err := nn.New(nn.Config{In: 2, Hidden: []int{32, 32}, Out: 1, Seed: 1})
	if err != nil {
		panic(err)
	}
	// Full batch (400 samples), 300 Adam steps.
	loss, err := m.Fit(X, Y, nn.FitConfig{Epochs: 300, BatchSize: 400, LearningRate: 1e-2})
	if err != nil {
		panic(err)
	}
	fmt.Printf("epochs: %d, final loss below 0.01: %v\n", len(loss), loss[len(loss)-1] < 0.01)

	// The Jacobian at (1, 0.5) should be close to [cos(1)·0.5, sin(1)].
	J, err := m.Jacobian([][]float64{{1, 0.5}})
	if err != nil {
		panic(err)
	}
	fmt.Printf("Jacobian within 0.05 of [cos(1)/2, sin(1)]: %v\n",
		math.Abs(J[0].At(0, 0)-math.Cos(1)/2) < 0.05 && math.Abs(J[0].At(0, 1)-math.Sin(1)) < 0.05)
	// Output:
	// epochs: 300, final loss below 0.01: true
	// Jacobian within 0.05 of [cos(1)/2, sin(1)]: true
}
