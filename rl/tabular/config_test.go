package tabular

import (
	"math"
	"testing"

	"github.com/rlcontrol/rlcontrol/rl/internal/config/configtest"
)

// TestConfigWithDefaults: the zero configs give the documented defaults,
// and invalid values are errors naming the field and value.
func TestConfigWithDefaults(t *testing.T) {
	configtest.Defaults(t, CPIConfig.WithDefaults, CPIConfig{}, CPIConfig{MaxIter: 1000, Tol: 1e-9})
	configtest.Invalid(t, CPIConfig.WithDefaults, map[string]CPIConfig{
		"CPIConfig.MaxIter = -1": {MaxIter: -1},
		"CPIConfig.Tol = -1":     {Tol: -1},
		"CPIConfig.Alpha = 2":    {Alpha: 2},
		"CPIConfig.Alpha = NaN":  {Alpha: math.NaN()},
	})
	configtest.Defaults(t, RandomOptions.WithDefaults, RandomOptions{}, RandomOptions{Concentration: 1})
	configtest.Invalid(t, RandomOptions.WithDefaults, map[string]RandomOptions{
		"RandomOptions.Concentration = -1": {Concentration: -1},
		"RandomOptions.Branching = -1":     {Branching: -1},
	})
}
