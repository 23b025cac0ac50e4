package imitation

import (
	"fmt"

	"github.com/rlcontrol/rlcontrol/rl/ilqr"
	"github.com/rlcontrol/rlcontrol/rl/system"
)

// ExpertConfig sets up the MPC expert. Zero fields take the defaults in
// their comments.
type ExpertConfig struct {
	// Horizon is the MPC planning horizon H in steps (default T/2; 1 to
	// T). The plan's final cost sits H steps ahead: with H = T the
	// receding goal never comes near enough and the arm stops short (4% of
	// the arm's test starts reach the goal with H = T, all with H = T/2).
	Horizon int
	// ReplanIter caps the iLQR iterations of each warm-started replan
	// (default 10).
	ReplanIter int
	// FirstIter caps the iterations of the full solve at a rollout's
	// start (default 200).
	FirstIter int
}

// Expert is the teacher of behaviour cloning, DAgger and PLATO: MPC with
// iLQR on the task's (known) model and cost. For each rollout it first
// solves the H-step problem from the rollout's start in full, then replans
// from every state it is shown, warm-started from its previous plan (an
// ilqr.MPCPolicy). It can label any state, which is what DAgger asks of
// it. Its methods are safe for concurrent use; each policy it returns
// serves one rollout.
type Expert struct {
	task *Task
	cfg  ExpertConfig
}

// NewExpert checks the task and the settings.
func NewExpert(k *Task, cfg ExpertConfig) (*Expert, error) {
	if err := k.Validate(); err != nil {
		return nil, err
	}
	if cfg.Horizon == 0 {
		cfg.Horizon = max(1, k.T/2)
	}
	if cfg.ReplanIter == 0 {
		cfg.ReplanIter = 10
	}
	if cfg.FirstIter == 0 {
		cfg.FirstIter = 200
	}
	switch {
	case cfg.Horizon < 1 || cfg.Horizon > k.T:
		return nil, fmt.Errorf("imitation: ExpertConfig.Horizon = %d, want 1 to T = %d", cfg.Horizon, k.T)
	case cfg.ReplanIter < 1 || cfg.FirstIter < 1:
		return nil, fmt.Errorf("imitation: ExpertConfig ReplanIter = %d, FirstIter = %d, want both ≥ 1", cfg.ReplanIter, cfg.FirstIter)
	}
	return &Expert{task: k, cfg: cfg}, nil
}

// Task returns the expert's task.
func (e *Expert) Task() *Task { return e.task }

// Config returns the settings with defaults filled in.
func (e *Expert) Config() ExpertConfig { return e.cfg }

// Plan solves the full-horizon problem from x0 with iLQR (T steps, FirstIter
// iterations at most): the local controller of one start, its feedback
// gains in Result.Solution.
func (e *Expert) Plan(x0 []float64) (*ilqr.Result, error) {
	return e.plan(x0, e.task.T)
}

func (e *Expert) plan(x0 []float64, H int) (*ilqr.Result, error) {
	m := e.task.System.ActionDim()
	res, err := ilqr.Solve(e.task.System, e.task.Cost, x0, system.Grid(H, m), ilqr.Config{MaxIter: e.cfg.FirstIter})
	if err != nil {
		return nil, fmt.Errorf("imitation: expert plan: %w", err)
	}
	return res, nil
}

// Policy returns a fresh MPC policy for one rollout from x0: its first plan
// is the full solve from x0, later states are replanned warm. Asked at
// states far from x0's rollout it still answers (each replan starts from
// the previous plan shifted by one step), as DAgger's labelling needs.
func (e *Expert) Policy(x0 []float64) (*ilqr.MPCPolicy, error) {
	first, err := e.plan(x0, e.cfg.Horizon)
	if err != nil {
		return nil, err
	}
	p, err := ilqr.NewMPCPolicy(e.task.System, e.task.Cost, first.U, ilqr.MPCConfig{Horizon: e.cfg.Horizon, ILQR: ilqr.Config{MaxIter: e.cfg.ReplanIter}})
	if err != nil {
		return nil, fmt.Errorf("imitation: expert: %w", err)
	}
	return p, nil
}

// Evaluate runs the expert from each start: the reference cost and success
// rate the learners are compared with.
func (e *Expert) Evaluate(starts [][]float64) (*Evaluation, error) {
	return Evaluate(e.task, func(i int) (system.Policy, error) { return e.Policy(starts[i]) }, starts)
}
