package dynfit

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
)

// Samples are N rollouts of one horizon T: X[i][t] is the state x_t of
// rollout i (T+1 states), U[i][t] its action u_t (T actions).
type Samples struct {
	X [][][]float64
	U [][][]float64
}

// Dims returns N, T, n and m, or an error naming the first inconsistent
// length or non-finite value.
func (s *Samples) Dims() (N, T, n, m int, err error) {
	N = len(s.X)
	if N == 0 {
		return 0, 0, 0, 0, fmt.Errorf("dynfit: no samples")
	}
	if len(s.U) != N {
		return 0, 0, 0, 0, fmt.Errorf("dynfit: %d state sequences but %d action sequences", N, len(s.U))
	}
	T = len(s.U[0])
	if T == 0 || len(s.X[0]) != T+1 || len(s.X[0][0]) == 0 || len(s.U[0][0]) == 0 {
		return 0, 0, 0, 0, fmt.Errorf("dynfit: sample 0 has %d states and %d actions; want T+1 and T with T > 0", len(s.X[0]), T)
	}
	n, m = len(s.X[0][0]), len(s.U[0][0])
	for i := 0; i < N; i++ {
		if len(s.X[i]) != T+1 || len(s.U[i]) != T {
			return 0, 0, 0, 0, fmt.Errorf("dynfit: sample %d has %d states and %d actions, want %d and %d", i, len(s.X[i]), len(s.U[i]), T+1, T)
		}
		for t := 0; t <= T; t++ {
			if err := finiteRow("X", i, t, s.X[i][t], n); err != nil {
				return 0, 0, 0, 0, err
			}
			if t < T {
				if err := finiteRow("U", i, t, s.U[i][t], m); err != nil {
					return 0, 0, 0, 0, err
				}
			}
		}
	}
	return N, T, n, m, nil
}

// finiteRow checks row name[i][t]; the name is only formatted on error, so
// that checking clean samples does not allocate.
func finiteRow(name string, i, t int, v []float64, n int) error {
	if len(v) != n {
		return fmt.Errorf("dynfit: %s[%d][%d] has length %d, want %d", name, i, t, len(v), n)
	}
	for j, x := range v {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return fmt.Errorf("dynfit: %s[%d][%d][%d] = %v is not finite", name, i, t, j, x)
		}
	}
	return nil
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
func (s *Samples) transitions(N, T, n, m int) [][]float64 {
	D := 2*n + m
	out := make([][]float64, N)
	for i := 0; i < N; i++ {
		r := make([]float64, T*D)
		for t := 0; t < T; t++ {
			row := r[t*D : t*D+D]
			copy(row[:n], s.X[i][t])
			copy(row[n:n+m], s.U[i][t])
			copy(row[n+m:], s.X[i][t+1])
		}
		out[i] = r
	}
	return out
}
