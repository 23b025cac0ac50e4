package lessons

import (
	"fmt"
	"slices"

	"github.com/rlcontrol/rlcontrol/plotting"
	"github.com/rlcontrol/rlcontrol/rl/trpo"
)

// FigureSet is one lesson's exported figures.
type FigureSet struct {
	Lesson  string
	Figures []NamedFigure
}

// AllFigures runs every registered scenario with its default settings and
// returns the figures of each lesson, for `make figures`: the same code and
// settings the notebook cells run, so the exported figures are the inline
// ones. Quick() shortens the runs the scenarios compute live; stored results
// are loaded as in the notebooks. lessons restricts it to some lessons
// ("01", "02", …); none means all. progress, if not nil, is told each
// lesson before it runs. It fails if a scenario's figures are not the
// names it registered.
func AllFigures(lessons []string, progress func(lesson string)) ([]FigureSet, error) {
	var out []FigureSet
	for _, r := range registry {
		if len(lessons) > 0 && !slices.Contains(lessons, r.lesson) {
			continue
		}
		if len(out) == 0 || out[len(out)-1].Lesson != r.lesson {
			if progress != nil {
				progress(r.lesson)
			}
			out = append(out, FigureSet{Lesson: r.lesson})
		}
		o, err := r.scenario.Run()
		if err != nil {
			return nil, fmt.Errorf("lessons: lesson %s: %w", r.lesson, err)
		}
		figs, err := o.Figures()
		if err != nil {
			return nil, fmt.Errorf("lessons: lesson %s: %w", r.lesson, err)
		}
		got := make([]string, len(figs))
		for i, f := range figs {
			got[i] = f.Name
		}
		if !slices.Equal(got, r.figures) {
			return nil, fmt.Errorf("lessons: lesson %s: a scenario made figures %v, but registered %v", r.lesson, got, r.figures)
		}
		out[len(out)-1].Figures = append(out[len(out)-1].Figures, figs...)
	}
	return out, nil
}

func figures01(bool) ([]NamedFigure, error) {
	l, err := RunLesson01(SwingUp{}, Balance{})
	if err != nil {
		return nil, err
	}
	return l.Figures()
}

// collect builds named figures in order, stopping at the first error.
func collect(steps ...struct {
	name string
	fn   func() (*plotting.Figure, error)
}) ([]NamedFigure, error) {
	var out []NamedFigure
	for _, s := range steps {
		f, err := s.fn()
		if err != nil {
			return nil, fmt.Errorf("figure %s: %w", s.name, err)
		}
		out = append(out, NamedFigure{s.name, f})
	}
	return out, nil
}

type step = struct {
	name string
	fn   func() (*plotting.Figure, error)
}

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
