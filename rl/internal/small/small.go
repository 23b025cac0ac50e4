package small

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
