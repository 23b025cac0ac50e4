package lessons

import (
	"testing"

	"github.com/rlcontrol/rlcontrol/rl/system"
	"gonum.org/v1/gonum/mat"
)

// l02StepLS is the reference solution of lesson 02's first exercise, as
// the notebook shows it.
func l02StepLS(s system.Batch, t int) *mat.Dense {
	n, m := len(s[0].X[t]), len(s[0].U[t])
	X := mat.NewDense(len(s), n+m+1, nil)
	Y := mat.NewDense(len(s), n, nil)
	for i, tr := range s {
		X.SetRow(i, append(append(append([]float64{}, tr.X[t]...), tr.U[t]...), 1))
		Y.SetRow(i, tr.X[t+1])
	}
	var W mat.Dense
	if err := W.Solve(X, Y); err != nil { // least squares: X W = Y
		return nil
	}
	return mat.DenseCopyOf(W.T())
}

func l02PostMean(X *mat.Dense, y *mat.VecDense, sigma2 float64, Lambda *mat.SymDense, beta0 *mat.VecDense) *mat.VecDense {
	var M mat.Dense
	M.Mul(X.T(), X)
	var L mat.Dense
	L.Scale(sigma2, Lambda)
	M.Add(&M, &L)
	var rhs, Lb mat.VecDense
	rhs.MulVec(X.T(), y)
	Lb.MulVec(&L, beta0)
	rhs.AddVec(&rhs, &Lb)
	var mu mat.VecDense
	if err := mu.SolveVec(&M, &rhs); err != nil {
		return nil
	}
	return &mu
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
