package policy

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"github.com/rlcontrol/rlcontrol/rl/env"
	"github.com/rlcontrol/rlcontrol/rl/internal/limits"
)

// Batch is the experience of one policy-gradient iteration: Len() =
// NumEnvs × StepsPerEnv transitions sampled by Rollouts from the copies of
// an env.Vec.
//
// Layout: transitions are stored copy by copy, and in time order within a
// copy: copy i's StepsPerEnv steps are k ∈ [i·StepsPerEnv,
// (i+1)·StepsPerEnv). So the batch is a sequence of contiguous segments,
// each a piece of one episode, and End marks the last step of every
// segment: one backward pass over the whole batch, with the advantage sum
// reset at End, computes GAE (trpo.GAE(b.Rew, values, next, b.End,
// b.Terminal, γ, λ) with values, next from Value.Evaluate).
//
// For step k, with s_k the observation in which a_k was taken:
type Batch struct {
	// NumEnvs is the number of copies N; StepsPerEnv the steps of each, T.
	NumEnvs, StepsPerEnv int
	// Obs[k] is s_k.
	Obs [][]float64
	// Act[k] is the action a_k sampled from the policy, before the
	// environment clipped it to its bounds: Logp[k] is its
	// log-probability.
	Act [][]float64
	// Rew[k] is the reward r_k received for a_k.
	Rew []float64
	// Done[k]: the episode ended at step k, by termination or truncation.
	Done []bool
	// Truncated[k]: the episode was cut at step k by the time limit: the
	// return goes on beyond it, so bootstrap with V(BootObs[k]).
	Truncated []bool
	// Terminal[k] = Done[k] && !Truncated[k]: the episode terminated at
	// step k; the value after it is 0.
	Terminal []bool
	// Cut[k]: step k is copy k's last step in this batch and its episode
	// goes on (Done[k] is false): bootstrap with V(BootObs[k]).
	Cut []bool
	// End[k] = Done[k] || Cut[k]: step k ends a segment; step k+1, if
	// any, belongs to another episode (or another copy).
	End []bool
	// Logp[k] is log π_old(a_k | s_k) under the policy that sampled it
	// (computed in the sampling graph of N rows: recomputing it in a
	// graph over the whole batch agrees to rounding, about 1e-16).
	Logp []float64
	// Mean[k] is that policy's mean μ_old(s_k).
	Mean [][]float64
	// LogStd is that policy's log-std (state independent): with Mean it
	// gives π_old for the KL constraint.
	LogStd []float64
	// BootObs[k] is the observation after step k where a value must be
	// bootstrapped — the final observation of a truncated episode
	// (Truncated[k]) or the observation the copy is left in at the cut
	// (Cut[k]) — and nil at every other step.
	BootObs [][]float64
	// Episode[k] numbers the segment step k belongs to, 0, 1, … in batch
	// order (a segment is one episode's steps within one copy and batch).
	Episode []int
	// EpReturns and EpLengths hold the undiscounted return and the length
	// of every episode that ended in this batch (Done), in batch order;
	// an episode that began in an earlier batch counts its earlier steps
	// too. Episodes still running at the cut are not included.
	EpReturns []float64
	EpLengths []int
}

// Len returns the number of transitions (0 for a nil batch).
func (b *Batch) Len() int {
	if b == nil {
		return 0
	}
	return len(b.Rew)
}

// check returns an error if b is nil or the fields that NextValues (and,
// with obs, Value.Evaluate) read do not all have length Len().
func (b *Batch) check(fn string, obs bool) error {
	if b == nil {
		return fmt.Errorf("policy: %s: batch is nil", fn)
	}
	n := b.Len()
	for _, f := range []struct {
		name string
		len  int
		used bool
	}{{"Obs", len(b.Obs), obs}, {"Terminal", len(b.Terminal), true}, {"End", len(b.End), true}, {"BootObs", len(b.BootObs), true}} {
		if f.used && f.len != n {
			return fmt.Errorf("policy: %s: Batch.%s has length %d, want %d (the number of rewards)", fn, f.name, f.len, n)
		}
	}
	return nil
}

// BootIndex returns the steps k whose BootObs is set (Truncated or Cut), in
// order (none for a nil batch).
func (b *Batch) BootIndex() []int {
	if b == nil {
		return nil
	}
	var idx []int
	for k, o := range b.BootObs {
		if o != nil {
			idx = append(idx, k)
		}
	}
	return idx
}

// NextValues assembles next[k] = V(s_{k+1}), the value of the observation
// that followed step k, from values[k] = V(Obs[k]) and boot[j] =
// V(BootObs[BootIndex()[j]]):
//
//	next[k] = values[k+1]   inside a segment (End[k] false)
//	next[k] = boot[j]       at a truncation or cut (bootstrap)
//	next[k] = 0             at a termination
//
// It returns an error if b is nil, its Terminal, End or BootObs do not
// have length Len(), values or boot have the wrong length or a non-finite
// entry, or a segment ends without a bootstrap observation or termination.
func (b *Batch) NextValues(values, boot []float64) ([]float64, error) {
	if err := b.check("Batch.NextValues", false); err != nil {
		return nil, err
	}
	n := b.Len()
	idx := b.BootIndex()
	if len(values) != n {
		return nil, fmt.Errorf("policy: Batch.NextValues: %d values for %d steps", len(values), n)
	}
	if len(boot) != len(idx) {
		return nil, fmt.Errorf("policy: Batch.NextValues: %d bootstrap values for %d bootstrap observations", len(boot), len(idx))
	}
	if err := checkFinite("Batch.NextValues", "values", values); err != nil {
		return nil, err
	}
	if err := checkFinite("Batch.NextValues", "boot", boot); err != nil {
		return nil, err
	}
	next := make([]float64, n)
	j := 0
	for k := 0; k < n; k++ {
		switch {
		case b.BootObs[k] != nil:
			next[k] = boot[j]
			j++
		case b.Terminal[k]:
			next[k] = 0
		case k+1 < n && !b.End[k]:
			next[k] = values[k+1]
		default:
			return nil, fmt.Errorf("policy: Batch.NextValues: step %d ends a segment without a bootstrap observation or termination", k)
		}
	}
	return next, nil
}

// MeanReturn returns the mean of EpReturns and their number (0, 0 if no
// episode ended or b is nil).
func (b *Batch) MeanReturn() (mean float64, episodes int) {
	if b == nil || len(b.EpReturns) == 0 {
		return 0, 0
	}
	for _, r := range b.EpReturns {
		mean += r
	}
	return mean / float64(len(b.EpReturns)), len(b.EpReturns)
}

// Rollouts runs the policy pi in the copies of vec for steps transitions in
// all (steps/N per copy; steps must be a positive multiple of N =
// vec.N()) and returns them as a Batch. Each vector step costs one graph
// call for all copies (pi.Act), with the sampling noise drawn from rng, so
// the same policy, Vec seed and rng seed give the same batch bit for bit.
//
// Episodes carry over between calls: Rollouts continues from the state the
// Vec is in (resetting it first only if it was never reset), cutting
// episodes at the batch end and bootstrapping there, as Spinning Up does
// at an epoch's end. Call vec.Reset() before Rollouts to start every copy
// afresh instead. Episodes longer than steps/N never complete within one
// batch; for statistics, take steps ≥ N·MaxSteps.
//
// It returns an error if pi, vec or rng is nil (or vec has no copies),
// their dimensions differ, steps is not a positive multiple of N, the
// batch would hold more than limits.MaxElements values
// (steps × (ObsDim + 2·ActDim + 2), checked before anything is allocated),
// or the policy or the environment fails (Act's and env.Vec.Step's errors,
// which name non-finite observations, actions and rewards).
func Rollouts(pi *Gaussian, vec *env.Vec, steps int, rng *rand.Rand) (*Batch, error) {
	const fn = "policy: Rollouts"
	switch {
	case pi == nil || pi.mlp == nil || vec == nil || rng == nil:
		return nil, fmt.Errorf("%s: nil policy, Vec or rng", fn)
	case vec.N() == 0:
		return nil, fmt.Errorf("%s: vec has no copies (make it with env.NewVec)", fn)
	case pi.ObsDim() != vec.ObsDim() || pi.ActDim() != vec.ActDim():
		return nil, fmt.Errorf("%s: the policy maps %d observations to %d actions, the environment has %d and %d",
			fn, pi.ObsDim(), pi.ActDim(), vec.ObsDim(), vec.ActDim())
	case steps < 1 || steps%vec.N() != 0:
		return nil, fmt.Errorf("%s: steps = %d, want a positive multiple of the %d copies", fn, steps, vec.N())
	}
	if err := limits.Check(fn, "steps × (ObsDim + 2·ActDim + 2)", steps, pi.ObsDim()+2*pi.ActDim()+2); err != nil {
		return nil, err
	}
	if !vec.Started() {
		vec.Reset()
	}
	N, T := vec.N(), steps/vec.N()
	b := &Batch{NumEnvs: N, StepsPerEnv: T,
		Obs: make([][]float64, steps), Act: make([][]float64, steps), Rew: make([]float64, steps),
		Done: make([]bool, steps), Truncated: make([]bool, steps), Terminal: make([]bool, steps),
		Cut: make([]bool, steps), End: make([]bool, steps), Logp: make([]float64, steps),
		Mean: make([][]float64, steps), LogStd: pi.LogStd(), BootObs: make([][]float64, steps),
		Episode: make([]int, steps)}
	type ended struct {
		ret float64
		len int
	}
	episodes := make(map[int]ended) // by step index k
	obs := vec.Obs()
	for t := 0; t < T; t++ {
		acts, logp, mean, err := pi.Act(obs, rng)
		if err != nil {
			return nil, fmt.Errorf("%s: vector step %d: %w", fn, t, err)
		}
		next, rew, dones, trunc, err := vec.Step(acts)
		if err != nil {
			return nil, fmt.Errorf("%s: vector step %d: %w", fn, t, err)
		}
		final := vec.FinalObs()
		for _, ep := range vec.Ended() {
			episodes[ep.Copy*T+t] = ended{ep.Return, ep.Length}
		}
		for i := 0; i < N; i++ {
			k := i*T + t
			b.Obs[k], b.Act[k], b.Rew[k], b.Logp[k], b.Mean[k] = obs[i], acts[i], rew[i], logp[i], mean[i]
			b.Done[k], b.Truncated[k], b.Terminal[k] = dones[i], trunc[i], dones[i] && !trunc[i]
			if trunc[i] {
				b.BootObs[k] = final[i]
			}
			if t == T-1 && !dones[i] {
				b.Cut[k], b.BootObs[k] = true, slices.Clone(next[i])
			}
			b.End[k] = b.Done[k] || b.Cut[k]
		}
		obs = next
	}
	id := 0
	for k := 0; k < steps; k++ {
		b.Episode[k] = id
		if b.End[k] {
			id++
		}
		if b.Done[k] {
			ep := episodes[k]
			b.EpReturns = append(b.EpReturns, ep.ret)
			b.EpLengths = append(b.EpLengths, ep.len)
		}
	}
	return b, nil
}

// checkFinite returns an error naming the first non-finite entry of v.
func checkFinite(fn, what string, v []float64) error {
	for i, x := range v {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return fmt.Errorf("policy: %s: %s[%d] = %v is not finite", fn, what, i, x)
		}
	}
	return nil
}
