package e2c

import (
	"math"
	"path/filepath"
	"strings"
	"testing"
)

// TestModelBadInput: every bad argument of the model, its training and its
// checkpoints is an error naming the bad value, never a panic or a NaN
// passed on.
func TestModelBadInput(t *testing.T) {
	ok := smallConfig(E2C)
	m, err := New(ok)
	if err != nil {
		t.Fatal(err)
	}
	d := blobData(20, 8, 1)
	img := d.X[0]
	nan := math.NaN()
	withNaN := append([]float64(nil), img...)
	withNaN[5] = nan
	cfg := func(f func(*Config)) error {
		c := ok
		f(&c)
		_, err := New(c)
		return err
	}
	train := func(d *Dataset, tc TrainConfig) error {
		tr, err := NewTrainer(m, 1)
		if err != nil {
			return err
		}
		return tr.Train(d, tc)
	}
	wrongSize := blobData(5, 6, 1)
	empty := &Dataset{Width: 8, Height: 8, Frames: 1}
	var nilModel *Model
	cases := []struct {
		name string
		err  error
		want []string
	}{
		{"latent 0", cfg(func(c *Config) { c.Latent = -1 }), []string{"Latent = -1"}},
		{"action 0", cfg(func(c *Config) { c.Action = 0 }), []string{"Action = 0"}},
		{"image size", cfg(func(c *Config) { c.Width = 0 }), []string{"image size 0×8×1"}},
		{"kind", cfg(func(c *Config) { c.Kind = 7 }), []string{"Kind = Kind(7)"}},
		{"lambda", cfg(func(c *Config) { c.Lambda = nan }), []string{"Lambda = NaN"}},
		{"beta", cfg(func(c *Config) { c.Beta = -1 }), []string{"Beta = -1"}},
		{"hidden", cfg(func(c *Config) { c.DecoderHidden = []int{4, 0} }), []string{"DecoderHidden[1] = 0"}},
		{"encode wrong image size", func() error { _, err := m.Encode([][]float64{img[:10]}); return err }(), []string{"images[0] has length 10, want 64"}},
		{"encode NaN pixel", func() error { _, err := m.Encode([][]float64{withNaN}); return err }(), []string{"images[0][5] = NaN"}},
		{"encode none", func() error { _, err := m.Encode(nil); return err }(), []string{"no images"}},
		{"decode wrong latent", func() error { _, err := m.Decode([][]float64{{1, 2, 3}}); return err }(), []string{"z[0] has length 3, want 2"}},
		{"transition NaN", func() error { _, err := m.TransitionAt([]float64{nan, 0}); return err }(), []string{"z[0][0] = NaN"}},
		{"next wrong action", func() error { _, err := m.Next([]float64{0, 0}, []float64{1}); return err }(), []string{"u[0] has length 1, want 2"}},
		{"terms counts", func() error { _, err := m.Terms(d.X[:2], d.U[:1], d.XNext[:2], 1); return err }(), []string{"2 images, 1 actions"}},
		{"set params length", m.SetParams([]float64{1}), []string{"1 parameters"}},
		{"nil model", func() error { _, err := nilModel.Encode(d.X); return err }(), []string{"nil Model"}},
		{"train empty dataset", train(empty, TrainConfig{Steps: 1}), []string{"empty"}},
		{"train nil dataset", train(nil, TrainConfig{Steps: 1}), []string{"nil Dataset"}},
		{"train wrong image size", train(wrongSize, TrainConfig{Steps: 1}), []string{"6×6×1", "8×8×1"}},
		{"train steps", train(d, TrainConfig{Steps: -1}), []string{"Steps = -1"}},
		{"train learning rate", train(d, TrainConfig{LearningRate: nan}), []string{"LearningRate = NaN"}},
		{"train final rate", train(d, TrainConfig{FinalLearningRate: -1}), []string{"FinalLearningRate = -1"}},
		{"train diverges", train(d, TrainConfig{Steps: 30, LearningRate: 1e6}), []string{"diverged"}},
		{"load missing", func() error { _, err := LoadModel(filepath.Join(t.TempDir(), "none.ckpt")); return err }(), []string{"none.ckpt"}},
	}
	for _, c := range cases {
		if c.err == nil {
			t.Errorf("%s: no error", c.name)
			continue
		}
		for _, w := range c.want {
			if !strings.Contains(c.err.Error(), w) {
				t.Errorf("%s: error %q does not mention %q", c.name, c.err, w)
			}
		}
	}
}
