package small

import "math"

// Rank tests of CholeskyRank. Rounding in the factorisation leaves a pivot
// error of about n·ε·a_jj, and centring a constant component leaves a
// variance of about ε²·μ_j², so both thresholds sit a few orders of
// magnitude above those levels.
const (
	// collinearTol: a pivot d_j ≤ collinearTol·a_jj means component j is a
	// linear combination of the components before it, up to a relative
	// standard deviation of 1e-6.
	collinearTol = 1e-12
	// constantTol: a centred variance a_jj ≤ constantTol·μ_j² means
	// component j is constant up to rounding.
	constantTol = 1e-24
)

// Cholesky writes into l the lower-triangular factor of the symmetric n×n
// matrix a (only its lower triangle is read), a = l·lᵀ. It returns false if a
// is not numerically positive definite; l is then unspecified. l may alias a.
func Cholesky(l, a []float64, n int) bool {
	return cholesky(l, a, n, false, nil) < 0
}

// CholeskyRank is Cholesky with a rank test, for covariance and Gram
// matrices whose singular directions must be named: it returns −1 on
// success, or the index j of the first component at which the
// factorisation stops, because the pivot d_j is not positive, or
// d_j ≤ 1e-12·a_jj (component j is numerically a linear combination of the
// ones before it), or, if mean2 is not nil, a_jj ≤ 1e-24·mean2[j] (for a
// centred covariance with squared means mean2: component j is constant).
// l is then unspecified. l may alias a.
func CholeskyRank(l, a []float64, n int, mean2 []float64) int {
	return cholesky(l, a, n, true, mean2)
}

// cholesky is Cholesky and CholeskyRank: it returns −1 or the failing pivot.
func cholesky(l, a []float64, n int, rank bool, mean2 []float64) int {
	for j := 0; j < n; j++ {
		ajj := a[j*n+j]
		d := ajj
		for k := 0; k < j; k++ {
			d -= l[j*n+k] * l[j*n+k]
		}
		if !(d > 0) { // also catches NaN
			return j
		}
		if rank && !(d > collinearTol*ajj) {
			return j
		}
		if mean2 != nil && !(ajj > constantTol*mean2[j]) {
			return j
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
	return -1
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

// InvLower writes into li the inverse of the n×n lower-triangular matrix l
// (a Cholesky factor, say), itself lower triangular; its upper triangle is
// zeroed. li must not alias l.
func InvLower(li, l []float64, n int) {
	for j := 0; j < n; j++ { // column j of l⁻¹ by forward substitution
		for a := 0; a < n; a++ {
			if a < j {
				li[a*n+j] = 0
				continue
			}
			s := 0.0
			if a == j {
				s = 1
			}
			for b := j; b < a; b++ {
				s -= l[a*n+b] * li[b*n+j]
			}
			li[a*n+j] = s / l[a*n+a]
		}
	}
}
