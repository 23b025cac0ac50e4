// Package gps is guided policy search: one global policy π_θ trained to
// imitate local linear-Gaussian controllers, one per training condition,
// which are themselves optimised on local dynamics fitted from samples (no
// known model) and pulled toward what the policy can do — the last part
// of the lecture ("Learning general policies by imitating local
// controllers").
//
// Each training condition i (a start x0_i of an imitation.Task) keeps a
// controller p_i(u_t|x_t) = N(K_t x_t + k_t, Σ_t), starting as trajopt.Run
// does from the exploratory N(0, InitVar·I). Every iteration samples N
// rollouts of each p_i on the real system and fits time-varying
// linear-Gaussian dynamics to them (least squares with a ridge, or under a
// GMM prior shared by all conditions and updated with all their samples),
// then expands the cost around the samples (lqr.Expand).
//
// # The lecture's form: an augmented Lagrangian
//
// GPS solves
//
//	min_{p, θ} Σ_i E_{p_i}[c(τ)]  s.t.  u_t = π_θ(x_t)
//
// with the augmented Lagrangian, multipliers λ_t and weights ρ_t,
//
//	L(p, θ, λ) = c(τ) + Σ_t λ_tᵀ(π_θ(x_t) − u_t) + Σ_t ρ_t ‖π_θ(x_t) − u_t‖²,
//
// by three steps, each a method of GPS:
//
//  1. TrajectoryStep: p_i ← argmin_p E_p[L] s.t. D_KL(p ‖ p̄_i) ≤ ε,
//     with π_θ linearised along the samples (π_θ(x) ≈ G_t x + g_t, so L
//     is a quadratic in z = [x; u]: AugmentedCost) and the KL trust region
//     solved as in package trajopt (trajopt.KLUpdate: LQR on c̃ = L/η −
//     log p̄ with η found by a bracketing search). This is also the
//     stochastic form: the local controllers move under D_KL(p ‖ p̄) ≤ ε
//     with a surrogate cost that pulls them toward the policy;
//  2. PolicyStep: θ ← argmin_θ Σ λ_tᵀ(π_θ(x) − u) + ρ_t‖π_θ(x) − u‖²,
//     which, completing the square, is regression on the targets
//     u − λ_t/(2ρ_t) weighted by ρ_t;
//  3. DualStep: λ_t ← λ_t + 2ρ_t E[π_θ(x_t) − u_t] (the method of
//     multipliers), and ρ ← RhoGrow·ρ for a condition whose mismatch
//     E‖π_θ(x) − μ_p(x)‖ did not fall below RhoDrop times its previous
//     value.
//
// # Mirror-descent GPS
//
// MDGPS (Montgomery & Levine 2016; cbfinn/gps's AlgorithmMDGPS) replaces
// the multipliers by a KL constraint to the policy itself. Linearise the
// policy along each condition's samples into a linear-Gaussian controller
// π̄_i(u|x) = N(G_t x + g_t, Σ̄) and update
//
//	p_i ← argmin_p E_p[c]  s.t.  D_KL(p ‖ π̄_i) ≤ ε
//
// (the first WarmUp iterations, by default only the first, before any
// policy exists, bound the KL to the previous controller instead), then
// fit π_θ to the new controllers' mean actions at the sampled states: the
// mirror-descent step is the projection of the improved controllers onto
// the policy class. As in cbfinn/gps, ε is adapted (unless FixedStep): the
// bound is ε·T·s, and after each iteration the multiplier s, shared by the
// conditions, becomes
//
//	s ← clip(s · clip(ΔI_pred / (2(ΔI_pred − ΔI_act)), 0.1, 5), MinStepMult, MaxStepMult)
//
// (StepMultiplier), where, under the Laplace (quadratic) approximation,
// ΔI_pred is the improvement of the last update over its KL target under
// the old model and ΔI_act that of the new KL target under the new model
// and samples: a step whose gain the policy kept grows ε, one it lost
// shrinks it. Σ̄ is the covariance a KL
// fit of the policy to the controllers would take, the mean of the
// controllers' Σ_t plus the regression's squared residual.
//
// # Two options for the policy step
//
// Noise injection (Perturb > 0): besides every sampled state x_t, the
// regression gets Perturb copies x_t + δ, δ ~ N(0, diag(PerturbScale·s)²)
// with s each state component's spread over the samples, labelled with
// the local controller's mean K_t(x_t + δ) + k_t there. The policy then
// learns the controllers' feedback around their trajectories, not only
// their actions along them, which is what a policy needs when it drifts
// off them from a start it never saw (the labels are free: no rollouts,
// no expert, only the linear controllers).
//
// Dropping (DropFactor > 0): a condition whose samples cost more than
// DropFactor times the median over the conditions (a controller stuck in
// a poor local optimum, say round the wrong side of an obstacle) is left
// out of the policy's regression and of the step-size rule's means, and
// its controller update stays KL-bounded to its previous controller.
//
// # The non-parametric baseline
//
// Nearest runs the local controller whose training start is nearest to the
// run's start: what the dexterous-manipulation work compares the network
// with. The network must do as well from starts it was never trained on.
//
// Actions are not clipped (the systems do not clip, linear-Gaussian
// controllers are unbounded); LimitWeight adds a smooth penalty outside
// the system's ActionLimits to the cost the controllers minimise
// (cost.LimitPenalty). Everything random takes Config.Seed; the same seed gives
// the same numbers. Bad input (no training conditions, mismatched sizes,
// ρ ≤ 0, a non-finite λ, ε ≤ 0, iterations < 1, NaN settings) is an error
// naming the value.
package gps
