package policy

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/rlcontrol/rlcontrol/rl/mlx"
	"gonum.org/v1/gonum/stat/distuv"
)

// call runs fn once on float64 tensors given as (data, dims...) pairs and
// returns its flat outputs.
func call(t *testing.T, fn func([]*graph.Node) []*graph.Node, args ...*tensors.Tensor) [][]float64 {
	t.Helper()
	e, err := graph.NewExec(mlx.Backend(), fn)
	if err != nil {
		t.Fatal(err)
	}
	anyArgs := make([]any, len(args))
	for i, a := range args {
		anyArgs[i] = a
	}
	outs, err := e.Call(anyArgs...)
	if err != nil {
		t.Fatal(err)
	}
	res, err := fetch(outs)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func tensor(data []float64, dims ...int) *tensors.Tensor {
	return tensors.FromFlatDataAndDimensions(data, dims...)
}

// TestLogProbByHand: LogProb of a 2-d Gaussian against the density
// written out by hand and against gonum's univariate normal, with logStd
// given per row, as [1, A] and as [A].
func TestLogProbByHand(t *testing.T) {
	mean := []float64{0.5, -1, 0, 2}
	logStd := []float64{math.Log(2), -0.5}
	act := []float64{1, 0, -3, 2}
	// Row 0: z = (0.25, e^{0.5}); row 1: z = (−1.5, 0).
	c := math.Log(2 * math.Pi)
	want := []float64{
		-0.5*0.0625 - math.Log(2) - 0.5*math.E + 0.5 - c,
		-0.5*2.25 - math.Log(2) + 0.5 - c,
	}
	for b := 0; b < 2; b++ {
		g := 0.0
		for j := 0; j < 2; j++ {
			g += distuv.Normal{Mu: mean[2*b+j], Sigma: math.Exp(logStd[j])}.LogProb(act[2*b+j])
		}
		if math.Abs(g-want[b]) > 1e-12 {
			t.Fatalf("hand computation %v disagrees with gonum %v", want[b], g)
		}
	}
	for _, ls := range []*tensors.Tensor{
		tensor(append(append([]float64{}, logStd...), logStd...), 2, 2),
		tensor(logStd, 1, 2),
		tensor(logStd, 2),
	} {
		got := call(t, func(in []*graph.Node) []*graph.Node {
			return []*graph.Node{LogProb(in[0], in[1], in[2])}
		}, tensor(mean, 2, 2), ls, tensor(act, 2, 2))[0]
		for b := range want {
			if math.Abs(got[b]-want[b]) > 1e-12 {
				t.Errorf("logStd %s: LogProb[%d] = %v, want %v", ls.Shape(), b, got[b], want[b])
			}
		}
	}
}

// klClosedForm is KL(N(m0, e^{2l0}) ‖ N(m1, e^{2l1})) summed over
// components, the univariate formula written with σ.
func klClosedForm(m0, l0, m1, l1 []float64) float64 {
	kl := 0.0
	for j := range m0 {
		s0, s1 := math.Exp(l0[j]), math.Exp(l1[j])
		kl += math.Log(s1/s0) + (s0*s0+(m0[j]-m1[j])*(m0[j]-m1[j]))/(2*s1*s1) - 0.5
	}
	return kl
}

// TestKL: the graph KL against the closed form on random pairs, 0 for
// equal distributions, and against a Monte Carlo estimate
// E_{a~π0}[log π0(a) − log π1(a)] (200,000 samples; tolerance 4 standard
// errors).
func TestKL(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	const B, A = 5, 3
	m0, l0, m1, l1 := make([]float64, B*A), make([]float64, B*A), make([]float64, B*A), make([]float64, B*A)
	for i := range m0 {
		m0[i], m1[i] = rng.NormFloat64(), rng.NormFloat64()
		l0[i], l1[i] = 0.5*rng.NormFloat64(), 0.5*rng.NormFloat64()
	}
	copy(m1[:A], m0[:A]) // row 0: identical distributions
	copy(l1[:A], l0[:A])
	out := call(t, func(in []*graph.Node) []*graph.Node {
		return []*graph.Node{KL(in[0], in[1], in[2], in[3]), Entropy(in[1])}
	}, tensor(m0, B, A), tensor(l0, B, A), tensor(m1, B, A), tensor(l1, B, A))
	got, ent := out[0], out[1]
	for b := 0; b < B; b++ {
		r := func(v []float64) []float64 { return v[b*A : (b+1)*A] }
		want := klClosedForm(r(m0), r(l0), r(m1), r(l1))
		if math.Abs(got[b]-want) > 1e-12*(1+want) {
			t.Errorf("KL[%d] = %v, closed form %v", b, got[b], want)
		}
		if b == 0 && math.Abs(got[0]) > 1e-15 {
			t.Errorf("KL of equal distributions = %v, want 0", got[0])
		}
		if b > 0 && !(got[b] > 0) {
			t.Errorf("KL[%d] = %v, want > 0", b, got[b])
		}
		h := 0.0
		for j := 0; j < A; j++ {
			h += distuv.Normal{Mu: 0, Sigma: math.Exp(r(l0)[j])}.Entropy()
		}
		if math.Abs(ent[b]-h) > 1e-12 {
			t.Errorf("Entropy[%d] = %v, gonum %v", b, ent[b], h)
		}
	}
	// Monte Carlo on row 1.
	const n = 200000
	lp := func(a, m, l []float64) float64 {
		s := 0.0
		for j := range a {
			s += distuv.Normal{Mu: m[j], Sigma: math.Exp(l[j])}.LogProb(a[j])
		}
		return s
	}
	r0m, r0l, r1m, r1l := m0[A:2*A], l0[A:2*A], m1[A:2*A], l1[A:2*A]
	sum, sum2 := 0.0, 0.0
	a := make([]float64, A)
	for i := 0; i < n; i++ {
		for j := range a {
			a[j] = r0m[j] + math.Exp(r0l[j])*rng.NormFloat64()
		}
		d := lp(a, r0m, r0l) - lp(a, r1m, r1l)
		sum += d
		sum2 += d * d
	}
	mc := sum / n
	se := math.Sqrt((sum2/n - mc*mc) / n)
	t.Logf("KL %.5f, Monte Carlo %.5f ± %.5f", got[1], mc, se)
	if math.Abs(mc-got[1]) > 4*se {
		t.Errorf("KL %v, Monte Carlo %v ± %v", got[1], mc, se)
	}
}

// TestFisherVectorProduct: TRPO's Fisher-vector product, the Hessian of
// the mean KL(π_θ0 ‖ π_θ) at θ = θ0 times v by double backpropagation
// through MeanLogStd, matches central differences of the KL gradient
// (h = 1e-5: truncation error O(h²) ≈ 1e-10, plus rounding), and vᵀFv > 0.
func TestFisherVectorProduct(t *testing.T) {
	g := MustNewGaussian(GaussianConfig{ObsDim: 3, ActDim: 2, Hidden: []int{8, 8}, Seed: 3, OutputScale: 1, InitStd: math.Exp(-0.3)})
	rng := rand.New(rand.NewPCG(4, 4))
	obs := make([]float64, 16*3)
	for i := range obs {
		obs[i] = rng.NormFloat64()
	}
	P := g.NumParams()
	theta0 := g.Params()
	v := make([]float64, P)
	for i := range v {
		v[i] = rng.NormFloat64()
	}
	meanKL := func(th0, th, o *graph.Node) *graph.Node {
		m0, l0 := g.MeanLogStd(th0, o)
		m1, l1 := g.MeanLogStd(th, o)
		return graph.ReduceAllMean(KL(graph.StopGradient(m0), graph.StopGradient(l0), m1, l1))
	}
	grad := func(th []float64) []float64 {
		return call(t, func(in []*graph.Node) []*graph.Node {
			return []*graph.Node{graph.Gradient(meanKL(in[0], in[1], in[2]), in[1])[0]}
		}, tensor(theta0, P), tensor(th, P), tensor(obs, 16, 3))[0]
	}
	fv := call(t, func(in []*graph.Node) []*graph.Node {
		gr := graph.Gradient(meanKL(in[0], in[1], in[2]), in[1])[0]
		return []*graph.Node{graph.Gradient(graph.ReduceAllSum(graph.Mul(gr, in[3])), in[1])[0]}
	}, tensor(theta0, P), tensor(theta0, P), tensor(obs, 16, 3), tensor(v, P))[0]
	const h = 1e-5
	tp, tm := make([]float64, P), make([]float64, P)
	for i := range tp {
		tp[i], tm[i] = theta0[i]+h*v[i], theta0[i]-h*v[i]
	}
	gp, gm := grad(tp), grad(tm)
	vFv, worst := 0.0, 0.0
	for i := range fv {
		fd := (gp[i] - gm[i]) / (2 * h)
		worst = math.Max(worst, math.Abs(fd-fv[i]))
		vFv += v[i] * fv[i]
	}
	if worst > 1e-6 {
		t.Errorf("Fisher-vector product differs from finite differences by up to %v", worst)
	}
	if !(vFv > 0) {
		t.Errorf("vᵀFv = %v, want > 0", vFv)
	}
	// The gradient at θ = θ0 vanishes (KL is minimal there).
	for i, x := range grad(theta0) {
		if math.Abs(x) > 1e-12 {
			t.Fatalf("∇KL at θ0: component %d = %v, want 0", i, x)
		}
	}
}
