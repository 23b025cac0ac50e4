package policy

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"io"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/rlcontrol/rlcontrol/rl/nn"
)

// fuzzData returns data, with fix its checksums appended: the network
// checkpoint's (from "rlcontrol-nn-mlp" on) and the whole's, so that
// mutations reach the parsers behind them.
func fuzzData(data []byte, fix bool) []byte {
	if !fix {
		return data
	}
	data = data[:len(data):len(data)] // append copies: the fuzzer's input stays as it was
	if i := bytes.Index(data, []byte("rlcontrol-nn-mlp\n")); i >= 0 {
		data = binary.LittleEndian.AppendUint32(data, crc32.ChecksumIEEE(data[i:]))
	}
	return binary.LittleEndian.AppendUint32(data, crc32.ChecksumIEEE(data))
}

// addSeeds adds each checkpoint to f as it is and, with fix, without its
// checksums.
func addSeeds(f *testing.F, ckpts ...[]byte) {
	for _, c := range ckpts {
		f.Add(c, false)
		if i := bytes.Index(c, []byte("rlcontrol-nn-mlp\n")); i >= 0 && len(c) >= 8 {
			f.Add(c[:len(c)-8:len(c)-8], true)
		}
	}
}

// FuzzReadGaussian feeds ReadGaussian arbitrary bytes, seeded with
// checkpoints WriteTo wrote (several architectures and log-stds), the old
// checkpoints in testdata and crafted ones. It must never panic, hang or
// allocate more than the data holds: it returns an error or a policy with
// finite parameters that fit in the data, log-stds within ±MaxAbsLogStd, a
// valid configuration, and that writes and reads back to itself.
func FuzzReadGaussian(f *testing.F) {
	for _, cfg := range []GaussianConfig{
		{ObsDim: 1, ActDim: 1, Hidden: []int{}},
		{ObsDim: 3, ActDim: 2, Hidden: []int{4}, InitStd: 0.3, Seed: 1},
		{ObsDim: 2, ActDim: 1, Hidden: []int{3, 2}, Activation: nn.ReLU, OutputScale: 1, Seed: 2},
	} {
		var b bytes.Buffer
		if _, err := MustNewGaussian(cfg).WriteTo(&b); err != nil {
			f.Fatal(err)
		}
		addSeeds(f, b.Bytes())
	}
	for _, name := range []string{"gaussian-v1-default.ckpt", "gaussian-v1-logstd.ckpt"} {
		b, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		addSeeds(f, b)
	}
	f.Fuzz(func(t *testing.T, data []byte, fix bool) {
		fuzzReader(t, fuzzData(data, fix), ReadGaussian, func(g *Gaussian) error {
			for j, l := range g.LogStd() {
				if !(math.Abs(l) <= MaxAbsLogStd) {
					return fmt.Errorf("logσ[%d] = %v", j, l)
				}
			}
			if len(g.LogStd()) != g.ActDim() || len(g.Params()) != g.NumParams() {
				return fmt.Errorf("%d log-stds, %d parameters for ActDim %d, NumParams %d", len(g.LogStd()), len(g.Params()), g.ActDim(), g.NumParams())
			}
			_, err := g.Config().WithDefaults()
			return err
		})
	})
}

// FuzzReadValue is FuzzReadGaussian for ReadValue, seeded with value
// checkpoints with and without a fitted normaliser.
func FuzzReadValue(f *testing.F) {
	v := MustNewValue(ValueConfig{ObsDim: 2, Hidden: []int{3}, Seed: 1})
	w := MustNewValue(ValueConfig{ObsDim: 1, Hidden: []int{}})
	if _, err := w.Fit([][]float64{{0}, {1}, {2}}, []float64{-300, -200, -250}, ValueFitConfig{Epochs: 1}); err != nil {
		f.Fatal(err)
	}
	for _, x := range []*Value{v, w} {
		var b bytes.Buffer
		if _, err := x.WriteTo(&b); err != nil {
			f.Fatal(err)
		}
		addSeeds(f, b.Bytes())
	}
	f.Fuzz(func(t *testing.T, data []byte, fix bool) {
		fuzzReader(t, fuzzData(data, fix), ReadValue, func(v *Value) error {
			if v.MLP().Out() != 1 || v.ObsDim() < 1 {
				return fmt.Errorf("%d outputs, ObsDim %d", v.MLP().Out(), v.ObsDim())
			}
			return nil
		})
	})
}

// checkpointer is what ReadGaussian and ReadValue return.
type checkpointer interface {
	comparable
	io.WriterTo
	Params() []float64
}

// fuzzReader is the property both fuzz targets check: read(data) returns
// an error and no value, or a value x with finite parameters that fit in
// data, that valid accepts, and that writes, reads back and writes again
// to the same bytes.
func fuzzReader[T checkpointer](t *testing.T, data []byte, read func(io.Reader) (T, error), valid func(T) error) {
	var zero T
	x, err := read(bytes.NewReader(data))
	if err != nil {
		if x != zero {
			t.Fatalf("a value returned with the error %v", err)
		}
		return
	}
	p := x.Params()
	if 8*len(p) > len(data) {
		t.Fatalf("%d parameters from %d bytes", len(p), len(data))
	}
	for i, v := range p {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			t.Fatalf("θ[%d] = %v", i, v)
		}
	}
	if err := valid(x); err != nil {
		t.Fatalf("read an invalid value: %v", err)
	}
	var first, second bytes.Buffer
	if _, err := x.WriteTo(&first); err != nil {
		t.Fatal(err)
	}
	y, err := read(bytes.NewReader(first.Bytes()))
	if err != nil {
		t.Fatalf("reading back what WriteTo wrote: %v", err)
	}
	if _, err := y.WriteTo(&second); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(first.Bytes(), second.Bytes()) {
		t.Fatal("the value does not read back to itself")
	}
}
