// Package lqr solves finite-horizon, time-varying linear–quadratic control
// problems: the backward pass (dynamic programming on a quadratic value
// function) and the forward rollout of the resulting linear controller.
//
// The problem, for t = 0, …, T−1, is
//
//	x_{t+1} = A_t x_t + B_t u_t + a_t
//	J = Σ_t [ ½ [x;u]ᵀ [Cxx Cxu; Cux Cuu] [x;u] + [cx;cu]ᵀ [x;u] + c0 ]
//	    + ½ x_Tᵀ Cxx_T x_T + cx_Tᵀ x_T + c0_T
//
// With the value function of step t+1 written V_{t+1}(x) = ½ xᵀ V x + vᵀ x + s,
// the backward pass forms the quadratic Q-function of step t,
//
//	Qx  = cx + Aᵀ(v + V a)          Qu  = cu + Bᵀ(v + V a)
//	Qxx = Cxx + Aᵀ V A              Quu = Cuu + Bᵀ V B
//	Qux = Cux + Bᵀ V A
//
// minimises it in u, u = K x + k with K = −Quu⁻¹ Qux and k = −Quu⁻¹ Qu, and
// substitutes back:
//
//	V_t = Qxx + Kᵀ Quu K + Kᵀ Qux + Quxᵀ K
//	v_t = Qx + Kᵀ Quu k + Kᵀ Qu + Quxᵀ k
//	s_t = s + c0 + vᵀa + ½ aᵀ V a + kᵀ Qu + ½ kᵀ Quu k
//
// These are the lecture's equations, written in the order the code runs them.
// The same backward step serves iLQR (package ilqr), which adds
// Levenberg–Marquardt regularisation (Options.Mu) and box limits on u
// (Options.Lower/Upper, solved as a small box-constrained QP), and later the
// KL-constrained trajectory optimisation of guided policy search.
//
// Linear-Gaussian controllers (Controller) and dynamics (Dynamics) give the
// trajectory distribution of the lecture (Forward), the KL between two
// controllers under it (KL) and Monte Carlo samples to check both
// (SampleLinear). A Controller is a system.Policy: system.Rollout and
// system.Rollouts run it on a real system, deterministically (its mean) or
// with its noise.
//
// Matrices are gonum *mat.Dense and vectors *mat.VecDense at the API; the
// inner loops run on their raw row-major storage and do not allocate, so a
// Solver can be reused across the hundreds of iterations of an optimiser.
//
// Every function with an error result checks its arguments (nil and
// ill-sized entries, NaN and infinities) and returns an error naming the
// bad one and its value; numbers that overflow from finite input (a value
// function, a covariance, a KL or a cost of a badly scaled problem) are an
// error naming the step, never a result. Constructors check their sizes
// against limits.MaxElements (2^27 numbers, 1 GiB) before allocating;
// NewDynamics, which has no error result, panics then, and the other
// functions without one (Mean, Clone, StateMean, …) document their panics.
package lqr
