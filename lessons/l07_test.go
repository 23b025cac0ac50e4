package lessons

import (
	"math"
	"slices"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/rlcontrol/rlcontrol/rl/e2c"
	"github.com/rlcontrol/rlcontrol/rl/system"
)

// The objective computed term by term in plain Go (the lesson's cells)
// equals the library's graph, e2c.Model.TermsWithNoise, on one batch of
// planar transitions with a fresh small model. Tolerance 1e-6 relative:
// the hand version takes log of the decoder's sigmoid output, the library
// the softplus of the logits, which loses up to ~1e-9 relative per pixel
// where p is near 0 or 1 (summed over 1600 pixels, still far below 1e-6).
// The two log-determinants of C agree to 1e-9 (the lemma is exact; LU
// rounds at 1e-15 relative on numbers of order 10).
func TestL07ObjectiveByHand(t *testing.T) {
	for _, latent := range []int{2, 5} {
		m, err := e2c.New(e2c.Config{Width: e2c.PlanarSize, Height: e2c.PlanarSize, Frames: 1, Latent: latent, Action: 2,
			EncoderHidden: []int{16}, DecoderHidden: []int{16}, TransitionHidden: []int{8}, Lambda: 0.5, Seed: 2})
		if err != nil {
			t.Fatal(err)
		}
		b, err := E2CObjectiveBatch(8, latent, 3)
		if err != nil {
			t.Fatal(err)
		}
		h, err := E2CObjectiveByHand(m, b.X, b.U, b.XNext, b.Eps)
		if err != nil {
			t.Fatal(err)
		}
		lib, err := m.TermsWithNoise(b.X, b.U, b.XNext, b.Eps)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			name      string
			got, want float64
		}{{"rec", h.Rec, lib.Rec}, {"pred", h.Pred, lib.Pred}, {"KL prior", h.KLPrior, lib.KLPrior}, {"trans", h.Trans, lib.Trans}, {"total", h.Total, lib.Total}} {
			if rel := math.Abs(c.got-c.want) / math.Abs(c.want); !(rel < 1e-6) {
				t.Errorf("latent %d: %s by hand %.10g, library %.10g (rel. %.2g)", latent, c.name, c.got, c.want, rel)
			}
		}
		for i := range h.LogDetLU {
			if d := math.Abs(h.LogDetLU[i] - h.LogDetLemma[i]); !(d < 1e-9) {
				t.Errorf("latent %d, transition %d: log det C by LU %.12g, by the lemma %.12g", latent, i, h.LogDetLU[i], h.LogDetLemma[i])
			}
		}
	}
}

// The same with the shipped model on the lesson's batch (32 transitions,
// seed 1), as the notebook computes it; same tolerances.
func TestL07ObjectiveShippedModel(t *testing.T) {
	m, _, err := E2CPlanarModel()
	if err != nil {
		t.Fatal(err)
	}
	b, err := E2CObjectiveBatch(32, m.LatentDim(), 1)
	if err != nil {
		t.Fatal(err)
	}
	h, err := E2CObjectiveByHand(m, b.X, b.U, b.XNext, b.Eps)
	if err != nil {
		t.Fatal(err)
	}
	lib, err := m.TermsWithNoise(b.X, b.U, b.XNext, b.Eps)
	if err != nil {
		t.Fatal(err)
	}
	if rel := math.Abs(h.Total-lib.Total) / math.Abs(lib.Total); !(rel < 1e-6) {
		t.Errorf("total by hand %.10g (%v), library %.10g (%v)", h.Total, h.Losses, lib.Total, lib)
	}
	for i := range h.LogDetLU {
		if d := math.Abs(h.LogDetLU[i] - h.LogDetLemma[i]); !(d < 1e-9) {
			t.Errorf("transition %d: log det C by LU %.12g, by the lemma %.12g", i, h.LogDetLU[i], h.LogDetLemma[i])
		}
	}
}

// E2CObjectiveByHand and E2CObjectiveBatch refuse bad input with an error.
func TestL07ObjectiveBadInput(t *testing.T) {
	m, err := e2c.New(e2c.Config{Width: e2c.PlanarSize, Height: e2c.PlanarSize, Frames: 1, Latent: 2, Action: 2,
		EncoderHidden: []int{4}, DecoderHidden: []int{4}, TransitionHidden: []int{4}, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	b, err := E2CObjectiveBatch(2, 2, 1)
	if err != nil {
		t.Fatal(err)
	}
	vae, err := e2c.New(e2c.Config{Width: 2, Height: 2, Frames: 1, Latent: 2, Action: 2, Kind: e2c.VAE, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		err  error
	}{
		{"nil model", func() error { _, err := E2CObjectiveByHand(nil, b.X, b.U, b.XNext, b.Eps); return err }()},
		{"VAE", func() error { _, err := E2CObjectiveByHand(vae, b.X, b.U, b.XNext, b.Eps); return err }()},
		{"empty", func() error { _, err := E2CObjectiveByHand(m, nil, nil, nil, nil); return err }()},
		{"short eps", func() error { _, err := E2CObjectiveByHand(m, b.X, b.U, b.XNext, b.Eps[:1]); return err }()},
		{"eps row", func() error {
			_, err := E2CObjectiveByHand(m, b.X, b.U, b.XNext, [][]float64{{1}, {1, 2}})
			return err
		}()},
		{"wrong image", func() error {
			_, err := E2CObjectiveByHand(m, [][]float64{{0.5}, {0.5}}, b.U, b.XNext, b.Eps)
			return err
		}()},
		{"batch n", func() error { _, err := E2CObjectiveBatch(0, 2, 1); return err }()},
		{"batch latent", func() error { _, err := E2CObjectiveBatch(2, 0, 1); return err }()},
		{"PCA one row", func() error { _, _, err := PCA2([][]float64{{1, 2, 3}}); return err }()},
		{"PCA ragged", func() error { _, _, err := PCA2([][]float64{{1, 2, 3}, {1}}); return err }()},
		{"PCA NaN", func() error { _, _, err := PCA2([][]float64{{1, 2, 3}, {1, math.NaN(), 0}}); return err }()},
		{"data N", func() error { _, err := E2CDataScenario{N: 11}.Run(); return err }()},
		{"prediction steps", func() error { _, err := E2CPredictionScenario{Steps: -1}.Run(); return err }()},
		{"latent N", func() error { _, err := E2CLatentScenario{N: 1}.Run(); return err }()},
	} {
		if c.err == nil {
			t.Errorf("%s: no error", c.name)
		}
	}
}

// The hand-written terms are the closed forms: the Bernoulli NLL of a
// perfect prediction of a binary image is 0 and of p = ½ is n log 2; the
// KL to the prior of N(0, I) is 0 and of N(μ, I) is ½‖μ‖²; GaussKL of two
// equal diagonal Gaussians is 0.
func TestL07ClosedForms(t *testing.T) {
	x := []float64{0, 1, 1, 0}
	if v := BernoulliNLL(x, x); v != 0 {
		t.Errorf("perfect prediction: %g, want 0", v)
	}
	if v := BernoulliNLL(x, []float64{0.5, 0.5, 0.5, 0.5}); math.Abs(v-4*math.Ln2) > 1e-12 {
		t.Errorf("p = ½: %g, want 4 log 2", v)
	}
	if v := KLToPrior([]float64{0, 0}, []float64{0, 0}); v != 0 {
		t.Errorf("KL(N(0, I) ‖ N(0, I)) = %g", v)
	}
	if v := KLToPrior([]float64{3, 4}, []float64{0, 0}); math.Abs(v-12.5) > 1e-12 {
		t.Errorf("KL(N(μ, I) ‖ N(0, I)) = %g, want 12.5", v)
	}
	c := mat.NewDense(2, 2, []float64{2, 0, 0, 3})
	if v := GaussKL([]float64{1, 2}, c, math.Log(6), []float64{1, 2}, []float64{2, 3}); math.Abs(v) > 1e-12 {
		t.Errorf("KL of equal Gaussians = %g", v)
	}
}

// PCA2 of points in a 2-D plane of R⁵ keeps all of their variance in two
// components and their pairwise distances (a rotation), to 1e-9.
func TestL07PCA2(t *testing.T) {
	u1 := []float64{1, 1, 0, 0, 0}
	u2 := []float64{0, 0, 1, -1, 1}
	var z [][]float64
	for i := range 20 {
		a, b := math.Sin(float64(i)), math.Cos(float64(3*i))
		row := make([]float64, 5)
		for j := range row {
			row[j] = 2 + a*u1[j] + b*u2[j]
		}
		z = append(z, row)
	}
	p, frac, err := PCA2(z)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(frac[0]+frac[1]-1) > 1e-9 {
		t.Errorf("variance fractions %v, want a sum of 1", frac)
	}
	dist := func(a, b []float64) float64 {
		s := 0.0
		for j := range a {
			s += (a[j] - b[j]) * (a[j] - b[j])
		}
		return math.Sqrt(s)
	}
	for i := range z {
		for j := range i {
			if d0, d1 := dist(z[i], z[j]), dist(p[i], p[j]); math.Abs(d0-d1) > 1e-9 {
				t.Fatalf("points %d, %d: distance %g in R⁵, %g projected", i, j, d0, d1)
			}
		}
	}
}

// AgentCentroid finds the rendered agent within a quarter pixel (0.025 m)
// of its true position, obstacles in the image or not.
func TestL07AgentCentroid(t *testing.T) {
	task, err := E2CPlanar(false).Task()
	if err != nil {
		t.Fatal(err)
	}
	sys := task.Sys.(*system.Planar)
	starts, err := task.Starts(20, 3)
	if err != nil {
		t.Fatal(err)
	}
	for _, x := range append(starts, task.Goal) {
		img, err := task.Observe(x, x)
		if err != nil {
			t.Fatal(err)
		}
		p := AgentCentroid(img, task.Width, task.Height, sys.World)
		if d := math.Hypot(p[0]-x[0], p[1]-x[1]); d > 0.025 {
			t.Errorf("agent at %v: centroid %v, %.3f m off", x, p, d)
		}
	}
}

// The live training scenario (quick) lowers the loss and keeps the KL
// terms finite and non-negative: the mean total over the last 10 steps is
// below that of the first 10.
func TestL07LiveTraining(t *testing.T) {
	t.Setenv(QuickEnv, "1")
	out, err := E2CTrainScenario{}.Run()
	if err != nil {
		t.Fatal(err)
	}
	o := out.(*E2CTrainOutcome)
	h := o.History
	if len(h) != E2CLive(true).Steps {
		t.Fatalf("%d steps, want %d", len(h), E2CLive(true).Steps)
	}
	first, last := lossCurve(h[:10], 10)[0], lossCurve(h[len(h)-10:], 10)[0]
	if !(last.Total < first.Total) {
		t.Errorf("loss did not fall: %v → %v", first, last)
	}
	for i, l := range h {
		if math.IsNaN(l.KLPrior) || math.IsInf(l.KLPrior, 0) || l.KLPrior < 0 || math.IsNaN(l.Trans) || math.IsInf(l.Trans, 0) || l.Trans < -1e-9 {
			t.Fatalf("step %d: KL terms %v", i, l)
		}
	}
	figs, err := o.Figures()
	if err != nil || len(figs) != 1 {
		t.Fatalf("figures %v, %v", figs, err)
	}
}

// Lesson 07's scenarios run in quick mode (loading the stored planar run)
// and make the figures they registered, with finite results.
func TestL07QuickScenarios(t *testing.T) {
	t.Setenv(QuickEnv, "1")
	figs, err := AllFigures([]string{"07"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range figs[0].Figures {
		got = append(got, f.Name)
	}
	if want := FigureNames("07"); !slices.Equal(got, want) {
		t.Errorf("figures %v, want %v", got, want)
	}
}

// The exercise's checker accepts the rank-one prediction and rejects the
// starter (which leaves out the rank-one part).
func TestL07Checker(t *testing.T) {
	right := func(v, r []float64, B *mat.Dense, o, z, u []float64) []float64 {
		rz := 0.0
		for j := range r {
			rz += r[j] * z[j]
		}
		out := make([]float64, len(z))
		for j := range z {
			out[j] = z[j] + v[j]*rz + o[j]
			for k := range u {
				out[j] += B.At(j, k) * u[k]
			}
		}
		return out
	}
	if err := CheckRankOneNext(right); err != nil {
		t.Errorf("right answer rejected: %v", err)
	}
	starter := func(v, r []float64, B *mat.Dense, o, z, u []float64) []float64 { return z }
	if err := CheckRankOneNext(starter); err == nil {
		t.Error("starter accepted")
	}
	if err := CheckRankOneNext(nil); err == nil {
		t.Error("nil accepted")
	}
}

// LinearR2 is 1 for states that are an affine function of the latents and
// near 0 for states independent of them (200 points, 3 unknowns: the
// chance fit explains about 3/200 of the variance, below 0.1).
func TestL07LinearR2(t *testing.T) {
	var z, exact, noise [][]float64
	for i := range 200 {
		a, b := math.Sin(float64(i)*1.3), math.Cos(float64(i)*0.7)
		z = append(z, []float64{a, b})
		exact = append(exact, []float64{2*a - b + 1, 0.5 * b})
		noise = append(noise, []float64{math.Sin(float64(i*i) * 12.9898)})
	}
	if r2, err := LinearR2(z, exact); err != nil || math.Abs(r2-1) > 1e-12 {
		t.Errorf("affine states: R² = %v, %v, want 1", r2, err)
	}
	if r2, err := LinearR2(z, noise); err != nil || r2 > 0.1 {
		t.Errorf("unrelated states: R² = %v, %v, want near 0", r2, err)
	}
	if _, err := LinearR2(z[:2], exact[:2]); err == nil {
		t.Error("2 rows for 3 unknowns: no error")
	}
}

// The prediction scenario's action sequence moves the agent freely: no
// move is blocked by an obstacle or a wall, so every true step is the free
// motion x + Δt·u (to 1e-12).
func TestL07PredictionPathFree(t *testing.T) {
	task, err := E2CPlanar(false).Task()
	if err != nil {
		t.Fatal(err)
	}
	sys := task.Sys.(*system.Planar)
	x := E2CPredictionStart()
	for k, u := range E2CPredictionActions(8, sys.MaxSpeed) {
		if blocked, err := sys.Blocked(x, u); err != nil || blocked {
			t.Fatalf("step %d from %v with u = %v: blocked %v, %v", k, x, u, blocked, err)
		}
		next := make([]float64, 2)
		if err := sys.Step(next, x, u); err != nil {
			t.Fatal(err)
		}
		for j := range next {
			if math.Abs(next[j]-(x[j]+sys.TimeStep*u[j])) > 1e-12 {
				t.Fatalf("step %d: %v → %v, not the free motion", k, x, next)
			}
		}
		x = next
	}
}
