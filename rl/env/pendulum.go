package env

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// Pendulum is Gym's Pendulum-v1 benchmark: swing a pendulum up from a
// random angle and keep it upright with a torque too weak to lift it
// directly. The hidden state is [θ, θ̇] with θ = 0 upright (unlike package
// system's pendulum, where θ = 0 hangs down); θ is never wrapped in the
// state. The observation is [cos θ, sin θ, θ̇], the action [u], clipped to
// ±MaxTorque. One step is Gym's semi-implicit Euler update
//
//	θ̇' = clip(θ̇ + (3g/(2l) sin θ + 3/(m l²) u) Δt, −MaxSpeed, MaxSpeed)
//	θ'  = θ + θ̇' Δt
//
// with the reward of the state before the step
//
//	r = −(wrap(θ)² + 0.1 θ̇² + 0.001 u²),   wrap(θ) ∈ [−π, π),
//
// so r ∈ [−16.27, 0], and 0 only upright at rest with no torque. Reset
// draws θ ~ U[−π, π], θ̇ ~ U[−1, 1]. Episodes never terminate; they are
// truncated after Horizon steps. A uniformly random policy scores about
// −1200 per episode, a good swing-up policy about −150 to −200.
//
// Fields are parameters: the zero value of each selects Gym's value, so
// &Pendulum{} and NewPendulum() are the same environment. Set them before
// Reset; Step returns an error while one is invalid.
type Pendulum struct {
	// MaxTorque bounds |u| (default 2; > 0).
	MaxTorque float64
	// MaxSpeed bounds |θ̇| after each step (default 8; > 0).
	MaxSpeed float64
	// Dt is the time step Δt in seconds (default 0.05; > 0).
	Dt float64
	// Gravity is g (default 10; > 0).
	Gravity float64
	// Mass is m (default 1; > 0).
	Mass float64
	// Length is l (default 1; > 0).
	Length float64
	// Horizon is the episode length, the time limit after which an episode
	// is truncated (default 200; ≥ 1).
	Horizon int

	th, thdot float64
	ep        episode
}

// NewPendulum returns Gym's Pendulum-v1 with its parameters written out.
func NewPendulum() *Pendulum {
	return &Pendulum{MaxTorque: 2, MaxSpeed: 8, Dt: 0.05, Gravity: 10, Mass: 1, Length: 1, Horizon: 200}
}

// params returns the parameters with defaults filled in.
func (p *Pendulum) params() (maxT, maxS, dt, g, m, l float64, horizon int) {
	horizon = p.Horizon
	if horizon == 0 {
		horizon = 200
	}
	return orDefault(p.MaxTorque, 2), orDefault(p.MaxSpeed, 8), orDefault(p.Dt, 0.05),
		orDefault(p.Gravity, 10), orDefault(p.Mass, 1), orDefault(p.Length, 1), horizon
}

// Validate returns an error naming the first invalid parameter.
func (p *Pendulum) Validate() error {
	maxT, maxS, dt, g, m, l, horizon := p.params()
	for _, f := range []struct {
		name string
		v    float64
	}{{"MaxTorque", maxT}, {"MaxSpeed", maxS}, {"Dt", dt}, {"Gravity", g}, {"Mass", m}, {"Length", l}} {
		if err := checkPositive("Pendulum", f.name, f.v); err != nil {
			return err
		}
	}
	if horizon < 1 {
		return fmt.Errorf("env: Pendulum.Horizon = %d, want ≥ 1 (0: the default 200)", p.Horizon)
	}
	return nil
}

// ObsDim returns 3: [cos θ, sin θ, θ̇].
func (p *Pendulum) ObsDim() int { return 3 }

// ActDim returns 1: the torque u.
func (p *Pendulum) ActDim() int { return 1 }

// ActionBounds returns [−MaxTorque], [MaxTorque].
func (p *Pendulum) ActionBounds() (lo, hi []float64) {
	maxT, _, _, _, _, _, _ := p.params()
	return []float64{-maxT}, []float64{maxT}
}

// MaxSteps returns Horizon (default 200).
func (p *Pendulum) MaxSteps() int {
	_, _, _, _, _, _, h := p.params()
	return h
}

// Reset draws θ ~ U[−π, π], θ̇ ~ U[−1, 1] from rng and returns the first
// observation.
func (p *Pendulum) Reset(rng *rand.Rand) []float64 {
	rng = defaultRNG(rng)
	th := math.Pi * (2*rng.Float64() - 1)
	thdot := 2*rng.Float64() - 1
	return p.SetState([]float64{th, thdot})
}

// SetState starts a new episode from the state [θ, θ̇] (for tests and
// demonstrations: from upright, say) and returns its first observation.
// It panics unless len(state) == 2.
func (p *Pendulum) SetState(state []float64) []float64 {
	if len(state) != 2 {
		panic(fmt.Sprintf("env: Pendulum.SetState: state has length %d, want 2", len(state)))
	}
	p.th, p.thdot = state[0], state[1]
	p.ep.reset()
	return p.obs()
}

// State returns the hidden state [θ, θ̇] (θ not wrapped).
func (p *Pendulum) State() []float64 { return []float64{p.th, p.thdot} }

// Truncated reports whether the last Step ended the episode at the time
// limit; for Pendulum every episode ends that way.
func (p *Pendulum) Truncated() bool { return p.ep.truncated }

func (p *Pendulum) obs() []float64 {
	return []float64{math.Cos(p.th), math.Sin(p.th), p.thdot}
}

// Step applies the torque action[0], clipped to ±MaxTorque, for Dt
// seconds (see Pendulum for the update and the reward).
func (p *Pendulum) Step(action []float64) (obs []float64, reward float64, done bool, err error) {
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
	a := WrapAngle(p.th)
	reward = -(a*a + 0.1*p.thdot*p.thdot + 0.001*u*u)
	p.thdot = clip(p.thdot+(3*g/(2*l)*math.Sin(p.th)+3/(m*l*l)*u)*dt, -maxS, maxS)
	p.th += p.thdot * dt
	done = p.ep.advance(false, horizon)
	return p.obs(), reward, done, nil
}

// WrapAngle maps an angle to [−π, π), as Gym's angle_normalize does:
// ((x + π) mod 2π) − π with a floored modulo.
func WrapAngle(x float64) float64 {
	m := math.Mod(x+math.Pi, 2*math.Pi)
	if m < 0 {
		m += 2 * math.Pi
	}
	return m - math.Pi
}
