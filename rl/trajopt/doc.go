// Package trajopt is trajectory optimisation with learned local models
// under a KL trust region — the first half of the lecture:
//
//  1. run a stochastic linear-Gaussian controller p(u|x) = N(K x + k, Σ) on
//     the real system N times (system.Rollouts, with the lqr.Controller as
//     the policy);
//
//  2. fit time-varying linear-Gaussian dynamics around those samples
//     (a Fitter: least squares, or a GMM / neural-network prior from
//     package dynfit);
//
//  3. improve the controller under the fitted model while keeping the new
//     trajectory distribution close to the old one, where the model is
//     valid (KLUpdate):
//
//     min_p E_p[J]  s.t.  D_KL(p(τ) ‖ p̄(τ)) ≤ ε,
//
//     by dual gradient descent on η: at a fixed η, LQR on the modified cost
//     c̃ = c/η − log p̄(u|x) (ModifiedCost) with the maximum-entropy
//     covariance Σ = Q̃uu⁻¹ (SolveAtEta), and η moved until the KL meets
//     the bound (a plain dual gradient step for teaching, a bracketing
//     search for use). An Updater runs these steps on reused flat storage,
//     allocating almost nothing per update;
//
//  4. adapt ε by comparing the improvement the model predicted with the one
//     the next samples show, as guided policy search does.
//
// Run is the whole loop, with a per-iteration history (cost, KL, η, step
// multiplier, model error) for the lessons' figures. Everything random
// takes a seed.
//
// Bad input (nil, ill-sized or non-finite controllers, models, costs and
// samples) is an error naming it, and numbers that overflow from finite
// input (a model error, a modified cost at a tiny η, a KL or an expected
// cost) are an error naming where: a returned result is finite. NewUpdater
// checks its sizes against limits.MaxElements (2^27 numbers) before
// allocating.
package trajopt
