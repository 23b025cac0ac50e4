package lessons

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"

	"github.com/rlcontrol/rlcontrol/rl/e2c"
)

// CheckRankOneNext checks f(v, r, B, o, z, u), the transition's prediction
// ẑ' = A z + B u + o with A = I + v rᵀ computed without forming A
// (z + v (rᵀ z) + B u + o, O(k) work for the rank-one part instead of
// O(k²)), against e2c.Model.Next on a small random model at five latent
// points and actions (to 1e-9 relative: both are a few dozen products of
// numbers of order one).
func CheckRankOneNext(f func(v, r []float64, B *mat.Dense, o, z, u []float64) []float64) (err error) {
	if err := given(f); err != nil {
		return err
	}
	defer recovered(&err)
	m, err := e2c.New(e2c.Config{Width: 4, Height: 4, Frames: 1, Latent: 3, Action: 2,
		EncoderHidden: []int{8}, DecoderHidden: []int{8}, TransitionHidden: []int{8}, Seed: 3})
	if err != nil {
		return err
	}
	for i, c := range [][2][]float64{
		{{0, 0, 0}, {0, 0}}, {{1, -2, 0.5}, {0.2, -0.1}}, {{-0.3, 0.7, 2}, {0, 0.2}},
		{{3, 1, -1}, {-0.2, 0.2}}, {{0.1, 0.1, 0.1}, {1, -1}},
	} {
		z, u := c[0], c[1]
		tr, err := m.TransitionAt(z)
		if err != nil {
			return err
		}
		want, err := m.Next(z, u)
		if err != nil {
			return err
		}
		got := f(append([]float64(nil), tr.V...), append([]float64(nil), tr.R...), mat.DenseCopyOf(tr.B), append([]float64(nil), tr.O...),
			append([]float64(nil), z...), append([]float64(nil), u...))
		if len(got) != len(want) {
			return fmt.Errorf("case %d (z = %v, u = %v): prediction of length %d, want %d", i, z, u, len(got), len(want))
		}
		for j := range got {
			if !(math.Abs(got[j]-want[j]) <= 1e-9*math.Max(1, math.Abs(want[j]))) {
				return fmt.Errorf("case %d (z = %v, u = %v): ẑ' = %.6g, Model.Next gives %.6g (component %d)", i, z, u, got, want, j)
			}
		}
	}
	return nil
}
