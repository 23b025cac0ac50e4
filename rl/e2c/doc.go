// Package e2c implements Embed to Control (Watter, Springenberg, Boedecker
// & Riedmiller 2015): optimal control from raw images through a learned
// latent space in which the dynamics are locally linear.
//
// An encoder maps an image x_t to a Gaussian q(z_t | x_t) = N(μ_t, diag σ_t²);
// a transition network h(z_t) gives, at each latent point, the matrices of a
// locally linear model
//
//	ẑ_{t+1} = A_t z_t + B_t u_t + o_t,  A_t = I + v_t r_tᵀ,
//
// and so the Gaussian q̂(ẑ_{t+1} | z_t, u_t) = N(A_t μ_t + B_t u_t + o_t,
// C_t = A_t Σ_t A_tᵀ), whose log-determinant is
// Σ_i log σ²_{t,i} + 2 log|1 + v_tᵀ r_t|; a decoder maps a latent point back
// to a Bernoulli image. The loss of one transition (x_t, u_t, x_{t+1}) is
//
//	L = −log p(x_t | z_t) − log p(x_{t+1} | ẑ_{t+1})
//	    + KL(q(z_t | x_t) ‖ N(0, I))
//	    + λ · KL(q̂(ẑ_{t+1} | z_t, u_t) ‖ q(z_{t+1} | x_{t+1})),
//
// with z_t = μ_t + σ_t ⊙ ε (one reparameterised sample). Autoencoder and
// VAE baselines train through the same code with the transition fitted on
// top of a latent space it cannot shape.
//
// iLQR then plans in the latent space with A(z), B(z), o(z) and a quadratic
// cost to the goal image's latent, re-encoding the image at every step (MPC).
package e2c
