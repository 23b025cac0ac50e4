// Package trpo is Trust Region Policy Optimization (Schulman et al. 2015)
// for Gaussian neural-network policies, with natural and vanilla policy
// gradient through the same code for comparison.
//
// Each iteration, as in the paper and the standard implementations
// (modular_rl, Spinning Up):
//
//  1. sample StepsPerIter environment steps with the current policy π_old;
//  2. estimate advantages with GAE(γ, λ) and the value baseline, and
//     normalise them (GAE);
//  3. form the surrogate L(θ) = mean_i [π_θ(a_i|s_i)/π_old(a_i|s_i)] Â_i and
//     its gradient g at θ_old;
//  4. solve F s = g for the natural-gradient direction by conjugate gradient
//     (ConjugateGradient, 10 iterations), where F is the Fisher matrix,
//     available only through products F v = ∇_θ(∇_θ KL̄ · v) computed by
//     double backpropagation of the mean KL(π_old ‖ π_θ) on GoMLX, with
//     damping F + βI;
//  5. scale the step to the trust region, Δθ = √(2δ / sᵀFs) · s, so that the
//     quadratic model of the KL equals δ;
//  6. backtrack, Δθ ← 0.8 Δθ, until the measured mean KL ≤ δ and the
//     surrogate improves;
//  7. fit the value function to the λ-returns.
//
// NaturalPG takes step 5's step without the line search (so it can overshoot
// the trust region), VanillaPG takes Δθ = LearningRate·g. Config documents
// every hyperparameter and its sensible range; Train runs the loop with a
// per-iteration history for learning curves.
package trpo
