package policy

import (
	"bytes"
	"encoding/binary"
	"github.com/gomlx/gomlx/core/graph"
	"hash/crc32"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/rlcontrol/rlcontrol/rl/env"
	"github.com/rlcontrol/rlcontrol/rl/nn"

	"github.com/rlcontrol/rlcontrol/rl/internal/badtest"
	"github.com/rlcontrol/rlcontrol/rl/mlx"
)

// inGraph returns the error of a graph call of build on a [2, 2] input.
func inGraph(build func(x *graph.Node) *graph.Node) func() error {
	return func() error {
		_, err := graph.CallOnce(mlx.Backend(), build, [][]float64{{1, 2}, {3, 4}})
		return err
	}
}

// withCRC concatenates parts and appends their CRC-32, as both checkpoint
// layers end.
func withCRC(parts ...string) []byte {
	b := []byte(strings.Join(parts, ""))
	return binary.LittleEndian.AppendUint32(b, crc32.ChecksumIEEE(b))
}

// gaussianCkpt is a policy checkpoint with the given policy header around
// the network checkpoint mlp.
func gaussianCkpt(hdr string, mlp []byte) []byte {
	return withCRC(checkpointMagic+"\n", hdr+"\n", string(mlp))
}

func mlpBytes(t *testing.T, m *nn.MLP) []byte {
	var b bytes.Buffer
	if _, err := m.WriteTo(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// affinePolicy is the policy 1 → A with every mean weight w and logσ =
// logStd.
func affinePolicy(t *testing.T, obs, act int, w, logStd float64) *Gaussian {
	g := MustNewGaussian(GaussianConfig{ObsDim: obs, ActDim: act, Hidden: []int{}})
	p := g.Params()
	for i := range p {
		p[i] = w
		if i >= g.NumMeanParams() {
			p[i] = logStd
		}
	}
	if err := g.SetParams(p); err != nil {
		t.Fatal(err)
	}
	return g
}

// badEnv is a pendulum whose Step returns a NaN reward at step 3.
type badEnv struct {
	*env.Pendulum
	t int
}

func (e *badEnv) Reset(rng *rand.Rand) []float64 { e.t = 0; return e.Pendulum.Reset(rng) }
func (e *badEnv) Step(a []float64) ([]float64, float64, bool, error) {
	o, r, d, err := e.Pendulum.Step(a)
	if e.t++; e.t == 3 {
		r = math.NaN()
	}
	return o, r, d, err
}

// TestBadInputNonFinite: non-finite inputs and blow-ups of finite ones
// are errors naming the value.
func TestBadInputNonFinite(t *testing.T) {
	nan, inf := math.NaN(), math.Inf(1)
	g := testPolicy(t)
	rng := rand.New(rand.NewPCG(1, 1))
	obs := randObs(rng, 3, 3)
	setLogStd := func(l float64) func() error {
		return func() error { p := g.Params(); p[len(p)-1] = l; return g.SetParams(p) }
	}
	huge := affinePolicy(t, 1, 1, 1e300, 0)
	narrow := affinePolicy(t, 1, 1, 0, -700)
	wide := affinePolicy(t, 1, 1, 0, 0)
	v := MustNewValue(ValueConfig{ObsDim: 1, Hidden: []int{}})
	b := &Batch{Rew: []float64{0, 0}, Terminal: []bool{false, true}, End: []bool{false, true}, BootObs: [][]float64{nil, nil}}
	badtest.Run(t, []badtest.Case{
		badtest.Err("nan", "Act obs NaN", func() error { _, _, _, err := g.Act([][]float64{{0, nan, 0}}, rng); return err }, "obs[0][1] = NaN"),
		badtest.Err("nan", "LogProb act Inf", func() error { _, err := g.LogProb(obs[:1], [][]float64{{inf, 0}}); return err }, "act[0][0] = +Inf"),
		badtest.Err("nan", "SetParams logσ = 1000", setLogStd(1000), "logσ[1] = 1000"),
		badtest.Err("nan", "SetParams logσ = -1000", setLogStd(-1000), "logσ[1] = -1000"),
		badtest.Err("nan", "InitStd underflows", func() error { _, err := NewGaussian(GaussianConfig{ObsDim: 1, ActDim: 1, InitStd: 1e-320}); return err }, "InitStd = 1e-320"),
		badtest.Err("nan", "Act mean overflows", func() error { _, _, _, err := huge.Act([][]float64{{1e10}}, rng); return err }, "mean[0][0] = +Inf"),
		badtest.Err("nan", "Mean overflows", func() error { _, err := huge.Mean([][]float64{{1e10}}); return err }, "mean[0][0] = +Inf"),
		badtest.Err("nan", "LogProb overflows", func() error { _, err := narrow.LogProb([][]float64{{0}}, [][]float64{{1}}); return err }, "logp[0] = -Inf"),
		badtest.Err("nan", "MeanKL overflows", func() error { _, err := wide.MeanKL(narrow, [][]float64{{0}}); return err }, "mean KL = +Inf"),
		badtest.Err("nan", "Value.Fit returns 1e300", func() error {
			_, err := v.Fit([][]float64{{0}, {1}}, []float64{1, -1e300}, ValueFitConfig{Epochs: 1})
			return err
		}, "-1e+300"),
		badtest.Err("nan", "Value.Fit returns NaN", func() error { _, err := v.Fit([][]float64{{0}, {1}}, []float64{1, nan}, ValueFitConfig{}); return err }, "returns[1] = NaN"),
		badtest.Err("nan", "NextValues NaN", func() error { _, err := b.NextValues([]float64{0, nan}, nil); return err }, "values[1] = NaN"),
		badtest.Err("nan", "Rollouts NaN reward", func() error {
			vec := env.MustNewVec(func() env.Env { return &badEnv{Pendulum: env.NewPendulum()} }, 2, 1)
			_, err := Rollouts(pendulumPolicy(t), vec, 10, rng)
			return err
		}, "reward = NaN"),
	})
}

// TestBadInputNil: nil readers, writers, policies, value functions,
// batches and a zero Vec are errors.
func TestBadInputNil(t *testing.T) {
	var (
		nilG *Gaussian
		nilV *Value
		nilB *Batch
	)
	g := testPolicy(t)
	v := MustNewValue(ValueConfig{ObsDim: 3, Hidden: []int{4}})
	rng := rand.New(rand.NewPCG(1, 1))
	obs := randObs(rng, 2, 3)
	badtest.Run(t, []badtest.Case{
		badtest.Err("nil", "ReadGaussian nil", func() error { _, err := ReadGaussian(nil); return err }, "r is nil"),
		badtest.Err("nil", "ReadGaussian typed nil", func() error { _, err := ReadGaussian((*bytes.Reader)(nil)); return err }, "r is nil"),
		badtest.Err("nil", "ReadValue nil", func() error { _, err := ReadValue(nil); return err }, "r is nil"),
		badtest.Err("nil", "Gaussian.WriteTo nil", func() error { _, err := g.WriteTo(nil); return err }, "w is nil"),
		badtest.Err("nil", "Value.WriteTo typed nil", func() error { _, err := v.WriteTo((*bytes.Buffer)(nil)); return err }, "w is nil"),
		badtest.Err("nil", "nil Act", func() error { _, _, _, err := nilG.Act(obs, rng); return err }, "nil Gaussian"),
		badtest.Err("nil", "zero Act", func() error { _, _, _, err := (&Gaussian{}).Act(obs, rng); return err }, "nil Gaussian"),
		badtest.Err("nil", "nil Mean", func() error { _, err := nilG.Mean(obs); return err }, "nil Gaussian"),
		badtest.Err("nil", "nil LogProb", func() error { _, err := nilG.LogProb(obs, obs); return err }, "nil Gaussian"),
		badtest.Err("nil", "nil MeanKL", func() error { _, err := nilG.MeanKL(g, obs); return err }, "nil Gaussian"),
		badtest.Err("nil", "MeanKL nil other", func() error { _, err := g.MeanKL(nil, obs); return err }, "other is nil"),
		badtest.Err("nil", "nil SetParams", func() error { return nilG.SetParams(nil) }, "nil Gaussian"),
		badtest.Err("nil", "nil Gaussian.WriteTo", func() error { _, err := nilG.WriteTo(&bytes.Buffer{}); return err }, "nil Gaussian"),
		badtest.Err("nil", "nil Value.Predict", func() error { _, err := nilV.Predict(obs); return err }, "nil Value"),
		badtest.Err("nil", "zero Value.Fit", func() error { _, err := (&Value{}).Fit(obs, []float64{1, 2}, ValueFitConfig{}); return err }, "nil Value"),
		badtest.Err("nil", "nil Value.Evaluate", func() error { _, _, err := nilV.Evaluate(&Batch{}); return err }, "nil Value"),
		badtest.Err("nil", "Evaluate nil batch", func() error { _, _, err := v.Evaluate(nil); return err }, "batch is nil"),
		badtest.Err("nil", "nil NextValues", func() error { _, err := nilB.NextValues(nil, nil); return err }, "batch is nil"),
		badtest.Err("nil", "Act nil rng", func() error { _, _, _, err := g.Act(obs, nil); return err }, "rng is nil"),
		badtest.Err("nil", "Rollouts zero Vec", func() error { _, err := Rollouts(pendulumPolicy(t), &env.Vec{}, 8, rng); return err }, "no copies"),
		badtest.Err("nil", "Rollouts nil policy", func() error { _, err := Rollouts(nil, pendulumVec(t, 2, 1), 8, rng); return err }, "nil policy"),
		badtest.Err("nil", "LogProb nil node", inGraph(func(x *graph.Node) *graph.Node { return LogProb(x, nil, x) }), "logStd is a nil node"),
		badtest.Err("nil", "KL nil node", inGraph(func(x *graph.Node) *graph.Node { return KL(x, x, nil, x) }), "mean1 or the mean is a nil node"),
		badtest.Err("nil", "Entropy nil node", inGraph(func(*graph.Node) *graph.Node { return Entropy(nil) }), "logStd is nil"),
		badtest.Err("nil", "MeanLogStd nil node", inGraph(func(x *graph.Node) *graph.Node { m, _ := g.MeanLogStd(nil, x); return m }), "theta or obs is a nil node"),
		badtest.OK("nil", "nil Batch Len, BootIndex, MeanReturn", func() error {
			if m, n := nilB.MeanReturn(); nilB.Len() != 0 || nilB.BootIndex() != nil || m != 0 || n != 0 {
				t.Error("a nil batch is not empty")
			}
			return nil
		}),
	})
}

// TestBadInputRagged: rows and batch fields of the wrong length are
// errors naming them.
func TestBadInputRagged(t *testing.T) {
	g := testPolicy(t)
	rng := rand.New(rand.NewPCG(1, 1))
	obs := randObs(rng, 3, 3)
	short := randObs(rng, 3, 3)
	short[2] = short[2][:1]
	v := MustNewValue(ValueConfig{ObsDim: 3, Hidden: []int{4}})
	b := &Batch{Obs: obs, Rew: []float64{0, 0, 0}, Terminal: []bool{false, false, true}, End: []bool{false, false, true}, BootObs: [][]float64{nil}}
	b2 := *b
	b2.BootObs, b2.Terminal = [][]float64{nil, nil, nil}, []bool{false}
	b3 := *b
	b3.BootObs, b3.Obs = [][]float64{nil, nil, nil}, obs[:2]
	badtest.Run(t, []badtest.Case{
		badtest.Err("ragged", "Act", func() error { _, _, _, err := g.Act(short, rng); return err }, "obs[2] has length 1, want 3"),
		badtest.Err("ragged", "Mean", func() error { _, err := g.Mean(short); return err }, "obs[2] has length 1, want 3"),
		badtest.Err("ragged", "LogProb counts", func() error { _, err := g.LogProb(obs, obs[:2]); return err }, "3 observations but 2 actions"),
		badtest.Err("ragged", "LogProb act", func() error { _, err := g.LogProb(obs, obs); return err }, "act[0] has length 3, want 2"),
		badtest.Err("ragged", "MeanKL", func() error { _, err := g.MeanKL(g, short); return err }, "obs[2] has length 1, want 3"),
		badtest.Err("ragged", "SetParams", func() error { return g.SetParams(make([]float64, 3)) }, "3 parameters, want NumParams()"),
		badtest.Err("ragged", "Value.Fit counts", func() error { _, err := v.Fit(obs, []float64{1, 2}, ValueFitConfig{}); return err }, "3 observations but 2 returns"),
		badtest.Err("ragged", "Value.Predict", func() error { _, err := v.Predict(short); return err }, "obs[2] has length 1, want 3"),
		badtest.Err("ragged", "NextValues BootObs", func() error { _, err := b.NextValues([]float64{1, 2, 3}, nil); return err }, "BootObs has length 1, want 3"),
		badtest.Err("ragged", "NextValues Terminal", func() error { _, err := b2.NextValues([]float64{1, 2, 3}, nil); return err }, "Terminal has length 1, want 3"),
		badtest.Err("ragged", "Evaluate BootObs", func() error {
			b4 := *b
			b4.BootObs = [][]float64{nil, nil, {1, 2}}
			_, _, err := v.Evaluate(&b4)
			return err
		}, "Batch.BootObs[2] has length 2, want 3"),
		badtest.Err("nan", "Evaluate Obs NaN", func() error {
			b5 := *b
			b5.BootObs, b5.Obs = [][]float64{nil, nil, nil}, [][]float64{obs[0], {0, math.NaN(), 0}, obs[2]}
			_, _, err := v.Evaluate(&b5)
			return err
		}, "Batch.Obs[1][1] = NaN"),
		badtest.Err("ragged", "Evaluate Obs", func() error { _, _, err := v.Evaluate(&b3); return err }, "Obs has length 2, want 3"),
	})
}

// TestBadInputOversized: sizes beyond limits.MaxElements are errors naming
// them, before anything is allocated.
func TestBadInputOversized(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	wide := MustNewGaussian(GaussianConfig{ObsDim: 1, ActDim: 1 << 20, Hidden: []int{}})
	rows := make([][]float64, 1<<10)
	for i := range rows {
		rows[i] = []float64{0}
	}
	badtest.Run(t, []badtest.Case{
		badtest.Err("oversized", "Rollouts steps", func() error {
			_, err := Rollouts(pendulumPolicy(t), pendulumVec(t, 4, 1), 1<<40, rng)
			return err
		}, "steps × (ObsDim + 2·ActDim + 2) = 1099511627776 × 7 is too large"),
		badtest.Err("oversized", "NewGaussian ObsDim", func() error {
			_, err := NewGaussian(GaussianConfig{ObsDim: 1 << 40, ActDim: 1})
			return err
		}, "In × Hidden[0] = 1099511627776 × 64 is too large"),
		badtest.Err("oversized", "NewValue hidden", func() error {
			_, err := NewValue(ValueConfig{ObsDim: 1, Hidden: []int{1 << 20, 1 << 20}})
			return err
		}, "Hidden[0] × Hidden[1] = 1048576 × 1048576 is too large"),
		badtest.Err("oversized", "Act rows × ActDim", func() error { _, _, _, err := wide.Act(rows, rng); return err }, "rows × ActDim = 1024 × 1048576 is too large"),
		badtest.Err("oversized", "Mean rows × ActDim", func() error { _, err := wide.Mean(rows); return err }, "rows × ActDim = 1024 × 1048576 is too large"),
		badtest.Err("oversized", "Value.Fit Epochs", func() error {
			_, err := MustNewValue(ValueConfig{ObsDim: 1}).Fit(rows[:2], []float64{1, 2}, ValueFitConfig{Epochs: 1 << 40})
			return err
		}, "Epochs = 1099511627776, want 1 to 134217728"),
	})
}

// TestBadInputCheckpoint: crafted checkpoints with valid checksums are
// refused with an error naming the bad field, without allocating what
// they declare.
func TestBadInputCheckpoint(t *testing.T) {
	mlp := mlpBytes(t, nn.MustNew(nn.Config{In: 2, Hidden: []int{3}, Out: 1}))
	mlp2 := mlpBytes(t, nn.MustNew(nn.Config{In: 2, Hidden: []int{3}, Out: 2}))
	hdr := func(extra string) string { return `{"version":1,"kind":"gaussian","init_std":1` + extra + `}` }
	// A network header declaring a 2^20 × 2^20 layer, with no parameters.
	bigNet := string(withCRC("rlcontrol-nn-mlp\n", `{"version":1,"in":1048576,"hidden":[1048576],"out":1,"activation":"tanh","output_scale":1,"num_params":1099513724929,`+
		`"normalizer":{"InMean":[0],"InStd":[1],"OutMean":[0],"OutStd":[1]}}`+"\n"))
	read := func(b []byte) func() error {
		return func() error { _, err := ReadGaussian(bytes.NewReader(b)); return err }
	}
	badtest.Run(t, []badtest.Case{
		badtest.Err("checkpoint", "log_std 1000", read(gaussianCkpt(hdr(`,"log_std":[1000]`), mlp)), "log_std[0] = 1000"),
		badtest.Err("checkpoint", "log_std -1000", read(gaussianCkpt(hdr(`,"log_std":[0,-1000]`), mlp2)), "log_std[1] = -1000"),
		badtest.Err("checkpoint", "log_std count", read(gaussianCkpt(hdr(`,"log_std":[0]`), mlp2)), "1 log-stds for 2 actions"),
		badtest.Err("checkpoint", "init_std negative", read(gaussianCkpt(`{"version":1,"kind":"gaussian","init_std":-1,"log_std":[0]}`, mlp)), "InitStd = -1"),
		badtest.Err("checkpoint", "init_log_std 1000", read(gaussianCkpt(`{"version":1,"kind":"gaussian","init_log_std":1000,"log_std":[0]}`, mlp)), "InitStd = +Inf"),
		badtest.Err("checkpoint", "kind", read(gaussianCkpt(`{"version":1,"kind":"value"}`, mlp)), `holds a "value", want a "gaussian"`),
		badtest.Err("checkpoint", "version", read(gaussianCkpt(`{"version":3,"kind":"gaussian"}`, mlp)), "version 3"),
		badtest.Err("checkpoint", "2^20 × 2^20 layer in 300 bytes", func() error {
			b := gaussianCkpt(hdr(`,"log_std":[0]`), []byte(bigNet))
			if len(b) > 300 {
				t.Errorf("crafted checkpoint has %d bytes", len(b))
			}
			return read(b)()
		}, "In × Hidden[0] = 1048576 × 1048576 is too large"),
		badtest.Err("checkpoint", "value with 2 outputs", func() error {
			_, err := ReadValue(bytes.NewReader(withCRC(checkpointMagic+"\n", `{"version":1,"kind":"value"}`+"\n", string(mlp2))))
			return err
		}, "2 outputs, want 1"),
		badtest.Err("checkpoint", "inner checksum", read(gaussianCkpt(hdr(`,"log_std":[0]`), append(append([]byte(nil), mlp[:len(mlp)-1]...), mlp[len(mlp)-1]^1))), "checksum mismatch"),
		badtest.Err("checkpoint", "short", read([]byte(checkpointMagic)), "truncated"),
	})
}
