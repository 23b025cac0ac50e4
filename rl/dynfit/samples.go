package dynfit

import (
	"fmt"

	"github.com/rlcontrol/rlcontrol/rl/system"
	"gonum.org/v1/gonum/mat"
)

// checkSamples validates a batch of rollouts for a fitter: the shape
// check of system.Batch.Dims with the fitter's name in the error.
func checkSamples(fn string, s system.Batch) (n, m, T, N int, err error) {
	n, m, T, N, err = s.Dims()
	if err != nil {
		return 0, 0, 0, 0, fmt.Errorf("dynfit: %s: samples: %w", fn, err)
	}
	return n, m, T, N, nil
}

// Prior is a normal-inverse-Wishart prior over the joint Gaussian of
// z = [x_t; u_t; x_{t+1}] at one time step, evaluated from that step's
// samples: the lecture's (Φ, μ₀, m, n₀). The GMM prior and the
// neural-network prior implement it; FitWithPrior combines it with the
// empirical mean and covariance of the current samples.
type Prior interface {
	// Eval returns the prior for the joint samples pts (N rows of length
	// 2n+m, ordered [x_t, u_t, x_{t+1}]) of one time step: mean mu0, scale
	// Phi, and strengths m (of the mean) and n0 (of the covariance).
	Eval(pts *mat.Dense) (mu0 *mat.VecDense, Phi *mat.SymDense, m, n0 float64, err error)
}

// transitions returns each rollout's T transitions flattened row by row as
// [x_t, u_t, x_{t+1}] (rows of length 2n+m), one new slice per rollout. The
// priors keep their data sets in this form.
func transitions(s system.Batch, N, T, n, m int) [][]float64 {
	D := 2*n + m
	out := make([][]float64, N)
	for i := 0; i < N; i++ {
		r := make([]float64, T*D)
		for t := 0; t < T; t++ {
			row := r[t*D : t*D+D]
			copy(row[:n], s[i].X[t])
			copy(row[n:n+m], s[i].U[t])
			copy(row[n+m:], s[i].X[t+1])
		}
		out[i] = r
	}
	return out
}
