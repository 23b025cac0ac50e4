// Package cost defines trajectory costs with their first and second
// derivatives, as iLQR and the trajectory optimisers need them:
//
//	J = Σ_{t<T} ℓ_t(x_t, u_t) + ℓ_T(x_T)
//
// and, at every (x, u), the gradient (ℓx, ℓu) and Hessian blocks
// (ℓxx, ℓuu, ℓux). The quadratic tracking cost of the lecture,
//
//	ℓ_t(x, u) = ½(x − x*)ᵀQ(x − x*) + ½(u − u*)ᵀR(u − u*)
//	ℓ_T(x)    = ½(x − x*)ᵀQf(x − x*)
//
// is Quadratic. Later costs (obstacle penalties, the KL-augmented cost
// c/η − log p̄(u|x) of trust-region trajectory optimisation) implement the
// same Cost interface.
//
// Check, Total and NewQuadratic return errors naming a nil cost (a typed
// nil included), the bad argument and its value, and a total that
// overflows. The methods of Quadratic do not check their arguments (the
// optimisers check them once before their loops) and document their
// panics; NewDerivs panics with a message naming the sizes.
package cost
