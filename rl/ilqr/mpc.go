package ilqr

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/rlcontrol/rlcontrol/rl/cost"
	"github.com/rlcontrol/rlcontrol/rl/internal/config"
	"github.com/rlcontrol/rlcontrol/rl/system"
)

// MPCConfig sets up receding-horizon control with iLQR.
type MPCConfig struct {
	// Horizon is the planning horizon H in steps (> 0). The cost's time
	// index runs over 0…H−1 within each plan.
	Horizon int
	// Steps is how many steps MPC executes on the plant (> 0; MPCPolicy
	// acts for as long as the rollout that runs it).
	Steps int
	// ILQR configures each replanning solve (zero fields: Config's
	// defaults, except MaxIter, which defaults to 10 here: a warm-started
	// plan needs few iterations).
	ILQR Config
	// Plant is the system actually stepped (default nil: the model passed
	// to MPC itself). Give
	// a perturbed copy (heavier pendulum, say) to watch MPC absorb model
	// error by replanning.
	Plant system.System
	// Progress, if set, is called after each executed step with its index
	// and the plan's result.
	Progress func(step int, plan *Result)
}

// WithDefaults returns c with its zero fields set to the defaults in their
// comments (ILQR's included), or an error naming the first invalid field
// and its value.
func (c MPCConfig) WithDefaults() (MPCConfig, error) {
	const fn = "ilqr: MPCConfig"
	switch {
	case c.Horizon <= 0:
		return c, fmt.Errorf("%s.Horizon = %d, want > 0", fn, c.Horizon)
	case c.Steps < 0:
		return c, fmt.Errorf("%s.Steps = %d, want > 0", fn, c.Steps)
	}
	config.Or(&c.ILQR.MaxIter, 10)
	var err error
	if c.ILQR, err = c.ILQR.WithDefaults(); err != nil {
		return c, config.Nested(fn+".ILQR", err)
	}
	return c, nil
}

// MPCResult is the executed closed-loop trajectory.
type MPCResult struct {
	// Trajectory is what the plant did: Steps+1 states, Steps executed actions.
	system.Trajectory
	Cost float64 // Σ stage costs of the executed steps + final cost of the last state
	// Iterations is the number of iLQR iterations each replan used.
	Iterations []int
}

// MPCPolicy is model-predictive control as a system.Policy: each Act
// re-solves the H-step problem from the state it is given with iLQR on the
// model, warm-started from its previous plan shifted by one step, and
// returns the plan's first action. It keeps that plan between calls, so one
// MPCPolicy serves one rollout at a time; Reset starts it over. An expert
// that labels the states a learner visits (DAgger) is an MPCPolicy asked
// for its action at each of them.
type MPCPolicy struct {
	s          *Solver
	u0, plan   [][]float64
	progress   func(step int, plan *Result)
	iterations []int
	last       *Result
}

// NewMPCPolicy sets up MPC with horizon cfg.Horizon on model and cost c;
// u0 is the first plan (Horizon actions). cfg.Steps and cfg.Plant are not
// used: the rollout that runs the policy decides both.
//
// It returns New's errors (for the model, the cost and cfg.ILQR), and one
// for an invalid cfg or a u0 of the wrong length or with a non-finite
// action.
func NewMPCPolicy(model system.System, c cost.Cost, u0 [][]float64, cfg MPCConfig) (*MPCPolicy, error) {
	if err := validate("MPC: model", model); err != nil {
		return nil, err
	}
	cfg, err := cfg.WithDefaults()
	if err != nil {
		return nil, err
	}
	if len(u0) != cfg.Horizon {
		return nil, fmt.Errorf("ilqr: MPC: u0 has %d actions, want Horizon = %d", len(u0), cfg.Horizon)
	}
	for t, u := range u0 {
		if err := system.CheckVec(fmt.Sprintf("ilqr: MPC: u0[%d]", t), u, model.ActionDim()); err != nil {
			return nil, err
		}
	}
	s, err := New(model, c, cfg.Horizon, cfg.ILQR)
	if err != nil {
		return nil, err
	}
	p := &MPCPolicy{s: s, u0: system.CloneRows(u0), progress: cfg.Progress}
	p.Reset()
	return p, nil
}

// Reset restores the first plan u0 and clears the iteration counts. It
// panics if p is nil.
func (p *MPCPolicy) Reset() {
	p.plan = system.CloneRows(p.u0)
	p.iterations = p.iterations[:0]
	p.last = nil
}

// Act plans from x and writes the plan's first action into u; the step
// index t is passed to the progress callback only (the cost's time index
// restarts at 0 in every plan). It returns an error for a nil p or one
// not made by NewMPCPolicy, a u of the wrong length, and Solver.Solve's
// errors (a bad x among them).
func (p *MPCPolicy) Act(u []float64, t int, x []float64, _ *rand.Rand) error {
	switch {
	case p == nil:
		return errors.New("ilqr: MPCPolicy.Act: nil MPCPolicy")
	case p.s == nil:
		return errors.New("ilqr: MPCPolicy.Act: the MPCPolicy was not made by NewMPCPolicy")
	}
	if len(u) != p.s.m {
		return fmt.Errorf("ilqr: MPC: action has length %d, want %d", len(u), p.s.m)
	}
	res, err := p.s.Solve(x, p.plan)
	if err != nil {
		return fmt.Errorf("ilqr: MPC step %d: %w", t, err)
	}
	copy(u, res.U[0])
	p.iterations = append(p.iterations, len(res.History))
	p.last = res
	copy(p.plan, res.U[1:])
	p.plan[len(p.plan)-1] = append([]float64(nil), res.U[len(res.U)-1]...)
	if p.progress != nil {
		p.progress(t, res)
	}
	return nil
}

// LastPlan returns the plan of the last Act (nil before the first one and
// after Reset): its trajectory from the state Act was given, and its
// Solution, whose Quu[0] is the curvature of the cost-to-go in the first
// action (what PLATO's adaptive teacher weighs against the learner). It is
// owned by the policy and overwritten by the next Act. It panics if p is nil.
func (p *MPCPolicy) LastPlan() *Result { return p.last }

// Iterations returns the iLQR iterations of each Act since the last Reset.
// It panics if p is nil.
func (p *MPCPolicy) Iterations() []int { return p.iterations }

// MPC runs model-predictive control on the plant (cfg.Plant, or the model
// itself): at every step the MPCPolicy re-solves the H-step problem from
// the current plant state, the first action is applied, and the loop
// repeats for cfg.Steps steps (a system.Rollout of the policy). u0 is the
// first plan (Horizon actions). The cost reported is Σ c.Stage(0, x_k, u_k)
// over the executed steps plus c.Final of the last state. It returns the
// errors of NewMPCPolicy and system.Rollout, and one for Steps < 1, a plant
// that fails its Validate method or differs from the model in size, a bad
// x0, and a reported cost that overflows.
func MPC(model system.System, c cost.Cost, x0 []float64, u0 [][]float64, cfg MPCConfig) (*MPCResult, error) {
	pol, err := NewMPCPolicy(model, c, u0, cfg)
	if err != nil {
		return nil, err
	}
	if cfg.Steps <= 0 {
		return nil, fmt.Errorf("ilqr: MPCConfig.Steps = %d, want > 0", cfg.Steps)
	}
	plant := cfg.Plant
	if plant == nil {
		plant = model
	}
	if err := validate("MPC: plant", plant); err != nil {
		return nil, err
	}
	if plant.StateDim() != model.StateDim() || plant.ActionDim() != model.ActionDim() {
		return nil, fmt.Errorf("ilqr: MPC: plant %s has n=%d, m=%d but model %s has n=%d, m=%d",
			plant.Name(), plant.StateDim(), plant.ActionDim(), model.Name(), model.StateDim(), model.ActionDim())
	}
	if err := system.CheckVec("ilqr: MPC: x0", x0, model.StateDim()); err != nil {
		return nil, err
	}
	tr, err := system.Rollout(plant, pol, x0, cfg.Steps, nil)
	if err != nil {
		return nil, err
	}
	out := &MPCResult{Trajectory: tr, Iterations: append([]int(nil), pol.Iterations()...)}
	for k, u := range tr.U {
		out.Cost += c.Stage(0, tr.X[k], u)
		if math.IsNaN(out.Cost) || math.IsInf(out.Cost, 0) {
			return nil, fmt.Errorf("ilqr: MPC: the executed cost overflows at step %d (%v)", k, out.Cost)
		}
	}
	out.Cost += c.Final(tr.Final())
	if math.IsNaN(out.Cost) || math.IsInf(out.Cost, 0) {
		return nil, fmt.Errorf("ilqr: MPC: the executed cost overflows at the final state (%v)", out.Cost)
	}
	return out, nil
}
