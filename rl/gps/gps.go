package gps

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"sync"

	"github.com/rlcontrol/rlcontrol/rl/cost"
	"github.com/rlcontrol/rlcontrol/rl/dynfit"
	"github.com/rlcontrol/rlcontrol/rl/imitation"
	"github.com/rlcontrol/rlcontrol/rl/lqr"
	"github.com/rlcontrol/rlcontrol/rl/nn"
	"github.com/rlcontrol/rlcontrol/rl/system"
	"github.com/rlcontrol/rlcontrol/rl/trajopt"
	"gonum.org/v1/gonum/mat"
)

// MaxIterations bounds Config.Iterations.
const MaxIterations = 10000

// Config sets up guided policy search. Zero fields take the defaults in
// their comments.
type Config struct {
	// Iterations is the number of GPS iterations Run makes (default 10;
	// 1 … MaxIterations).
	Iterations int
	// Samples is N, the rollouts of each local controller per iteration
	// (default 5; ≥ 2).
	Samples int
	// InitVar is the variance of the first, exploratory local controllers
	// N(0, InitVar·I), as trajopt.Run starts (default 1; > 0).
	InitVar float64
	// Epsilon is the KL bound per time step of each local controller's
	// update: D_KL(p ‖ p̄) ≤ Epsilon·T, times MDGPS's step multiplier
	// (default 0.5; > 0).
	Epsilon float64
	// FixedStep turns MDGPS's step-size adaptation off (the bound stays
	// Epsilon·T). Otherwise, as cbfinn/gps's MDGPS, after each iteration the
	// multiplier of Epsilon, shared by the conditions, is scaled by
	// StepMultiplier from the improvement the models predicted for the last
	// update and the one the new samples show (AL-GPS never adapts).
	FixedStep bool
	// WarmUp is the number of first MDGPS iterations whose controller
	// update is KL-bounded to the previous local controller instead of
	// the policy's linearisation (default 1: only the first, before any
	// policy exists; 1 … Iterations is sensible, ≥ 1 required). More
	// warm-up iterations are trajectory optimisation on the fitted models
	// alone (trajopt.Run's loop, one per condition), so that the policy
	// first imitates good controllers, as cbfinn/gps starts from
	// controllers initialised by LQR.
	WarmUp int
	// MinStepMult and MaxStepMult bound the step multiplier (defaults 0.01
	// and 10; 0 < MinStepMult ≤ 1 ≤ MaxStepMult).
	MinStepMult, MaxStepMult float64
	// KL tunes the η search of the KL-constrained updates (zero fields:
	// trajopt.KLConfig's defaults).
	KL trajopt.KLConfig
	// Prior, when true (the default is false: least squares with Ridge),
	// fits each condition's dynamics under a GMM prior shared by all
	// conditions and updated with every condition's samples (PriorConfig).
	Prior       bool
	PriorConfig dynfit.GMMPriorConfig
	// Ridge is added to the diagonal of the regression of the dynamics
	// fit (default 1e-6; ≥ 0).
	Ridge float64
	// LimitWeight, when > 0, adds the smooth penalty ½ w (|u_j| − limit)₊²
	// outside the system's ActionLimits to the cost the local controllers
	// minimise (cost.LimitPenalty; default 0: none). Reported costs are the
	// task's own.
	LimitWeight float64
	// Observer is what the global policy sees (default: FullState).
	Observer imitation.Observer
	// Policy describes the global policy (ObsDim and ActDim are filled in
	// from the task and the observer; Seed defaults to Seed).
	Policy imitation.PolicyConfig
	// Fit configures each policy step's regression (defaults: 20 epochs,
	// batch 256, learning rate 3e-3, its Seed set per iteration).
	Fit nn.FitConfig
	// DropFactor, when > 0, leaves out of each policy step's regression
	// the conditions whose samples' mean task cost exceeds DropFactor times
	// the median over the conditions: a local controller stuck in a poor
	// local optimum (say, gone round the wrong side of an obstacle) is not
	// imitated, and in MDGPS's coupled iterations it is pulled toward the
	// policy learned from the others (default 0: every condition; ≥ 1 when
	// set).
	DropFactor float64
	// Perturb, when > 0, adds to each policy step's regression Perturb
	// copies of every sampled state x_t, each moved by δ ~ N(0,
	// diag(PerturbScale·s)²) (s: each state component's standard deviation
	// over all the conditions' samples) and labelled with the local
	// controller's mean action there, K_t(x_t + δ) + k_t: noise injection,
	// so that the policy learns the controllers' feedback around their
	// trajectories, not only their actions on them (default 0: the sampled
	// states only, as cbfinn/gps). The observation of a perturbed state
	// moves its previous state by the same δ.
	Perturb int
	// PerturbScale is the perturbation's standard deviation as a fraction
	// of the samples' spread (default 0.1 when Perturb > 0; > 0).
	PerturbScale float64
	// Rho0 is the first penalty weight ρ of the augmented Lagrangian
	// (default 1; > 0).
	Rho0 float64
	// RhoGrow multiplies a condition's ρ when its mismatch did not fall
	// below RhoDrop times the previous one (defaults 2 and 0.8; RhoGrow
	// ≥ 1, RhoDrop in (0, 1]); RhoMax caps ρ (default 1e4).
	RhoGrow, RhoDrop, RhoMax float64
	// Seed makes everything random reproducible.
	Seed uint64
}

// WithDefaults returns c with its zero fields set to their defaults, or an
// error naming the first invalid field and its value.
func (c Config) WithDefaults() (Config, error) {
	if c.Iterations == 0 {
		c.Iterations = 10
	}
	if c.Iterations < 1 || c.Iterations > MaxIterations {
		return c, fmt.Errorf("gps: Config.Iterations = %d, want 1 … %d", c.Iterations, MaxIterations)
	}
	if c.Samples == 0 {
		c.Samples = 5
	}
	if c.Samples < 2 || c.Samples > imitation.MaxStarts {
		return c, fmt.Errorf("gps: Config.Samples = %d, want 2 … %d", c.Samples, imitation.MaxStarts)
	}
	var err error
	if c.InitVar, err = positive("InitVar", c.InitVar, 1); err != nil {
		return c, err
	}
	if c.Epsilon, err = positive("Epsilon", c.Epsilon, 0.5); err != nil {
		return c, err
	}
	if c.WarmUp == 0 {
		c.WarmUp = 1
	}
	if c.WarmUp < 1 || c.WarmUp > MaxIterations {
		return c, fmt.Errorf("gps: Config.WarmUp = %d, want 1 … %d", c.WarmUp, MaxIterations)
	}
	if c.MinStepMult, err = positive("MinStepMult", c.MinStepMult, 0.01); err != nil {
		return c, err
	}
	if c.MaxStepMult, err = positive("MaxStepMult", c.MaxStepMult, 10); err != nil {
		return c, err
	}
	if c.MinStepMult > 1 || c.MaxStepMult < 1 {
		return c, fmt.Errorf("gps: Config.MinStepMult = %v, MaxStepMult = %v, want MinStepMult ≤ 1 ≤ MaxStepMult", c.MinStepMult, c.MaxStepMult)
	}
	if c.KL, err = c.KL.WithDefaults(); err != nil {
		return c, fmt.Errorf("gps: Config.KL: %w", err)
	}
	if c.Prior {
		if c.PriorConfig, err = c.PriorConfig.WithDefaults(); err != nil {
			return c, fmt.Errorf("gps: Config.PriorConfig: %w", err)
		}
	}
	if c.Ridge == 0 {
		c.Ridge = 1e-6
	}
	if !(c.Ridge >= 0) || math.IsInf(c.Ridge, 0) {
		return c, fmt.Errorf("gps: Config.Ridge = %v, want a finite value ≥ 0", c.Ridge)
	}
	if !(c.LimitWeight >= 0) || math.IsInf(c.LimitWeight, 0) {
		return c, fmt.Errorf("gps: Config.LimitWeight = %v, want a finite value ≥ 0", c.LimitWeight)
	}
	if c.DropFactor != 0 && !(c.DropFactor >= 1 && !math.IsInf(c.DropFactor, 0)) {
		return c, fmt.Errorf("gps: Config.DropFactor = %v, want 0 (off) or a finite value ≥ 1", c.DropFactor)
	}
	if c.Perturb < 0 || c.Perturb > 100 {
		return c, fmt.Errorf("gps: Config.Perturb = %d, want 0 … 100", c.Perturb)
	}
	if c.Perturb > 0 {
		if c.PerturbScale, err = positive("PerturbScale", c.PerturbScale, 0.1); err != nil {
			return c, err
		}
	}
	if c.Observer == nil {
		c.Observer = imitation.FullState{}
	}
	if c.Fit.Epochs == 0 {
		c.Fit.Epochs = 20
	}
	if c.Fit.BatchSize == 0 {
		c.Fit.BatchSize = 256
	}
	if c.Fit.LearningRate == 0 {
		c.Fit.LearningRate = 3e-3
	}
	if _, err := c.Fit.WithDefaults(); err != nil {
		return c, fmt.Errorf("gps: Config.Fit: %w", err)
	}
	if c.Rho0, err = positive("Rho0", c.Rho0, 1); err != nil {
		return c, err
	}
	if c.RhoGrow == 0 {
		c.RhoGrow = 2
	}
	if !(c.RhoGrow >= 1) || math.IsInf(c.RhoGrow, 0) {
		return c, fmt.Errorf("gps: Config.RhoGrow = %v, want a finite value ≥ 1", c.RhoGrow)
	}
	if c.RhoDrop == 0 {
		c.RhoDrop = 0.8
	}
	if !(c.RhoDrop > 0 && c.RhoDrop <= 1) {
		return c, fmt.Errorf("gps: Config.RhoDrop = %v, want a value in (0, 1]", c.RhoDrop)
	}
	if c.RhoMax, err = positive("RhoMax", c.RhoMax, 1e4); err != nil {
		return c, err
	}
	if c.RhoMax < c.Rho0 {
		return c, fmt.Errorf("gps: Config.RhoMax = %v is below Rho0 = %v", c.RhoMax, c.Rho0)
	}
	return c, nil
}

func positive(name string, v, def float64) (float64, error) {
	if v == 0 {
		v = def
	}
	if !(v > 0) || math.IsInf(v, 0) {
		return v, fmt.Errorf("gps: Config.%s = %v, want a finite value > 0", name, v)
	}
	return v, nil
}

// Condition is one training condition: its start, its local
// linear-Gaussian controller p_i(u|x) and what the last iteration learned
// about it.
type Condition struct {
	X0 []float64
	// Controller is the local controller p_i(u_t|x_t) = N(K_t x_t + k_t, Σ_t).
	Controller *lqr.Controller
	// Samples are the last N rollouts of the controller on the real system
	// (drawn by the last trajectory step, before its update).
	Samples system.Batch
	// Dynamics is the local model fitted to Samples.
	Dynamics *lqr.Dynamics
	// Lambda holds λ_t (T vectors of length m) and Rho ρ_t (T values) of
	// the augmented Lagrangian on u_t = π_θ(x_t).
	Lambda [][]float64
	Rho    []float64
	// SampleCost is the mean task cost of Samples.
	SampleCost float64
	// Mismatch is the last E‖π_θ(o) − μ_p(x)‖ over Samples (NaN before
	// the first DualStep), the basis of ρ's update.
	Mismatch float64
}

// GPS holds the state of guided policy search on one task: a local
// controller per training condition and one global policy π_θ. Its steps
// are methods a notebook cell can call one at a time; it is not safe for
// concurrent use.
type GPS struct {
	task  *imitation.Task
	cfg   Config
	cost  cost.Cost // the cost the local controllers minimise
	conds []*Condition
	pol   *imitation.Policy
	prior *dynfit.GMMPrior
	n, m  int
	iter  int // trajectory steps made
	fits  int // policy fits made
	// stepped reports whether the controllers were updated since the last
	// sampling (PolicyStep and DualStep need a TrajectoryStep first).
	stepped bool
	// stepMult is MDGPS's multiplier of Epsilon; last holds, per
	// condition, what its last MDGPS update was made from (nil before the
	// first), for the step-size rule.
	stepMult float64
	last     []mdUpdate
}

// mdUpdate is what an MDGPS update of one condition was made from: the
// KL target p̄ (the policy's linearisation, or the previous controller at
// the first iteration), the new controller, and the model and cost
// expansion it was solved under.
type mdUpdate struct {
	target, next *lqr.Controller
	dyn          *lqr.Dynamics
	q            *lqr.QuadraticCost
}

// New checks the task and the settings and returns guided policy search
// at iteration 0: every local controller the exploratory N(0, InitVar·I),
// λ = 0, ρ = Rho0, and an untrained policy.
func New(task *imitation.Task, cfg Config) (*GPS, error) {
	if task == nil {
		return nil, errors.New("gps: nil task")
	}
	if len(task.Train) == 0 {
		return nil, fmt.Errorf("gps: task %q has no training conditions", task.Name)
	}
	if err := task.Validate(); err != nil {
		return nil, fmt.Errorf("gps: %w", err)
	}
	cfg, err := cfg.WithDefaults()
	if err != nil {
		return nil, err
	}
	n := task.System.StateDim()
	m := task.System.ActionDim()
	if cn, cm := task.Cost.Dims(); cn != n || cm != m {
		return nil, fmt.Errorf("gps: task %q cost has n = %d, m = %d, system n = %d, m = %d", task.Name, cn, cm, n, m)
	}
	obsDim, err := cfg.Observer.ObsDim(n)
	if err != nil {
		return nil, fmt.Errorf("gps: observer %s: %w", cfg.Observer.Name(), err)
	}
	pc := cfg.Policy
	if pc.ObsDim != 0 && pc.ObsDim != obsDim || pc.ActDim != 0 && pc.ActDim != m {
		return nil, fmt.Errorf("gps: Config.Policy has ObsDim = %d, ActDim = %d, the task gives %d and %d", pc.ObsDim, pc.ActDim, obsDim, m)
	}
	pc.ObsDim, pc.ActDim = obsDim, m
	if pc.Seed == 0 {
		pc.Seed = cfg.Seed
	}
	pol, err := imitation.NewPolicy(pc)
	if err != nil {
		return nil, fmt.Errorf("gps: %w", err)
	}
	g := &GPS{task: task, cfg: cfg, pol: pol, n: n, m: m, cost: task.Cost, stepMult: 1}
	if cfg.LimitWeight > 0 {
		lo, hi := task.System.ActionLimits()
		if g.cost, err = cost.NewLimitPenalty(task.Cost, lo, hi, cfg.LimitWeight); err != nil {
			return nil, err
		}
	}
	if cfg.Prior {
		pcfg := cfg.PriorConfig
		if pcfg.Seed == 0 {
			pcfg.Seed = cfg.Seed
		}
		if g.prior, err = dynfit.NewGMMPrior(pcfg); err != nil {
			return nil, fmt.Errorf("gps: %w", err)
		}
	}
	for i, x0 := range task.Train {
		ctrl, err := lqr.NewConstantController(n, m, task.T, nil, cfg.InitVar)
		if err != nil {
			return nil, fmt.Errorf("gps: condition %d: %w", i, err)
		}
		c := &Condition{X0: append([]float64(nil), x0...), Controller: ctrl, Mismatch: math.NaN(),
			Lambda: make([][]float64, task.T), Rho: make([]float64, task.T)}
		for t := range c.Lambda {
			c.Lambda[t] = make([]float64, m)
			c.Rho[t] = cfg.Rho0
		}
		g.conds = append(g.conds, c)
	}
	return g, nil
}

// Task returns the task.
func (g *GPS) Task() *imitation.Task { return g.task }

// Config returns the settings with defaults filled in.
func (g *GPS) Config() Config { return g.cfg }

// Policy returns the global policy π_θ (shared, not a copy).
func (g *GPS) Policy() *imitation.Policy { return g.pol }

// Conditions returns the training conditions (shared, not copies).
func (g *GPS) Conditions() []*Condition { return g.conds }

// Controllers returns the local controllers, one per condition (shared).
func (g *GPS) Controllers() []*lqr.Controller {
	out := make([]*lqr.Controller, len(g.conds))
	for i, c := range g.conds {
		out[i] = c.Controller
	}
	return out
}

// StepMult returns MDGPS's current multiplier of Epsilon (1 until the
// second MDGPS iteration adapts it; always 1 with FixedStep).
func (g *GPS) StepMult() float64 { return g.stepMult }

// Iteration returns the number of trajectory steps made so far.
func (g *GPS) Iteration() int { return g.iter }

// PolicyTrained reports whether the policy has been fitted at least once.
func (g *GPS) PolicyTrained() bool { return g.fits > 0 }

// rng returns the random stream of one (iteration, condition, purpose).
func (g *GPS) rng(i, purpose int) *rand.Rand {
	return rand.New(rand.NewPCG(g.cfg.Seed, uint64(g.iter)<<20|uint64(i)<<4|uint64(purpose)))
}

// sample runs every local controller N times from its start (in parallel
// over conditions) and fits each condition's local dynamics (least squares
// with Ridge, or under the shared GMM prior updated with every condition's
// new samples).
func (g *GPS) sample() error {
	errs := make([]error, len(g.conds))
	var wg sync.WaitGroup
	for i, c := range g.conds {
		wg.Add(1)
		go func(i int, c *Condition) {
			defer wg.Done()
			s, err := system.Rollouts(g.task.System, c.Controller, c.X0, 0, g.cfg.Samples, g.task.T, g.rng(i, 0))
			if err != nil {
				errs[i] = fmt.Errorf("gps: condition %d: sampling: %w", i, err)
				return
			}
			c.Samples = s
		}(i, c)
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return err
	}
	if g.prior != nil {
		var all system.Batch
		for _, c := range g.conds {
			all = append(all, c.Samples...)
		}
		if err := g.prior.Update(all); err != nil {
			return fmt.Errorf("gps: GMM prior: %w", err)
		}
	}
	for i, c := range g.conds {
		var dyn *lqr.Dynamics
		var err error
		if g.prior != nil {
			dyn, err = dynfit.FitWithPrior(c.Samples, g.prior, g.cfg.Ridge)
		} else {
			dyn, err = dynfit.LeastSquares(c.Samples, g.cfg.Ridge)
		}
		if err != nil {
			return fmt.Errorf("gps: condition %d: dynamics fit: %w", i, err)
		}
		c.Dynamics = dyn
	}
	return nil
}

// observations returns the observation of every sampled state x_t, t < T,
// of condition c (rows in rollout-major order) and the matching states.
func (g *GPS) observations(c *Condition) (obs, xs [][]float64) {
	od := g.pol.ObsDim()
	for _, tr := range c.Samples {
		for t := 0; t < g.task.T; t++ {
			prev := tr.X[t]
			if t > 0 {
				prev = tr.X[t-1]
			}
			o := make([]float64, od)
			g.cfg.Observer.Observe(o, tr.X[t], prev)
			obs = append(obs, o)
			xs = append(xs, tr.X[t])
		}
	}
	return obs, xs
}

// stateSpread returns each state component's standard deviation over
// every condition's sampled states x_t, t < T.
func (g *GPS) stateSpread() []float64 {
	sum, sq := make([]float64, g.n), make([]float64, g.n)
	k := 0.0
	for _, c := range g.conds {
		for _, tr := range c.Samples {
			for t := 0; t < g.task.T; t++ {
				for j, v := range tr.X[t] {
					sum[j] += v
					sq[j] += v * v
				}
				k++
			}
		}
	}
	out := make([]float64, g.n)
	for j := range out {
		m := sum[j] / k
		out[j] = math.Sqrt(math.Max(0, sq[j]/k-m*m))
	}
	return out
}

// perturbed returns Config.Perturb copies of condition c's (index i)
// sampled states x_t, t < T, each moved by δ ~ N(0, diag(PerturbScale ·
// spread)²), their observations (the previous state moved by the same δ)
// and their time steps.
func (g *GPS) perturbed(c *Condition, i int, spread []float64) (obs, xs [][]float64, ts []int) {
	r := g.rng(i, 2)
	od := g.pol.ObsDim()
	for k := 0; k < g.cfg.Perturb; k++ {
		for _, tr := range c.Samples {
			for t := 0; t < g.task.T; t++ {
				x, prev := make([]float64, g.n), make([]float64, g.n)
				for j := range x {
					d := g.cfg.PerturbScale * spread[j] * r.NormFloat64()
					x[j] = tr.X[t][j] + d
					p := tr.X[t][j]
					if t > 0 {
						p = tr.X[t-1][j]
					}
					prev[j] = p + d
				}
				o := make([]float64, od)
				g.cfg.Observer.Observe(o, x, prev)
				obs, xs, ts = append(obs, o), append(xs, x), append(ts, t)
			}
		}
	}
	return obs, xs, ts
}

// linearize returns π_θ linearised at the mean sampled state of each step
// of condition c: the gain G_t = ∂μ/∂o · ∂o/∂x_t (the observer's
// derivative by central differences, the previous state held at its mean)
// and the offset g_t = μ(ō_t) − G_t x̄_t, with covariance cov (m×m
// diagonal variances) at every step.
func (g *GPS) linearize(c *Condition, variances []float64) (*lqr.Controller, error) {
	T, n, m := g.task.T, g.n, g.m
	od := g.pol.ObsDim()
	xbar := make([][]float64, T)
	pbar := make([][]float64, T)
	obs := make([][]float64, T)
	N := float64(len(c.Samples))
	for t := 0; t < T; t++ {
		xbar[t] = make([]float64, n)
		pbar[t] = make([]float64, n)
		for _, tr := range c.Samples {
			prev := tr.X[t]
			if t > 0 {
				prev = tr.X[t-1]
			}
			for j := 0; j < n; j++ {
				xbar[t][j] += tr.X[t][j] / N
				pbar[t][j] += prev[j] / N
			}
		}
		obs[t] = make([]float64, od)
		g.cfg.Observer.Observe(obs[t], xbar[t], pbar[t])
	}
	mu, J, err := g.pol.Linearize(obs)
	if err != nil {
		return nil, fmt.Errorf("gps: linearising the policy: %w", err)
	}
	ctrl, err := lqr.NewConstantController(n, m, T, nil, 1)
	if err != nil {
		return nil, err
	}
	// ∂o/∂x_t by central differences of the observer (exact for linear
	// observers such as FullState and Positions).
	D := mat.NewDense(od, n, nil)
	op, om := make([]float64, od), make([]float64, od)
	xp, xm := make([]float64, n), make([]float64, n)
	for t := 0; t < T; t++ {
		for j := 0; j < n; j++ {
			const h = 1e-5
			copy(xp, xbar[t])
			copy(xm, xbar[t])
			xp[j] += h
			xm[j] -= h
			if t == 0 { // the first observation sees x_0 as its own previous state
				g.cfg.Observer.Observe(op, xp, xp)
				g.cfg.Observer.Observe(om, xm, xm)
			} else {
				g.cfg.Observer.Observe(op, xp, pbar[t])
				g.cfg.Observer.Observe(om, xm, pbar[t])
			}
			for r := 0; r < od; r++ {
				D.Set(r, j, (op[r]-om[r])/(2*h))
			}
		}
		ctrl.K[t].Mul(J[t], D)
		for r := 0; r < m; r++ {
			v := mu[t][r]
			for j := 0; j < n; j++ {
				v -= ctrl.K[t].At(r, j) * xbar[t][j]
			}
			ctrl.Kff[t].SetVec(r, v)
			for s := 0; s < m; s++ {
				if r == s {
					ctrl.Cov[t].SetSym(r, s, variances[r])
				} else {
					ctrl.Cov[t].SetSym(r, s, 0)
				}
			}
		}
	}
	if _, _, _, err := ctrl.Dims(); err != nil {
		return nil, fmt.Errorf("gps: the policy's linearisation: %w", err)
	}
	return ctrl, nil
}

// controllerVariance returns the mean over conditions and steps of the
// local controllers' action variances diag Σ_t, component by component.
func (g *GPS) controllerVariance() []float64 {
	v := make([]float64, g.m)
	k := 0.0
	for _, c := range g.conds {
		for t := range c.Controller.Cov {
			for j := 0; j < g.m; j++ {
				v[j] += c.Controller.Cov[t].At(j, j)
			}
			k++
		}
	}
	for j := range v {
		v[j] /= k
	}
	return v
}

// fitPolicy regresses π_θ on (obs, targets) with optional integer
// repetitions per row (nil: once each).
func (g *GPS) fitPolicy(obs, targets [][]float64, reps []int) ([]float64, error) {
	if reps != nil {
		var o2, t2 [][]float64
		for i := range obs {
			for r := 0; r < reps[i]; r++ {
				o2 = append(o2, obs[i])
				t2 = append(t2, targets[i])
			}
		}
		obs, targets = o2, t2
	}
	fc := g.cfg.Fit
	fc.Seed = g.cfg.Seed ^ uint64(g.fits+1)*0x9e3779b97f4a7c15
	loss, err := g.pol.Fit(obs, targets, fc)
	if err != nil {
		return nil, fmt.Errorf("gps: policy fit: %w", err)
	}
	g.fits++
	return loss, nil
}

// mismatch returns, for condition c, E‖π_θ(o) − μ_p(x)‖ over its samples,
// and the per-step mean of π_θ(o) − μ_p(x) (T vectors of length m).
func (g *GPS) mismatch(c *Condition) (float64, [][]float64, error) {
	obs, xs := g.observations(c)
	pi, err := g.pol.Mean(obs)
	if err != nil {
		return 0, nil, fmt.Errorf("gps: policy: %w", err)
	}
	T := g.task.T
	perStep := make([][]float64, T)
	for t := range perStep {
		perStep[t] = make([]float64, g.m)
	}
	u := make([]float64, g.m)
	total := 0.0
	N := float64(len(c.Samples))
	for b := range obs {
		t := b % T
		c.Controller.Mean(u, t, xs[b])
		d2 := 0.0
		for j := 0; j < g.m; j++ {
			d := pi[b][j] - u[j]
			perStep[t][j] += d / N
			d2 += d * d
		}
		total += math.Sqrt(d2)
	}
	return total / float64(len(obs)), perStep, nil
}

// Evaluate runs the global policy noise-free from each start (the task's
// held-out Test starts when starts is nil) and judges the runs.
func (g *GPS) Evaluate(starts [][]float64) (*imitation.Evaluation, error) {
	if starts == nil {
		starts = g.task.Test
	}
	return imitation.Evaluate(g.task, func(int) (system.Policy, error) { return g.pol.Runner(g.cfg.Observer), nil }, starts)
}
