package lqr

import (
	"math"

	"github.com/rlcontrol/rlcontrol/rl/internal/small"
)

// boxQP solves min_k ½kᵀHk + gᵀk subject to lo ≤ k ≤ hi by projected Newton
// (Bertsekas 1982), the method of control-limited DDP (Tassa, Mansard &
// Todorov 2014): at each iteration the actions at a bound whose gradient
// pushes outwards are clamped, a Newton step is taken in the free ones, and a
// projected Armijo line search keeps the iterate in the box.
type boxQP struct {
	m                               int
	grad, search, cand, Hf, Lf, col []float64
	free                            []bool
	nfree                           int
	idx                             []int
}

func newBoxQP(m int) boxQP {
	b := func(k int) []float64 { return make([]float64, k) }
	return boxQP{m: m, grad: b(m), search: b(m), cand: b(m), Hf: b(m * m), Lf: b(m * m),
		col: b(m), free: make([]bool, m), idx: make([]int, m)}
}

const (
	boxMaxIter = 100
	boxMinGrad = 1e-8  // stop when the free gradient norm is below this
	boxMinRel  = 1e-8  // or when the relative improvement is below this
	boxArmijo  = 0.1   // sufficient-decrease fraction
	boxStepDec = 0.6   // backtracking factor
	boxMinStep = 1e-22 // give up the line search below this step
)

func (b *boxQP) value(k, H, g []float64) float64 {
	return 0.5*small.Quad(k, H, k, b.m, b.m) + small.Dot(g, k)
}

func clampInto(dst, x, lo, hi []float64) {
	for i := range x {
		dst[i] = math.Min(math.Max(x[i], lo[i]), hi[i])
	}
}

// solve overwrites k (warm start on entry) with the minimiser. It returns false
// when the free block of H is not positive definite. On success b.Lf holds the
// Cholesky factor of H restricted to the free set, for gains.
func (b *boxQP) solve(k, H, g, lo, hi []float64) bool {
	m := b.m
	clampInto(k, k, lo, hi)
	val := b.value(k, H, g)
	factored := false
	for iter := 0; iter < boxMaxIter; iter++ {
		small.MulVec(b.grad, H, k, m, m)
		for i := range b.grad {
			b.grad[i] += g[i]
		}
		changed := !factored
		nf := 0
		for i := 0; i < m; i++ {
			clamped := (k[i] <= lo[i] && b.grad[i] > 0) || (k[i] >= hi[i] && b.grad[i] < 0)
			if b.free[i] == clamped {
				changed = true
			}
			b.free[i] = !clamped
			if !clamped {
				b.idx[nf] = i
				nf++
			}
		}
		b.nfree = nf
		if nf == 0 {
			return true
		}
		if changed {
			if !b.factor(H) {
				return false
			}
			factored = true
		}
		gn := 0.0
		for _, i := range b.idx[:nf] {
			gn += b.grad[i] * b.grad[i]
		}
		if math.Sqrt(gn) < boxMinGrad {
			return true
		}
		// Newton step on the free set with clamped actions held fixed:
		// target_f = −H_ff⁻¹ (g_f + H_fc k_c); search = target − k on free, 0 on clamped.
		for a, i := range b.idx[:nf] {
			acc := g[i]
			for j := 0; j < m; j++ {
				if !b.free[j] {
					acc += H[i*m+j] * k[j]
				}
			}
			b.col[a] = -acc
		}
		small.CholSolveVec(b.Lf, b.col[:nf], nf)
		for i := range b.search {
			b.search[i] = 0
		}
		for a, i := range b.idx[:nf] {
			b.search[i] = b.col[a] - k[i]
		}
		sdotg := small.Dot(b.search, b.grad)
		if sdotg >= 0 { // no descent direction left: converged to rounding
			return true
		}
		step := 1.0
		accepted := false
		for step > boxMinStep {
			for i := range b.cand {
				b.cand[i] = k[i] + step*b.search[i]
			}
			clampInto(b.cand, b.cand, lo, hi)
			nv := b.value(b.cand, H, g)
			if (nv-val)/(step*sdotg) > boxArmijo {
				copy(k, b.cand)
				improvement := val - nv
				val = nv
				accepted = true
				if improvement < boxMinRel*math.Abs(val) {
					iter = boxMaxIter // converged
				}
				break
			}
			step *= boxStepDec
		}
		if !accepted {
			return true
		}
	}
	// Refresh the free set and its factor at the final point.
	small.MulVec(b.grad, H, k, m, m)
	nf := 0
	for i := 0; i < m; i++ {
		gi := b.grad[i] + g[i]
		clamped := (k[i] <= lo[i] && gi > 0) || (k[i] >= hi[i] && gi < 0)
		b.free[i] = !clamped
		if !clamped {
			b.idx[nf] = i
			nf++
		}
	}
	b.nfree = nf
	return nf == 0 || b.factor(H)
}

// factor forms the Cholesky factor of H restricted to the free set.
func (b *boxQP) factor(H []float64) bool {
	nf, m := b.nfree, b.m
	for a, i := range b.idx[:nf] {
		for c, j := range b.idx[:nf] {
			b.Hf[a*nf+c] = H[i*m+j]
		}
	}
	return small.Cholesky(b.Lf, b.Hf, nf)
}

// gains writes K (m×n): rows of clamped actions are zero, the free rows solve
// H_ff K_f = −Qux_f.
func (b *boxQP) gains(K, Qux []float64, n int) {
	nf := b.nfree
	for i := range K {
		K[i] = 0
	}
	for j := 0; j < n; j++ {
		for a, i := range b.idx[:nf] {
			b.col[a] = -Qux[i*n+j]
		}
		small.CholSolveVec(b.Lf, b.col[:nf], nf)
		for a, i := range b.idx[:nf] {
			K[i*n+j] = b.col[a]
		}
	}
}
