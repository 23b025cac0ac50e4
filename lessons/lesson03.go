package lessons

import (
	"github.com/rlcontrol/rlcontrol/plotting"
)

func figures03(quick bool) ([]NamedFigure, error) {
	task := PendulumTask()
	if quick {
		task.Iterations = 8
	}
	return collect(
		step{"03-epsilon", func() (*plotting.Figure, error) {
			runs, err := EpsilonSweep(task, []float64{0.02, 0.5, 2, 50}, 1)
			if err != nil {
				return nil, err
			}
			return EpsilonFigure("Pendulum swing-up: cost per iteration for several ε", runs)
		}},
		step{"03-trust-region", func() (*plotting.Figure, error) {
			res, err := RunTask(task, FitGMMPrior, 5, 0.2, 1)
			if err != nil {
				return nil, err
			}
			return HistoryFigure("Pendulum: the trust region at work", res)
		}},
	)
}

func init() {
	register("03", legacyScenario(figures03), "03-epsilon", "03-trust-region")
}
