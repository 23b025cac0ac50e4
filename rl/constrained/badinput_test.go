package constrained

import (
	"math"
	"testing"

	"github.com/rlcontrol/rlcontrol/rl/internal/badtest"
	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/optimize"
)

// TestInvalidInput: every class of bad input to the package's exported
// functions is an error naming the bad argument and value, not a panic or
// a NaN passed on.
func TestInvalidInput(t *testing.T) {
	nan, inf := math.NaN(), math.Inf(1)
	eq, err := EqualityToy().Problem(false)
	if err != nil {
		t.Fatal(err)
	}
	ball, err := BallToy().Problem(false)
	if err != nil {
		t.Fatal(err)
	}
	lag := func(p *Problem, x, lam, mu []float64, rho float64) error {
		return second(p.Lagrangian(x, lam, mu, rho))
	}
	// toy returns the errors of Problem and Solution of the equality toy
	// after edit (both must fail alike).
	toy := func(edit func(*Toy)) error {
		ty := EqualityToy()
		edit(ty)
		if _, err := ty.Problem(true); err == nil {
			return nil
		}
		_, _, err := ty.Solution()
		return err
	}
	huge := func(p Problem) error {
		p.F = eq.F
		p.Grad = eq.Grad
		return second(DualGradientDescent(&p, DGDConfig{}))
	}

	badtest.Run(t, []badtest.Case{
		badtest.Err("nan", "Lagrangian NaN x", func() error { return lag(eq, []float64{nan, 0}, []float64{0}, nil, 0) }, "x[0] = NaN"),
		badtest.Err("nan", "Lagrangian Inf λ", func() error { return lag(eq, []float64{1, 1}, []float64{inf}, nil, 0) }, "lambda[0] = +Inf"),
		badtest.Err("nan", "Lagrangian negative μ", func() error { return lag(ball, []float64{1, 1}, nil, []float64{-1}, 0) }, "mu[0] = -1"),
		badtest.Err("nan", "Lagrangian Inf ρ", func() error { return lag(eq, []float64{1, 1}, []float64{0}, nil, inf) }, "rho = +Inf"),
		badtest.Err("nan", "Toy NaN C", func() error { return toy(func(ty *Toy) { ty.C[1] = nan }) }, "Toy.C[1] = NaN"),
		badtest.Err("nan", "Toy NaN Q", func() error { return toy(func(ty *Toy) { ty.Q.SetSym(0, 1, nan) }) }, "Toy.Q[0,1] = NaN"),
		badtest.Err("nan", "Toy Inf B", func() error { return toy(func(ty *Toy) { ty.B = inf }) }, "Toy.B = +Inf"),
		badtest.Err("nan", "Toy NaN A", func() error { return toy(func(ty *Toy) { ty.A[1] = nan }) }, "Toy.A[1] = NaN"),
		badtest.Err("nan", "DualGradientDescent NaN objective", func() error {
			p := *eq
			p.F = func([]float64) float64 { return nan }
			return second(DualGradientDescent(&p, DGDConfig{}))
		}, "initial function value is NaN"),
		badtest.Err("blowup", "Lagrangian overflow", func() error { return lag(eq, []float64{1e200, 0}, []float64{0}, nil, 0) }, "overflows"),
		badtest.Err("nil", "typed-nil inner method", func() error {
			return second(DualGradientDescent(eq, DGDConfig{Inner: InnerConfig{Method: (*optimize.BFGS)(nil)}}))
		}, "InnerConfig.Method is a nil *optimize.BFGS"),
		badtest.Err("nil", "nil Toy", func() error { _, _, err := (*Toy)(nil).Solution(); return err }, "Toy.Q is nil"),
		badtest.Err("nil", "nil problem", func() error { return lag(nil, nil, nil, nil, 0) }, "nil Problem"),
		badtest.Err("ragged", "Toy 0×0 Q", func() error { return toy(func(ty *Toy) { ty.Q, ty.C, ty.A = &mat.SymDense{}, nil, []float64{} }) }, "Toy.Q is 0×0"),
		badtest.Err("ragged", "Toy short A", func() error { return toy(func(ty *Toy) { ty.A = ty.A[:1] }) }, "len(Toy.A) = 1, want 2"),
		badtest.Err("ragged", "Lagrangian short λ", func() error { return lag(eq, []float64{1, 1}, nil, nil, 0) }, "len(x), len(λ), len(μ) = 2, 0, 0"),
		badtest.Err("oversized", "Dim", func() error { return huge(Problem{Dim: 1 << 40}) }, "Dim = 1099511627776 is too large"),
		badtest.Err("oversized", "NumEq × Dim", func() error {
			return huge(Problem{Dim: 1 << 20, NumEq: 1 << 20, Eq: eq.Eq, EqJac: eq.EqJac})
		}, "NumEq × Dim = 1048576 × 1048576 is too large"),
		badtest.Err("oversized", "NumIneq × Dim", func() error {
			return huge(Problem{Dim: 1 << 20, NumIneq: 1 << 20, Ineq: ball.Ineq, IneqJac: ball.IneqJac})
		}, "NumIneq × Dim = 1048576 × 1048576 is too large"),
	})
}
