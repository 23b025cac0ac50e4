package dynfit_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"github.com/rlcontrol/rlcontrol/rl/dynfit"
	"github.com/rlcontrol/rlcontrol/rl/system"
	"gonum.org/v1/gonum/mat"
)

// rollouts runs sys N times for T steps from start perturbed by x0Std,
// under random actions u_t = nominal(t) + noise.
func rollouts(sys system.System, start []float64, rng *rand.Rand, N, T int, x0Std, noise float64, nominal func(t int) []float64) system.Batch {
	var s system.Batch
	for i := 0; i < N; i++ {
		x0 := slices.Clone(start)
		for j := range x0 {
			x0[j] += x0Std * rng.NormFloat64()
		}
		us := make([][]float64, T)
		for t := range us {
			us[t] = make([]float64, sys.ActionDim())
			if nominal != nil {
				copy(us[t], nominal(t))
			}
			for j := range us[t] {
				us[t][j] += noise * rng.NormFloat64()
			}
		}
		tr, err := system.Rollout(sys, system.OpenLoop(us), x0, T, nil)
		if err != nil {
			panic(err)
		}
		s = append(s, tr)
	}
	return s
}

// Least squares recovers the double integrator's step matrices
// A = [1 dt; 0 1], B = [dt²/2; dt] (dt = 0.1 s) from 5 noisy-action
// rollouts: n+m+1 = 4 would be the minimum. The starts vary too: from a
// single start state x_0 would be constant and step 0 singular (unless
// reg > 0).
func ExampleLeastSquares() {
	sys := system.NewDoubleIntegrator()
	rng := rand.New(rand.NewPCG(1, 2))
	s := rollouts(sys, []float64{1, 0}, rng, 5, 20, 0.1, 1, nil) // around p = 1 at rest
	dyn, err := dynfit.LeastSquares(s, 0)
	if err != nil {
		panic(err)
	}
	fmt.Println("Fx_0 =", rounded(dyn.Fx[0]))
	fmt.Println("Fu_0 =", rounded(dyn.Fu[0]))
	fmt.Println("noise covariance ≈ 0:", mat.Max(dyn.Cov[0]) < 1e-20)
	// Output:
	// Fx_0 = [[1 0.1] [0 1]]
	// Fu_0 = [[0.005] [0.1]]
	// noise covariance ≈ 0: true
}

// rounded returns the rows of a rounded to 6 decimals (without −0).
func rounded(a mat.Matrix) [][]float64 {
	r, c := a.Dims()
	out := make([][]float64, r)
	for i := range out {
		out[i] = make([]float64, c)
		for j := range out[i] {
			out[i][j] = math.Round(a.At(i, j)*1e6)/1e6 + 0
		}
	}
	return out
}

// Guided policy search's dynamics fitting: a GMM prior learned from the
// rollouts of earlier iterations lets two new rollouts (fewer than the
// n+m+1 = 7 that least squares needs for the point mass) give the local
// linear model.
func ExampleFitWithPrior() {
	sys := system.NewPointMass()
	start := make([]float64, 4) // at rest at the origin
	rng := rand.New(rand.NewPCG(3, 4))
	circle := func(t int) []float64 { return []float64{math.Cos(0.1 * float64(t)), math.Sin(0.1 * float64(t))} }

	prior, err := dynfit.NewGMMPrior(dynfit.GMMPriorConfig{Seed: 1})
	if err != nil {
		panic(err)
	}
	for iter := 0; iter < 3; iter++ { // earlier iterations: 5 rollouts each
		if err := prior.Update(rollouts(sys, start, rng, 5, 50, 0.1, 0.5, circle)); err != nil {
			panic(err)
		}
	}
	fmt.Printf("prior: %d clusters on %d points\n", prior.GMM().K(), prior.Points())

	s := rollouts(sys, start, rng, 2, 50, 0.1, 0.5, circle) // this iteration: 2 rollouts
	if _, err := dynfit.LeastSquares(s, 0); err != nil {
		fmt.Println("least squares:", err != nil)
	}
	dyn, err := dynfit.FitWithPrior(s, prior, 1e-6)
	if err != nil {
		panic(err)
	}
	A, B := make([]float64, 16), make([]float64, 8)
	if err := sys.Jacobians(A, B, s[0].X[0], s[0].U[0]); err != nil {
		panic(err)
	}
	var dA, dB mat.Dense
	dA.Sub(dyn.Fx[25], mat.NewDense(4, 4, A))
	dB.Sub(dyn.Fu[25], mat.NewDense(4, 2, B))
	fmt.Printf("step 25: max |Fx − A| < 0.01: %v, max |Fu − B| < 0.01: %v\n", mat.Max(absM(&dA)) < 0.01, mat.Max(absM(&dB)) < 0.01)
	// Output:
	// prior: 18 clusters on 750 points
	// least squares: true
	// step 25: max |Fx − A| < 0.01: true, max |Fu − B| < 0.01: true
}

// The lecture's closed form for one output: with a prior β ~ N(0, Λ⁻¹),
// two observations determine three weights.
func ExampleBayesianLinearRegression() {
	X := mat.NewDense(2, 3, []float64{
		1, 0.5, -1,
		1, -0.5, 2,
	})
	y := mat.NewVecDense(2, []float64{1, 2})
	Lambda := mat.NewSymDense(3, []float64{1, 0, 0, 0, 1, 0, 0, 0, 1})
	mean, cov, err := dynfit.BayesianLinearRegression(X, y, 0.1, Lambda)
	if err != nil {
		panic(err)
	}
	fmt.Printf("μ_n = %.4f\n", mat.Formatted(mean.T()))
	fmt.Printf("diag Σ_n = [%.4f %.4f %.4f]\n", cov.At(0, 0), cov.At(1, 1), cov.At(2, 2))
	// Output:
	// μ_n = [1.2534  0.0863  0.3678]
	// diag Σ_n = [0.0736 0.8819 0.1144]
}

func absM(a *mat.Dense) *mat.Dense {
	var b mat.Dense
	b.Apply(func(_, _ int, v float64) float64 { return math.Abs(v) }, a)
	return &b
}
