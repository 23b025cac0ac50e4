package dynfit

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"
)

func randDense(rng *rand.Rand, r, c int) *mat.Dense {
	return mat.NewDense(r, c, randn(rng, r*c, 1))
}

// randSPD returns a random symmetric positive definite d×d matrix.
func randSPD(rng *rand.Rand, d int, ridge float64) *mat.SymDense {
	a := randDense(rng, d, d)
	s := mat.NewSymDense(d, nil)
	s.SymOuterK(1, a)
	for i := 0; i < d; i++ {
		s.SetSym(i, i, s.At(i, i)+ridge)
	}
	return s
}

// blrByQR computes the posterior independently, as the least-squares
// solution of the augmented system [X; σLᵀ] β ≈ [y; σLᵀβ₀] with Λ = LLᵀ
// (minimising ‖y − Xβ‖² + σ²(β − β₀)ᵀΛ(β − β₀), the negative log posterior
// times 2σ²) by gonum's QR, and Σ_n = σ²(RᵀR)⁻¹ from its R factor.
func blrByQR(t *testing.T, X *mat.Dense, y *mat.VecDense, sigma2 float64, Lambda *mat.SymDense, beta0 *mat.VecDense) (*mat.VecDense, *mat.Dense) {
	r, d := X.Dims()
	var ch mat.Cholesky
	if !ch.Factorize(Lambda) {
		t.Fatal("Lambda not PD")
	}
	var L mat.TriDense
	ch.LTo(&L)
	sigma := math.Sqrt(sigma2)
	A := mat.NewDense(r+d, d, nil)
	A.Slice(0, r, 0, d).(*mat.Dense).Copy(X)
	lower := A.Slice(r, r+d, 0, d).(*mat.Dense)
	lower.Scale(sigma, L.T())
	b := mat.NewVecDense(r+d, nil)
	b.SliceVec(0, r).(*mat.VecDense).CopyVec(y)
	if beta0 != nil {
		b.SliceVec(r, r+d).(*mat.VecDense).MulVec(lower, beta0)
	}
	var qr mat.QR
	qr.Factorize(A)
	var beta mat.VecDense
	if err := qr.SolveVecTo(&beta, false, b); err != nil {
		t.Fatal(err)
	}
	var R mat.Dense
	qr.RTo(&R)
	Rsq := mat.NewTriDense(d, mat.Upper, nil)
	Rsq.Copy(R.Slice(0, d, 0, d))
	var Rinv mat.TriDense
	if err := Rinv.InverseTri(Rsq); err != nil {
		t.Fatal(err)
	}
	var cov mat.Dense
	cov.Mul(&Rinv, Rinv.T())
	cov.Scale(sigma2, &cov)
	return &beta, &cov
}

func TestBayesianLinearRegressionClosedForm(t *testing.T) {
	rng := rand.New(rand.NewPCG(10, 1))
	for _, tc := range []struct {
		r, d     int
		withMean bool
	}{{12, 4, false}, {12, 4, true}, {2, 5, false}, {3, 5, true}} {
		X := randDense(rng, tc.r, tc.d)
		y := mat.NewVecDense(tc.r, randn(rng, tc.r, 1))
		Lambda := randSPD(rng, tc.d, 0.5)
		const sigma2 = 0.3
		var beta0 *mat.VecDense
		var mean *mat.VecDense
		var cov *mat.SymDense
		var err error
		if tc.withMean {
			beta0 = mat.NewVecDense(tc.d, randn(rng, tc.d, 1))
			mean, cov, err = BayesianLinearRegressionWithMean(X, y, sigma2, Lambda, beta0)
		} else {
			mean, cov, err = BayesianLinearRegression(X, y, sigma2, Lambda)
		}
		if err != nil {
			t.Fatal(err)
		}
		wantMean, wantCov := blrByQR(t, X, y, sigma2, Lambda, beta0)
		if e := maxAbsDiff(mean, wantMean); e > 1e-10 {
			t.Errorf("%+v: mean off by %g", tc, e)
		}
		if e := maxAbsDiff(cov, wantCov); e > 1e-10 {
			t.Errorf("%+v: cov off by %g", tc, e)
		}
	}
}

// With a flat prior the posterior mean is least squares and Σ_n the
// sampling covariance σ²(XᵀX)⁻¹.
func TestBayesianLinearRegressionFlat(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 1))
	X := randDense(rng, 9, 3)
	y := mat.NewVecDense(9, randn(rng, 9, 1))
	mean, cov, err := BayesianLinearRegression(X, y, 2, nil)
	if err != nil {
		t.Fatal(err)
	}
	var ls mat.VecDense
	if err := ls.SolveVec(X, y); err != nil { // QR least squares
		t.Fatal(err)
	}
	if e := maxAbsDiff(mean, &ls); e > 1e-12 {
		t.Errorf("mean off least squares by %g", e)
	}
	var G mat.Dense
	G.Mul(X.T(), X)
	var Ginv mat.Dense
	if err := Ginv.Inverse(&G); err != nil {
		t.Fatal(err)
	}
	Ginv.Scale(2, &Ginv)
	if e := maxAbsDiff(cov, &Ginv); e > 1e-12 {
		t.Errorf("cov off by %g", e)
	}
	// Fewer observations than weights without a prior: an error.
	_, _, err = BayesianLinearRegression(randDense(rng, 2, 3), mat.NewVecDense(2, nil), 1, nil)
	wantErr(t, "r < d, flat prior", err, "XᵀX + σ²Λ")
}

// FitBayesian is BayesianLinearRegressionWithMean per step and output with
// σ²Λ = Strength·I; Strength 0 is least squares; a huge Strength returns the
// prior mean.
func TestFitBayesian(t *testing.T) {
	rng := rand.New(rand.NewPCG(12, 1))
	const n, m = 3, 2
	sys := newLinSys(rng, n, m, 4, randSPD(rng, n, 0.01))
	s := sys.sample(rng, 15)

	ls, err := LeastSquares(s, 0)
	if err != nil {
		t.Fatal(err)
	}
	b0, err := FitBayesian(s, BayesPrior{})
	if err != nil {
		t.Fatal(err)
	}
	fx, fu, f0, cv := dynDiff(ls, b0)
	if fx > 1e-9 || fu > 1e-9 || f0 > 1e-9 || cv > 1e-9 {
		t.Errorf("Strength 0 vs LeastSquares: Fx %g, Fu %g, F0 %g, Cov %g", fx, fu, f0, cv)
	}

	// A prior mean from another model (a different random system).
	old, err := LeastSquares(newLinSys(rng, n, m, 4, nil).sample(rng, 10), 0)
	if err != nil {
		t.Fatal(err)
	}
	few := sys.sample(rng, 2)
	const lam = 0.7
	b, err := FitBayesian(few, BayesPrior{Mean: old, Strength: lam})
	if err != nil {
		t.Fatal(err)
	}
	d := n + m + 1
	for k := 0; k < sys.T; k++ {
		X := mat.NewDense(2, d, nil)
		for i := 0; i < 2; i++ {
			X.SetRow(i, append(append(append([]float64(nil), few[i].X[k]...), few[i].U[k]...), 1))
		}
		const sigma2 = 0.25 // any σ²: Λ = (λ/σ²) I
		Lambda := mat.NewSymDense(d, nil)
		for j := 0; j < d; j++ {
			Lambda.SetSym(j, j, lam/sigma2)
		}
		for o := 0; o < n; o++ {
			y := mat.NewVecDense(2, []float64{few[0].X[k+1][o], few[1].X[k+1][o]})
			beta0 := mat.NewVecDense(d, nil)
			for j := 0; j < n; j++ {
				beta0.SetVec(j, old.Fx[k].At(o, j))
			}
			for j := 0; j < m; j++ {
				beta0.SetVec(n+j, old.Fu[k].At(o, j))
			}
			beta0.SetVec(d-1, old.F0[k].AtVec(o))
			mean, _, err := BayesianLinearRegressionWithMean(X, y, sigma2, Lambda, beta0)
			if err != nil {
				t.Fatal(err)
			}
			got := mat.NewVecDense(d, nil)
			for j := 0; j < n; j++ {
				got.SetVec(j, b.Fx[k].At(o, j))
			}
			for j := 0; j < m; j++ {
				got.SetVec(n+j, b.Fu[k].At(o, j))
			}
			got.SetVec(d-1, b.F0[k].AtVec(o))
			if e := maxAbsDiff(got, mean); e > 1e-10 {
				t.Errorf("step %d output %d: FitBayesian off BayesianLinearRegressionWithMean by %g", k, o, e)
			}
		}
	}

	huge, err := FitBayesian(few, BayesPrior{Mean: old, Strength: 1e12})
	if err != nil {
		t.Fatal(err)
	}
	fx, fu, f0, _ = dynDiff(huge, old)
	if fx > 1e-9 || fu > 1e-9 || f0 > 1e-9 {
		t.Errorf("huge Strength vs prior mean: Fx %g, Fu %g, F0 %g", fx, fu, f0)
	}
}
