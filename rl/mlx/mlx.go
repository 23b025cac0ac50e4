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
