// Package policy holds the learned pieces of policy-gradient methods such
// as TRPO, on GoMLX: a Gaussian MLP policy, a value-function baseline, and
// the sampling of batches of experience from vectorised environments
// (package env).
//
// # The policy
//
// Gaussian is π_θ(a|s) = N(μ_θ(s), diag(σ²)) with μ an nn.MLP (tanh,
// 64×64 by default, output layer initialised small) and a state-independent
// logσ. Its parameters are one flat vector θ = [MLP parameters..., logσ...]
// (Params, SetParams), the vector TRPO's natural-gradient step moves.
//
// Two levels of API:
//
//   - Inside a GoMLX graph: Gaussian.MeanLogStd(θ, obs) builds μ and logσ
//     from a θ node, and the package functions LogProb, KL and Entropy
//     build the log-density, the analytic KL divergence between diagonal
//     Gaussians and the entropy per sample. θ is read through mlx.Segment,
//     so TRPO can differentiate its surrogate once and its mean KL twice
//     (Fisher-vector products) with respect to θ in one graph.
//   - From Go, batched: Act, Mean, LogProb and MeanKL take all
//     observations of a batch and run one graph call (about 20 µs of
//     overhead each on the pure-Go backend, so batch). Graphs are compiled
//     once per padded batch size (powers of two) and cached. Sampling
//     noise is drawn in Go from a *rand.Rand, so the same seed gives the
//     same actions bit for bit.
//
// # Value function and rollouts
//
// Value is V(s), an nn.MLP regressed on returns with Adam (Fit; defaults
// in ValueFitConfig). Rollouts runs a policy in the N copies of an
// env.Vec, one graph call per vector step for all copies, and returns a
// Batch: observations, actions, rewards, episode ends (truncation and
// termination kept apart), the old policy's log-probabilities and means,
// and the observations that GAE must bootstrap from at truncations and at
// the batch's cut. Value.Evaluate turns a Batch into the values and
// next-state values GAE needs.
//
// # Speed
//
// On 2 cores (pure-Go backend, see the benchmarks): Rollouts of the
// default 64×64 policy over 16 pendulums runs about 50,000 environment
// steps per second (a 4000-step batch in about 80 ms; one Act call of 16
// rows costs about 0.27 ms, most of it graph overhead and the gathers that
// make θ twice differentiable); MeanKL over 4000 observations about 13 ms;
// Value.Fit with the defaults about 0.2 s per 4000 samples.
//
// # Checkpoints
//
// Gaussian and Value save to and load from a small binary checkpoint
// (Save, LoadGaussian, LoadValue; WriteTo, ReadGaussian, ReadValue)
// holding the nn.MLP checkpoint plus logσ under a CRC; a loaded model
// computes bit for bit what the saved one did.
//
// Errors: nil policies, value functions, batches, readers and writers,
// bad shapes, non-finite observations or actions (the error names the
// entry, e.g. obs[3][1]), log-stds beyond ±MaxAbsLogStd (σ or 1/σ would
// overflow), sizes beyond limits.MaxElements = 2^27 values (networks,
// batches, results; checked before allocating), results that overflow
// float64 (a mean, log-probability or KL), mismatched policies and bad
// configurations are errors; only the graph builders (MeanLogStd,
// LogProb, KL, Entropy) panic, as GoMLX's own operations do while a graph
// is built, and the Must functions, which panic with the error.
package policy
