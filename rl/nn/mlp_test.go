package nn

import (
	"bytes"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/rlcontrol/rlcontrol/rl/mlx"
)

// randRows returns n rows of dim values, each N(0, scale²).
func randRows(rng *rand.Rand, n, dim int, scale float64) [][]float64 {
	x := make([][]float64, n)
	for i := range x {
		x[i] = make([]float64, dim)
		for j := range x[i] {
			x[i][j] = scale * rng.NormFloat64()
		}
	}
	return x
}

// randomNormalizer gives a model non-trivial input and output scalings.
func randomNormalizer(rng *rand.Rand, in, out int) Normalizer {
	n := identityNormalizer(in, out)
	for i := 0; i < in; i++ {
		n.InMean[i], n.InStd[i] = rng.NormFloat64(), 0.5+rng.Float64()
	}
	for k := 0; k < out; k++ {
		n.OutMean[k], n.OutStd[k] = rng.NormFloat64(), 0.5+2*rng.Float64()
	}
	return n
}

func sinData(N int) (X, Y [][]float64) {
	X, Y = make([][]float64, N), make([][]float64, N)
	for i := range X {
		x := -math.Pi + 2*math.Pi*float64(i)/float64(N-1)
		X[i], Y[i] = []float64{x}, []float64{math.Sin(x)}
	}
	return X, Y
}

// TestFitSin fits y = sin(x) on [−π, π] (256 points, a 1-32-32-1 tanh
// net, 1000 full-batch Adam steps, the step decaying from 1e-2 to 1e-3)
// and checks the error on a grid between the training points:
// max |N(x) − sin x| < 0.02 (it reaches about 0.006).
func TestFitSin(t *testing.T) {
	m := MustNew(Config{In: 1, Hidden: []int{32, 32}, Out: 1, Seed: 1})
	X, Y := sinData(256)
	hist, err := m.Fit(X, Y, FitConfig{Epochs: 1000, BatchSize: 256, LearningRate: 1e-2, FinalLearningRate: 1e-3})
	if err != nil {
		t.Fatal(err)
	}
	if len(hist) != 1000 {
		t.Fatalf("loss history has %d entries, want 1000", len(hist))
	}
	if !(hist[len(hist)-1] < 1e-3*hist[0]) {
		t.Errorf("loss went from %g to %g, want a 1000-fold decrease", hist[0], hist[len(hist)-1])
	}
	grid := make([][]float64, 301)
	for i := range grid {
		grid[i] = []float64{-math.Pi + 2*math.Pi*(float64(i)+0.5)/301}
	}
	P, err := m.Predict(grid)
	if err != nil {
		t.Fatal(err)
	}
	worst := 0.0
	for i := range grid {
		worst = math.Max(worst, math.Abs(P[i][0]-math.Sin(grid[i][0])))
	}
	t.Logf("final loss %.3g (normalised MSE), max error %.3g", hist[len(hist)-1], worst)
	if worst > 0.02 {
		t.Errorf("max |N(x) − sin x| = %g, want < 0.02", worst)
	}
}

// TestFitLinearModel fits with a batch size that does not divide N (the
// last minibatch is padded with zero-weight rows) and a 2-D target: the
// linear model (no hidden layer) must recover the affine map to 1e-6.
func TestFitLinearModel(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	X := randRows(rng, 300, 3, 2)
	A := [][]float64{{1, -2, 0.5}, {0.3, 0.1, -4}}
	c := []float64{10, -3}
	Y := make([][]float64, len(X))
	for i, x := range X {
		Y[i] = []float64{c[0], c[1]}
		for k := range A {
			for j := range x {
				Y[i][k] += A[k][j] * x[j]
			}
		}
	}
	m := MustNew(Config{In: 3, Hidden: []int{}, Out: 2, Seed: 2})
	if m.NumParams() != 3*2+2 {
		t.Fatalf("NumParams = %d, want 8", m.NumParams())
	}
	if _, err := m.Fit(X, Y, FitConfig{Epochs: 300, BatchSize: 64, LearningRate: 1e-2}); err != nil {
		t.Fatal(err)
	}
	J, err := m.Jacobian([][]float64{{0, 0, 0}})
	if err != nil {
		t.Fatal(err)
	}
	for k := range A {
		for j := range A[k] {
			if d := math.Abs(J[0].At(k, j) - A[k][j]); d > 1e-6 {
				t.Errorf("J[%d][%d] = %g, want %g", k, j, J[0].At(k, j), A[k][j])
			}
		}
	}
}

// TestJacobianFiniteDifferences compares Linearize with central finite
// differences of Predict (step 1e-6, float64 throughout): the difference
// is truncation O(h²) plus rounding O(ε/h) ≈ 1e-10, so we ask for 1e-7.
// It uses a random normaliser, both activations, and a batch above the
// graph chunk size (1024) with a size that is not a power of two.
func TestJacobianFiniteDifferences(t *testing.T) {
	for _, act := range []Activation{Tanh, ReLU} {
		rng := rand.New(rand.NewPCG(7, uint64(act)))
		m := MustNew(Config{In: 4, Hidden: []int{16, 8}, Out: 3, Activation: act, Seed: 3})
		if err := m.SetNormalizer(randomNormalizer(rng, 4, 3), false); err != nil {
			t.Fatal(err)
		}
		x := randRows(rng, 1100, 4, 1)
		y, J, err := m.Linearize(x)
		if err != nil {
			t.Fatal(err)
		}
		y0 := m.MustPredict(x)
		if !reflect.DeepEqual(y, y0) {
			// Both come from the same network; allow rounding only.
			for i := range y {
				for k := range y[i] {
					if math.Abs(y[i][k]-y0[i][k]) > 1e-12*(1+math.Abs(y0[i][k])) {
						t.Fatalf("%v: Linearize y[%d][%d] = %v, Predict %v", act, i, k, y[i][k], y0[i][k])
					}
				}
			}
		}
		const h = 1e-6
		// Finite differences on a subset of the points (all In directions
		// in one Predict call each for +h and −h).
		pts := []int{0, 1, 2, 500, 1023, 1024, 1099}
		var plus, minus [][]float64
		for _, i := range pts {
			for j := 0; j < 4; j++ {
				p, q := append([]float64{}, x[i]...), append([]float64{}, x[i]...)
				p[j] += h
				q[j] -= h
				plus, minus = append(plus, p), append(minus, q)
			}
		}
		yp, ym := m.MustPredict(plus), m.MustPredict(minus)
		worst := 0.0
		for n, i := range pts {
			for j := 0; j < 4; j++ {
				for k := 0; k < 3; k++ {
					fd := (yp[n*4+j][k] - ym[n*4+j][k]) / (2 * h)
					worst = math.Max(worst, math.Abs(fd-J[i].At(k, j)))
				}
			}
		}
		t.Logf("%v: max |J − finite differences| = %.2g", act, worst)
		if worst > 1e-7 {
			t.Errorf("%v: max |J − finite differences| = %g, want < 1e-7", act, worst)
		}
	}
}

// TestForwardInGraph uses Forward inside a user graph: its value must
// match Predict, and the gradient of a loss with respect to θ must match
// finite differences.
func TestForwardInGraph(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 9))
	m := MustNew(Config{In: 2, Hidden: []int{6}, Out: 2, Seed: 4})
	if err := m.SetNormalizer(randomNormalizer(rng, 2, 2), false); err != nil {
		t.Fatal(err)
	}
	x := randRows(rng, 5, 2, 1)
	flat := make([]float64, 0, 10)
	for _, r := range x {
		flat = append(flat, r...)
	}
	theta := m.Params()
	outs, err := graph.CallOnceN(mlx.Backend(), func(th, xn *graph.Node) []*graph.Node {
		y := m.Forward(th, xn)
		loss := graph.ReduceAllSum(graph.Mul(y, y)) // Σ y²
		return []*graph.Node{y, graph.Gradient(loss, th)[0]}
	}, tensors.FromFlatDataAndDimensions(theta, len(theta)), tensors.FromFlatDataAndDimensions(flat, 5, 2))
	if err != nil {
		t.Fatal(err)
	}
	y := tensors.MustCopyFlatData[float64](outs[0])
	grad := tensors.MustCopyFlatData[float64](outs[1])
	want := m.MustPredict(x)
	for i := range want {
		for k := range want[i] {
			if math.Abs(y[i*2+k]-want[i][k]) > 1e-12*(1+math.Abs(want[i][k])) {
				t.Errorf("Forward y[%d][%d] = %v, Predict %v", i, k, y[i*2+k], want[i][k])
			}
		}
	}
	loss := func(th []float64) float64 {
		c := m.Clone()
		if err := c.SetParams(th); err != nil {
			t.Fatal(err)
		}
		s := 0.0
		for _, r := range c.MustPredict(x) {
			for _, v := range r {
				s += v * v
			}
		}
		return s
	}
	for i := range theta {
		p, q := append([]float64{}, theta...), append([]float64{}, theta...)
		p[i] += 1e-6
		q[i] -= 1e-6
		fd := (loss(p) - loss(q)) / 2e-6
		if math.Abs(fd-grad[i]) > 1e-6*(1+math.Abs(fd)) {
			t.Errorf("∂loss/∂θ[%d] = %v, finite differences %v", i, grad[i], fd)
		}
	}
}

// TestSetNormalizerKeepsFunction re-expresses the weights in new units and
// checks that the predictions do not change (beyond rounding).
func TestSetNormalizerKeepsFunction(t *testing.T) {
	for _, hidden := range [][]int{{}, {5}, {5, 7}} {
		rng := rand.New(rand.NewPCG(11, uint64(len(hidden))))
		m := MustNew(Config{In: 3, Hidden: hidden, Out: 2, Seed: 5})
		if err := m.SetNormalizer(randomNormalizer(rng, 3, 2), false); err != nil {
			t.Fatal(err)
		}
		x := randRows(rng, 20, 3, 3)
		before := m.MustPredict(x)
		if err := m.SetNormalizer(randomNormalizer(rng, 3, 2), true); err != nil {
			t.Fatal(err)
		}
		after := m.MustPredict(x)
		for i := range before {
			for k := range before[i] {
				if d := math.Abs(after[i][k] - before[i][k]); d > 1e-12*(1+math.Abs(before[i][k])) {
					t.Errorf("hidden %v: y[%d][%d] changed from %v to %v", hidden, i, k, before[i][k], after[i][k])
				}
			}
		}
	}
}

// TestSeedReproducible: the same Config and FitConfig give bit-identical
// parameters, loss histories and predictions; another seed differs.
func TestSeedReproducible(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	X := randRows(rng, 200, 2, 1)
	Y := randRows(rng, 200, 1, 1)
	run := func(seed, fitSeed uint64) ([]float64, []float64, [][]float64) {
		m := MustNew(Config{In: 2, Hidden: []int{8, 8}, Out: 1, Seed: seed})
		h, err := m.Fit(X, Y, FitConfig{Epochs: 5, BatchSize: 32, Seed: fitSeed})
		if err != nil {
			t.Fatal(err)
		}
		return m.Params(), h, m.MustPredict(X)
	}
	p1, h1, y1 := run(1, 2)
	p2, h2, y2 := run(1, 2)
	if !reflect.DeepEqual(p1, p2) || !reflect.DeepEqual(h1, h2) || !reflect.DeepEqual(y1, y2) {
		t.Errorf("same seeds gave different results")
	}
	if p3, _, _ := run(2, 2); reflect.DeepEqual(p1, p3) {
		t.Errorf("different Config.Seed gave the same parameters")
	}
	if p4, _, _ := run(1, 3); reflect.DeepEqual(p1, p4) {
		t.Errorf("different FitConfig.Seed gave the same parameters")
	}
	a, b := MustNew(Config{In: 3, Out: 2, Seed: 42}), MustNew(Config{In: 3, Out: 2, Seed: 42})
	if !reflect.DeepEqual(a.Params(), b.Params()) {
		t.Errorf("New with the same seed gave different weights")
	}
}

// TestSaveLoadRoundTrip: a fitted model saved and loaded predicts bit for
// bit the same, with the same parameters, normaliser and configuration;
// damaged files are rejected.
func TestSaveLoadRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 3))
	m := MustNew(Config{In: 3, Hidden: []int{10, 4}, Out: 2, Activation: ReLU, Seed: 8, OutputScale: 0.1})
	X, Y := randRows(rng, 100, 3, 5), randRows(rng, 100, 2, 3)
	if _, err := m.Fit(X, Y, FitConfig{Epochs: 3}); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "model.mlp")
	if err := m.Save(path); err != nil {
		t.Fatal(err)
	}
	if err := m.Save(path); err != nil { // overwrite
		t.Fatal(err)
	}
	l, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(m.Params(), l.Params()) || !reflect.DeepEqual(m.Normalizer(), l.Normalizer()) ||
		!reflect.DeepEqual(m.Config(), l.Config()) {
		t.Errorf("loaded model differs from the saved one")
	}
	x := randRows(rng, 37, 3, 5)
	if !reflect.DeepEqual(m.MustPredict(x), l.MustPredict(x)) {
		t.Errorf("loaded model predicts differently")
	}
	_, J1, _ := m.Linearize(x)
	_, J2, _ := l.Linearize(x)
	if !reflect.DeepEqual(J1, J2) {
		t.Errorf("loaded model has different Jacobians")
	}
	// A second Fit of the loaded model continues like the original's.
	h1, err := m.Fit(X, Y, FitConfig{Epochs: 2})
	if err != nil {
		t.Fatal(err)
	}
	h2, err := l.Fit(X, Y, FitConfig{Epochs: 2})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(h1, h2) || !reflect.DeepEqual(m.Params(), l.Params()) {
		t.Errorf("continued training differs after Load")
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	if len(entries) != 1 {
		t.Errorf("Save left %d files in its directory, want 1", len(entries))
	}

	var buf bytes.Buffer
	if _, err := m.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	data := buf.Bytes()
	if _, err := ReadMLP(bytes.NewReader(data)); err != nil {
		t.Fatalf("ReadMLP of WriteTo output: %v", err)
	}
	bad := map[string][]byte{
		"truncated":        data[:len(data)-9],
		"corrupted":        append(append([]byte{}, data[:len(data)-20]...), append([]byte{data[len(data)-20] ^ 1}, data[len(data)-19:]...)...),
		"not a checkpoint": []byte("hello"),
		"empty":            nil,
	}
	for name, b := range bad {
		if _, err := ReadMLP(bytes.NewReader(b)); err == nil {
			t.Errorf("ReadMLP accepted a %s checkpoint", name)
		}
	}
	if _, err := Load(filepath.Join(t.TempDir(), "missing")); err == nil {
		t.Errorf("Load of a missing file succeeded")
	}
	if err := m.Save(filepath.Join(t.TempDir(), "no", "such", "dir", "m")); err == nil {
		t.Errorf("Save into a missing directory succeeded")
	}
}

// TestParams: SetParams(Params()) is the identity and Clone is
// independent.
func TestParams(t *testing.T) {
	m := MustNew(Config{In: 2, Hidden: []int{3}, Out: 1, Seed: 1})
	if got, want := m.NumParams(), 2*3+3+3*1+1; got != want {
		t.Fatalf("NumParams = %d, want %d", got, want)
	}
	p := m.Params()
	c := m.Clone()
	p[0] += 1
	if err := m.SetParams(p); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(m.Params(), p) {
		t.Errorf("Params after SetParams differ")
	}
	if reflect.DeepEqual(c.Params(), p) {
		t.Errorf("Clone shares parameters with the original")
	}
	x := [][]float64{{0.3, -1}}
	if reflect.DeepEqual(m.MustPredict(x), c.MustPredict(x)) {
		t.Errorf("changing a weight did not change the prediction")
	}
}

// TestProgressStops: returning true from Progress ends the fit early.
func TestProgressStops(t *testing.T) {
	X, Y := sinData(50)
	m := MustNew(Config{In: 1, Hidden: []int{4}, Out: 1})
	var seen []int
	h, err := m.Fit(X, Y, FitConfig{Epochs: 10, Progress: func(e int, loss float64) bool {
		seen = append(seen, e)
		if _, err := m.Predict(X[:1]); err != nil { // the model is usable here
			t.Error(err)
		}
		return e == 2
	}})
	if err != nil {
		t.Fatal(err)
	}
	if len(h) != 3 || !reflect.DeepEqual(seen, []int{0, 1, 2}) {
		t.Errorf("history %v, epochs seen %v; want 3 epochs", h, seen)
	}
}

func wantErr(t *testing.T, what string, err error, substr string) {
	t.Helper()
	if err == nil {
		t.Errorf("%s: no error", what)
	} else if !strings.Contains(err.Error(), substr) {
		t.Errorf("%s: error %q does not mention %q", what, err, substr)
	}
}

// TestBadInputs: bad configurations and data give errors, not panics, and
// a failed Fit leaves the model as it was.
func TestBadInputs(t *testing.T) {
	for _, c := range []struct {
		cfg  Config
		part string
	}{
		{Config{In: 0, Out: 1}, "In = 0"},
		{Config{In: 1, Out: -1}, "Out = -1"},
		{Config{In: 1, Out: 1, Hidden: []int{4, 0}}, "Hidden[1] = 0"},
		{Config{In: 1, Out: 1, Activation: 7}, "Activation"},
		{Config{In: 1, Out: 1, OutputScale: -1}, "OutputScale"},
		{Config{In: 1, Out: 1, OutputScale: math.NaN()}, "OutputScale"},
	} {
		_, err := New(c.cfg)
		wantErr(t, "New", err, c.part)
	}
	m := MustNew(Config{In: 2, Hidden: []int{3}, Out: 1})
	before := m.Params()
	good := [][]float64{{1, 2}, {3, 4}}
	_, err := m.Predict([][]float64{{1, 2}, {3}})
	wantErr(t, "Predict short row", err, "x[1] has length 1")
	_, err = m.Predict([][]float64{{1, math.NaN()}})
	wantErr(t, "Predict NaN", err, "x[0][1] = NaN")
	_, err = m.Jacobian([][]float64{{math.Inf(1), 0}})
	wantErr(t, "Jacobian Inf", err, "not finite")
	if y, err := m.Predict(nil); err != nil || len(y) != 0 {
		t.Errorf("Predict(nil) = %v, %v; want empty, nil", y, err)
	}
	Y := [][]float64{{1}, {2}}
	_, err = m.Fit(nil, nil, FitConfig{})
	wantErr(t, "Fit empty", err, "no samples")
	_, err = m.Fit(good, Y[:1], FitConfig{})
	wantErr(t, "Fit lengths", err, "2 inputs but 1 targets")
	_, err = m.Fit(good, [][]float64{{1}, {2, 3}}, FitConfig{})
	wantErr(t, "Fit Y dims", err, "Y[1] has length 2")
	_, err = m.Fit([][]float64{{1, 2}, {math.NaN(), 0}}, Y, FitConfig{})
	wantErr(t, "Fit NaN", err, "X[1][0] = NaN")
	for _, c := range []struct {
		cfg  FitConfig
		part string
	}{
		{FitConfig{Epochs: -1}, "Epochs"},
		{FitConfig{BatchSize: -3}, "BatchSize"},
		{FitConfig{LearningRate: -1e-3}, "LearningRate"},
		{FitConfig{LearningRate: math.Inf(1)}, "LearningRate"},
		{FitConfig{FinalLearningRate: math.NaN()}, "FinalLearningRate"},
		{FitConfig{Beta1: 1}, "Beta1"},
		{FitConfig{Beta2: -0.5}, "Beta2"},
		{FitConfig{Epsilon: -1}, "Epsilon"},
	} {
		_, err := m.Fit(good, Y, c.cfg)
		wantErr(t, "Fit config", err, c.part)
	}
	// Divergence is an error and leaves the model unchanged.
	_, err = m.Fit(good, [][]float64{{1}, {1e300}}, FitConfig{LearningRate: 1e300, KeepNormalizer: true})
	wantErr(t, "Fit diverging", err, "diverged")
	if !reflect.DeepEqual(m.Params(), before) || !reflect.DeepEqual(m.Normalizer(), identityNormalizer(2, 1)) {
		t.Errorf("a failed Fit changed the model")
	}
	wantErr(t, "SetParams length", m.SetParams(make([]float64, 3)), "want NumParams() = 13")
	p := m.Params()
	p[4] = math.NaN()
	wantErr(t, "SetParams NaN", m.SetParams(p), "p[4] = NaN")
	n := identityNormalizer(2, 1)
	n.InStd[1] = 0
	wantErr(t, "SetNormalizer zero std", m.SetNormalizer(n, true), "InStd[1] = 0")
	n = identityNormalizer(2, 2)
	wantErr(t, "SetNormalizer length", m.SetNormalizer(n, false), "OutMean has length 2")
	if !reflect.DeepEqual(m.Params(), before) {
		t.Errorf("rejected calls changed the parameters")
	}
	// Forward panics (inside graph building) on a wrong shape; Exec turns
	// that into an error.
	_, err = graph.CallOnce(mlx.Backend(), func(th, x *graph.Node) *graph.Node { return m.Forward(th, x) },
		tensors.FromFlatDataAndDimensions(m.Params(), m.NumParams()), tensors.FromFlatDataAndDimensions([]float64{1, 2, 3}, 1, 3))
	wantErr(t, "Forward shape", err, "want (Float64)[batch, 2]")
}
