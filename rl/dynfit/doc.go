// Package dynfit fits the local, time-varying linear-Gaussian dynamics
//
//	p(x_{t+1} | x_t, u_t) = N(Fx_t x_t + Fu_t u_t + F0_t, Cov_t)
//
// that trajectory optimisation with learned models (iLQR, the KL-constrained
// LQR of guided policy search) runs on, from N rollouts of horizon T (a
// system.Batch, the project's one trajectory shape). Every fitter returns an *lqr.Dynamics. In the order of the
// lecture ("Fitting time varying linear dynamics"):
//
//   - LeastSquares regresses x_{t+1} on [x_t; u_t; 1] separately at every
//     step: β̂ = (XᵀX)⁻¹Xᵀy. Each sample serves one step only, so it needs
//     N ≥ n+m+1 rollouts (e.g. 7 for the point mass, n = 4, m = 2), and in
//     practice several times that for a usable noise estimate, or a ridge
//     term reg > 0 (which rollouts that all start in one state need at
//     t = 0).
//   - BayesianLinearRegression is the lecture's closed form
//     μ_n = (XᵀX + σ²Λ)⁻¹Xᵀy, Σ_n = σ²(XᵀX + σ²Λ)⁻¹ for one output;
//     FitBayesian applies it to every step and output, with the prior mean
//     taken from a previous fit (BayesPrior), so few rollouts (N ≥ 1) update
//     an old model instead of replacing it.
//   - GMM is a Gaussian mixture fitted by EM to all (x_t, u_t, x_{t+1})
//     points of all iterations and time steps; GMMPrior (GPS's
//     DynamicsPriorGMM) keeps that global data set across iterations and
//     turns the mixture into a normal-inverse-Wishart prior (μ₀, Φ, m, n₀)
//     for one time step, from the clusters its current points belong to.
//     It needs a few hundred points in all (the default makes one cluster
//     per 40 points) — a handful of earlier rollouts.
//   - FitWithPrior combines the current rollouts' empirical mean and
//     covariance of [x_t; u_t; x_{t+1}] with any Prior (the GMM prior, or
//     the neural-network prior of this package) through the NIW posterior
//     (NIWPosterior) and conditions the resulting joint Gaussian on
//     [x_t; u_t]. The prior fills in what the few current samples do not
//     span, so N can be below n+m+1 — GPS reports 4 to 8 times fewer
//     samples than without a prior — down to N = 2 or even 1.
//
// Conventions. Covariances estimated from data use the maximum-likelihood
// 1/N normalisation throughout (so that FitWithPrior with an empty prior and
// reg = 0 is exactly LeastSquares); the doc of LeastSquares gives the
// unbiased correction. Regularisers are added to the diagonal of what is
// inverted and are documented at each function; the GMM instead floors the
// eigenvalues of its cluster covariances, which keeps EM monotone. Randomness (GMM initialisation) comes
// from a *rand.Rand or a seed: the same seed gives the same fit.
//
// Bad input. Every function and method with an error result checks what it
// is given (nil and typed-nil values, such as a nil *GMMPrior passed as a
// Prior; ragged samples; NaN and Inf; ranges) and returns an error naming
// the bad argument and value. Sizes are checked before anything is
// allocated against limits.MaxElements (2^27 numbers, 1 GiB): T·n·(2n+m+1)
// and (2n+m)² for a fit, K·D² for a GMM, N·K for responsibilities. Finite
// input can still overflow float64 — second moments of samples near 1e154
// and above, a posterior, an EM log-likelihood, a point too far from every
// cluster — and that is an error naming where it happened (the step, the
// entry), never a NaN passed on. The accessors without an error result
// return zero values for a nil prior or GMM, except GMM.Weight, Mean and
// Cov, which panic on a nil GMM or a cluster index out of range.
package dynfit
