package trpo

import (
	"fmt"
	"math"

	"github.com/rlcontrol/rlcontrol/rl/internal/small"
	"github.com/rlcontrol/rlcontrol/rl/system"
)

// ConjugateGradient solves A x = b for a symmetric positive-definite A given
// only through products Av(v) = A·v, with at most iters iterations (TRPO
// uses 10: an approximate solution is enough, and each product costs a
// double backward pass). It stops early when the squared residual falls
// below tol. It returns x and the number of iterations run.
//
// It returns an error if Av is nil, iters ≤ 0, tol is not a finite value
// ≥ 0, b has a non-finite entry, a product has the wrong length or a
// non-finite entry, pᵀAp ≤ 0 (A is not positive definite), or an
// iterate overflows float64; and Av's own errors.
func ConjugateGradient(Av func(v []float64) ([]float64, error), b []float64, iters int, tol float64) ([]float64, int, error) {
	const fn = "trpo: ConjugateGradient"
	n := len(b)
	switch {
	case Av == nil:
		return nil, 0, fmt.Errorf("%s: Av is nil", fn)
	case iters <= 0:
		return nil, 0, fmt.Errorf("%s: iters = %d, want > 0", fn, iters)
	case !(tol >= 0) || math.IsInf(tol, 1):
		return nil, 0, fmt.Errorf("%s: tol = %v, want a finite value ≥ 0", fn, tol)
	}
	if err := system.CheckVec("b", b, n); err != nil {
		return nil, 0, fmt.Errorf("%s: %w", fn, err)
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
			return nil, k, fmt.Errorf("%s: product has length %d, want %d", fn, len(Ap), n)
		}
		if err := system.CheckVec("Av(p)", Ap, n); err != nil {
			return nil, k, fmt.Errorf("%s: %w at iteration %d", fn, err, k+1)
		}
		pAp := small.Dot(p, Ap)
		if !(pAp > 0) || math.IsInf(pAp, 0) {
			return nil, k, fmt.Errorf("%s: pᵀAp = %v at iteration %d: the matrix is not positive definite", fn, pAp, k+1)
		}
		alpha := rr / pAp
		if math.IsInf(alpha, 0) {
			return nil, k, fmt.Errorf("%s: step rᵀr/pᵀAp = %v/%v overflows at iteration %d: the matrix is nearly singular", fn, rr, pAp, k+1)
		}
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
	if err := system.CheckVec("x", x, n); err != nil {
		return nil, k, fmt.Errorf("%s: %w: the iterates overflowed", fn, err)
	}
	return x, k, nil
}
