package lessons

import (
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// refBackwardPassCux is the solution of exercise 1.
func refBackwardPassCux(A, B, Cxx, Cuu, Cux *mat.Dense, cx, cu *mat.VecDense, VT *mat.Dense, vT *mat.VecDense, T int) ([]*mat.Dense, []*mat.VecDense) {
	K, k := make([]*mat.Dense, T), make([]*mat.VecDense, T)
	V, v := mat.DenseCopyOf(VT), mat.VecDenseCopyOf(vT)
	for t := T - 1; t >= 0; t-- {
		var Qx, Qu mat.VecDense
		Qx.MulVec(A.T(), v)
		Qx.AddVec(&Qx, cx)
		Qu.MulVec(B.T(), v)
		Qu.AddVec(&Qu, cu)
		var Qxx, Quu, Qux mat.Dense
		Qxx.Product(A.T(), V, A)
		Qxx.Add(&Qxx, Cxx)
		Quu.Product(B.T(), V, B)
		Quu.Add(&Quu, Cuu)
		Qux.Product(B.T(), V, A)
		Qux.Add(&Qux, Cux)
		var QuuInv mat.Dense
		if err := QuuInv.Inverse(&Quu); err != nil {
			panic(err)
		}
		K[t], k[t] = new(mat.Dense), new(mat.VecDense)
		K[t].Mul(&QuuInv, &Qux)
		K[t].Scale(-1, K[t])
		k[t].MulVec(&QuuInv, &Qu)
		k[t].ScaleVec(-1, k[t])
		var QuxK mat.Dense
		QuxK.Mul(Qux.T(), K[t])
		V.Add(&Qxx, &QuxK)
		var Quxk mat.VecDense
		Quxk.MulVec(Qux.T(), k[t])
		v.AddVec(&Qx, &Quxk)
	}
	return K, k
}

func TestCheckBackwardPassCux(t *testing.T) {
	if err := CheckBackwardPassCux(refBackwardPassCux); err != nil {
		t.Errorf("the reference solution fails: %v", err)
	}
	noCux := func(A, B, Cxx, Cuu, Cux *mat.Dense, cx, cu *mat.VecDense, VT *mat.Dense, vT *mat.VecDense, T int) ([]*mat.Dense, []*mat.VecDense) {
		return refBackwardPassCux(A, B, Cxx, Cuu, mat.NewDense(1, 2, nil), cx, cu, VT, vT, T)
	}
	if err := CheckBackwardPassCux(noCux); err == nil || !strings.Contains(err.Error(), "add Cux") {
		t.Errorf("ignoring Cux: err = %v, want the hint to add Cux", err)
	}
	empty := func(A, B, Cxx, Cuu, Cux *mat.Dense, cx, cu *mat.VecDense, VT *mat.Dense, vT *mat.VecDense, T int) ([]*mat.Dense, []*mat.VecDense) {
		return nil, nil
	}
	if err := CheckBackwardPassCux(empty); err == nil {
		t.Error("nil gains passed")
	}
	panics := func(A, B, Cxx, Cuu, Cux *mat.Dense, cx, cu *mat.VecDense, VT *mat.Dense, vT *mat.VecDense, T int) ([]*mat.Dense, []*mat.VecDense) {
		panic("oops")
	}
	if err := CheckBackwardPassCux(panics); err == nil || !strings.Contains(err.Error(), "panicked") {
		t.Errorf("a panic: err = %v", err)
	}
}

func TestCheckExpectedChange(t *testing.T) {
	if err := CheckExpectedChange(expectedChange); err != nil {
		t.Errorf("the reference solution fails: %v", err)
	}
	noHalf := func(alpha float64, k, Qu []*mat.VecDense, Quu []*mat.Dense) float64 {
		s1, s2 := 0.0, 0.0
		for t := range k {
			s1 += mat.Dot(k[t], Qu[t])
			s2 += mat.Inner(k[t], Quu[t], k[t])
		}
		return alpha*s1 + alpha*alpha*s2 // the ½ forgotten
	}
	if err := CheckExpectedChange(noHalf); err == nil {
		t.Error("a formula without the ½ passed")
	}
	zero := func(float64, []*mat.VecDense, []*mat.VecDense, []*mat.Dense) float64 { return 0 }
	if err := CheckExpectedChange(zero); err == nil {
		t.Error("the starter (0) passed")
	}
}
