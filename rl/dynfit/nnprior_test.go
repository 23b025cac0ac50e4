package dynfit

import (
	"fmt"
	"github.com/rlcontrol/rlcontrol/rl/system"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/rlcontrol/rlcontrol/rl/nn"
	"gonum.org/v1/gonum/mat"
)

// nnLinear is x' = A x + B u + w, w ~ N(0, noise²·I): n = 2, m = 1.
var (
	nnA = mat.NewDense(2, 2, []float64{1, 0.1, -0.2, 0.9})
	nnB = mat.NewDense(2, 1, []float64{0.05, 0.3})
)

// nnLinearSamples returns N rollouts of horizon T of the linear system
// from x_0 ~ N(0, I) with random actions u ~ N(0, 1).
func nnLinearSamples(rng *rand.Rand, N, T int, noise float64) system.Batch {
	s := make(system.Batch, N)
	for i := 0; i < N; i++ {
		x := []float64{rng.NormFloat64(), rng.NormFloat64()}
		s[i].X = [][]float64{x}
		for t := 0; t < T; t++ {
			u := []float64{rng.NormFloat64()}
			y := make([]float64, 2)
			for r := 0; r < 2; r++ {
				y[r] = nnA.At(r, 0)*x[0] + nnA.At(r, 1)*x[1] + nnB.At(r, 0)*u[0] + noise*rng.NormFloat64()
			}
			s[i].U = append(s[i].U, u)
			s[i].X = append(s[i].X, y)
			x = y
		}
	}
	return s
}

// nnStepPoints returns the rows [x_t, u_t, x_{t+1}] of step t.
func nnStepPoints(s system.Batch, t int) *mat.Dense {
	N := len(s)
	pts := mat.NewDense(N, 5, nil)
	for i := 0; i < N; i++ {
		row := append(append(append([]float64{}, s[i].X[t]...), s[i].U[t]...), s[i].X[t+1]...)
		pts.SetRow(i, row)
	}
	return pts
}

func nnMaxDiff(a, b mat.Matrix) float64 {
	r, c := a.Dims()
	d := 0.0
	for i := 0; i < r; i++ {
		for j := 0; j < c; j++ {
			d = math.Max(d, math.Abs(a.At(i, j)-b.At(i, j)))
		}
	}
	return d
}

// TestNNPriorLinearSystem trains the prior on two batches of rollouts of a
// noisy linear system (noise std 0.01) and checks that the network's
// linearisation approaches the true model: |Fx − A|, |Fu − B| < 0.03 and
// |f̄ − (A x + B u)| < 0.02 at the mean points of the time steps, and
// that Eval's μ̄ and the cross-covariance block of Φ agree with them. The
// residual covariance must be near the noise covariance (1e-4·I).
func TestNNPriorLinearSystem(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	p, err := NewNNPrior(NNPriorConfig{Hidden: []int{32, 32}, Seed: 3, UpdateEpochs: 50})
	if err != nil {
		t.Fatal(err)
	}
	var last system.Batch
	for it := 0; it < 2; it++ {
		last = nnLinearSamples(rng, 20, 20, 0.01)
		if err := p.Update(last); err != nil {
			t.Fatal(err)
		}
		loss := p.Loss()
		t.Logf("update %d: %d points, loss %.3g → %.3g", it, p.Points(), loss[0], loss[len(loss)-1])
	}
	if p.Points() != 800 || p.Rollouts() != 40 {
		t.Errorf("Points, Rollouts = %d, %d; want 800, 40", p.Points(), p.Rollouts())
	}
	R := p.ResidualCov()
	if R.At(0, 0) > 4e-4 || R.At(1, 1) > 4e-4 || R.At(0, 0) < 5e-5 {
		t.Errorf("residual covariance diagonal %v, %v; want near the noise variance 1e-4", R.At(0, 0), R.At(1, 1))
	}
	worstF, worstJ := 0.0, 0.0
	for _, step := range []int{0, 5, 19} {
		pts := nnStepPoints(last, step)
		mu0, Phi, m, n0, err := p.Eval(pts)
		if err != nil {
			t.Fatal(err)
		}
		if m != 1 || n0 != 1 {
			t.Errorf("m, n₀ = %v, %v; want the defaults 1, 1", m, n0)
		}
		xu := []float64{mu0.AtVec(0), mu0.AtVec(1), mu0.AtVec(2)}
		// The [x; u] part of μ̄ is the points' mean.
		for j := 0; j < 3; j++ {
			if d := math.Abs(xu[j] - mat.Sum(pts.ColView(j))/20); d > 1e-12 {
				t.Errorf("step %d: μ̄[%d] = %v is not the points' mean", step, j, xu[j])
			}
		}
		f, Fx, Fu, err := p.Linearize([][]float64{xu[:2]}, [][]float64{xu[2:]})
		if err != nil {
			t.Fatal(err)
		}
		for r := 0; r < 2; r++ {
			want := nnA.At(r, 0)*xu[0] + nnA.At(r, 1)*xu[1] + nnB.At(r, 0)*xu[2]
			worstF = math.Max(worstF, math.Abs(f[0][r]-want))
			if mu0.AtVec(3+r) != f[0][r] {
				t.Errorf("step %d: μ̄[%d] = %v, f̄ = %v", step, 3+r, mu0.AtVec(3+r), f[0][r])
			}
		}
		worstJ = math.Max(worstJ, math.Max(nnMaxDiff(Fx[0], nnA), nnMaxDiff(Fu[0], nnB)))
		// Φ's blocks: Σ_xu,x' = Σ_xu,xu·Jᵀ with J = [Fx Fu].
		J := mat.NewDense(2, 3, nil)
		J.Slice(0, 2, 0, 2).(*mat.Dense).Copy(Fx[0])
		J.Slice(0, 2, 2, 3).(*mat.Dense).Copy(Fu[0])
		var SJ mat.Dense
		SJ.Mul(Phi.SliceSym(0, 3), J.T())
		cross := mat.DenseCopyOf(mat.Matrix(Phi)).Slice(0, 3, 3, 5)
		if d := nnMaxDiff(&SJ, cross); d > 1e-12 {
			t.Errorf("step %d: Φ's cross block differs from Σ_xu,xu·Jᵀ by %g", step, d)
		}
	}
	t.Logf("max |f̄ − (A x + B u)| = %.3g, max |[Fx Fu] − [A B]| = %.3g", worstF, worstJ)
	if worstF > 0.02 || worstJ > 0.03 {
		t.Errorf("the network's linearisation is off: |f̄ − f| = %g, |J − [A B]| = %g; want < 0.02 and < 0.03", worstF, worstJ)
	}
}

// TestNNPriorEvalPSD: Φ is symmetric positive semi-definite, of size
// 2n+m, for many points, one point, and identical points.
func TestNNPriorEvalPSD(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 5))
	p, err := NewNNPrior(NNPriorConfig{Hidden: []int{8}, Fit: nn.FitConfig{Epochs: 5}})
	if err != nil {
		t.Fatal(err)
	}
	s := nnLinearSamples(rng, 5, 10, 0.1)
	if err := p.Update(s); err != nil {
		t.Fatal(err)
	}
	one := nnStepPoints(s, 3).Slice(0, 1, 0, 5).(*mat.Dense)
	same := mat.NewDense(4, 5, nil)
	for i := 0; i < 4; i++ {
		same.SetRow(i, one.RawRowView(0))
	}
	for name, pts := range map[string]*mat.Dense{"five": nnStepPoints(s, 3), "one": one, "identical": same} {
		mu0, Phi, m, n0, err := p.Eval(pts)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if mu0.Len() != 5 || Phi.SymmetricDim() != 5 {
			t.Fatalf("%s: μ₀ has length %d and Φ size %d, want 5", name, mu0.Len(), Phi.SymmetricDim())
		}
		if !(m > 0 && n0 > 0) {
			t.Errorf("%s: m, n₀ = %v, %v", name, m, n0)
		}
		var eig mat.EigenSym
		if !eig.Factorize(Phi, false) {
			t.Fatalf("%s: eigendecomposition failed", name)
		}
		vals := eig.Values(nil)
		if vals[0] < -1e-12*math.Max(1, vals[len(vals)-1]) {
			t.Errorf("%s: Φ has eigenvalue %g < 0", name, vals[0])
		}
		if vals[0] <= 0 {
			t.Errorf("%s: Φ is singular (λ_min = %g) although Reg > 0", name, vals[0])
		}
	}
	// Strengths are configurable and Φ scales with n₀.
	q, err := NewNNPrior(NNPriorConfig{Hidden: []int{8}, Fit: nn.FitConfig{Epochs: 5}, MeanStrength: 3, CovStrength: 4})
	if err != nil {
		t.Fatal(err)
	}
	if err := q.Update(s); err != nil {
		t.Fatal(err)
	}
	_, Phi1, _, _, _ := p.Eval(nnStepPoints(s, 3))
	_, Phi4, m, n0, _ := q.Eval(nnStepPoints(s, 3))
	if m != 3 || n0 != 4 {
		t.Errorf("m, n₀ = %v, %v; want 3, 4", m, n0)
	}
	var scaled mat.SymDense
	scaled.ScaleSym(4, Phi1)
	if d := nnMaxDiff(&scaled, Phi4); d > 1e-12*mat.Norm(Phi4, math.Inf(1)) {
		t.Errorf("Φ(n₀ = 4) differs from 4·Φ(n₀ = 1) by %g (same seed, same data)", d)
	}
}

// TestNNPriorMaxSamplesAndReproducible: the rollout cap drops the oldest,
// and the same seed and updates give the same prior bit for bit.
func TestNNPriorMaxSamplesAndReproducible(t *testing.T) {
	build := func() *NNPrior {
		rng := rand.New(rand.NewPCG(6, 7))
		p, err := NewNNPrior(NNPriorConfig{Hidden: []int{8}, Fit: nn.FitConfig{Epochs: 3}, MaxSamples: 6, Seed: 9})
		if err != nil {
			t.Fatal(err)
		}
		for it := 0; it < 2; it++ {
			if err := p.Update(nnLinearSamples(rng, 4, 5, 0.1)); err != nil {
				t.Fatal(err)
			}
		}
		return p
	}
	a, b := build(), build()
	if a.Rollouts() != 6 || a.Points() != 30 {
		t.Errorf("Rollouts, Points = %d, %d; want 6, 30", a.Rollouts(), a.Points())
	}
	pts := nnStepPoints(nnLinearSamples(rand.New(rand.NewPCG(1, 1)), 3, 5, 0.1), 2)
	mu1, Phi1, _, _, err1 := a.Eval(pts)
	mu2, Phi2, _, _, err2 := b.Eval(pts)
	if err1 != nil || err2 != nil {
		t.Fatal(err1, err2)
	}
	if !mat.Equal(mu1, mu2) || !mat.Equal(Phi1, Phi2) {
		t.Errorf("same seed and updates gave different priors")
	}
}

// TestNNPriorBadInput: errors, not panics, and a failed Update leaves the
// prior as it was.
func TestNNPriorBadInput(t *testing.T) {
	check := func(what string, err error, part string) {
		t.Helper()
		if err == nil {
			t.Errorf("%s: no error", what)
		} else if !strings.Contains(err.Error(), part) {
			t.Errorf("%s: error %q does not mention %q", what, err, part)
		}
	}
	for _, c := range []struct {
		cfg  NNPriorConfig
		part string
	}{
		{NNPriorConfig{MeanStrength: -1}, "MeanStrength"},
		{NNPriorConfig{CovStrength: math.Inf(1)}, "CovStrength"},
		{NNPriorConfig{Reg: -1e-3}, "Reg"},
		{NNPriorConfig{MaxSamples: -2}, "MaxSamples"},
		{NNPriorConfig{UpdateEpochs: -1}, "UpdateEpochs"},
		{NNPriorConfig{Hidden: []int{0}}, "Hidden[0]"},
		{NNPriorConfig{Fit: nn.FitConfig{BatchSize: -1}}, "BatchSize"},
	} {
		_, err := NewNNPrior(c.cfg)
		check("NewNNPrior", err, c.part)
	}
	p, err := NewNNPrior(NNPriorConfig{Hidden: []int{4}, Fit: nn.FitConfig{Epochs: 2}})
	if err != nil {
		t.Fatal(err)
	}
	_, _, _, _, err = p.Eval(mat.NewDense(2, 5, nil))
	check("Eval before Update", err, "call Update first")
	_, _, _, err = p.Linearize([][]float64{{0, 0}}, [][]float64{{0}})
	check("Linearize before Update", err, "call Update first")
	check("Update empty", p.Update(system.Batch{}), "empty batch")
	rng := rand.New(rand.NewPCG(8, 8))
	s := nnLinearSamples(rng, 3, 4, 0.1)
	s[1].X[2][0] = math.NaN()
	check("Update NaN", p.Update(s), "NaN")
	if err := p.Update(nnLinearSamples(rng, 3, 4, 0.1)); err != nil {
		t.Fatal(err)
	}
	// Different n.
	bad := system.Batch{{X: [][]float64{{1, 2, 3}, {1, 2, 3}}, U: [][]float64{{1}}}}
	check("Update dims", p.Update(bad), "earlier updates had n = 2")
	if p.Points() != 12 {
		t.Errorf("a failed Update changed the data set: %d points", p.Points())
	}
	_, _, _, _, err = p.Eval(mat.NewDense(2, 4, nil))
	check("Eval columns", err, "want 2n+m = 5")
	nanPts := mat.NewDense(2, 5, nil)
	nanPts.Set(1, 2, math.Inf(-1))
	_, _, _, _, err = p.Eval(nanPts)
	check("Eval Inf", err, "pts[1][2] = -Inf")
	_, _, _, _, err = p.Eval(nil)
	check("Eval nil", err, "nil or empty")
	_, _, _, err = p.Linearize([][]float64{{0, 0}}, nil)
	check("Linearize lengths", err, "1 states but 0 actions")
	_, err = p.Predict([][]float64{{0}}, [][]float64{{0}})
	check("Predict dims", err, "want n = 2 and m = 1")
}

// TestNNPriorFitWithPrior: with only two rollouts (fewer than n+m+1
// points per step, so least squares is underdetermined at every step) the
// NN prior trained on earlier data lets FitWithPrior recover the linear
// dynamics: the two points fix the slope along the one direction they
// span (their noise is small, 1e-3) and the prior's linearisation J gives
// the others, so the error is about the network's (< 0.05).
func TestNNPriorFitWithPrior(t *testing.T) {
	rng := rand.New(rand.NewPCG(10, 11))
	p, err := NewNNPrior(NNPriorConfig{Hidden: []int{32, 32}, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Update(nnLinearSamples(rng, 20, 20, 0.01)); err != nil {
		t.Fatal(err)
	}
	few := nnLinearSamples(rng, 2, 10, 1e-3)
	d, err := FitWithPrior(few, p, 1e-6)
	if err != nil {
		t.Fatal(err)
	}
	worst, worstPrior := 0.0, 0.0
	for step := range d.Fx {
		worst = math.Max(worst, math.Max(nnMaxDiff(d.Fx[step], nnA), nnMaxDiff(d.Fu[step], nnB)))
		pts := nnStepPoints(few, step)
		mu0, _, _, _, err := p.Eval(pts)
		if err != nil {
			t.Fatal(err)
		}
		_, Fx, Fu, err := p.Linearize([][]float64{{mu0.AtVec(0), mu0.AtVec(1)}}, [][]float64{{mu0.AtVec(2)}})
		if err != nil {
			t.Fatal(err)
		}
		worstPrior = math.Max(worstPrior, math.Max(nnMaxDiff(Fx[0], nnA), nnMaxDiff(Fu[0], nnB)))
	}
	t.Logf("max |[Fx Fu] − [A B]| over the steps: FitWithPrior %.3g, the network alone %.3g", worst, worstPrior)
	if worst > 0.05 {
		t.Errorf("FitWithPrior with the NN prior: |[Fx Fu] − [A B]| = %g, want < 0.05", worst)
	}
}

// Train the NN prior on rollouts of a linear system, then build the
// lecture's prior (μ̄, Σ̄) for the points of one time step and read off the
// network's linearisation there.
func ExampleNNPrior() {
	rng := rand.New(rand.NewPCG(1, 2))
	data := nnLinearSamples(rng, 20, 20, 0.01) // x' = A x + B u + w, n = 2, m = 1
	prior, err := NewNNPrior(NNPriorConfig{Hidden: []int{32, 32}, Seed: 1})
	if err != nil {
		panic(err)
	}
	if err := prior.Update(data); err != nil { // all samples of all iterations so far
		panic(err)
	}
	mu0, Phi, m, n0, err := prior.Eval(nnStepPoints(data, 5))
	if err != nil {
		panic(err)
	}
	fmt.Printf("μ₀: %d values, Φ: %d×%d, m = %v, n₀ = %v\n", mu0.Len(), Phi.SymmetricDim(), Phi.SymmetricDim(), m, n0)
	_, Fx, Fu, err := prior.Linearize([][]float64{{mu0.AtVec(0), mu0.AtVec(1)}}, [][]float64{{mu0.AtVec(2)}})
	if err != nil {
		panic(err)
	}
	fmt.Printf("[Fx Fu] within 0.05 of [A B]: %v\n", nnMaxDiff(Fx[0], nnA) < 0.05 && nnMaxDiff(Fu[0], nnB) < 0.05)
	// Output:
	// μ₀: 5 values, Φ: 5×5, m = 1, n₀ = 1
	// [Fx Fu] within 0.05 of [A B]: true
}
