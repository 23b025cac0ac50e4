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

// TestSegmentSecondDerivative: a Hessian-vector product by double
// backpropagation through Segment matches central differences of the
// gradient. f(θ) = Σ_i tanh(θ₀ x_i + θ₁)²; tolerance 1e-6 (differences of
// an analytic gradient with h = 1e-5: error O(h²) ≈ 1e-10, plus rounding).
func TestSegmentSecondDerivative(t *testing.T) {
	x := []float64{1, 2, -1}
	f := func(theta *graph.Node) *graph.Node {
		a := graph.Tanh(graph.Add(graph.Mul(Segment(theta, 0, 1), graph.Const(theta.Graph(), x)), Segment(theta, 1, 1)))
		return graph.ReduceAllSum(graph.Mul(a, a))
	}
	hvp := func(theta, v *graph.Node) *graph.Node {
		g := graph.Gradient(f(theta), theta)[0]
		return graph.Gradient(graph.ReduceAllSum(graph.Mul(g, v)), theta)[0]
	}
	grad := func(th []float64) []float64 {
		out, err := graph.CallOnce(Backend(), func(theta *graph.Node) *graph.Node { return graph.Gradient(f(theta), theta)[0] }, th)
		if err != nil {
			t.Fatal(err)
		}
		g, _ := tensors.CopyFlatData[float64](out)
		return g
	}
	theta, v := []float64{0.3, -0.2}, []float64{1, 0.5}
	out, err := graph.CallOnce(Backend(), hvp, theta, v)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := tensors.CopyFlatData[float64](out)
	const h = 1e-5
	tp := []float64{theta[0] + h*v[0], theta[1] + h*v[1]}
	tm := []float64{theta[0] - h*v[0], theta[1] - h*v[1]}
	gp, gm := grad(tp), grad(tm)
	for i := range got {
		if fd := (gp[i] - gm[i]) / (2 * h); math.Abs(fd-got[i]) > 1e-6 {
			t.Errorf("Hv[%d] = %v, finite difference %v", i, got[i], fd)
		}
	}
}
