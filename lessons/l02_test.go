package lessons

import (
	"testing"

	"github.com/rlcontrol/rlcontrol/rl/dynfit"

	"github.com/rlcontrol/rlcontrol/rl/system"
	"gonum.org/v1/gonum/mat"
)

// l02StepLS and l02PostMean are right answers to lesson 02's exercises by
// other means than the notebook's solutions (which the notebook runner
// checks): the library's own fits.
func l02StepLS(s system.Batch, t int) *mat.Dense {
	d, err := dynfit.LeastSquares(s, 0)
	if err != nil {
		return nil
	}
	n := len(s[0].X[t])
	W := mat.NewDense(n, n+len(s[0].U[t])+1, nil)
	for i := 0; i < n; i++ {
		row, err := ModelRow(d, t, i)
		if err != nil {
			return nil
		}
		W.SetRow(i, row.RawVector().Data)
	}
	return W
}

func l02PostMean(X *mat.Dense, y *mat.VecDense, sigma2 float64, Lambda *mat.SymDense, beta0 *mat.VecDense) *mat.VecDense {
	mean, _, err := dynfit.BayesianLinearRegressionWithMean(X, y, sigma2, Lambda, beta0)
	if err != nil {
		return nil
	}
	return mean
}

func TestL02Checkers(t *testing.T) {
	if err := CheckStepLeastSquares(l02StepLS); err != nil {
		t.Errorf("reference least squares: %v", err)
	}
	if err := CheckStepLeastSquares(func(system.Batch, int) *mat.Dense { return nil }); err == nil {
		t.Error("CheckStepLeastSquares accepts nil")
	}
	if err := CheckStepLeastSquares(func(s system.Batch, t int) *mat.Dense {
		W := l02StepLS(s, t)
		W.Set(1, 2, W.At(1, 2)*1.01)
		return W
	}); err == nil {
		t.Error("CheckStepLeastSquares accepts a wrong B")
	}
	if err := CheckPosteriorMean(l02PostMean); err != nil {
		t.Errorf("reference posterior mean: %v", err)
	}
	if err := CheckPosteriorMean(func(X *mat.Dense, y *mat.VecDense, s2 float64, L *mat.SymDense, b0 *mat.VecDense) *mat.VecDense {
		return l02PostMean(X, y, s2, L, mat.NewVecDense(4, nil)) // forgets β₀
	}); err == nil {
		t.Error("CheckPosteriorMean accepts a zero prior mean")
	}
	cmp := &ModelComparisonOutcome{Curves: []FitCurve{
		{Name: "least squares", N: []int{7}, RMSE: []float64{1}},
		{Name: "GMM prior", N: []int{3, 7}, RMSE: []float64{0.05, 0.04}},
		{Name: "network prior", N: []int{3, 7}, RMSE: []float64{0.2, 0.03}},
	}}
	if err := CheckBestFitter(cmp, 3, "GMM prior"); err != nil {
		t.Error(err)
	}
	if err := CheckBestFitter(cmp, 3, "network prior"); err == nil {
		t.Error("CheckBestFitter accepts the wrong fitter")
	}
}
