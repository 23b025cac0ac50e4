package cost

import (
	"math"
	"testing"

	"github.com/rlcontrol/rlcontrol/rl/internal/badtest"
)

func discsCost(t *testing.T) *Discs {
	t.Helper()
	base, err := Diagonal([]float64{1, 1, 0.1, 0.1}, []float64{0.1, 0.1}, []float64{10, 10, 1, 1}, []float64{2, 0, 0, 0})
	if err != nil {
		t.Fatal(err)
	}
	c, err := NewDiscs(base, []Disc{{X: 0, Y: 1.1, R: 0.6}, {X: 0, Y: -1.1, R: 0.6}}, 0, 1, 0.35, 2000)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestDiscsGradient checks ℓx and ℓu against central differences of Stage
// and Final, at points inside the margin of either disc and outside both. The
// penalty is C¹ (its second derivative jumps at the margin), so away from
// the margin circle a step h = 1e-6 gives O(h²)·|ℓ”'| + O(ε/h) ≈ 1e-8
// absolute error on values of order 1e3; 1e-5 relative to max(1, |ℓx|)
// leaves room.
func TestDiscsGradient(t *testing.T) {
	c := discsCost(t)
	d := NewDerivs(4, 2)
	u := []float64{0.3, -0.2}
	for _, x := range [][]float64{{0.1, 0.4, 1, 0}, {-0.2, 0.05, 0.5, 0.5}, {1.5, 1.5, 0, 0}, {0.3, -0.7, 0, 1}} {
		c.StageDerivs(d, 0, x, u)
		const h = 1e-6
		for j := range x {
			xp, xm := append([]float64(nil), x...), append([]float64(nil), x...)
			xp[j] += h
			xm[j] -= h
			fd := (c.Stage(0, xp, u) - c.Stage(0, xm, u)) / (2 * h)
			if math.Abs(fd-d.Lx[j]) > 1e-5*math.Max(1, math.Abs(fd)) {
				t.Errorf("x = %v: ℓx[%d] = %g, finite difference %g", x, j, d.Lx[j], fd)
			}
		}
		fin := NewDerivs(4, 2)
		c.FinalDerivs(fin, x)
		for j := range x {
			xp, xm := append([]float64(nil), x...), append([]float64(nil), x...)
			xp[j] += h
			xm[j] -= h
			fd := (c.Final(xp) - c.Final(xm)) / (2 * h)
			if math.Abs(fd-fin.Lx[j]) > 1e-5*math.Max(1, math.Abs(fd)) {
				t.Errorf("x = %v: final ℓx[%d] = %g, finite difference %g", x, j, fin.Lx[j], fd)
			}
		}
	}
}

// TestDiscsHessian: the penalty's Hessian is the Gauss–Newton W ∇h ∇hᵀ,
// computed here from the geometry (∇h = −(p − c)/‖p − c‖), on top of the
// base Q; it is positive semi-definite; and outside the margin the cost is
// the base cost exactly.
func TestDiscsHessian(t *testing.T) {
	c := discsCost(t)
	x, u := []float64{0.2, 0.5, 0, 0}, []float64{0, 0}
	d := NewDerivs(4, 2)
	c.StageDerivs(d, 0, x, u)
	dx, dy := x[0]-0, x[1]-1.1
	r := math.Hypot(dx, dy)
	ex, ey := dx/r, dy/r
	want := [][2]float64{{1 + 2000*ex*ex, 2000 * ex * ey}, {2000 * ey * ex, 1 + 2000*ey*ey}}
	for i := 0; i < 2; i++ {
		for j := 0; j < 2; j++ {
			if got := d.Lxx[i*4+j]; math.Abs(got-want[i][j]) > 1e-9*math.Abs(want[i][j])+1e-12 {
				t.Errorf("ℓxx[%d][%d] = %g, want %g", i, j, got, want[i][j])
			}
		}
	}
	// 2×2 position block minus Q: det ≥ 0 and trace ≥ 0 (rank one).
	a, b, e := d.Lxx[0]-1, d.Lxx[1], d.Lxx[5]-1
	if a*e-b*b < -1e-9 || a+e < 0 {
		t.Errorf("penalty Hessian [[%g %g] [%g %g]] is not PSD", a, b, b, e)
	}
	far := []float64{1.5, 0, 0, 0}
	if got, want := c.Stage(0, far, u), c.Base.Stage(0, far, u); got != want || c.Penalty(far) != 0 {
		t.Errorf("outside the margin: Stage = %g, base %g, penalty %g", got, want, c.Penalty(far))
	}
}

func TestDiscsInvalidInput(t *testing.T) {
	base, err := Diagonal([]float64{1, 1}, []float64{1}, []float64{1, 1}, []float64{0, 0})
	if err != nil {
		t.Fatal(err)
	}
	nan := math.NaN()
	mk := func(obs []Disc, px, py int, margin, w float64) func() error {
		return func() error { _, err := NewDiscs(base, obs, px, py, margin, w); return err }
	}
	badtest.Run(t, []badtest.Case{
		badtest.Err("nil", "NewDiscs nil base", func() error { _, err := NewDiscs(nil, nil, 0, 1, 0, 1); return err }, "nil"),
		badtest.Err("nil", "NewDiscs typed nil base", func() error { _, err := NewDiscs((*Quadratic)(nil), nil, 0, 1, 0, 1); return err }, "nil"),
		badtest.Err("ragged", "NewDiscs index", mk(nil, 0, 2, 0, 1), "(0, 2)"),
		badtest.Err("ragged", "NewDiscs same index", mk(nil, 1, 1, 0, 1), "(1, 1)"),
		badtest.Err("nan", "NewDiscs NaN margin", mk(nil, 0, 1, nan, 1), "Margin = NaN"),
		badtest.Err("nan", "NewDiscs negative weight", mk(nil, 0, 1, 0, -1), "Weight = -1"),
		badtest.Err("nan", "NewDiscs NaN radius", mk([]Disc{{0, 0, nan}}, 0, 1, 0, 1), "obstacle 0"),
		badtest.Err("nan", "NewDiscs negative radius", mk([]Disc{{0, 0, 1}, {1, 1, -1}}, 0, 1, 0, 1), "obstacle 1"),
		badtest.OK("nan", "NewDiscs valid", mk([]Disc{{0, 0, 1}}, 0, 1, 0.1, 10)),
	})
}
