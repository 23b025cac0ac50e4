package env

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/rlcontrol/rlcontrol/rl/internal/nilcheck"

	"github.com/rlcontrol/rlcontrol/rl/internal/limits"
	"github.com/rlcontrol/rlcontrol/rl/system"
)

// Vec steps N copies of an environment together, the way policy-gradient
// methods collect a batch: one action per copy per step, so a policy can
// evaluate all copies in one graph call.
//
// Copy i draws its initial states from its own stream PCG(seed, i), so the
// episodes of a copy depend only on the seed, i and its actions, not on N.
// A copy whose episode ends is reset at once (auto-reset): the observation
// Step returns for it is the first of its next episode, and the last
// observation of the finished episode (the one a truncated episode's value
// is bootstrapped from) is kept in Ended and FinalObs until the next Step.
//
// If a copy reaches MaxSteps without its environment reporting done, Vec
// truncates the episode itself, so environments need not enforce their own
// time limit.
//
// A Vec is not safe for concurrent use. Make it with NewVec: the methods
// of a nil *Vec panic, except Step, which returns an error.
type Vec struct {
	envs           []Env
	rngs           []*rand.Rand
	obsDim, actDim int
	lo, hi         []float64
	maxSteps       int

	started bool
	broken  error       // set when an environment failed mid-step
	obs     [][]float64 // current observation of each copy
	ret     []float64   // return so far of each copy's episode
	length  []int       // steps so far of each copy's episode
	ended   []Episode   // episodes that ended at the last Step
	final   [][]float64 // per copy: final observation of an episode that ended at the last Step
}

// Episode describes an episode that ended.
type Episode struct {
	// Copy is the index of the copy that ran it.
	Copy int
	// Return is the undiscounted sum of its rewards.
	Return float64
	// Length is its number of steps.
	Length int
	// Truncated is true if it was cut by the time limit (bootstrap with
	// V(FinalObs)), false if it terminated (the value after it is 0).
	Truncated bool
	// FinalObs is the observation after its last step.
	FinalObs []float64
}

// copyCost is what NewVec counts a copy as, in float64 values, besides its
// observation and action: the environment's state, its random stream and
// the Vec's bookkeeping.
const copyCost = 32

// NewVec makes n copies of an environment by calling newEnv n times (each
// call must return a new, independent value) and seeds copy i's resets
// with PCG(seed, i). It returns an error if n < 1, newEnv is nil or returns
// nil (or a nil pointer), the copies disagree on their dimensions, action
// limits or MaxSteps, an action limit is NaN or lo > hi, or the copies
// would be too large: n × (ObsDim + ActDim + 32) may be at most
// limits.MaxElements = 2^27 (each copy counted as its observation, its
// action and 32 values for its environment and random stream), checked
// after the first copy and before the others are made. Call Reset before
// Step.
func NewVec(newEnv func() Env, n int, seed uint64) (*Vec, error) {
	const fn = "env: NewVec"
	if newEnv == nil {
		return nil, fmt.Errorf("%s: newEnv is nil", fn)
	}
	if n < 1 {
		return nil, fmt.Errorf("%s: n = %d copies, want ≥ 1", fn, n)
	}
	v := &Vec{}
	for i := 0; i < n; i++ {
		e := newEnv()
		if nilcheck.IsNil(e) {
			return nil, fmt.Errorf("%s: newEnv returned nil for copy %d", fn, i)
		}
		lo, hi := e.ActionLimits()
		if i == 0 {
			if err := v.first(e, n, lo, hi); err != nil {
				return nil, err
			}
		} else if e.ObsDim() != v.obsDim || e.ActDim() != v.actDim || e.MaxSteps() != v.maxSteps || !equal(lo, v.lo) || !equal(hi, v.hi) {
			return nil, fmt.Errorf("%s: copy %d differs from copy 0 (ObsDim %d vs %d, ActDim %d vs %d, MaxSteps %d vs %d, or action limits)",
				fn, i, e.ObsDim(), v.obsDim, e.ActDim(), v.actDim, e.MaxSteps(), v.maxSteps)
		}
		v.envs = append(v.envs, e)
		v.rngs = append(v.rngs, rand.New(rand.NewPCG(seed, uint64(i))))
	}
	v.obs = make([][]float64, n)
	v.final = make([][]float64, n)
	v.ret = make([]float64, n)
	v.length = make([]int, n)
	return v, nil
}

// first takes the dimensions, action limits and time limit of copy 0, e,
// and checks them and the size of n copies.
func (v *Vec) first(e Env, n int, lo, hi []float64) error {
	const fn = "env: NewVec"
	v.obsDim, v.actDim, v.lo, v.hi, v.maxSteps = e.ObsDim(), e.ActDim(), lo, hi, e.MaxSteps()
	if v.obsDim < 1 || v.actDim < 1 {
		return fmt.Errorf("%s: ObsDim = %d, ActDim = %d, want ≥ 1", fn, v.obsDim, v.actDim)
	}
	if err := limits.Check(fn, "ObsDim", v.obsDim); err != nil {
		return err
	}
	if err := limits.Check(fn, "ActDim", v.actDim); err != nil {
		return err
	}
	if err := limits.Check(fn, "n × (ObsDim + ActDim + 32)", n, v.obsDim+v.actDim+copyCost); err != nil {
		return err
	}
	if len(lo) != v.actDim || len(hi) != v.actDim {
		return fmt.Errorf("%s: action limits have lengths %d and %d, want ActDim = %d", fn, len(lo), len(hi), v.actDim)
	}
	for j := range lo {
		if !(lo[j] <= hi[j]) {
			return fmt.Errorf("%s: action limits lo[%d] = %v, hi[%d] = %v, want lo ≤ hi", fn, j, lo[j], j, hi[j])
		}
	}
	return nil
}

// MustNewVec is NewVec that panics on error, for notebooks.
func MustNewVec(newEnv func() Env, n int, seed uint64) *Vec {
	v, err := NewVec(newEnv, n, seed)
	if err != nil {
		panic(err)
	}
	return v
}

func equal(a, b []float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// N returns the number of copies.
func (v *Vec) N() int { return len(v.envs) }

// ObsDim returns the observation length of every copy.
func (v *Vec) ObsDim() int { return v.obsDim }

// ActDim returns the action length of every copy.
func (v *Vec) ActDim() int { return v.actDim }

// ActionLimits returns the action box of every copy.
func (v *Vec) ActionLimits() (lo, hi []float64) {
	return append([]float64(nil), v.lo...), append([]float64(nil), v.hi...)
}

// MaxSteps returns the time limit of every copy (≤ 0: none).
func (v *Vec) MaxSteps() int { return v.maxSteps }

// Env returns copy i (to read its state; stepping it directly desynchronises
// the Vec). It panics unless 0 ≤ i < N().
func (v *Vec) Env(i int) Env { return v.envs[i] }

// Started reports whether Reset has been called.
func (v *Vec) Started() bool { return v.started }

// Reset starts a new episode in every copy, drawing from each copy's
// stream, and returns the first observations (obs[i] is copy i's).
// Episodes in progress are abandoned. An observation of the wrong length
// or with a non-finite entry makes the next Step return an error naming
// it.
func (v *Vec) Reset() [][]float64 {
	v.broken = nil
	for i, e := range v.envs {
		v.obs[i] = e.Reset(v.rngs[i])
		v.ret[i], v.length[i], v.final[i] = 0, 0, nil
		if err := v.checkObs(v.obs[i], "Reset returned obs"); err != nil && v.broken == nil {
			v.broken = fmt.Errorf("copy %d: %w", i, err)
		}
	}
	v.ended = nil
	v.started = true
	return v.Obs()
}

// Obs returns a copy of the current observation of every copy.
func (v *Vec) Obs() [][]float64 {
	out := make([][]float64, len(v.obs))
	for i, o := range v.obs {
		out[i] = append([]float64(nil), o...)
	}
	return out
}

// Step applies actions[i] to copy i (each environment clips it to the
// action limits) and returns, per copy, the next observation, the reward,
// whether the episode ended at this step (dones: terminated or truncated)
// and whether that end was a truncation (truncated[i] implies dones[i];
// dones[i] && !truncated[i] is a termination). A copy whose episode ended
// has been reset: obs[i] is the first observation of its next episode, and
// the ended episode, with its final observation, is in Ended and FinalObs.
//
// Step checks every action (count, lengths, finiteness) before stepping
// any copy, so a bad action changes nothing. If an environment itself
// fails, or returns an observation of the wrong length, a non-finite
// observation or a non-finite reward, the error names the copy and the
// value, and the Vec must be Reset.
func (v *Vec) Step(actions [][]float64) (obs [][]float64, rewards []float64, dones, truncated []bool, err error) {
	switch {
	case v == nil:
		return nil, nil, nil, nil, fmt.Errorf("env: Vec.Step: nil Vec (use NewVec)")
	case !v.started:
		return nil, nil, nil, nil, fmt.Errorf("env: Vec.Step called before Reset")
	case v.broken != nil:
		return nil, nil, nil, nil, fmt.Errorf("env: Vec.Step: %w; call Reset", v.broken)
	case len(actions) != len(v.envs):
		return nil, nil, nil, nil, fmt.Errorf("env: Vec.Step: %d actions for %d copies", len(actions), len(v.envs))
	}
	for i, a := range actions {
		if len(a) != v.actDim {
			return nil, nil, nil, nil, fmt.Errorf("env: Vec.Step: actions[%d] has length %d, want %d", i, len(a), v.actDim)
		}
		for j, x := range a {
			if math.IsNaN(x) || math.IsInf(x, 0) {
				return nil, nil, nil, nil, fmt.Errorf("env: Vec.Step: actions[%d][%d] = %v is not finite", i, j, x)
			}
		}
	}
	n := len(v.envs)
	rewards, dones, truncated = make([]float64, n), make([]bool, n), make([]bool, n)
	v.ended = v.ended[:0]
	for i, e := range v.envs {
		o, r, done, err := e.Step(actions[i])
		if err == nil {
			err = v.checkObs(o, "obs")
		}
		if err == nil && (math.IsNaN(r) || math.IsInf(r, 0)) {
			err = fmt.Errorf("reward = %v is not finite", r)
		}
		if err != nil {
			return nil, nil, nil, nil, v.fail(i, err)
		}
		v.ret[i] += r
		v.length[i]++
		rewards[i] = r
		v.final[i] = nil
		trunc := false
		switch {
		case done:
			trunc = IsTruncated(e, v.length[i])
		case v.maxSteps > 0 && v.length[i] >= v.maxSteps:
			done, trunc = true, true
		}
		if done {
			dones[i], truncated[i] = true, trunc
			v.final[i] = o
			v.ended = append(v.ended, Episode{Copy: i, Return: v.ret[i], Length: v.length[i], Truncated: trunc,
				FinalObs: append([]float64(nil), o...)})
			o = e.Reset(v.rngs[i])
			v.ret[i], v.length[i] = 0, 0
			if err := v.checkObs(o, "Reset returned obs"); err != nil {
				return nil, nil, nil, nil, v.fail(i, err)
			}
		}
		v.obs[i] = o
	}
	return v.Obs(), rewards, dones, truncated, nil
}

// checkObs returns an error naming what if o is not a finite observation
// of length ObsDim.
func (v *Vec) checkObs(o []float64, what string) error {
	return system.CheckVec(what, o, v.obsDim)
}

// fail marks the Vec broken by copy i's error err and returns the error
// of Step.
func (v *Vec) fail(i int, err error) error {
	v.broken = fmt.Errorf("an earlier Step failed (copy %d: %w)", i, err)
	return fmt.Errorf("env: Vec.Step: copy %d: %w", i, err)
}

// Ended returns the episodes that ended at the last Step, in copy order
// (empty if none did).
func (v *Vec) Ended() []Episode {
	out := make([]Episode, len(v.ended))
	for k, ep := range v.ended {
		ep.FinalObs = append([]float64(nil), ep.FinalObs...)
		out[k] = ep
	}
	return out
}

// FinalObs returns, per copy, the final observation of the episode that
// ended at the last Step (the one to bootstrap a truncated episode from),
// or nil for a copy whose episode goes on.
func (v *Vec) FinalObs() [][]float64 {
	out := make([][]float64, len(v.final))
	for i, o := range v.final {
		if o != nil {
			out[i] = append([]float64(nil), o...)
		}
	}
	return out
}

// Running returns the return and the number of steps so far of each
// copy's current episode.
func (v *Vec) Running() (returns []float64, lengths []int) {
	return append([]float64(nil), v.ret...), append([]int(nil), v.length...)
}
