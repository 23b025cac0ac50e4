package constrained_test

import (
	"fmt"

	"github.com/rlcontrol/rlcontrol/rl/constrained"
)

// Dual gradient descent on min ½xᵀQx + cᵀx s.t. x₁ + x₂ = 2, with the
// x-step solved in closed form.
func ExampleDualGradientDescent() {
	toy := constrained.EqualityToy()
	p, err := toy.Problem(true)
	if err != nil {
		panic(err)
	}
	res, err := constrained.DualGradientDescent(p, constrained.DGDConfig{Alpha: 0.5})
	if err != nil {
		panic(err)
	}
	xs, lam, _ := toy.Solution()
	// The dual values climb towards f* = −0.25 from below (weak duality).
	fmt.Printf("converged %v after %d iterations\n", res.Converged, len(res.History))
	fmt.Printf("x = (%.4f, %.4f), λ = %.4f\n", res.X[0], res.X[1], res.Lambda[0])
	fmt.Printf("KKT: x* = (%.4f, %.4f), λ* = %.4f\n", xs[0], xs[1], lam)
	for _, it := range res.History[:3] {
		fmt.Printf("iter %d: λ = %+.4f  ‖C‖ = %.4f  dual = %.4f\n", it.Iter, it.Lambda[0], it.Violation, it.Dual)
	}
	// Output:
	// converged true after 18 iterations
	// x = (0.5000, 1.5000), λ = -0.7500
	// KKT: x* = (0.5000, 1.5000), λ* = -0.7500
	// iter 1: λ = +0.0000  ‖C‖ = 0.8571  dual = -0.5714
	// iter 2: λ = -0.4286  ‖C‖ = 0.3673  dual = -0.3090
	// iter 3: λ = -0.6122  ‖C‖ = 0.1574  dual = -0.2608
}

// The augmented Lagrangian on the ball toy, ‖x‖² ≤ 1, with the numerical
// (BFGS) x-step.
func ExampleAugmentedLagrangian() {
	toy := constrained.BallToy()
	p, err := toy.Problem(false)
	if err != nil {
		panic(err)
	}
	res, err := constrained.AugmentedLagrangian(p, constrained.ALConfig{Rho: 1})
	if err != nil {
		panic(err)
	}
	fmt.Printf("converged %v after %d iterations\n", res.Converged, len(res.History))
	fmt.Printf("x = (%.4f, %.4f), μ = %.4f, ‖x‖² = %.4f\n", res.X[0], res.X[1], res.Mu[0], res.X[0]*res.X[0]+res.X[1]*res.X[1])
	// Output:
	// converged true after 10 iterations
	// x = (0.6000, 0.8000), μ = 0.5000, ‖x‖² = 1.0000
}

// Find the η at which a KL(η) that decreases in η meets ε = 0.5.
func ExampleBracket1D() {
	kl := func(eta float64) (float64, error) { return 10 / (eta + 1), nil }
	res, err := constrained.Bracket1D(constrained.Plain1D(kl), 1e-3, 0.5, constrained.BracketConfig{})
	if err != nil {
		panic(err)
	}
	for _, st := range res.History {
		fmt.Printf("%-6s η = %-8.4g KL = %.4g\n", st.Phase, st.Eta, st.Value)
	}
	fmt.Printf("η = %.4g, KL = %.4f (target 0.5 ± 10%%)\n", res.Eta, res.Value)
	// Output:
	// expand η = 0.001    KL = 9.99
	// expand η = 0.01     KL = 9.901
	// expand η = 0.1      KL = 9.091
	// expand η = 1        KL = 5
	// expand η = 10       KL = 0.9091
	// expand η = 100      KL = 0.09901
	// bisect η = 31.62    KL = 0.3065
	// bisect η = 17.78    KL = 0.5324
	// η = 17.78, KL = 0.5324 (target 0.5 ± 10%)
}
