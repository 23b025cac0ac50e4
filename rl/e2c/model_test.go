package e2c

import (
	"bytes"
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"gonum.org/v1/gonum/mat"

	"github.com/rlcontrol/rlcontrol/rl/mlx"
)

// blobData returns n transitions of a blob moving in the unit square,
// drawn as a Gaussian spot on a side×side image: p' = clip(p + 0.1 u).
func blobData(n, side int, seed uint64) *Dataset {
	rng := rand.New(rand.NewPCG(seed, 7))
	draw := func(p []float64) []float64 {
		img := make([]float64, side*side)
		for i := 0; i < side; i++ {
			for j := 0; j < side; j++ {
				dx := (float64(j)+0.5)/float64(side) - p[0]
				dy := (float64(i)+0.5)/float64(side) - p[1]
				img[i*side+j] = math.Exp(-(dx*dx + dy*dy) / (2 * 0.12 * 0.12))
			}
		}
		return img
	}
	d := &Dataset{Name: "blob", Width: side, Height: side, Frames: 1}
	for k := 0; k < n; k++ {
		p := []float64{0.15 + 0.7*rng.Float64(), 0.15 + 0.7*rng.Float64()}
		u := []float64{2*rng.Float64() - 1, 2*rng.Float64() - 1}
		q := []float64{min(0.85, max(0.15, p[0]+0.1*u[0])), min(0.85, max(0.15, p[1]+0.1*u[1]))}
		d.X, d.U, d.XNext = append(d.X, draw(p)), append(d.U, u), append(d.XNext, draw(q))
		d.State, d.StateNext = append(d.State, p), append(d.StateNext, q)
	}
	return d
}

// smallConfig is a model small enough to train in a test.
func smallConfig(kind Kind) Config {
	return Config{Width: 8, Height: 8, Frames: 1, Action: 2, Latent: 2, Kind: kind,
		EncoderHidden: []int{32}, DecoderHidden: []int{32}, TransitionHidden: []int{16}, Seed: 3}
}

// TestKLTransitionMatchesDirect checks the closed form of KL(q̂ ‖ q) with
// A = I + v rᵀ against the textbook Gaussian KL computed with dense
// matrices (C = A Σ Aᵀ, its inverse-free trace, and log det C from an LU
// factorisation), for random v, r, variances and means. Both are float64
// computations of the same quantity of size ~1–10, so they agree to 1e-10
// relative unless the closed form is wrong.
func TestKLTransitionMatchesDirect(t *testing.T) {
	const n, batch = 3, 5
	rng := rand.New(rand.NewPCG(1, 2))
	vals := make([][]float64, 6) // v, r, lv, mNext, muN, lvN
	for k := range vals {
		vals[k] = make([]float64, batch*n)
		for i := range vals[k] {
			vals[k][i] = 0.8 * rng.NormFloat64()
		}
	}
	e := graph.MustNewExec(mlx.Backend(), func(in []*graph.Node) *graph.Node {
		mean := func(x *graph.Node) *graph.Node { return graph.DivScalar(graph.ReduceAllSum(x), batch) }
		return klTransition(in[0], in[1], in[2], in[3], in[4], in[5], n, mean)
	})
	args := make([]any, 6)
	for k := range args {
		args[k] = tensors.FromFlatDataAndDimensions(vals[k], batch, n)
	}
	out, err := e.Exec(args...)
	if err != nil {
		t.Fatal(err)
	}
	got := tensors.ToScalar[float64](out[0])

	want := 0.0
	for b := 0; b < batch; b++ {
		row := func(k int) []float64 { return vals[k][b*n : (b+1)*n] }
		v, r, lv, m0, m1, lv1 := row(0), row(1), row(2), row(3), row(4), row(5)
		A := mat.NewDense(n, n, nil)
		S := mat.NewDense(n, n, nil)
		S1inv := mat.NewDense(n, n, nil)
		logDetS1 := 0.0
		for i := 0; i < n; i++ {
			for j := 0; j < n; j++ {
				a := v[i] * r[j]
				if i == j {
					a++
				}
				A.Set(i, j, a)
			}
			S.Set(i, i, math.Exp(lv[i]))
			S1inv.Set(i, i, math.Exp(-lv1[i]))
			logDetS1 += lv1[i]
		}
		var C, tmp mat.Dense
		tmp.Mul(A, S)
		C.Mul(&tmp, A.T())
		var lu mat.LU
		lu.Factorize(&C)
		logDetC, _ := lu.LogDet()
		var P mat.Dense
		P.Mul(S1inv, &C)
		d := make([]float64, n)
		maha := 0.0
		for i := range d {
			d[i] = m1[i] - m0[i]
			maha += d[i] * d[i] * S1inv.At(i, i)
		}
		want += 0.5 * (mat.Trace(&P) + maha - n + logDetS1 - logDetC)

		// The log-determinant the package writes, Σ log σ² + 2 log|1 + vᵀr|,
		// against LU's.
		tr := &Transition{V: v, R: r}
		if lemma := sum(lv) + 2*tr.LogDetA(); math.Abs(lemma-logDetC) > 1e-10*math.Max(1, math.Abs(logDetC)) {
			t.Errorf("row %d: log det C = %.12g by the lemma, %.12g by LU", b, lemma, logDetC)
		}
	}
	want /= batch
	if math.Abs(got-want) > 1e-10*math.Max(1, math.Abs(want)) {
		t.Errorf("KL(q̂ ‖ q) = %.12g, direct computation %.12g", got, want)
	}
}

func sum(v []float64) float64 {
	s := 0.0
	for _, x := range v {
		s += x
	}
	return s
}

// TestTransitionAtMatchesGraph checks the plain-Go transition network
// (TransitionAt, used by the planner) against the graph's (used in
// training) at random latent points: the same float64 arithmetic in a
// different order, so 1e-12 relative.
func TestTransitionAtMatchesGraph(t *testing.T) {
	m, err := New(smallConfig(E2C))
	if err != nil {
		t.Fatal(err)
	}
	// Non-trivial weights: the default output scale makes A ≈ I.
	p := m.Params()
	rng := rand.New(rand.NewPCG(4, 4))
	for i := m.off[1]; i < m.off[2]; i++ {
		p[i] = 0.3 * rng.NormFloat64()
	}
	if err := m.SetParams(p); err != nil {
		t.Fatal(err)
	}
	nz, nu := m.cfg.Latent, m.cfg.Action
	e := graph.MustNewExec(mlx.Backend(), func(theta, z, u *graph.Node) *graph.Node {
		v, r, B, o := m.transitionNodes(theta, z)
		return graph.Add(graph.Add(applyA(v, r, z), applyB(B, u)), o)
	})
	for trial := 0; trial < 5; trial++ {
		z := []float64{rng.NormFloat64(), rng.NormFloat64()}
		u := []float64{rng.NormFloat64(), rng.NormFloat64()}
		out, err := e.Exec(m.thetaTensor(), tensors.FromFlatDataAndDimensions(z, 1, nz), tensors.FromFlatDataAndDimensions(u, 1, nu))
		if err != nil {
			t.Fatal(err)
		}
		want, _ := tensors.CopyFlatData[float64](out[0])
		got, err := m.Next(z, u)
		if err != nil {
			t.Fatal(err)
		}
		for i := range got {
			if math.Abs(got[i]-want[i]) > 1e-12*math.Max(1, math.Abs(want[i])) {
				t.Errorf("z=%v u=%v: Next[%d] = %.15g, graph %.15g", z, u, i, got[i], want[i])
			}
		}
	}
}

// TestTrainLossFalls trains each kind of small model for 300 steps on the
// moving blob and checks that the loss falls (the mean of the last 50
// steps below 80% of the first 50: an untrained decoder predicts ~0.5
// everywhere, a trained one draws the blob, so the reconstruction term
// falls far more than that), that every term stays finite, and that the
// KL terms are ≥ 0 (a KL is never negative; a single-sample estimate of
// KL(q̂ ‖ q) in closed form is a KL too).
func TestTrainLossFalls(t *testing.T) {
	d := blobData(400, 8, 1)
	for _, kind := range []Kind{E2C, VAE, AE} {
		m, err := New(smallConfig(kind))
		if err != nil {
			t.Fatal(err)
		}
		tr, err := NewTrainer(m, 2)
		if err != nil {
			t.Fatal(err)
		}
		var log bytes.Buffer
		if err := tr.Train(d, TrainConfig{Steps: 300, BatchSize: 32, LearningRate: 3e-3, Progress: &log}); err != nil {
			t.Fatalf("%v: %v", kind, err)
		}
		h := tr.History
		if len(h) != 300 {
			t.Fatalf("%v: %d history entries, want 300", kind, len(h))
		}
		first, last := 0.0, 0.0
		for i := 0; i < 50; i++ {
			first += h[i].Total / 50
			last += h[len(h)-50+i].Total / 50
		}
		if !(last < 0.8*first) {
			t.Errorf("%v: loss %.2f over the first 50 steps, %.2f over the last 50: did not fall", kind, first, last)
		}
		for i, l := range h {
			for _, v := range []float64{l.Total, l.Rec, l.Pred, l.KLPrior, l.Trans} {
				if math.IsNaN(v) || math.IsInf(v, 0) {
					t.Fatalf("%v: step %d: %v not finite", kind, i, l)
				}
			}
			if l.KLPrior < -1e-9 || (kind != AE && l.Trans < -1e-9) {
				t.Fatalf("%v: step %d: negative KL in %v", kind, i, l)
			}
		}
		lines := strings.Split(strings.TrimSpace(log.String()), "\n")
		if len(lines) != 20 || !strings.HasPrefix(lines[19], "step 300/300") || !strings.Contains(lines[0], "steps/s") {
			t.Errorf("%v: progress lines %q…, want 20 ending at step 300/300", kind, lines[0])
		}
	}
}

// TestCheckpointRoundTrip checks that a saved model reads back bit for bit,
// that a run stopped at a checkpoint and resumed ends with the same θ, bit
// for bit, as one that never stopped, and that truncated, corrupted or
// mismatched checkpoints are clear errors.
func TestCheckpointRoundTrip(t *testing.T) {
	d := blobData(100, 8, 2)
	dir := t.TempDir()
	cfg := TrainConfig{Steps: 40, BatchSize: 16, LearningRate: 2e-3}

	straight, _ := New(smallConfig(E2C))
	ts, _ := NewTrainer(straight, 5)
	if err := ts.Train(d, cfg); err != nil {
		t.Fatal(err)
	}

	m, _ := New(smallConfig(E2C))
	tr, _ := NewTrainer(m, 5)
	half := cfg
	half.Steps = 17 // stops inside an epoch of 100 / 16
	half.Checkpoint = filepath.Join(dir, "run.ckpt")
	if err := tr.Train(d, half); err != nil {
		t.Fatal(err)
	}
	resumed, err := LoadTrainer(half.Checkpoint)
	if err != nil {
		t.Fatal(err)
	}
	if resumed.Step() != 17 {
		t.Fatalf("resumed at step %d, want 17", resumed.Step())
	}
	if err := resumed.Train(d, cfg); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(resumed.Model.Params(), straight.Params()) {
		t.Error("stopped-and-resumed training ends with different parameters from uninterrupted training")
	}
	if len(resumed.History) != 40 || resumed.History[39] != ts.History[39] {
		t.Error("the resumed history differs from the uninterrupted one")
	}

	path := filepath.Join(dir, "model.ckpt")
	if err := straight.Save(path); err != nil {
		t.Fatal(err)
	}
	back, err := LoadModel(path)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(back.Params(), straight.Params()) {
		t.Error("a model read back differs from the saved one")
	}
	z1, _ := straight.Encode(d.X[:3])
	z2, _ := back.Encode(d.X[:3])
	for i := range z1 {
		if !slices.Equal(z1[i], z2[i]) {
			t.Errorf("image %d encodes to %v, read back %v", i, z1[i], z2[i])
		}
	}
	if _, err := LoadTrainer(path); err == nil || !strings.Contains(err.Error(), "not a trainer") {
		t.Errorf("LoadTrainer of a model checkpoint: err = %v, want a clear error", err)
	}

	data, _ := os.ReadFile(path)
	bad := map[string][]byte{
		"truncated": data[:len(data)-100],
		"corrupted": append(append([]byte(nil), data[:len(data)/2]...), append([]byte{data[len(data)/2] ^ 1}, data[len(data)/2+1:]...)...),
		"not e2c":   []byte("hello\n"),
		"empty":     nil,
	}
	for name, b := range bad {
		if _, err := ReadModel(bytes.NewReader(b)); err == nil {
			t.Errorf("%s checkpoint: no error", name)
		}
	}
	// A checkpoint of a different architecture: right CRC, wrong sizes.
	other, _ := New(Config{Width: 8, Height: 8, Frames: 1, Action: 2, EncoderHidden: []int{4}, DecoderHidden: []int{4}, TransitionHidden: []int{4}})
	h := other.header()
	h.NumParams = straight.NumParams()
	mismatched, _ := encode(h, straight.Params())
	if _, err := ReadModel(bytes.NewReader(mismatched)); err == nil || !strings.Contains(err.Error(), "parameters") {
		t.Errorf("mismatched checkpoint: err = %v, want one naming the parameter count", err)
	}
}

// TestBetaWeighsPrior: the objective is rec + pred + β·KL + λ·trans for E2C
// and rec + β·KL + trans for the VAE, with the terms reported unweighted;
// a model saved and loaded keeps its β.
func TestBetaWeighsPrior(t *testing.T) {
	d := blobData(8, 8, 3)
	for _, kind := range []Kind{E2C, VAE} {
		cfg := smallConfig(kind)
		cfg.Beta, cfg.Lambda = 0.3, 2
		m, err := New(cfg)
		if err != nil {
			t.Fatal(err)
		}
		l, err := m.Terms(d.X, d.U, d.XNext, 1)
		if err != nil {
			t.Fatal(err)
		}
		want := l.Rec + l.Pred + 0.3*l.KLPrior + 2*l.Trans
		if kind == VAE {
			want = l.Rec + 0.3*l.KLPrior + l.Trans
		}
		// One graph sums the same float64 terms in another order: 1e-12
		// relative is far above that rounding and far below any term.
		if math.Abs(l.Total-want) > 1e-12*math.Abs(want) || l.KLPrior <= 0 {
			t.Errorf("%v: total %v, want %v from the terms %+v", kind, l.Total, want, l)
		}
		path := filepath.Join(t.TempDir(), "m.ckpt")
		if err := m.Save(path); err != nil {
			t.Fatal(err)
		}
		back, err := LoadModel(path)
		if err != nil {
			t.Fatal(err)
		}
		if back.Config().Beta != 0.3 {
			t.Errorf("%v: loaded β = %v, want 0.3", kind, back.Config().Beta)
		}
	}
}

// cancelAt is a progress writer that cancels a context at its n-th line.
type cancelAt struct {
	n      int
	cancel context.CancelFunc
}

func (c *cancelAt) Write(p []byte) (int, error) {
	if c.n--; c.n == 0 {
		c.cancel()
	}
	return len(p), nil
}

// TestTrainContext: a cancelled context stops training between steps with
// an error wrapping context.Canceled; training on from there ends where an
// uninterrupted run does, bit for bit.
func TestTrainContext(t *testing.T) {
	d := blobData(60, 8, 4)
	cfg := TrainConfig{Steps: 20, BatchSize: 16, LearningRate: 2e-3, FinalLearningRate: 5e-4}
	straight, _ := New(smallConfig(E2C))
	ts, _ := NewTrainer(straight, 2)
	if err := ts.Train(d, cfg); err != nil {
		t.Fatal(err)
	}
	m, _ := New(smallConfig(E2C))
	tr, _ := NewTrainer(m, 2)
	ctx, cancel := context.WithCancel(context.Background())
	stop := cfg
	stop.Context, stop.Progress, stop.ProgressEvery = ctx, &cancelAt{n: 7, cancel: cancel}, 1
	err := tr.Train(d, stop)
	if !errors.Is(err, context.Canceled) || !strings.Contains(err.Error(), "stopped after step 7 of 20") || tr.Step() != 7 {
		t.Fatalf("cancelled training: error %v at step %d, want context.Canceled after step 7", err, tr.Step())
	}
	if err := tr.Train(d, cfg); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(m.Params(), straight.Params()) {
		t.Error("training stopped by its context and resumed ends with different parameters")
	}
}
