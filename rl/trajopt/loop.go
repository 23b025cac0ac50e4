package trajopt

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/rlcontrol/rlcontrol/rl/internal/nilcheck"

	"github.com/rlcontrol/rlcontrol/rl/cost"
	"github.com/rlcontrol/rlcontrol/rl/dynfit"
	"github.com/rlcontrol/rlcontrol/rl/internal/config"
	"github.com/rlcontrol/rlcontrol/rl/lqr"
	"github.com/rlcontrol/rlcontrol/rl/system"
	"gonum.org/v1/gonum/stat"
)

// Fitter fits time-varying linear-Gaussian dynamics to one iteration's
// samples. Fitters with a prior also learn from every earlier iteration.
type Fitter interface {
	Fit(s system.Batch) (*lqr.Dynamics, error)
}

// LeastSquares is the plain Fitter: each step's model from that step's
// samples alone (it needs more rollouts than the state and action
// dimensions).
type LeastSquares struct {
	// Reg is added to the diagonal of XᵀX (default 0: none; ≥ 0).
	Reg float64
}

// Fit implements Fitter.
func (l LeastSquares) Fit(s system.Batch) (*lqr.Dynamics, error) {
	return dynfit.LeastSquares(s, l.Reg)
}

// UpdatablePrior is a prior that learns from all samples seen so far (the
// GMM and neural-network priors).
type UpdatablePrior interface {
	dynfit.Prior
	Update(s system.Batch) error
}

// WithPrior fits each iteration's samples under a normal-inverse-Wishart
// prior that is first updated with those samples (so it reflects every
// iteration so far), as guided policy search does.
type WithPrior struct {
	// Prior is the prior to update and fit under (required).
	Prior UpdatablePrior
	// Reg regularises the conditioning of the posterior (default 1e-6;
	// > 0). For reg = 0 call dynfit.FitWithPrior directly.
	Reg float64
}

// WithDefaults returns w with a zero Reg set to its default, or an error
// naming the first invalid field.
func (w WithPrior) WithDefaults() (WithPrior, error) {
	config.Or(&w.Reg, 1e-6)
	switch {
	case w.Prior == nil:
		return w, errors.New("trajopt: WithPrior has a nil prior")
	case nilcheck.IsNil(w.Prior):
		return w, fmt.Errorf("trajopt: WithPrior has a nil prior (a nil %T)", w.Prior)
	case !config.Positive(w.Reg):
		return w, fmt.Errorf("trajopt: WithPrior.Reg = %v, want > 0", w.Reg)
	}
	return w, nil
}

// Fit implements Fitter.
func (w WithPrior) Fit(s system.Batch) (*lqr.Dynamics, error) {
	w, err := w.WithDefaults()
	if err != nil {
		return nil, err
	}
	if err := w.Prior.Update(s); err != nil {
		return nil, err
	}
	return dynfit.FitWithPrior(s, w.Prior, w.Reg)
}

// Config sets up the local-model loop. Zero fields take the defaults in the
// comments.
type Config struct {
	// Iterations is the number of sample–fit–improve rounds (default 10).
	Iterations int
	// Rollouts is the number of samples per iteration (default 5).
	Rollouts int
	// Epsilon is the KL bound per time step: each update keeps
	// D_KL(p(τ) ‖ p̄(τ)) ≤ Epsilon·T·(step multiplier) (default 0.2, as
	// guided policy search). Small: timid updates; large: the new
	// controller leaves the region where the fitted model is valid.
	Epsilon float64
	// FixedStep turns the step-size adaptation off (the bound stays
	// Epsilon·T).
	FixedStep bool
	// MinStepMult and MaxStepMult bound the adaptive multiplier of Epsilon
	// (defaults 0.01 and 10).
	MinStepMult, MaxStepMult float64
	// InitVar is the variance of the first controller's exploration noise
	// (default 1). Its mean action is InitAction (default zero).
	InitVar    float64
	InitAction []float64
	// X0Std is the standard deviation of the start-state noise (default 0).
	X0Std float64
	// Fitter fits the local dynamics (default: least squares with Reg 1e-6).
	Fitter Fitter
	// KL configures the η search of each update (zero fields: KLConfig's
	// defaults; Eta0 is used for the first update only).
	KL KLConfig
	// Seed makes the sampling reproducible.
	Seed uint64
	// Progress, if set, is called after every iteration.
	Progress func(IterStats)
}

// IterStats records one iteration of the loop.
type IterStats struct {
	Iter    int
	Cost    float64 // mean total cost of this iteration's rollouts
	CostStd float64 // their standard deviation
	// MeanCost is the cost of the controller's mean behaviour: one rollout
	// from x0 with the noise switched off (u = K x + k). It measures what
	// the controller has learned, without the exploration noise.
	MeanCost float64
	KL       float64 // KL of the update made this iteration (model's estimate)
	Bound    float64 // the KL bound of that update (Epsilon·T·StepMult)
	Eta      float64 // dual variable reached
	StepMult float64 // step multiplier used for the bound
	// ModelError is the RMS one-step error of the previous iteration's
	// model on this iteration's samples (NaN at the first iteration): it
	// grows when the controller moved out of the model's region.
	ModelError float64
	// PredictedImprovement and ActualImprovement of the previous update,
	// under the Laplace (quadratic) approximation (NaN at the first
	// iteration): what the step adaptation compares.
	PredictedImprovement, ActualImprovement float64
	// FinalState is the mean final state of this iteration's rollouts.
	FinalState []float64
}

// Result is the outcome of Run.
type Result struct {
	Controller *lqr.Controller // the controller after the last update
	Dynamics   *lqr.Dynamics   // the last fitted model
	Samples    system.Batch    // the last iteration's rollouts
	History    []IterStats
}

// WithDefaults returns c with its zero fields set to the defaults in their
// comments (KL's included), or an error naming the first invalid field and
// its value. InitAction's length is checked by Run, which knows m.
func (c Config) WithDefaults() (Config, error) {
	config.Or(&c.Iterations, 10)
	config.Or(&c.Rollouts, 5)
	config.Or(&c.Epsilon, 0.2)
	config.Or(&c.MinStepMult, 0.01)
	config.Or(&c.MaxStepMult, 10)
	config.Or(&c.InitVar, 1)
	config.Or[Fitter](&c.Fitter, LeastSquares{Reg: 1e-6})
	const fn = "trajopt: Config"
	switch {
	case nilcheck.IsNil(c.Fitter):
		return c, fmt.Errorf("%s.Fitter is a nil %T", fn, c.Fitter)
	case c.Iterations < 0:
		return c, fmt.Errorf("%s.Iterations = %d, want > 0", fn, c.Iterations)
	case c.Rollouts < 0:
		return c, fmt.Errorf("%s.Rollouts = %d, want > 0", fn, c.Rollouts)
	case !config.Positive(c.Epsilon):
		return c, fmt.Errorf("%s.Epsilon = %v, want > 0", fn, c.Epsilon)
	case !config.Positive(c.MinStepMult):
		return c, fmt.Errorf("%s.MinStepMult = %v, want > 0", fn, c.MinStepMult)
	case !(c.MaxStepMult >= c.MinStepMult):
		return c, fmt.Errorf("%s.MaxStepMult = %v, want ≥ MinStepMult = %v", fn, c.MaxStepMult, c.MinStepMult)
	case !config.Positive(c.InitVar):
		return c, fmt.Errorf("%s.InitVar = %v, want > 0", fn, c.InitVar)
	case !config.NonNegative(c.X0Std):
		return c, fmt.Errorf("%s.X0Std = %v, want ≥ 0", fn, c.X0Std)
	}
	for i, a := range c.InitAction {
		if !config.Finite(a) {
			return c, fmt.Errorf("%s.InitAction[%d] = %v, want a finite value", fn, i, a)
		}
	}
	var err error
	if c.KL, err = c.KL.WithDefaults(); err != nil {
		return c, config.Nested(fn+".KL", err)
	}
	return c, nil
}

// Run is iLQR with learned local models under a KL trust region, the loop of
// the lecture:
//
//	repeat: run p(u|x) on the system N times → fit p(x'|x,u) ≈ N(Fx x + Fu u + f, Σ)
//	        → p ← argmin E_p[J] s.t. D_KL(p(τ) ‖ p̄(τ)) ≤ ε
//
// starting from the exploratory controller N(InitAction, InitVar·I) and,
// unless FixedStep, adapting ε between iterations by comparing the improvement
// the model predicted with the one the new samples show (guided policy
// search's step-size rule).
func Run(sys system.System, c cost.Cost, x0 []float64, T int, cfg Config) (*Result, error) {
	if sys == nil {
		return nil, errors.New("trajopt: nil system")
	}
	n, m := sys.StateDim(), sys.ActionDim()
	if err := cost.Check(c, n, m); err != nil {
		return nil, fmt.Errorf("trajopt: %w", err)
	}
	if T <= 0 {
		return nil, fmt.Errorf("trajopt: horizon T = %d, want > 0", T)
	}
	cfg, err := cfg.WithDefaults()
	if err != nil {
		return nil, err
	}
	if cfg.InitAction != nil && len(cfg.InitAction) != m {
		return nil, fmt.Errorf("trajopt: Config.InitAction has length %d, want m = %d", len(cfg.InitAction), m)
	}
	ctrl, err := lqr.NewConstantController(n, m, T, cfg.InitAction, cfg.InitVar)
	if err != nil {
		return nil, err
	}
	rng := rand.New(rand.NewPCG(cfg.Seed, 0x5eed))
	res := &Result{}
	stepMult := 1.0
	eta := cfg.KL.Eta0
	updater, err := NewUpdater(n, m, T)
	if err != nil {
		return nil, err
	}
	var prevCtrl *lqr.Controller
	var prevDyn *lqr.Dynamics
	var prevCost *lqr.QuadraticCost
	for it := 1; it <= cfg.Iterations; it++ {
		s, err := system.Rollouts(sys, ctrl, x0, cfg.X0Std, cfg.Rollouts, T, rng)
		if err != nil {
			return nil, err
		}
		costs, err := SampleCosts(c, s)
		if err != nil {
			return nil, err
		}
		st := IterStats{Iter: it, ModelError: math.NaN(), PredictedImprovement: math.NaN(), ActualImprovement: math.NaN()}
		st.Cost, st.CostStd = stat.MeanStdDev(costs, nil)
		if len(costs) == 1 {
			st.CostStd = 0 // one rollout: no spread (gonum's n−1 gives NaN)
		}
		st.FinalState = meanFinal(s)
		if st.MeanCost, err = MeanCost(sys, c, ctrl, x0); err != nil {
			return nil, err
		}
		if prevDyn != nil {
			if st.ModelError, err = ModelError(prevDyn, s); err != nil {
				return nil, err
			}
		}
		dyn, err := cfg.Fitter.Fit(s)
		if err != nil {
			return nil, fmt.Errorf("trajopt: iteration %d: fitting dynamics: %w", it, err)
		}
		q, err := lqr.Expand(c, s)
		if err != nil {
			return nil, err
		}
		if prevDyn != nil && !cfg.FixedStep {
			pred, act, err := improvements(prevCtrl, ctrl, prevDyn, dyn, prevCost, q)
			if err != nil {
				return nil, err
			}
			st.PredictedImprovement, st.ActualImprovement = pred, act
			mult := pred / (2 * math.Max(1e-4, pred-act))
			mult = math.Max(0.1, math.Min(5, mult))
			stepMult = math.Max(cfg.MinStepMult, math.Min(cfg.MaxStepMult, mult*stepMult))
		}
		st.StepMult = stepMult
		st.Bound = cfg.Epsilon * float64(T) * stepMult
		kcfg := cfg.KL
		kcfg.Eta0 = eta // warm start from the last η (≥ MinEta)
		up, err := updater.Update(ctrl, dyn, q, st.Bound, kcfg)
		if err != nil {
			return nil, fmt.Errorf("trajopt: iteration %d: %w", it, err)
		}
		st.KL, st.Eta = up.KL, up.Eta
		eta = up.Eta
		prevCtrl, prevDyn, prevCost = ctrl, dyn, q
		ctrl = up.Controller.Clone() // the updater's storage is reused next iteration
		res.History = append(res.History, st)
		res.Samples, res.Dynamics = s, dyn
		if cfg.Progress != nil {
			cfg.Progress(st)
		}
	}
	res.Controller = ctrl
	return res, nil
}

// improvements returns the predicted and actual improvement of the last
// update under the Laplace approximation, as guided policy search measures
// them: the old controller under the old model and old cost expansion,
// against the new controller under the old model (predicted) and under the
// new model and cost expansion (actual).
func improvements(oldC, newC *lqr.Controller, oldDyn, newDyn *lqr.Dynamics, oldQ, newQ *lqr.QuadraticCost) (pred, act float64, err error) {
	expect := func(c *lqr.Controller, d *lqr.Dynamics, q *lqr.QuadraticCost) (float64, error) {
		dist, err := lqr.Forward(c, d)
		if err != nil {
			return 0, err
		}
		return q.Expected(dist)
	}
	before, err := expect(oldC, oldDyn, oldQ)
	if err != nil {
		return 0, 0, err
	}
	predicted, err := expect(newC, oldDyn, oldQ)
	if err != nil {
		return 0, 0, err
	}
	actual, err := expect(newC, newDyn, newQ)
	if err != nil {
		return 0, 0, err
	}
	return before - predicted, before - actual, nil
}

func meanFinal(s system.Batch) []float64 {
	out := make([]float64, len(s[0].Final()))
	for _, tr := range s {
		for j, v := range tr.Final() {
			out[j] += v / float64(len(s))
		}
	}
	return out
}
