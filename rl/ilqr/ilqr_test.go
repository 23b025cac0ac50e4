package ilqr

import (
	"math"
	"strings"
	"testing"

	"github.com/rlcontrol/rlcontrol/rl/cost"
	"github.com/rlcontrol/rlcontrol/rl/lqr"
	"github.com/rlcontrol/rlcontrol/rl/system"
	"gonum.org/v1/gonum/mat"
)

// linear is a test system x' = A x + B u with optional action limits.
type linear struct {
	A, B   []float64
	n, m   int
	lo, hi []float64
}

func (l *linear) Name() string                         { return "linear" }
func (l *linear) StateDim() int                        { return l.n }
func (l *linear) ActionDim() int                       { return l.m }
func (l *linear) Dt() float64                          { return 0.1 }
func (l *linear) ActionLimits() ([]float64, []float64) { return l.lo, l.hi }
func (l *linear) StateNames() []string                 { return make([]string, l.n) }
func (l *linear) ActionNames() []string                { return make([]string, l.m) }
func (l *linear) Step(next, x, u []float64) error {
	if err := system.CheckVec("x", x, l.n); err != nil {
		return err
	}
	if err := system.CheckVec("u", u, l.m); err != nil {
		return err
	}
	tmp := make([]float64, l.n)
	for i := 0; i < l.n; i++ {
		for j := 0; j < l.n; j++ {
			tmp[i] += l.A[i*l.n+j] * x[j]
		}
		for j := 0; j < l.m; j++ {
			tmp[i] += l.B[i*l.m+j] * u[j]
		}
	}
	copy(next, tmp)
	return nil
}
func (l *linear) Jacobians(A, B, x, u []float64) error {
	copy(A, l.A)
	copy(B, l.B)
	return nil
}

func doubleIntegrator() *linear {
	const dt = 0.1
	inf := math.Inf(1)
	return &linear{A: []float64{1, dt, 0, 1}, B: []float64{dt * dt / 2, dt}, n: 2, m: 1,
		lo: []float64{-inf}, hi: []float64{inf}}
}

func zeros(T, m int) [][]float64 {
	u := make([][]float64, T)
	for i := range u {
		u[i] = make([]float64, m)
	}
	return u
}

// TestLinearQuadraticIsOneStep: on linear dynamics with a quadratic cost the
// local model is exact, so the first full step (α = 1, μ = 0) lands on the
// LQR optimum, which the test computes independently with package lqr on the
// original (non-deviation) problem. Tolerance 1e-8: both solve the same
// well-conditioned QP.
func TestLinearQuadraticIsOneStep(t *testing.T) {
	sys := doubleIntegrator()
	c, err := cost.Diagonal([]float64{1, 0.1}, []float64{0.01}, []float64{10, 1}, []float64{0, 0})
	if err != nil {
		t.Fatal(err)
	}
	const T = 50
	x0 := []float64{1, -0.5}
	res, err := Solve(sys, c, x0, zeros(T, 1), Config{MuInit: 1e-9})
	if err != nil {
		t.Fatal(err)
	}
	if !res.Converged {
		t.Fatalf("not converged: %s", res.Status)
	}
	if res.History[0].Alpha != 1 || math.Abs(res.History[0].Ratio-1) > 1e-6 {
		t.Errorf("first iteration α = %v, ratio = %v; want a full step with ratio 1", res.History[0].Alpha, res.History[0].Ratio)
	}
	p := &lqr.Problem{Final: lqr.Final{Cxx: mat.NewDense(2, 2, []float64{10, 0, 0, 1})}}
	for i := 0; i < T; i++ {
		p.Steps = append(p.Steps, lqr.Step{A: mat.NewDense(2, 2, sys.A), B: mat.NewDense(2, 1, sys.B),
			Cxx: mat.NewDense(2, 2, []float64{1, 0, 0, 0.1}), Cuu: mat.NewDense(1, 1, []float64{0.01})})
	}
	sol, err := lqr.Solve(p)
	if err != nil {
		t.Fatal(err)
	}
	tr, J, err := sol.Rollout(p, x0)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < T; i++ {
		if d := math.Abs(res.U[i][0] - tr.U[i][0]); d > 1e-8 {
			t.Fatalf("u[%d] = %v, LQR %v", i, res.U[i][0], tr.U[i][0])
		}
	}
	if math.Abs(res.Cost-J) > 1e-8*J {
		t.Errorf("cost %v, LQR %v", res.Cost, J)
	}
}

// TestLimitsRespected: with |u| ≤ 0.5 the solution saturates and never
// leaves the box, and the cost history never increases.
func TestLimitsRespected(t *testing.T) {
	sys := doubleIntegrator()
	sys.lo, sys.hi = []float64{-0.5}, []float64{0.5}
	c, _ := cost.Diagonal([]float64{1, 0.1}, []float64{0.001}, []float64{100, 10}, []float64{0, 0})
	res, err := Solve(sys, c, []float64{3, 0}, zeros(60, 1), Config{})
	if err != nil {
		t.Fatal(err)
	}
	saturated := false
	for i, u := range res.U {
		if u[0] < -0.5 || u[0] > 0.5 {
			t.Fatalf("u[%d] = %v outside [-0.5, 0.5]", i, u[0])
		}
		saturated = saturated || u[0] == -0.5
	}
	if !saturated {
		t.Error("expected the solution to saturate at −0.5")
	}
	for i := 1; i < len(res.History); i++ {
		if res.History[i].Cost > res.History[i-1].Cost {
			t.Errorf("cost rose at iteration %d: %v → %v", i+1, res.History[i-1].Cost, res.History[i].Cost)
		}
	}
}

type nanCost struct{ cost.Cost }

func (nanCost) Stage(int, []float64, []float64) float64 { return math.NaN() }

func TestBadInput(t *testing.T) {
	sys := doubleIntegrator()
	c, _ := cost.Diagonal([]float64{1, 1}, []float64{1}, []float64{1, 1}, []float64{0, 0})
	c3, _ := cost.Diagonal([]float64{1, 1, 1}, []float64{1}, []float64{1, 1, 1}, []float64{0, 0, 0})
	check := func(name string, err error, want string) {
		t.Helper()
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: err = %v, want it to mention %q", name, err, want)
		}
	}
	_, err := New(nil, c, 10, Config{})
	check("nil system", err, "nil system")
	_, err = New(sys, c, 0, Config{})
	check("T = 0", err, "horizon T = 0")
	_, err = New(sys, c3, 10, Config{})
	check("cost dims", err, "n=3")
	_, err = New(sys, c, 10, Config{MuFactor: 0.5})
	check("MuFactor", err, "MuFactor = 0.5")
	_, err = New(sys, c, 10, Config{TolFun: math.NaN()})
	check("TolFun NaN", err, "TolFun = NaN")
	_, err = New(sys, c, 10, Config{Alphas: []float64{1, 2}})
	check("alpha", err, "Alphas[1] = 2")
	_, err = Solve(sys, c, []float64{math.NaN(), 0}, zeros(10, 1), Config{})
	check("NaN x0", err, "x0[0] = NaN")
	_, err = Solve(sys, c, []float64{0}, zeros(10, 1), Config{})
	check("short x0", err, "x0 has length 1")
	s, _ := New(sys, c, 10, Config{})
	_, err = s.Solve([]float64{0, 0}, zeros(9, 1))
	check("short u0", err, "u0 has 9 actions")
	u := zeros(10, 1)
	u[3][0] = math.Inf(-1)
	_, err = s.Solve([]float64{0, 0}, u)
	check("Inf action", err, "u0[3][0] = -Inf")
	_, err = Solve(sys, nanCost{c}, []float64{1, 0}, zeros(10, 1), Config{})
	check("NaN cost", err, "non-finite cost")
	_, err = MPC(sys, c, []float64{0, 0}, zeros(5, 1), MPCConfig{Horizon: 5, Steps: 0})
	check("MPC steps", err, "Steps = 0")
	_, err = MPC(sys, c, []float64{0, 0}, zeros(4, 1), MPCConfig{Horizon: 5, Steps: 3})
	check("MPC u0", err, "u0 has 4 actions")
}
