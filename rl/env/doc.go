// Package env holds reinforcement-learning environments: a state hidden
// behind observations, a reward per step and episodes that end, the
// interface of Gym (Gymnasium) that policy-gradient methods such as TRPO
// sample from. It is distinct from package system, whose control systems
// expose their full state and analytic Jacobians to planners.
//
//	env        observation            action        reward per step           episode
//	Pendulum   [cos φ, sin φ, θ̇]      [u] ∈ [−2, 2]  −(φ² + 0.1θ̇² + 0.001u²)   200 steps, truncated
//	CartPole   [x, ẋ, θ, θ̇]           [a] ∈ [−1, 1]  +1                        until |θ| > 12° or |x| > 2.4, at most 200
//
// Pendulum is Gym's Pendulum-v1 (swing-up from a random angle); CartPole is
// Gym's CartPole-v1 physics with a continuous force 10·a instead of two
// discrete pushes. Their dynamics, observations and rewards are Gym's, so
// returns compare with published results.
//
// # Relation to package system
//
// States follow package system's conventions (see its "Angles"): State and
// SetState take the pendulum as [θ, θ̇] with θ = 0 hanging down and θ = π
// upright, and the cart-pole as [x, θ, ẋ, θ̇] with θ = 0 upright, so a state
// can be drawn with system.Pendulum's Render or given to a system as a
// start. Gym's pendulum angle, which its observation and reward use, is
// φ = θ − π, from upright, wrapped with system.WrapAngle. The observations
// keep Gym's layouts.
//
// The dynamics are not system's, and this is the one place that says how:
//
//   - Pendulum is Gym's uniform rod (inertia m l²/3 about the pivot,
//     θ̈ = 3g/(2l) sin φ + 3u/(m l²)) without friction, stepped by
//     semi-implicit Euler over 0.05 s with |θ̇| clipped to 8 rad/s, g = 10,
//     |u| ≤ 2. system.Pendulum is a point mass on a massless rod
//     (m l² θ̈ = τ − b θ̇ − m g l sin θ) with viscous damping, stepped by RK4
//     over 0.02 s with exact Jacobians, g = 9.81, |τ| ≤ 5, no speed limit.
//   - CartPole uses system.CartPole's accelerations (CartPole.Accelerations,
//     the same frictionless equations) with Gym's g = 9.8 instead of 9.81,
//     stepped by explicit Euler over 0.02 s instead of RK4; it clips the
//     action and ends episodes, which a system never does.
//
// # Conventions
//
//   - Reset(rng) starts an episode from a random state drawn from rng and
//     returns the first observation; randomness comes only from that rng, so
//     the same seed gives the same episodes.
//   - Step clips the action to ActionLimits (as Gym's environments do) and
//     returns an error, changing nothing, for an action of the wrong length
//     or with a NaN or infinite entry, before Reset, after the episode
//     ended, and when the next state would not be finite (parameters or a
//     state so large that the update overflows). SetState likewise refuses
//     a state of the wrong length or with a NaN or infinite entry.
//   - Episodes end in one of two ways, and the difference matters to value
//     estimates: a termination (the cart-pole fell) is a true end, after
//     which the value is 0; a truncation (the time limit MaxSteps was
//     reached) is an artificial cut of an episode that could go on, so
//     GAE bootstraps with V of the final observation. Step reports done for
//     both; the Truncater interface (implemented by both environments)
//     tells which. When both happen at once (the pole falls on the last
//     step) the end is a termination, as in Gymnasium.
//   - Observations are fresh slices the caller may keep.
//
// Vec steps N copies of an environment together, resets finished copies
// automatically and keeps the final observation of every finished episode
// for bootstrapping; it is what package policy's Rollouts samples from.
package env
