package lqr

import (
	"fmt"
	"math"

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
func NewDynamics(n, m, T int) *Dynamics {
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
	if d == nil || len(d.Fx) == 0 {
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
		if _, err := checkMat(label{"lqr: dynamics Fx", t, ""}, d.Fx[t], n, n, false); err != nil {
			return 0, 0, 0, err
		}
		if _, err := checkMat(label{"lqr: dynamics Fu", t, ""}, d.Fu[t], n, m, false); err != nil {
			return 0, 0, 0, err
		}
		if d.F0[t] == nil {
			return 0, 0, 0, fmt.Errorf("lqr: dynamics F0[%d] is nil", t)
		}
		if _, err := checkVec(label{"lqr: dynamics F0", t, ""}, d.F0[t], n, nil); err != nil {
			return 0, 0, 0, err
		}
		if err := checkSym(label{"lqr: dynamics Cov", t, ""}, d.Cov[t], n); err != nil {
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
	if c == nil || len(c.K) == 0 || c.K[0] == nil {
		return 0, 0, 0, fmt.Errorf("lqr: controller is empty")
	}
	T = len(c.K)
	if len(c.Kff) != T || len(c.Cov) != T {
		return 0, 0, 0, fmt.Errorf("lqr: controller has %d K, %d k and %d Cov; want equal counts", T, len(c.Kff), len(c.Cov))
	}
	m, n = c.K[0].Dims()
	for t := 0; t < T; t++ {
		if _, err := checkMat(label{"lqr: controller K", t, ""}, c.K[t], m, n, false); err != nil {
			return 0, 0, 0, err
		}
		if c.Kff[t] == nil {
			return 0, 0, 0, fmt.Errorf("lqr: controller k[%d] is nil", t)
		}
		if _, err := checkVec(label{"lqr: controller k", t, ""}, c.Kff[t], m, nil); err != nil {
			return 0, 0, 0, err
		}
		if err := checkSym(label{"lqr: controller Cov", t, ""}, c.Cov[t], m); err != nil {
			return 0, 0, 0, err
		}
	}
	return n, m, T, nil
}

// NewConstantController returns the controller u_t ~ N(k, σ² I) for every t
// (no feedback): the usual first, exploratory controller of the local-model
// loop.
func NewConstantController(n, m, T int, k []float64, sigma2 float64) (*Controller, error) {
	if n <= 0 || m <= 0 || T <= 0 {
		return nil, fmt.Errorf("lqr: NewConstantController(n=%d, m=%d, T=%d): all must be positive", n, m, T)
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
func NewControllerAround(K []*mat.Dense, k []*mat.VecDense, xRef, uRef [][]float64, cov []*mat.SymDense) (*Controller, error) {
	T := len(K)
	if len(k) != T || len(xRef) < T || len(uRef) != T || len(cov) != T {
		return nil, fmt.Errorf("lqr: NewControllerAround got %d gains, %d offsets, %d reference states, %d reference actions and %d covariances; want T = %d of each (T+1 states allowed)",
			T, len(k), len(xRef), len(uRef), len(cov), T)
	}
	c := &Controller{}
	for t := 0; t < T; t++ {
		m, n := K[t].Dims()
		if len(xRef[t]) != n || len(uRef[t]) != m || k[t].Len() != m {
			return nil, fmt.Errorf("lqr: NewControllerAround: step %d has K %d×%d, k of length %d, x̂ of length %d and û of length %d", t, m, n, k[t].Len(), len(xRef[t]), len(uRef[t]))
		}
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
		return nil, err
	}
	return c, nil
}

// MaxEntropyController returns u_t ~ N(K_t x_t + k_t, Q̃uu_t⁻¹) from a
// backward pass on a problem in absolute coordinates: the covariance that
// solves min Σ E[c(x_t, u_t) − H(p(u_t | x_t))] (Levine & Koltun 2013). A
// large Q̃uu (costly actions) gives little exploration, a small one a lot.
func MaxEntropyController(sol *Solution) (*Controller, error) {
	if sol == nil || len(sol.K) == 0 {
		return nil, fmt.Errorf("lqr: MaxEntropyController: empty solution")
	}
	c := &Controller{}
	for t := range sol.K {
		var ch mat.Cholesky
		m, _ := sol.Quu[t].Dims()
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
		if err := ch.InverseTo(cov); err != nil {
			return nil, fmt.Errorf("lqr: MaxEntropyController: inverting Quu at t = %d: %w", t, err)
		}
		c.K = append(c.K, mat.DenseCopyOf(sol.K[t]))
		c.Kff = append(c.Kff, mat.VecDenseCopyOf(sol.Kff[t]))
		c.Cov = append(c.Cov, cov)
	}
	return c, nil
}

// Mean writes the mean action K_t x + k_t into u.
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

// LogProb returns log p(u | x) at time t.
func (c *Controller) LogProb(t int, x, u []float64) (float64, error) {
	m, n := c.K[t].Dims()
	if len(x) != n || len(u) != m {
		return 0, fmt.Errorf("lqr: LogProb at t = %d: x has length %d and u length %d, want %d and %d", t, len(x), len(u), n, m)
	}
	var ch mat.Cholesky
	if !ch.Factorize(c.Cov[t]) {
		return 0, fmt.Errorf("lqr: controller Cov[%d] is not positive definite", t)
	}
	mean := make([]float64, m)
	c.Mean(mean, t, x)
	d := mat.NewVecDense(m, nil)
	for i := range mean {
		d.SetVec(i, u[i]-mean[i])
	}
	var sol mat.VecDense
	if err := ch.SolveVecTo(&sol, d); err != nil {
		return 0, err
	}
	return -0.5 * (mat.Dot(d, &sol) + ch.LogDet() + float64(m)*math.Log(2*math.Pi)), nil
}

// Clone returns a deep copy of c.
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
