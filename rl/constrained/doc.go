// Package constrained is the lecture's digression on constrained
// optimisation by duality, which KL-constrained trajectory optimisation and
// guided policy search (policy = trajectory, enforced by dual gradient
// descent or an augmented Lagrangian) both build on.
//
// # Dual gradient descent
//
// For
//
//	min_x f(x)   s.t.   C(x) = 0,   g(x) ≤ 0
//
// the Lagrangian and the dual function are
//
//	L(x, λ, μ) = f(x) + λᵀC(x) + μᵀg(x),      D(λ, μ) = min_x L(x, λ, μ).
//
// (The lecture calls the dual function g(λ); here g names the
// inequalities, so the dual is D.) The dual function is concave and, by weak
// duality, D(λ, μ) ≤ f(x̂) for every feasible x̂ and μ ≥ 0. Its gradient is
// the constraint at the minimiser (Danskin): if x* = argmin_x L(x, λ, μ)
// then dD/dλ = C(x*) and dD/dμ = g(x*). Dual gradient descent therefore
// repeats
//
//  1. x* ← argmin_x L(x, λ, μ)
//  2. dD/dλ = C(x*),  dD/dμ = g(x*)
//  3. λ ← λ + α dD/dλ,  μ ← max(0, μ + α dD/dμ)
//
// (DualGradientDescent). For a strictly convex f and linear C the dual is a
// concave quadratic with curvature H = A Q⁻¹ Aᵀ, and the iteration
// converges iff α < 2/λmax(H).
//
// # Augmented Lagrangian
//
// Adding a quadratic penalty,
//
//	L̄(x, λ) = f(x) + λᵀC(x) + ρ‖C(x)‖²,
//
// and running the same iteration on L̄ with the step α = 2ρ,
//
//	x* ← argmin_x L̄(x, λ),   λ ← λ + 2ρ C(x*),
//
// is the augmented Lagrangian method (AugmentedLagrangian). This package
// writes the penalty as ρ‖C‖², like the lecture, so the multiplier step is
// 2ρ: the penalty's gradient is 2ρJᵀC, so at x* the updated λ + 2ρC makes
// x* a stationary point of the ordinary Lagrangian. Texts that write
// (ρ/2)‖C‖² update with ρ; it is the same method. The penalty makes the
// x-step better posed (L̄ is bounded below more often than L) and the
// multipliers converge for every ρ > 0, faster for larger ρ; on a quadratic
// the multiplier error shrinks by 1/(1 + 2ρh) per iteration, where plain
// dual gradient descent with the same step 2ρ diverges once 2ρh > 2.
// Inequalities use the Powell–Hestenes–Rockafellar term
// (‖max(0, μ + 2ρg)‖² − ‖μ‖²)/(4ρ) with μ ← max(0, μ + 2ρg).
//
// # Scalar duals
//
// The KL-constrained step of trajectory optimisation,
//
//	min E[c(τ)]  s.t.  KL(p(τ) ‖ p̄(τ)) ≤ ε,
//
// has a single multiplier η. For fixed η the x-step is an LQR solve on the
// cost c/η − log p̄, and the dual derivative is KL(η) − ε. DualAscent1D
// takes the projected steps η ← max(η + α(KL(η) − ε), ηmin); Bracket1D
// uses that KL(η) decreases in η and searches for KL(η) = ε by geometric
// expansion and then bisection in log η (a variant of the η search in
// GPS's trajectory optimiser). Both stop when
// |KL − ε| ≤ Tol·ε and take the x-step as a closure, independent of any
// LQR type.
//
// # Toys
//
// Toy is min ½xᵀQx + cᵀx under one equality aᵀx = b (EqualityToy) or
// ‖x‖² ≤ r² (BallToy), with the exact KKT answer (Toy.Solution) for
// checks, and an exact x-step for lessons that want to see the outer
// iteration alone.
//
// # Bad input
//
// Every function with an error result returns an error naming a nil,
// ill-sized or non-finite argument (a typed-nil InnerConfig.Method
// included), a Problem whose Dim, NumEq·Dim or NumIneq·Dim exceeds
// limits.MaxElements (2^27 numbers, checked before allocating), and values
// that overflow (a Lagrangian, a multiplier, a toy's solution).
package constrained
