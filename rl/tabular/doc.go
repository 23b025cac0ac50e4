// Package tabular is the exact, small-MDP companion of the lecture's TRPO
// section: on a finite MDP every quantity of the theory — V_π, Q_π, A_π,
// the discounted visitation ρ_π, the surrogate L_π, the divergences and the
// improvement bounds — is computed by a linear solve rather than estimated
// from samples, so each equation can be checked to round-off.
//
// # Costs, not rewards
//
// Like the lecture, the package MINIMISES the expected discounted cost
//
//	η(π) = E[ Σ_t γ^t c(s_t, a_t) ],   s_0 ∼ ρ0,  a_t ∼ π(·|s_t),  s_{t+1} ∼ P(·|s_t, a_t),
//
// (the lecture's c(s_t) is the special case StateCosts). "Greedy" means
// argmin, "improvement" means η goes down, and every bound is an upper
// bound on η of the new policy. Papers that maximise rewards state the same
// results with the signs flipped; RewardsToCosts converts.
//
// # Exact evaluation (Evaluate)
//
// With P_π(s'|s) = Σ_a π(a|s) P(s'|s, a) and c_π(s) = Σ_a π(a|s) c(s, a),
//
//	V_π = (I − γP_π)⁻¹ c_π,     Q_π(s, a) = c(s, a) + γ Σ_s' P(s'|s, a) V_π(s'),
//	A_π = Q_π − V_π,            η(π) = Σ_s ρ0(s) V_π(s),
//	ρ_π(s) = Σ_t γ^t P(s_t = s) = [(I − γP_π)⁻ᵀ ρ0](s).
//
// ρ_π is the lecture's unnormalised visitation: Σ_s ρ_π(s) = 1/(1 − γ) and
// η(π) = Σ_s ρ_π(s) c_π(s). IterativeEvaluation (V ← c_π + γP_πV) and
// PolicyIteration are the references the tests compare against.
//
// # A neat identity (Identity)
//
// For any two policies (Kakade & Langford 2002; Schulman et al. 2015, eq. 2)
//
//	η(π̃) = η(π) + Σ_s ρ_π̃(s) Σ_a π̃(a|s) A_π(s, a),
//
// because along a trajectory of π̃ the advantages telescope:
// Σ_t γ^t A_π(s_t, a_t) = Σ_t γ^t c(s_t, a_t) − V_π(s_0).
//
// # The surrogate (Surrogate)
//
// ρ_π̃ depends on π̃ in a complicated way; replacing it by ρ_π gives
//
//	L_π(π̃) = η(π) + Σ_s ρ_π(s) Σ_a π̃(a|s) A_π(s, a),
//
// which is linear in π̃, equals η at π̃ = π and has the same gradient there
// (SoftmaxGradient is the gradient of both), so η − L_π = O(‖π̃ − π‖²).
//
// # Improvement theorem (Compare, BoundCoupling, BoundTV, BoundKL, BoundMixture)
//
// How far L_π may be trusted is bounded by how much π̃ differs from π. With
// α = D_TV^max(π, π̃) = max_s ½ Σ_a |π(a|s) − π̃(a|s)|, coupling the two
// policies (their actions differ with probability ≤ α per step) gives
//
//	η(π̃) ≤ L_π(π̃) + 2ε̄γα / ((1 − γ)(1 − γ(1 − α))),   ε̄ = max_s |Σ_a π̃(a|s) A_π(s, a)|   (BoundCoupling).
//
// Two classical bounds are relaxations of it. Schulman et al. 2015,
// Theorem 1, uses ε̄ ≤ 2αε with ε = max_{s,a} |A_π(s, a)| (in each state
// Σ_a π̃A_π = Σ_a (π̃ − π)A_π) and 1 − γ(1 − α) ≥ 1 − γ:
//
//	η(π̃) ≤ L_π(π̃) + 4εγ/(1 − γ)² · α²                          (BoundTV)
//	η(π̃) ≤ L_π(π̃) + C·D_KL^max(π, π̃),   C = 4εγ/(1 − γ)²       (BoundKL)
//
// where D_KL^max(π, π̃) = max_s D_KL(π(·|s) ‖ π̃(·|s)) and the second line
// follows from the first by α² ≤ D_KL^max (Pinsker: D_TV² ≤ ½ D_KL in each
// state; the paper uses the weaker D_TV² ≤ D_KL). Kakade & Langford 2002
// (Schulman et al. 2015, eq. 6) bound only the mixture
// π_new = (1 − α)π + απ': there ε̄ = αε with ε = max_s |E_{a∼π'} A_π(s, a)|
// and D_TV^max ≤ α, so
//
//	η(π_new) ≤ L_π(π_new) + 2εγ/(1 − γ)² · α²                   (BoundMixture)
//
// The lecture's slide writes the KL form with this mixture constant,
// C = 2εγ/(1 − γ)², ε = max_s |E_{a∼π'} A_π|. Read with π' = π̃ for a general
// step it is not a bound (ε̄ is itself O(α), so ε̄α² is third order while
// η − L_π is second order; a test finds violations). The constant 2εγ/(1−γ)²
// is valid with D_KL^max when ε is Theorem 1's max_{s,a} |A_π|, by Pinsker's
// ½. The bounds nest: η(π̃) ≤ BoundCoupling ≤ BoundTV ≤ BoundKL.
//
// # Conservative policy iteration (ConservativeStep, ConservativePolicyIteration)
//
// Kakade and Langford's algorithm mixes a little of the greedy policy
// π' = Greedy(A_π) into π. With the policy advantage
// 𝔸 = −Σ_s ρ_π(s) Σ_a π'(a|s) A_π(s, a) ≥ 0, the mixture bound gives the
// guaranteed improvement η(π) − η(π_new) ≥ α𝔸 − 2εγα²/(1 − γ)², maximised by
// α* = min(1, 𝔸(1 − γ)²/(4εγ)) (OptimalAlpha). η never increases (for any α
// the mixture's expected advantage is ≤ 0 in every state), but α* ≤
// (1 − γ)/(4γ) makes the steps tiny: the motivation for replacing the
// penalty by a trust region.
//
// # Trust region and natural gradient (KLConstrainedStep, NaturalStep)
//
// TRPO minimises L_π subject to the mean KL
// D̄_KL = Σ_s (1 − γ)ρ_π(s) D_KL(π(·|s) ‖ π̃(·|s)) ≤ δ (MeanKL). Over all
// tabular policies this has the per-state solution
// π̃(a|s) = π(a|s)/(βA_π(s, a) + ν_s) (KLConstrainedStep). For the softmax
// π_θ, linearising L and taking the KL to second order, ½ΔθᵀFΔθ with the
// Fisher matrix F (SoftmaxFisher), gives the natural gradient step
// Δθ = −√(2δ/gᵀF⁺g) F⁺g (NaturalStep), where F⁺g is, per state, A_π/(1 − γ)
// up to a constant (NaturalGradient; Kakade 2002). As δ → 0 the exact step's
// logit change (LogitChange) approaches the natural step.
//
// # Examples and inputs
//
// Chain (a corridor) and Grid (a gridworld with optional pits) are the
// lesson's named MDPs; Random draws MDPs with Dirichlet transitions from a
// *rand.Rand. Policies are [s][a] tables: Uniform, Softmax, RandomPolicy,
// Greedy, Mix. Public functions with an error result validate their inputs
// (probability rows sum to 1 within ProbTol = 1e-12, γ ∈ [0, 1), finite
// costs and weights, consistent shapes, nil values) and the numbers they
// compute (costs near the largest float64 overflow), and return errors
// naming the offending entry. Tables are limited to limits.MaxElements
// (2^27) numbers: S·A·S for an MDP's P, (S·A)² for the Fisher matrix,
// checked before anything is allocated. Functions without an error result
// (Uniform, RandomPolicy, StateCosts, KL, TV, ExpectedAdvantage, …)
// document their panics, which name the bad value.
package tabular
