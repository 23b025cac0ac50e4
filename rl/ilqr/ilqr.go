package ilqr

import (
	"errors"
	"fmt"
	"math"

	"github.com/rlcontrol/rlcontrol/rl/constrained"
	"github.com/rlcontrol/rlcontrol/rl/cost"
	"github.com/rlcontrol/rlcontrol/rl/internal/config"
	"github.com/rlcontrol/rlcontrol/rl/lqr"
	"github.com/rlcontrol/rlcontrol/rl/system"
	"gonum.org/v1/gonum/mat"
)

// Config holds iLQR's settings. The zero value of every field selects the
// default given in its comment.
type Config struct {
	// MaxIter caps the iterations (default 200).
	MaxIter int
	// TolFun stops when an accepted step improves the cost by less than
	// TolFun·|J| (relative; default 1e-7).
	TolFun float64
	// TolGrad stops when the feedforward terms are negligible: the mean over
	// t of max_i |k_t,i| / (|û_t,i| + 1) falls below TolGrad (default 1e-4).
	TolGrad float64
	// MuInit is the initial regularisation μ (default 1; > 0). A value
	// below MuMin starts unregularised, μ = 0, as the schedule's snap to 0
	// does (e.g. MuInit: 1e-9 with the default MuMin).
	MuInit float64
	// MuMin is the smallest non-zero μ; below it μ snaps to 0 (default 1e-6).
	MuMin float64
	// MuMax: iLQR gives up when μ must exceed it (default 1e10).
	MuMax float64
	// MuFactor is Δ₀ of the schedule, > 1 (default 1.6, as in Tassa's code;
	// the paper uses 2).
	MuFactor float64
	// Alphas are the line-search step sizes tried in order (default
	// 10^linspace(0, −3, 11): 1, 0.5, 0.25, …, 0.001).
	Alphas []float64
	// MinRatio is the smallest accepted ratio z of actual to expected
	// reduction (default 0: accept any real improvement; Tassa suggests up
	// to 0.1 for a stricter search).
	MinRatio float64
	// AlwaysAccept turns the line search off, for teaching: the first step
	// size in Alphas is taken whatever it does to the cost (as long as the
	// rollout stays finite). Comparing a run with and without it shows why
	// iLQR needs the line search.
	AlwaysAccept bool
	// Unconstrained ignores the system's action limits when true.
	Unconstrained bool
	// Progress, if set, is called after every iteration, e.g. to print a line
	// or update a notebook progress display.
	Progress func(Iteration)
}

// WithDefaults returns c with its zero fields set to the defaults in their
// comments, or an error naming the first invalid field and its value.
func (c Config) WithDefaults() (Config, error) {
	config.Or(&c.MaxIter, 200)
	config.Or(&c.TolFun, 1e-7)
	config.Or(&c.TolGrad, 1e-4)
	config.Or(&c.MuInit, 1)
	config.Or(&c.MuMin, 1e-6)
	config.Or(&c.MuMax, 1e10)
	config.Or(&c.MuFactor, 1.6)
	if c.Alphas == nil {
		c.Alphas = make([]float64, 11)
		for i := range c.Alphas {
			c.Alphas[i] = math.Pow(10, -0.3*float64(i))
		}
	}
	const fn = "ilqr: Config"
	switch {
	case c.MaxIter < 0:
		return c, fmt.Errorf("%s.MaxIter = %d, want > 0", fn, c.MaxIter)
	case !config.Positive(c.TolFun):
		return c, fmt.Errorf("%s.TolFun = %v, want > 0", fn, c.TolFun)
	case !config.Positive(c.TolGrad):
		return c, fmt.Errorf("%s.TolGrad = %v, want > 0", fn, c.TolGrad)
	case !config.Positive(c.MuInit):
		return c, fmt.Errorf("%s.MuInit = %v, want > 0 (below MuMin for μ = 0)", fn, c.MuInit)
	case !config.Positive(c.MuMin):
		return c, fmt.Errorf("%s.MuMin = %v, want > 0", fn, c.MuMin)
	case !(c.MuMax > c.MuMin) || math.IsInf(c.MuMax, 1):
		return c, fmt.Errorf("%s.MuMax = %v, want finite and > MuMin = %v", fn, c.MuMax, c.MuMin)
	case !(c.MuFactor > 1) || math.IsInf(c.MuFactor, 1):
		return c, fmt.Errorf("%s.MuFactor = %v, want finite and > 1", fn, c.MuFactor)
	case !(c.MinRatio >= 0 && c.MinRatio < 1):
		return c, fmt.Errorf("%s.MinRatio = %v, want a value in [0, 1)", fn, c.MinRatio)
	case len(c.Alphas) == 0:
		return c, fmt.Errorf("%s.Alphas is empty", fn)
	}
	for i, a := range c.Alphas {
		if !(a > 0 && a <= 1) {
			return c, fmt.Errorf("%s.Alphas[%d] = %v, want a value in (0, 1]", fn, i, a)
		}
	}
	return c, nil
}

// Iteration records one iLQR iteration.
type Iteration struct {
	Iter           int     // 1-based
	Cost           float64 // cost after the iteration (unchanged if rejected)
	Alpha          float64 // accepted step size (0 when no step was accepted)
	Mu             float64 // regularisation used by the backward pass
	Expected       float64 // expected reduction −(α·DV1 + α²·DV2) at the tried α
	Actual         float64 // actual reduction J_old − J_new at the tried α
	Ratio          float64 // Actual / Expected
	GradNorm       float64 // the TolGrad measure of the feedforward terms
	Accepted       bool    // whether the forward pass was accepted
	BackwardFailed bool    // whether Q̃uu was not PD (μ was raised, no forward pass)
}

// Result is the outcome of a solve.
type Result struct {
	// Trajectory is the final trajectory: X holds T+1 states, U T actions.
	system.Trajectory
	Cost float64
	// Solution is the backward pass at the final trajectory: the feedback
	// gains K_t, feedforward k_t and Q̃uu_t, in deviation coordinates around
	// (X, U). Nil if that last backward pass failed. It is owned by the
	// Solver and overwritten by its next Solve: Clone it to keep it.
	Solution *lqr.Solution
	History  []Iteration
	// Converged is Status.Success().
	Converged bool
	// Status says why the solver stopped: Converged (relative improvement
	// below TolFun), SmallGradient (feedforward terms below TolGrad),
	// RegularizationLimit (μ passed MuMax) or IterationLimit.
	Status constrained.Status
}

// Solver holds the workspace for repeated solves of one system, cost and
// horizon. It is not safe for concurrent use.
type Solver struct {
	sys    system.System
	cost   cost.Cost
	T      int
	n, m   int
	cfg    Config
	lo, hi []float64 // action limits (nil if unconstrained)

	prob lqr.Problem
	lqr  *lqr.Solver
	opts lqr.Options
	d    *cost.Derivs
	xs   [][]float64 // nominal
	us   [][]float64
	xn   [][]float64 // candidate
	un   [][]float64
	dx   []float64
	fin  *mat.Dense
	finx *mat.VecDense
}

// New validates the system, cost, horizon and configuration and allocates
// the workspace. It returns an error for a nil system, one whose Validate
// method (the systems of package system have one) fails, a typed nil
// included, dimensions below 1, a nil cost (a typed nil included) or one of
// other dimensions, T < 1, invalid action limits (NaN, lo > hi, lo = +Inf
// or hi = −Inf), an invalid cfg, and, before allocating, sizes above
// limits.MaxElements (lqr.NewSolver's check).
func New(sys system.System, c cost.Cost, T int, cfg Config) (*Solver, error) {
	if err := validate("New: system", sys); err != nil {
		return nil, err
	}
	n, m := sys.StateDim(), sys.ActionDim()
	if n < 1 || m < 1 {
		return nil, fmt.Errorf("ilqr: system %s has n = %d states and m = %d actions, want ≥ 1 of each", sys.Name(), n, m)
	}
	if err := cost.Check(c, n, m); err != nil {
		return nil, fmt.Errorf("ilqr: %w", err)
	}
	if T <= 0 {
		return nil, fmt.Errorf("ilqr: horizon T = %d, want > 0", T)
	}
	if dt := sys.Dt(); !(dt > 0) || math.IsInf(dt, 0) {
		return nil, fmt.Errorf("ilqr: system %s has time step dt = %v, want > 0", sys.Name(), dt)
	}
	cfg, err := cfg.WithDefaults()
	if err != nil {
		return nil, err
	}
	lq, err := lqr.NewSolver(n, m, T)
	if err != nil {
		return nil, err
	}
	s := &Solver{sys: sys, cost: c, T: T, n: n, m: m, cfg: cfg, lqr: lq, d: cost.NewDerivs(n, m), dx: make([]float64, n)}
	if !cfg.Unconstrained {
		lo, hi := sys.ActionLimits()
		if len(lo) != m || len(hi) != m {
			return nil, fmt.Errorf("ilqr: system %s reports %d lower and %d upper action limits, want %d", sys.Name(), len(lo), len(hi), m)
		}
		finite := false
		for i := range lo {
			if math.IsNaN(lo[i]) || math.IsNaN(hi[i]) || lo[i] > hi[i] || math.IsInf(lo[i], 1) || math.IsInf(hi[i], -1) {
				return nil, fmt.Errorf("ilqr: system %s's action limits lo[%d] = %v, hi[%d] = %v are invalid: want lo ≤ hi, lo < +Inf and hi > −Inf", sys.Name(), i, lo[i], i, hi[i])
			}
			finite = finite || !math.IsInf(lo[i], 0) || !math.IsInf(hi[i], 0)
		}
		if finite {
			s.lo, s.hi = lo, hi
		}
	}
	s.xs, s.us, s.xn, s.un = system.Grid(T+1, n), system.Grid(T, m), system.Grid(T+1, n), system.Grid(T, m)
	s.prob.Steps = make([]lqr.Step, T)
	for t := range s.prob.Steps {
		s.prob.Steps[t] = lqr.Step{
			A: mat.NewDense(n, n, nil), B: mat.NewDense(n, m, nil),
			Cxx: mat.NewDense(n, n, nil), Cuu: mat.NewDense(m, m, nil), Cux: mat.NewDense(m, n, nil),
			Cx: mat.NewVecDense(n, nil), Cu: mat.NewVecDense(m, nil),
		}
		if s.lo != nil {
			s.opts.Lower = append(s.opts.Lower, mat.NewVecDense(m, nil))
			s.opts.Upper = append(s.opts.Upper, mat.NewVecDense(m, nil))
		}
	}
	s.fin, s.finx = mat.NewDense(n, n, nil), mat.NewVecDense(n, nil)
	s.prob.Final = lqr.Final{Cxx: s.fin, Cx: s.finx}
	return s, nil
}

// Solve is the one-call form of New followed by Solver.Solve.
func Solve(sys system.System, c cost.Cost, x0 []float64, u0 [][]float64, cfg Config) (*Result, error) {
	s, err := New(sys, c, len(u0), cfg)
	if err != nil {
		return nil, err
	}
	return s.Solve(x0, u0)
}

// Horizon returns T. It panics if s is nil.
func (s *Solver) Horizon() int { return s.T }

func (s *Solver) clamp(u []float64) {
	if s.lo == nil {
		return
	}
	for i := range u {
		u[i] = math.Min(math.Max(u[i], s.lo[i]), s.hi[i])
	}
}

// rollout simulates from xs[0] with us (clamped in place) and returns the cost,
// or +Inf if the simulation or the cost blows up.
func (s *Solver) rollout(xs, us [][]float64) float64 {
	J := 0.0
	for t := 0; t < s.T; t++ {
		s.clamp(us[t])
		if err := s.sys.Step(xs[t+1], xs[t], us[t]); err != nil {
			return math.Inf(1)
		}
		J += s.cost.Stage(t, xs[t], us[t])
	}
	J += s.cost.Final(xs[s.T])
	if math.IsNaN(J) {
		return math.Inf(1)
	}
	return J
}

// forward runs the closed-loop forward pass with step α into (xn, un).
func (s *Solver) forward(sol *lqr.Solution, alpha float64) float64 {
	n, m := s.n, s.m
	copy(s.xn[0], s.xs[0])
	J := 0.0
	for t := 0; t < s.T; t++ {
		for i := 0; i < n; i++ {
			s.dx[i] = s.xn[t][i] - s.xs[t][i]
		}
		K := sol.K[t].RawMatrix().Data
		k := sol.Kff[t].RawVector().Data
		u := s.un[t]
		for i := 0; i < m; i++ {
			acc := s.us[t][i] + alpha*k[i]
			for j := 0; j < n; j++ {
				acc += K[i*n+j] * s.dx[j]
			}
			u[i] = acc
		}
		s.clamp(u)
		if err := s.sys.Step(s.xn[t+1], s.xn[t], u); err != nil {
			return math.Inf(1)
		}
		J += s.cost.Stage(t, s.xn[t], u)
		if math.IsNaN(J) || math.IsInf(J, 0) {
			return math.Inf(1)
		}
	}
	J += s.cost.Final(s.xn[s.T])
	if math.IsNaN(J) {
		return math.Inf(1)
	}
	return J
}

// linearize fills the LQR problem with the Jacobians and cost derivatives
// along the nominal trajectory, and the box in deviation coordinates.
func (s *Solver) linearize() error {
	for t := 0; t < s.T; t++ {
		st := &s.prob.Steps[t]
		if err := s.sys.Jacobians(st.A.RawMatrix().Data, st.B.RawMatrix().Data, s.xs[t], s.us[t]); err != nil {
			return fmt.Errorf("ilqr: Jacobians at t = %d: %w", t, err)
		}
		s.cost.StageDerivs(s.d, t, s.xs[t], s.us[t])
		copy(st.Cx.RawVector().Data, s.d.Lx)
		copy(st.Cu.RawVector().Data, s.d.Lu)
		copy(st.Cxx.RawMatrix().Data, s.d.Lxx)
		copy(st.Cuu.RawMatrix().Data, s.d.Luu)
		copy(st.Cux.RawMatrix().Data, s.d.Lux)
		if s.lo != nil {
			lo, hi := s.opts.Lower[t].RawVector().Data, s.opts.Upper[t].RawVector().Data
			for i := range lo {
				lo[i] = s.lo[i] - s.us[t][i]
				hi[i] = s.hi[i] - s.us[t][i]
			}
		}
	}
	s.cost.FinalDerivs(s.d, s.xs[s.T])
	copy(s.finx.RawVector().Data, s.d.Lx)
	copy(s.fin.RawMatrix().Data, s.d.Lxx)
	return nil
}

// Solve optimises the actions from the start state x0 and the initial
// action sequence u0 (T actions; clamped to the limits). It returns an error
// for bad input, a non-finite initial cost, or a failure of the Jacobians; a
// run that stops without converging (μ above MuMax, MaxIter reached) is not
// an error: Result.Converged is false and Result.Status says why.
func (s *Solver) Solve(x0 []float64, u0 [][]float64) (*Result, error) {
	switch {
	case s == nil:
		return nil, errors.New("ilqr: Solve: nil Solver (make one with New)")
	case s.lqr == nil:
		return nil, errors.New("ilqr: Solve: the Solver was not made by New")
	}
	if err := system.CheckVec("ilqr: x0", x0, s.n); err != nil {
		return nil, err
	}
	if len(u0) != s.T {
		return nil, fmt.Errorf("ilqr: u0 has %d actions, want T = %d", len(u0), s.T)
	}
	for t, u := range u0 {
		if !finiteLen(u, s.m) { // format the message only on error
			return nil, system.CheckVec(fmt.Sprintf("ilqr: u0[%d]", t), u, s.m)
		}
		copy(s.us[t], u)
	}
	copy(s.xs[0], x0)
	J := s.rollout(s.xs, s.us)
	if math.IsInf(J, 0) {
		return nil, fmt.Errorf("ilqr: the initial rollout of %s from x0 = %v has a non-finite cost; start from smaller actions", s.sys.Name(), x0)
	}
	cfg := &s.cfg
	// MaxIter caps the iterations; it does not size the history (it may be
	// huge: "until converged").
	res := &Result{History: make([]Iteration, 0, min(cfg.MaxIter, maxHistoryCap))}
	mu, delta := cfg.MuInit, 1.0
	if mu < cfg.MuMin {
		mu = 0 // MuInit below MuMin: start unregularised
	}
	// increase raises μ after a failure; it reports false, with the status
	// set, when μ would exceed MuMax.
	increase := func() bool {
		delta = math.Max(cfg.MuFactor, delta*cfg.MuFactor)
		mu = math.Max(cfg.MuMin, mu*delta)
		if mu > cfg.MuMax {
			res.Status = constrained.RegularizationLimit
			return false
		}
		return true
	}
	decrease := func() {
		delta = math.Min(1/cfg.MuFactor, delta/cfg.MuFactor)
		if mu*delta > cfg.MuMin {
			mu *= delta
		} else {
			mu = 0
		}
	}
	changed := true
	for iter := 1; iter <= cfg.MaxIter; iter++ {
		if changed {
			if err := s.linearize(); err != nil {
				return nil, err
			}
			changed = false
		}
		it := Iteration{Iter: iter, Cost: J, Mu: mu}
		s.opts.Mu = mu
		sol, err := s.lqr.Backward(&s.prob, s.opts)
		if err != nil {
			if !lqr.IsNotPD(err) {
				return nil, fmt.Errorf("ilqr: backward pass: %w", err)
			}
			it.BackwardFailed = true
			s.record(res, it)
			if !increase() {
				break
			}
			continue
		}
		it.GradNorm = s.gradNorm(sol)
		if it.GradNorm < cfg.TolGrad && mu < 1e-5 {
			s.record(res, it)
			res.Status = constrained.SmallGradient
			break
		}
		var Jnew float64
		for _, alpha := range cfg.Alphas {
			Jnew = s.forward(sol, alpha)
			it.Alpha = alpha
			it.Expected = -(alpha*sol.DV1 + alpha*alpha*sol.DV2)
			it.Actual = J - Jnew
			switch {
			case it.Expected > 0:
				it.Ratio = it.Actual / it.Expected
			case it.Actual > 0:
				it.Ratio = 1 // the model predicts no gain, yet the cost fell: take it
			default:
				it.Ratio = -1
			}
			if (it.Ratio > cfg.MinRatio || cfg.AlwaysAccept) && !math.IsInf(Jnew, 0) {
				it.Accepted = true
				break
			}
		}
		if !it.Accepted {
			it.Alpha = 0
			s.record(res, it)
			if !increase() {
				break
			}
			continue
		}
		decrease()
		s.xs, s.xn = s.xn, s.xs
		s.us, s.un = s.un, s.us
		changed = true
		it.Cost = Jnew
		J = Jnew
		s.record(res, it)
		if it.Actual >= 0 && it.Actual < cfg.TolFun*math.Abs(J) {
			res.Status = constrained.Converged
			break
		}
	}
	if res.Status == constrained.NotTerminated {
		res.Status = constrained.IterationLimit
	}
	res.Converged = res.Status.Success()
	res.Cost = J
	res.Trajectory = system.Trajectory{X: s.xs, U: s.us}.Clone()
	if err := s.linearize(); err != nil {
		return nil, err
	}
	s.opts.Mu = mu
	if sol, err := s.lqr.Backward(&s.prob, s.opts); err == nil {
		res.Solution = sol
	}
	return res, nil
}

// maxHistoryCap is the most iterations Solve preallocates history for.
const maxHistoryCap = 1024

// validate returns an error naming what if sys is nil or its Validate
// method, if it has one, fails (the systems of package system report a
// typed nil and invalid parameters that way).
func validate(what string, sys system.System) error {
	if sys == nil {
		return fmt.Errorf("ilqr: %s: nil system", what)
	}
	if v, ok := sys.(interface{ Validate() error }); ok {
		if err := v.Validate(); err != nil {
			return fmt.Errorf("ilqr: %s: %w", what, err)
		}
	}
	return nil
}

func (s *Solver) record(res *Result, it Iteration) {
	res.History = append(res.History, it)
	if s.cfg.Progress != nil {
		s.cfg.Progress(it)
	}
}

// gradNorm is Tassa's convergence measure: mean_t max_i |k_t,i|/(|û_t,i|+1).
func (s *Solver) gradNorm(sol *lqr.Solution) float64 {
	total := 0.0
	for t := 0; t < s.T; t++ {
		k := sol.Kff[t].RawVector().Data
		mx := 0.0
		for i, ki := range k {
			mx = math.Max(mx, math.Abs(ki)/(math.Abs(s.us[t][i])+1))
		}
		total += mx
	}
	return total / float64(s.T)
}

func finiteLen(v []float64, n int) bool {
	if len(v) != n {
		return false
	}
	for _, x := range v {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return false
		}
	}
	return true
}
