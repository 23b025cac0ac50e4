package env

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// CartPole is the classic cart-pole balancing task (Barto, Sutton and
// Anderson 1983; Gym's CartPole physics) with a continuous action: a cart
// of mass 1 on a track carries a pole of mass 0.1 and half-length 0.5
// hinged on top; the action a, clipped to [−1, 1], pushes the cart with
// the force F = 10·a. The state and observation are [x, ẋ, θ, θ̇] with
// θ = 0 upright. One step is Gym's explicit Euler update over Δt = 0.02 s
// of
//
//	tmp = (F + m_p l θ̇² sin θ) / (m_c + m_p)
//	θ̈  = (g sin θ − cos θ · tmp) / (l (4/3 − m_p cos² θ / (m_c + m_p)))
//	ẍ  = tmp − m_p l θ̈ cos θ / (m_c + m_p)
//
// (x ← x + Δt ẋ, ẋ ← ẋ + Δt ẍ, θ ← θ + Δt θ̇, θ̇ ← θ̇ + Δt θ̈), with
// g = 9.8 and l the half-length. The reward is +1 for every step, the
// terminating one included. The episode terminates when |θ| > 12° or
// |x| > 2.4 after a step, and is truncated after Horizon steps, so the
// return counts the steps balanced, at most Horizon. Reset draws every
// state component from U[−0.05, 0.05].
//
// Fields are parameters: the zero value of each selects the classic value,
// so &CartPole{} and NewCartPole() are the same environment.
type CartPole struct {
	// Horizon is the episode length, the time limit after which an episode
	// is truncated (default 200; ≥ 1).
	Horizon int
	// ForceMag is the force in N of the action a = 1 (default 10; > 0).
	ForceMag float64

	s  [4]float64
	ep episode
}

// Classic cart-pole constants (Gym's CartPoleEnv).
const (
	cpGravity   = 9.8
	cpMassCart  = 1.0
	cpMassPole  = 0.1
	cpHalfLen   = 0.5
	cpDt        = 0.02
	cpThetaMax  = 12 * 2 * math.Pi / 360
	cpXMax      = 2.4
	cpTotalMass = cpMassCart + cpMassPole
	cpPoleML    = cpMassPole * cpHalfLen
)

// NewCartPole returns the classic cart-pole with its parameters written
// out.
func NewCartPole() *CartPole { return &CartPole{Horizon: 200, ForceMag: 10} }

func (c *CartPole) params() (horizon int, force float64) {
	horizon = c.Horizon
	if horizon == 0 {
		horizon = 200
	}
	return horizon, orDefault(c.ForceMag, 10)
}

// Validate returns an error naming the first invalid parameter.
func (c *CartPole) Validate() error {
	horizon, force := c.params()
	if horizon < 1 {
		return fmt.Errorf("env: CartPole.Horizon = %d, want ≥ 1 (0: the default 200)", c.Horizon)
	}
	return checkPositive("CartPole", "ForceMag", force)
}

// ObsDim returns 4: [x, ẋ, θ, θ̇].
func (c *CartPole) ObsDim() int { return 4 }

// ActDim returns 1: the push a ∈ [−1, 1].
func (c *CartPole) ActDim() int { return 1 }

// ActionBounds returns [−1], [1].
func (c *CartPole) ActionBounds() (lo, hi []float64) { return []float64{-1}, []float64{1} }

// MaxSteps returns Horizon (default 200).
func (c *CartPole) MaxSteps() int {
	h, _ := c.params()
	return h
}

// Reset draws the state from U[−0.05, 0.05]⁴ and returns it.
func (c *CartPole) Reset(rng *rand.Rand) []float64 {
	rng = defaultRNG(rng)
	var s [4]float64
	for i := range s {
		s[i] = 0.1*rng.Float64() - 0.05
	}
	return c.SetState(s[:])
}

// SetState starts a new episode from the state [x, ẋ, θ, θ̇] and returns it
// as the first observation. It panics unless len(state) == 4.
func (c *CartPole) SetState(state []float64) []float64 {
	if len(state) != 4 {
		panic(fmt.Sprintf("env: CartPole.SetState: state has length %d, want 4", len(state)))
	}
	copy(c.s[:], state)
	c.ep.reset()
	return c.State()
}

// State returns the state [x, ẋ, θ, θ̇] (also the observation).
func (c *CartPole) State() []float64 { return append([]float64(nil), c.s[:]...) }

// Truncated reports whether the last Step ended the episode at the time
// limit rather than by the pole falling or the cart leaving the track.
func (c *CartPole) Truncated() bool { return c.ep.truncated }

// Step pushes the cart with 10·clip(action[0], −1, 1) N for 0.02 s (see
// CartPole).
func (c *CartPole) Step(action []float64) (obs []float64, reward float64, done bool, err error) {
	if err := c.Validate(); err != nil {
		return nil, 0, false, err
	}
	if err := checkAction("CartPole", action, 1); err != nil {
		return nil, 0, false, err
	}
	if err := c.ep.check("CartPole"); err != nil {
		return nil, 0, false, err
	}
	horizon, forceMag := c.params()
	f := forceMag * clip(action[0], -1, 1)
	x, xdot, th, thdot := c.s[0], c.s[1], c.s[2], c.s[3]
	sin, cos := math.Sin(th), math.Cos(th)
	tmp := (f + cpPoleML*thdot*thdot*sin) / cpTotalMass
	thacc := (cpGravity*sin - cos*tmp) / (cpHalfLen * (4.0/3.0 - cpMassPole*cos*cos/cpTotalMass))
	xacc := tmp - cpPoleML*thacc*cos/cpTotalMass
	x += cpDt * xdot
	xdot += cpDt * xacc
	th += cpDt * thdot
	thdot += cpDt * thacc
	c.s = [4]float64{x, xdot, th, thdot}
	terminated := x < -cpXMax || x > cpXMax || th < -cpThetaMax || th > cpThetaMax
	done = c.ep.advance(terminated, horizon)
	return c.State(), 1, done, nil
}
