package env

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"github.com/rlcontrol/rlcontrol/rl/internal/nilcheck"

	"github.com/rlcontrol/rlcontrol/rl/system"
)

// Env is a reinforcement-learning environment with continuous (box)
// actions. Implementations are not safe for concurrent use: each copy in a
// Vec is its own value.
type Env interface {
	// ObsDim is the length of an observation.
	ObsDim() int
	// ActDim is the length of an action.
	ActDim() int
	// ActionLimits returns the box [lo, hi] that Step clips actions to
	// (fresh slices of length ActDim), as system.System's ActionLimits.
	ActionLimits() (lo, hi []float64)
	// MaxSteps is the time limit: an episode is truncated after this many
	// steps (≤ 0: no limit).
	MaxSteps() int
	// Reset starts a new episode from a random initial state drawn from rng
	// (nil: a fixed stream seeded with 0) and returns its first
	// observation.
	Reset(rng *rand.Rand) []float64
	// Step applies the action (clipped to ActionLimits) for one time step
	// and returns the next observation, the reward and whether the episode
	// ended (terminated or truncated). It returns an error, and changes
	// nothing, if the action has the wrong length or a non-finite entry, if
	// Reset has not been called or if the episode has already ended.
	Step(action []float64) (obs []float64, reward float64, done bool, err error)
}

// Truncater is implemented by environments that tell a truncation from a
// termination. Truncated reports whether the episode that the last Step
// ended was cut by the time limit (true) rather than terminated (false);
// it is false while the episode runs.
type Truncater interface {
	Truncated() bool
}

// IsTruncated reports whether e's episode, which its last Step ended after
// steps steps, was truncated: e.Truncated() if e is a Truncater, otherwise
// whether steps reached e.MaxSteps(). It is false for a nil e.
func IsTruncated(e Env, steps int) bool {
	if nilcheck.IsNil(e) {
		return false
	}
	if t, ok := e.(Truncater); ok {
		return t.Truncated()
	}
	return e.MaxSteps() > 0 && steps >= e.MaxSteps()
}

// defaultRNG is the stream Reset uses when given a nil rng.
func defaultRNG(rng *rand.Rand) *rand.Rand {
	if rng == nil {
		return rand.New(rand.NewPCG(0, 0))
	}
	return rng
}

// checkAction returns an error naming the first problem of action: wrong
// length or a non-finite entry.
func checkAction(name string, action []float64, dim int) error {
	if err := system.CheckVec("action", action, dim); err != nil {
		return fmt.Errorf("env: %s.Step: %w", name, err)
	}
	return nil
}

// checkState returns an error naming the first problem of a state given
// to name.SetState: a nil environment, the wrong length or a non-finite
// entry.
func checkState(name string, isNil bool, state []float64, dim int) error {
	if isNil {
		return fmt.Errorf("env: %s.SetState: nil %s", name, name)
	}
	if err := system.CheckVec("state", state, dim); err != nil {
		return fmt.Errorf("env: %s.SetState: %w", name, err)
	}
	return nil
}

// checkNext returns an error if a component of the state a Step computed
// is not finite; labels names the components, e.g. "[θ θ̇]".
func checkNext(name, labels string, next ...float64) error {
	for _, v := range next {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			// A copy, so that next does not escape: a Step allocates nothing here.
			return fmt.Errorf("env: %s.Step: the next state %s = %v is not finite: the state or the parameters are too large for the update", name, labels, slices.Clone(next))
		}
	}
	return nil
}

// errNil is the error of a method called on a nil environment.
func errNil(name string) error {
	return fmt.Errorf("env: %s.Step: nil %s (use New%s)", name, name, name)
}

// episode is the bookkeeping every environment shares: whether an episode
// runs, its step count and how it ended.
type episode struct {
	started   bool
	done      bool
	truncated bool
	t         int
}

func (ep *episode) reset() { *ep = episode{started: true} }

// check returns an error if no episode is running.
func (ep *episode) check(name string) error {
	switch {
	case !ep.started:
		return fmt.Errorf("env: %s.Step called before Reset", name)
	case ep.done:
		return fmt.Errorf("env: %s.Step called after the episode ended (after %d steps); call Reset", name, ep.t)
	}
	return nil
}

// advance counts a step and records how the episode ended: terminated
// wins over the time limit.
func (ep *episode) advance(terminated bool, horizon int) (done bool) {
	ep.t++
	switch {
	case terminated:
		ep.done = true
	case horizon > 0 && ep.t >= horizon:
		ep.done, ep.truncated = true, true
	}
	return ep.done
}

func clip(x, lo, hi float64) float64 { return math.Min(math.Max(x, lo), hi) }

// orDefault returns v, or def if v is 0.
func orDefault(v, def float64) float64 {
	if v == 0 {
		return def
	}
	return v
}

// checkPositive returns an error unless v is finite and > 0.
func checkPositive(name, field string, v float64) error {
	if !(v > 0) || math.IsInf(v, 1) {
		return fmt.Errorf("env: %s.%s = %v, want a finite value > 0", name, field, v)
	}
	return nil
}
