package lessons

import (
	"fmt"
	"math"
	"strings"

	"github.com/rlcontrol/rlcontrol/rl/dynfit"
	"github.com/rlcontrol/rlcontrol/rl/system"
	"gonum.org/v1/gonum/mat"
)

// CheckStepLeastSquares grades lesson 02's exercise "least squares by
// hand": fit(s, t) must return the n×(n+m+1) weights [A_t B_t c_t] of the
// least-squares regression of x_{t+1} on [x_t; u_t; 1], which it checks
// against dynfit.LeastSquares on pendulum rollouts at a few steps.
func CheckStepLeastSquares(fit func(s system.Batch, t int) *mat.Dense) (err error) {
	if err := given(fit); err != nil {
		return err
	}
	defer recovered(&err)
	f, err := NewFitting(PendulumTask(), 1, 20, 1, 3)
	if err != nil {
		return err
	}
	want, err := dynfit.LeastSquares(f.Current, 0)
	if err != nil {
		return err
	}
	for _, t := range []int{5, 40, 120} {
		got := fit(f.Current, t)
		if got == nil {
			return fmt.Errorf("step %d: no weights returned", t)
		}
		if r, c := got.Dims(); r != 2 || c != 4 {
			return fmt.Errorf("step %d: weights are %d×%d, want 2×4 ([A B c] for n = 2, m = 1)", t, r, c)
		}
		for i := 0; i < 2; i++ {
			w, _ := ModelRow(want, t, i)
			for j := 0; j < 4; j++ {
				if d := math.Abs(got.At(i, j) - w.AtVec(j)); !(d <= 1e-6*(1+math.Abs(w.AtVec(j)))) {
					return fmt.Errorf("step %d: entry (%d, %d) is %.6g, dynfit.LeastSquares gives %.6g", t, i, j, got.At(i, j), w.AtVec(j))
				}
			}
		}
	}
	return nil
}

// CheckPosteriorMean grades the exercise "Bayesian regression with a prior
// mean": post(X, y, σ², Λ, β₀) must return μ_n = (XᵀX + σ²Λ)⁻¹(Xᵀy + σ²Λβ₀),
// checked against dynfit.BayesianLinearRegressionWithMean on a pendulum
// step with 3 rollouts and a non-zero prior mean.
func CheckPosteriorMean(post func(X *mat.Dense, y *mat.VecDense, sigma2 float64, Lambda *mat.SymDense, beta0 *mat.VecDense) *mat.VecDense) (err error) {
	if err := given(post); err != nil {
		return err
	}
	defer recovered(&err)
	f, err := NewFitting(PendulumTask(), 1, 3, 1, 4)
	if err != nil {
		return err
	}
	X, y, err := StepRegression(f.Current, 40, 1)
	if err != nil {
		return err
	}
	Lambda := mat.NewSymDense(4, []float64{100, 0, 0, 0, 0, 50, 0, 0, 0, 0, 200, 0, 0, 0, 0, 100})
	beta0 := mat.NewVecDense(4, []float64{-0.2, 1, 0.02, 0.01})
	const sigma2 = 1e-4
	want, _, err := dynfit.BayesianLinearRegressionWithMean(X, y, sigma2, Lambda, beta0)
	if err != nil {
		return err
	}
	got := post(X, y, sigma2, Lambda, beta0)
	if got == nil || got.Len() != 4 {
		return fmt.Errorf("want a posterior mean of length 4")
	}
	for j := 0; j < 4; j++ {
		if d := math.Abs(got.AtVec(j) - want.AtVec(j)); !(d <= 1e-8*(1+math.Abs(want.AtVec(j)))) {
			return fmt.Errorf("entry %d is %.6g, the formula gives %.6g", j, got.AtVec(j), want.AtVec(j))
		}
	}
	return nil
}

// CheckBestFitter grades the prediction exercise: answer must name the
// fitter with the lowest held-out error at N rollouts in the lesson's model
// comparison (cmp, the outcome the lesson's cell computed).
func CheckBestFitter(cmp *ModelComparisonOutcome, N int, answer string) error {
	if cmp == nil {
		return fmt.Errorf("no comparison to check against")
	}
	best := cmp.Best(N)
	if best == "" {
		return fmt.Errorf("the comparison has no fitter at N = %d", N)
	}
	if !strings.EqualFold(strings.TrimSpace(answer), best) {
		return fmt.Errorf("%q is not the most accurate at N = %d (names: least squares, Bayesian regression, GMM prior, network prior)", answer, N)
	}
	return nil
}
