package imitation

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/rlcontrol/rlcontrol/rl/ilqr"
	"github.com/rlcontrol/rlcontrol/rl/system"
)

// Round is what one round of DAgger or PLATO did.
type Round struct {
	// Index is the round i, from 0.
	Index int
	// Beta is DAgger's β_i (the probability that a step executes the
	// expert's action); PLATO's rounds report 0.
	Beta float64
	// Rollouts run this round, each from a fresh start drawn from the start
	// region.
	Rollouts int
	// DataSize is |D| after this round's aggregation.
	DataSize int
	// Queries are the expert labels asked this round, Executions the steps
	// at which the learner's own action was executed this round;
	// TotalQueries and TotalExecutions count from round 0 on.
	Queries, Executions, TotalQueries, TotalExecutions int
	// Loss is the last epoch's fit loss (normalised units).
	Loss float64
	// Eval is the learner trained this round run on the task's held-out
	// test starts (nil unless the config asks for it); MeanCost and
	// SuccessRate copy its numbers (NaN when not evaluated).
	Eval                  *Evaluation
	MeanCost, SuccessRate float64
	// Visited are the states this round's rollouts visited (T+1 each).
	Visited [][]float64
}

// loop is what DAgger and PLATO share: the expert, the learner, the data,
// the counters and the rounds so far.
type loop struct {
	expert   *Expert
	task     *Task
	obs      Observer
	policy   *Policy
	data     *Dataset
	rounds   []Round
	cfg      LearnerConfig
	nRounds  int
	rollouts int
	evaluate bool
	progress func(Round)
	queries  int
	execs    int
}

func newLoop(e *Expert, lc LearnerConfig, rounds, rollouts int, evaluate bool, progress func(Round), what string) (*loop, error) {
	if e == nil || e.task == nil {
		return nil, fmt.Errorf("imitation: %s: nil expert", what)
	}
	if rounds < 1 {
		return nil, fmt.Errorf("imitation: %sConfig.Rounds = %d, want ≥ 1", what, rounds)
	}
	if rollouts < 1 {
		return nil, fmt.Errorf("imitation: %sConfig.Rollouts = %d, want ≥ 1 per round", what, rollouts)
	}
	p, err := lc.newLearner(e.task)
	if err != nil {
		return nil, err
	}
	return &loop{expert: e, task: e.task, obs: lc.Observer, policy: p, data: &Dataset{}, cfg: lc,
		nRounds: rounds, rollouts: rollouts, evaluate: evaluate, progress: progress}, nil
}

// Policy returns the learner (trained by the rounds so far).
func (l *loop) Policy() *Policy { return l.policy }

// Data returns the aggregated data set D.
func (l *loop) Data() *Dataset { return l.data }

// Rounds returns the rounds done so far.
func (l *loop) Rounds() []Round { return l.rounds }

// ExpertQueries returns the expert labels asked so far.
func (l *loop) ExpertQueries() int { return l.queries }

// PolicyExecutions returns the steps so far at which the learner's own
// action was executed on the system.
func (l *loop) PolicyExecutions() int { return l.execs }

// Observer returns what the learner sees.
func (l *loop) Observer() Observer { return l.obs }

// Starts draws round i's fresh starts from the task's start region (never
// the test starts): Rollouts of them, with a seed of their own per round.
func (l *loop) Starts(i int) ([][]float64, error) {
	return l.task.DrawStarts(l.rollouts, l.cfg.Seed*7919+uint64(i)*104729+1)
}

// RoundSeed is the seed of round i's random streams (DAgger's coins,
// PLATO's samples), as Round passes it to RunPolicy or RunTeacher.
func (l *loop) RoundSeed(i int) uint64 { return l.cfg.Seed*31 + uint64(i) }

// Aggregate is step 4: D ← D ∪ D_π, the labelled pairs of the rollouts.
// It adds the rollouts' expert queries (their labels) and policy
// executions to the totals (ExpertQueries, PolicyExecutions).
func (l *loop) Aggregate(rs []*Rollout) error {
	d, err := aggregate(rs)
	if err != nil {
		return err
	}
	l.data.Append(d)
	for _, r := range rs {
		l.queries += r.Queries()
		l.execs += r.Executions()
	}
	return nil
}

// Train is step 1: fit π_θ(u | o) to all of D by regression (continuing
// from the current weights), with round i's fit seed. It returns the loss
// per epoch.
func (l *loop) Train(i int) ([]float64, error) {
	return train(l.policy, l.data, l.cfg.Fit, fitSeed(l.cfg.Seed, i))
}

// Evaluate runs the current learner (its mean) on the task's held-out test
// starts.
func (l *loop) Evaluate() (*Evaluation, error) {
	return Evaluate(l.task, func(int) (system.Policy, error) { return l.policy.Runner(l.obs), nil }, l.task.Test)
}

// finish records a round after its rollouts are labelled, aggregated and
// the learner trained.
func (l *loop) finish(i int, beta float64, rs []*Rollout, losses []float64) (*Round, error) {
	r := Round{Index: i, Beta: beta, Rollouts: len(rs), DataSize: l.data.Len(), MeanCost: math.NaN(), SuccessRate: math.NaN()}
	for _, ro := range rs {
		r.Queries += ro.Queries()
		r.Executions += ro.Executions()
		r.Visited = append(r.Visited, ro.Trajectory.X...)
	}
	r.TotalQueries, r.TotalExecutions = l.queries, l.execs // counted by Aggregate
	if len(losses) > 0 {
		r.Loss = losses[len(losses)-1]
	}
	if l.evaluate {
		ev, err := l.Evaluate()
		if err != nil {
			return nil, err
		}
		r.Eval, r.MeanCost, r.SuccessRate = ev, ev.MeanCost, ev.SuccessRate
	}
	l.rounds = append(l.rounds, r)
	if l.progress != nil {
		l.progress(r)
	}
	return &l.rounds[len(l.rounds)-1], nil
}

// DAggerConfig sets up DAgger.
type DAggerConfig struct {
	LearnerConfig
	// Rounds is the number of rounds (≥ 1), round 0 included.
	Rounds int
	// Rollouts is the number of rollouts per round (≥ 1), each from a
	// fresh start drawn from the start region; each gives T labels.
	Rollouts int
	// P sets the default β schedule β_0 = 1, β_i = P^i (default 0.5; in
	// [0, 1]; ignored when Beta is given).
	P float64
	// Beta, if given, is the whole schedule β_0 … β_{Rounds−1}, each in
	// [0, 1] (e.g. {1, 0, 0, …}: the expert only in round 0).
	Beta []float64
	// Evaluate runs the learner on the test starts after every round.
	Evaluate bool
	// Progress, if set, is called after every round.
	Progress func(Round)
}

// DAgger is the dataset aggregation loop of Ross, Gordon & Bagnell (2011),
// with the lecture's five steps:
//
//  1. train π_θ(u_t | o_t) from the data D (Train);
//  2. run the current policy — the per-step mixture
//     π_i = β_i π* + (1 − β_i) π̂_i, which executes the expert's action
//     with probability β_i and the learner's otherwise — from fresh starts,
//     giving D_π = {o_1, …, o_M} (RunPolicy);
//  3. ask the expert to label every state of D_π with its action u*_t
//     (Label);
//  4. aggregate: D ← D ∪ D_π (Aggregate);
//  5. repeat (Round, Run).
//
// Round i does 2, 3, 4 and then 1; with β_0 = 1 round 0 runs the expert
// alone, so its data are expert demonstrations and its training is
// behaviour cloning. It counts the expert's queries (every visited state
// is labelled once) and the policy executions (steps at which the
// learner's own action was executed).
type DAgger struct {
	*loop
	beta []float64
}

// NewDAgger checks the settings and makes an untrained learner.
func NewDAgger(e *Expert, cfg DAggerConfig) (*DAgger, error) {
	l, err := newLoop(e, cfg.LearnerConfig, cfg.Rounds, cfg.Rollouts, cfg.Evaluate, cfg.Progress, "DAgger")
	if err != nil {
		return nil, err
	}
	beta := cfg.Beta
	if beta == nil {
		p := cfg.P
		if p == 0 {
			p = 0.5
		}
		if !(p >= 0 && p <= 1) {
			return nil, fmt.Errorf("imitation: DAggerConfig.P = %v, want a number in [0, 1]", cfg.P)
		}
		beta = make([]float64, cfg.Rounds)
		for i := range beta {
			beta[i] = math.Pow(p, float64(i))
		}
	}
	if len(beta) != cfg.Rounds {
		return nil, fmt.Errorf("imitation: DAggerConfig.Beta has %d values, want one per round (%d)", len(beta), cfg.Rounds)
	}
	for i, b := range beta {
		if !(b >= 0 && b <= 1) {
			return nil, fmt.Errorf("imitation: DAggerConfig.Beta[%d] = %v, want a number in [0, 1]", i, b)
		}
	}
	return &DAgger{loop: l, beta: append([]float64(nil), beta...)}, nil
}

// RunDAgger runs all rounds of DAgger.
func RunDAgger(e *Expert, cfg DAggerConfig) (*DAgger, error) {
	d, err := NewDAgger(e, cfg)
	if err != nil {
		return nil, err
	}
	return d, d.Run()
}

// Beta returns β_i.
func (d *DAgger) Beta(i int) float64 {
	if i < 0 || i >= len(d.beta) {
		return 0
	}
	return d.beta[i]
}

// RunPolicy is step 2: run π = β π* + (1 − β) π̂ from each start (in
// parallel), with the rollouts' coins drawn from streams seeded by seed.
// At each step the learner sees its observation; a coin with probability β
// picks the expert's action, otherwise the learner's mean μ_θ(o) is
// executed (a policy execution). With β > 0 the expert must act along the
// way, so each rollout asks its own Expert.Policy at every state in order,
// and those answers are already the step-3 labels; with β = 0 the expert
// is not asked here.
func (d *DAgger) RunPolicy(beta float64, starts [][]float64, seed uint64) ([]*Rollout, error) {
	if !(beta >= 0 && beta <= 1) {
		return nil, fmt.Errorf("imitation: DAgger: β = %v, want a number in [0, 1]", beta)
	}
	if err := CheckStarts("DAgger starts", starts, d.task.System.StateDim()); err != nil {
		return nil, err
	}
	src := LearnerRollout
	if beta == 1 {
		src = ExpertDemo
	}
	out := make([]*Rollout, len(starts))
	err := parallel(len(starts), func(i int) error {
		mix := func(u []float64, _ int, _, o, uE []float64, _ *ilqr.Result, rng *rand.Rand) (bool, error) {
			if beta == 1 || (beta > 0 && rng.Float64() < beta) {
				copy(u, uE) // π*: the expert's action
				return false, nil
			}
			mu, err := d.policy.Mean([][]float64{o}) // π̂_i: the learner's mean
			if err != nil {
				return false, err
			}
			copy(u, mu[0])
			return true, nil
		}
		var err error
		out[i], err = rollout(d.expert, d.obs, starts[i], src, beta > 0, mix, rolloutRNG(seed, i))
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("imitation: DAgger rollouts: %w", err)
	}
	return out, nil
}

// Label is step 3: the expert labels every visited state of each rollout
// with its action u*_t — one Expert.Policy per rollout, from the rollout's
// start, asked at each state in order so its warm start follows the
// rollout (in parallel over rollouts). Rollouts labelled during step 2 are
// not asked again. It returns the number of new queries.
func (d *DAgger) Label(rs []*Rollout) (int, error) {
	q := make([]int, len(rs))
	err := parallel(len(rs), func(i int) error {
		var err error
		q[i], err = label(d.expert, rs[i])
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("imitation: DAgger labels: %w", err)
	}
	total := 0
	for _, v := range q {
		total += v
	}
	return total, nil
}

// Round runs the next round i: fresh starts, step 2 with β_i, step 3,
// step 4, step 1, and the held-out evaluation if asked.
func (d *DAgger) Round() (*Round, error) {
	i := len(d.rounds)
	if i >= d.nRounds {
		return nil, fmt.Errorf("imitation: DAgger: all %d rounds are done", d.nRounds)
	}
	starts, err := d.Starts(i)
	if err != nil {
		return nil, err
	}
	rs, err := d.RunPolicy(d.beta[i], starts, d.RoundSeed(i)) // (2) run π_i
	if err != nil {
		return nil, err
	}
	if _, err := d.Label(rs); err != nil { // (3) the expert labels D_π
		return nil, err
	}
	if err := d.Aggregate(rs); err != nil { // (4) D ← D ∪ D_π
		return nil, err
	}
	losses, err := d.Train(i) // (1) train π̂_{i+1} on D
	if err != nil {
		return nil, err
	}
	return d.finish(i, d.beta[i], rs, losses)
}

// Run is step 5: repeat Round until all rounds are done.
func (d *DAgger) Run() error {
	for len(d.rounds) < d.nRounds {
		if _, err := d.Round(); err != nil {
			return err
		}
	}
	return nil
}
