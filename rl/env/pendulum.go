package env

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/rlcontrol/rlcontrol/rl/system"
)

// Pendulum is Gym's Pendulum-v1 benchmark: swing a pendulum up from a
// random angle and keep it upright with a torque too weak to lift it
// directly. The state [θ, θ̇] follows package system's convention (θ = 0
// hanging down, θ = π upright, counter-clockwise, never wrapped); Gym's
// angle from upright is φ = θ − π (see gymAngle). The observation is
// Gym's [cos φ, sin φ, θ̇], the action [u], clipped to ±MaxTorque. One
// step is Gym's semi-implicit Euler update
//
//	θ̇' = clip(θ̇ + (3g/(2l) sin φ + 3/(m l²) u) Δt, −MaxSpeed, MaxSpeed)
//	φ'  = φ + θ̇' Δt
//
// with the reward of the state before the step
//
//	r = −(wrap(φ)² + 0.1 θ̇² + 0.001 u²),   wrap = system.WrapAngle,
//
// so r ∈ [−16.27, 0], and 0 only upright at rest with no torque. Reset
// draws φ ~ U[−π, π], θ̇ ~ U[−1, 1]. Episodes never terminate; they are
// truncated after Horizon steps. A uniformly random policy scores about
// −1200 per episode, a good swing-up policy about −150 to −200. How these
// dynamics differ from system.Pendulum's is stated in the package doc.
//
// Fields are parameters: the zero value of each selects Gym's value, so
// &Pendulum{} and NewPendulum() are the same environment. Set them before
// Reset; Step returns an error while one is invalid. The methods of a nil
// *Pendulum panic, except Step and SetState, which return errors.
type Pendulum struct {
	// MaxTorque bounds |u| (default 2; > 0).
	MaxTorque float64
	// MaxSpeed bounds |θ̇| after each step (default 8; > 0).
	MaxSpeed float64
	// TimeStep is the time step Δt in seconds (default 0.05; > 0).
	TimeStep float64
	// Gravity is g (default 10; > 0).
	Gravity float64
	// Mass is m (default 1; > 0).
	Mass float64
	// Length is l (default 1; > 0).
	Length float64
	// Horizon is the episode length, the time limit after which an episode
	// is truncated (default 200; ≥ 1).
	Horizon int

	phi, thdot float64 // Gym's angle φ = θ − π and θ̇
	ep         episode
}

// NewPendulum returns Gym's Pendulum-v1 with its parameters written out.
func NewPendulum() *Pendulum {
	return &Pendulum{MaxTorque: 2, MaxSpeed: 8, TimeStep: 0.05, Gravity: 10, Mass: 1, Length: 1, Horizon: 200}
}

// gymAngle converts a pendulum angle θ of package system's convention
// (from hanging down) to Gym's φ = θ − π (from upright), the angle Pendulum
// steps, observes and rewards: SetState converts with it and State with its
// inverse θ = φ + π. Keeping φ inside leaves the floating-point operations
// of a step those of Gym.
func gymAngle(theta float64) float64 { return theta - math.Pi }

// params returns the parameters with defaults filled in.
func (p *Pendulum) params() (maxT, maxS, dt, g, m, l float64, horizon int) {
	horizon = p.Horizon
	if horizon == 0 {
		horizon = 200
	}
	return orDefault(p.MaxTorque, 2), orDefault(p.MaxSpeed, 8), orDefault(p.TimeStep, 0.05),
		orDefault(p.Gravity, 10), orDefault(p.Mass, 1), orDefault(p.Length, 1), horizon
}

// Validate returns an error naming the first invalid parameter.
func (p *Pendulum) Validate() error {
	maxT, maxS, dt, g, m, l, horizon := p.params()
	for _, f := range []struct {
		name string
		v    float64
	}{{"MaxTorque", maxT}, {"MaxSpeed", maxS}, {"TimeStep", dt}, {"Gravity", g}, {"Mass", m}, {"Length", l}} {
		if err := checkPositive("Pendulum", f.name, f.v); err != nil {
			return err
		}
	}
	if horizon < 1 {
		return fmt.Errorf("env: Pendulum.Horizon = %d, want ≥ 1 (0: the default 200)", p.Horizon)
	}
	return nil
}

// ObsDim returns 3: [cos φ, sin φ, θ̇].
func (p *Pendulum) ObsDim() int { return 3 }

// ActDim returns 1: the torque u.
func (p *Pendulum) ActDim() int { return 1 }

// ActionLimits returns [−MaxTorque], [MaxTorque].
func (p *Pendulum) ActionLimits() (lo, hi []float64) {
	maxT, _, _, _, _, _, _ := p.params()
	return []float64{-maxT}, []float64{maxT}
}

// MaxSteps returns Horizon (default 200).
func (p *Pendulum) MaxSteps() int {
	_, _, _, _, _, _, h := p.params()
	return h
}

// Reset draws φ ~ U[−π, π] (θ = φ + π) and θ̇ ~ U[−1, 1] from rng and
// returns the first observation.
func (p *Pendulum) Reset(rng *rand.Rand) []float64 {
	rng = defaultRNG(rng)
	phi := math.Pi * (2*rng.Float64() - 1)
	thdot := 2*rng.Float64() - 1
	return p.start(phi, thdot)
}

// SetState starts a new episode from the state [θ, θ̇] of package system's
// convention (for tests and demonstrations: from upright, θ = π, say) and
// returns its first observation. It returns an error, changing nothing,
// if p is nil or the state does not have length 2 or is not finite.
func (p *Pendulum) SetState(state []float64) ([]float64, error) {
	if err := checkState("Pendulum", p == nil, state, 2); err != nil {
		return nil, err
	}
	return p.start(gymAngle(state[0]), state[1]), nil
}

func (p *Pendulum) start(phi, thdot float64) []float64 {
	p.phi, p.thdot = phi, thdot
	p.ep.reset()
	return p.obs()
}

// State returns the hidden state [θ, θ̇] in package system's convention
// (θ = φ + π, not wrapped), so that system.Pendulum's Render draws it.
func (p *Pendulum) State() []float64 { return []float64{p.phi + math.Pi, p.thdot} }

// Truncated reports whether the last Step ended the episode at the time
// limit; for Pendulum every episode ends that way.
func (p *Pendulum) Truncated() bool { return p.ep.truncated }

func (p *Pendulum) obs() []float64 {
	return []float64{math.Cos(p.phi), math.Sin(p.phi), p.thdot}
}

// Step applies the torque action[0], clipped to ±MaxTorque, for TimeStep
// seconds (see Pendulum for the update and the reward). Besides the
// errors of Env.Step it returns an error, changing nothing, if p is nil
// or the next state is not finite (parameters so large that the update
// overflows).
func (p *Pendulum) Step(action []float64) (obs []float64, reward float64, done bool, err error) {
	if p == nil {
		return nil, 0, false, errNil("Pendulum")
	}
	if err := p.Validate(); err != nil {
		return nil, 0, false, err
	}
	if err := checkAction("Pendulum", action, 1); err != nil {
		return nil, 0, false, err
	}
	if err := p.ep.check("Pendulum"); err != nil {
		return nil, 0, false, err
	}
	maxT, maxS, dt, g, m, l, horizon := p.params()
	u := clip(action[0], -maxT, maxT)
	a := system.WrapAngle(p.phi)
	reward = -(a*a + 0.1*p.thdot*p.thdot + 0.001*u*u)
	thdot := clip(p.thdot+(3*g/(2*l)*math.Sin(p.phi)+3/(m*l*l)*u)*dt, -maxS, maxS)
	phi := p.phi + thdot*dt
	if err := checkNext("Pendulum", "[θ θ̇]", phi+math.Pi, thdot); err != nil {
		return nil, 0, false, err
	}
	p.phi, p.thdot = phi, thdot
	done = p.ep.advance(false, horizon)
	return p.obs(), reward, done, nil
}
