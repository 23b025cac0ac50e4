package lessons

import (
	"strings"
	"testing"

	"github.com/rlcontrol/rlcontrol/rl/system"
	"gonum.org/v1/gonum/mat"
)

// TestCheckersSurviveStudents: every exercise checker answers a missing
// function and a panicking one with an error, never a crash of the cell.
func TestCheckersSurviveStudents(t *testing.T) {
	boom := func() { panic("index out of range [3] with length 2") }
	cases := []struct {
		name        string
		nil, panics func() error
	}{
		{"CheckBackwardPassCux", func() error { return CheckBackwardPassCux(nil) },
			func() error {
				return CheckBackwardPassCux(func(A, B, Cxx, Cuu, Cux *mat.Dense, cx, cu *mat.VecDense, VT *mat.Dense, vT *mat.VecDense, T int) ([]*mat.Dense, []*mat.VecDense) {
					boom()
					return nil, nil
				})
			}},
		{"CheckStepLeastSquares", func() error { return CheckStepLeastSquares(nil) },
			func() error {
				return CheckStepLeastSquares(func(system.Batch, int) *mat.Dense { boom(); return nil })
			}},
		{"CheckControllerKL1D", func() error { return CheckControllerKL1D(nil) },
			func() error {
				return CheckControllerKL1D(func(K, k, s2, Kb, kb, sb2, mu, v float64) float64 { boom(); return 0 })
			}},
		{"CheckGAE", func() error { return CheckGAE(nil) },
			func() error {
				return CheckGAE(func(r, v, n []float64, g, l float64) []float64 { boom(); return nil })
			}},
	}
	for _, c := range cases {
		if err := c.nil(); err == nil || !strings.Contains(err.Error(), "no function given") {
			t.Errorf("%s(nil) = %v, want \"no function given\"", c.name, err)
		}
		if err := c.panics(); err == nil || !strings.Contains(err.Error(), "panicked: index out of range") {
			t.Errorf("%s(a panicking function) = %v, want the panic as an error", c.name, err)
		}
	}
}
