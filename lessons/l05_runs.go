package lessons

import (
	"fmt"

	"github.com/rlcontrol/rlcontrol/rl/imitation"
	"github.com/rlcontrol/rlcontrol/rl/nn"
	"github.com/rlcontrol/rlcontrol/rl/system"
)

// Lesson 05's runs: behaviour cloning, DAgger and PLATO on the two tasks of
// package imitation, and the three-seed table (a stored full run, made by
// `make results NAMES=05-imitation-seeds`).

// ImitationSettings are the settings of lesson 05's learners, shared by the
// live cells and the stored seed table.
type ImitationSettings struct {
	// Rounds of DAgger and PLATO, round 0 included, and Rollouts per
	// round (each T = 100 expert labels).
	Rounds, Rollouts int
	// P is DAgger's β decay: β_0 = 1, β_i = P^i.
	P float64
	// Lambda is PLATO's KL weight λ per task. It weighs the MPC's
	// curvature Quu against the learner's precision Σθ⁻¹, whose scales are
	// the task's: on the arm λ = 0.01 puts the teacher's mean between u*
	// and μθ; on the point mass a teacher that close to the learner
	// trained a worse policy (17% above the expert's cost over three seeds,
	// against 0.1% below it with λ = 10⁻⁴), so its teacher stays nearer the
	// MPC.
	Lambda map[string]float64
	// Hidden are the learner's hidden widths.
	Hidden []int
	// Small are the hidden widths of a small learner per task (one layer
	// of a few units), which imitates the expert only approximately: the
	// regime where behaviour cloning's errors compound and DAgger's
	// labels of the learner's own states pay off.
	Small map[string][]int
	// Epochs per fit (DAgger and PLATO refit every round, continuing from
	// the last weights), with Adam's step decaying from LearningRate to
	// FinalLearningRate over each fit, batches of BatchSize.
	Epochs                          int
	LearningRate, FinalLearningRate float64
	BatchSize                       int
}

// DefaultImitationSettings are the lesson's settings; quick mode runs
// fewer, smaller rounds.
func DefaultImitationSettings(quick bool) ImitationSettings {
	s := ImitationSettings{Rounds: 6, Rollouts: 2, P: 0.5, Lambda: map[string]float64{"arm": 0.01, "point mass": 1e-4}, Hidden: []int{64, 64}, Epochs: 40,
		Small:        map[string][]int{"arm": {16}, "point mass": {20}},
		LearningRate: 1e-3, FinalLearningRate: 1e-5, BatchSize: 128}
	if quick {
		s.Rounds, s.Epochs = 3, 20
	}
	return s
}

// Fit returns the regression settings of one round.
func (s ImitationSettings) Fit() nn.FitConfig {
	return nn.FitConfig{Epochs: s.Epochs, LearningRate: s.LearningRate, FinalLearningRate: s.FinalLearningRate, BatchSize: s.BatchSize}
}

// BCEpochs is behaviour cloning's epoch count: as many gradient steps on
// its Rounds·Rollouts demonstrations as DAgger takes over all its rounds
// (Σ_i Epochs·(i+1)·Rollouts·T / batch = Epochs·(Rounds+1)/2 passes over
// the final data), so that neither learner is better trained.
func (s ImitationSettings) BCEpochs() int { return s.Epochs * (s.Rounds + 1) / 2 }

// Learner returns the learner settings for an observer and a seed.
func (s ImitationSettings) Learner(obs imitation.Observer, seed uint64) imitation.LearnerConfig {
	return imitation.LearnerConfig{Observer: obs, Hidden: s.Hidden, Fit: s.Fit(), Seed: seed}
}

// SmallLearner returns the small learner's settings on a task.
func (s ImitationSettings) SmallLearner(task string, obs imitation.Observer, seed uint64) imitation.LearnerConfig {
	lc := s.Learner(obs, seed)
	lc.Hidden = s.Small[task]
	return lc
}

// ImitationTasks are the lesson's two tasks, by name.
func ImitationTasks() []string { return []string{"arm", "point mass"} }

// ImitationTask returns the task called name ("arm" or "point mass").
func ImitationTask(name string) (*imitation.Task, error) {
	switch name {
	case "arm":
		return imitation.ArmReach(), nil
	case "point mass":
		return imitation.PointMassGap(), nil
	}
	return nil, fmt.Errorf("lessons: no imitation task %q (want %q or %q)", name, "arm", "point mass")
}

// OneFrame is the task's position observer cut to one frame: positions
// without any velocity.
func OneFrame(k *imitation.Task) (imitation.Observer, error) {
	p, ok := k.Observer().(imitation.Positions)
	if !ok {
		return nil, fmt.Errorf("lessons: task %q does not observe positions", k.Name)
	}
	p.Frames = 1
	return p, nil
}

// evalLearner runs a learner on the task's held-out starts.
func evalLearner(k *imitation.Task, p *imitation.Policy, obs imitation.Observer) (*imitation.Evaluation, error) {
	return imitation.Evaluate(k, func(int) (system.Policy, error) { return p.Runner(obs), nil }, k.Test)
}

// ImitationRun is one method's held-out result on one task and seed: the
// row of lesson 05's seed table and of lesson 06's DAgger-vs-GPS table.
type ImitationRun struct {
	// Method is "expert", "BC", "DAgger" or "PLATO" (the 64×64 learner),
	// or "BC, small net" or "DAgger, small net" (the small learner of
	// ImitationSettings.Small, full state).
	Task, Method string
	Seed         uint64
	// SuccessRate (in [0, 1]) and MeanCost are over the task's held-out
	// test starts, never trained on.
	SuccessRate, MeanCost float64
	// ExpertQueries counts the states the expert labelled during training;
	// PolicyExecutions the steps at which the partly trained learner's own
	// action was executed on the system; Resets the times the system was
	// reset to a start (one per training rollout; 0 for the expert, which
	// is not trained).
	ExpertQueries, PolicyExecutions, Resets int
}

// ImitationSeeds are the seeds of the stored table.
var ImitationSeeds = []uint64{1, 2, 3}

// imitationSetup is the plain-data set-up of the stored table.
type imitationSetup struct {
	Settings ImitationSettings
	BCEpochs int
	Seeds    []uint64
	Tasks    []string
	Observer map[string]string
}

var imitationSeedRuns = registerStored(Stored[[]ImitationRun]{
	Name: "05-imitation-seeds",
	Setup: imitationSetup{Settings: DefaultImitationSettings(false), BCEpochs: DefaultImitationSettings(false).BCEpochs(),
		Seeds: ImitationSeeds, Tasks: ImitationTasks(),
		Observer: map[string]string{"BC": "full state", "DAgger": "full state", "PLATO": "positions, two frames"}},
	Compute: func(quick bool) ([]ImitationRun, error) {
		seeds := ImitationSeeds
		if quick {
			seeds = seeds[:1]
		}
		return ImitationTable(DefaultImitationSettings(quick), seeds)
	},
})

// ImitationSeedRuns returns lesson 05's stored three-seed, two-task runs
// (expert, behaviour cloning, DAgger and PLATO on the held-out starts) and
// where they came from.
func ImitationSeedRuns() ([]ImitationRun, Source, error) { return imitationSeedRuns.Get() }

// ImitationTable runs the expert, behaviour cloning (full state, the same
// number of expert labels as DAgger), DAgger (full state) and PLATO (two
// frames of positions) on both tasks for each seed.
func ImitationTable(s ImitationSettings, seeds []uint64) ([]ImitationRun, error) {
	var out []ImitationRun
	for _, name := range ImitationTasks() {
		k, err := ImitationTask(name)
		if err != nil {
			return nil, err
		}
		e, err := imitation.NewExpert(k, imitation.ExpertConfig{})
		if err != nil {
			return nil, err
		}
		ev, err := e.Evaluate(k.Test)
		if err != nil {
			return nil, err
		}
		for _, seed := range seeds {
			out = append(out, ImitationRun{Task: name, Method: "expert", Seed: seed, SuccessRate: ev.SuccessRate, MeanCost: ev.MeanCost})
			runs, err := imitationSeed(e, s, name, seed)
			if err != nil {
				return nil, fmt.Errorf("lessons: %s, seed %d: %w", name, seed, err)
			}
			for _, r := range runs {
				r.Task = name
				out = append(out, r)
			}
		}
	}
	return out, nil
}

// imitationSeed runs BC, DAgger and PLATO with one seed, and BC and DAgger
// with the small learner.
func imitationSeed(e *imitation.Expert, s ImitationSettings, task string, seed uint64) ([]ImitationRun, error) {
	k := e.Task()
	var out []ImitationRun
	for _, c := range []struct {
		suffix string
		lc     imitation.LearnerConfig
	}{{"", s.Learner(imitation.FullState{}, seed)}, {", small net", s.SmallLearner(task, imitation.FullState{}, seed)}} {
		bcl := c.lc
		bcl.Fit.Epochs = s.BCEpochs()
		bc, err := imitation.BehaviourCloning(e, imitation.BCConfig{LearnerConfig: bcl, Demos: s.Rounds * s.Rollouts})
		if err != nil {
			return nil, err
		}
		ev, err := evalLearner(k, bc.Policy, imitation.FullState{})
		if err != nil {
			return nil, err
		}
		out = append(out, ImitationRun{Method: "BC" + c.suffix, Seed: seed, SuccessRate: ev.SuccessRate, MeanCost: ev.MeanCost,
			ExpertQueries: bc.ExpertQueries, Resets: len(bc.Demos)})
		d, err := imitation.RunDAgger(e, imitation.DAggerConfig{LearnerConfig: c.lc, Rounds: s.Rounds, Rollouts: s.Rollouts, P: s.P})
		if err != nil {
			return nil, err
		}
		if ev, err = evalLearner(k, d.Policy(), imitation.FullState{}); err != nil {
			return nil, err
		}
		out = append(out, ImitationRun{Method: "DAgger" + c.suffix, Seed: seed, SuccessRate: ev.SuccessRate, MeanCost: ev.MeanCost,
			ExpertQueries: d.ExpertQueries(), PolicyExecutions: d.PolicyExecutions(), Resets: s.Rounds * s.Rollouts})
	}
	lambda := s.Lambda[task]
	var ev *imitation.Evaluation
	obs := k.Observer()
	p, err := imitation.RunPLATO(e, imitation.PLATOConfig{LearnerConfig: s.Learner(obs, seed), Rounds: s.Rounds, Rollouts: s.Rollouts, Lambda: lambda})
	if err != nil {
		return nil, err
	}
	if ev, err = evalLearner(k, p.Policy(), obs); err != nil {
		return nil, err
	}
	out = append(out, ImitationRun{Method: "PLATO", Seed: seed, SuccessRate: ev.SuccessRate, MeanCost: ev.MeanCost,
		ExpertQueries: p.ExpertQueries(), PolicyExecutions: p.PolicyExecutions(), Resets: s.Rounds * s.Rollouts})
	return out, nil
}
