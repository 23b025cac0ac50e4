package lqr

import (
	"fmt"
	"math"

	"github.com/rlcontrol/rlcontrol/rl/internal/limits"
	"gonum.org/v1/gonum/mat"
)

// Dynamics is a time-varying linear-Gaussian model of a system, the local
// model the lecture fits around a trajectory distribution:
//
//	p(x_{t+1} | x_t, u_t) = N(Fx_t x_t + Fu_t u_t + F0_t, Cov_t),  t = 0, …, T−1,
//	p(x_0) = N(X0Mean, X0Cov).
type Dynamics struct {
	Fx     []*mat.Dense    // T matrices n×n
	Fu     []*mat.Dense    // T matrices n×m
	F0     []*mat.VecDense // T offsets, n
	Cov    []*mat.SymDense // T noise covariances, n×n
	X0Mean *mat.VecDense   // n
	X0Cov  *mat.SymDense   // n×n
}

// NewDynamics allocates zero dynamics for dimensions n, m and horizon T.
// It panics, with a message naming the sizes, unless n, m, T ≥ 1 and n·m·T
// and n·n·T are each at most limits.MaxElements (2^27 numbers, 1 GiB).
func NewDynamics(n, m, T int) *Dynamics {
	const fn = "lqr: NewDynamics"
	if err := firstErr(limits.Check(fn, "n × m × T", n, m, T), limits.Check(fn, "n × n × T", n, n, T)); err != nil {
		panic(err.Error())
	}
	d := &Dynamics{X0Mean: mat.NewVecDense(n, nil), X0Cov: mat.NewSymDense(n, nil)}
	for t := 0; t < T; t++ {
		d.Fx = append(d.Fx, mat.NewDense(n, n, nil))
		d.Fu = append(d.Fu, mat.NewDense(n, m, nil))
		d.F0 = append(d.F0, mat.NewVecDense(n, nil))
		d.Cov = append(d.Cov, mat.NewSymDense(n, nil))
	}
	return d
}

// Dims returns n, m and T, or an error naming the first inconsistent or
// non-finite entry. It allocates nothing unless it returns an error.
func (d *Dynamics) Dims() (n, m, T int, err error) {
	if d == nil {
		return 0, 0, 0, fmt.Errorf("lqr: nil Dynamics")
	}
	if len(d.Fx) == 0 {
		return 0, 0, 0, fmt.Errorf("lqr: dynamics are empty")
	}
	T = len(d.Fx)
	if len(d.Fu) != T || len(d.F0) != T || len(d.Cov) != T {
		return 0, 0, 0, fmt.Errorf("lqr: dynamics have %d Fx, %d Fu, %d F0 and %d Cov; want equal counts", T, len(d.Fu), len(d.F0), len(d.Cov))
	}
	if d.Fu[0] == nil {
		return 0, 0, 0, fmt.Errorf("lqr: dynamics Fu[0] is nil")
	}
	n, m = d.Fu[0].Dims()
	for t := 0; t < T; t++ {
		if _, err := checkMat(label{"", "lqr: dynamics Fx", t, ""}, d.Fx[t], n, n, false); err != nil {
			return 0, 0, 0, err
		}
		if _, err := checkMat(label{"", "lqr: dynamics Fu", t, ""}, d.Fu[t], n, m, false); err != nil {
			return 0, 0, 0, err
		}
		if _, err := checkVec(label{"", "lqr: dynamics F0", t, ""}, d.F0[t], n, nil); err != nil {
			return 0, 0, 0, err
		}
		if err := checkSym(label{"", "lqr: dynamics Cov", t, ""}, d.Cov[t], n); err != nil {
			return 0, 0, 0, err
		}
	}
	if d.X0Mean == nil || d.X0Cov == nil {
		return 0, 0, 0, fmt.Errorf("lqr: dynamics X0Mean or X0Cov is nil")
	}
	if _, err := checkVec(named("lqr: dynamics X0Mean"), d.X0Mean, n, nil); err != nil {
		return 0, 0, 0, err
	}
	if err := checkSym(named("lqr: dynamics X0Cov"), d.X0Cov, n); err != nil {
		return 0, 0, 0, err
	}
	return n, m, T, nil
}

func checkSym(what label, s *mat.SymDense, n int) error {
	if s == nil {
		return fmt.Errorf("%v is nil", what)
	}
	if s.SymmetricDim() != n {
		return fmt.Errorf("%v is %d×%d, want %d×%d", what, s.SymmetricDim(), s.SymmetricDim(), n, n)
	}
	for i := 0; i < n; i++ {
		for j := i; j < n; j++ {
			if v := s.At(i, j); math.IsNaN(v) || math.IsInf(v, 0) {
				return fmt.Errorf("%v[%d,%d] = %v is not finite", what, i, j, v)
			}
		}
	}
	return nil
}

// Controller is a time-varying linear-Gaussian controller
//
//	p(u_t | x_t) = N(K_t x_t + k_t, Cov_t).
//
// The lecture writes its mean around a reference trajectory,
// K_t(x_t − x̂_t) + k_t + û_t; that is the same controller with
// k_t ← k_t + û_t − K_t x̂_t (see NewControllerAround).
type Controller struct {
	K   []*mat.Dense    // T gains, m×n
	Kff []*mat.VecDense // T offsets k_t, m
	Cov []*mat.SymDense // T covariances, m×m, positive definite
}

// Dims returns n, m and T of the controller (the order of
// Dynamics.Dims and Problem.Dims), or an error naming the first
// inconsistent or non-finite entry. It allocates nothing unless it returns
// an error.
func (c *Controller) Dims() (n, m, T int, err error) {
	switch {
	case c == nil:
		return 0, 0, 0, fmt.Errorf("lqr: nil Controller")
	case len(c.K) == 0:
		return 0, 0, 0, fmt.Errorf("lqr: controller is empty")
	case c.K[0] == nil:
		return 0, 0, 0, fmt.Errorf("lqr: controller K[0] is nil")
	}
	T = len(c.K)
	if len(c.Kff) != T || len(c.Cov) != T {
		return 0, 0, 0, fmt.Errorf("lqr: controller has %d K, %d k and %d Cov; want equal counts", T, len(c.Kff), len(c.Cov))
	}
	m, n = c.K[0].Dims()
	for t := 0; t < T; t++ {
		if _, err := checkMat(label{"", "lqr: controller K", t, ""}, c.K[t], m, n, false); err != nil {
			return 0, 0, 0, err
		}
		if _, err := checkVec(label{"", "lqr: controller k", t, ""}, c.Kff[t], m, nil); err != nil {
			return 0, 0, 0, err
		}
		if err := checkSym(label{"", "lqr: controller Cov", t, ""}, c.Cov[t], m); err != nil {
			return 0, 0, 0, err
		}
	}
	return n, m, T, nil
}

// NewConstantController returns the controller u_t ~ N(k, σ² I) for every t
// (no feedback): the usual first, exploratory controller of the local-model
// loop. k (nil for zero) must have length m and finite entries, σ² must be
// finite and > 0, and, checked before allocating, n, m, T ≥ 1 with n·m·T
// and m·m·T each at most limits.MaxElements (2^27 numbers, 1 GiB).
func NewConstantController(n, m, T int, k []float64, sigma2 float64) (*Controller, error) {
	const fn = "lqr: NewConstantController"
	if err := firstErr(limits.Check(fn, "n × m × T", n, m, T), limits.Check(fn, "m × m × T", m, m, T)); err != nil {
		return nil, err
	}
	if !(sigma2 > 0) || math.IsInf(sigma2, 0) {
		return nil, fmt.Errorf("lqr: controller variance σ² = %v, want > 0", sigma2)
	}
	if k == nil {
		k = make([]float64, m)
	}
	if len(k) != m {
		return nil, fmt.Errorf("lqr: controller offset has length %d, want m = %d", len(k), m)
	}
	if err := checkSlice(label{fn, "k", -1, ""}, k, m); err != nil {
		return nil, err
	}
	c := &Controller{}
	for t := 0; t < T; t++ {
		cov := mat.NewSymDense(m, nil)
		for i := 0; i < m; i++ {
			cov.SetSym(i, i, sigma2)
		}
		c.K = append(c.K, mat.NewDense(m, n, nil))
		c.Kff = append(c.Kff, mat.NewVecDense(m, append([]float64(nil), k...)))
		c.Cov = append(c.Cov, cov)
	}
	return c, nil
}

// NewControllerAround builds the lecture's form of the controller,
// p(u_t | x_t) = N(K_t(x_t − x̂_t) + k_t + û_t, Cov_t), from deviation gains
// (such as an iLQR solution around the trajectory x̂, û) and covariances.
// It returns an error naming the first nil, ill-sized or non-finite
// argument, and one when k_t + û_t − K_t x̂_t overflows.
func NewControllerAround(K []*mat.Dense, k []*mat.VecDense, xRef, uRef [][]float64, cov []*mat.SymDense) (*Controller, error) {
	const fn = "lqr: NewControllerAround"
	T := len(K)
	if T == 0 || len(k) != T || len(xRef) < T || len(uRef) != T || len(cov) != T {
		return nil, fmt.Errorf("lqr: NewControllerAround got %d gains, %d offsets, %d reference states, %d reference actions and %d covariances; want T = %d of each (T+1 states allowed)",
			T, len(k), len(xRef), len(uRef), len(cov), T)
	}
	if K[0] == nil {
		return nil, fmt.Errorf("%s: K[0] is nil", fn)
	}
	m, n := K[0].Dims()
	for t := 0; t < T; t++ {
		if _, err := checkMat(label{fn, "K", t, ""}, K[t], m, n, false); err != nil {
			return nil, err
		}
		if _, err := checkVec(label{fn, "k", t, ""}, k[t], m, nil); err != nil {
			return nil, err
		}
		if err := checkSlice(label{fn, "xRef", t, ""}, xRef[t], n); err != nil {
			return nil, err
		}
		if err := checkSlice(label{fn, "uRef", t, ""}, uRef[t], m); err != nil {
			return nil, err
		}
		if err := checkSym(label{fn, "cov", t, ""}, cov[t], m); err != nil {
			return nil, err
		}
	}
	c := &Controller{}
	for t := 0; t < T; t++ {
		off := mat.NewVecDense(m, nil)
		off.MulVec(K[t], mat.NewVecDense(n, append([]float64(nil), xRef[t]...)))
		for i := 0; i < m; i++ {
			off.SetVec(i, k[t].AtVec(i)+uRef[t][i]-off.AtVec(i))
		}
		c.K = append(c.K, mat.DenseCopyOf(K[t]))
		c.Kff = append(c.Kff, off)
		c.Cov = append(c.Cov, mat.NewSymDense(m, nil))
		c.Cov[t].CopySym(cov[t])
	}
	if _, _, _, err := c.Dims(); err != nil {
		return nil, fmt.Errorf("%s: k_t + û_t − K_t x̂_t overflows: %w", fn, err)
	}
	return c, nil
}

// MaxEntropyController returns u_t ~ N(K_t x_t + k_t, Q̃uu_t⁻¹) from a
// backward pass on a problem in absolute coordinates: the covariance that
// solves min Σ E[c(x_t, u_t) − H(p(u_t | x_t))] (Levine & Koltun 2013). A
// large Q̃uu (costly actions) gives little exploration, a small one a lot.
// It returns an error naming the first nil, ill-sized or non-finite entry
// of sol, a *NotPDError when a Q̃uu is not positive definite, and an error
// naming the step when a Q̃uu⁻¹ overflows (Q̃uu nearly singular).
func MaxEntropyController(sol *Solution) (*Controller, error) {
	const fn = "lqr: MaxEntropyController"
	if sol == nil {
		return nil, fmt.Errorf("%s: nil Solution", fn)
	}
	if len(sol.K) == 0 || sol.K[0] == nil {
		return nil, fmt.Errorf("%s: empty solution (no K[0])", fn)
	}
	T := len(sol.K)
	m, n := sol.K[0].Dims()
	if err := sol.checkGains(fn, n, m, T); err != nil {
		return nil, err
	}
	if err := checkCount(label{fn, "sol.Quu", -1, ""}, len(sol.Quu), T); err != nil {
		return nil, err
	}
	for t, Q := range sol.Quu {
		if _, err := checkMat(label{fn, "sol.Quu", t, ""}, Q, m, m, false); err != nil {
			return nil, err
		}
	}
	c := &Controller{}
	for t := range sol.K {
		var ch mat.Cholesky
		sym := mat.NewSymDense(m, nil)
		for i := 0; i < m; i++ {
			for j := i; j < m; j++ {
				sym.SetSym(i, j, 0.5*(sol.Quu[t].At(i, j)+sol.Quu[t].At(j, i)))
			}
		}
		if !ch.Factorize(sym) {
			return nil, &NotPDError{T: t}
		}
		cov := mat.NewSymDense(m, nil)
		err := ch.InverseTo(cov)
		if i := nonFinite(cov.RawSymmetric().Data); i >= 0 {
			return nil, fmt.Errorf("%s: Q̃uu⁻¹ overflows at t = %d (entry %d = %v: Q̃uu is nearly singular)", fn, t, i, cov.RawSymmetric().Data[i])
		}
		if err != nil {
			return nil, fmt.Errorf("%s: inverting Quu at t = %d: %w", fn, t, err)
		}
		c.K = append(c.K, mat.DenseCopyOf(sol.K[t]))
		c.Kff = append(c.Kff, mat.VecDenseCopyOf(sol.Kff[t]))
		c.Cov = append(c.Cov, cov)
	}
	return c, nil
}

// Mean writes the mean action K_t x + k_t into u. It checks nothing (it is
// the inner loop of Act and the samplers): it panics if c has no step t
// or u or x is shorter than m or n.
func (c *Controller) Mean(u []float64, t int, x []float64) {
	K := c.K[t]
	m, n := K.Dims()
	for i := 0; i < m; i++ {
		acc := c.Kff[t].AtVec(i)
		for j := 0; j < n; j++ {
			acc += K.At(i, j) * x[j]
		}
		u[i] = acc
	}
}

// step returns the dimensions m, n of step t after checking that c has
// that step, with non-nil K_t, k_t and Cov_t of consistent sizes (not their
// values: that would cost a pass over K_t per call). It formats (and
// allocates) only on error.
func (c *Controller) step(fn string, t int) (m, n int, err error) {
	if c == nil {
		return 0, 0, fmt.Errorf("%s: nil Controller", fn)
	}
	if t < 0 || t >= len(c.K) || t >= len(c.Kff) || t >= len(c.Cov) {
		return 0, 0, fmt.Errorf("%s: t = %d: the controller has %d K, %d k and %d Cov; want 0 ≤ t < T", fn, t, len(c.K), len(c.Kff), len(c.Cov))
	}
	if c.K[t] == nil {
		return 0, 0, fmt.Errorf("%s: controller K[%d] is nil", fn, t)
	}
	m, n = c.K[t].Dims()
	if k := c.Kff[t]; k == nil || k.Len() != m {
		_, err := checkVec(label{fn, "controller k", t, ""}, k, m, nil)
		return 0, 0, err
	}
	if c.Cov[t] == nil || c.Cov[t].SymmetricDim() != m {
		return 0, 0, checkSym(label{fn, "controller Cov", t, ""}, c.Cov[t], m)
	}
	return m, n, nil
}

// mean is Mean after checking x (length n, finite), with an error naming a
// non-finite K_t or k_t or the overflow when the mean is not finite.
func (c *Controller) mean(fn string, u []float64, t int, x []float64, n int) error {
	if len(x) != n || nonFinite(x) >= 0 {
		return checkSlice(label{fn, "x", -1, ""}, x, n)
	}
	c.Mean(u, t, x)
	if nonFinite(u) < 0 {
		return nil
	}
	m := len(u)
	if _, err := checkMat(label{fn, "controller K", t, ""}, c.K[t], m, n, false); err != nil {
		return err
	}
	if _, err := checkVec(label{fn, "controller k", t, ""}, c.Kff[t], m, nil); err != nil {
		return err
	}
	return fmt.Errorf("%s: the mean action K_t x + k_t overflows at t = %d", fn, t)
}

// notPD is the error for a covariance Cov_t that failed to factor: the
// non-finite entry if there is one, else not positive definite.
func (c *Controller) notPD(fn string, t int) error {
	if err := checkSym(label{fn, "controller Cov", t, ""}, c.Cov[t], c.Cov[t].SymmetricDim()); err != nil {
		return err
	}
	return fmt.Errorf("%s: controller Cov[%d] is not positive definite", fn, t)
}

// LogProb returns log p(u | x) at time t, or an error naming a bad t,
// controller step, x or u (length, NaN, infinity), or the overflow of
// (u − μ)ᵀΣ⁻¹(u − μ) for u far out in the tails.
func (c *Controller) LogProb(t int, x, u []float64) (float64, error) {
	const fn = "lqr: LogProb"
	m, n, err := c.step(fn, t)
	if err != nil {
		return 0, err
	}
	if err := checkSlice(label{fn, "u", -1, ""}, u, m); err != nil {
		return 0, err
	}
	mean := make([]float64, m)
	if err := c.mean(fn, mean, t, x, n); err != nil {
		return 0, err
	}
	var ch mat.Cholesky
	if !ch.Factorize(c.Cov[t]) {
		return 0, c.notPD(fn, t)
	}
	d := mat.NewVecDense(m, nil)
	for i := range mean {
		d.SetVec(i, u[i]-mean[i])
	}
	var sol mat.VecDense
	if err := ch.SolveVecTo(&sol, d); err != nil {
		return 0, err
	}
	lp := -0.5 * (mat.Dot(d, &sol) + ch.LogDet() + float64(m)*math.Log(2*math.Pi))
	if math.IsNaN(lp) || math.IsInf(lp, 0) {
		return 0, fmt.Errorf("%s at t = %d: (u − μ)ᵀΣ⁻¹(u − μ) overflows (log p = %v)", fn, t, lp)
	}
	return lp, nil
}

// Clone returns a deep copy of c. It panics if c is nil or has nil entries
// (Dims reports those as errors).
func (c *Controller) Clone() *Controller {
	out := &Controller{}
	for t := range c.K {
		out.K = append(out.K, mat.DenseCopyOf(c.K[t]))
		out.Kff = append(out.Kff, mat.VecDenseCopyOf(c.Kff[t]))
		cov := mat.NewSymDense(c.Cov[t].SymmetricDim(), nil)
		cov.CopySym(c.Cov[t])
		out.Cov = append(out.Cov, cov)
	}
	return out
}
