package mlx

import (
	"testing"

	"github.com/gomlx/gomlx/core/graph"
	"github.com/rlcontrol/rlcontrol/rl/internal/badtest"
)

// segment builds Segment(θ, from, n) on θ = [1 2 3 4 5] (reshaped to a
// 5 × 1 matrix with matrix) and returns the graph call's error.
func segment(from, n int, matrix bool) func() error {
	return func() error {
		_, err := graph.CallOnce(Backend(), func(x *graph.Node) *graph.Node {
			if matrix {
				x = graph.Reshape(x, 5, 1)
			}
			return Segment(x, from, n)
		}, []float64{1, 2, 3, 4, 5})
		return err
	}
}

// TestBadInputSegment: a segment outside θ, an empty one or a θ that is
// not a vector panics while the graph is built, which the graph call
// returns as an error naming the range; it never clamps silently.
func TestBadInputSegment(t *testing.T) {
	badtest.Run(t, []badtest.Case{
		badtest.Err("range", "negative from", segment(-1, 2, false), "theta[-1 : 1] is outside [0, 5)"),
		badtest.Err("range", "past the end", segment(4, 2, false), "theta[4 : 6] is outside [0, 5)"),
		badtest.Err("range", "far past the end", segment(1<<40, 1, false), "theta[1099511627776 : 1099511627777] is outside [0, 5)"),
		badtest.Err("range", "empty", segment(2, 0, false), "n = 0, want ≥ 1"),
		badtest.Err("range", "negative n", segment(2, -3, false), "n = -3, want ≥ 1"),
		badtest.Err("range", "overflow", segment(1, 1<<63-1, false), "theta[1 : 9223372036854775808] is outside [0, 5)"),
		badtest.Err("range", "matrix", segment(0, 1, true), "want a vector"),
		badtest.OK("range", "inside", segment(3, 2, false)),
	})
}
