package nn

import (
	"math"
	"testing"

	"github.com/rlcontrol/rlcontrol/rl/internal/config/configtest"
)

// TestConfigWithDefaults: the zero optional fields give the documented
// defaults, and invalid values are errors naming the field and value.
func TestConfigWithDefaults(t *testing.T) {
	configtest.Defaults(t, Config.WithDefaults, Config{In: 2, Out: 1},
		Config{In: 2, Out: 1, Hidden: []int{64, 64}, OutputScale: 1})
	configtest.Defaults(t, Config.WithDefaults, Config{In: 2, Out: 1, Hidden: []int{}},
		Config{In: 2, Out: 1, Hidden: []int{}, OutputScale: 1})
	configtest.Invalid(t, Config.WithDefaults, map[string]Config{
		"Config.In = 0":                     {Out: 1},
		"Config.Out = 0":                    {In: 1},
		"Config.Hidden[1] = 0":              {In: 1, Out: 1, Hidden: []int{3, 0}},
		"Config.Activation = Activation(5)": {In: 1, Out: 1, Activation: 5},
		"Config.OutputScale = -1":           {In: 1, Out: 1, OutputScale: -1},
	})

	configtest.Defaults(t, FitConfig.WithDefaults, FitConfig{},
		FitConfig{Epochs: 50, BatchSize: 128, LearningRate: 1e-3, Beta1: 0.9, Beta2: 0.999, Epsilon: 1e-8})
	configtest.Invalid(t, FitConfig.WithDefaults, map[string]FitConfig{
		"FitConfig.Epochs = -1":            {Epochs: -1},
		"FitConfig.BatchSize = -1":         {BatchSize: -1},
		"FitConfig.LearningRate = +Inf":    {LearningRate: math.Inf(1)},
		"FitConfig.FinalLearningRate = -1": {FinalLearningRate: -1},
		"FitConfig.Beta1 = 1":              {Beta1: 1},
		"FitConfig.Beta2 = -0.5":           {Beta2: -0.5},
		"FitConfig.Epsilon = -1":           {Epsilon: -1},
	})
}
