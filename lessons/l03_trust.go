package lessons

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/rlcontrol/rlcontrol/plotting"
	"github.com/rlcontrol/rlcontrol/rl/constrained"
	"github.com/rlcontrol/rlcontrol/rl/dynfit"
	"github.com/rlcontrol/rlcontrol/rl/lqr"
	"github.com/rlcontrol/rlcontrol/rl/system"
	"github.com/rlcontrol/rlcontrol/rl/trajopt"
	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat/distmv"
)

// Lesson 03's scenarios, in notebook order: KLOfEta (section 3),
// EpsilonScenario (4), TrustRegionScenario (5) and DualToy (6). Sections 1–3
// share one KL-constrained update of the point mass, UpdateProblem.

// UpdateProblem is everything one KL-constrained update needs: the
// controller p̄ that produced the samples, the dynamics fitted to them and
// the cost expanded around them.
type UpdateProblem struct {
	Task Task
	Prev *lqr.Controller
	Dyn  *lqr.Dynamics
	Cost *lqr.QuadraticCost
}

// PointMassUpdate samples the point mass 10 times with its first,
// exploratory controller N(0, I), fits the dynamics by least squares and
// expands the cost: the update sections 1–3 of lesson 03 solve.
func PointMassUpdate() (*UpdateProblem, error) {
	task := PointMassTask()
	n, m := task.System.StateDim(), task.System.ActionDim()
	prev, err := lqr.NewConstantController(n, m, task.T, nil, 1)
	if err != nil {
		return nil, err
	}
	s, err := system.Rollouts(task.System, prev, task.X0, 0.05, 10, task.T, rand.New(rand.NewPCG(1, 2)))
	if err != nil {
		return nil, err
	}
	dyn, err := dynfit.LeastSquares(s, 1e-6)
	if err != nil {
		return nil, err
	}
	q, err := lqr.Expand(task.Cost, s)
	if err != nil {
		return nil, err
	}
	return &UpdateProblem{Task: task, Prev: prev, Dyn: dyn, Cost: q}, nil
}

// TrajectoryGaussian returns the mean and covariance of the whole stacked
// trajectory τ = (x_0, u_0, x_1, u_1, …, u_{T−1}, x_T) of ctrl under dyn:
// the joint density p(τ) = p(x_0) Π p(u_t|x_t) p(x_{t+1}|x_t,u_t), initial
// state and dynamics included. τ = mean + A ξ with ξ standard normal, one
// noise block per variable (chol of X0Cov, of the controller's and of the
// dynamics' covariances), so the covariance is A Aᵀ. All those covariances
// must be positive definite.
func TrajectoryGaussian(ctrl *lqr.Controller, dyn *lqr.Dynamics) ([]float64, *mat.SymDense, error) {
	n, m, T, err := ctrl.Dims()
	if err != nil {
		return nil, nil, err
	}
	if dn, dm, dT, err := dyn.Dims(); err != nil || dn != n || dm != m || dT != T {
		return nil, nil, fmt.Errorf("lessons: TrajectoryGaussian: dynamics %d×%d×%d (%v) do not match the controller's %d×%d×%d", dn, dm, dT, err, n, m, T)
	}
	d := T*(n+m) + n
	if d > 5000 {
		return nil, nil, fmt.Errorf("lessons: TrajectoryGaussian: %d variables, want ≤ 5000", d)
	}
	mean := make([]float64, d)
	A := mat.NewDense(d, d, nil)
	// put writes variable block at offset off: mean mu, rows L·A[from] and
	// its own noise chol(S) in its own columns.
	chol := func(what string, t int, S *mat.SymDense) (*mat.TriDense, error) {
		var c mat.Cholesky
		if !c.Factorize(S) {
			return nil, fmt.Errorf("lessons: TrajectoryGaussian: %s covariance at step %d is not positive definite", what, t)
		}
		var L mat.TriDense
		c.LTo(&L)
		return &L, nil
	}
	block := func(off, k int) *mat.Dense { return A.Slice(off, off+k, 0, d).(*mat.Dense) }
	L, err := chol("initial-state", 0, dyn.X0Cov)
	if err != nil {
		return nil, nil, err
	}
	copy(mean[:n], dyn.X0Mean.RawVector().Data)
	A.Slice(0, n, 0, n).(*mat.Dense).Copy(L)
	for t := 0; t < T; t++ {
		xo, uo, xn := t*(n+m), t*(n+m)+n, (t+1)*(n+m)
		// u_t = K x_t + k + chol(Σc) ξ
		mu := mat.NewVecDense(m, mean[uo:uo+m])
		mu.MulVec(ctrl.K[t], mat.NewVecDense(n, mean[xo:xo+n]))
		mu.AddVec(mu, ctrl.Kff[t])
		var bu mat.Dense // rows are built in scratch: gonum refuses overlapping views
		bu.Mul(ctrl.K[t], block(xo, n))
		block(uo, m).Copy(&bu)
		if L, err = chol("controller", t, ctrl.Cov[t]); err != nil {
			return nil, nil, err
		}
		A.Slice(uo, uo+m, uo, uo+m).(*mat.Dense).Copy(L)
		// x_{t+1} = Fx x_t + Fu u_t + f + chol(Σdyn) ξ
		mx := mat.NewVecDense(n, mean[xn:xn+n])
		var tmp mat.VecDense
		mx.MulVec(dyn.Fx[t], mat.NewVecDense(n, mean[xo:xo+n]))
		tmp.MulVec(dyn.Fu[t], mat.NewVecDense(m, mean[uo:uo+m]))
		mx.AddVec(mx, &tmp)
		mx.AddVec(mx, dyn.F0[t])
		var bx, bxu mat.Dense
		bx.Mul(dyn.Fx[t], block(xo, n))
		bxu.Mul(dyn.Fu[t], block(uo, m))
		bx.Add(&bx, &bxu)
		block(xn, n).Copy(&bx)
		if L, err = chol("dynamics", t, dyn.Cov[t]); err != nil {
			return nil, nil, err
		}
		A.Slice(xn, xn+n, xn, xn+n).(*mat.Dense).Copy(L)
	}
	cov := mat.NewSymDense(d, nil)
	cov.SymOuterK(1, A)
	return mean, cov, nil
}

// GaussianKL returns D_KL(N(m1, S1) ‖ N(m2, S2)) =
// ½[tr(S2⁻¹S1) + (m2−m1)ᵀS2⁻¹(m2−m1) − d + log det S2 − log det S1],
// computed by gonum's distmv.
func GaussianKL(m1 []float64, S1 *mat.SymDense, m2 []float64, S2 *mat.SymDense) (float64, error) {
	d := len(m1)
	if len(m2) != d || S1.SymmetricDim() != d || S2.SymmetricDim() != d {
		return 0, fmt.Errorf("lessons: GaussianKL: sizes %d, %d, %d, %d differ", d, len(m2), S1.SymmetricDim(), S2.SymmetricDim())
	}
	p, ok1 := distmv.NewNormal(m1, S1, nil)
	q, ok2 := distmv.NewNormal(m2, S2, nil)
	if !ok1 || !ok2 {
		return 0, fmt.Errorf("lessons: GaussianKL: a covariance is not positive definite")
	}
	return distmv.KullbackLeibler{}.DistNormal(p, q), nil
}

// GaussianLogDensity is log N(z; mean, chol) for a factorised covariance,
// computed by gonum's distmv.
func GaussianLogDensity(z, mean []float64, chol *mat.Cholesky) (float64, error) {
	if len(z) != len(mean) || chol.SymmetricDim() != len(mean) {
		return 0, fmt.Errorf("lessons: GaussianLogDensity: sizes %d, %d, %d differ", len(z), len(mean), chol.SymmetricDim())
	}
	return distmv.NewNormalChol(mean, chol, nil).LogProb(z), nil
}

// Stack writes a trajectory as one vector (x_0, u_0, x_1, …, u_{T−1}, x_T),
// the order TrajectoryGaussian uses.
func Stack(tr system.Trajectory) []float64 {
	var z []float64
	for t, u := range tr.U {
		z = append(z, tr.X[t]...)
		z = append(z, u...)
	}
	return append(z, tr.X[len(tr.U)]...)
}

// WithNoise returns a copy of dyn whose initial state has variance start
// in every component and whose dynamics noise has floor added to its
// diagonal. The point mass starts at a fixed state and is deterministic, so
// its fitted X0Cov is singular (p(τ) would have no density) and its fitted
// noise (about 10⁻¹¹) makes the joint covariance of a whole trajectory too
// ill-conditioned for double precision; both trajectory distributions
// share the change.
func WithNoise(dyn *lqr.Dynamics, start, floor float64) *lqr.Dynamics {
	c := *dyn
	n := dyn.X0Mean.Len()
	c.X0Cov = mat.NewSymDense(n, nil)
	for i := 0; i < n; i++ {
		c.X0Cov.SetSym(i, i, start)
	}
	c.Cov = make([]*mat.SymDense, len(dyn.Cov))
	for t, S := range dyn.Cov {
		c.Cov[t] = mat.NewSymDense(n, nil)
		c.Cov[t].CopySym(S)
		for i := 0; i < n; i++ {
			c.Cov[t].SetSym(i, i, S.At(i, i)+floor)
		}
	}
	return &c
}

// WithActuatorGain returns a copy of dyn whose Fu is scaled by g: other
// dynamics, to show that the KL identity needs the dynamics shared.
func WithActuatorGain(dyn *lqr.Dynamics, g float64) *lqr.Dynamics {
	c := *dyn
	c.Fu = make([]*mat.Dense, len(dyn.Fu))
	for t, F := range dyn.Fu {
		c.Fu[t] = mat.DenseCopyOf(F)
		c.Fu[t].Scale(g, c.Fu[t])
	}
	return &c
}

// KLOfEta sweeps the dual variable η of the point mass's update over many
// decades and records KL(η) of the η-solution (section 3's figure).
type KLOfEta struct {
	// Epsilon is the bound drawn on the figure in nats (default 20).
	Epsilon float64
}

// KLOfEtaOutcome is KL against log₁₀ η (η where Q̃uu is not positive
// definite are left out).
type KLOfEtaOutcome struct {
	Epsilon     float64
	LogEta, KLs []float64
}

// Run solves the update at η = 10^−6 … 10^2 in half-decade steps.
func (s KLOfEta) Run() (Outcome, error) {
	if s.Epsilon == 0 {
		s.Epsilon = 20
	}
	p, err := PointMassUpdate()
	if err != nil {
		return nil, err
	}
	u, err := trajopt.NewUpdater(4, 2, p.Task.T)
	if err != nil {
		return nil, err
	}
	out := &KLOfEtaOutcome{Epsilon: s.Epsilon}
	for e := -6.0; e <= 2.0; e += 0.5 {
		sol, err := u.SolveAtEta(p.Prev, p.Dyn, p.Cost, math.Pow(10, e))
		if lqr.IsNotPD(err) {
			continue // no minimiser at this η
		}
		if err != nil {
			return nil, err
		}
		out.LogEta, out.KLs = append(out.LogEta, e), append(out.KLs, sol.KL)
	}
	return out, nil
}

// Figures: KL(η) on a log axis with the bound ε.
func (o *KLOfEtaOutcome) Figures() ([]NamedFigure, error) {
	return collect(step{"03-kl-eta", func() (*plotting.Figure, error) {
		f, err := plotting.LinesLogY("Point mass: KL of the η-solution against η", "log₁₀ η", "KL(p ‖ p̄) (nats)", o.LogEta,
			plotting.Series{Name: "KL(η)", Y: o.KLs})
		if err != nil {
			return nil, err
		}
		return f, f.HLine(0, o.Epsilon, fmt.Sprintf("ε = %g nats", o.Epsilon))
	}})
}

// EpsilonScenario is section 4: the pendulum's local-model loop once per
// fixed KL bound per step ε (step adaptation off), GMM prior, 5 rollouts.
type EpsilonScenario struct {
	// Epsilons are the bounds per time step in nats (default 0.02, 0.5, 2, 50).
	Epsilons []float64
	// Seed (default 1).
	Seed uint64
}

// EpsilonOutcome holds the runs and, per run, the torque the final
// controller asks for and the exploration noise after the first update.
type EpsilonOutcome struct {
	Quick bool
	Runs  []EpsilonRun
	// MaxTorque is the largest |τ| of each run's final noise-free rollout
	// (N·m); Sigma1 is the mean over steps of the controller's variance Σ
	// after the first update (N²·m²; the start is 1), SigmaEnd the same after
	// the last.
	MaxTorque, Sigma1, SigmaEnd []float64
}

// Run runs the sweep (8 iterations in quick mode, else the task's 15).
func (s EpsilonScenario) Run() (Outcome, error) {
	if s.Epsilons == nil {
		s.Epsilons = []float64{0.02, 0.5, 2, 50}
	}
	if s.Seed == 0 {
		s.Seed = 1
	}
	out := &EpsilonOutcome{Quick: Quick()}
	task := lessonPendulumTask(out.Quick)
	runs, err := EpsilonSweep(task, s.Epsilons, s.Seed)
	if err != nil {
		return nil, err
	}
	out.Runs = runs
	one := task
	one.Iterations = 1 // the same run stopped after its first update
	first, err := EpsilonSweep(one, s.Epsilons, s.Seed)
	if err != nil {
		return nil, err
	}
	for i, r := range runs {
		mx, err := MaxAbsAction(task, r.Result.Controller)
		if err != nil {
			return nil, err
		}
		out.MaxTorque = append(out.MaxTorque, mx)
		out.Sigma1 = append(out.Sigma1, meanVariance(first[i].Result.Controller))
		out.SigmaEnd = append(out.SigmaEnd, meanVariance(r.Result.Controller))
	}
	return out, nil
}

// meanVariance is the mean over steps of a 1-action controller's variance.
func meanVariance(c *lqr.Controller) float64 {
	s := 0.0
	for _, S := range c.Cov {
		s += S.At(0, 0)
	}
	return s / float64(len(c.Cov))
}

// Figures: cost per iteration for every ε.
func (o *EpsilonOutcome) Figures() ([]NamedFigure, error) {
	return collect(step{"03-epsilon", func() (*plotting.Figure, error) {
		return EpsilonFigure(QuickTitle("Pendulum swing-up: cost per iteration for several ε", o.Quick), o.Runs)
	}})
}

// TrustRegionScenario is section 5: the pendulum's default loop (ε = 0.2
// per step, step adaptation on, GMM prior, 5 rollouts).
type TrustRegionScenario struct {
	// Epsilon per step in nats (default 0.2).
	Epsilon float64
	// Seed (default 1).
	Seed uint64
}

// TrustRegionOutcome is the run; Factor[i] is iteration i's raw factor
// pred/(2(pred − actual)) before clipping (NaN at iteration 1).
type TrustRegionOutcome struct {
	Quick  bool
	Result *trajopt.Result
	Factor []float64
}

// Run runs the loop (8 iterations in quick mode, else 15).
func (s TrustRegionScenario) Run() (Outcome, error) {
	if s.Epsilon == 0 {
		s.Epsilon = 0.2
	}
	if s.Seed == 0 {
		s.Seed = 1
	}
	out := &TrustRegionOutcome{Quick: Quick()}
	task := lessonPendulumTask(out.Quick)
	res, err := RunTask(task, FitGMMPrior, 5, s.Epsilon, s.Seed)
	if err != nil {
		return nil, err
	}
	out.Result = res
	for _, h := range res.History {
		out.Factor = append(out.Factor, h.PredictedImprovement/(2*math.Max(1e-4, h.PredictedImprovement-h.ActualImprovement)))
	}
	return out, nil
}

// Figures: the trust region's bookkeeping per iteration.
func (o *TrustRegionOutcome) Figures() ([]NamedFigure, error) {
	return collect(step{"03-trust-region", func() (*plotting.Figure, error) {
		return HistoryFigure(QuickTitle("Pendulum: the trust region at work", o.Quick), o.Result)
	}})
}

// DualToy is section 6: dual gradient descent and the augmented Lagrangian
// on constrained.EqualityToy.
type DualToy struct{}

// DualToyOutcome holds the closed form and both methods' results.
type DualToyOutcome struct {
	XStar   []float64
	LamStar float64
	DGD, AL constrained.Result
}

// Run solves the toy both ways.
func (DualToy) Run() (Outcome, error) {
	toy := constrained.EqualityToy()
	x, lam, err := toy.Solution()
	if err != nil {
		return nil, err
	}
	p, err := toy.Problem(true)
	if err != nil {
		return nil, err
	}
	out := &DualToyOutcome{XStar: x, LamStar: lam}
	if out.DGD, err = constrained.DualGradientDescent(p, constrained.DGDConfig{}); err != nil {
		return nil, err
	}
	if out.AL, err = constrained.AugmentedLagrangian(p, constrained.ALConfig{}); err != nil {
		return nil, err
	}
	return out, nil
}

// Figures: the constraint violation per iteration of both methods.
func (o *DualToyOutcome) Figures() ([]NamedFigure, error) {
	return collect(step{"03-dual-vs-al", func() (*plotting.Figure, error) {
		n := len(o.DGD.History)
		x := make([]float64, n)
		v1 := make([]float64, n)
		for i := range x {
			x[i] = float64(i + 1)
			v1[i] = math.Max(o.DGD.History[i].Violation, 1e-16)
		}
		var x2, v2 []float64
		for i, h := range o.AL.History {
			x2, v2 = append(x2, float64(i+1)), append(v2, math.Max(h.Violation, 1e-16))
		}
		return plotting.LinesLogY("Equality toy: constraint violation per iteration", "iteration", "‖C(x*)‖", x,
			plotting.Series{Name: "dual gradient descent", Y: v1}, plotting.Series{Name: "augmented Lagrangian", X: x2, Y: v2})
	}})
}

// lessonPendulumTask is the pendulum task of lesson 03's runs: the task's
// 15 iterations, or 8 in quick mode.
func lessonPendulumTask(quick bool) Task {
	task := PendulumTask()
	if quick {
		task.Iterations = 8
	}
	return task
}
