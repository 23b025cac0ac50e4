package policy

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/rlcontrol/rlcontrol/rl/nn"
)

func randObs(rng *rand.Rand, n, dim int) [][]float64 {
	x := make([][]float64, n)
	for i := range x {
		x[i] = make([]float64, dim)
		for j := range x[i] {
			x[i][j] = rng.NormFloat64()
		}
	}
	return x
}

func testPolicy(t *testing.T) *Gaussian {
	t.Helper()
	g, err := NewGaussian(GaussianConfig{ObsDim: 3, ActDim: 2, Hidden: []int{16, 16}, Seed: 7, OutputScale: 1, InitStd: math.Exp(-0.5)})
	if err != nil {
		t.Fatal(err)
	}
	return g
}

// TestParams: θ = [MLP θ..., logσ...] round-trips through SetParams, logσ
// is its tail, and bad vectors are refused without a change.
func TestParams(t *testing.T) {
	g := testPolicy(t)
	m := nn.MustNew(nn.Config{In: 3, Hidden: []int{16, 16}, Out: 2})
	if g.NumParams() != m.NumParams()+2 || g.NumMeanParams() != m.NumParams() {
		t.Fatalf("NumParams %d, NumMeanParams %d; want %d + 2", g.NumParams(), g.NumMeanParams(), m.NumParams())
	}
	p := g.Params()
	if len(p) != g.NumParams() || p[len(p)-1] != -0.5 || p[len(p)-2] != -0.5 {
		t.Fatalf("Params tail %v, want the initial log-std −0.5", p[len(p)-2:])
	}
	rng := rand.New(rand.NewPCG(1, 1))
	q := make([]float64, len(p))
	for i := range q {
		q[i] = rng.NormFloat64()
	}
	if err := g.SetParams(q); err != nil {
		t.Fatal(err)
	}
	for i, x := range g.Params() {
		if x != q[i] {
			t.Fatalf("Params()[%d] = %v after SetParams %v", i, x, q[i])
		}
	}
	if ls := g.LogStd(); ls[0] != q[len(q)-2] || ls[1] != q[len(q)-1] {
		t.Errorf("LogStd %v, want the tail of θ", ls)
	}
	if sd := g.Std(); math.Abs(sd[0]-math.Exp(q[len(q)-2])) > 1e-15 {
		t.Errorf("Std %v", sd)
	}
	bad := append([]float64(nil), q...)
	bad[5] = math.NaN()
	for _, b := range [][]float64{q[1:], bad} {
		if err := g.SetParams(b); err == nil {
			t.Errorf("SetParams accepted a bad vector of length %d", len(b))
		}
	}
	if g.Params()[5] != q[5] {
		t.Error("a refused SetParams changed θ")
	}
	// The mean depends on θ: SetParams after a call is seen by the next
	// (cached graphs take θ as an input).
	obs := randObs(rng, 3, 3)
	m1, _ := g.Mean(obs)
	q[0] += 1
	_ = g.SetParams(q)
	m2, _ := g.Mean(obs)
	if m1[0][0] == m2[0][0] && m1[1][0] == m2[1][0] {
		t.Error("Mean did not change after SetParams")
	}
}

// TestActReproducible: the same policy and rng seed give the same actions
// bit for bit; the actions are μ + σ ⊙ ε with ε the rng's normal draws in
// row order; logp agrees with LogProb and with the density by hand.
func TestActReproducible(t *testing.T) {
	g := testPolicy(t)
	obs := randObs(rand.New(rand.NewPCG(2, 2)), 5, 3)
	a1, lp1, mu1, err := g.Act(obs, rand.New(rand.NewPCG(9, 9)))
	if err != nil {
		t.Fatal(err)
	}
	a2, lp2, _, _ := MustNewGaussian(g.Config()).Act(obs, rand.New(rand.NewPCG(9, 9)))
	a3, _, _, _ := g.Act(obs, rand.New(rand.NewPCG(9, 10)))
	for i := range a1 {
		for j := range a1[i] {
			if a1[i][j] != a2[i][j] {
				t.Fatalf("same seeds, different actions: %v vs %v", a1[i], a2[i])
			}
		}
		if lp1[i] != lp2[i] {
			t.Fatalf("same seeds, different logp")
		}
	}
	if a1[0][0] == a3[0][0] {
		t.Error("different rng seeds gave the same action")
	}
	mean, _ := g.Mean(obs)
	lp, err := g.LogProb(obs, a1)
	if err != nil {
		t.Fatal(err)
	}
	eps := rand.New(rand.NewPCG(9, 9))
	sd := g.Std()
	ls := g.LogStd()
	for i := range a1 {
		hand := -math.Log(2 * math.Pi)
		for j := range a1[i] {
			if mu1[i][j] != mean[i][j] {
				t.Errorf("Act's mean %v, Mean %v", mu1[i], mean[i])
			}
			e := eps.NormFloat64()
			if want := mean[i][j] + sd[j]*e; math.Abs(a1[i][j]-want) > 1e-12 {
				t.Errorf("a[%d][%d] = %v, want μ + σε = %v", i, j, a1[i][j], want)
			}
			hand += -0.5*e*e - ls[j]
		}
		if math.Abs(lp1[i]-lp[i]) > 1e-12 || math.Abs(lp1[i]-hand) > 1e-10 {
			t.Errorf("logp[%d]: Act %v, LogProb %v, by hand %v", i, lp1[i], lp[i], hand)
		}
	}
	// Empty batches are fine.
	if a, l, m, err := g.Act(nil, eps); err != nil || len(a) != 0 || len(l) != 0 || len(m) != 0 {
		t.Errorf("empty Act: %v %v %v %v", a, l, m, err)
	}
}

// TestMeanKL: MeanKL(p, p) = 0; for a perturbed copy it equals the mean
// of the closed form over the batch (odd batch size: padding must not
// count), and Clone is independent.
func TestMeanKL(t *testing.T) {
	p := testPolicy(t)
	obs := randObs(rand.New(rand.NewPCG(3, 3)), 37, 3)
	kl, err := p.MeanKL(p, obs)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(kl) > 1e-15 {
		t.Errorf("MeanKL(p, p) = %v, want 0", kl)
	}
	q := p.Clone()
	th := q.Params()
	rng := rand.New(rand.NewPCG(5, 5))
	for i := range th {
		th[i] += 0.05 * rng.NormFloat64()
	}
	if err := q.SetParams(th); err != nil {
		t.Fatal(err)
	}
	if p.Params()[0] == th[0] {
		t.Fatal("Clone shares θ with the original")
	}
	kl, err = p.MeanKL(q, obs)
	if err != nil {
		t.Fatal(err)
	}
	mp, _ := p.Mean(obs)
	mq, _ := q.Mean(obs)
	want := 0.0
	for i := range obs {
		want += klClosedForm(mp[i], p.LogStd(), mq[i], q.LogStd())
	}
	want /= float64(len(obs))
	if math.Abs(kl-want) > 1e-12*want || !(kl > 0) {
		t.Errorf("MeanKL = %v, closed form %v", kl, want)
	}
	if _, err := p.MeanKL(q, nil); err == nil {
		t.Error("MeanKL of no observations accepted")
	}
	other := MustNewGaussian(GaussianConfig{ObsDim: 3, ActDim: 2, Hidden: []int{8}, InitStd: 1})
	if _, err := p.MeanKL(other, obs); err == nil || !strings.Contains(err.Error(), "differ") {
		t.Errorf("MeanKL across architectures: err = %v", err)
	}
}

// TestBadInputs: bad observations, actions and configurations are errors
// that name the offender.
func TestBadInputs(t *testing.T) {
	g := testPolicy(t)
	rng := rand.New(rand.NewPCG(1, 1))
	good := randObs(rng, 3, 3)
	nanObs := randObs(rng, 3, 3)
	nanObs[1][2] = math.NaN()
	short := randObs(rng, 3, 3)
	short[2] = short[2][:2]
	for _, c := range []struct {
		obs  [][]float64
		want string
	}{{nanObs, "obs[1][2] = NaN"}, {short, "obs[2] has length 2, want 3"}} {
		_, _, _, err1 := g.Act(c.obs, rng)
		_, err2 := g.Mean(c.obs)
		_, err3 := g.LogProb(c.obs, randObs(rng, 3, 2))
		_, err4 := g.MeanKL(g, c.obs)
		for i, err := range []error{err1, err2, err3, err4} {
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("call %d: err = %v, want one naming %q", i, err, c.want)
			}
		}
	}
	if _, _, _, err := g.Act(good, nil); err == nil {
		t.Error("nil rng accepted")
	}
	if _, err := g.LogProb(good, randObs(rng, 2, 2)); err == nil {
		t.Error("LogProb with 3 observations and 2 actions accepted")
	}
	badAct := randObs(rng, 3, 2)
	badAct[0][1] = math.Inf(1)
	if _, err := g.LogProb(good, badAct); err == nil || !strings.Contains(err.Error(), "act[0][1]") {
		t.Errorf("infinite action: err = %v", err)
	}
	for _, cfg := range []GaussianConfig{
		{ObsDim: 0, ActDim: 1}, {ObsDim: 1, ActDim: 0}, {ObsDim: 1, ActDim: 1, InitStd: math.NaN()}, {ObsDim: 1, ActDim: 1, InitStd: -1},
		{ObsDim: 1, ActDim: 1, Hidden: []int{0}}, {ObsDim: 1, ActDim: 1, OutputScale: -1},
	} {
		if _, err := NewGaussian(cfg); err == nil {
			t.Errorf("config %+v accepted", cfg)
		}
	}
	cfg := g.Config()
	if cfg.OutputScale != 1 || len(cfg.Hidden) != 2 {
		t.Errorf("Config() = %+v", cfg)
	}
	if d, _ := (GaussianConfig{ObsDim: 1, ActDim: 1}).WithDefaults(); d.OutputScale != 0.01 || len(d.Hidden) != 2 || d.InitStd != DefaultInitStd {
		t.Errorf("defaults %+v", d)
	}
}

// TestEntropy: the Go-side entropy matches the graph's.
func TestEntropy(t *testing.T) {
	g := testPolicy(t)
	want := 2*(-0.5) + (1 + math.Log(2*math.Pi))
	if h := g.Entropy(); math.Abs(h-want) > 1e-14 {
		t.Errorf("Entropy %v, want %v", h, want)
	}
}
