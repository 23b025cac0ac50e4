package dynfit

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/rlcontrol/rlcontrol/rl/system"
	"gonum.org/v1/gonum/mat"
)

// The posterior matches a direct computation from raw sums, the textbook
// NIW update: κ_N = m + N, μ_N = (mμ₀ + Σ_i z_i)/κ_N, ν_N = n₀ + N,
// Ψ_N = Φ + Σ_i z_i z_iᵀ + m μ₀μ₀ᵀ − κ_N μ_N μ_Nᵀ, Σ = Ψ_N/ν_N.
func TestNIWPosteriorDirect(t *testing.T) {
	rng := rand.New(rand.NewPCG(20, 1))
	for _, tc := range []struct {
		N, D  int
		m, n0 float64
	}{{6, 5, 2.5, 7.3}, {1, 4, 1, 1}, {30, 3, 0, 0}, {2, 8, 100, 50}} {
		pts := randDense(rng, tc.N, tc.D)
		for i := 0; i < tc.N; i++ { // an offset, so the means matter
			for j := 0; j < tc.D; j++ {
				pts.Set(i, j, pts.At(i, j)+3)
			}
		}
		mu0 := mat.NewVecDense(tc.D, randn(rng, tc.D, 1))
		Phi := randSPD(rng, tc.D, 0.1)
		mu, Sigma, err := NIWPosterior(pts, mu0, Phi, tc.m, tc.n0)
		if err != nil {
			t.Fatal(err)
		}
		fN := float64(tc.N)
		kN := tc.m + fN
		sum := mat.NewVecDense(tc.D, nil)
		for i := 0; i < tc.N; i++ {
			sum.AddVec(sum, pts.RowView(i))
		}
		muN := mat.NewVecDense(tc.D, nil)
		muN.AddScaledVec(sum, tc.m, mu0)
		muN.ScaleVec(1/kN, muN)
		var psi mat.Dense
		psi.Mul(pts.T(), pts)
		psi.Add(&psi, Phi)
		var outer mat.Dense
		outer.Outer(tc.m, mu0, mu0)
		psi.Add(&psi, &outer)
		outer.Outer(kN, muN, muN)
		psi.Sub(&psi, &outer)
		psi.Scale(1/(fN+tc.n0), &psi)
		if e := maxAbsDiff(mu, muN); e > 1e-10 {
			t.Errorf("%+v: μ off by %g", tc, e)
		}
		if e := maxAbsDiff(Sigma, &psi); e > 1e-10 {
			t.Errorf("%+v: Σ off by %g", tc, e)
		}
	}
}

// An empty prior (Φ = 0, m = n₀ = 0) reduces FitWithPrior to LeastSquares.
func TestFitWithPriorEmptyPriorIsLeastSquares(t *testing.T) {
	rng := rand.New(rand.NewPCG(21, 1))
	const n, m = 3, 2
	sys := newLinSys(rng, n, m, 5, randSPD(rng, n, 0.01))
	s := sys.sample(rng, 12)
	ls, err := LeastSquares(s, 0)
	if err != nil {
		t.Fatal(err)
	}
	fp, err := FitWithPrior(s, zeroPrior(2*n+m), 0)
	if err != nil {
		t.Fatal(err)
	}
	fx, fu, f0, cov := dynDiff(ls, fp)
	if fx > 1e-10 || fu > 1e-10 || f0 > 1e-10 || cov > 1e-10 {
		t.Errorf("Fx %g, Fu %g, F0 %g, Cov %g", fx, fu, f0, cov)
	}
	if e := maxAbsDiff(ls.X0Cov, fp.X0Cov) + maxAbsDiff(ls.X0Mean, fp.X0Mean); e > 1e-14 {
		t.Errorf("X0 off by %g", e)
	}
}

// FitWithPrior conditions NIWPosterior's joint Gaussian: check against
// gonum's generic solve.
func TestFitWithPriorConditioning(t *testing.T) {
	rng := rand.New(rand.NewPCG(22, 1))
	const n, m = 2, 1
	D := 2*n + m
	sys := newLinSys(rng, n, m, 3, randSPD(rng, n, 0.01))
	s := sys.sample(rng, 2)
	prior := fixedPrior{mu0: mat.NewVecDense(D, randn(rng, D, 1)), Phi: randSPD(rng, D, 0.5), m: 1.5, n0: 4}
	const reg = 1e-3
	dyn, err := FitWithPrior(s, prior, reg)
	if err != nil {
		t.Fatal(err)
	}
	for k := 0; k < sys.T; k++ {
		pts, err := StepPoints(s, k)
		if err != nil {
			t.Fatal(err)
		}
		if r, c := pts.Dims(); r != 2 || c != D || pts.At(1, n+m) != s[1].X[k+1][0] || pts.At(0, n) != s[0].U[k][0] {
			t.Fatalf("StepPoints(%d) is wrong", k)
		}
		mu, Sigma, err := NIWPosterior(pts, prior.mu0, prior.Phi, prior.m, prior.n0)
		if err != nil {
			t.Fatal(err)
		}
		S := mat.DenseCopyOf(Sigma)
		Saa := mat.DenseCopyOf(S.Slice(0, n+m, 0, n+m))
		for j := 0; j < n+m; j++ {
			Saa.Set(j, j, Saa.At(j, j)+reg)
		}
		var Ft mat.Dense
		if err := Ft.Solve(Saa, S.Slice(0, n+m, n+m, D)); err != nil {
			t.Fatal(err)
		}
		var f0 mat.VecDense
		f0.MulVec(Ft.T(), mu.SliceVec(0, n+m))
		f0.SubVec(mu.SliceVec(n+m, D), &f0)
		var cov mat.Dense
		cov.Mul(Ft.T(), S.Slice(0, n+m, n+m, D))
		cov.Sub(S.Slice(n+m, D, n+m, D), &cov)
		if e := maxAbsDiff(dyn.Fx[k], Ft.Slice(0, n, 0, n).T()); e > 1e-10 {
			t.Errorf("step %d: Fx off by %g", k, e)
		}
		if e := maxAbsDiff(dyn.Fu[k], Ft.Slice(n, n+m, 0, n).T()); e > 1e-10 {
			t.Errorf("step %d: Fu off by %g", k, e)
		}
		if e := maxAbsDiff(dyn.F0[k], &f0); e > 1e-10 {
			t.Errorf("step %d: F0 off by %g", k, e)
		}
		if e := maxAbsDiff(dyn.Cov[k], &cov); e > 1e-10 {
			t.Errorf("step %d: Cov off by %g", k, e)
		}
	}
}

// stepPrior returns the exact joint prior of step t.
type stepPrior struct {
	sys      *linSys
	strength float64
	t        *int
}

func (p stepPrior) Eval(pts *mat.Dense) (*mat.VecDense, *mat.SymDense, float64, float64, error) {
	s := p.sys
	n, m, k := s.n, s.m, *p.t
	*p.t++
	D := 2*n + m
	// z = M [x; u; ε] + [0; 0; c] with M = [I 0 0; 0 I 0; A B L].
	M := mat.NewDense(D, D, nil)
	for j := 0; j < n+m; j++ {
		M.Set(j, j, 1)
	}
	M.Slice(n+m, D, 0, n).(*mat.Dense).Copy(s.A[k])
	M.Slice(n+m, D, n, n+m).(*mat.Dense).Copy(s.B[k])
	M.Slice(n+m, D, n+m, D).(*mat.Dense).Copy(s.wChol)
	S := mat.NewSymDense(D, nil)
	S.SymOuterK(p.strength, M)
	mu := mat.NewVecDense(D, nil)
	mu.SliceVec(n+m, D).(*mat.VecDense).CopyVec(s.c[k])
	return mu, S, p.strength, p.strength, nil
}

// Two rollouts (fewer than n+m+1 = 6) with a strong correct prior give a
// good model where least squares alone is ill-posed.
func TestFitWithPriorFewSamplesExactPrior(t *testing.T) {
	rng := rand.New(rand.NewPCG(23, 1))
	const n, m = 3, 2
	W := randSPD(rng, n, 0.1)
	W.ScaleSym(0.01, W)
	sys := newLinSys(rng, n, m, 10, W)
	s := sys.sample(rng, 2)
	if _, err := LeastSquares(s, 0); err == nil {
		t.Fatal("LeastSquares with 2 rollouts and reg = 0 succeeded")
	}
	step := 0
	dyn, err := FitWithPrior(s, stepPrior{sys: sys, strength: 1000, t: &step}, 0)
	if err != nil {
		t.Fatal(err)
	}
	for k := 0; k < sys.T; k++ {
		if e := maxAbsDiff(dyn.Fx[k], sys.A[k]); e > 0.01 {
			t.Errorf("step %d: |Fx − A| = %g", k, e)
		}
		if e := maxAbsDiff(dyn.Fu[k], sys.B[k]); e > 0.01 {
			t.Errorf("step %d: |Fu − B| = %g", k, e)
		}
		if e := maxAbsDiff(dyn.Cov[k], sys.W); e > 0.05*maxAbs(sys.W) {
			t.Errorf("step %d: |Cov − W| = %g", k, e)
		}
	}
}

// The same with the GMM prior, learned from earlier iterations' rollouts of
// the point mass: 2 new rollouts give the true dynamics.
func TestFitWithPriorFewSamplesGMMPrior(t *testing.T) {
	rng := rand.New(rand.NewPCG(24, 1))
	sys := system.NewPointMass()
	const T = 40
	prior, err := NewGMMPrior(GMMPriorConfig{Seed: 1, Strength: 5})
	if err != nil {
		t.Fatal(err)
	}
	for it := 0; it < 4; it++ {
		if err := prior.Update(systemSamples(t, sys, rng, 5, T, 0.1, 0.5, circle)); err != nil {
			t.Fatal(err)
		}
	}
	s := systemSamples(t, sys, rng, 2, T, 0.1, 0.5, circle)
	if _, err := LeastSquares(s, 0); err == nil {
		t.Fatal("LeastSquares with 2 rollouts and reg = 0 succeeded")
	}
	dyn, err := FitWithPrior(s, prior, 1e-6)
	if err != nil {
		t.Fatal(err)
	}
	A, B := jac(t, sys, s[0].X[0], s[0].U[0])
	worstX, worstU := 0.0, 0.0
	for k := 0; k < T; k++ {
		worstX = math.Max(worstX, maxAbsDiff(dyn.Fx[k], A))
		worstU = math.Max(worstU, maxAbsDiff(dyn.Fu[k], B))
	}
	if worstX > 1e-2 || worstU > 1e-2 {
		t.Errorf("max |Fx − A| = %g, max |Fu − B| = %g", worstX, worstU)
	}
	t.Logf("2 rollouts + GMM prior (K = %d): max |Fx − A| = %.2g, max |Fu − B| = %.2g", prior.GMM().K(), worstX, worstU)
	if _, _, _, err := dyn.Dims(); err != nil {
		t.Fatal(err)
	}
	// All rollouts from one start state, as GPS samples them: x_0 is
	// constant, which least squares cannot handle even with many rollouts,
	// but the prior fills in.
	same := systemSamples(t, sys, rng, 2, T, 0, 0.5, circle)
	dyn, err = FitWithPrior(same, prior, 1e-6)
	if err != nil {
		t.Fatal(err)
	}
	if e := maxAbsDiff(dyn.Fx[0], A); e > 1e-2 {
		t.Errorf("same start: step 0: |Fx − A| = %g", e)
	}
}
