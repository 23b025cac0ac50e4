package policy

import (
	"math"
	"path/filepath"
	"testing"

	"github.com/rlcontrol/rlcontrol/rl/internal/config/configtest"
	"github.com/rlcontrol/rlcontrol/rl/nn"
)

// TestConfigWithDefaults: the zero optional fields give the documented
// defaults, and invalid values are errors naming the field and value.
func TestConfigWithDefaults(t *testing.T) {
	if DefaultInitStd != math.Exp(-0.5) || math.Log(DefaultInitStd) != -0.5 {
		t.Errorf("DefaultInitStd = %v, log %v; want e^−0.5 with log −0.5 exactly", DefaultInitStd, math.Log(DefaultInitStd))
	}
	configtest.Defaults(t, GaussianConfig.WithDefaults, GaussianConfig{ObsDim: 3, ActDim: 1},
		GaussianConfig{ObsDim: 3, ActDim: 1, Hidden: []int{64, 64}, InitStd: DefaultInitStd, OutputScale: 0.01})
	configtest.Invalid(t, GaussianConfig.WithDefaults, map[string]GaussianConfig{
		"GaussianConfig.ObsDim = 0":    {ActDim: 1},
		"GaussianConfig.ActDim = 0":    {ObsDim: 1},
		"GaussianConfig.InitStd = -1":  {ObsDim: 1, ActDim: 1, InitStd: -1},
		"GaussianConfig.InitStd = NaN": {ObsDim: 1, ActDim: 1, InitStd: math.NaN()},
		"Config.OutputScale = -1":      {ObsDim: 1, ActDim: 1, OutputScale: -1},
		"Config.Hidden[0] = 0":         {ObsDim: 1, ActDim: 1, Hidden: []int{0}},
	})

	configtest.Defaults(t, ValueConfig.WithDefaults, ValueConfig{ObsDim: 3}, ValueConfig{ObsDim: 3, Hidden: []int{64, 64}})
	configtest.Invalid(t, ValueConfig.WithDefaults, map[string]ValueConfig{
		"ValueConfig.ObsDim = 0":            {},
		"Config.Activation = Activation(9)": {ObsDim: 1, Activation: 9},
	})

	configtest.Defaults(t, ValueFitConfig.WithDefaults, ValueFitConfig{}, ValueFitConfig{Epochs: 5, BatchSize: 256, LearningRate: 1e-3})
	configtest.Invalid(t, ValueFitConfig.WithDefaults, map[string]ValueFitConfig{
		"ValueFitConfig.Epochs = -1":       {Epochs: -1},
		"ValueFitConfig.BatchSize = -1":    {BatchSize: -1},
		"ValueFitConfig.LearningRate = -1": {LearningRate: -1},
	})
}

// TestInitStd: the policy starts with logσ = log InitStd in every
// component, exactly.
func TestInitStd(t *testing.T) {
	for _, tc := range []struct{ std, logStd float64 }{{0, -0.5}, {1, 0}, {math.E, 1}, {math.Exp(-0.3), -0.3}} {
		g := MustNewGaussian(GaussianConfig{ObsDim: 2, ActDim: 2, Hidden: []int{3}, InitStd: tc.std})
		th := g.Params()
		if l := th[len(th)-2:]; l[0] != tc.logStd || l[1] != tc.logStd {
			t.Errorf("InitStd = %v: logσ = %v, want %v", tc.std, l, tc.logStd)
		}
	}
}

// TestReadOldCheckpoint: checkpoints written before InitStd replaced
// InitLogStd (testdata, written by the code of commit 90d6699) still load,
// with the same parameters and InitStd = e^init_log_std (σ = 1 when the
// field was omitted, the default then).
func TestReadOldCheckpoint(t *testing.T) {
	for _, tc := range []struct {
		file string
		cfg  GaussianConfig
	}{
		{"gaussian-v1-default.ckpt", GaussianConfig{ObsDim: 2, ActDim: 1, Hidden: []int{3}, Seed: 5, InitStd: 1}},
		{"gaussian-v1-logstd.ckpt", GaussianConfig{ObsDim: 2, ActDim: 2, Hidden: []int{3}, Seed: 6, InitStd: math.Exp(-0.5)}},
	} {
		g, err := LoadGaussian(filepath.Join("testdata", tc.file))
		if err != nil {
			t.Fatalf("%s: %v", tc.file, err)
		}
		want := MustNewGaussian(tc.cfg)
		th := want.Params()
		th[len(th)-1] = -1.25 // the file's learnt logσ
		for i, x := range g.Params() {
			if x != th[i] {
				t.Fatalf("%s: θ[%d] = %v, want %v", tc.file, i, x, th[i])
			}
		}
		cfg := g.Config()
		if cfg.InitStd != tc.cfg.InitStd || cfg.Seed != tc.cfg.Seed || cfg.OutputScale != 0.01 || cfg.Activation != nn.Tanh {
			t.Errorf("%s: config %+v, want %+v", tc.file, cfg, tc.cfg)
		}
		// Written again, it round-trips with the new header field.
		path := filepath.Join(t.TempDir(), "new.ckpt")
		if err := g.Save(path); err != nil {
			t.Fatal(err)
		}
		h, err := LoadGaussian(path)
		if err != nil {
			t.Fatal(err)
		}
		if h.Config().InitStd != tc.cfg.InitStd {
			t.Errorf("%s rewritten: InitStd = %v, want %v", tc.file, h.Config().InitStd, tc.cfg.InitStd)
		}
	}
}
