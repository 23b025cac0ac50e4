package mlx

import (
	"fmt"
	"math"
	"math/big"
	"sync"

	"github.com/gomlx/compute"
	"github.com/gomlx/compute/gobackend"
	"github.com/gomlx/gomlx/core/graph"
)

// Backend returns the process-wide pure-Go GoMLX backend. It is created on
// the first call and shared afterwards.
//
// It runs each graph's operations one after the other ("ops_sequential"),
// while large matrix products still use all cores. With the default
// (operations in parallel when the graph runs alone) the backend of GoMLX
// v0.28.2 / compute v0.1.2 deadlocked here within minutes of TRPO training
// on 2 cores: the operation scheduler and a parallel matrix product each
// waited for the other's workers in the shared pool.
//
// It panics only if GoMLX cannot create its pure-Go backend, which the
// constant configuration rules out.
func Backend() compute.Backend { return backend() }

var backend = sync.OnceValue(func() compute.Backend {
	b, err := gobackend.New("ops_sequential")
	if err != nil {
		panic(err) // a constant, valid configuration: cannot fail
	}
	return b
})

// Segment returns theta[from : from+n] of a rank-1 parameter vector.
//
// It is a Gather rather than a Slice because GoMLX (v0.28) cannot
// differentiate twice through a Slice: the gradient of Slice is a Pad, which
// has no gradient of its own. Second derivatives — Fisher-vector products by
// double backpropagation in TRPO, Hessian-vector products — need every
// parameter to be read through Segment.
//
// Like GoMLX's own operations it panics while the graph is built (and the
// graph call returns the panic as its error) if theta is nil or not a
// vector (of at most 2^31 − 1 entries), n < 1, or theta[from : from+n]
// is not inside theta: a Gather would otherwise clamp the indices and
// read the wrong parameters.
func Segment(theta *graph.Node, from, n int) *graph.Node {
	if theta == nil || theta.Rank() != 1 {
		shape := "nil"
		if theta != nil {
			shape = theta.Shape().String()
		}
		panic(fmt.Errorf("mlx: Segment: theta is %s, want a vector", shape))
	}
	size := theta.Shape().Dimensions[0]
	if n < 1 {
		panic(fmt.Errorf("mlx: Segment: n = %d, want ≥ 1", n))
	}
	if size > math.MaxInt32 {
		panic(fmt.Errorf("mlx: Segment: theta has %d entries, more than int32 indices reach", size))
	}
	if from < 0 || from > size-n {
		end := new(big.Int).Add(big.NewInt(int64(from)), big.NewInt(int64(n)))
		panic(fmt.Errorf("mlx: Segment: theta[%d : %v] is outside [0, %d)", from, end, size))
	}
	idx := make([][]int32, n)
	for i := range idx {
		idx[i] = []int32{int32(from + i)}
	}
	return graph.Gather(theta, graph.Const(theta.Graph(), idx))
}

// AdamStep builds one Adam update of a parameter vector θ with gradient g:
//
//	m ← β₁m + (1−β₁)g,  v ← β₂v + (1−β₂)g²,
//	θ ← θ − α (m/(1−β₁ᵗ)) / (√(v/(1−β₂ᵗ)) + ε),
//
// where h holds [α, β₁, β₂, ε, 1/(1−β₁ᵗ), 1/(1−β₂ᵗ)] (AdamHyper computes
// it), so one compiled graph serves every step t and learning rate. It
// returns the new θ, m and v. Like GoMLX's own operations it panics while
// the graph is built if the shapes differ.
func AdamStep(theta, mom, vel, g, h *graph.Node) (newTheta, newMom, newVel *graph.Node) {
	hp := func(i int) *graph.Node { return graph.Squeeze(graph.Slice(h, graph.AxisElem(i)), 0) }
	lr, b1, b2, eps, c1, c2 := hp(0), hp(1), hp(2), hp(3), hp(4), hp(5)
	one := graph.ScalarOne(g.Graph(), g.DType())
	mom = graph.Add(graph.Mul(b1, mom), graph.Mul(graph.Sub(one, b1), g))
	vel = graph.Add(graph.Mul(b2, vel), graph.Mul(graph.Sub(one, b2), graph.Mul(g, g)))
	step := graph.Div(graph.Mul(mom, c1), graph.Add(graph.Sqrt(graph.Mul(vel, c2)), eps))
	return graph.Sub(theta, graph.Mul(lr, step)), mom, vel
}

// AdamHyper fills h (length 6) with the input of AdamStep for step t ≥ 1.
func AdamHyper(h []float64, lr, beta1, beta2, eps float64, t int) {
	h[0], h[1], h[2], h[3] = lr, beta1, beta2, eps
	h[4] = 1 / (1 - math.Pow(beta1, float64(t)))
	h[5] = 1 / (1 - math.Pow(beta2, float64(t)))
}

// CheckAdam returns an error naming the first invalid Adam setting of the
// configuration fn (e.g. "nn: Fit: FitConfig"): the learning rate must be
// finite and > 0, the final rate (0: no decay) finite and ≥ 0, β₁ and β₂
// in (0, 1) and ε finite and > 0.
func CheckAdam(fn string, lr, finalLR, beta1, beta2, eps float64) error {
	switch {
	case !(lr > 0) || math.IsInf(lr, 0):
		return fmt.Errorf("%s.LearningRate = %v, want a finite value > 0", fn, lr)
	case !(finalLR >= 0) || math.IsInf(finalLR, 0):
		return fmt.Errorf("%s.FinalLearningRate = %v, want a finite value ≥ 0", fn, finalLR)
	case !(beta1 > 0 && beta1 < 1):
		return fmt.Errorf("%s.Beta1 = %v, want a value in (0, 1)", fn, beta1)
	case !(beta2 > 0 && beta2 < 1):
		return fmt.Errorf("%s.Beta2 = %v, want a value in (0, 1)", fn, beta2)
	case !(eps > 0) || math.IsInf(eps, 0):
		return fmt.Errorf("%s.Epsilon = %v, want a finite value > 0", fn, eps)
	}
	return nil
}

// DecayedRate is the step size at stage i of n (0 ≤ i < n) of a schedule
// that decays geometrically from lr at the first stage to finalLR at the
// last; finalLR = 0 (or n = 1) keeps lr.
func DecayedRate(lr, finalLR float64, i, n int) float64 {
	if finalLR > 0 && n > 1 {
		return lr * math.Pow(finalLR/lr, float64(i)/float64(n-1))
	}
	return lr
}
