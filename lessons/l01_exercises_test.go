package lessons

import (
	"strings"
	"testing"

	"github.com/rlcontrol/rlcontrol/rl/lqr"

	"gonum.org/v1/gonum/mat"
)

// refBackwardPassCux is a right answer to exercise 1 by other means than
// the notebook's solution (which the notebook runner checks): rl/lqr on
// the same time-invariant problem.
func refBackwardPassCux(A, B, Cxx, Cuu, Cux *mat.Dense, cx, cu *mat.VecDense, VT *mat.Dense, vT *mat.VecDense, T int) ([]*mat.Dense, []*mat.VecDense) {
	p := &lqr.Problem{Final: lqr.Final{Cxx: VT, Cx: vT}}
	for t := 0; t < T; t++ {
		p.Steps = append(p.Steps, lqr.Step{A: A, B: B, Cxx: Cxx, Cuu: Cuu, Cux: Cux, Cx: cx, Cu: cu})
	}
	sol, err := lqr.Solve(p)
	if err != nil {
		panic(err)
	}
	return sol.K, sol.Kff
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
