package trpo

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/gomlx/gomlx/core/graph"
	"github.com/rlcontrol/rlcontrol/rl/internal/small"
	"github.com/rlcontrol/rlcontrol/rl/mlx"
	"github.com/rlcontrol/rlcontrol/rl/policy"
)

// newTestPolicy is a small Gaussian MLP policy (8×8 tanh, Glorot-scale
// output layer, log σ = −0.5).
func newTestPolicy(t *testing.T, in, out int) *policy.Gaussian {
	p, err := policy.NewGaussian(policy.GaussianConfig{ObsDim: in, ActDim: out, Hidden: []int{8, 8}, InitStd: policy.DefaultInitStd, OutputScale: 1, Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// batch returns random data and the policy's own mean/log-std as the old
// distribution (so KL(π_old ‖ π_θ) = 0 at the current θ).
func batch(t *testing.T, p *policy.Gaussian, B int, rng *rand.Rand) *Data {
	logStd := p.LogStd()
	d := &Data{OldLogStd: logStd}
	for i := 0; i < B; i++ {
		d.Obs = append(d.Obs, []float64{rng.NormFloat64(), rng.NormFloat64(), rng.NormFloat64()})
	}
	means, err := p.Mean(d.Obs)
	if err != nil {
		t.Fatal(err)
	}
	d.OldMean = means
	for i := 0; i < B; i++ {
		a := make([]float64, len(means[i]))
		lp := 0.0
		for j := range a {
			s := math.Exp(logStd[j])
			z := rng.NormFloat64()
			a[j] = means[i][j] + s*z
			lp += -0.5*z*z - logStd[j] - 0.5*math.Log(2*math.Pi)
		}
		d.Act = append(d.Act, a)
		d.LogpOld = append(d.LogpOld, lp)
		d.Adv = append(d.Adv, rng.NormFloat64())
	}
	return d
}

// TestFisherVectorProduct: the double-backpropagation Fisher-vector product
// equals central differences of the KL gradient, (∇KL(θ+hv) − ∇KL(θ−hv))/2h
// (with π_old fixed at θ), to 1e-5 relative: the KL is smooth, h = 1e-4
// gives O(h²) ≈ 1e-8 truncation error.
func TestFisherVectorProduct(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	p := newTestPolicy(t, 3, 2)
	d := batch(t, p, 64, rng)
	cfg, err := Config{Damping: -1}.WithDefaults() // no damping: F alone
	if err != nil {
		t.Fatal(err)
	}
	u, err := newUpdater(p, &cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := u.load(d); err != nil {
		t.Fatal(err)
	}
	theta := p.Params()
	v := make([]float64, len(theta))
	for i := range v {
		v[i] = rng.NormFloat64()
	}
	Fv, err := u.fvp(theta, v)
	if err != nil {
		t.Fatal(err)
	}
	gradKL, err := graph.NewExec(mlx.Backend(), func(theta, obs, oldMean, oldLogStd *graph.Node) *graph.Node {
		mean, ls := p.MeanLogStd(theta, obs)
		return graph.Gradient(graph.ReduceAllMean(policy.KL(oldMean, oldLogStd, mean, ls)), theta)[0]
	})
	if err != nil {
		t.Fatal(err)
	}
	const h = 1e-4
	at := func(sign float64) []float64 {
		th := make([]float64, len(theta))
		for i := range th {
			th[i] = theta[i] + sign*h*v[i]
		}
		out, err := gradKL.Call(th, u.obsT, u.meanT, u.lsT)
		if err != nil {
			t.Fatal(err)
		}
		g, _ := flat(out[0])
		return g
	}
	gp, gm := at(1), at(-1)
	num, den := 0.0, 0.0
	for i := range Fv {
		fd := (gp[i] - gm[i]) / (2 * h)
		num += (fd - Fv[i]) * (fd - Fv[i])
		den += fd * fd
	}
	if math.Sqrt(num/den) > 1e-5 {
		t.Errorf("Fisher-vector product differs from finite differences: relative error %.2e", math.Sqrt(num/den))
	}
	// F is positive semi-definite: vᵀFv ≥ 0.
	if q := small.Dot(v, Fv); q < 0 {
		t.Errorf("vᵀFv = %v < 0", q)
	}
}

// TestStepRespectsTrustRegion: after every accepted TRPO step the measured
// mean KL is at most δ, the surrogate improved, and the natural-gradient
// step (no line search) lands near KL ≈ δ (the quadratic model of the KL is
// accurate for small steps: within 50%).
func TestStepRespectsTrustRegion(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, delta := range []float64{0.001, 0.01, 0.05} {
		for trial := 0; trial < 3; trial++ {
			p := newTestPolicy(t, 3, 2)
			d := batch(t, p, 256, rng)
			cfg, err := Config{MaxKL: delta}.WithDefaults()
			if err != nil {
				t.Fatal(err)
			}
			u, err := newUpdater(p, &cfg)
			if err != nil {
				t.Fatal(err)
			}
			st, err := u.step(d)
			if err != nil {
				t.Fatal(err)
			}
			if st.Backtracks < 0 {
				t.Errorf("δ = %v: no step accepted", delta)
				continue
			}
			if st.KL > delta || st.SurrogateGain <= 0 {
				t.Errorf("δ = %v: accepted step has KL %v, surrogate gain %v", delta, st.KL, st.SurrogateGain)
			}
		}
		p := newTestPolicy(t, 3, 2)
		d := batch(t, p, 256, rng)
		cfg, err := Config{MaxKL: delta, Algorithm: NaturalPG, Damping: 1e-8}.WithDefaults()
		if err != nil {
			t.Fatal(err)
		}
		u, _ := newUpdater(p, &cfg)
		st, err := u.step(d)
		if err != nil {
			t.Fatal(err)
		}
		if st.KL < 0.5*delta || st.KL > 1.5*delta {
			t.Errorf("natural PG with δ = %v: KL of the step %v, want ≈ δ", delta, st.KL)
		}
	}
}

// TestStepBadData: mismatched batch sizes and observation widths are
// errors, not panics.
func TestStepBadData(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 5))
	p := newTestPolicy(t, 3, 2)
	u, err := NewUpdater(p, Config{})
	if err != nil {
		t.Fatal(err)
	}
	d := batch(t, p, 16, rng)
	short := *d
	short.Adv = short.Adv[:10]
	if _, err := u.Step(&short); err == nil {
		t.Error("mismatched advantages accepted")
	}
	wide := *d
	wide.Obs = make([][]float64, len(d.Obs))
	for i := range wide.Obs {
		wide.Obs[i] = []float64{1, 2, 3, 4}
	}
	if _, err := u.Step(&wide); err == nil {
		t.Error("observations of width 4 for a policy of width 3 accepted")
	}
	if _, err := NewUpdater(nil, Config{}); err == nil {
		t.Error("nil policy accepted")
	}
	if _, err := NewUpdater(p, Config{MaxKL: -1}); err == nil {
		t.Error("δ < 0 accepted")
	}
}

// TestFisherSubsample: with FisherSubsample = k the product equals the full
// product computed on every k-th sample alone (to rounding, 1e-12).
func TestFisherSubsample(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 8))
	p := newTestPolicy(t, 3, 2)
	d := batch(t, p, 40, rng)
	sub := &Data{OldLogStd: d.OldLogStd}
	for i := 0; i < len(d.Obs); i += 4 {
		sub.Obs, sub.Act, sub.Adv = append(sub.Obs, d.Obs[i]), append(sub.Act, d.Act[i]), append(sub.Adv, d.Adv[i])
		sub.LogpOld, sub.OldMean = append(sub.LogpOld, d.LogpOld[i]), append(sub.OldMean, d.OldMean[i])
	}
	uk, err := NewUpdater(p, Config{FisherSubsample: 4})
	if err != nil {
		t.Fatal(err)
	}
	u1, err := NewUpdater(p, Config{})
	if err != nil {
		t.Fatal(err)
	}
	if err := uk.load(d); err != nil {
		t.Fatal(err)
	}
	if err := u1.load(sub); err != nil {
		t.Fatal(err)
	}
	theta := p.Params()
	v := make([]float64, len(theta))
	for i := range v {
		v[i] = rng.NormFloat64()
	}
	a, err := uk.fvp(theta, v)
	if err != nil {
		t.Fatal(err)
	}
	b, err := u1.fvp(theta, v)
	if err != nil {
		t.Fatal(err)
	}
	for i := range a {
		if math.Abs(a[i]-b[i]) > 1e-12*(1+math.Abs(b[i])) {
			t.Fatalf("Fv[%d] = %v with subsampling, %v on the subsample", i, a[i], b[i])
		}
	}
	if _, err := NewUpdater(p, Config{FisherSubsample: -2}); err == nil {
		t.Error("FisherSubsample = -2 accepted")
	}
}
