package e2c_test

import (
	"errors"
	"math"
	"slices"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/rlcontrol/rlcontrol/rl/cost"
	"github.com/rlcontrol/rlcontrol/rl/e2c"
	"github.com/rlcontrol/rlcontrol/rl/ilqr"
	"github.com/rlcontrol/rlcontrol/rl/internal/badtest"
	"github.com/rlcontrol/rlcontrol/rl/system"
)

// The trained model is what the planner plans with.
var _ e2c.LatentModel = (*e2c.Model)(nil)

// planFake is a synthetic LatentModel. Its "images" are the latent state
// followed by one constant pixel, and its encoder reads the state straight
// out of them, so the planner's latent is the true state. Its transition is
//
//	A(z) = I + v(z) rᵀ,  v(z) = v + Curv·tanh(z) (elementwise),  B, o constant,
//
// exactly linear when Curv = 0.
type planFake struct {
	k, m    int
	v, r, o []float64
	B       []float64 // k×m row-major
	Curv    float64
	failLin bool // Linearize returns an error
	badA    bool // Linearize returns a NaN in A
}

// newPlanFake returns a fake with k = 3, m = 2 and fixed, well-scaled
// matrices: A = I + v rᵀ is mildly unstable (eigenvalue 1 + rᵀv = 1.05), so
// the planner has to act to hold the goal, and v is normal to the span of
// B's columns, so the direction the actions cannot push is reached through
// A, strongly enough for a plan to settle in a few tens of steps.
func newPlanFake(curv float64) *planFake {
	f := &planFake{
		k: 3, m: 2,
		v:    []float64{-0.5, 0.5, 1},
		r:    []float64{0.3, 0.2, 0.1},
		B:    []float64{0.5, 0, 0, 0.5, 0.25, -0.25},
		Curv: curv,
	}
	f.o = make([]float64, f.k)
	return f
}

// vAt returns v(z).
func (f *planFake) vAt(z []float64) []float64 {
	v := make([]float64, f.k)
	for i := range v {
		v[i] = f.v[i] + f.Curv*math.Tanh(z[i])
	}
	return v
}

// makeEquilibrium sets o so that g is a rest point under u = 0:
// o = g − A(g) g.
func (f *planFake) makeEquilibrium(g []float64) {
	v := f.vAt(g)
	rg := 0.0
	for i := range g {
		rg += f.r[i] * g[i]
	}
	for i := range g {
		f.o[i] = -v[i] * rg
	}
}

func (f *planFake) LatentDim() int { return f.k }
func (f *planFake) ActionDim() int { return f.m }

func (f *planFake) Encode(images [][]float64) ([][]float64, error) {
	out := make([][]float64, len(images))
	for i, img := range images {
		if len(img) != f.k+1 {
			return nil, errors.New("planFake: wrong image size")
		}
		out[i] = slices.Clone(img[:f.k])
	}
	return out, nil
}

func (f *planFake) Linearize(z []float64) (A, B *mat.Dense, o []float64, err error) {
	if f.failLin {
		return nil, nil, nil, errors.New("planFake: Linearize failed")
	}
	v := f.vAt(z)
	A = mat.NewDense(f.k, f.k, nil)
	for i := 0; i < f.k; i++ {
		for j := 0; j < f.k; j++ {
			a := v[i] * f.r[j]
			if i == j {
				a++
			}
			A.Set(i, j, a)
		}
	}
	if f.badA {
		A.Set(1, 2, math.NaN())
	}
	return A, mat.NewDense(f.k, f.m, slices.Clone(f.B)), slices.Clone(f.o), nil
}

// planImage is the fake observation: the state and one constant pixel.
func planImage(_, cur []float64) ([]float64, error) { return append(slices.Clone(cur), 0.5), nil }

// planPlant returns the fake's own LatentSystem as the "true" system, with
// the action box |u_j| ≤ bound (bound = +Inf: none).
func planPlant(t *testing.T, f *planFake, bound float64) *e2c.LatentSystem {
	t.Helper()
	lo, hi := make([]float64, f.m), make([]float64, f.m)
	for j := range lo {
		lo[j], hi[j] = -bound, bound
	}
	s, err := e2c.NewLatentSystem(f, lo, hi, 0.05)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func dist(a, b []float64) float64 {
	s := 0.0
	for i := range a {
		s += (a[i] - b[i]) * (a[i] - b[i])
	}
	return math.Sqrt(s)
}

// exactCfg makes iLQR solve a linear–quadratic problem in one Newton step:
// no regularisation (MuInit below MuMin starts at μ = 0) and tolerances
// that stop only at rounding level.
func exactCfg(H int) e2c.PlanConfig {
	return e2c.PlanConfig{Horizon: H, ILQR: ilqr.Config{MuInit: 1e-12, TolFun: 1e-14, TolGrad: 1e-12}}
}

// TestPlanMatchesClosedForm: on an exactly linear latent model (with an
// offset o ≠ 0) the plan is the minimiser of a quadratic in the stacked
// actions U, which the test finds in closed form. The latents are affine in
// U, Z(U) = Z(0) + G U (G's columns found by unit perturbations, exact for
// a linear map up to rounding), so J(U) = ½ Σ_t w_t ‖z_t − g‖² + ½ R ‖U‖²
// is minimised by (Gᵀ W G + R I) U = Gᵀ W (g − Z(0)).
func TestPlanMatchesClosedForm(t *testing.T) {
	f := newPlanFake(0)
	f.o = []float64{0.02, -0.01, 0.03}
	const H = 12
	cfg := exactCfg(H)
	z0, g := []float64{1, -0.5, 0.3}, []float64{-0.2, 0.4, 0}
	res, err := e2c.Plan(f, z0, g, cfg)
	if err != nil {
		t.Fatal(err)
	}
	full, _ := cfg.WithDefaults()
	k, m := f.k, f.m
	ls := planPlant(t, f, math.Inf(1))
	roll := func(U []float64) []float64 { // z_1 … z_H stacked
		z := slices.Clone(z0)
		out := make([]float64, 0, H*k)
		for s := 0; s < H; s++ {
			if err := ls.Step(z, z, U[s*m:(s+1)*m]); err != nil {
				t.Fatal(err)
			}
			out = append(out, z...)
		}
		return out
	}
	Z0 := roll(make([]float64, H*m))
	G := mat.NewDense(H*k, H*m, nil)
	for j := 0; j < H*m; j++ {
		e := make([]float64, H*m)
		e[j] = 1
		Zj := roll(e)
		for i := range Zj {
			G.Set(i, j, Zj[i]-Z0[i])
		}
	}
	W := mat.NewDiagDense(H*k, nil)
	rhs := mat.NewVecDense(H*k, nil)
	for i := 0; i < H*k; i++ {
		w := full.Q
		if i >= (H-1)*k {
			w = full.QFinal
		}
		W.SetDiag(i, w)
		rhs.SetVec(i, w*(g[i%k]-Z0[i]))
	}
	var GtW, M mat.Dense
	GtW.Mul(G.T(), W)
	M.Mul(&GtW, G)
	for j := 0; j < H*m; j++ {
		M.Set(j, j, M.At(j, j)+full.R)
	}
	var b, U mat.VecDense
	b.MulVec(G.T(), rhs)
	if err := U.SolveVec(&M, &b); err != nil {
		t.Fatal(err)
	}
	// One unregularised Newton step solves the problem exactly; what is left
	// is rounding in two different linear solves (Riccati vs normal
	// equations) of a system with condition number ~1e3: 1e-9 is generous.
	const tol = 1e-9
	for s := 0; s < H; s++ {
		for j := 0; j < m; j++ {
			if d := math.Abs(res.U[s][j] - U.AtVec(s*m+j)); d > tol {
				t.Fatalf("u[%d][%d] = %.12g, closed form %.12g (|Δ| = %.2g > %g)", s, j, res.U[s][j], U.AtVec(s*m+j), d, tol)
			}
		}
	}
	if !res.Converged {
		t.Errorf("iLQR did not converge: %v", res.Status)
	}
}

// TestPlanReachesGoal: on the linear model with the goal a rest point,
// a long plan ends at the goal. The exact optimum's terminal error is
// bounded by the balance of QFinal against the cost of acting; with
// Horizon 60 the (mildly unstable) system has time to settle: the measured
// error is 2e-12, and 1e-3, a thousandth of the distance travelled, is a
// bound that only a plan that does not arrive can miss.
func TestPlanReachesGoal(t *testing.T) {
	f := newPlanFake(0)
	g := []float64{0.5, -0.3, 0.2}
	f.makeEquilibrium(g)
	res, err := e2c.Plan(f, []float64{-1, 1, 0.5}, g, e2c.PlanConfig{Horizon: 60})
	if err != nil {
		t.Fatal(err)
	}
	d := dist(res.X[60], g)
	if d > 1e-3 || math.IsNaN(d) {
		t.Errorf("planned final latent %v is %.3g from the goal %v, want ≤ 1e-3", res.X[60], d, g)
	}
	t.Logf("final distance %.3g", d)
}

// TestLatentSystemJacobians: with A constant the Jacobians are exact and
// match central differences of Step (Step is affine, so the differences
// carry rounding only, O(ε/h) ≈ 1e-10 at h = 1e-6: tolerance 1e-7). With a
// state-dependent A(z) the Jacobian is A(z) as the paper uses it, and the
// finite differences differ from it by exactly the left-out term
// ∂(A(z) z)/∂z − A(z) = diag(Curv·sech²(z_i)) · rᵀz (the truncation error
// of central differences, O(h²), is below 1e-10 here).
func TestLatentSystemJacobians(t *testing.T) {
	z, u := []float64{0.4, -0.7, 1.1}, []float64{0.3, -0.2}
	for _, curv := range []float64{0, 0.2} {
		f := newPlanFake(curv)
		f.o = []float64{0.1, 0.2, -0.1}
		ls := planPlant(t, f, math.Inf(1))
		k, m := f.k, f.m
		A, B := make([]float64, k*k), make([]float64, k*m)
		if err := ls.Jacobians(A, B, z, u); err != nil {
			t.Fatal(err)
		}
		Alin, Blin, _, _ := f.Linearize(z)
		if !slices.Equal(A, Alin.RawMatrix().Data) || !slices.Equal(B, Blin.RawMatrix().Data) {
			t.Fatalf("Curv %v: Jacobians differ from Linearize's A(z), B(z)", curv)
		}
		Afd, Bfd := make([]float64, k*k), make([]float64, k*m)
		if err := system.FiniteDiffJacobians(ls, Afd, Bfd, z, u, 1e-6); err != nil {
			t.Fatal(err)
		}
		rz := 0.0
		for i := range z {
			rz += f.r[i] * z[i]
		}
		const tol = 1e-7
		for i := 0; i < k; i++ {
			for j := 0; j < k; j++ {
				left := 0.0 // the term E2C's Jacobian leaves out
				if i == j {
					th := math.Tanh(z[i])
					left = curv * (1 - th*th) * rz
				}
				if d := math.Abs(Afd[i*k+j] - A[i*k+j] - left); d > tol {
					t.Errorf("Curv %v: A[%d,%d]: finite difference %.10g, A(z) %.10g + left-out %.3g (|Δ| = %.2g)", curv, i, j, Afd[i*k+j], A[i*k+j], left, d)
				}
			}
		}
		for i := range B {
			if d := math.Abs(Bfd[i] - B[i]); d > tol {
				t.Errorf("Curv %v: B[%d]: finite difference %.10g, B %.10g", curv, i, Bfd[i], B[i])
			}
		}
	}
}

// TestClosedLoopReproducesPlan: when the true system is the latent system
// itself and the image shows the state, the closed loop executes the plan.
// With one plan for the whole episode (ReplanEvery = Horizon = T) it is the
// same computation as Plan's, so states, latents and actions agree to the
// bit. With MPC (ReplanEvery = 1) each replan sees one step further, which
// changes the plan only through the tail of a long horizon: the executed
// latents stay within 1e-6 of the open-loop plan (measured 3e-8; a plan
// that drifted would miss it by orders of magnitude, the path is ~2 long).
func TestClosedLoopReproducesPlan(t *testing.T) {
	f := newPlanFake(0)
	g := []float64{0.5, -0.3, 0.2}
	f.makeEquilibrium(g)
	x0 := []float64{-1, 1, 0.5}
	plant := planPlant(t, f, 1)
	goalImg, _ := planImage(nil, g)
	const H = 40
	base := e2c.PlanConfig{Horizon: H, ActionLo: []float64{-1, -1}, ActionHi: []float64{1, 1}}
	plan, err := e2c.Plan(f, x0, g, base)
	if err != nil {
		t.Fatal(err)
	}

	once := base
	once.ReplanEvery = H
	ep, err := e2c.ClosedLoop(f, plant, planImage, x0, goalImg, H, once)
	if err != nil {
		t.Fatal(err)
	}
	for s := 0; s <= H; s++ {
		if !slices.Equal(ep.X[s], plan.X[s]) || !slices.Equal(ep.Latents[s], plan.X[s]) {
			t.Fatalf("one plan: step %d: state %v, latent %v, plan %v", s, ep.X[s], ep.Latents[s], plan.X[s])
		}
		if s < H && !slices.Equal(ep.U[s], plan.U[s]) {
			t.Fatalf("one plan: step %d: action %v, plan %v", s, ep.U[s], plan.U[s])
		}
		if s > 0 && s < H && ep.Planned[s] != nil {
			t.Fatalf("one plan: a plan was made at step %d", s)
		}
	}
	if !slices.Equal(ep.GoalLatent, g) {
		t.Errorf("goal latent %v, want %v", ep.GoalLatent, g)
	}
	// The same sums in the same order: the costs agree to the bit.
	cst, err := once.Cost(g, f.m)
	if err != nil {
		t.Fatal(err)
	}
	if J, err := cost.Total(cst, ep.Latents, ep.U); err != nil || J != ep.LatentCost || J != plan.Cost || ep.PlanCosts[0] != plan.Cost {
		t.Errorf("latent cost %v, cost.Total %v (err %v), plan's cost %v, first plan's %v", ep.LatentCost, J, err, plan.Cost, ep.PlanCosts[0])
	}

	mpc, err := e2c.ClosedLoop(f, plant, planImage, x0, goalImg, H, base)
	if err != nil {
		t.Fatal(err)
	}
	worst := 0.0
	for s := 0; s <= H; s++ {
		worst = max(worst, dist(mpc.Latents[s], plan.X[s]))
		if s < H && (mpc.Planned[s] == nil || len(mpc.Planned[s]) != H+1) {
			t.Fatalf("MPC: no plan of %d latents at step %d", H+1, s)
		}
	}
	if worst > 1e-6 {
		t.Errorf("MPC latents leave the open-loop plan by %.3g, want ≤ 1e-6", worst)
	}
	t.Logf("MPC vs open-loop plan: max latent distance %.3g", worst)
}

// TestClosedLoopReachesGoalNonlinear: with a state-dependent A(z) (the
// Jacobians then leave out ∂A/∂z) and a box on the actions, MPC from images
// still brings the state to the goal, a rest point of the dynamics. The
// test's bound 1e-3 is a five-hundredth of what one step of the box moves
// the state (‖B u‖ ≈ 0.5 for |u| = 1): the goal is reached, not approached;
// the measured error is 2e-11.
func TestClosedLoopReachesGoalNonlinear(t *testing.T) {
	f := newPlanFake(0.3)
	g := []float64{0.5, -0.3, 0.2}
	f.makeEquilibrium(g)
	goalImg, _ := planImage(nil, g)
	ep, err := e2c.ClosedLoop(f, planPlant(t, f, 1), planImage, []float64{-1, 1, 0.5}, goalImg, 80, e2c.PlanConfig{})
	if err != nil {
		t.Fatal(err)
	}
	if d := dist(ep.X[80], g); d > 1e-3 || math.IsNaN(d) {
		t.Errorf("final state %v is %.3g from the goal %v, want ≤ 1e-3", ep.X[80], d, g)
	}
	for s, u := range ep.U {
		for _, uj := range u {
			if math.Abs(uj) > 1 {
				t.Fatalf("step %d: action %v outside the box ±1", s, u)
			}
		}
	}
	t.Logf("final distance %.3g, latent cost %.4g", dist(ep.X[80], g), ep.LatentCost)
}

// TestEvaluate: every start reaches the goal of the linear model, and the
// results do not depend on the number of workers (each episode is
// deterministic and written to its own slot).
func TestEvaluate(t *testing.T) {
	f := newPlanFake(0.1)
	g := []float64{0.5, -0.3, 0.2}
	f.makeEquilibrium(g)
	goalImg, _ := planImage(nil, g)
	sc := e2c.Scenario{
		Sys: planPlant(t, f, 1), Observe: planImage, GoalImage: goalImg, T: 60,
		Success: func(x [][]float64) (bool, error) { return dist(x[len(x)-1], g) < 1e-2, nil },
	}
	starts := [][]float64{{-1, 1, 0.5}, {1, 1, 1}, {0, 0, 0}, {-0.5, -1, 0.8}, {1.5, 0, -1}}
	one, err := e2c.Evaluate(f, sc, starts, e2c.PlanConfig{Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	three, err := e2c.Evaluate(f, sc, starts, e2c.PlanConfig{Workers: 3})
	if err != nil {
		t.Fatal(err)
	}
	if one.SuccessRate != 1 {
		t.Errorf("success rate %v, want 1 (successes %v)", one.SuccessRate, one.Successes)
	}
	if !slices.Equal(one.Costs, three.Costs) || one.MeanCost != three.MeanCost {
		t.Errorf("costs with 1 worker %v, with 3 %v", one.Costs, three.Costs)
	}
	for i := range starts {
		if !slices.Equal(one.Episodes[i].Final(), three.Episodes[i].Final()) {
			t.Errorf("start %d: final state %v with 1 worker, %v with 3", i, one.Episodes[i].Final(), three.Episodes[i].Final())
		}
		if one.Costs[i] != one.Episodes[i].LatentCost {
			t.Errorf("start %d: cost %v, want the latent cost %v when Scenario.Cost is nil", i, one.Costs[i], one.Episodes[i].LatentCost)
		}
	}
	sc.Cost = func(x, _ [][]float64) (float64, error) { return dist(x[len(x)-1], g), nil }
	ev, err := e2c.Evaluate(f, sc, starts[:2], e2c.PlanConfig{})
	if err != nil {
		t.Fatal(err)
	}
	if want := (dist(ev.Episodes[0].Final(), g) + dist(ev.Episodes[1].Final(), g)) / 2; math.Abs(ev.MeanCost-want) > 1e-15 {
		t.Errorf("mean task cost %v, want %v", ev.MeanCost, want)
	}
}

// TestPlanConfigDefaults: the zero config gets the documented defaults.
func TestPlanConfigDefaults(t *testing.T) {
	c, err := e2c.PlanConfig{}.WithDefaults()
	if err != nil {
		t.Fatal(err)
	}
	if c.Horizon != 40 || c.Q != 1 || c.R != 0.1 || c.QFinal != 1000 || c.Iterations != 100 ||
		c.ReplanIterations != 10 || c.ReplanEvery != 1 || c.Workers < 1 || c.ActionLo != nil {
		t.Errorf("defaults %+v", c)
	}
	c, err = e2c.PlanConfig{Q: 3}.WithDefaults()
	if err != nil || c.QFinal != 3000 {
		t.Errorf("QFinal defaults to %v (err %v), want 1000·Q = 3000", c.QFinal, err)
	}
}

// TestPlanInvalidInput: every bad input is an error naming it.
func TestPlanInvalidInput(t *testing.T) {
	nan, inf := math.NaN(), math.Inf(1)
	f := newPlanFake(0)
	g := []float64{0.5, -0.3, 0.2}
	z0 := []float64{-1, 1, 0.5}
	goalImg, _ := planImage(nil, g)
	plant := planPlant(t, f, 1)
	var nilFake *planFake
	failSuccess := func([][]float64) (bool, error) { return false, errors.New("judge absent") }
	errOf := func(_ any, err error) error { return err }
	plan := func(m e2c.LatentModel, z0, g []float64, c e2c.PlanConfig) func() error {
		return func() error { return errOf(e2c.Plan(m, z0, g, c)) }
	}
	loop := func(m e2c.LatentModel, sys system.System, obs e2c.ObserveFunc, x0, gi []float64, T int, c e2c.PlanConfig) func() error {
		return func() error { return errOf(e2c.ClosedLoop(m, sys, obs, x0, gi, T, c)) }
	}
	cfgErr := func(c e2c.PlanConfig) func() error { return func() error { return errOf(c.WithDefaults()) } }
	zeroDim := newPlanFake(0)
	zeroDim.k = 0
	failing := newPlanFake(0)
	failing.failLin = true
	nanA := newPlanFake(0)
	nanA.badA = true
	wrongImage := func(_, cur []float64) ([]float64, error) { return cur, nil }
	failObs := func(_, _ []float64) ([]float64, error) { return nil, errors.New("camera off") }
	otherAction := system.NewPendulum()
	c := e2c.PlanConfig{Horizon: 5}
	badtest.Run(t, []badtest.Case{
		badtest.Err("nil", "Plan model", plan(nil, z0, g, c), "nil LatentModel"),
		badtest.Err("nil", "Plan typed-nil model", plan(nilFake, z0, g, c), "nil LatentModel"),
		badtest.Err("nil", "ClosedLoop model", loop(nil, plant, planImage, z0, goalImg, 5, c), "nil LatentModel"),
		badtest.Err("nil", "ClosedLoop system", loop(f, nil, planImage, z0, goalImg, 5, c), "nil system"),
		badtest.Err("nil", "ClosedLoop observe", loop(f, plant, nil, z0, goalImg, 5, c), "nil observe"),
		badtest.Err("nil", "NewLatentSystem", func() error { return errOf(e2c.NewLatentSystem(nil, nil, nil, 1)) }, "nil LatentModel"),
		badtest.Err("nil", "LatentSystem", func() error { var s *e2c.LatentSystem; return s.Step(nil, nil, nil) }, "nil LatentSystem"),
		badtest.Err("nil", "zero LatentSystem", func() error { return (&e2c.LatentSystem{}).Jacobians(nil, nil, nil, nil) }, "not made by NewLatentSystem"),
		badtest.Err("nil", "Evaluate starts", func() error { return errOf(e2c.Evaluate(f, e2c.Scenario{}, nil, c)) }, "no starts"),
		badtest.Err("nan", "Evaluate success", func() error {
			sc := e2c.Scenario{Sys: plant, Observe: planImage, GoalImage: goalImg, T: 3, Success: failSuccess}
			return errOf(e2c.Evaluate(f, sc, [][]float64{z0}, c))
		}, "start 0", "judge absent"),
		badtest.Err("nil", "RunTask task", func() error { return errOf(e2c.RunTask(f, nil, z0, c)) }, "nil *Task"),
		badtest.Err("nil", "EvaluateTask task", func() error { return errOf(e2c.EvaluateTask(f, nil, [][]float64{z0}, c)) }, "nil *Task"),
		badtest.Err("ragged", "RunTask x0", func() error { return errOf(e2c.RunTask(planarCentroid{e2c.PlanarTask()}, e2c.PlanarTask(), z0, c)) }, "x0", "want 2"),
		badtest.Err("nil", "Evaluate system", func() error { return errOf(e2c.Evaluate(f, e2c.Scenario{}, [][]float64{z0}, c)) }, "start 0", "nil system"),

		badtest.Err("ragged", "latent dim 0", plan(zeroDim, z0, g, c), "LatentDim() = 0"),
		badtest.Err("ragged", "zStart length", plan(f, z0[:2], g, c), "zStart", "2"),
		badtest.Err("ragged", "zGoal length", plan(f, z0, []float64{1}, c), "zGoal", "1"),
		badtest.Err("ragged", "bound length", plan(f, z0, g, e2c.PlanConfig{ActionLo: []float64{-1}, ActionHi: []float64{1}}), "action bounds", "want 2"),
		badtest.Err("ragged", "x0 length", loop(f, plant, planImage, z0[:1], goalImg, 5, c), "x0", "1"),
		badtest.Err("ragged", "action dims", loop(f, otherAction, planImage, []float64{0, 0}, goalImg, 5, c), "ActionDim 1", "model 2"),
		badtest.Err("ragged", "image size", loop(f, plant, wrongImage, z0, goalImg, 5, c), "step 0", "wrong image size"),
		badtest.Err("ragged", "empty goal image", loop(f, plant, planImage, z0, nil, 5, c), "empty goal image"),
		badtest.Err("ragged", "T", loop(f, plant, planImage, z0, goalImg, 0, c), "T = 0"),
		badtest.Err("ragged", "Jacobians length", func() error { return plant.Jacobians(make([]float64, 2), make([]float64, 6), z0, []float64{0, 0}) }, "A", "2"),

		badtest.Err("nan", "zGoal", plan(f, z0, []float64{0, nan, 0}, c), "zGoal", "NaN"),
		badtest.Err("nan", "zStart", plan(f, []float64{inf, 0, 0}, g, c), "zStart", "+Inf"),
		badtest.Err("nan", "goal image", loop(f, plant, planImage, z0, []float64{0, nan, 0, 0.5}, 5, c), "goal image", "NaN"),
		badtest.Err("nan", "x0", loop(f, plant, planImage, []float64{0, nan, 0}, goalImg, 5, c), "x0", "NaN"),
		badtest.Err("nan", "Linearize fails", plan(failing, z0, g, c), "Linearize failed"),
		badtest.Err("nan", "Linearize NaN", plan(nanA, z0, g, c), "A[1,2]", "NaN"),
		badtest.Err("nan", "observe fails", loop(f, plant, failObs, z0, goalImg, 5, c), "step 0", "camera off"),
		badtest.Err("ragged", "Cost zGoal", func() error { return errOf(e2c.PlanConfig{}.Cost(nil, 2)) }, "zGoal has 0"),
		badtest.Err("nan", "Cost zGoal", func() error { return errOf(e2c.PlanConfig{}.Cost([]float64{nan}, 1)) }, "zGoal", "NaN"),
		badtest.Err("nan", "Step u", func() error { return plant.Step(make([]float64, 3), z0, []float64{nan, 0}) }, "u", "NaN"),

		badtest.Err("config", "Horizon", cfgErr(e2c.PlanConfig{Horizon: -1}), "Horizon = -1"),
		badtest.Err("config", "Q", cfgErr(e2c.PlanConfig{Q: nan}), "Q = NaN"),
		badtest.Err("config", "R", cfgErr(e2c.PlanConfig{R: -1}), "R = -1"),
		badtest.Err("config", "QFinal", cfgErr(e2c.PlanConfig{QFinal: inf}), "QFinal = +Inf"),
		badtest.Err("config", "Iterations", cfgErr(e2c.PlanConfig{Iterations: -2}), "Iterations = -2"),
		badtest.Err("config", "ReplanIterations", cfgErr(e2c.PlanConfig{ReplanIterations: -3}), "ReplanIterations = -3"),
		badtest.Err("config", "ReplanEvery", cfgErr(e2c.PlanConfig{ReplanEvery: 50}), "ReplanEvery = 50", "Horizon = 40"),
		badtest.Err("config", "Workers", cfgErr(e2c.PlanConfig{Workers: -1}), "Workers = -1"),
		badtest.Err("config", "Correction", cfgErr(e2c.PlanConfig{Correction: 1.5}), "Correction = 1.5"),
		badtest.Err("config", "Correction NaN", cfgErr(e2c.PlanConfig{Correction: nan}), "Correction = NaN"),
		badtest.Err("config", "MaxIter", cfgErr(e2c.PlanConfig{ILQR: ilqr.Config{MaxIter: 5}}), "ILQR.MaxIter = 5"),
		badtest.Err("config", "ILQR", cfgErr(e2c.PlanConfig{ILQR: ilqr.Config{MuFactor: 0.5}}), "ILQR", "MuFactor"),
		badtest.Err("config", "half box", cfgErr(e2c.PlanConfig{ActionLo: []float64{-1, -1}}), "ActionLo has 2", "ActionHi 0"),
		badtest.Err("config", "box order", cfgErr(e2c.PlanConfig{ActionLo: []float64{1, -1}, ActionHi: []float64{0, 1}}), "[1, 0]", "component 0"),
		badtest.Err("config", "NewLatentSystem dt", func() error { return errOf(e2c.NewLatentSystem(f, nil, nil, -1)) }, "dt = -1"),
		badtest.Err("config", "Plan cfg", plan(f, z0, g, e2c.PlanConfig{R: -1}), "R = -1"),
		badtest.Err("config", "ClosedLoop cfg", loop(f, plant, planImage, z0, goalImg, 5, e2c.PlanConfig{Horizon: -4}), "Horizon = -4"),
	})
}

// planarCentroid is a hand-made model of the planar task: its "encoder"
// reads the agent's position in m off the rendered image, as the centroid
// of the pixels brighter than the gray obstacles (weights v − 0.5 where the
// value v > 0.5), and its transition is the planar system's free motion,
// A = I, B = Δt·I, o = 0. It does not know the obstacles.
type planarCentroid struct{ task *e2c.Task }

func (planarCentroid) LatentDim() int { return 2 }
func (planarCentroid) ActionDim() int { return 2 }

func (p planarCentroid) Encode(images [][]float64) ([][]float64, error) {
	W, H := p.task.Width, p.task.Height
	world := p.task.Sys.(*system.Planar).World
	out := make([][]float64, len(images))
	for n, img := range images {
		if len(img) != W*H {
			return nil, errors.New("planarCentroid: wrong image size")
		}
		var sw, sx, sy float64
		for i := 0; i < H; i++ {
			for j := 0; j < W; j++ {
				w := img[i*W+j] - 0.5
				if w <= 0 {
					continue
				}
				sw += w
				sx += w * (world.XMin + (float64(j)+0.5)*(world.XMax-world.XMin)/float64(W))
				sy += w * (world.YMax - (float64(i)+0.5)*(world.YMax-world.YMin)/float64(H))
			}
		}
		if sw == 0 {
			return nil, errors.New("planarCentroid: no agent in the image")
		}
		out[n] = []float64{sx / sw, sy / sw}
	}
	return out, nil
}

func (p planarCentroid) Linearize([]float64) (A, B *mat.Dense, o []float64, err error) {
	dt := p.task.Sys.Dt()
	return mat.NewDense(2, 2, []float64{1, 0, 0, 1}), mat.NewDense(2, 2, []float64{dt, 0, 0, dt}), []float64{0, 0}, nil
}

// TestRunPlanarTask: on the real planar task, rendered images and all, a
// model that reads the position off the image and knows the free motion
// reaches the goal from starts with a free straight path to it (the task's
// Success: within Tol = 0.2 m at the end), through RunTask and
// EvaluateTask. The centroid's error is a fraction of a 0.1 m pixel, so the
// planner's goal is within Tol of the true one.
func TestRunPlanarTask(t *testing.T) {
	task := e2c.PlanarTask()
	m := planarCentroid{task}
	starts := [][]float64{{1.4, 0.3}, {0.4, 0.4}, {0.5, 1.4}}
	ep, err := e2c.RunTask(m, task, starts[0], e2c.PlanConfig{})
	if err != nil {
		t.Fatal(err)
	}
	d, err := task.Distance(ep.Final())
	if err != nil || d > task.Tol {
		t.Errorf("RunTask from %v ends %.3g m from the goal (err %v), want ≤ Tol = %v", starts[0], d, err, task.Tol)
	}
	ev, err := e2c.EvaluateTask(m, task, starts, e2c.PlanConfig{})
	if err != nil {
		t.Fatal(err)
	}
	if ev.SuccessRate != 1 {
		t.Errorf("success rate %v, want 1 (successes %v)", ev.SuccessRate, ev.Successes)
	}
	want, err := task.Cost(ev.Episodes[1].X, ev.Episodes[1].U)
	if err != nil || ev.Costs[1] != want {
		t.Errorf("cost of episode 1 %v, want Task.Cost %v (err %v)", ev.Costs[1], want, err)
	}
	t.Logf("final distances: RunTask %.3g m; mean task cost %.4g", d, ev.MeanCost)
}

// pendulumIdeal is the best a model of the pendulum can be: the latent is
// the true state [θ, θ̇] and the transition at z is the true step's
// linearisation there, A = ∂f/∂x, B = ∂f/∂u, o = f(z, 0) − A z (exact in
// u up to the RK4 step's small nonlinearity in τ).
type pendulumIdeal struct{ s system.System }

func (p pendulumIdeal) LatentDim() int { return 2 }
func (p pendulumIdeal) ActionDim() int { return 1 }

func (p pendulumIdeal) Encode(images [][]float64) ([][]float64, error) {
	out := make([][]float64, len(images))
	for i, img := range images {
		out[i] = slices.Clone(img)
	}
	return out, nil
}

func (p pendulumIdeal) Linearize(z []float64) (A, B *mat.Dense, o []float64, err error) {
	a, b, u, f := make([]float64, 4), make([]float64, 2), []float64{0}, make([]float64, 2)
	if err := p.s.Jacobians(a, b, z, u); err != nil {
		return nil, nil, nil, err
	}
	if err := p.s.Step(f, z, u); err != nil {
		return nil, nil, nil, err
	}
	o = []float64{f[0] - a[0]*z[0] - a[1]*z[1], f[1] - a[2]*z[0] - a[3]*z[1]}
	return mat.NewDense(2, 2, a), mat.NewDense(2, 1, b), o, nil
}

// TestDefaultsSwingUpPendulum: with a perfect model, the default PlanConfig
// swings the torque-limited pendulum of PendulumTask up and holds it
// (Task.Success: the last 10 states within 0.3 rad of upright) from the
// task's starts — the check that the defaults suit the harder task — while
// Horizon 20 or QFinal 10·Q (the rest default) swings up from none.
func TestDefaultsSwingUpPendulum(t *testing.T) {
	task := e2c.PendulumTask()
	starts, err := task.Starts(4, 1)
	if err != nil {
		t.Fatal(err)
	}
	sc := e2c.Scenario{
		Sys: task.Sys, Observe: func(_, x []float64) ([]float64, error) { return x, nil },
		GoalImage: task.Goal, T: task.T, Success: task.Success, Cost: task.Cost,
	}
	ev, err := e2c.Evaluate(pendulumIdeal{task.Sys}, sc, starts, e2c.PlanConfig{})
	if err != nil {
		t.Fatal(err)
	}
	if ev.SuccessRate != 1 {
		t.Errorf("success rate %v, want 1 (successes %v)", ev.SuccessRate, ev.Successes)
	}
	t.Logf("success rate %v, mean task cost %.4g", ev.SuccessRate, ev.MeanCost)
	// PlanConfig's doc comments give these as the reason for the defaults.
	for _, c := range []e2c.PlanConfig{{Horizon: 20}, {QFinal: 10}} {
		ev, err := e2c.Evaluate(pendulumIdeal{task.Sys}, sc, starts, c)
		if err != nil {
			t.Fatal(err)
		}
		if ev.SuccessRate != 0 {
			t.Errorf("Horizon %d, QFinal %v: success rate %v, want 0 as PlanConfig's comments say", c.Horizon, c.QFinal, ev.SuccessRate)
		}
	}
}

// TestClosedLoopCorrection: a model whose offset o is biased by b (it
// predicts a drift the true system does not have) makes MPC settle short of
// the goal; Correction's integral action estimates the bias from the
// prediction errors and removes it. The true system is the unbiased
// linear model, so after 120 steps the corrected loop ends at the goal up
// to the correction's residual (geometric in the steps, well below 1e-3),
// while the uncorrected one keeps an offset of the order of |b| divided
// by the loop's gain (over 1e-2 here).
func TestClosedLoopCorrection(t *testing.T) {
	truth := newPlanFake(0)
	g := []float64{0.5, -0.3, 0.2}
	truth.makeEquilibrium(g)
	biased := newPlanFake(0)
	biased.makeEquilibrium(g)
	for i, b := range []float64{0.05, -0.04, 0.03} {
		biased.o[i] += b
	}
	goalImg, _ := planImage(nil, g)
	run := func(c float64) float64 {
		ep, err := e2c.ClosedLoop(biased, planPlant(t, truth, 1), planImage, []float64{-1, 1, 0.5}, goalImg, 120,
			e2c.PlanConfig{Correction: c})
		if err != nil {
			t.Fatal(err)
		}
		return dist(ep.X[120], g)
	}
	off, on := run(0), run(0.5)
	t.Logf("final distance to the goal: %.3g without correction, %.3g with", off, on)
	if !(off > 1e-2) {
		t.Errorf("without correction the biased model ends %.3g from the goal, want > 1e-2 (the bias should show)", off)
	}
	if !(on < 1e-3) {
		t.Errorf("with Correction 0.5 the loop ends %.3g from the goal, want < 1e-3", on)
	}
}

// TestClosedLoopPlanErrors: with a model so unstable that every rollout
// over the horizon overflows (A = I + v rᵀ with rᵀv = 1e4: growth 1e4 per
// step), iLQR finds no plan; ClosedLoop records it and holds the zero
// action instead of failing, so an evaluation counts the episode as a
// failure of the model rather than stopping.
func TestClosedLoopPlanErrors(t *testing.T) {
	f := newPlanFake(0)
	for i := range f.v {
		f.v[i] = 1e4 / (f.r[0] + f.r[1] + f.r[2])
	}
	truth := newPlanFake(0)
	goalImg, _ := planImage(nil, []float64{0.5, -0.3, 0.2})
	ep, err := e2c.ClosedLoop(f, planPlant(t, truth, 1), planImage, []float64{-1, 1, 0.5}, goalImg, 5, e2c.PlanConfig{})
	if err != nil {
		t.Fatalf("ClosedLoop: %v, want an episode with plan errors", err)
	}
	if len(ep.PlanErrors) != 5 {
		t.Fatalf("%d plan errors, want one per step (5): %v", len(ep.PlanErrors), ep.PlanErrors)
	}
	for s, u := range ep.U {
		if u[0] != 0 || u[1] != 0 {
			t.Errorf("step %d: action %v, want the zero action held", s, u)
		}
	}
}
