// Package env holds reinforcement-learning environments: a state hidden
// behind observations, a reward per step and episodes that end, the
// interface of Gym (Gymnasium) that policy-gradient methods such as TRPO
// sample from. It is distinct from package system, whose control systems
// expose their full state and analytic Jacobians to planners.
//
//	env        observation            action        reward per step           episode
//	Pendulum   [cos θ, sin θ, θ̇]      [u] ∈ [−2, 2]  −(θ² + 0.1θ̇² + 0.001u²)   200 steps, truncated
//	CartPole   [x, ẋ, θ, θ̇]           [a] ∈ [−1, 1]  +1                        until |θ| > 12° or |x| > 2.4, at most 200
//
// Pendulum is Gym's Pendulum-v1 (θ = 0 upright, swing-up from a random
// angle); CartPole is Gym's CartPole-v1 physics with a continuous force
// 10·a instead of two discrete pushes.
//
// # Conventions
//
//   - Reset(rng) starts an episode from a random state drawn from rng and
//     returns the first observation; randomness comes only from that rng, so
//     the same seed gives the same episodes.
//   - Step clips the action to ActionBounds (as Gym's environments do) and
//     returns an error, changing nothing, for an action of the wrong length
//     or with a NaN or infinite entry, before Reset and after the episode
//     ended.
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
