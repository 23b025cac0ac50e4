package small

import (
	"math"
	"math/rand/v2"
	"sort"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// SymEigen agrees with gonum's EigenSym on rank-deficient matrices, and its
// eigenvectors are orthonormal and reproduce the matrix.
func TestSymEigen(t *testing.T) {
	rng := rand.New(rand.NewPCG(60, 1))
	for _, n := range []int{1, 2, 5, 10} {
		a := randGram(rng, n, (n+1)/2, 0)
		v, w := make([]float64, n*n), make([]float64, n)
		SymEigen(append([]float64(nil), a...), v, w, n)
		var es mat.EigenSym
		if !es.Factorize(mat.NewSymDense(n, append([]float64(nil), a...)), false) {
			t.Fatal("EigenSym failed")
		}
		want := es.Values(nil)
		got := append([]float64(nil), w...)
		sort.Float64s(got)
		for i := range want {
			if math.Abs(got[i]-want[i]) > 1e-12*math.Max(1, math.Abs(want[n-1])) {
				t.Errorf("n=%d: eigenvalue %d = %v, want %v", n, i, got[i], want[i])
			}
		}
		vw := make([]float64, n*n) // v·diag(w)
		for i := 0; i < n; i++ {
			for j := 0; j < n; j++ {
				vw[i*n+j] = v[i*n+j] * w[j]
			}
		}
		rec, vtv := make([]float64, n*n), make([]float64, n*n)
		Mul(rec, vw, transpose(v, n), n, n, n)
		MulTA(vtv, v, v, n, n, n)
		if e := maxDiff(rec, a); e > 1e-12 {
			t.Errorf("n=%d: reconstruction off by %g", n, e)
		}
		if e := maxDiff(vtv, eye(n)); e > 1e-12 {
			t.Errorf("n=%d: VᵀV off I by %g", n, e)
		}
	}
}
