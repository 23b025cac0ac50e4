package mlx

import (
	"math"
	"testing"

	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
)

// TestGradient checks the backend end to end: d/dx Σ x³ = 3x², exact in
// float64 up to rounding.
func TestGradient(t *testing.T) {
	x := []float64{-1.5, 0.25, 2}
	out, err := graph.CallOnce(Backend(), func(xn *graph.Node) *graph.Node {
		y := graph.ReduceAllSum(graph.Mul(xn, graph.Mul(xn, xn)))
		return graph.Gradient(y, xn)[0]
	}, x)
	if err != nil {
		t.Fatal(err)
	}
	got, err := tensors.CopyFlatData[float64](out)
	if err != nil {
		t.Fatal(err)
	}
	for i, xi := range x {
		if want := 3 * xi * xi; math.Abs(got[i]-want) > 1e-12 {
			t.Errorf("grad[%d] = %v, want %v", i, got[i], want)
		}
	}
}
