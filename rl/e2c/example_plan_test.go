package e2c_test

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"

	"github.com/rlcontrol/rlcontrol/rl/e2c"
)

// examplePointMass stands in for a trained model: a cart on a line whose
// "images" are its state [position, velocity] and whose transition is the
// exact one, A = I + v rᵀ with v = [Δt, 0], r = [0, 1] (position += Δt ·
// velocity), B = [Δt²/2, Δt], o = 0.
type examplePointMass struct{ dt float64 }

func (examplePointMass) LatentDim() int { return 2 }
func (examplePointMass) ActionDim() int { return 1 }

func (examplePointMass) Encode(images [][]float64) ([][]float64, error) {
	out := make([][]float64, len(images))
	for i, img := range images {
		if len(img) != 2 {
			return nil, fmt.Errorf("image %d has %d pixels, want 2", i, len(img))
		}
		out[i] = []float64{img[0], img[1]}
	}
	return out, nil
}

func (p examplePointMass) Linearize([]float64) (A, B *mat.Dense, o []float64, err error) {
	A = mat.NewDense(2, 2, []float64{1, p.dt, 0, 1})
	B = mat.NewDense(2, 1, []float64{p.dt * p.dt / 2, p.dt})
	return A, B, []float64{0, 0}, nil
}

// Plan in the latent space from rest at 0 to rest at 1 m with the default
// cost (Q = 1, R = 0.1, QFinal = 1000) and horizon (40 steps, 4 s here).
func ExamplePlan() {
	m := examplePointMass{dt: 0.1}
	res, err := e2c.Plan(m, []float64{0, 0}, []float64{1, 0}, e2c.PlanConfig{})
	if err != nil {
		panic(err)
	}
	z := res.X[len(res.X)-1]
	fmt.Printf("converged: %v, %d actions, plan ends at %.3f m, %.3f m/s\n", res.Converged, len(res.U), z[0], z[1])
	// Output:
	// converged: true, 40 actions, plan ends at 0.999 m, 0.000 m/s
}

// Drive the cart to the goal image by re-planning from each new image
// (MPC), with the force limited to ±1 N: the real system here is the
// model's own latent system, so what was planned is what happens.
func ExampleClosedLoop() {
	m := examplePointMass{dt: 0.1}
	plant, err := e2c.NewLatentSystem(m, []float64{-1}, []float64{1}, m.dt)
	if err != nil {
		panic(err)
	}
	observe := func(_, x []float64) ([]float64, error) { return x, nil } // the "camera"
	goalImage := []float64{1, 0}                                         // at 1 m, at rest
	ep, err := e2c.ClosedLoop(m, plant, observe, []float64{0, 0}, goalImage, 100, e2c.PlanConfig{Horizon: 30})
	if err != nil {
		panic(err)
	}
	maxU := 0.0
	for _, u := range ep.U {
		maxU = math.Max(maxU, math.Abs(u[0]))
	}
	fmt.Printf("after %.0f s: position %.3f m, speed %.3f m/s\n", 100*m.dt, ep.Final()[0], ep.Final()[1])
	fmt.Printf("largest force %.2f N (limit 1 N), %d plans\n", maxU, len(ep.Planned))
	// Output:
	// after 10 s: position 1.000 m, speed 0.000 m/s
	// largest force 1.00 N (limit 1 N), 100 plans
}

// Evaluate runs several starts in parallel and reports the success rate.
func ExampleEvaluate() {
	m := examplePointMass{dt: 0.1}
	plant, err := e2c.NewLatentSystem(m, []float64{-1}, []float64{1}, m.dt)
	if err != nil {
		panic(err)
	}
	sc := e2c.Scenario{
		Sys:       plant,
		Observe:   func(_, x []float64) ([]float64, error) { return x, nil },
		GoalImage: []float64{1, 0},
		T:         100,
		Success:   func(x [][]float64) (bool, error) { return math.Abs(x[len(x)-1][0]-1) < 0.01, nil },
	}
	starts := [][]float64{{0, 0}, {-1, 0}, {2, 0.5}, {1, -1}}
	ev, err := e2c.Evaluate(m, sc, starts, e2c.PlanConfig{Horizon: 30})
	if err != nil {
		panic(err)
	}
	fmt.Printf("success rate %.0f%% over %d starts\n", 100*ev.SuccessRate, len(starts))
	// Output:
	// success rate 100% over 4 starts
}
