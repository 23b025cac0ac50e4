package small

import (
	"math"
	"math/rand/v2"
	"testing"
)

// randGram returns the n×n matrix g·gᵀ + ridge·I for a random n×k g.
func randGram(rng *rand.Rand, n, k int, ridge float64) []float64 {
	g := make([]float64, n*k)
	for i := range g {
		g[i] = rng.NormFloat64()
	}
	a := make([]float64, n*n)
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			a[i*n+j] = Dot(g[i*k:i*k+k], g[j*k:j*k+k])
		}
		a[i*n+i] += ridge
	}
	return a
}

func maxDiff(a, b []float64) float64 {
	e := 0.0
	for i := range a {
		e = math.Max(e, math.Abs(a[i]-b[i]))
	}
	return e
}

// lowerOnly reports whether the upper triangle of the n×n l is zero.
func lowerOnly(l []float64, n int) bool {
	for i := 0; i < n; i++ {
		for j := i + 1; j < n; j++ {
			if l[i*n+j] != 0 {
				return false
			}
		}
	}
	return true
}

func TestCholesky(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, n := range []int{1, 2, 5, 8} {
		a := randGram(rng, n, n, 0.1)
		l := make([]float64, n*n)
		if !Cholesky(l, a, n) {
			t.Fatalf("n=%d: Cholesky failed on an SPD matrix", n)
		}
		if !lowerOnly(l, n) {
			t.Errorf("n=%d: factor has a non-zero upper triangle", n)
		}
		llt := make([]float64, n*n)
		Mul(llt, l, transpose(l, n), n, n, n)
		if e := maxDiff(llt, a); e > 1e-12*float64(n) {
			t.Errorf("n=%d: l·lᵀ off a by %g", n, e)
		}
		// In place, and CholeskyRank gives the same factor.
		al := append([]float64(nil), a...)
		if !Cholesky(al, al, n) || maxDiff(al, l) != 0 {
			t.Errorf("n=%d: in-place factor differs", n)
		}
		ar := append([]float64(nil), a...)
		if j := CholeskyRank(ar, ar, n, nil); j >= 0 || maxDiff(ar, l) != 0 {
			t.Errorf("n=%d: CholeskyRank = %d or its factor differs", n, j)
		}
	}
	bad := map[string][]float64{
		"indefinite": {1, 2, 2, 1},
		"zero":       {0, 0, 0, 0},
		"NaN":        {1, 0, 0, math.NaN()},
	}
	for name, a := range bad {
		if Cholesky(make([]float64, 4), a, 2) {
			t.Errorf("%s: Cholesky succeeded", name)
		}
	}
}

func TestCholeskyRank(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	// Components 0, 1 random, 2 = 0 + 1, 3 random: the Gram matrix of 10
	// samples is positive semi-definite of rank 3; Cholesky's rounding may
	// let it through, the rank test stops at component 2.
	const n, N = 4, 10
	z := make([]float64, N*n)
	for i := 0; i < N; i++ {
		r := z[i*n : i*n+n]
		r[0], r[1], r[3] = rng.NormFloat64(), rng.NormFloat64(), rng.NormFloat64()
		r[2] = r[0] + r[1]
	}
	mu, cov := make([]float64, n), make([]float64, n*n)
	Moments(mu, cov, z, N, n)
	if j := CholeskyRank(make([]float64, n*n), cov, n, nil); j != 2 {
		t.Errorf("collinear component: CholeskyRank = %d, want 2", j)
	}
	// A component constant up to rounding at a large mean: its centred
	// variance is positive but tiny, which only the mean2 test catches.
	for i := 0; i < N; i++ {
		z[i*n+2] = 1e8 + 1e-7*z[i*n+2]
	}
	Moments(mu, cov, z, N, n)
	mean2 := make([]float64, n)
	for j, m := range mu {
		mean2[j] = m * m
	}
	if j := CholeskyRank(make([]float64, n*n), cov, n, nil); j != -1 {
		t.Errorf("constant component without means: CholeskyRank = %d, want -1", j)
	}
	if j := CholeskyRank(make([]float64, n*n), cov, n, mean2); j != 2 {
		t.Errorf("constant component: CholeskyRank = %d, want 2", j)
	}
	if j := CholeskyRank(make([]float64, n*n), randGram(rng, n, n, 0.1), n, mean2); j != -1 {
		t.Errorf("full rank: CholeskyRank = %d, want -1", j)
	}
}

func TestCholSolve(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for _, n := range []int{1, 3, 6} {
		const q = 4
		a := randGram(rng, n, n, 0.5)
		x := make([]float64, n*q)
		for i := range x {
			x[i] = rng.NormFloat64()
		}
		b := make([]float64, n*q)
		Mul(b, a, x, n, n, q)
		l := make([]float64, n*n)
		if !Cholesky(l, a, n) {
			t.Fatalf("n=%d: Cholesky failed", n)
		}
		got := append([]float64(nil), b...)
		CholSolve(l, got, make([]float64, n), n, q)
		if e := maxDiff(got, x); e > 1e-10 {
			t.Errorf("n=%d: CholSolve off by %g", n, e)
		}
		xv := x[:n]
		bv := make([]float64, n)
		MulVec(bv, a, xv, n, n)
		CholSolveVec(l, bv, n)
		if e := maxDiff(bv, xv); e > 1e-10 {
			t.Errorf("n=%d: CholSolveVec off by %g", n, e)
		}
	}
}

func TestInvLower(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	for _, n := range []int{1, 2, 7} {
		l := make([]float64, n*n)
		if !Cholesky(l, randGram(rng, n, n, 0.5), n) {
			t.Fatalf("n=%d: Cholesky failed", n)
		}
		li := make([]float64, n*n)
		for i := range li {
			li[i] = math.NaN() // every entry must be written
		}
		InvLower(li, l, n)
		if !lowerOnly(li, n) {
			t.Errorf("n=%d: l⁻¹ has a non-zero upper triangle", n)
		}
		p := make([]float64, n*n)
		Mul(p, l, li, n, n, n)
		if e := maxDiff(p, eye(n)); e > 1e-12 {
			t.Errorf("n=%d: l·l⁻¹ off I by %g", n, e)
		}
	}
}

func transpose(a []float64, n int) []float64 {
	t := make([]float64, n*n)
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			t[j*n+i] = a[i*n+j]
		}
	}
	return t
}

func eye(n int) []float64 {
	e := make([]float64, n*n)
	for i := 0; i < n; i++ {
		e[i*n+i] = 1
	}
	return e
}
