package small

import (
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat"
)

// Moments agrees with gonum's (n−1) covariance rescaled to 1/N, and a large
// common offset leaves the covariance unchanged.
func TestMoments(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	const N, d = 50, 4
	z := make([]float64, N*d)
	for i := range z {
		z[i] = rng.NormFloat64() * float64(1+i%d)
	}
	mu, cov := make([]float64, d), make([]float64, d*d)
	Moments(mu, cov, z, N, d)
	var ref mat.SymDense
	stat.CovarianceMatrix(&ref, mat.NewDense(N, d, z), nil)
	for a := 0; a < d; a++ {
		col := make([]float64, N)
		for i := range col {
			col[i] = z[i*d+a]
		}
		if e := mu[a] - stat.Mean(col, nil); e > 1e-14 || e < -1e-14 {
			t.Errorf("mean[%d] off by %g", a, e)
		}
		for b := 0; b < d; b++ {
			if e := cov[a*d+b] - ref.At(a, b)*(N-1)/N; e > 1e-13 || e < -1e-13 {
				t.Errorf("cov[%d,%d] off by %g", a, b, e)
			}
		}
	}
	shifted := append([]float64(nil), z...)
	for i := range shifted {
		shifted[i] += 1e6
	}
	mu2, cov2 := make([]float64, d), make([]float64, d*d)
	Moments(mu2, cov2, shifted, N, d)
	if e := maxDiff(cov2, cov); e > 1e-8 {
		t.Errorf("offset 1e6 changes the covariance by %g", e)
	}
}
