package small

import "math"

// Mul sets c = a·b where a is r×k and b is k×q; c is r×q.
func Mul(c, a, b []float64, r, k, q int) {
	for i := 0; i < r; i++ {
		ci := c[i*q : i*q+q]
		for j := range ci {
			ci[j] = 0
		}
		for l := 0; l < k; l++ {
			ail := a[i*k+l]
			if ail == 0 {
				continue
			}
			bl := b[l*q : l*q+q]
			for j, blj := range bl {
				ci[j] += ail * blj
			}
		}
	}
}

// MulTA sets c = aᵀ·b where a is k×r and b is k×q; c is r×q.
func MulTA(c, a, b []float64, k, r, q int) {
	for i := range c[:r*q] {
		c[i] = 0
	}
	for l := 0; l < k; l++ {
		al := a[l*r : l*r+r]
		bl := b[l*q : l*q+q]
		for i, ali := range al {
			if ali == 0 {
				continue
			}
			ci := c[i*q : i*q+q]
			for j, blj := range bl {
				ci[j] += ali * blj
			}
		}
	}
}

// MulVec sets y = a·x where a is r×q.
func MulVec(y, a, x []float64, r, q int) {
	for i := 0; i < r; i++ {
		s := 0.0
		ai := a[i*q : i*q+q]
		for j, aij := range ai {
			s += aij * x[j]
		}
		y[i] = s
	}
}

// MulTVec sets y = aᵀ·x where a is r×q (y has length q).
func MulTVec(y, a, x []float64, r, q int) {
	for j := 0; j < q; j++ {
		y[j] = 0
	}
	for i := 0; i < r; i++ {
		xi := x[i]
		if xi == 0 {
			continue
		}
		ai := a[i*q : i*q+q]
		for j, aij := range ai {
			y[j] += aij * xi
		}
	}
}

// Dot returns xᵀy.
func Dot(x, y []float64) float64 {
	s := 0.0
	for i, xi := range x {
		s += xi * y[i]
	}
	return s
}

// Quad returns xᵀ·a·y for an r×q matrix a.
func Quad(x, a, y []float64, r, q int) float64 {
	s := 0.0
	for i := 0; i < r; i++ {
		ai := a[i*q : i*q+q]
		t := 0.0
		for j, aij := range ai {
			t += aij * y[j]
		}
		s += x[i] * t
	}
	return s
}

// Symmetrize replaces the n×n matrix a by (a + aᵀ)/2, removing the rounding
// asymmetry that accumulates in Riccati recursions.
func Symmetrize(a []float64, n int) {
	for i := 0; i < n; i++ {
		for j := i + 1; j < n; j++ {
			v := 0.5 * (a[i*n+j] + a[j*n+i])
			a[i*n+j], a[j*n+i] = v, v
		}
	}
}

// Cholesky writes into l the lower-triangular factor of the symmetric n×n
// matrix a (only its lower triangle is read), a = l·lᵀ. It returns false if a
// is not numerically positive definite; l is then unspecified. l may alias a.
func Cholesky(l, a []float64, n int) bool {
	for j := 0; j < n; j++ {
		d := a[j*n+j]
		for k := 0; k < j; k++ {
			d -= l[j*n+k] * l[j*n+k]
		}
		if !(d > 0) { // also catches NaN
			return false
		}
		d = math.Sqrt(d)
		l[j*n+j] = d
		for i := j + 1; i < n; i++ {
			s := a[i*n+j]
			for k := 0; k < j; k++ {
				s -= l[i*n+k] * l[j*n+k]
			}
			l[i*n+j] = s / d
		}
		for i := 0; i < j; i++ {
			l[i*n+j] = 0
		}
	}
	return true
}

// CholSolveVec overwrites b with the solution of (l·lᵀ)·x = b.
func CholSolveVec(l, b []float64, n int) {
	for i := 0; i < n; i++ {
		s := b[i]
		for k := 0; k < i; k++ {
			s -= l[i*n+k] * b[k]
		}
		b[i] = s / l[i*n+i]
	}
	for i := n - 1; i >= 0; i-- {
		s := b[i]
		for k := i + 1; k < n; k++ {
			s -= l[k*n+i] * b[k]
		}
		b[i] = s / l[i*n+i]
	}
}

// CholSolve overwrites the n×q matrix b with the solution of (l·lᵀ)·x = b,
// column by column. col is scratch of length n.
func CholSolve(l, b, col []float64, n, q int) {
	for j := 0; j < q; j++ {
		for i := 0; i < n; i++ {
			col[i] = b[i*q+j]
		}
		CholSolveVec(l, col, n)
		for i := 0; i < n; i++ {
			b[i*q+j] = col[i]
		}
	}
}
