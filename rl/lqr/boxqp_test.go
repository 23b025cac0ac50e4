package lqr

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// bruteBoxQP enumerates every assignment of each variable to lower bound,
// upper bound or free (3^m), solves the equality-constrained QP for the free
// ones, keeps the feasible candidates and returns the best. Exact for a
// strictly convex QP, and independent of the projected-Newton code.
func bruteBoxQP(H, g, lo, hi []float64, m int) ([]float64, float64) {
	best, bestVal := []float64(nil), math.Inf(1)
	state := make([]int, m)
	for {
		x := make([]float64, m)
		var free []int
		for i, s := range state {
			switch s {
			case 0:
				x[i] = lo[i]
			case 1:
				x[i] = hi[i]
			default:
				free = append(free, i)
			}
		}
		ok := true
		if len(free) > 0 {
			f := len(free)
			Hf := mat.NewDense(f, f, nil)
			rhs := mat.NewVecDense(f, nil)
			for a, i := range free {
				acc := g[i]
				for j := 0; j < m; j++ {
					if state[j] != 2 {
						acc += H[i*m+j] * x[j]
					}
				}
				rhs.SetVec(a, -acc)
				for b, j := range free {
					Hf.Set(a, b, H[i*m+j])
				}
			}
			var sol mat.VecDense
			if err := sol.SolveVec(Hf, rhs); err != nil {
				ok = false
			} else {
				for a, i := range free {
					x[i] = sol.AtVec(a)
					if x[i] < lo[i]-1e-12 || x[i] > hi[i]+1e-12 {
						ok = false
					}
				}
			}
		}
		if ok {
			val := 0.0
			for i := 0; i < m; i++ {
				val += g[i] * x[i]
				for j := 0; j < m; j++ {
					val += 0.5 * x[i] * H[i*m+j] * x[j]
				}
			}
			if val < bestVal {
				best, bestVal = x, val
			}
		}
		i := 0
		for i < m && state[i] == 2 {
			state[i] = 0
			i++
		}
		if i == m {
			return best, bestVal
		}
		state[i]++
	}
}

// TestBoxQP: projected Newton reaches the brute-force optimum on random
// strictly convex QPs with m = 1…4, from cold and from random warm starts.
// Tolerance 1e-7 on the objective relative to its scale: the solver stops
// at a free-gradient norm of 1e-8.
func TestBoxQP(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for trial := 0; trial < 400; trial++ {
		m := 1 + trial%4
		G := mat.NewDense(m, m, nil)
		for i := 0; i < m; i++ {
			for j := 0; j < m; j++ {
				G.Set(i, j, rng.NormFloat64())
			}
		}
		var Hd mat.Dense
		Hd.Mul(G.T(), G)
		H := Hd.RawMatrix().Data
		g, lo, hi, k := make([]float64, m), make([]float64, m), make([]float64, m), make([]float64, m)
		for i := 0; i < m; i++ {
			H[i*m+i] += 0.05
			g[i] = 3 * rng.NormFloat64()
			lo[i] = -rng.Float64()
			hi[i] = rng.Float64()
			if trial%3 == 0 {
				k[i] = 2 * rng.NormFloat64()
			}
		}
		if trial%7 == 0 {
			hi[0] = math.Inf(1) // unbounded side
		}
		b := newBoxQP(m)
		if !b.solve(k, H, g, lo, hi) {
			t.Fatalf("trial %d: reported not PD", trial)
		}
		_, want := bruteBoxQP(H, g, lo, hi, m)
		got := b.value(k, H, g)
		if math.Abs(got-want) > 1e-7*(1+math.Abs(want)) {
			t.Errorf("trial %d (m=%d): value %v, brute force %v (k=%v)", trial, m, got, want, k)
		}
		for i := range k {
			if k[i] < lo[i] || k[i] > hi[i] {
				t.Errorf("trial %d: k[%d] = %v outside [%v, %v]", trial, i, k[i], lo[i], hi[i])
			}
		}
	}
}

// TestBoxedGains: with one action clamped, its row of K is zero and the
// feedforward sits at the bound.
func TestBoxedGains(t *testing.T) {
	p := doubleIntegrator(0.1, [2]float64{1, 1}, 0.01, 5)
	p.Final.Cx = mat.NewVecDense(2, []float64{-100, 0}) // pull hard towards +p
	s, _ := NewSolver(2, 1, 5)
	var o Options
	for i := 0; i < 5; i++ {
		o.Lower = append(o.Lower, mat.NewVecDense(1, []float64{-1}))
		o.Upper = append(o.Upper, mat.NewVecDense(1, []float64{1}))
	}
	sol, err := s.Backward(p, o)
	if err != nil {
		t.Fatal(err)
	}
	if k := sol.Kff[0].AtVec(0); k != 1 {
		t.Errorf("k_0 = %v, want the upper bound 1", k)
	}
	if K := sol.K[0].RawMatrix().Data; K[0] != 0 || K[1] != 0 {
		t.Errorf("K_0 = %v, want zero for a clamped action", K)
	}
}
