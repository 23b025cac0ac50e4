package constrained

import (
	"math"
	"testing"

	"github.com/rlcontrol/rlcontrol/rl/internal/config/configtest"
)

// TestConfigWithDefaults: the zero configs give the documented defaults,
// and invalid values are errors naming the field and value.
func TestConfigWithDefaults(t *testing.T) {
	inner := InnerConfig{GradTol: 1e-10, AcceptTol: 1e-6, MaxIter: 1000}
	configtest.Defaults(t, InnerConfig.WithDefaults, InnerConfig{}, inner)
	configtest.Invalid(t, InnerConfig.WithDefaults, map[string]InnerConfig{
		"InnerConfig.GradTol = -1":     {GradTol: -1},
		"InnerConfig.AcceptTol = +Inf": {AcceptTol: math.Inf(1)},
		"InnerConfig.MaxIter = -1":     {MaxIter: -1},
	})

	configtest.Defaults(t, DGDConfig.WithDefaults, DGDConfig{}, DGDConfig{Alpha: 0.1, MaxIter: 1000, Tol: 1e-6, Inner: inner})
	configtest.Invalid(t, DGDConfig.WithDefaults, map[string]DGDConfig{
		"DGDConfig.Alpha = -2":   {Alpha: -2},
		"DGDConfig.MaxIter = -1": {MaxIter: -1},
		"DGDConfig.Tol = NaN":    {Tol: math.NaN()},
		"constrained: DGDConfig.Inner: InnerConfig.MaxIter = -3": {Inner: InnerConfig{MaxIter: -3}},
	})

	configtest.Defaults(t, ALConfig.WithDefaults, ALConfig{}, ALConfig{Rho: 1, RhoGrowth: 1, RhoShrink: 0.25, RhoMax: 1e8,
		MaxIter: 200, Tol: 1e-6, Inner: inner})
	configtest.Invalid(t, ALConfig.WithDefaults, map[string]ALConfig{
		"ALConfig.Rho = -1":                        {Rho: -1},
		"ALConfig.RhoGrowth = 0.5":                 {RhoGrowth: 0.5},
		"ALConfig.RhoShrink = 1":                   {RhoShrink: 1},
		"ALConfig.RhoMax = 5":                      {Rho: 10, RhoMax: 5},
		"ALConfig.MaxIter = -1":                    {MaxIter: -1},
		"ALConfig.Tol = -1":                        {Tol: -1},
		"ALConfig.Inner: InnerConfig.GradTol = -1": {Inner: InnerConfig{GradTol: -1}},
	})

	configtest.Defaults(t, AscentConfig.WithDefaults, AscentConfig{}, AscentConfig{Alpha: 1, EtaMin: 1e-8, MaxIter: 500, Tol: 0.1})
	configtest.Invalid(t, AscentConfig.WithDefaults, map[string]AscentConfig{
		"AscentConfig.Alpha = -1":   {Alpha: -1},
		"AscentConfig.EtaMin = -1":  {EtaMin: -1},
		"AscentConfig.MaxIter = -1": {MaxIter: -1},
		"AscentConfig.Tol = +Inf":   {Tol: math.Inf(1)},
	})

	configtest.Defaults(t, BracketConfig.WithDefaults, BracketConfig{}, BracketConfig{EtaMin: 1e-8, EtaMax: 1e16, Expand: 10, MaxIter: 100, Tol: 0.1})
	configtest.Invalid(t, BracketConfig.WithDefaults, map[string]BracketConfig{
		"BracketConfig.EtaMin = -1":    {EtaMin: -1},
		"BracketConfig.EtaMax = 1e-09": {EtaMax: 1e-9},
		"BracketConfig.Expand = 0.5":   {Expand: 0.5},
		"BracketConfig.MaxIter = -1":   {MaxIter: -1},
		"BracketConfig.Tol = -1":       {Tol: -1},
	})
}
