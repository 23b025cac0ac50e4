package dynfit

import (
	"math"
	"testing"

	"github.com/rlcontrol/rlcontrol/rl/internal/config/configtest"
	"github.com/rlcontrol/rlcontrol/rl/nn"
)

// TestConfigWithDefaults: the zero configs give the documented defaults
// (nested ones included), and invalid values are errors naming the field
// and value.
func TestConfigWithDefaults(t *testing.T) {
	em := GMMConfig{MaxIter: 100, Tol: 1e-5, Reg: 1e-6}
	configtest.Defaults(t, GMMConfig.WithDefaults, GMMConfig{}, em)
	configtest.Invalid(t, GMMConfig.WithDefaults, map[string]GMMConfig{
		"GMMConfig.MaxIter = -3": {MaxIter: -3},
		"GMMConfig.Tol = -1":     {Tol: -1},
		"GMMConfig.Reg = NaN":    {Reg: math.NaN()},
		"GMMConfig.Init = 4":     {Init: 4},
	})

	configtest.Defaults(t, GMMPriorConfig.WithDefaults, GMMPriorConfig{},
		GMMPriorConfig{MaxClusters: 20, MinSamplesPerCluster: 40, MaxSamples: 20, Strength: 1, EM: em})
	configtest.Invalid(t, GMMPriorConfig.WithDefaults, map[string]GMMPriorConfig{
		"GMMPriorConfig.MaxClusters = -1":               {MaxClusters: -1},
		"GMMPriorConfig.MinSamplesPerCluster = -4":      {MinSamplesPerCluster: -4},
		"GMMPriorConfig.MaxSamples = -2":                {MaxSamples: -2},
		"GMMPriorConfig.Strength = +Inf":                {Strength: math.Inf(1)},
		"dynfit: GMMPriorConfig.EM: GMMConfig.Reg = -1": {EM: GMMConfig{Reg: -1}},
	})

	fit := nn.FitConfig{Epochs: 200, BatchSize: 64, LearningRate: 3e-3, FinalLearningRate: 3e-5,
		Beta1: 0.9, Beta2: 0.999, Epsilon: 1e-8}
	configtest.Defaults(t, NNPriorConfig.WithDefaults, NNPriorConfig{},
		NNPriorConfig{Hidden: []int{64, 64}, Fit: fit, UpdateEpochs: 50, MeanStrength: 1, CovStrength: 1, Reg: 1e-2})
	// A LearningRate of one's own keeps a zero FinalLearningRate: constant.
	own := fit
	own.LearningRate, own.FinalLearningRate = 3e-3, 0
	configtest.Defaults(t, NNPriorConfig.WithDefaults, NNPriorConfig{Fit: nn.FitConfig{LearningRate: 3e-3}},
		NNPriorConfig{Hidden: []int{64, 64}, Fit: own, UpdateEpochs: 50, MeanStrength: 1, CovStrength: 1, Reg: 1e-2})
	configtest.Invalid(t, NNPriorConfig.WithDefaults, map[string]NNPriorConfig{
		"NNPriorConfig.UpdateEpochs = -1":                              {UpdateEpochs: -1},
		"NNPriorConfig.MaxSamples = -2":                                {MaxSamples: -2},
		"NNPriorConfig.MeanStrength = -1":                              {MeanStrength: -1},
		"NNPriorConfig.CovStrength = +Inf":                             {CovStrength: math.Inf(1)},
		"NNPriorConfig.Reg = -0.001":                                   {Reg: -1e-3},
		"Config.Hidden[0] = 0":                                         {Hidden: []int{0}},
		"dynfit: NNPriorConfig.Fit: nn: Fit: FitConfig.BatchSize = -1": {Fit: nn.FitConfig{BatchSize: -1}},
	})
}
