package dynfit

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/rlcontrol/rlcontrol/rl/system"
	"gonum.org/v1/gonum/mat"
)

// Noise-free data from a linear system are fitted exactly, with
// N = n+m+1, the fewest rollouts that determine the regression.
func TestLeastSquaresNoiseFreeExact(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	sys := newLinSys(rng, 3, 2, 8, nil)
	s := sys.sample(rng, 3+2+1)
	d, err := LeastSquares(s, 0)
	if err != nil {
		t.Fatal(err)
	}
	for k := 0; k < sys.T; k++ {
		if e := maxAbsDiff(d.Fx[k], sys.A[k]); e > 1e-9 {
			t.Errorf("step %d: |Fx − A| = %g", k, e)
		}
		if e := maxAbsDiff(d.Fu[k], sys.B[k]); e > 1e-9 {
			t.Errorf("step %d: |Fu − B| = %g", k, e)
		}
		if e := maxAbsDiff(d.F0[k], sys.c[k]); e > 1e-9 {
			t.Errorf("step %d: |F0 − c| = %g", k, e)
		}
		if e := maxAbs(d.Cov[k]); e > 1e-18 {
			t.Errorf("step %d: |Cov| = %g, want 0", k, e)
		}
	}
	if _, _, _, err := d.Dims(); err != nil {
		t.Fatal(err)
	}
}

// The point mass is linear: the fit recovers its exact step Jacobians.
func TestLeastSquaresPointMass(t *testing.T) {
	rng := rand.New(rand.NewPCG(2, 1))
	sys := system.NewPointMass()
	s := systemSamples(t, sys, rng, 10, 30, 0.1, 0.5, circle)
	d, err := LeastSquares(s, 0)
	if err != nil {
		t.Fatal(err)
	}
	A, B := jac(t, sys, s[0].X[0], s[0].U[0])
	for k := range d.Fx {
		if e := maxAbsDiff(d.Fx[k], A); e > 1e-9 {
			t.Errorf("step %d: |Fx − A| = %g", k, e)
		}
		if e := maxAbsDiff(d.Fu[k], B); e > 1e-9 {
			t.Errorf("step %d: |Fu − B| = %g", k, e)
		}
		if e := maxAbs(d.F0[k]); e > 1e-9 {
			t.Errorf("step %d: |F0| = %g", k, e)
		}
	}
	// X0: empirical moments of x_0 plus 1e-6·I.
	var muHat [4]float64
	for i := range s {
		for j := 0; j < 4; j++ {
			muHat[j] += s[i].X[0][j] / float64(len(s))
		}
	}
	for j := 0; j < 4; j++ {
		if e := math.Abs(d.X0Mean.AtVec(j) - muHat[j]); e > 1e-14 {
			t.Errorf("X0Mean[%d] off by %g", j, e)
		}
	}
	var ch mat.Cholesky
	if !ch.Factorize(d.X0Cov) {
		t.Error("X0Cov is not positive definite")
	}
}

// With noise the estimates are within a few standard errors of the truth,
// and the noise covariance is the ML estimate: (N−d)/N·W on average.
func TestLeastSquaresStatistical(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 1))
	const n, m = 3, 2
	W := mat.NewSymDense(n, []float64{0.04, 0.01, 0, 0.01, 0.09, -0.02, 0, -0.02, 0.0625})
	sys := newLinSys(rng, n, m, 6, W)
	const N = 400
	s := sys.sample(rng, N)
	dyn, err := LeastSquares(s, 0)
	if err != nil {
		t.Fatal(err)
	}
	d := n + m + 1
	for k := 0; k < sys.T; k++ {
		// Standard errors of the weights: sqrt(W_ii [(ZᵀZ)⁻¹]_jj).
		Z := mat.NewDense(N, d, nil)
		for i := 0; i < N; i++ {
			for j := 0; j < n; j++ {
				Z.Set(i, j, s[i].X[k][j])
			}
			for j := 0; j < m; j++ {
				Z.Set(i, n+j, s[i].U[k][j])
			}
			Z.Set(i, d-1, 1)
		}
		var G mat.SymDense
		G.SymOuterK(1, Z.T())
		var Ginv mat.Dense
		if err := Ginv.Inverse(&G); err != nil {
			t.Fatal(err)
		}
		for o := 0; o < n; o++ {
			for j := 0; j < d; j++ {
				var got, want float64
				switch {
				case j < n:
					got, want = dyn.Fx[k].At(o, j), sys.A[k].At(o, j)
				case j < n+m:
					got, want = dyn.Fu[k].At(o, j-n), sys.B[k].At(o, j-n)
				default:
					got, want = dyn.F0[k].AtVec(o), sys.c[k].AtVec(o)
				}
				se := math.Sqrt(W.At(o, o) * Ginv.At(j, j))
				if math.Abs(got-want) > 5*se {
					t.Errorf("step %d, weight (%d,%d): %.4f, want %.4f ± %.4f", k, o, j, got, want, se)
				}
			}
		}
		for a := 0; a < n; a++ {
			for b := 0; b < n; b++ {
				se := math.Sqrt((W.At(a, a)*W.At(b, b) + W.At(a, b)*W.At(a, b)) / N)
				want := W.At(a, b) * float64(N-d) / N
				if got := dyn.Cov[k].At(a, b); math.Abs(got-want) > 5*se {
					t.Errorf("step %d: Cov[%d,%d] = %.4f, want %.4f ± %.4f", k, a, b, got, want, se)
				}
			}
		}
	}

	// The ML bias: with N = 12 and d = 6 the estimate is half W on average.
	sys2 := newLinSys(rng, n, m, 400, W)
	s2 := sys2.sample(rng, 12)
	dyn2, err := LeastSquares(s2, 0)
	if err != nil {
		t.Fatal(err)
	}
	ratio := 0.0
	for k := range dyn2.Cov {
		ratio += mat.Trace(dyn2.Cov[k]) / mat.Trace(W) / float64(len(dyn2.Cov))
	}
	if want := float64(12-d) / 12; math.Abs(ratio-want) > 0.04 {
		t.Errorf("mean tr(Cov)/tr(W) = %.3f, want (N−d)/N = %.3f", ratio, want)
	}
}

// With reg > 0 the fit is the centred ridge regression
// [Fx Fu] = Σ̂_{x',a}(Σ̂_{a,a} + reg·I)⁻¹, F0 = μ̂_{x'} − [Fx Fu]μ̂_a, and it
// works with fewer than n+m+1 rollouts.
func TestLeastSquaresRidge(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 1))
	const n, m = 3, 2
	sys := newLinSys(rng, n, m, 3, mat.NewSymDense(n, []float64{0.01, 0, 0, 0, 0.01, 0, 0, 0, 0.01}))
	for _, N := range []int{3, 20} {
		s := sys.sample(rng, N)
		const reg = 0.05
		dyn, err := LeastSquares(s, reg)
		if err != nil {
			t.Fatal(err)
		}
		D := 2*n + m
		for k := 0; k < sys.T; k++ {
			pts := mat.NewDense(N, D, nil)
			for i := 0; i < N; i++ {
				row := append(append(append([]float64(nil), s[i].X[k]...), s[i].U[k]...), s[i].X[k+1]...)
				pts.SetRow(i, row)
			}
			var mean mat.VecDense
			mean.MulVec(pts.T(), mat.NewVecDense(N, ones(N)))
			mean.ScaleVec(1/float64(N), &mean)
			C := mat.NewDense(N, D, nil)
			for i := 0; i < N; i++ {
				for j := 0; j < D; j++ {
					C.Set(i, j, pts.At(i, j)-mean.AtVec(j))
				}
			}
			var S mat.Dense
			S.Mul(C.T(), C)
			S.Scale(1/float64(N), &S)
			Saa := mat.DenseCopyOf(S.Slice(0, n+m, 0, n+m))
			for j := 0; j < n+m; j++ {
				Saa.Set(j, j, Saa.At(j, j)+reg)
			}
			var Ft mat.Dense // (Σaa + reg I) Fᵀ = Σab
			if err := Ft.Solve(Saa, S.Slice(0, n+m, n+m, D)); err != nil {
				t.Fatal(err)
			}
			if e := maxAbsDiff(dyn.Fx[k], Ft.Slice(0, n, 0, n).T()); e > 1e-10 {
				t.Errorf("N=%d step %d: Fx off by %g", N, k, e)
			}
			if e := maxAbsDiff(dyn.Fu[k], Ft.Slice(n, n+m, 0, n).T()); e > 1e-10 {
				t.Errorf("N=%d step %d: Fu off by %g", N, k, e)
			}
			var f0 mat.VecDense
			f0.MulVec(Ft.T(), mean.SliceVec(0, n+m))
			f0.SubVec(mean.SliceVec(n+m, D), &f0)
			if e := maxAbsDiff(dyn.F0[k], &f0); e > 1e-10 {
				t.Errorf("N=%d step %d: F0 off by %g", N, k, e)
			}
		}
	}
}

func ones(n int) []float64 {
	v := make([]float64, n)
	for i := range v {
		v[i] = 1
	}
	return v
}

// On a nonlinear system, small perturbations around a nominal trajectory
// give the Jacobians along it.
func TestLeastSquaresPendulumLocal(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 1))
	sys := system.NewPendulum()
	start := []float64{1, 0}
	const T = 20
	nominal := func(t int) []float64 { return []float64{0.5} }
	nom := systemSamplesFrom(t, sys, start, rng, 1, T, 0, 0, nominal)
	s := systemSamplesFrom(t, sys, start, rng, 20, T, 1e-4, 1e-4, nominal)
	d, err := LeastSquares(s, 0)
	if err != nil {
		t.Fatal(err)
	}
	for k := 0; k < T; k++ {
		A, B := jac(t, sys, nom[0].X[k], nom[0].U[k])
		if e := maxAbsDiff(d.Fx[k], A); e > 1e-5 {
			t.Errorf("step %d: |Fx − A| = %g", k, e)
		}
		if e := maxAbsDiff(d.Fu[k], B); e > 1e-5 {
			t.Errorf("step %d: |Fu − B| = %g", k, e)
		}
	}
}
