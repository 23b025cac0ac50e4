package e2c

import (
	"fmt"
	"math/rand/v2"

	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
)

// Losses are the terms of the loss on a batch, each a mean over its
// transitions, in nats.
type Losses struct {
	// Total is what training minimises (see Kind for which terms it sums).
	Total float64
	// Rec is −log p(x_t | z_t), the reconstruction of the current image,
	// summed over pixels.
	Rec float64
	// Pred is −log p(x_{t+1} | ẑ_{t+1}), the next image decoded from the
	// transition's prediction.
	Pred float64
	// KLPrior is KL(q(z_t | x_t) ‖ N(0, I)) (0 for AE).
	KLPrior float64
	// Trans is the transition term: KL(q̂(ẑ_{t+1} | z_t, u_t) ‖
	// q(z_{t+1} | x_{t+1})) for E2C and VAE (E2C weighs it by λ in Total),
	// ½‖ẑ_{t+1} − μ_{t+1}‖² for AE.
	Trans float64
}

// String formats the terms on one line.
func (l Losses) String() string {
	return fmt.Sprintf("loss %.2f  rec %.2f  pred %.2f  KL %.2f  trans %.3f", l.Total, l.Rec, l.Pred, l.KLPrior, l.Trans)
}

// lossTerms builds the loss of a batch: θ, images x [b, P], actions
// u [b, Action], next images xn [b, P], noise ε [b, Latent] for the
// reparameterised sample z = μ + σ ⊙ ε. It returns [Total, Rec, Pred,
// KLPrior, Trans], each a scalar mean over the batch.
func (m *Model) lossTerms(theta, x, u, xn, eps *graph.Node) []*graph.Node {
	c := m.cfg
	nz := float64(c.Latent)
	sg := graph.StopGradient
	batch := float64(x.Shape().Dimensions[0])
	mean := func(perRow *graph.Node) *graph.Node { return graph.DivScalar(graph.ReduceAllSum(perRow), batch) }

	mu, lv := m.encoderNodes(theta, x)
	muN, lvN := m.encoderNodes(theta, xn)
	var z *graph.Node
	if c.Kind == AE {
		z = mu
	} else {
		z = graph.Add(mu, graph.Mul(graph.Exp(graph.MulScalar(lv, 0.5)), eps))
	}
	// The baselines fit the transition on top of a latent space it cannot
	// change: every encoder output it sees is held fixed.
	zT, muT, lvT, muNT, lvNT := z, mu, lv, muN, lvN
	if c.Kind != E2C {
		zT, muT, lvT, muNT, lvNT = sg(z), sg(mu), sg(lv), sg(muN), sg(lvN)
	}
	v, r, B, o := m.transitionNodes(theta, zT)
	bu := applyB(B, u)
	// The sampled prediction ẑ = A z + B u + o and the mean of q̂,
	// m̂ = A μ + B u + o.
	zNext := graph.Add(graph.Add(applyA(v, r, zT), bu), o)
	mNext := graph.Add(graph.Add(applyA(v, r, muT), bu), o)

	// −log p(x | z) of a Bernoulli decoder with logits ℓ:
	// Σ_pixels softplus(ℓ) − x ℓ.
	nll := func(zz, target *graph.Node) *graph.Node {
		l := m.decoderLogits(theta, zz)
		return graph.ReduceSum(graph.Sub(graph.Softplus(l), graph.Mul(target, l)), 1)
	}
	rec := mean(nll(z, x))
	pred := mean(nll(zNext, xn))

	zero := graph.ScalarZero(x.Graph(), x.DType())
	klPrior := zero
	if c.Kind != AE {
		// ½ Σ (μ² + σ² − 1 − log σ²).
		klPrior = graph.MulScalar(mean(graph.Sub(graph.Add(graph.Square(mu), graph.Exp(lv)), graph.AddScalar(lv, 1))), 0.5)
	}
	// The objective weighs the prior term by β; the term is reported
	// unweighted.
	weighedPrior := graph.MulScalar(klPrior, c.Beta)

	var trans *graph.Node
	if c.Kind == AE {
		trans = graph.MulScalar(mean(graph.Square(graph.Sub(zNext, muNT))), 0.5)
	} else {
		trans = klTransition(v, r, lvT, mNext, muNT, lvNT, nz, mean)
	}

	var total *graph.Node
	switch c.Kind {
	case E2C:
		total = graph.Add(graph.Add(rec, pred), graph.Add(weighedPrior, graph.MulScalar(trans, c.Lambda)))
	case VAE:
		total = graph.Add(graph.Add(rec, weighedPrior), trans)
	default:
		total = graph.Add(rec, trans)
	}
	return []*graph.Node{total, rec, pred, klPrior, trans}
}

// klTransition returns the batch mean of KL(q̂ ‖ q) for q̂ = N(m̂, C) with
// C = A Σ Aᵀ, A = I + v rᵀ, Σ = diag exp(lv), and q = N(μ', diag exp(lv')):
//
//	½ [ tr(Σ'⁻¹ C) + (μ' − m̂)ᵀ Σ'⁻¹ (μ' − m̂) − n + log det Σ' − log det C ],
//
// with diag C_i = σ_i² + 2 v_i r_i σ_i² + v_i² Σ_j r_j² σ_j² and
// log det C = Σ_i log σ_i² + 2 log|1 + vᵀ r|.
func klTransition(v, r, lv, mNext, muN, lvN *graph.Node, n float64, mean func(*graph.Node) *graph.Node) *graph.Node {
	s2 := graph.Exp(lv)
	s2N := graph.Exp(lvN)
	rs := rowSum(graph.Mul(graph.Square(r), s2)) // Σ_j r_j² σ_j², [b, 1]
	diagC := graph.Add(graph.Add(s2, graph.MulScalar(graph.Mul(graph.Mul(v, r), s2), 2)), graph.Mul(graph.Square(v), rs))
	trace := graph.ReduceSum(graph.Div(diagC, s2N), 1)
	maha := graph.ReduceSum(graph.Div(graph.Square(graph.Sub(muN, mNext)), s2N), 1)
	vr := graph.ReduceSum(graph.Mul(v, r), 1)
	logDetC := graph.Add(graph.ReduceSum(lv, 1), graph.MulScalar(graph.Log(graph.Abs(graph.AddScalar(vr, 1))), 2))
	perRow := graph.Sub(graph.Add(graph.AddScalar(graph.Add(trace, maha), -n), graph.ReduceSum(lvN, 1)), logDetC)
	return graph.MulScalar(mean(perRow), 0.5)
}

// lossesFrom reads the five scalar outputs starting at outs[k].
func lossesFrom(outs []*tensors.Tensor, k int) Losses {
	get := func(i int) float64 {
		v := tensors.ToScalar[float64](outs[k+i])
		_ = outs[k+i].FinalizeAll()
		return v
	}
	return Losses{Total: get(0), Rec: get(1), Pred: get(2), KLPrior: get(3), Trans: get(4)}
}

// Terms returns the loss terms on the transitions (x, u, xNext), with the
// reparameterisation noise ε drawn with seed (the same seed gives the same
// numbers), at the model's current θ. It returns TermsWithNoise's errors.
func (m *Model) Terms(x, u, xNext [][]float64, seed uint64) (Losses, error) {
	if err := m.check("Terms"); err != nil {
		return Losses{}, err
	}
	return m.TermsWithNoise(x, u, xNext, Noise(len(x), m.cfg.Latent, seed))
}

// Noise returns n standard normal vectors of length k drawn with seed: the
// ε of Terms(…, seed).
func Noise(n, k int, seed uint64) [][]float64 {
	rng := rand.New(rand.NewPCG(seed, 0x2c1b3c6d))
	eps := make([][]float64, max(n, 0))
	for i := range eps {
		eps[i] = normalNoise(rng, max(k, 0))
	}
	return eps
}

// TermsWithNoise returns the loss terms on the transitions (x, u, xNext)
// with the given noise, z_t = μ_t + σ_t ⊙ eps[i] (AE ignores it), so that
// a lesson can recompute each term by hand and compare. It returns an
// error naming a bad image, action or noise row, or unequal counts.
func (m *Model) TermsWithNoise(x, u, xNext, eps [][]float64) (Losses, error) {
	if err := m.check("Terms"); err != nil {
		return Losses{}, err
	}
	P, nz, nu := m.cfg.Pixels(), m.cfg.Latent, m.cfg.Action
	if err := checkRows("Terms", "x", x, P); err != nil {
		return Losses{}, err
	}
	if err := checkRows("Terms", "xNext", xNext, P); err != nil {
		return Losses{}, err
	}
	if err := checkRows("Terms", "u", u, nu); err != nil {
		return Losses{}, err
	}
	if err := checkRows("Terms", "eps", eps, nz); err != nil {
		return Losses{}, err
	}
	if len(x) != len(u) || len(x) != len(xNext) || len(x) != len(eps) {
		return Losses{}, fmt.Errorf("e2c: Terms: %d images, %d actions, %d next images and %d noise rows, want equal numbers", len(x), len(u), len(xNext), len(eps))
	}
	e := m.exec("terms", func(in []*graph.Node) []*graph.Node {
		return m.lossTerms(in[0], in[1], in[2], in[3], in[4])
	})
	b := len(x)
	outs, err := e.Call(m.thetaTensor(), tensorRows(x, P, b), tensorRows(u, nu, b), tensorRows(xNext, P, b), tensorRows(eps, nz, b))
	if err != nil {
		return Losses{}, fmt.Errorf("e2c: Terms: %w", err)
	}
	return lossesFrom(outs, 0), nil
}

// normalNoise returns n standard normal draws.
func normalNoise(rng *rand.Rand, n int) []float64 {
	e := make([]float64, n)
	for i := range e {
		e[i] = rng.NormFloat64()
	}
	return e
}
