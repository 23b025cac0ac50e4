// Package ilqr implements the iterative linear–quadratic regulator with
// known dynamics (Li & Todorov 2004; Tassa, Erez & Todorov 2012), the recap
// that opens the lecture:
//
//	repeat
//	  linearise the dynamics and quadratise the cost along (x̂_t, û_t):
//	    A_t = ∂f/∂x, B_t = ∂f/∂u, ℓx, ℓu, ℓxx, ℓuu, ℓux
//	  backward pass (package lqr) on δx_{t+1} = A_t δx_t + B_t δu_t
//	    → δu_t = K_t δx_t + k_t
//	  forward pass with a line search on the feedforward step α:
//	    u_t = û_t + α k_t + K_t (x_t − x̂_t),  x_{t+1} = f(x_t, u_t)
//	until the cost stops improving.
//
// Three details make this robust, all from Tassa et al. (2012):
//
//   - Levenberg–Marquardt regularisation μ of the backward pass, raised when
//     Q̃uu is not positive definite or a forward pass fails, and lowered after
//     a success, with the quadratic-growth schedule Δ ← max(Δ₀, Δ·Δ₀),
//     μ ← max(μmin, μ·Δ) (and the mirror image to decrease).
//   - A line search on α that compares the actual reduction of the cost with
//     the reduction the quadratic model expects, ΔJ(α) = −(α·ΣkᵀQu +
//     α²·½ΣkᵀQuu k), and accepts when their ratio z is above MinRatio. A full
//     step α = 1 jumps to the minimiser of the local model, which is far from
//     the minimiser of the real cost when the trajectory moves a lot.
//   - Box limits on the actions, solved exactly in the backward pass as a
//     box-constrained QP (Tassa, Mansard & Todorov 2014) and enforced in the
//     forward pass by clamping.
//
// Every iteration is recorded in Result.History (cost, α, μ, expected and
// actual reduction) for the lesson's plots. MPC runs iLQR in a receding
// horizon. The per-iteration work does not allocate.
//
// New, Solve, NewMPCPolicy, Act and MPC return an error naming a nil (or
// typed-nil) system, cost or solver, a bad argument and its value, and
// sizes above limits.MaxElements (2^27 numbers, checked before
// allocating).
package ilqr
