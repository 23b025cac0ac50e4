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
// from a *rand.Rand or a seed: the same seed gives the same fit. Errors name
// the offending value; nothing panics on bad input.
package dynfit
