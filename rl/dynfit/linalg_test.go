package dynfit

import (
	"math"
	"math/rand/v2"
	"sort"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// symEigen agrees with gonum's EigenSym, and floorEigen raises exactly the
// eigenvalues below the floor.
func TestSymEigenAndFloor(t *testing.T) {
	rng := rand.New(rand.NewPCG(60, 1))
	for _, D := range []int{1, 2, 5, 10} {
		a := randSPD(rng, D, 0)
		// Make it rank-deficient: a low-rank part plus nothing.
		b := randDense(rng, D, (D+1)/2)
		a.SymOuterK(1, b)
		full := symFull(a)
		v, w := make([]float64, D*D), make([]float64, D)
		work := append([]float64(nil), full...)
		symEigen(work, v, w, D)
		var es mat.EigenSym
		if !es.Factorize(a, false) {
			t.Fatal("EigenSym failed")
		}
		want := es.Values(nil)
		got := append([]float64(nil), w...)
		sort.Float64s(got)
		for i := range want {
			if math.Abs(got[i]-want[i]) > 1e-12*math.Max(1, math.Abs(want[D-1])) {
				t.Errorf("D=%d: eigenvalue %d = %v, want %v", D, i, got[i], want[i])
			}
		}
		// v diag(w) vᵀ reproduces a; v is orthogonal.
		V := mat.NewDense(D, D, v)
		var rec, vtv mat.Dense
		rec.Mul(V, mat.NewDiagDense(D, w))
		rec.Mul(&rec, V.T())
		vtv.Mul(V.T(), V)
		if e := maxAbsDiff(&rec, a); e > 1e-12 {
			t.Errorf("D=%d: reconstruction off by %g", D, e)
		}
		if e := maxAbsDiff(&vtv, eye(D)); e > 1e-12 {
			t.Errorf("D=%d: VᵀV off I by %g", D, e)
		}

		g := &GMM{k: 1, dim: D}
		g.scratch(1)
		const reg = 0.5
		fl := append([]float64(nil), full...)
		g.floorEigen(fl, reg)
		var ef mat.EigenSym
		ef.Factorize(mat.NewSymDense(D, fl), false)
		fv := ef.Values(nil)
		for i := range want {
			if e := math.Abs(fv[i] - math.Max(want[i], reg)); e > 1e-12*math.Max(1, want[D-1]) {
				t.Errorf("D=%d: floored eigenvalue %d = %v, want max(%v, %v)", D, i, fv[i], want[i], reg)
			}
		}
		// A matrix already above the floor is left untouched.
		big := randSPD(rng, D, 1)
		bf := symFull(big)
		orig := append([]float64(nil), bf...)
		g.floorEigen(bf, 1e-3)
		for i := range bf {
			if bf[i] != orig[i] {
				t.Fatalf("D=%d: floorEigen changed a matrix above the floor", D)
			}
		}
	}
}

func eye(n int) *mat.Dense {
	m := mat.NewDense(n, n, nil)
	for i := 0; i < n; i++ {
		m.Set(i, i, 1)
	}
	return m
}
