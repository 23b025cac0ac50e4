package imitation

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/rlcontrol/rlcontrol/rl/ilqr"
	"github.com/rlcontrol/rlcontrol/rl/nn"
	"github.com/rlcontrol/rlcontrol/rl/system"
)

// Source tags where a training pair came from.
type Source int

const (
	// ExpertDemo: a state of the expert's own rollout (behaviour cloning,
	// DAgger's round 0).
	ExpertDemo Source = iota
	// LearnerRollout: a state of a rollout of DAgger's mixture policy
	// π_i = β_i π* + (1 − β_i) π̂_i, labelled by the expert afterwards.
	LearnerRollout
	// TeacherRollout: a state of a rollout of PLATO's adaptive teacher.
	TeacherRollout
)

// String names the source for legends.
func (s Source) String() string {
	switch s {
	case ExpertDemo:
		return "expert demo"
	case LearnerRollout:
		return "learner rollout"
	case TeacherRollout:
		return "teacher rollout"
	}
	return fmt.Sprintf("Source(%d)", int(s))
}

// Dataset is the aggregated data D = {(o_t, u*_t)} the learner is fitted to:
// the observation the learner saw, the expert's action (the label), the
// state it came from (which the learner never sees), the time step and the
// source of each pair. Row i of every slice is the same pair.
type Dataset struct {
	Obs, Act, States [][]float64
	Steps            []int
	Source           []Source
}

// Len returns the number of pairs.
func (d *Dataset) Len() int {
	if d == nil {
		return 0
	}
	return len(d.Obs)
}

// Append adds the pairs of o to d (DAgger's step 4, D ← D ∪ D_π). The rows
// are shared, not copied.
func (d *Dataset) Append(o *Dataset) {
	if o == nil {
		return
	}
	d.Obs = append(d.Obs, o.Obs...)
	d.Act = append(d.Act, o.Act...)
	d.States = append(d.States, o.States...)
	d.Steps = append(d.Steps, o.Steps...)
	d.Source = append(d.Source, o.Source...)
}

// Count returns the number of pairs from source s.
func (d *Dataset) Count(s Source) int {
	n := 0
	if d != nil {
		for _, v := range d.Source {
			if v == s {
				n++
			}
		}
	}
	return n
}

// Rollout is one run on the system from Start by whatever acted (the
// expert, DAgger's mixture, PLATO's teacher), with what the learner saw and
// what the expert said at each visited state.
type Rollout struct {
	Start []float64
	// Trajectory holds the T+1 visited states and the T executed actions.
	Trajectory system.Trajectory
	// Obs[t] is the learner's observation at step t.
	Obs [][]float64
	// Labels[t] is the expert's action at state t (nil until labelled).
	Labels [][]float64
	// Learner[t] reports that the learner's own action was executed at
	// step t (a policy execution).
	Learner []bool
	// Source tags the rollout's pairs.
	Source Source
}

// Executions returns the number of steps at which the learner's own action
// was executed.
func (r *Rollout) Executions() int {
	n := 0
	for _, b := range r.Learner {
		if b {
			n++
		}
	}
	return n
}

// Queries returns the number of expert labels the rollout holds.
func (r *Rollout) Queries() int {
	n := 0
	for _, l := range r.Labels {
		if l != nil {
			n++
		}
	}
	return n
}

// Data returns the rollout's labelled pairs, or an error if a step has no
// label.
func (r *Rollout) Data() (*Dataset, error) {
	T := len(r.Trajectory.U)
	d := &Dataset{}
	for t := 0; t < T; t++ {
		if t >= len(r.Labels) || r.Labels[t] == nil {
			return nil, fmt.Errorf("imitation: rollout from %v: step %d has no expert label", r.Start, t)
		}
		d.Obs = append(d.Obs, r.Obs[t])
		d.Act = append(d.Act, r.Labels[t])
		d.States = append(d.States, r.Trajectory.X[t])
		d.Steps = append(d.Steps, t)
		d.Source = append(d.Source, r.Source)
	}
	return d, nil
}

// actor chooses the executed action of a rollout at step t. It is given the
// state, the learner's observation, and (when the rollout asks the expert
// as it goes) the expert's action and its plan; it writes the action and
// reports whether it was the learner's own.
type actor func(u []float64, t int, x, o, uExpert []float64, plan *ilqr.Result, rng *rand.Rand) (learner bool, err error)

// rollout runs one rollout from x0 for the task's T steps. With asking set,
// a fresh Expert.Policy(x0) is asked at every visited state in order (its
// warm start follows the rollout) and its answers are the labels.
func rollout(e *Expert, obs Observer, x0 []float64, src Source, asking bool, act actor, rng *rand.Rand) (*Rollout, error) {
	k := e.task
	n, m := k.System.StateDim(), k.System.ActionDim()
	d, err := obs.ObsDim(n)
	if err != nil {
		return nil, err
	}
	r := &Rollout{Start: append([]float64(nil), x0...), Trajectory: system.NewTrajectory(n, m, k.T), Source: src,
		Obs: system.Grid(k.T, d), Learner: make([]bool, k.T), Labels: make([][]float64, k.T)}
	var mpc *ilqr.MPCPolicy
	if asking {
		if mpc, err = e.Policy(x0); err != nil {
			return nil, err
		}
	}
	copy(r.Trajectory.X[0], x0)
	for t := 0; t < k.T; t++ {
		x, prev := r.Trajectory.X[t], r.Trajectory.X[max(t-1, 0)]
		obs.Observe(r.Obs[t], x, prev)
		var uE []float64
		var plan *ilqr.Result
		if asking {
			uE = make([]float64, m)
			if err := mpc.Act(uE, t, x, nil); err != nil {
				return nil, fmt.Errorf("imitation: expert at step %d: %w", t, err)
			}
			r.Labels[t], plan = uE, mpc.LastPlan()
		}
		u := r.Trajectory.U[t]
		if r.Learner[t], err = act(u, t, x, r.Obs[t], uE, plan, rng); err != nil {
			return nil, fmt.Errorf("imitation: step %d: %w", t, err)
		}
		if err := system.CheckVec(fmt.Sprintf("imitation: action at step %d", t), u, m); err != nil {
			return nil, err
		}
		if err := k.System.Step(r.Trajectory.X[t+1], x, u); err != nil {
			return nil, fmt.Errorf("imitation: step %d: %w", t, err)
		}
		for _, v := range r.Trajectory.X[t+1] {
			if math.IsNaN(v) || math.IsInf(v, 0) || math.Abs(v) > 1e8 {
				return nil, fmt.Errorf("imitation: state blew up at step %d: %v", t+1, r.Trajectory.X[t+1])
			}
		}
	}
	return r, nil
}

// label asks a fresh Expert.Policy(r.Start) for its action at every state
// of r in order, unless r is labelled already. It returns the number of new
// queries.
func label(e *Expert, r *Rollout) (int, error) {
	if r.Queries() == len(r.Trajectory.U) {
		return 0, nil
	}
	mpc, err := e.Policy(r.Start)
	if err != nil {
		return 0, err
	}
	m := e.task.System.ActionDim()
	q := 0
	for t := range r.Trajectory.U {
		u := make([]float64, m)
		if err := mpc.Act(u, t, r.Trajectory.X[t], nil); err != nil {
			return 0, fmt.Errorf("imitation: expert label at step %d: %w", t, err)
		}
		r.Labels[t] = u
		q++
	}
	return q, nil
}

// aggregate turns labelled rollouts into one dataset.
func aggregate(rs []*Rollout) (*Dataset, error) {
	d := &Dataset{}
	for i, r := range rs {
		ri, err := r.Data()
		if err != nil {
			return nil, fmt.Errorf("rollout %d: %w", i, err)
		}
		d.Append(ri)
	}
	return d, nil
}

// LearnerConfig is what behaviour cloning, DAgger and PLATO share: what the
// learner sees, its network, how it is fitted and the seed.
type LearnerConfig struct {
	// Observer is what the learner sees (nil: the task's Observer()).
	Observer Observer
	// Hidden are the network's hidden widths (nil: {64, 64}).
	Hidden []int
	// Fit configures each regression (the Seed field is replaced by one
	// derived from Seed and the round).
	Fit nn.FitConfig
	// Seed seeds the network's weights, the starts drawn from the start
	// region, the fits and any sampling.
	Seed uint64
	// Init, if given, is the learner to start from (cloned, not changed):
	// its ObsDim must be the observer's and its ActDim the task's. Hidden
	// is then ignored.
	Init *Policy
}

// newLearner checks the settings against the task and makes the learner.
func (c *LearnerConfig) newLearner(k *Task) (*Policy, error) {
	if c.Observer == nil {
		c.Observer = k.Observer()
	}
	d, err := c.Observer.ObsDim(k.System.StateDim())
	if err != nil {
		return nil, fmt.Errorf("imitation: observer %q does not fit the task %q: %w", c.Observer.Name(), k.Name, err)
	}
	if _, err := c.Fit.WithDefaults(); err != nil {
		return nil, fmt.Errorf("imitation: Fit: %w", err)
	}
	if c.Init != nil {
		if err := checkLearner(k, c.Observer, c.Init); err != nil {
			return nil, err
		}
		return c.Init.Clone(), nil
	}
	return NewPolicy(PolicyConfig{ObsDim: d, ActDim: k.System.ActionDim(), Hidden: c.Hidden, Seed: c.Seed})
}

// checkLearner checks that a given learner fits the observer and the task.
func checkLearner(k *Task, obs Observer, p *Policy) error {
	if err := p.check(); err != nil {
		return err
	}
	d, err := obs.ObsDim(k.System.StateDim())
	if err != nil {
		return err
	}
	if d != p.ObsDim() || p.ActDim() != k.System.ActionDim() {
		return fmt.Errorf("imitation: the learner takes %d numbers and gives %d; observer %q gives %d for task %q, whose action has %d",
			p.ObsDim(), p.ActDim(), obs.Name(), d, k.Name, k.System.ActionDim())
	}
	return nil
}

// fitSeed derives round i's fit seed.
func fitSeed(seed uint64, i int) uint64 { return seed*1000003 + uint64(i) + 17 }

// train fits p to d: the lecture's step 1, "train π_θ(u_t | o_t) from the
// data D = {o_1, u_1, …, o_N, u_N}".
func train(p *Policy, d *Dataset, fit nn.FitConfig, seed uint64) ([]float64, error) {
	if d.Len() == 0 {
		return nil, errors.New("imitation: no data to train on")
	}
	fit.Seed = seed
	return p.Fit(d.Obs, d.Act, fit)
}

// rolloutRNG is rollout i's random stream in a batch seeded by seed.
func rolloutRNG(seed uint64, i int) *rand.Rand { return rand.New(rand.NewPCG(seed, uint64(i)+0x5eed)) }

// checkFinite returns an error naming a setting that is NaN or infinite.
func checkFinite(name string, v float64) error {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return fmt.Errorf("imitation: %s = %v, want a finite number", name, v)
	}
	return nil
}
