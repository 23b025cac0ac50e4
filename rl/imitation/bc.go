package imitation

import (
	"fmt"
	"math/rand/v2"

	"github.com/rlcontrol/rlcontrol/rl/ilqr"
)

// BCConfig sets up behaviour cloning.
type BCConfig struct {
	LearnerConfig
	// Demos is the number of expert demonstrations (≥ 1), from starts
	// drawn from the task's start region with task.DrawStarts(Demos,
	// Seed) — never the test starts. Each gives T expert labels.
	Demos int
}

// BCResult is a behaviour-cloned learner and the data it was fitted to.
type BCResult struct {
	Policy *Policy
	Data   *Dataset
	// Demos are the expert's rollouts.
	Demos []*Rollout
	// ExpertQueries is the number of expert labels (Demos · T).
	ExpertQueries int
	// Losses are the fit's losses per epoch.
	Losses []float64
}

// BehaviourCloning runs the expert from Demos fresh starts, records what the
// learner would have seen and the expert's action at every step, and fits
// the learner to those pairs by regression: supervised learning of
// π_θ(u | o) on the expert's own state distribution p_{π*}(o). The learner
// then meets its own distribution p_{π_θ}(o), where a small error grows
// into states the expert never visited (distribution shift).
func BehaviourCloning(e *Expert, cfg BCConfig) (*BCResult, error) {
	if e == nil || e.task == nil {
		return nil, fmt.Errorf("imitation: BehaviourCloning: nil expert")
	}
	if cfg.Demos < 1 {
		return nil, fmt.Errorf("imitation: BCConfig.Demos = %d, want ≥ 1", cfg.Demos)
	}
	k := e.task
	p, err := cfg.newLearner(k)
	if err != nil {
		return nil, err
	}
	starts, err := k.DrawStarts(cfg.Demos, cfg.Seed)
	if err != nil {
		return nil, err
	}
	demos, err := ExpertRollouts(e, cfg.Observer, starts)
	if err != nil {
		return nil, err
	}
	d, err := aggregate(demos)
	if err != nil {
		return nil, err
	}
	losses, err := train(p, d, cfg.Fit, fitSeed(cfg.Seed, 0))
	if err != nil {
		return nil, err
	}
	return &BCResult{Policy: p, Data: d, Demos: demos, ExpertQueries: d.Len(), Losses: losses}, nil
}

// ExpertRollouts runs the expert from each start (in parallel), recording
// the observations obs gives and the expert's actions as labels.
func ExpertRollouts(e *Expert, obs Observer, starts [][]float64) ([]*Rollout, error) {
	if e == nil || e.task == nil {
		return nil, fmt.Errorf("imitation: ExpertRollouts: nil expert")
	}
	if obs == nil {
		obs = e.task.Observer()
	}
	if err := CheckStarts("expert rollouts", starts, e.task.System.StateDim()); err != nil {
		return nil, err
	}
	out := make([]*Rollout, len(starts))
	err := parallel(len(starts), func(i int) error {
		var err error
		out[i], err = rollout(e, obs, starts[i], ExpertDemo, true, func(u []float64, _ int, _, _, uE []float64, _ *ilqr.Result, _ *rand.Rand) (bool, error) {
			copy(u, uE)
			return false, nil
		}, nil)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("imitation: expert rollouts: %w", err)
	}
	return out, nil
}
