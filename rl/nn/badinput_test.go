package nn

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/gomlx/gomlx/core/graph"
	"github.com/rlcontrol/rlcontrol/rl/internal/badtest"
	"github.com/rlcontrol/rlcontrol/rl/mlx"
)

// craft returns a checkpoint with the given JSON header line and nParams
// parameters (all 0.5) under a valid checksum.
func craft(header string, nParams int) []byte {
	b := []byte(checkpointMagic + "\n" + header + "\n")
	for range nParams {
		b = binary.LittleEndian.AppendUint64(b, math.Float64bits(0.5))
	}
	return binary.LittleEndian.AppendUint32(b, crc32.ChecksumIEEE(b))
}

// header is a checkpoint header for In-Hidden-Out with the identity
// normaliser (nP parameters declared).
func header(in int, hidden []int, out, nP int) string {
	ones := func(n int) string { return strings.TrimSuffix(strings.Repeat("1,", n), ",") }
	zeros := func(n int) string { return strings.TrimSuffix(strings.Repeat("0,", n), ",") }
	h := strings.ReplaceAll(fmt.Sprint(hidden), " ", ",")
	return fmt.Sprintf(`{"version":1,"in":%d,"hidden":%s,"out":%d,"activation":"tanh","seed":0,"output_scale":1,"num_params":%d,"normalized":false,`+
		`"normalizer":{"InMean":[%s],"InStd":[%s],"OutMean":[%s],"OutStd":[%s]}}`, in, h, out, nP, zeros(in), ones(in), zeros(out), ones(out))
}

func readBytes(b []byte) error {
	_, err := ReadMLP(bytes.NewReader(b))
	return err
}

// linear returns the affine model In → Out with every weight w.
func linear(in, out int, w float64) *MLP {
	m := MustNew(Config{In: in, Hidden: []int{}, Out: out})
	p := m.Params()
	for i := range p {
		p[i] = w
	}
	if err := m.SetParams(p); err != nil {
		panic(err)
	}
	return m
}

func fitErr(m *MLP, X, Y [][]float64, cfg FitConfig) func() error {
	return func() error { _, err := m.Fit(X, Y, cfg); return err }
}

// TestBadInputNonFinite: NaN and ±Inf inputs, and blow-ups of finite
// inputs, are errors naming the value.
func TestBadInputNonFinite(t *testing.T) {
	nan, inf := math.NaN(), math.Inf(1)
	m := MustNew(Config{In: 2, Hidden: []int{3}, Out: 1})
	tiny := identityNormalizer(1, 1)
	tiny.InStd[0] = 1e-300
	keep := linear(1, 1, 1)
	if err := keep.SetNormalizer(tiny, false); err != nil {
		t.Fatal(err)
	}
	huge := linear(1, 1, 1e300)
	big := identityNormalizer(1, 1)
	big.InStd[0] = 1e10
	badtest.Run(t, []badtest.Case{
		badtest.Err("nan", "Fit X NaN", fitErr(m, [][]float64{{1, 2}, {nan, 0}}, [][]float64{{1}, {2}}, FitConfig{}), "X[1][0] = NaN"),
		badtest.Err("nan", "Fit Y Inf", fitErr(m, [][]float64{{1, 2}, {3, 0}}, [][]float64{{inf}, {2}}, FitConfig{}), "Y[0][0] = +Inf"),
		badtest.Err("nan", "Fit X near 1e300", fitErr(m, [][]float64{{1e300, 0}, {-1e300, 1}}, [][]float64{{1}, {2}}, FitConfig{Epochs: 1}), "X[0][0] = 1e+300"),
		badtest.Err("nan", "Fit X sum overflows", fitErr(m, [][]float64{{0, 1.7e308}, {1, 1.7e308}}, [][]float64{{1}, {2}}, FitConfig{Epochs: 1}), "X[0][1] = 1.7e+308"),
		badtest.Err("nan", "Fit Y near 1e300", fitErr(m, [][]float64{{0, 0}, {1, 1}}, [][]float64{{1}, {-1e300}}, FitConfig{Epochs: 1}), "Y[1][0] = -1e+300"),
		badtest.Err("nan", "Fit normalised X overflows", fitErr(keep, [][]float64{{1e10}, {0}}, [][]float64{{1}, {2}}, FitConfig{Epochs: 1, KeepNormalizer: true}), "X[0][0] = 1e+10"),
		badtest.Err("nan", "Predict overflows", func() error { _, err := huge.Predict([][]float64{{1e10}}); return err }, "y[0][0] = +Inf"),
		badtest.Err("nan", "Linearize overflows", func() error { _, _, err := huge.Linearize([][]float64{{1e10}}); return err }, "y[0][0] = +Inf"),
		badtest.Err("nan", "Predict NaN", func() error { _, err := m.Predict([][]float64{{1, nan}}); return err }, "x[0][1] = NaN"),
		badtest.Err("nan", "SetParams Inf", func() error { p := m.Params(); p[0] = -inf; return m.SetParams(p) }, "p[0] = -Inf"),
		badtest.Err("nan", "SetNormalizer overflows θ", func() error { return huge.Clone().SetNormalizer(big, true) }, "θ[0] = +Inf"),
		badtest.Err("nan", "SetNormalizer NaN", func() error {
			n := identityNormalizer(2, 1)
			n.InMean[0] = nan
			return m.SetNormalizer(n, false)
		}, "InMean[0] = NaN"),
	})
	if p := huge.Params(); p[0] != 1e300 {
		t.Errorf("a refused SetNormalizer changed θ[0] to %v", p[0])
	}
}

// TestBadInputNil: nil readers, writers, models and rows are errors.
func TestBadInputNil(t *testing.T) {
	var nilM *MLP
	m := MustNew(Config{In: 2, Hidden: []int{3}, Out: 1})
	x := [][]float64{{1, 2}}
	badtest.Run(t, []badtest.Case{
		badtest.Err("nil", "ReadMLP nil", func() error { _, err := ReadMLP(nil); return err }, "r is nil"),
		badtest.Err("nil", "ReadMLP typed nil", func() error { _, err := ReadMLP((*bytes.Reader)(nil)); return err }, "r is nil"),
		badtest.Err("nil", "WriteTo nil", func() error { _, err := m.WriteTo(nil); return err }, "w is nil"),
		badtest.Err("nil", "WriteTo typed nil", func() error { _, err := m.WriteTo((*bytes.Buffer)(nil)); return err }, "w is nil"),
		badtest.Err("nil", "nil Predict", func() error { _, err := nilM.Predict(x); return err }, "nil MLP"),
		badtest.Err("nil", "zero Predict", func() error { _, err := (&MLP{}).Predict(x); return err }, "nil MLP"),
		badtest.Err("nil", "nil Linearize", func() error { _, _, err := nilM.Linearize(x); return err }, "nil MLP"),
		badtest.Err("nil", "nil Fit", func() error { _, err := nilM.Fit(x, [][]float64{{1}}, FitConfig{}); return err }, "nil MLP"),
		badtest.Err("nil", "nil SetParams", func() error { return nilM.SetParams(nil) }, "nil MLP"),
		badtest.Err("nil", "nil SetNormalizer", func() error { return nilM.SetNormalizer(Normalizer{}, false) }, "nil MLP"),
		badtest.Err("nil", "nil WriteTo", func() error { _, err := nilM.WriteTo(&bytes.Buffer{}); return err }, "nil MLP"),
		badtest.Err("nil", "nil Save", func() error { return nilM.Save(t.TempDir() + "/m") }, "nil MLP"),
		badtest.Err("nil", "Forward nil node", func() error {
			_, err := graph.CallOnce(mlx.Backend(), func(x *graph.Node) *graph.Node { return m.Forward(nil, x) }, [][]float64{{1, 2}})
			return err
		}, "theta or x is a nil node"),
		badtest.Err("nil", "Fit nil X", func() error { _, err := m.Fit(nil, nil, FitConfig{}); return err }, "no samples"),
		badtest.Err("nil", "Predict nil row", func() error { _, err := m.Predict([][]float64{nil}); return err }, "x[0] has length 0"),
		badtest.Err("nil", "SetNormalizer nil slices", func() error { return m.SetNormalizer(Normalizer{}, false) }, "InMean has length 0"),
	})
}

// TestBadInputRagged: rows of the wrong length are errors naming the row.
func TestBadInputRagged(t *testing.T) {
	m := MustNew(Config{In: 2, Hidden: []int{3}, Out: 1})
	badtest.Run(t, []badtest.Case{
		badtest.Err("ragged", "Fit X", fitErr(m, [][]float64{{1, 2}, {3}}, [][]float64{{1}, {2}}, FitConfig{}), "X[1] has length 1, want 2"),
		badtest.Err("ragged", "Fit Y", fitErr(m, [][]float64{{1, 2}, {3, 4}}, [][]float64{{1}, {2, 3}}, FitConfig{}), "Y[1] has length 2, want 1"),
		badtest.Err("ragged", "Fit counts", fitErr(m, [][]float64{{1, 2}, {3, 4}}, [][]float64{{1}}, FitConfig{}), "2 inputs but 1 targets"),
		badtest.Err("ragged", "Predict", func() error { _, err := m.Predict([][]float64{{1, 2}, {1, 2, 3}}); return err }, "x[1] has length 3, want 2"),
		badtest.Err("ragged", "Jacobian", func() error { _, err := m.Jacobian([][]float64{{1}}); return err }, "x[0] has length 1, want 2"),
		badtest.Err("ragged", "SetParams", func() error { return m.SetParams(make([]float64, 3)) }, "3 parameters, want NumParams() = 13"),
		badtest.Err("ragged", "SetNormalizer", func() error {
			n := identityNormalizer(2, 2)
			n.OutMean = n.OutMean[:1]
			return m.SetNormalizer(n, false)
		}, "OutStd has length 2, want 1"),
	})
}

// TestBadInputOversized: sizes beyond limits.MaxElements are errors that
// name them, before anything is allocated.
func TestBadInputOversized(t *testing.T) {
	newErr := func(c Config) func() error { return func() error { _, err := New(c); return err } }
	wide := MustNew(Config{In: 1, Hidden: []int{}, Out: 1 << 20})
	square := MustNew(Config{In: 1 << 10, Hidden: []int{}, Out: 1 << 10})
	rows := make([][]float64, 1<<10)
	for i := range rows {
		rows[i] = []float64{0}
	}
	sqRows := make([][]float64, 1<<8)
	for i := range sqRows {
		sqRows[i] = make([]float64, 1<<10)
	}
	badtest.Run(t, []badtest.Case{
		badtest.Err("oversized", "In 1<<62 wraps", newErr(Config{In: 1 << 62, Out: 1}), "In × Hidden[0] = 4611686018427387904 × 64 is too large"),
		badtest.Err("oversized", "In 1<<40", newErr(Config{In: 1 << 40, Out: 1}), "In × Hidden[0] = 1099511627776 × 64 is too large"),
		badtest.Err("oversized", "hidden 1<<20", newErr(Config{In: 1, Hidden: []int{1 << 20, 1 << 20}, Out: 1}), "Hidden[0] × Hidden[1] = 1048576 × 1048576 is too large"),
		badtest.Err("oversized", "Out 1<<40", newErr(Config{In: 1, Hidden: []int{}, Out: 1 << 40}), "In × Out = 1 × 1099511627776 is too large"),
		badtest.Err("oversized", "many layers", newErr(Config{In: 1, Hidden: slices.Repeat([]int{1 << 10}, 131), Out: 1}), "parameters = 136451073 is too large"),
		badtest.Err("oversized", "Predict rows × Out", func() error { _, err := wide.Predict(rows); return err }, "rows × Out = 1024 × 1048576 is too large"),
		badtest.Err("oversized", "Jacobian rows × Out × In", func() error { _, err := square.Jacobian(sqRows); return err }, "rows × Out × In = 256 × 1024 × 1024 is too large"),
		badtest.Err("oversized", "Fit Epochs", fitErr(square, sqRows[:1], sqRows[:1], FitConfig{Epochs: 1 << 40}), "Epochs = 1099511627776, want 1 to 134217728"),
	})
}

// TestBadInputCheckpoint: crafted checkpoints with valid checksums are
// refused with an error naming the bad field, without allocating what
// they declare.
func TestBadInputCheckpoint(t *testing.T) {
	var good bytes.Buffer
	if _, err := MustNew(Config{In: 2, Hidden: []int{3}, Out: 1}).WriteTo(&good); err != nil {
		t.Fatal(err)
	}
	nanParams := craft(header(1, []int{}, 1, 2), 0)
	nanParams = append(nanParams[:len(nanParams)-4], binary.LittleEndian.AppendUint64(binary.LittleEndian.AppendUint64(nil, math.Float64bits(math.NaN())), 0)...)
	nanParams = binary.LittleEndian.AppendUint32(nanParams, crc32.ChecksumIEEE(nanParams))
	badtest.Run(t, []badtest.Case{
		badtest.Err("checkpoint", "2^20 × 2^20 layer in 300 bytes", func() error {
			h := strings.Replace(header(1, []int{1 << 20}, 1, 1<<40+2<<20+1), `"in":1`, `"in":1048576`, 1)
			if n := len(craft(h, 0)); n > 300 {
				t.Errorf("crafted checkpoint has %d bytes", n)
			}
			return readBytes(craft(h, 0))
		}, "In × Hidden[0] = 1048576 × 1048576 is too large"),
		badtest.Err("checkpoint", "512 MiB declared, 16 bytes present", func() error {
			return readBytes(craft(header(1<<13, []int{1 << 13}, 1, 67125249), 2))
		}, "declares 67125249 parameters (537001992 bytes) but the checkpoint holds 16 bytes"),
		badtest.Err("checkpoint", "num_params mismatch", func() error { return readBytes(craft(header(1, []int{}, 1, 5), 5)) }, "header says 5 parameters, the architecture has 2"),
		badtest.Err("checkpoint", "negative in", func() error {
			return readBytes(craft(strings.Replace(header(1, []int{}, 1, 2), `"in":1`, `"in":-3`, 1), 2))
		}, "In = -3"),
		badtest.Err("checkpoint", "NaN parameter", func() error { return readBytes(nanParams) }, "parameters[0] = NaN"),
		badtest.Err("checkpoint", "normaliser length", func() error {
			return readBytes(craft(strings.Replace(header(2, []int{}, 1, 3), `"InStd":[1,1]`, `"InStd":[1]`, 1), 3))
		}, "InStd has length 1, want 2"),
		badtest.Err("checkpoint", "normaliser zero std", func() error {
			return readBytes(craft(strings.Replace(header(1, []int{}, 1, 2), `"OutStd":[1]`, `"OutStd":[0]`, 1), 2))
		}, "OutStd[0] = 0"),
		badtest.Err("checkpoint", "unknown activation", func() error {
			return readBytes(craft(strings.Replace(header(1, []int{}, 1, 2), `"tanh"`, `"sigmoid"`, 1), 2))
		}, `activation "sigmoid"`),
		badtest.Err("checkpoint", "version", func() error {
			return readBytes(craft(strings.Replace(header(1, []int{}, 1, 2), `"version":1`, `"version":7`, 1), 2))
		}, "version 7"),
		badtest.Err("checkpoint", "trailing data", func() error { return readBytes(craft(header(1, []int{}, 1, 2), 3)) }, "trailing data"),
		badtest.Err("checkpoint", "truncated", func() error { return readBytes(good.Bytes()[:good.Len()-9]) }, "checksum mismatch"),
		badtest.Err("checkpoint", "empty", func() error { return readBytes(nil) }, "not an MLP checkpoint"),
	})
}
