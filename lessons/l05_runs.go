package lessons

import "errors"

// ImitationRun is one method's held-out result on one task and seed: the
// row of lesson 05's seed table and of lesson 06's DAgger-vs-GPS table.
type ImitationRun struct {
	Task, Method string // Method is "expert", "BC", "DAgger" or "PLATO"
	Seed         uint64
	// SuccessRate (in [0, 1]) and MeanCost are over the task's held-out
	// test starts, never trained on.
	SuccessRate, MeanCost float64
	// ExpertQueries counts the states the expert labelled during training;
	// PolicyExecutions the steps at which the partly trained learner's own
	// action was executed on the system; Resets the times the system was
	// reset to a chosen start (one per training rollout).
	ExpertQueries, PolicyExecutions, Resets int
}

// ImitationSeedRuns returns lesson 05's stored three-seed, two-task runs
// (expert, behaviour cloning, DAgger and PLATO) and where they came from.
func ImitationSeedRuns() ([]ImitationRun, Source, error) {
	return nil, Source{}, errors.New("lessons: the 05-imitation-seeds result is not made yet")
}
