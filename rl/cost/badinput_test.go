package cost

import (
	"math"
	"testing"

	"github.com/rlcontrol/rlcontrol/rl/internal/badtest"
	"gonum.org/v1/gonum/mat"
)

// constant is a cost that ignores its arguments (so NaN states give a
// finite cost): every stage and the final cost are v.
type constant struct{ v float64 }

func (constant) Dims() (int, int)                               { return 2, 1 }
func (c constant) Stage(int, []float64, []float64) float64      { return c.v }
func (c constant) Final([]float64) float64                      { return c.v }
func (constant) StageDerivs(*Derivs, int, []float64, []float64) {}
func (constant) FinalDerivs(*Derivs, []float64)                 {}

// TestInvalidInput: every class of bad input to the package's exported
// functions is an error naming the bad argument and value, not a panic or
// a NaN passed on.
func TestInvalidInput(t *testing.T) {
	nan, inf := math.NaN(), math.Inf(1)
	c, err := Diagonal([]float64{1, 2}, []float64{4}, []float64{10, 10}, []float64{1, 0})
	if err != nil {
		t.Fatal(err)
	}
	xs := func() [][]float64 { return [][]float64{{0, 0}, {1, 1}, {1, 0}} }
	us := func() [][]float64 { return [][]float64{{1}, {0.5}} }
	total := func(c Cost, xs, us [][]float64) error { _, err := Total(c, xs, us); return err }
	with := func(g [][]float64, i, j int, v float64) [][]float64 { g[i][j] = v; return g }
	eye := func(k int) *mat.Dense {
		d := mat.NewDense(k, k, nil)
		for i := 0; i < k; i++ {
			d.Set(i, i, 1)
		}
		return d
	}
	quad := func(Q, R, Qf *mat.Dense, goal, uGoal []float64) error {
		_, err := NewQuadratic(Q, R, Qf, goal, uGoal)
		return err
	}

	badtest.Run(t, []badtest.Case{
		badtest.Err("nan", "Total NaN state", func() error { return total(constant{1}, with(xs(), 1, 0, nan), us()) }, "xs[1][0] = NaN"),
		badtest.Err("nan", "Total Inf final state", func() error { return total(constant{1}, with(xs(), 2, 1, inf), us()) }, "xs[2][1] = +Inf"),
		badtest.Err("nan", "Total NaN action", func() error { return total(constant{1}, xs(), with(us(), 0, 0, nan)) }, "us[0][0] = NaN"),
		badtest.Err("nan", "Total NaN stage cost", func() error { return total(constant{nan}, xs(), us()) }, "stage cost at t = 0 is NaN"),
		badtest.Err("nan", "Total overflow", func() error { return total(constant{1e308}, xs(), us()) }, "overflows at t = 1"),
		badtest.Err("nan", "NewQuadratic NaN Q", func() error {
			Q := eye(2)
			Q.Set(1, 1, nan)
			return quad(Q, eye(1), eye(2), []float64{0, 0}, nil)
		}, "Q[1,1] = NaN"),
		badtest.Err("nan", "NewQuadratic Inf uGoal", func() error { return quad(eye(2), eye(1), eye(2), []float64{0, 0}, []float64{-inf}) }, "uGoal[0] = -Inf"),
		badtest.Err("nil", "Total nil cost", func() error { return total(nil, xs(), us()) }, "nil cost"),
		badtest.Err("nil", "Total typed-nil cost", func() error { return total((*Quadratic)(nil), xs(), us()) }, "nil cost"),
		badtest.Err("nil", "Check typed-nil cost", func() error { return Check((*Quadratic)(nil), 2, 1) }, "nil cost"),
		badtest.Err("nil", "Total nil state", func() error { xs := xs(); xs[1] = nil; return total(c, xs, us()) }, "xs[1] has length 0"),
		badtest.Err("nil", "NewQuadratic nil Qf", func() error { return quad(eye(2), eye(1), nil, []float64{0, 0}, nil) }, "Qf is nil"),
		badtest.Err("nil", "NewQuadratic nil xGoal", func() error { return quad(eye(2), eye(1), eye(2), nil, nil) }, "xGoal has length 0, want 2"),
		badtest.Err("ragged", "NewQuadratic 0×0 Q", func() error { return quad(&mat.Dense{}, eye(1), &mat.Dense{}, nil, nil) }, "Q is 0×0"),
		badtest.Err("ragged", "NewQuadratic 0×0 R", func() error { return quad(eye(2), &mat.Dense{}, eye(2), []float64{0, 0}, nil) }, "R is 0×0"),
		badtest.Err("ragged", "NewQuadratic non-square R", func() error { return quad(eye(2), mat.NewDense(1, 2, nil), eye(2), []float64{0, 0}, nil) }, "R is 1×2"),
		badtest.Err("ragged", "NewQuadratic Qf size", func() error { return quad(eye(2), eye(1), eye(3), []float64{0, 0}, nil) }, "Qf is 3×3, want 2×2"),
		badtest.Err("ragged", "NewQuadratic uGoal length", func() error { return quad(eye(2), eye(1), eye(2), []float64{0, 0}, []float64{0, 0}) }, "uGoal has length 2, want 1"),
		badtest.Err("ragged", "Diagonal empty", func() error { _, err := Diagonal(nil, []float64{1}, nil, nil); return err }, "q has length 0"),
		badtest.Err("ragged", "Total short action", func() error { return total(c, xs(), [][]float64{{1}, {}}) }, "us[1] length 0"),
		badtest.Err("ragged", "Total counts", func() error { return total(c, xs(), [][]float64{{1}, {1}, {1}}) }, "3 states and 3 actions"),
		badtest.Err("ragged", "Total short final state", func() error { xs := xs(); xs[2] = xs[2][:1]; return total(c, xs, us()) }, "final state has length 1"),
		badtest.Panic("oversized", "NewDerivs n", func() { NewDerivs(1<<40, 1) }, "n × n = 1099511627776 × 1099511627776 is too large"),
		badtest.Panic("oversized", "NewDerivs m", func() { NewDerivs(1, 1<<40) }, "is too large"),
		badtest.Panic("oversized", "NewDerivs negative", func() { NewDerivs(-1, 1) }, "must be ≥ 1"),
	})
}
