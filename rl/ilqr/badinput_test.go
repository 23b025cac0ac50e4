package ilqr

import (
	"math"
	"testing"

	"github.com/rlcontrol/rlcontrol/rl/cost"
	"github.com/rlcontrol/rlcontrol/rl/internal/badtest"
	"github.com/rlcontrol/rlcontrol/rl/system"
)

// flat is the cost ℓ_t = v, ℓ_T = 0 with ℓuu = I (so iLQR's backward pass
// is well posed) and every other derivative zero; Dims are (n, m).
type flat struct {
	n, m int
	v    float64
}

func (c flat) Dims() (int, int)                        { return c.n, c.m }
func (c flat) Stage(int, []float64, []float64) float64 { return c.v }
func (c flat) Final([]float64) float64                 { return 0 }
func (c flat) FinalDerivs(d *cost.Derivs, _ []float64) { clear(d.Lx); clear(d.Lxx) }
func (c flat) StageDerivs(d *cost.Derivs, _ int, _, _ []float64) {
	for _, s := range [][]float64{d.Lx, d.Lu, d.Lxx, d.Luu, d.Lux} {
		clear(s)
	}
	for i := 0; i < c.m; i++ {
		d.Luu[i*c.m+i] = 1
	}
}

// nanJacobians is a system whose Jacobians hold a NaN.
type nanJacobians struct{ *linear }

func (s nanJacobians) Jacobians(A, B, x, u []float64) error {
	s.linear.Jacobians(A, B, x, u)
	A[1] = math.NaN()
	return nil
}

// TestInvalidInput: every class of bad input to the package's exported
// functions is an error naming the bad argument and value, not a panic or
// a NaN passed on.
func TestInvalidInput(t *testing.T) {
	inf := math.Inf(1)
	sys := doubleIntegrator()
	c, err := cost.Diagonal([]float64{1, 1}, []float64{1}, []float64{1, 1}, []float64{0, 0})
	if err != nil {
		t.Fatal(err)
	}
	errOf := func(_ any, err error) error { return err }
	limited := func(lo, hi float64) *linear {
		s := doubleIntegrator()
		s.lo, s.hi = []float64{lo}, []float64{hi}
		return s
	}
	x0 := []float64{1, 0}
	mpc := func(model system.System, c cost.Cost, cfg MPCConfig) error {
		return errOf(MPC(model, c, x0, zeros(cfg.Horizon, 1), cfg))
	}

	badtest.Run(t, []badtest.Case{
		badtest.Err("nan", "New +Inf lower limit", func() error { return errOf(New(limited(inf, inf), c, 5, Config{})) }, "lo[0] = +Inf"),
		badtest.Err("nan", "New -Inf upper limit", func() error { return errOf(New(limited(-inf, -inf), c, 5, Config{})) }, "hi[0] = -Inf"),
		badtest.Err("nan", "New NaN limit", func() error { return errOf(New(limited(math.NaN(), 1), c, 5, Config{})) }, "lo[0] = NaN"),
		badtest.Err("nan", "Solve NaN Jacobian", func() error { return errOf(Solve(nanJacobians{sys}, c, x0, zeros(5, 1), Config{})) }, "A[0,1] = NaN"),
		badtest.Err("nan", "Solve NaN start", func() error { return errOf(Solve(sys, c, []float64{0, math.NaN()}, zeros(5, 1), Config{})) }, "x0[1] = NaN"),
		badtest.Err("nan", "MPCPolicy Inf state", func() error {
			p, err := NewMPCPolicy(sys, c, zeros(3, 1), MPCConfig{Horizon: 3})
			if err != nil {
				return err
			}
			return p.Act([]float64{0}, 0, []float64{inf, 0}, nil)
		}, "x0[0] = +Inf"),
		badtest.Err("blowup", "MPC cost overflow", func() error { return mpc(sys, flat{2, 1, 6e307}, MPCConfig{Horizon: 1, Steps: 4}) }, "overflows"),
		badtest.Err("nil", "New typed-nil cost", func() error { return errOf(New(sys, (*cost.Quadratic)(nil), 5, Config{})) }, "nil cost"),
		badtest.Err("nil", "New typed-nil system", func() error { return errOf(New((*system.Pendulum)(nil), c, 5, Config{})) }, "nil *Pendulum"),
		badtest.Err("nil", "Solve nil solver", func() error { return errOf((*Solver)(nil).Solve(x0, zeros(5, 1))) }, "nil Solver"),
		badtest.Err("nil", "Solve zero solver", func() error { return errOf((&Solver{}).Solve(x0, zeros(5, 1))) }, "New"),
		badtest.Err("nil", "MPC typed-nil plant", func() error {
			p := system.NewPendulum()
			pc, _ := cost.Diagonal([]float64{1, 1}, []float64{1}, []float64{1, 1}, []float64{0, 0})
			return errOf(MPC(p, pc, x0, zeros(3, 1), MPCConfig{Horizon: 3, Steps: 2, Plant: (*system.Pendulum)(nil)}))
		}, "nil *Pendulum"),
		badtest.Err("nil", "MPC typed-nil model", func() error { return mpc((*system.Pendulum)(nil), c, MPCConfig{Horizon: 3, Steps: 2}) }, "nil *Pendulum"),
		badtest.Err("nil", "MPCPolicy nil", func() error { return (*MPCPolicy)(nil).Act([]float64{0}, 0, x0, nil) }, "nil MPCPolicy"),
		badtest.Err("ragged", "New empty system", func() error { return errOf(New(&linear{}, flat{}, 5, Config{})) }, "n = 0"),
		badtest.Err("ragged", "New limits length", func() error {
			s := doubleIntegrator()
			s.lo = []float64{-1, -1}
			return errOf(New(s, c, 5, Config{}))
		}, "2 lower and 1 upper"),
		badtest.Err("ragged", "Solve short action", func() error { u := zeros(5, 1); u[3] = nil; return errOf(Solve(sys, c, x0, u, Config{})) }, "u0[3] has length 0"),
		badtest.Err("ragged", "MPCPolicy short state", func() error {
			p, err := NewMPCPolicy(sys, c, zeros(3, 1), MPCConfig{Horizon: 3})
			if err != nil {
				return err
			}
			return p.Act([]float64{0}, 0, []float64{0, 0, 0}, nil)
		}, "x0 has length 3"),
		badtest.Err("oversized", "New T", func() error { return errOf(New(sys, c, 1<<40, Config{})) }, "n × m × T = 2 × 1 × 1099511627776 is too large"),
		badtest.Err("oversized", "MPC steps", func() error { return mpc(sys, c, MPCConfig{Horizon: 3, Steps: 1 << 40}) }, "is too large"),
	})
}

// TestHugeMaxIter: MaxIter caps the iterations, it does not size an
// allocation: a run with MaxIter = 2^40 converges as one with the default.
func TestHugeMaxIter(t *testing.T) {
	c, err := cost.Diagonal([]float64{1, 1}, []float64{1}, []float64{1, 1}, []float64{0, 0})
	if err != nil {
		t.Fatal(err)
	}
	res, err := Solve(doubleIntegrator(), c, []float64{1, 0}, zeros(5, 1), Config{MaxIter: 1 << 40})
	if err != nil || !res.Converged {
		t.Fatalf("MaxIter = 2^40: %v, %v", res, err)
	}
}
