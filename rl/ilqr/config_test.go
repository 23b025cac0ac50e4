package ilqr

import (
	"math"
	"testing"

	"github.com/rlcontrol/rlcontrol/rl/cost"
	"github.com/rlcontrol/rlcontrol/rl/internal/config/configtest"
)

// TestConfigWithDefaults: the zero Config and MPCConfig give the documented
// defaults, and invalid values are errors naming the field and value.
func TestConfigWithDefaults(t *testing.T) {
	alphas := make([]float64, 11)
	for i := range alphas {
		alphas[i] = math.Pow(10, -0.3*float64(i))
	}
	want := Config{MaxIter: 200, TolFun: 1e-7, TolGrad: 1e-4, MuInit: 1, MuMin: 1e-6, MuMax: 1e10,
		MuFactor: 1.6, Alphas: alphas}
	configtest.Defaults(t, Config.WithDefaults, Config{}, want)
	configtest.Invalid(t, Config.WithDefaults, map[string]Config{
		"Config.MaxIter = -1":    {MaxIter: -1},
		"Config.TolFun = -1":     {TolFun: -1},
		"Config.TolGrad = NaN":   {TolGrad: math.NaN()},
		"Config.MuInit = -1":     {MuInit: -1},
		"Config.MuMin = +Inf":    {MuMin: math.Inf(1)},
		"Config.MuMax = 1e-07":   {MuMax: 1e-7},
		"Config.MuFactor = 0.5":  {MuFactor: 0.5},
		"Config.MinRatio = 1":    {MinRatio: 1},
		"Config.Alphas is empty": {Alphas: []float64{}},
		"Config.Alphas[1] = 0":   {Alphas: []float64{1, 0}},
	})

	mwant := MPCConfig{Horizon: 5, Steps: 3, ILQR: want}
	mwant.ILQR.MaxIter = 10
	configtest.Defaults(t, MPCConfig.WithDefaults, MPCConfig{Horizon: 5, Steps: 3}, mwant)
	configtest.Invalid(t, MPCConfig.WithDefaults, map[string]MPCConfig{
		"MPCConfig.Horizon = 0":                     {Steps: 1},
		"MPCConfig.Steps = -2":                      {Horizon: 1, Steps: -2},
		"ilqr: MPCConfig.ILQR: Config.MuFactor = 1": {Horizon: 1, Steps: 1, ILQR: Config{MuFactor: 1}},
	})
}

// TestMuInitBelowMuMin: MuInit below MuMin starts unregularised (μ = 0),
// as documented; the default starts at μ = 1.
func TestMuInitBelowMuMin(t *testing.T) {
	c, err := cost.Diagonal([]float64{1, 0.1}, []float64{0.01}, []float64{10, 1}, []float64{0, 0})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		cfg  Config
		want float64
	}{{Config{MuInit: 1e-9}, 0}, {Config{}, 1}, {Config{MuInit: 1e-3, MuMin: 1e-2}, 0}, {Config{MuInit: 1e-3}, 1e-3}} {
		res, err := Solve(doubleIntegrator(), c, []float64{1, -0.5}, zeros(20, 1), tc.cfg)
		if err != nil {
			t.Fatal(err)
		}
		if mu := res.History[0].Mu; mu != tc.want {
			t.Errorf("MuInit = %v, MuMin = %v: first μ = %v, want %v", tc.cfg.MuInit, tc.cfg.MuMin, mu, tc.want)
		}
	}
}
