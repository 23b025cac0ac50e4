package dynfit

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/rlcontrol/rlcontrol/rl/system"
	"gonum.org/v1/gonum/mat"
)

// threeClusters draws N points in 2-D from a known, well-separated mixture.
func threeClusters(rng *rand.Rand, N int) (*mat.Dense, [][2]float64, []float64) {
	means := [][2]float64{{0, 0}, {6, 0}, {0, 6}}
	weights := []float64{0.5, 0.3, 0.2}
	stds := [][2]float64{{1, 0.5}, {0.5, 1}, {0.7, 0.7}}
	data := mat.NewDense(N, 2, nil)
	for i := 0; i < N; i++ {
		u, k := rng.Float64(), 0
		for u > weights[k] {
			u -= weights[k]
			k++
		}
		data.Set(i, 0, means[k][0]+stds[k][0]*rng.NormFloat64())
		data.Set(i, 1, means[k][1]+stds[k][1]*rng.NormFloat64())
	}
	return data, means, weights
}

func TestGMMRecoversClusters(t *testing.T) {
	data, means, weights := threeClusters(rand.New(rand.NewPCG(30, 1)), 3000)
	for _, init := range []GMMInit{InitKMeansPP, InitRandom} {
		g, err := FitGMM(data, 3, GMMConfig{Init: init}, rand.New(rand.NewPCG(1, 2)))
		if err != nil {
			t.Fatal(err)
		}
		if !g.Converged {
			t.Errorf("init %d: not converged in %d steps", init, len(g.History)-1)
		}
		for c, mu := range means {
			best := -1
			for k := 0; k < 3; k++ {
				if best < 0 || dist2(g.Mean(k), mu) < dist2(g.Mean(best), mu) {
					best = k
				}
			}
			if d := math.Sqrt(dist2(g.Mean(best), mu)); d > 0.1 {
				t.Errorf("init %d: cluster %d mean %v, want %v", init, c, mat.Formatted(g.Mean(best).T()), mu)
			}
			if w := g.Weight(best); math.Abs(w-weights[c]) > 0.03 {
				t.Errorf("init %d: cluster %d weight %.3f, want %.3f", init, c, w, weights[c])
			}
		}
		t.Logf("init %d: %d EM steps, log-likelihood %.2f", init, len(g.History)-1, g.History[len(g.History)-1].LogLik)
	}
}

func dist2(v *mat.VecDense, p [2]float64) float64 {
	a, b := v.AtVec(0)-p[0], v.AtVec(1)-p[1]
	return a*a + b*b
}

// EM never decreases the log-likelihood, on
// clustered data with too many clusters and on point-mass transitions.
func TestGMMObjectiveNeverDecreases(t *testing.T) {
	clustered, _, _ := threeClusters(rand.New(rand.NewPCG(31, 1)), 1500)
	pm := systemSamples(t, system.NewPointMass(), rand.New(rand.NewPCG(31, 2)), 5, 60, 0.1, 0.5, circle)
	p, err := NewGMMPrior(GMMPriorConfig{})
	if err != nil {
		t.Fatal(err)
	}
	_ = p
	pmData := mat.NewDense(5*60, 10, nil)
	for i := 0; i < 5; i++ {
		for k := 0; k < 60; k++ {
			pmData.SetRow(i*60+k, append(append(append([]float64(nil), pm[i].X[k]...), pm[i].U[k]...), pm[i].X[k+1]...))
		}
	}
	for name, data := range map[string]*mat.Dense{"clustered": clustered, "point mass": pmData} {
		for seed := uint64(0); seed < 3; seed++ {
			for _, init := range []GMMInit{InitKMeansPP, InitRandom} {
				g, err := FitGMM(data, 6, GMMConfig{Init: init, Tol: 1e-12, MaxIter: 60}, rand.New(rand.NewPCG(seed, 0)))
				if err != nil {
					t.Fatal(err)
				}
				h := g.History
				for i := 1; i < len(h); i++ {
					if h[i].Reboots > 0 {
						continue
					}
					if h[i].LogLik < h[i-1].LogLik-1e-9*math.Abs(h[i-1].LogLik) {
						t.Errorf("%s, seed %d, init %d: log-likelihood fell at step %d: %.12g → %.12g", name, seed, init, i, h[i-1].LogLik, h[i].LogLik)
					}
				}
			}
		}
	}
}

// The same seed gives the same fit, bit for bit.
func TestGMMSeedReproducible(t *testing.T) {
	data, _, _ := threeClusters(rand.New(rand.NewPCG(32, 1)), 600)
	fit := func(seed uint64) *GMM {
		g, err := FitGMM(data, 4, GMMConfig{}, rand.New(rand.NewPCG(seed, 7)))
		if err != nil {
			t.Fatal(err)
		}
		return g
	}
	a, b := fit(5), fit(5)
	for k := 0; k < 4; k++ {
		if a.Weight(k) != b.Weight(k) || !mat.Equal(a.Mean(k), b.Mean(k)) || !mat.Equal(a.Cov(k), b.Cov(k)) {
			t.Errorf("cluster %d differs between two fits with the same seed", k)
		}
	}
}

// A cluster left without points (a warm start on data far from it) is
// rebooted instead of producing NaNs.
func TestGMMRebootsEmptyClusters(t *testing.T) {
	data, _, _ := threeClusters(rand.New(rand.NewPCG(33, 1)), 1500)
	g, err := FitGMM(data, 3, GMMConfig{}, rand.New(rand.NewPCG(1, 1)))
	if err != nil {
		t.Fatal(err)
	}
	// New data only around (−20, −20): every old cluster is far, and two of
	// them get no responsibility at all.
	rng := rand.New(rand.NewPCG(33, 2))
	far := mat.NewDense(300, 2, nil)
	for i := 0; i < 300; i++ {
		c := float64(i%3) * 4
		far.Set(i, 0, -40+c+0.3*rng.NormFloat64())
		far.Set(i, 1, -40+0.3*rng.NormFloat64())
	}
	if err := g.Refit(far, GMMConfig{}); err != nil {
		t.Fatal(err)
	}
	reboots := 0
	for _, h := range g.History {
		reboots += h.Reboots
	}
	if reboots == 0 {
		t.Error("no reboots")
	}
	for k := 0; k < 3; k++ {
		if !finite(g.Weight(k)) || g.Mean(k).AtVec(0) > -30 {
			t.Errorf("cluster %d: weight %v, mean %v", k, g.Weight(k), mat.Formatted(g.Mean(k).T()))
		}
	}
	ll, err := g.LogLikelihood(far)
	if err != nil || !finite(ll) {
		t.Fatalf("log-likelihood %v, %v", ll, err)
	}
	// And an init with duplicate points (fewer distinct points than K).
	dup := mat.NewDense(10, 2, nil)
	for i := 0; i < 10; i++ {
		dup.Set(i, 0, float64(i%2))
	}
	g2, err := FitGMM(dup, 4, GMMConfig{}, rand.New(rand.NewPCG(2, 2)))
	if err != nil {
		t.Fatal(err)
	}
	if ll, err := g2.LogLikelihood(dup); err != nil || !finite(ll) {
		t.Fatalf("duplicates: log-likelihood %v, %v", ll, err)
	}
}

// Responsibilities sum to one per point; MixtureWeights are their mean;
// Moments is the moment-matched Gaussian.
func TestGMMInference(t *testing.T) {
	data, _, _ := threeClusters(rand.New(rand.NewPCG(34, 1)), 900)
	g, err := FitGMM(data, 3, GMMConfig{}, rand.New(rand.NewPCG(3, 3)))
	if err != nil {
		t.Fatal(err)
	}
	pts := mat.DenseCopyOf(data.Slice(0, 7, 0, 2))
	R, err := g.Responsibilities(pts)
	if err != nil {
		t.Fatal(err)
	}
	w, err := g.MixtureWeights(pts)
	if err != nil {
		t.Fatal(err)
	}
	for k := 0; k < 3; k++ {
		mean := 0.0
		for i := 0; i < 7; i++ {
			mean += R.At(i, k) / 7
		}
		if math.Abs(mean-w[k]) > 1e-14 {
			t.Errorf("w[%d] = %v, mean responsibility %v", k, w[k], mean)
		}
	}
	for i := 0; i < 7; i++ {
		if s := mat.Sum(R.RowView(i)); math.Abs(s-1) > 1e-14 {
			t.Errorf("responsibilities of point %d sum to %v", i, s)
		}
	}
	// Moments against sampling: a direct formula with gonum.
	mu, S, err := g.Moments(w)
	if err != nil {
		t.Fatal(err)
	}
	wantMu := mat.NewVecDense(2, nil)
	for k := 0; k < 3; k++ {
		wantMu.AddScaledVec(wantMu, w[k], g.Mean(k))
	}
	wantS := mat.NewDense(2, 2, nil)
	for k := 0; k < 3; k++ {
		var d mat.VecDense
		d.SubVec(g.Mean(k), wantMu)
		var o mat.Dense
		o.Outer(1, &d, &d)
		o.Add(&o, g.Cov(k))
		o.Scale(w[k], &o)
		wantS.Add(wantS, &o)
	}
	if e := maxAbsDiff(mu, wantMu) + maxAbsDiff(S, wantS); e > 1e-12 {
		t.Errorf("moments off by %g", e)
	}
	// Log-likelihood against a direct sum of Gaussian densities.
	ll, err := g.LogLikelihood(pts)
	if err != nil {
		t.Fatal(err)
	}
	want := 0.0
	for i := 0; i < 7; i++ {
		p := 0.0
		for k := 0; k < 3; k++ {
			p += g.Weight(k) * gauss2(pts.RawRowView(i), g.Mean(k), g.Cov(k))
		}
		want += math.Log(p)
	}
	if math.Abs(ll-want) > 1e-10*math.Abs(want) {
		t.Errorf("log-likelihood %v, want %v", ll, want)
	}
}

// gauss2 is the 2-D Gaussian density, written out.
func gauss2(x []float64, mu *mat.VecDense, S *mat.SymDense) float64 {
	a, b, c := S.At(0, 0), S.At(0, 1), S.At(1, 1)
	det := a*c - b*b
	dx, dy := x[0]-mu.AtVec(0), x[1]-mu.AtVec(1)
	q := (c*dx*dx - 2*b*dx*dy + a*dy*dy) / det
	return math.Exp(-0.5*q) / (2 * math.Pi * math.Sqrt(det))
}

// floorEigen raises exactly the eigenvalues below the floor, and leaves a
// matrix already above it untouched.
func TestFloorEigen(t *testing.T) {
	rng := rand.New(rand.NewPCG(60, 1))
	for _, D := range []int{1, 2, 5, 10} {
		// Rank-deficient: a low-rank part plus nothing.
		a := mat.NewSymDense(D, nil)
		a.SymOuterK(1, randDense(rng, D, (D+1)/2))
		var es mat.EigenSym
		if !es.Factorize(a, false) {
			t.Fatal("EigenSym failed")
		}
		want := es.Values(nil)

		g := &GMM{k: 1, dim: D}
		g.scratch(1)
		const reg = 0.5
		fl := symFull(a)
		g.floorEigen(fl, reg)
		var ef mat.EigenSym
		ef.Factorize(mat.NewSymDense(D, fl), false)
		fv := ef.Values(nil)
		for i := range want {
			if e := math.Abs(fv[i] - math.Max(want[i], reg)); e > 1e-12*math.Max(1, want[D-1]) {
				t.Errorf("D=%d: floored eigenvalue %d = %v, want max(%v, %v)", D, i, fv[i], want[i], reg)
			}
		}
		bf := symFull(randSPD(rng, D, 1))
		orig := append([]float64(nil), bf...)
		g.floorEigen(bf, 1e-3)
		for i := range bf {
			if bf[i] != orig[i] {
				t.Fatalf("D=%d: floorEigen changed a matrix above the floor", D)
			}
		}
	}
}
