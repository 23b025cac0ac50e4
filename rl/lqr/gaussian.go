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
// non-finite entry.
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
		if _, err := checkMat(label{-1, fmt.Sprintf("lqr: dynamics Fx[%d]", t)}, d.Fx[t], n, n, false); err != nil {
			return 0, 0, 0, err
		}
		if _, err := checkMat(label{-1, fmt.Sprintf("lqr: dynamics Fu[%d]", t)}, d.Fu[t], n, m, false); err != nil {
			return 0, 0, 0, err
		}
		if d.F0[t] == nil {
			return 0, 0, 0, fmt.Errorf("lqr: dynamics F0[%d] is nil", t)
		}
		if _, err := checkVec(label{-1, fmt.Sprintf("lqr: dynamics F0[%d]", t)}, d.F0[t], n, nil); err != nil {
			return 0, 0, 0, err
		}
		if err := checkSym(fmt.Sprintf("lqr: dynamics Cov[%d]", t), d.Cov[t], n); err != nil {
			return 0, 0, 0, err
		}
	}
	if d.X0Mean == nil || d.X0Cov == nil {
		return 0, 0, 0, fmt.Errorf("lqr: dynamics X0Mean or X0Cov is nil")
	}
	if _, err := checkVec(label{-1, "lqr: dynamics X0Mean"}, d.X0Mean, n, nil); err != nil {
		return 0, 0, 0, err
	}
	if err := checkSym("lqr: dynamics X0Cov", d.X0Cov, n); err != nil {
		return 0, 0, 0, err
	}
	return n, m, T, nil
}

func checkSym(what string, s *mat.SymDense, n int) error {
	if s == nil {
		return fmt.Errorf("%s is nil", what)
	}
	if s.SymmetricDim() != n {
		return fmt.Errorf("%s is %d×%d, want %d×%d", what, s.SymmetricDim(), s.SymmetricDim(), n, n)
	}
	for i := 0; i < n; i++ {
		for j := i; j < n; j++ {
			if v := s.At(i, j); math.IsNaN(v) || math.IsInf(v, 0) {
				return fmt.Errorf("%s[%d,%d] = %v is not finite", what, i, j, v)
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
