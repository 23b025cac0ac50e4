package trpo

import (
	"fmt"
	"math"

	"github.com/rlcontrol/rlcontrol/rl/internal/small"
)

// ConjugateGradient solves A x = b for a symmetric positive-definite A given
// only through products Av(v) = A·v, with at most iters iterations (TRPO
// uses 10: an approximate solution is enough, and each product costs a
// double backward pass). It stops early when the squared residual falls
// below tol. It returns x and the number of iterations run.
func ConjugateGradient(Av func(v []float64) ([]float64, error), b []float64, iters int, tol float64) ([]float64, int, error) {
	n := len(b)
	if iters <= 0 {
		return nil, 0, fmt.Errorf("trpo: ConjugateGradient: iters = %d, want > 0", iters)
	}
	x := make([]float64, n)
	r := append([]float64(nil), b...)
	p := append([]float64(nil), b...)
	rr := small.Dot(r, r)
	k := 0
	for ; k < iters && rr > tol; k++ {
		Ap, err := Av(p)
		if err != nil {
			return nil, k, err
		}
		if len(Ap) != n {
			return nil, k, fmt.Errorf("trpo: ConjugateGradient: product has length %d, want %d", len(Ap), n)
		}
		pAp := small.Dot(p, Ap)
		if !(pAp > 0) || math.IsInf(pAp, 0) {
			return nil, k, fmt.Errorf("trpo: ConjugateGradient: pᵀAp = %v at iteration %d: the matrix is not positive definite", pAp, k+1)
		}
		alpha := rr / pAp
		for i := range x {
			x[i] += alpha * p[i]
			r[i] -= alpha * Ap[i]
		}
		rrNew := small.Dot(r, r)
		beta := rrNew / rr
		for i := range p {
			p[i] = r[i] + beta*p[i]
		}
		rr = rrNew
	}
	return x, k, nil
}
