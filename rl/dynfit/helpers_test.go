package dynfit

import (
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/rlcontrol/rlcontrol/rl/lqr"
	"github.com/rlcontrol/rlcontrol/rl/system"
	"gonum.org/v1/gonum/mat"
)

// linSys is a time-varying linear-Gaussian system for tests:
// x_{t+1} = A_t x_t + B_t u_t + c_t + chol(W)·ε.
type linSys struct {
	n, m, T int
	A, B    []*mat.Dense
	c       []*mat.VecDense
	W       *mat.SymDense // noise covariance (nil: noise-free)
	wChol   *mat.TriDense
}

func newLinSys(rng *rand.Rand, n, m, T int, W *mat.SymDense) *linSys {
	s := &linSys{n: n, m: m, T: T, W: W}
	for t := 0; t < T; t++ {
		a := mat.NewDense(n, n, nil)
		b := mat.NewDense(n, m, nil)
		c := mat.NewVecDense(n, nil)
		for i := 0; i < n; i++ {
			for j := 0; j < n; j++ {
				a.Set(i, j, 0.3*rng.NormFloat64())
			}
			a.Set(i, i, a.At(i, i)+0.9)
			for j := 0; j < m; j++ {
				b.Set(i, j, rng.NormFloat64())
			}
			c.SetVec(i, 0.1*rng.NormFloat64())
		}
		s.A, s.B, s.c = append(s.A, a), append(s.B, b), append(s.c, c)
	}
	if W != nil {
		var ch mat.Cholesky
		if !ch.Factorize(W) {
			panic("W not PD")
		}
		s.wChol = mat.NewTriDense(n, mat.Lower, nil)
		ch.LTo(s.wChol)
	}
	return s
}

// sample draws N rollouts with x_0 ~ N(0, I) and u_t ~ N(0, I).
func (s *linSys) sample(rng *rand.Rand, N int) system.Batch {
	var out system.Batch
	n, m := s.n, s.m
	e := mat.NewVecDense(n, nil)
	for i := 0; i < N; i++ {
		xs := make([][]float64, s.T+1)
		us := make([][]float64, s.T)
		xs[0] = randn(rng, n, 1)
		for t := 0; t < s.T; t++ {
			us[t] = randn(rng, m, 1)
			next := mat.NewVecDense(n, nil)
			next.MulVec(s.A[t], mat.NewVecDense(n, xs[t]))
			bu := mat.NewVecDense(n, nil)
			bu.MulVec(s.B[t], mat.NewVecDense(m, us[t]))
			next.AddVec(next, bu)
			next.AddVec(next, s.c[t])
			if s.wChol != nil {
				e.MulVec(s.wChol, mat.NewVecDense(n, randn(rng, n, 1)))
				next.AddVec(next, e)
			}
			xs[t+1] = next.RawVector().Data
		}
		out = append(out, system.Trajectory{X: xs, U: us})
	}
	return out
}

func randn(rng *rand.Rand, k int, std float64) []float64 {
	v := make([]float64, k)
	for i := range v {
		v[i] = std * rng.NormFloat64()
	}
	return v
}

// systemSamples rolls sys out N times from rest at the origin perturbed by
// x0Std, under the nominal actions nominal(t) plus Gaussian noise uStd.
func systemSamples(tb testing.TB, sys system.System, rng *rand.Rand, N, T int, x0Std, uStd float64, nominal func(t int) []float64) system.Batch {
	tb.Helper()
	return systemSamplesFrom(tb, sys, make([]float64, sys.StateDim()), rng, N, T, x0Std, uStd, nominal)
}

// systemSamplesFrom is systemSamples from start instead of the origin.
func systemSamplesFrom(tb testing.TB, sys system.System, start []float64, rng *rand.Rand, N, T int, x0Std, uStd float64, nominal func(t int) []float64) system.Batch {
	tb.Helper()
	var s system.Batch
	n, m := sys.StateDim(), sys.ActionDim()
	for i := 0; i < N; i++ {
		x0 := slices.Clone(start)
		for j := 0; j < n; j++ {
			x0[j] += x0Std * rng.NormFloat64()
		}
		us := make([][]float64, T)
		for t := range us {
			us[t] = make([]float64, m)
			if nominal != nil {
				copy(us[t], nominal(t))
			}
			for j := range us[t] {
				us[t][j] += uStd * rng.NormFloat64()
			}
		}
		tr, err := system.Rollout(sys, system.OpenLoop(us), x0, T, nil)
		if err != nil {
			tb.Fatal(err)
		}
		s = append(s, tr)
	}
	return s
}

// circle is a nominal point-mass action sequence.
func circle(t int) []float64 {
	return []float64{math.Cos(0.1 * float64(t)), math.Sin(0.1 * float64(t))}
}

func maxAbsDiff(a, b mat.Matrix) float64 {
	r, c := a.Dims()
	m := 0.0
	for i := 0; i < r; i++ {
		for j := 0; j < c; j++ {
			m = math.Max(m, math.Abs(a.At(i, j)-b.At(i, j)))
		}
	}
	return m
}

// maxAbs is the largest |entry| of a.
func maxAbs(a mat.Matrix) float64 {
	r, c := a.Dims()
	return maxAbsDiff(a, mat.NewDense(r, c, nil))
}

// dynDiff is the largest difference between two dynamics' Fx, Fu, F0, Cov.
func dynDiff(a, b *lqr.Dynamics) (fx, fu, f0, cov float64) {
	for t := range a.Fx {
		fx = math.Max(fx, maxAbsDiff(a.Fx[t], b.Fx[t]))
		fu = math.Max(fu, maxAbsDiff(a.Fu[t], b.Fu[t]))
		f0 = math.Max(f0, maxAbsDiff(a.F0[t], b.F0[t]))
		cov = math.Max(cov, maxAbsDiff(a.Cov[t], b.Cov[t]))
	}
	return
}

// jac returns the Jacobians of sys at (x, u).
func jac(tb testing.TB, sys system.System, x, u []float64) (*mat.Dense, *mat.Dense) {
	tb.Helper()
	n, m := sys.StateDim(), sys.ActionDim()
	A, B := make([]float64, n*n), make([]float64, n*m)
	if err := sys.Jacobians(A, B, x, u); err != nil {
		tb.Fatal(err)
	}
	return mat.NewDense(n, n, A), mat.NewDense(n, m, B)
}

// wantErr fails unless err is non-nil and mentions every part.
func wantErr(t *testing.T, what string, err error, parts ...string) {
	t.Helper()
	if err == nil {
		t.Errorf("%s: no error", what)
		return
	}
	for _, p := range parts {
		if !strings.Contains(err.Error(), p) {
			t.Errorf("%s: error %q does not mention %q", what, err, p)
		}
	}
}

// noPanic runs f and reports a panic as a test failure.
func noPanic(t *testing.T, what string, f func()) {
	t.Helper()
	defer func() {
		if r := recover(); r != nil {
			t.Errorf("%s panicked: %v", what, r)
		}
	}()
	f()
}

// fixedPrior is a Prior that returns the same NIW parameters for any points.
type fixedPrior struct {
	mu0   *mat.VecDense
	Phi   *mat.SymDense
	m, n0 float64
}

func (p fixedPrior) Eval(pts *mat.Dense) (*mat.VecDense, *mat.SymDense, float64, float64, error) {
	return p.mu0, p.Phi, p.m, p.n0, nil
}

func zeroPrior(D int) fixedPrior {
	return fixedPrior{mu0: mat.NewVecDense(D, nil), Phi: mat.NewSymDense(D, nil)}
}

// copySamples deep-copies s.
func copySamples(s system.Batch) system.Batch {
	c := make(system.Batch, len(s))
	for i, tr := range s {
		c[i] = tr.Clone()
	}
	return c
}
