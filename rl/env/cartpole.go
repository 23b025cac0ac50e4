package env

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/rlcontrol/rlcontrol/rl/system"
)

// CartPole is the classic cart-pole balancing task (Barto, Sutton and
// Anderson 1983; Gym's CartPole-v1 physics) with a continuous action: the
// action a, clipped to [−1, 1], pushes the cart with the force
// F = ForceMag·a. The state [x, θ, ẋ, θ̇] follows package system's
// convention (θ from upright, θ > 0 leaning towards +x); the observation
// is Gym's [x, ẋ, θ, θ̇]. One step is Gym's explicit Euler update over
// Δt = 0.02 s (x ← x + Δt ẋ, ẋ ← ẋ + Δt ẍ, θ ← θ + Δt θ̇, θ̇ ← θ̇ + Δt θ̈)
// with the accelerations ẍ, θ̈ of system.CartPole with Gym's parameters
// (gymCartPole). The reward is +1 for every step, the terminating one
// included. The episode terminates when |θ| > 12° or |x| > 2.4 after a
// step, and is truncated after Horizon steps, so the return counts the
// steps balanced, at most Horizon. Reset draws every state component from
// U[−0.05, 0.05]. How these dynamics differ from system.CartPole's is
// stated in the package doc.
//
// Fields are parameters: the zero value of each selects the classic value,
// so &CartPole{} and NewCartPole() are the same environment. The methods
// of a nil *CartPole panic, except Step and SetState, which return errors.
type CartPole struct {
	// Horizon is the episode length, the time limit after which an episode
	// is truncated (default 200; ≥ 1).
	Horizon int
	// ForceMag is the force in N of the action a = 1 (default 10; > 0).
	ForceMag float64

	s  [4]float64 // Gym's order: [x, ẋ, θ, θ̇]
	ep episode
}

// gymCartPole is the physics of Gym's CartPoleEnv: cart 1 kg, pole 0.1 kg
// of half-length 0.5 m, g = 9.8 m/s², Δt = 0.02 s. Its MaxForce is the
// default ForceMag.
var gymCartPole = system.CartPole{CartMass: 1, PoleMass: 0.1, HalfLength: 0.5, Gravity: 9.8, MaxForce: 10, TimeStep: 0.02}

// The cart-pole's termination thresholds (Gym's CartPoleEnv).
const (
	cpThetaMax = 12 * 2 * math.Pi / 360
	cpXMax     = 2.4
)

// NewCartPole returns the classic cart-pole with its parameters written
// out.
func NewCartPole() *CartPole { return &CartPole{Horizon: 200, ForceMag: gymCartPole.MaxForce} }

func (c *CartPole) params() (horizon int, force float64) {
	horizon = c.Horizon
	if horizon == 0 {
		horizon = 200
	}
	return horizon, orDefault(c.ForceMag, gymCartPole.MaxForce)
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

// ActionLimits returns [−1], [1].
func (c *CartPole) ActionLimits() (lo, hi []float64) { return []float64{-1}, []float64{1} }

// MaxSteps returns Horizon (default 200).
func (c *CartPole) MaxSteps() int {
	h, _ := c.params()
	return h
}

// Reset draws the state from U[−0.05, 0.05]⁴ and returns the first
// observation.
func (c *CartPole) Reset(rng *rand.Rand) []float64 {
	rng = defaultRNG(rng)
	for i := range c.s {
		c.s[i] = 0.1*rng.Float64() - 0.05
	}
	c.ep.reset()
	return c.obs()
}

// SetState starts a new episode from the state [x, θ, ẋ, θ̇] of package
// system's convention and returns the first observation [x, ẋ, θ, θ̇]. It
// returns an error, changing nothing, if c is nil or the state does not
// have length 4 or is not finite.
func (c *CartPole) SetState(state []float64) ([]float64, error) {
	if err := checkState("CartPole", c == nil, state, 4); err != nil {
		return nil, err
	}
	c.s = [4]float64{state[0], state[2], state[1], state[3]}
	c.ep.reset()
	return c.obs(), nil
}

// State returns the state [x, θ, ẋ, θ̇] in package system's convention.
func (c *CartPole) State() []float64 { return []float64{c.s[0], c.s[2], c.s[1], c.s[3]} }

// obs returns Gym's observation [x, ẋ, θ, θ̇].
func (c *CartPole) obs() []float64 { return append([]float64(nil), c.s[:]...) }

// Truncated reports whether the last Step ended the episode at the time
// limit rather than by the pole falling or the cart leaving the track.
func (c *CartPole) Truncated() bool { return c.ep.truncated }

// Step pushes the cart with ForceMag·clip(action[0], −1, 1) N for 0.02 s
// (see CartPole). Besides the errors of Env.Step it returns an error,
// changing nothing, if c is nil or the next state is not finite (a state
// or ForceMag so large that the update overflows).
func (c *CartPole) Step(action []float64) (obs []float64, reward float64, done bool, err error) {
	if c == nil {
		return nil, 0, false, errNil("CartPole")
	}
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
	xacc, thacc := gymCartPole.Accelerations(th, thdot, f)
	dt := gymCartPole.TimeStep
	x += dt * xdot
	xdot += dt * xacc
	th += dt * thdot
	thdot += dt * thacc
	if err := checkNext("CartPole", "[x θ ẋ θ̇]", x, th, xdot, thdot); err != nil {
		return nil, 0, false, err
	}
	c.s = [4]float64{x, xdot, th, thdot}
	terminated := x < -cpXMax || x > cpXMax || th < -cpThetaMax || th > cpThetaMax
	done = c.ep.advance(terminated, horizon)
	return c.obs(), 1, done, nil
}
