package trajopt_test

import (
	"fmt"

	"github.com/rlcontrol/rlcontrol/rl/lqr"
	"github.com/rlcontrol/rlcontrol/rl/trajopt"
	"gonum.org/v1/gonum/mat"
)

// doubleIntegrator returns a local model (a double integrator with small
// noise over T steps), a quadratic cost that pulls the position to 1, and
// the exploratory controller u ~ N(0, 1) as p̄.
func doubleIntegrator(T int) (*lqr.Controller, *lqr.Dynamics, *lqr.QuadraticCost) {
	const dt = 0.1
	dyn := lqr.NewDynamics(2, 1, T)
	for t := 0; t < T; t++ {
		dyn.Fx[t].Copy(mat.NewDense(2, 2, []float64{1, dt, 0, 1}))
		dyn.Fu[t].Copy(mat.NewDense(2, 1, []float64{dt * dt / 2, dt}))
		dyn.Cov[t].SetSym(0, 0, 1e-4)
		dyn.Cov[t].SetSym(1, 1, 1e-4)
	}
	dyn.X0Cov.SetSym(0, 0, 1e-4)
	dyn.X0Cov.SetSym(1, 1, 1e-4)
	q := &lqr.QuadraticCost{Final: lqr.Final{Cxx: mat.NewDense(2, 2, []float64{100, 0, 0, 10}), Cx: mat.NewVecDense(2, []float64{-100, 0}), C0: 50}}
	for t := 0; t < T; t++ {
		q.Czz = append(q.Czz, mat.NewSymDense(3, []float64{1, 0, 0, 0, 0.1, 0, 0, 0, 0.01}))
		q.Cz = append(q.Cz, mat.NewVecDense(3, []float64{-1, 0, 0}))
		q.C0 = append(q.C0, 0.5)
	}
	prev, err := lqr.NewConstantController(2, 1, T, nil, 1)
	if err != nil {
		panic(err)
	}
	return prev, dyn, q
}

// One x-step of the dual at a fixed η: the larger η, the closer the new
// controller stays to p̄.
func ExampleSolveAtEta() {
	prev, dyn, q := doubleIntegrator(30)
	for _, eta := range []float64{0.1, 1, 10} {
		s, err := trajopt.SolveAtEta(prev, dyn, q, eta)
		if err != nil {
			panic(err)
		}
		fmt.Printf("η = %-4g KL = %7.3f  E[J] = %.2f\n", eta, s.KL, s.ExpectedCost)
	}
	// Output:
	// η = 0.1  KL =  12.715  E[J] = 4.07
	// η = 1    KL =   3.601  E[J] = 6.87
	// η = 10   KL =   1.252  E[J] = 14.15
}

// The KL-constrained update: the η search lands within 10% of ε.
func ExampleKLUpdate() {
	prev, dyn, q := doubleIntegrator(30)
	res, err := trajopt.KLUpdate(prev, dyn, q, 5, trajopt.KLConfig{})
	if err != nil {
		panic(err)
	}
	fmt.Printf("η = %.3g, KL = %.3f (ε = 5) after %d η evaluations: %v\n", res.Eta, res.KL, len(res.History), res.Status)
	// Output:
	// η = 0.562, KL = 4.906 (ε = 5) after 4 η evaluations: converged (tolerance met)
}
