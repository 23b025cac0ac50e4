package lqr

import (
	"math"
	"testing"

	"github.com/rlcontrol/rlcontrol/rl/internal/config/configtest"
)

// TestOptionsWithDefaults: the zero Options are plain LQR, and an invalid
// Mu is an error naming it.
func TestOptionsWithDefaults(t *testing.T) {
	configtest.Defaults(t, Options.WithDefaults, Options{}, Options{})
	configtest.Invalid(t, Options.WithDefaults, map[string]Options{
		"Options.Mu = -1":   {Mu: -1},
		"Options.Mu = NaN":  {Mu: math.NaN()},
		"Options.Mu = +Inf": {Mu: math.Inf(1)},
	})
}
