package dynfit

import (
	"fmt"
	"math"
)

// This file holds the small row-major kernels the fitters share. Matrices
// are []float64 with explicit dimensions; nothing here allocates.

// Rank tests of cholPivot. Rounding in the factorisation leaves a pivot
// error of about D·ε·a_jj, and centring a constant column leaves a
// variance of about ε²·μ_j², so both thresholds sit a few orders of
// magnitude above those levels.
const (
	// collinearTol: pivot d_j ≤ collinearTol·a_jj means component j is a
	// linear combination of the components before it, up to a relative
	// standard deviation of 1e-6.
	collinearTol = 1e-12
	// constantTol: a centred variance a_jj ≤ constantTol·μ_j² means
	// component j is constant up to rounding.
	constantTol = 1e-24
)

// cholPivot factors the symmetric p×p matrix a (lower triangle read) into
// l·lᵀ, writing l (which may alias a). It returns −1 on success, or the
// index j of the first pivot that is not positive or, if rank is set, that
// fails the collinearity test; mean2, if not nil, holds the squared means
// of a centred covariance a for the constant-component test.
func cholPivot(l, a []float64, p int, rank bool, mean2 []float64) int {
	for j := 0; j < p; j++ {
		ajj := a[j*p+j]
		d := ajj
		for k := 0; k < j; k++ {
			d -= l[j*p+k] * l[j*p+k]
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
		l[j*p+j] = d
		for i := j + 1; i < p; i++ {
			s := a[i*p+j]
			for k := 0; k < j; k++ {
				s -= l[i*p+k] * l[j*p+k]
			}
			l[i*p+j] = s / d
		}
		for i := 0; i < j; i++ {
			l[i*p+j] = 0
		}
	}
	return -1
}

// cholSolveCols overwrites the p×q matrix b with (l·lᵀ)⁻¹·b.
func cholSolveCols(l, b []float64, p, q int) {
	for c := 0; c < q; c++ {
		for i := 0; i < p; i++ { // forward: l·y = b
			s := b[i*q+c]
			for k := 0; k < i; k++ {
				s -= l[i*p+k] * b[k*q+c]
			}
			b[i*q+c] = s / l[i*p+i]
		}
		for i := p - 1; i >= 0; i-- { // backward: lᵀ·x = y
			s := b[i*q+c]
			for k := i + 1; k < p; k++ {
				s -= l[k*p+i] * b[k*q+c]
			}
			b[i*q+c] = s / l[i*p+i]
		}
	}
}

// symmetrize replaces the n×n matrix a by (a + aᵀ)/2.
func symmetrize(a []float64, n int) {
	for i := 0; i < n; i++ {
		for j := i + 1; j < n; j++ {
			v := 0.5 * (a[i*n+j] + a[j*n+i])
			a[i*n+j], a[j*n+i] = v, v
		}
	}
}

// moments writes the mean mu (length D) and the maximum-likelihood
// covariance cov = (1/N) Σ_i (z_i − mu)(z_i − mu)ᵀ (D×D, full) of the N rows
// of z (N×D). It uses two passes, so a large common offset does not cancel
// the spread.
func moments(mu, cov, z []float64, N, D int) {
	for j := range mu[:D] {
		mu[j] = 0
	}
	for i := 0; i < N; i++ {
		row := z[i*D : i*D+D]
		for j, v := range row {
			mu[j] += v
		}
	}
	inv := 1 / float64(N)
	for j := range mu[:D] {
		mu[j] *= inv
	}
	for j := range cov[:D*D] {
		cov[j] = 0
	}
	for i := 0; i < N; i++ {
		row := z[i*D : i*D+D]
		for a := 0; a < D; a++ {
			da := row[a] - mu[a]
			if da == 0 {
				continue
			}
			ca := cov[a*D : a*D+D]
			for b := a; b < D; b++ {
				ca[b] += da * (row[b] - mu[b])
			}
		}
	}
	for a := 0; a < D; a++ {
		for b := a; b < D; b++ {
			v := cov[a*D+b] * inv
			cov[a*D+b], cov[b*D+a] = v, v
		}
	}
}

// fillStep writes the N rows [x_t, u_t, x_{t+1}] of time step t into z.
func fillStep(z []float64, s *Samples, t, n, m int) {
	D := 2*n + m
	for i := range s.X {
		row := z[i*D : i*D+D]
		copy(row[:n], s.X[i][t])
		copy(row[n:n+m], s.U[i][t])
		copy(row[n+m:], s.X[i][t+1])
	}
}

// component names entry j of [x; u] for error messages.
func component(j, n int) string {
	if j < n {
		return fmt.Sprintf("x[%d]", j)
	}
	return fmt.Sprintf("u[%d]", j-n)
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

func checkReg(fn string, reg float64) error {
	if !(reg >= 0) || math.IsInf(reg, 1) {
		return fmt.Errorf("dynfit: %s: reg = %v, want a finite value ≥ 0", fn, reg)
	}
	return nil
}

// symEigen diagonalises the symmetric n×n matrix a (destroyed) by cyclic
// Jacobi rotations: a = v·diag(w)·vᵀ, with the eigenvectors in the columns
// of v. Jacobi is accurate to rounding for the small matrices here and
// needs no allocation.
func symEigen(a, v, w []float64, n int) {
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
