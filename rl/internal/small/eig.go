package small

import "math"

// SymEigen diagonalises the symmetric n×n matrix a (destroyed) by cyclic
// Jacobi rotations: a = v·diag(w)·vᵀ, with the orthonormal eigenvectors in
// the columns of v (n×n) and the eigenvalues, unsorted, in w (n). Jacobi is
// accurate to rounding for small matrices and needs no allocation.
func SymEigen(a, v, w []float64, n int) {
	for i := range v[:n*n] {
		v[i] = 0
	}
	for i := 0; i < n; i++ {
		v[i*n+i] = 1
	}
	for sweep := 0; sweep < 60; sweep++ {
		off, diag := 0.0, 0.0
		for p := 0; p < n; p++ {
			diag += a[p*n+p] * a[p*n+p]
			for q := p + 1; q < n; q++ {
				off += a[p*n+q] * a[p*n+q]
			}
		}
		if off <= 1e-32*diag || off == 0 {
			break
		}
		for p := 0; p < n; p++ {
			for q := p + 1; q < n; q++ {
				apq := a[p*n+q]
				if apq == 0 {
					continue
				}
				theta := (a[q*n+q] - a[p*n+p]) / (2 * apq)
				t := 1 / (math.Abs(theta) + math.Sqrt(theta*theta+1))
				if theta < 0 {
					t = -t
				}
				c := 1 / math.Sqrt(t*t+1)
				s := t * c
				for k := 0; k < n; k++ { // columns p, q: a ← a·J
					akp, akq := a[k*n+p], a[k*n+q]
					a[k*n+p] = c*akp - s*akq
					a[k*n+q] = s*akp + c*akq
				}
				for k := 0; k < n; k++ { // rows p, q: a ← Jᵀ·a
					apk, aqk := a[p*n+k], a[q*n+k]
					a[p*n+k] = c*apk - s*aqk
					a[q*n+k] = s*apk + c*aqk
				}
				a[p*n+q], a[q*n+p] = 0, 0
				for k := 0; k < n; k++ { // v ← v·J
					vkp, vkq := v[k*n+p], v[k*n+q]
					v[k*n+p] = c*vkp - s*vkq
					v[k*n+q] = s*vkp + c*vkq
				}
			}
		}
	}
	for i := 0; i < n; i++ {
		w[i] = a[i*n+i]
	}
}
