package trajopt

import (
	"math"
	"testing"

	"github.com/rlcontrol/rlcontrol/rl/dynfit"
	"github.com/rlcontrol/rlcontrol/rl/internal/config/configtest"
)

// TestConfigWithDefaults: the zero Config, KLConfig, LeastSquares and
// WithPrior give the documented defaults, and invalid values are errors
// naming the field and value.
func TestConfigWithDefaults(t *testing.T) {
	kl := KLConfig{DualStep: 1, Tol: 0.1, MaxIter: 50, MinEta: 1e-8, MaxEta: 1e16, Eta0: 1}
	configtest.Defaults(t, KLConfig.WithDefaults, KLConfig{}, kl)
	configtest.Invalid(t, KLConfig.WithDefaults, map[string]KLConfig{
		"KLConfig.Method = 7":     {Method: 7},
		"KLConfig.DualStep = -1":  {DualStep: -1},
		"KLConfig.Tol = 2":        {Tol: 2},
		"KLConfig.MaxIter = -1":   {MaxIter: -1},
		"KLConfig.MinEta = -1":    {MinEta: -1},
		"KLConfig.MaxEta = 1e-09": {MaxEta: 1e-9},
		"KLConfig.Eta0 = 1e+20":   {Eta0: 1e20},
	})

	want := Config{Iterations: 10, Rollouts: 5, Epsilon: 0.2, MinStepMult: 0.01, MaxStepMult: 10, InitVar: 1,
		Fitter: LeastSquares{Reg: 1e-6}, KL: kl}
	configtest.Defaults(t, Config.WithDefaults, Config{}, want)
	configtest.Invalid(t, Config.WithDefaults, map[string]Config{
		"Config.Iterations = -1":                {Iterations: -1},
		"Config.Rollouts = -1":                  {Rollouts: -1},
		"Config.Epsilon = -1":                   {Epsilon: -1},
		"Config.MinStepMult = NaN":              {MinStepMult: math.NaN()},
		"Config.MaxStepMult = 0.001":            {MaxStepMult: 0.001},
		"Config.InitVar = +Inf":                 {InitVar: math.Inf(1)},
		"Config.X0Std = -1":                     {X0Std: -1},
		"Config.InitAction[1] = NaN":            {InitAction: []float64{0, math.NaN()}},
		"trajopt: Config.KL: KLConfig.Tol = -1": {KL: KLConfig{Tol: -1}},
	})

	prior := &dynfit.GMMPrior{}
	configtest.Defaults(t, WithPrior.WithDefaults, WithPrior{Prior: prior}, WithPrior{Prior: prior, Reg: 1e-6})
	configtest.Invalid(t, WithPrior.WithDefaults, map[string]WithPrior{
		"nil prior":          {},
		"WithPrior.Reg = -1": {Prior: prior, Reg: -1},
	})
}
