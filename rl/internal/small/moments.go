package small

// Moments writes the mean mu (length d) and the maximum-likelihood
// covariance cov = (1/N) Σ_i (z_i − mu)(z_i − mu)ᵀ (d×d, full) of the N rows
// of z (N×d). It uses two passes, so a large common offset does not cancel
// the spread.
func Moments(mu, cov, z []float64, N, d int) {
	for j := range mu[:d] {
		mu[j] = 0
	}
	for i := 0; i < N; i++ {
		row := z[i*d : i*d+d]
		for j, v := range row {
			mu[j] += v
		}
	}
	inv := 1 / float64(N)
	for j := range mu[:d] {
		mu[j] *= inv
	}
	for j := range cov[:d*d] {
		cov[j] = 0
	}
	for i := 0; i < N; i++ {
		row := z[i*d : i*d+d]
		for a := 0; a < d; a++ {
			da := row[a] - mu[a]
			if da == 0 {
				continue
			}
			ca := cov[a*d : a*d+d]
			for b := a; b < d; b++ {
				ca[b] += da * (row[b] - mu[b])
			}
		}
	}
	for a := 0; a < d; a++ {
		for b := a; b < d; b++ {
			v := cov[a*d+b] * inv
			cov[a*d+b], cov[b*d+a] = v, v
		}
	}
}
