package lessons

import (
	"github.com/rlcontrol/rlcontrol/plotting"
	"github.com/rlcontrol/rlcontrol/rl/trpo"
)

func figures04(quick bool) ([]NamedFigure, error) {
	steps, seeds := 100000, []uint64{1, 2, 3}
	if quick {
		steps, seeds = 10000, []uint64{1}
	}
	return collect(step{"04-trpo-npg-vpg", func() (*plotting.Figure, error) {
		var curves []*Curve
		for _, alg := range []trpo.Algorithm{trpo.TRPO, trpo.NaturalPG, trpo.VanillaPG} {
			cfg := PendulumTRPOConfig(0)
			cfg.Algorithm, cfg.TotalSteps = alg, steps
			c, err := LearningCurve(alg.String(), cfg, seeds, nil)
			if err != nil {
				return nil, err
			}
			curves = append(curves, c)
		}
		return CurvesFigure("Pendulum: TRPO vs natural vs vanilla policy gradient", curves...)
	}})
}

func init() {
	register("04", legacyScenario(figures04), "04-trpo-npg-vpg")
}
