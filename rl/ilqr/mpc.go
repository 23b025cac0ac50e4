package ilqr

import (
	"errors"
	"fmt"

	"github.com/rlcontrol/rlcontrol/rl/cost"
	"github.com/rlcontrol/rlcontrol/rl/internal/config"
	"github.com/rlcontrol/rlcontrol/rl/system"
)

// MPCConfig sets up receding-horizon control with iLQR.
type MPCConfig struct {
	// Horizon is the planning horizon H in steps (> 0). The cost's time
	// index runs over 0…H−1 within each plan.
	Horizon int
	// Steps is how many steps are executed on the plant (> 0).
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
	case c.Steps <= 0:
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

// MPC runs model-predictive control: at every step it re-solves the H-step
// problem from the current plant state with iLQR (warm-started from the
// previous plan shifted by one step), applies the first action to the plant,
// and repeats. u0 is the first plan (Horizon actions).
func MPC(model system.System, c cost.Cost, x0 []float64, u0 [][]float64, cfg MPCConfig) (*MPCResult, error) {
	if model == nil {
		return nil, errors.New("ilqr: MPC: nil model")
	}
	cfg, err := cfg.WithDefaults()
	if err != nil {
		return nil, err
	}
	if len(u0) != cfg.Horizon {
		return nil, fmt.Errorf("ilqr: MPC: u0 has %d actions, want Horizon = %d", len(u0), cfg.Horizon)
	}
	plant := cfg.Plant
	if plant == nil {
		plant = model
	}
	if plant.StateDim() != model.StateDim() || plant.ActionDim() != model.ActionDim() {
		return nil, fmt.Errorf("ilqr: MPC: plant %s has n=%d, m=%d but model %s has n=%d, m=%d",
			plant.Name(), plant.StateDim(), plant.ActionDim(), model.Name(), model.StateDim(), model.ActionDim())
	}
	s, err := New(model, c, cfg.Horizon, cfg.ILQR)
	if err != nil {
		return nil, err
	}
	if err := system.CheckVec("ilqr: MPC: x0", x0, model.StateDim()); err != nil {
		return nil, err
	}
	out := &MPCResult{Trajectory: system.Trajectory{X: [][]float64{append([]float64(nil), x0...)}}}
	plan := system.CloneRows(u0)
	x := out.X[0]
	for k := 0; k < cfg.Steps; k++ {
		res, err := s.Solve(x, plan)
		if err != nil {
			return nil, fmt.Errorf("ilqr: MPC step %d: %w", k, err)
		}
		u := res.U[0]
		next := make([]float64, len(x))
		if err := plant.Step(next, x, u); err != nil {
			return nil, fmt.Errorf("ilqr: MPC step %d: plant: %w", k, err)
		}
		out.Cost += c.Stage(0, x, u)
		out.U = append(out.U, u)
		out.X = append(out.X, next)
		out.Iterations = append(out.Iterations, len(res.History))
		copy(plan, res.U[1:])
		plan[len(plan)-1] = append([]float64(nil), res.U[len(res.U)-1]...)
		x = next
		if cfg.Progress != nil {
			cfg.Progress(k, res)
		}
	}
	out.Cost += c.Final(x)
	return out, nil
}
