package mlx

import (
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
func Segment(theta *graph.Node, from, n int) *graph.Node {
	idx := make([][]int32, n)
	for i := range idx {
		idx[i] = []int32{int32(from + i)}
	}
	return graph.Gather(theta, graph.Const(theta.Graph(), idx))
}
