package env

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/rlcontrol/rlcontrol/rl/internal/badtest"
)

// stateSetter is an environment with SetState.
type stateSetter interface {
	Env
	SetState(state []float64) ([]float64, error)
}

// setState is e.SetState(s)'s error.
func setState(e stateSetter, s []float64) error {
	_, err := e.SetState(s)
	return err
}

// setThenStep sets the state s and steps with action 0 until the episode
// ends or 300 steps pass, returning the first error; an episode that
// does not end within 300 steps is an error too.
func setThenStep(e stateSetter, s []float64) error {
	if err := setState(e, s); err != nil {
		return err
	}
	for range 300 {
		_, _, done, err := e.Step([]float64{0})
		if err != nil || done {
			return err
		}
	}
	return errNeverEnds
}

var errNeverEnds = errorString("the episode never ended")

type errorString string

func (e errorString) Error() string { return string(e) }

// fakeEnv is a one-dimensional environment whose observations, rewards
// and limits the test chooses.
type fakeEnv struct {
	obsDim     int
	lo         float64
	resetObs   []float64
	stepObs    []float64
	reward     float64
	stepsTaken int
}

func (e *fakeEnv) ObsDim() int                      { return e.obsDim }
func (e *fakeEnv) ActDim() int                      { return 1 }
func (e *fakeEnv) ActionLimits() (lo, hi []float64) { return []float64{e.lo}, []float64{1} }
func (e *fakeEnv) MaxSteps() int                    { return 10 }
func (e *fakeEnv) Reset(*rand.Rand) []float64       { return append([]float64(nil), e.resetObs...) }
func (e *fakeEnv) Step([]float64) ([]float64, float64, bool, error) {
	e.stepsTaken++
	return append([]float64(nil), e.stepObs...), e.reward, false, nil
}

// vecStep makes a Vec of two fakes like f, resets it and steps it once.
func vecStep(f fakeEnv) func() error {
	return func() error {
		v, err := NewVec(func() Env { c := f; return &c }, 2, 1)
		if err != nil {
			return err
		}
		v.Reset()
		_, _, _, _, err = v.Step([][]float64{{0}, {0}})
		return err
	}
}

// TestBadInputNonFinite: non-finite states, actions, observations and
// rewards, and states that blow up, are errors naming the value.
func TestBadInputNonFinite(t *testing.T) {
	nan, inf := math.NaN(), math.Inf(1)
	ok := fakeEnv{obsDim: 1, lo: -1, resetObs: []float64{0}, stepObs: []float64{0}}
	nanReset, nanObs, nanReward, nanLo := ok, ok, ok, ok
	nanReset.resetObs = []float64{nan}
	nanObs.stepObs = []float64{nan}
	nanReward.reward = nan
	nanLo.lo = nan
	badtest.Run(t, []badtest.Case{
		badtest.Err("nan", "Pendulum.SetState NaN", func() error { return setThenStep(NewPendulum(), []float64{nan, 0}) }, "state[0] = NaN"),
		badtest.Err("nan", "Pendulum.SetState Inf", func() error { return setThenStep(NewPendulum(), []float64{0, inf}) }, "state[1] = +Inf"),
		badtest.Err("nan", "CartPole.SetState NaN", func() error { return setThenStep(NewCartPole(), []float64{0, nan, 0, 0}) }, "state[1] = NaN"),
		badtest.Err("nan", "CartPole.SetState -Inf", func() error { return setThenStep(NewCartPole(), []float64{0, 0, -inf, 0}) }, "state[2] = -Inf"),
		badtest.Err("nan", "Pendulum.Step action NaN", func() error {
			p := NewPendulum()
			p.Reset(nil)
			_, _, _, err := p.Step([]float64{nan})
			return err
		}, "action[0] = NaN"),
		badtest.Err("nan", "CartPole blows up", func() error { return setThenStep(NewCartPole(), []float64{0, 0, 0, 1e200}) }, "next state [x θ ẋ θ̇] = [0 2e+198 NaN NaN]"),
		badtest.Err("nan", "Pendulum blows up", func() error {
			p := NewPendulum()
			p.Gravity = 1e308
			return setThenStep(p, []float64{math.Pi, 0})
		}, "next state [θ θ̇] = [NaN NaN]"),
		badtest.Err("nan", "Vec reset observation", vecStep(nanReset), "copy 0: Reset returned obs[0] = NaN"),
		badtest.Err("nan", "Vec step observation", vecStep(nanObs), "copy 0: obs[0] = NaN"),
		badtest.Err("nan", "Vec reward", vecStep(nanReward), "copy 0: reward = NaN"),
		badtest.Err("nan", "Vec action limits", vecStep(nanLo), "lo[0] = NaN"),
		badtest.Err("nan", "Vec action", func() error {
			v := MustNewVec(func() Env { return NewPendulum() }, 2, 1)
			v.Reset()
			_, _, _, _, err := v.Step([][]float64{{0}, {nan}})
			return err
		}, "actions[1][0] = NaN"),
	})
}

// TestBadInputNil: nil constructors, environments and receivers are
// errors.
func TestBadInputNil(t *testing.T) {
	badtest.Run(t, []badtest.Case{
		badtest.Err("nil", "NewVec nil constructor", func() error { _, err := NewVec(nil, 2, 1); return err }, "newEnv is nil"),
		badtest.Err("nil", "NewVec nil env", func() error { _, err := NewVec(func() Env { return nil }, 2, 1); return err }, "newEnv returned nil for copy 0"),
		badtest.Err("nil", "NewVec typed nil env", func() error { _, err := NewVec(func() Env { return (*CartPole)(nil) }, 2, 1); return err }, "newEnv returned nil for copy 0"),
		badtest.Err("nil", "nil Vec.Step", func() error { _, _, _, _, err := (*Vec)(nil).Step(nil); return err }, "nil Vec"),
		badtest.Err("nil", "nil Pendulum.Step", func() error { _, _, _, err := (*Pendulum)(nil).Step([]float64{0}); return err }, "nil Pendulum"),
		badtest.Err("nil", "nil CartPole.Step", func() error { _, _, _, err := (*CartPole)(nil).Step([]float64{0}); return err }, "nil CartPole"),
		badtest.Err("nil", "Step nil action", func() error {
			p := NewPendulum()
			p.Reset(nil)
			_, _, _, err := p.Step(nil)
			return err
		}, "action has length 0, want 1"),
		badtest.OK("nil", "IsTruncated nil", func() error {
			if IsTruncated(nil, 5) || IsTruncated((*Pendulum)(nil), 5) {
				t.Error("a nil environment is truncated")
			}
			return nil
		}),
		badtest.Err("nil", "SetState nil", func() error { return setState(NewPendulum(), nil) }, "state has length 0, want 2"),
	})
}

// TestBadInputRagged: states, actions and observations of the wrong
// length are errors naming them.
func TestBadInputRagged(t *testing.T) {
	short := fakeEnv{obsDim: 2, lo: -1, resetObs: []float64{0, 0}, stepObs: []float64{0}}
	badtest.Run(t, []badtest.Case{
		badtest.Err("ragged", "Pendulum.SetState", func() error { return setState(NewPendulum(), []float64{1, 2, 3}) }, "state has length 3, want 2"),
		badtest.Err("ragged", "CartPole.SetState", func() error { return setState(NewCartPole(), []float64{1, 2}) }, "state has length 2, want 4"),
		badtest.Err("ragged", "Vec.Step actions", func() error {
			v := MustNewVec(func() Env { return NewPendulum() }, 2, 1)
			v.Reset()
			_, _, _, _, err := v.Step([][]float64{{0}, {0, 1}})
			return err
		}, "actions[1] has length 2, want 1"),
		badtest.Err("ragged", "Vec observation length", vecStep(short), "copy 0: obs has length 1, want 2"),
	})
}

// TestBadInputOversized: sizes beyond limits.MaxElements are errors naming
// them, before the copies are made.
func TestBadInputOversized(t *testing.T) {
	calls := 0
	counting := func() Env { calls++; return NewPendulum() }
	huge := fakeEnv{obsDim: 1 << 40, lo: -1}
	badtest.Run(t, []badtest.Case{
		badtest.Err("oversized", "NewVec n = 1<<40", func() error { _, err := NewVec(counting, 1<<40, 1); return err }, "n × (ObsDim + ActDim + 32) = 1099511627776 × 36 is too large"),
		badtest.Err("oversized", "NewVec n = 1<<62", func() error { _, err := NewVec(counting, 1<<62, 1); return err }, "n × (ObsDim + ActDim + 32) = 4611686018427387904 × 36 is too large"),
		badtest.Err("oversized", "NewVec ObsDim", func() error { _, err := NewVec(func() Env { c := huge; return &c }, 2, 1); return err }, "ObsDim = 1099511627776 is too large"),
	})
	if calls > 2 {
		t.Errorf("NewVec made %d copies in two refused calls, want one each", calls)
	}
}
