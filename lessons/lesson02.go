package lessons

import (
	"github.com/rlcontrol/rlcontrol/plotting"
)

func figures02(quick bool) ([]NamedFigure, error) {
	seeds, Ns := []uint64{1, 2, 3, 4, 5}, []int{5, 7, 10, 15, 20}
	if quick {
		seeds, Ns = seeds[:2], []int{5, 7, 10}
	}
	return collect(
		step{"02-model-error", func() (*plotting.Figure, error) {
			f, err := NewFitting(ArmTask(), 20, 20, 20, 1)
			if err != nil {
				return nil, err
			}
			if quick {
				f.NNEpochs = 50
			}
			curves, err := f.CompareFitters([]int{2, 3, 5, 7, 8, 10, 15, 20})
			if err != nil {
				return nil, err
			}
			return FitFigure("2-link arm: held-out model error", curves)
		}},
		step{"02-samples-per-iteration", func() (*plotting.Figure, error) {
			prior, err := SampleSweep(PointMassTask(), FitGMMPrior, Ns, seeds)
			if err != nil {
				return nil, err
			}
			ls, err := SampleSweep(PointMassTask(), FitLeastSquares, Ns, seeds)
			if err != nil {
				return nil, err
			}
			return SweepFigure("Point mass: final cost vs samples per iteration", []string{"GMM prior", "least squares"}, prior, ls)
		}},
	)
}

func init() {
	register("02", legacyScenario(figures02), "02-model-error", "02-samples-per-iteration")
}
