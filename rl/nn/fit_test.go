package nn

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/rlcontrol/rlcontrol/rl/mlx"
)

// TestFitMatchesReferenceAdam replays Fit step by step in Go: the same
// shuffles, normalised minibatches (one of them padded), the gradient of
// the minibatch MSE from a separate graph, and textbook Adam in float64.
// The parameters must agree to rounding (1e-13).
func TestFitMatchesReferenceAdam(t *testing.T) {
	m := MustNew(Config{In: 1, Hidden: []int{8}, Out: 1, Seed: 1})
	X, Y := sinData(18)
	N := len(X)
	ref := m.Clone()
	const (
		epochs = 3
		B      = 4
		lr     = 1e-2
		seed   = 7
	)
	if _, err := m.Fit(X, Y, FitConfig{Epochs: epochs, BatchSize: B, LearningRate: lr, Seed: seed}); err != nil {
		t.Fatal(err)
	}
	var nm Normalizer
	nm.InMean, nm.InStd = nnMoments(X, 1)
	nm.OutMean, nm.OutStd = nnMoments(Y, 1)
	grad := graph.MustNewExec(mlx.Backend(), func(theta, x, y *graph.Node) *graph.Node {
		d := graph.Sub(ref.net(theta, x), y)
		return graph.Gradient(graph.ReduceAllMean(graph.Mul(d, d)), theta)[0]
	})
	th := ref.Params()
	P := len(th)
	mo, ve := make([]float64, P), make([]float64, P)
	perm := make([]int, N)
	for i := range perm {
		perm[i] = i
	}
	rng := rand.New(rand.NewPCG(seed, 0xda3e39cb94b95bdb))
	step := 0
	for e := 0; e < epochs; e++ {
		rng.Shuffle(N, func(i, j int) { perm[i], perm[j] = perm[j], perm[i] })
		for s := 0; s*B < N; s++ {
			rows := perm[s*B : min(s*B+B, N)]
			xb, yb := make([]float64, len(rows)), make([]float64, len(rows))
			for b, r := range rows {
				xb[b] = (X[r][0] - nm.InMean[0]) / nm.InStd[0]
				yb[b] = (Y[r][0] - nm.OutMean[0]) / nm.OutStd[0]
			}
			g := tensors.MustCopyFlatData[float64](grad.MustCall1(tensors.FromFlatDataAndDimensions(th, P),
				tensors.FromFlatDataAndDimensions(xb, len(rows), 1), tensors.FromFlatDataAndDimensions(yb, len(rows), 1)))
			step++
			for i := range th {
				mo[i] = 0.9*mo[i] + 0.1*g[i]
				ve[i] = 0.999*ve[i] + 0.001*g[i]*g[i]
				mHat := mo[i] / (1 - math.Pow(0.9, float64(step)))
				vHat := ve[i] / (1 - math.Pow(0.999, float64(step)))
				th[i] -= lr * mHat / (math.Sqrt(vHat) + 1e-8)
			}
		}
	}
	got := m.Params()
	for i := range th {
		if d := math.Abs(th[i] - got[i]); d > 1e-13 {
			t.Fatalf("θ[%d] = %v, reference Adam %v", i, got[i], th[i])
		}
	}
}
