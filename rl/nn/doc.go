// Package nn is the project's small multilayer perceptron on GoMLX, shared
// by everything learned by gradient: the Gaussian policy and value
// function of TRPO, behaviour cloning and DAgger, guided policy search,
// the neural-network dynamics prior (package dynfit) and Embed to Control.
//
// An MLP maps x ∈ ℝ^In to y ∈ ℝ^Out through hidden tanh (or ReLU) layers
// and a linear output layer, wrapped in a per-component normaliser:
//
//	y = OutMean + OutStd ⊙ N̂((x − InMean) ⊘ InStd; θ)
//
// Everything about it is explicit and reproducible:
//
//   - The parameters θ are one flat float64 vector (Params, SetParams),
//     the form TRPO's conjugate gradient and line search work with.
//   - New initialises θ from Config.Seed (Glorot or He uniform), and Fit
//     shuffles with FitConfig.Seed, so the same seeds give the same model
//     bit for bit.
//   - Forward builds the network inside any GoMLX graph from a θ node, so
//     a policy can add its log-std and loss and differentiate with respect
//     to θ; Predict, Linearize and Jacobian are batched conveniences that
//     run one graph call per batch.
//   - Fit minimises the mean squared error with Adam in normalised units,
//     one minibatch per graph call, and returns the loss of every epoch.
//   - Jacobian gives ∂y/∂x at a batch of points by reverse-mode autodiff in
//     one graph call (for linearising a learned dynamics model around a
//     trajectory, as iLQR and the NN prior need).
//   - Save and Load write and read a checkpoint (atomically); a loaded
//     model predicts bit for bit like the saved one.
//
// Everything runs in float64 on the pure-Go backend of package mlx. On 2
// cores, for a 64×64 tanh network (see the benchmarks): Fit on 10,000
// samples takes about 0.15 s per epoch (batch 128, one graph call per
// minibatch); Predict costs about 0.2 ms per call plus 3 µs per row;
// Linearize about 5 ms for 100 points with 4 outputs.
//
// Bad input is an error that names the argument and its value: nil models,
// readers and writers, bad shapes, non-finite values, bad configurations,
// sizes beyond limits.MaxElements = 2^27 values (a layer's weights, θ, a
// result), checked before anything is allocated, and data or weights that
// overflow float64 (a normaliser's moments, a prediction). ReadMLP checks
// every size a checkpoint declares against the bytes present before it
// allocates. Only Forward, which runs while a graph is built, panics, as
// GoMLX's own layers do, and the Must functions, which panic with the
// error.
package nn
