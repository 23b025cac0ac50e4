package policy

import (
	"fmt"
	"math"

	"github.com/gomlx/gomlx/core/graph"
)

// Graph-level building blocks: these functions build nodes inside a GoMLX
// graph, so TRPO can write its surrogate, KL constraint and Fisher-vector
// products with them and differentiate (twice) with respect to θ. Like
// GoMLX's own operations they panic on nil nodes and mismatched shapes;
// GoMLX turns the panic into the error of the Exec call.
//
// Shapes: mean and act are [B, A]; logStd may be [B, A], [1, A] or [A]
// (state-independent log-std) and is broadcast to mean's shape.

// log2Pi is log(2π).
var log2Pi = math.Log(2 * math.Pi)

// LogProb returns the per-sample log-density [B] of act under the diagonal
// Gaussian N(mean, diag(exp(2·logStd))):
//
//	log π(a|s) = −½ Σ_j ((a_j − μ_j)/σ_j)² − Σ_j log σ_j − (A/2) log 2π.
func LogProb(mean, logStd, act *graph.Node) *graph.Node {
	sameShape("LogProb", "act", act, mean)
	logStd = broadcastLike("LogProb", logStd, mean)
	A := mean.Shape().Dimensions[mean.Rank()-1]
	z := graph.Mul(graph.Sub(act, mean), graph.Exp(graph.Neg(logStd)))
	per := graph.Add(graph.MulScalar(graph.Mul(z, z), -0.5), graph.Neg(logStd))
	return graph.AddScalar(graph.ReduceSum(per, -1), -0.5*float64(A)*log2Pi)
}

// KL returns the per-sample KL divergence [B] from π₀ = N(mean0, σ₀²) to
// π₁ = N(mean1, σ₁²), both diagonal:
//
//	KL(π₀ ‖ π₁) = Σ_j [ log σ₁_j − log σ₀_j + (σ₀_j² + (μ₀_j − μ₁_j)²) / (2σ₁_j²) − ½ ].
//
// It is 0 when the two agree and grows quadratically in their difference,
// with the Fisher information as Hessian; TRPO constrains its mean over
// the visited states (with π₀ the old policy held constant) and gets the
// Fisher-vector products by differentiating it twice.
func KL(mean0, logStd0, mean1, logStd1 *graph.Node) *graph.Node {
	sameShape("KL", "mean1", mean1, mean0)
	logStd0 = broadcastLike("KL", logStd0, mean0)
	logStd1 = broadcastLike("KL", logStd1, mean0)
	d := graph.Sub(mean0, mean1)
	num := graph.Add(graph.Exp(graph.MulScalar(logStd0, 2)), graph.Mul(d, d))
	quad := graph.Mul(num, graph.MulScalar(graph.Exp(graph.MulScalar(logStd1, -2)), 0.5))
	per := graph.AddScalar(graph.Add(graph.Sub(logStd1, logStd0), quad), -0.5)
	return graph.ReduceSum(per, -1)
}

// Entropy returns the differential entropy of the diagonal Gaussian with
// the given log-std, summed over the last axis (so [B] for a [B, A]
// logStd, a scalar for an [A] one):
//
//	H = Σ_j log σ_j + (A/2)(1 + log 2π).
func Entropy(logStd *graph.Node) *graph.Node {
	if logStd == nil || logStd.Rank() < 1 {
		panic(fmt.Errorf("policy: Entropy: logStd is nil or a scalar, want [A] or [B, A]"))
	}
	A := logStd.Shape().Dimensions[logStd.Rank()-1]
	return graph.AddScalar(graph.ReduceSum(logStd, -1), 0.5*float64(A)*(1+log2Pi))
}

// sameShape panics unless x and ref are nodes of the same shape.
func sameShape(fn, name string, x, ref *graph.Node) {
	if x == nil || ref == nil {
		panic(fmt.Errorf("policy: %s: %s or the mean is a nil node", fn, name))
	}
	if !x.Shape().Equal(ref.Shape()) {
		panic(fmt.Errorf("policy: %s: %s has shape %s, want the mean's %s", fn, name, x.Shape(), ref.Shape()))
	}
}

// broadcastLike broadcasts a [A], [1, A] or [B, A] log-std to ref's shape
// [B, A].
func broadcastLike(fn string, logStd, ref *graph.Node) *graph.Node {
	if logStd == nil {
		panic(fmt.Errorf("policy: %s: logStd is a nil node", fn))
	}
	if logStd.Shape().Equal(ref.Shape()) {
		return logStd
	}
	dims := ref.Shape().Dimensions
	A := dims[len(dims)-1]
	ok := logStd.DType() == ref.DType() &&
		((logStd.Rank() == 1 && logStd.Shape().Dimensions[0] == A) ||
			(logStd.Rank() == len(dims) && logStd.Shape().Dimensions[0] == 1 && logStd.Shape().Dimensions[logStd.Rank()-1] == A))
	if !ok || len(dims) != 2 {
		panic(fmt.Errorf("policy: %s: logStd has shape %s, want [%d], [1, %d] or the mean's %s", fn, logStd.Shape(), A, A, ref.Shape()))
	}
	return graph.BroadcastToDims(graph.Reshape(logStd, 1, A), dims...)
}
