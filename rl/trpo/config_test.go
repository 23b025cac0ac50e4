package trpo

import (
	"math"
	"testing"

	"github.com/rlcontrol/rlcontrol/rl/internal/config/configtest"
	"github.com/rlcontrol/rlcontrol/rl/policy"
)

// TestConfigWithDefaults: the zero Config gives the documented defaults
// (Value's included, and the one initial σ shared with package policy),
// invalid values are errors naming the field and value, and the negative
// settings that select λ = 0 and no damping are accepted and used.
func TestConfigWithDefaults(t *testing.T) {
	want := Config{TotalSteps: 100000, StepsPerIter: 4000, Envs: 8, Gamma: 0.99, Lambda: 0.97, MaxKL: 0.01,
		CGIters: 10, Damping: 0.1, FisherSubsample: 1, BacktrackIters: 10, BacktrackCoeff: 0.8,
		LearningRate: 0.01, Hidden: []int{64, 64}, InitStd: policy.DefaultInitStd,
		Value: policy.ValueFitConfig{Epochs: 5, BatchSize: 256, LearningRate: 1e-3}}
	configtest.Defaults(t, Config.WithDefaults, Config{}, want)
	if math.Log(want.InitStd) != -0.5 {
		t.Errorf("log of the default InitStd = %v, want −0.5 exactly", math.Log(want.InitStd))
	}
	configtest.Invalid(t, Config.WithDefaults, map[string]Config{
		"Config.Algorithm = 4":     {Algorithm: 4},
		"Config.TotalSteps = -1":   {TotalSteps: -1},
		"Config.StepsPerIter = -4": {StepsPerIter: -4},
		"Config.Envs = -8":         {Envs: -8},
		"Config.StepsPerIter = 1001 is not a multiple of Envs = 4": {StepsPerIter: 1001, Envs: 4},
		"Config.Gamma = 1.5":                                     {Gamma: 1.5},
		"Config.Lambda = 1.1":                                    {Lambda: 1.1},
		"Config.Lambda = NaN":                                    {Lambda: math.NaN()},
		"Config.MaxKL = -0.01":                                   {MaxKL: -0.01},
		"Config.CGIters = -1":                                    {CGIters: -1},
		"Config.Damping = -Inf":                                  {Damping: math.Inf(-1)},
		"Config.FisherSubsample = -5":                            {FisherSubsample: -5},
		"Config.BacktrackIters = -1":                             {BacktrackIters: -1},
		"Config.BacktrackCoeff = 1":                              {BacktrackCoeff: 1},
		"Config.LearningRate = -1":                               {LearningRate: -1},
		"Config.InitStd = -0.5":                                  {InitStd: -0.5},
		"Config.Hidden[1] = 0":                                   {Hidden: []int{16, 0}},
		"trpo: Config.Value: policy: ValueFitConfig.Epochs = -1": {Value: policy.ValueFitConfig{Epochs: -1}},
	})
	configtest.Valid(t, Config.WithDefaults, []Config{{Lambda: -1, Damping: -1}, {Lambda: 1, Damping: 2}},
		func(in, out Config) string {
			if l, d := out.gaeLambda(), out.damping(); l != max(in.Lambda, 0) || d != max(in.Damping, 0) {
				return "wrong λ or damping used"
			}
			return ""
		})
}
