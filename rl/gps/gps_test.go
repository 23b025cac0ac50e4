package gps

import (
	"math"
	"strings"
	"testing"

	"github.com/rlcontrol/rlcontrol/rl/constrained"
	"github.com/rlcontrol/rlcontrol/rl/imitation"
	"github.com/rlcontrol/rlcontrol/rl/lqr"
	"github.com/rlcontrol/rlcontrol/rl/nn"
	"github.com/rlcontrol/rlcontrol/rl/system"
	"gonum.org/v1/gonum/mat"
)

// smallArm is the arm task on three of its training conditions: the
// tests' small setting.
func smallArm() *imitation.Task {
	task := imitation.ArmReach()
	task.Train = [][]float64{task.Train[0], task.Train[4], task.Train[8]}
	return task
}

// The augmented-Lagrangian form drives the policy–controller mismatch
// E‖π_θ(x) − μ_p(x)‖ down by at least 10× over its iterations (the
// issue's requirement), on the small setting.
func TestALMismatchFalls(t *testing.T) {
	g, err := New(smallArm(), Config{Iterations: 10, Samples: 5, Prior: true, LimitWeight: 100, Rho0: 0.1, Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	hist, err := g.Run(AugmentedLagrangian, 0)
	if err != nil {
		t.Fatal(err)
	}
	first, last := hist[0].MeanMismatch(), hist[len(hist)-1].MeanMismatch()
	t.Logf("mismatch %.4f → %.4f, ρ %v", first, last, hist[len(hist)-1].Rho)
	if !(last <= first/10) {
		t.Errorf("mismatch fell from %.4g to %.4g, want a fall of ≥ 10×", first, last)
	}
}

// MDGPS's local controllers meet their KL bound at every iteration for
// every condition: KL ≤ ε·T·(1 + Tol), the tolerance the η search
// stops at, or the search reports the constraint slack (the cost alone
// moves p less than ε).
func TestMDGPSKLBound(t *testing.T) {
	g, err := New(smallArm(), Config{Iterations: 5, Samples: 5, Prior: true, LimitWeight: 100, Seed: 4})
	if err != nil {
		t.Fatal(err)
	}
	hist, err := g.Run(MDGPS, 0)
	if err != nil {
		t.Fatal(err)
	}
	tol := g.Config().KL.Tol
	for _, st := range hist {
		if st.Iter > 1 && !st.Traj.ToPolicy {
			t.Errorf("iteration %d: KL not to the policy", st.Iter)
		}
		for i, kl := range st.Traj.KL {
			if st.Traj.Status[i] == constrained.ConstraintSlack {
				continue
			}
			if !(kl <= st.Traj.Bound*(1+tol)) {
				t.Errorf("iteration %d condition %d: KL %.4g > bound %.4g·(1+%g)", st.Iter, i, kl, st.Traj.Bound, tol)
			}
		}
	}
}

// AugmentedCost against the penalty evaluated directly: the quadratic
// in z must equal c(z) + λᵀ(Gx + g − u) + ρ‖Gx + g − u‖² at any z (exact
// algebra; 1e-9 relative covers rounding).
func TestAugmentedCostMatchesDirect(t *testing.T) {
	n, m, T := 3, 2, 2
	q := &lqr.QuadraticCost{Final: lqr.Final{Cxx: mat.NewDense(n, n, []float64{1, 0, 0, 0, 1, 0, 0, 0, 1})}}
	for k := 0; k < T; k++ {
		czz := mat.NewSymDense(n+m, nil)
		for a := 0; a < n+m; a++ {
			czz.SetSym(a, a, float64(a+1))
		}
		czz.SetSym(0, 3, 0.3)
		q.Czz = append(q.Czz, czz)
		q.Cz = append(q.Cz, mat.NewVecDense(n+m, []float64{0.1, -0.2, 0.3, 0.4, -0.5}))
		q.C0 = append(q.C0, 1.5)
	}
	pi, _ := lqr.NewConstantController(n, m, T, []float64{0.7, -0.4}, 1)
	for k := 0; k < T; k++ {
		pi.K[k] = mat.NewDense(m, n, []float64{0.5, -1, 2, 0.1, 0.2, -0.3})
	}
	lambda := [][]float64{{0.3, -1.2}, {2, 0.5}}
	rho := []float64{0.7, 3}
	aug, err := AugmentedCost(q, pi, lambda, rho)
	if err != nil {
		t.Fatal(err)
	}
	quad := func(c *lqr.QuadraticCost, k int, z []float64) float64 {
		zv := mat.NewVecDense(len(z), z)
		var tmp mat.VecDense
		tmp.MulVec(c.Czz[k], zv)
		return 0.5*mat.Dot(zv, &tmp) + mat.Dot(c.Cz[k], zv) + c.C0[k]
	}
	z := []float64{0.4, -1.1, 0.9, 1.3, -0.2}
	for k := 0; k < T; k++ {
		want := quad(q, k, z)
		u := z[n:]
		for r := 0; r < m; r++ {
			h := pi.Kff[k].AtVec(r) - u[r]
			for j := 0; j < n; j++ {
				h += pi.K[k].At(r, j) * z[j]
			}
			want += lambda[k][r]*h + rho[k]*h*h
		}
		got := quad(aug, k, z)
		if math.Abs(got-want) > 1e-9*math.Max(1, math.Abs(want)) {
			t.Errorf("step %d: augmented cost %.12g, direct %.12g", k, got, want)
		}
	}
}

// The dual step is λ ← λ + 2ρ·(mean violation): after one, λ_t/(2ρ_t)
// equals the per-step mean of π_θ − μ_p that mismatch reports (exact
// arithmetic from λ = 0; 1e-12 for rounding).
func TestDualStepIsMethodOfMultipliers(t *testing.T) {
	task := smallArm()
	task.Train = task.Train[:1]
	g, err := New(task, Config{Samples: 5, Prior: true, Seed: 5})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := g.DualStep(); err == nil {
		t.Error("DualStep before any policy fit: no error")
	}
	if _, err := g.PolicyStep(); err == nil {
		t.Error("PolicyStep before a TrajectoryStep: no error")
	}
	if _, err := g.TrajectoryStep(); err != nil {
		t.Fatal(err)
	}
	if _, err := g.PolicyStep(); err != nil {
		t.Fatal(err)
	}
	c := g.conds[0]
	_, v, err := g.mismatch(c)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := g.DualStep(); err != nil {
		t.Fatal(err)
	}
	for k := range v {
		for j := range v[k] {
			if got := c.Lambda[k][j] / (2 * c.Rho[k]); math.Abs(got-v[k][j]) > 1e-12 {
				t.Fatalf("step %d: λ/(2ρ) = %v, mean violation %v", k, got, v[k][j])
			}
		}
	}
}

// The nearest-neighbour policy acts exactly as the nearest start's
// controller (the same mean actions, bit for bit).
func TestNearestFollowsNearestController(t *testing.T) {
	starts := [][]float64{{0, 0}, {1, 0}, {0, 1}}
	var ctrls []*lqr.Controller
	for i := range starts {
		c, _ := lqr.NewConstantController(2, 1, 3, []float64{float64(i)}, 1)
		ctrls = append(ctrls, c)
	}
	nn, err := NewNearest(starts, ctrls)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		x0   []float64
		want int
	}{{[]float64{0.9, 0.2}, 1}, {[]float64{-0.1, 0.1}, 0}, {[]float64{0.2, 0.8}, 2}} {
		p, err := nn.Policy(tc.x0)
		if err != nil {
			t.Fatal(err)
		}
		u := []float64{0}
		if err := p.Act(u, 0, tc.x0, nil); err != nil {
			t.Fatal(err)
		}
		if u[0] != float64(tc.want) {
			t.Errorf("start %v: action %v, want controller %d's", tc.x0, u[0], tc.want)
		}
	}
}

// Bad input is an error naming the bad value.
func TestBadInput(t *testing.T) {
	nan := math.NaN()
	noTrain := imitation.ArmReach()
	noTrain.Train = nil
	pm := imitation.PointMassGap()
	pm.Cost = imitation.ArmReach().Cost
	pm.System = system.NewPendulum()
	cases := []struct {
		name string
		task *imitation.Task
		cfg  Config
		want string
	}{
		{"no conditions", noTrain, Config{}, "no training conditions"},
		{"nil task", nil, Config{}, "nil task"},
		{"mismatched dimensions", pm, Config{}, "cost has"},
		{"ε ≤ 0", imitation.ArmReach(), Config{Epsilon: -1}, "Epsilon"},
		{"ε NaN", imitation.ArmReach(), Config{Epsilon: nan}, "Epsilon"},
		{"iterations < 1", imitation.ArmReach(), Config{Iterations: -2}, "Iterations"},
		{"ρ ≤ 0", imitation.ArmReach(), Config{Rho0: -1}, "Rho0"},
		{"ρ NaN", imitation.ArmReach(), Config{Rho0: nan}, "Rho0"},
		{"samples", imitation.ArmReach(), Config{Samples: 1}, "Samples"},
		{"init var", imitation.ArmReach(), Config{InitVar: math.Inf(1)}, "InitVar"},
		{"limit weight", imitation.ArmReach(), Config{LimitWeight: nan}, "LimitWeight"},
		{"policy dims", imitation.ArmReach(), Config{Policy: imitation.PolicyConfig{ObsDim: 7}}, "ObsDim"},
		{"rho grow", imitation.ArmReach(), Config{RhoGrow: 0.5}, "RhoGrow"},
		{"warm-up", imitation.ArmReach(), Config{WarmUp: -1}, "WarmUp"},
		{"min step", imitation.ArmReach(), Config{MinStepMult: 2}, "MinStepMult"},
		{"max step NaN", imitation.ArmReach(), Config{MaxStepMult: nan}, "MaxStepMult"},
		{"drop factor < 1", imitation.ArmReach(), Config{DropFactor: 0.5}, "DropFactor = 0.5"},
		{"drop factor NaN", imitation.ArmReach(), Config{DropFactor: nan}, "DropFactor"},
		{"perturb < 0", imitation.ArmReach(), Config{Perturb: -1}, "Perturb = -1"},
		{"perturb scale", imitation.ArmReach(), Config{Perturb: 1, PerturbScale: -0.1}, "PerturbScale = -0.1"},
	}
	for _, tc := range cases {
		_, err := New(tc.task, tc.cfg)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want one containing %q", tc.name, err, tc.want)
		}
	}
	// Multipliers: a non-finite λ, ρ ≤ 0, wrong lengths.
	q := &lqr.QuadraticCost{}
	_ = q
	lam := [][]float64{{0, 0}}
	for _, tc := range []struct {
		name   string
		lambda [][]float64
		rho    []float64
		want   string
	}{
		{"λ NaN", [][]float64{{nan, 0}}, []float64{1}, "λ_0[0] = NaN"},
		{"λ Inf", [][]float64{{0, math.Inf(-1)}}, []float64{1}, "λ_0[1]"},
		{"ρ zero", lam, []float64{0}, "ρ_0 = 0"},
		{"ρ negative", lam, []float64{-3}, "ρ_0 = -3"},
		{"lengths", lam, []float64{1, 1}, "want T = 1"},
		{"λ length", [][]float64{{0}}, []float64{1}, "λ_0 has length 1"},
	} {
		err := checkMultipliers(tc.lambda, tc.rho, 2, 1)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want one containing %q", tc.name, err, tc.want)
		}
	}
	if _, err := NewNearest(nil, nil); err == nil {
		t.Error("NewNearest with no conditions: no error")
	}
	c, _ := lqr.NewConstantController(2, 1, 3, nil, 1)
	if _, err := NewNearest([][]float64{{0, 0}}, []*lqr.Controller{c, c}); err == nil {
		t.Error("NewNearest with mismatched counts: no error")
	}
	if _, err := NewNearest([][]float64{{0, nan}}, []*lqr.Controller{c}); err == nil {
		t.Error("NewNearest with a NaN start: no error")
	}
	g, _ := New(smallArm(), Config{Seed: 1})
	if _, err := g.Run(Method(7), 0); err == nil {
		t.Error("Run with an unknown method: no error")
	}
}

// StepMultiplier on hand-made improvements: the ratio
// predicted/(2(predicted − actual)) scales the multiplier, clipped to
// [0.1, 5] per step and to [lo, hi] overall. All cases are exact in
// floating point (ratios of small integers and powers of two), so the
// comparison is exact.
func TestStepMultiplier(t *testing.T) {
	for _, tc := range []struct {
		mult, pred, act, want float64
	}{
		{1, 10, 5, 1},        // half the predicted improvement: keep ε
		{1, 10, 8, 2.5},      // 80% of it: 10/(2·2) = 2.5
		{1, 10, -10, 0.25},   // got worse: 10/(2·20) = 0.25
		{1, 10, 10, 5},       // as predicted: ratio clipped to 5
		{1, 10, -1000, 0.1},  // far worse: ratio clipped to 0.1
		{6, 10, 8, 10},       // 6·2.5 = 15, clipped to hi = 10
		{0.02, 1, -99, 0.01}, // 0.02·0.1 = 0.002, clipped to lo = 0.01
	} {
		got, err := StepMultiplier(tc.mult, tc.pred, tc.act, 0.01, 10)
		if err != nil || got != tc.want {
			t.Errorf("StepMultiplier(%g, %g, %g) = %g, %v; want %g", tc.mult, tc.pred, tc.act, got, err, tc.want)
		}
	}
	nan := math.NaN()
	for _, tc := range []struct {
		name                    string
		mult, pred, act, lo, hi float64
		want                    string
	}{
		{"multiplier 0", 0, 1, 1, 0.01, 10, "multiplier = 0"},
		{"lo NaN", 1, 1, 1, nan, 10, "lower bound = NaN"},
		{"lo > hi", 1, 1, 1, 2, 1, "bounds 2 > 1"},
		{"predicted NaN", 1, nan, 1, 0.01, 10, "predicted NaN"},
		{"actual Inf", 1, 1, math.Inf(1), 0.01, 10, "actual +Inf"},
	} {
		_, err := StepMultiplier(tc.mult, tc.pred, tc.act, tc.lo, tc.hi)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want one containing %q", tc.name, err, tc.want)
		}
	}
}

// With step adaptation and a warm-up, MDGPS's first WarmUp updates are
// KL-bounded to the previous controller and later ones to the policy,
// each bound is Epsilon·T times the reported multiplier, and the
// multiplier stays within [MinStepMult, MaxStepMult].
func TestMDGPSWarmUpAndStep(t *testing.T) {
	g, err := New(smallArm(), Config{Iterations: 4, WarmUp: 2, Epsilon: 0.2, Samples: 5, Prior: true, LimitWeight: 100, Seed: 5})
	if err != nil {
		t.Fatal(err)
	}
	hist, err := g.Run(MDGPS, 0)
	if err != nil {
		t.Fatal(err)
	}
	T := float64(g.Task().T)
	for _, st := range hist {
		if want := st.Iter > 2; st.Traj.ToPolicy != want {
			t.Errorf("iteration %d: ToPolicy %v, want %v", st.Iter, st.Traj.ToPolicy, want)
		}
		m := st.Traj.StepMult
		if !(m >= 0.01 && m <= 10) || math.Abs(st.Traj.Bound-0.2*T*m) > 1e-12*st.Traj.Bound {
			t.Errorf("iteration %d: bound %g, multiplier %g", st.Iter, st.Traj.Bound, m)
		}
		if adapted := !math.IsNaN(st.Traj.Predicted); adapted != (st.Iter > 1) {
			t.Errorf("iteration %d: predicted improvement %g", st.Iter, st.Traj.Predicted)
		}
	}
}

// Noise injection: Perturb copies of every sampled state, moved by δ with
// per-component standard deviation PerturbScale times the samples' spread.
// With 3 conditions × 5 samples × 100 steps × 4 copies = 6000 draws per
// component, the sample standard deviation of δ/(PerturbScale·spread) is
// within 5% of 1 (its standard error is 1/√(2·6000) ≈ 0.009; 5% is over
// 5 of them). The observation (FullState) is the perturbed state, and the
// policy step regresses on (1 + Perturb) times the sampled rows.
func TestPerturbedStates(t *testing.T) {
	g, err := New(smallArm(), Config{Iterations: 1, Samples: 5, Perturb: 4, PerturbScale: 0.2, Fit: nn.FitConfig{Epochs: 1}, Seed: 6})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := g.TrajectoryStep(); err != nil {
		t.Fatal(err)
	}
	spread := g.stateSpread()
	T := g.Task().T
	var sum2 [4]float64
	var k float64
	for i, c := range g.Conditions() {
		obs, xs, ts := g.perturbed(c, i, spread)
		if len(obs) != 4*5*T {
			t.Fatalf("condition %d: %d perturbed rows, want %d", i, len(obs), 4*5*T)
		}
		for b := range xs {
			x := c.Samples[(b/T)%5].X[ts[b]]
			for j := range x {
				if obs[b][j] != xs[b][j] {
					t.Fatalf("condition %d row %d: observation %v ≠ state %v", i, b, obs[b], xs[b])
				}
				if spread[j] > 0 {
					d := (xs[b][j] - x[j]) / (0.2 * spread[j])
					sum2[j] += d * d
				}
			}
			k++
		}
	}
	for j, s2 := range sum2 {
		if spread[j] == 0 {
			continue
		}
		if sd := math.Sqrt(s2 / k); math.Abs(sd-1) > 0.05 {
			t.Errorf("component %d: δ/(scale·spread) has standard deviation %.3f, want 1 ± 0.05", j, sd)
		}
	}
	ps, err := g.PolicyStep()
	if err != nil {
		t.Fatal(err)
	}
	if want := 5 * 3 * 5 * T; ps.Rows != want {
		t.Errorf("policy step on %d rows, want %d", ps.Rows, want)
	}
}

// DropFactor leaves out the conditions whose sample cost exceeds the
// factor times the median (odd and even counts), and none when off.
func TestDropped(t *testing.T) {
	g, err := New(smallArm(), Config{DropFactor: 2, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		costs []float64
		want  []bool
	}{
		{[]float64{1, 2, 4.5}, []bool{false, false, true}}, // median 2: 4.5 > 4
		{[]float64{1, 2, 4}, []bool{false, false, false}},  // 4 is not above 2·2
		{[]float64{10, 1, 3}, []bool{true, false, false}},  // median 3
	} {
		for i, c := range g.Conditions() {
			c.SampleCost = tc.costs[i]
		}
		got := g.dropped()
		for i := range got {
			if got[i] != tc.want[i] {
				t.Errorf("costs %v: dropped %v, want %v", tc.costs, got, tc.want)
				break
			}
		}
	}
	g.conds = append(g.conds, g.conds[0]) // four conditions: median (2+3)/2
	for i, v := range []float64{1, 2, 3, 5.1} {
		g.conds[i] = &Condition{SampleCost: v}
	}
	if got := g.dropped(); !got[3] || got[0] || got[1] || got[2] {
		t.Errorf("even count: dropped %v, want only the last (5.1 > 2·2.5)", got)
	}
	g.cfg.DropFactor = 0
	for _, d := range g.dropped() {
		if d {
			t.Error("DropFactor 0 dropped a condition")
		}
	}
}
