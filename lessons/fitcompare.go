package lessons

import (
	"fmt"
	"math/rand/v2"

	"github.com/rlcontrol/rlcontrol/plotting"

	"github.com/rlcontrol/rlcontrol/rl/dynfit"
	"github.com/rlcontrol/rlcontrol/rl/lqr"
	"github.com/rlcontrol/rlcontrol/rl/nn"
	"github.com/rlcontrol/rlcontrol/rl/system"
	"github.com/rlcontrol/rlcontrol/rl/trajopt"
)

// FitCurve is one fitter's held-out one-step prediction error (RMS) against
// the number of rollouts it was fitted on.
type FitCurve struct {
	Name string
	N    []int
	RMSE []float64
}

// Fitting is the data set of lesson 02's model comparison: rollouts of one
// exploratory controller on a task, split into "history" (what earlier
// iterations saw, for the priors), "current" (this iteration's samples)
// and "test" (fresh rollouts for scoring).
type Fitting struct {
	Task                   Task
	Controller             *lqr.Controller
	History, Current, Test system.Batch
	// NNEpochs is the training length of the neural-network prior (0: its
	// default, 200 epochs; the quick lessons use fewer).
	NNEpochs int
}

// NewFitting samples the data: the controller is the loop's first,
// exploratory one (zero mean, variance 1), for all three parts.
func NewFitting(task Task, history, current, test int, seed uint64) (*Fitting, error) {
	return NewFittingFrom(task, nil, history, current, test, seed)
}

// NewFittingFrom is NewFitting with the history sampled from another
// controller, u ~ N(historyTorque, I) (nil: zero mean, as the current and
// test rollouts): earlier iterations that drove the system elsewhere, so a
// prior learnt from them is biased where the current controller goes.
func NewFittingFrom(task Task, historyTorque []float64, history, current, test int, seed uint64) (*Fitting, error) {
	if err := task.Validate(); err != nil {
		return nil, err
	}
	for _, c := range []struct {
		what string
		N    int
	}{{"NewFitting: history", history}, {"NewFitting: current", current}, {"NewFitting: test", test}} {
		if err := checkRollouts(c.what, c.N); err != nil {
			return nil, err
		}
	}
	n, m := task.System.StateDim(), task.System.ActionDim()
	c, err := lqr.NewConstantController(n, m, task.T, nil, 1)
	if err != nil {
		return nil, err
	}
	hc := c
	if historyTorque != nil {
		if hc, err = lqr.NewConstantController(n, m, task.T, historyTorque, 1); err != nil {
			return nil, fmt.Errorf("lessons: NewFittingFrom: history torque: %w", err)
		}
	}
	rng := rand.New(rand.NewPCG(seed, 2))
	f := &Fitting{Task: task, Controller: c}
	for _, part := range []struct {
		dst  *system.Batch
		ctrl *lqr.Controller
		N    int
	}{{&f.History, hc, history}, {&f.Current, c, current}, {&f.Test, c, test}} {
		if *part.dst, err = system.Rollouts(task.System, part.ctrl, task.X0, 0.05, part.N, task.T, rng); err != nil {
			return nil, err
		}
	}
	return f, nil
}

// first returns the first N rollouts of s.
func first(s system.Batch, N int) system.Batch {
	return s[:N]
}

// CompareFitters fits the first N current rollouts, for every N in Ns, with
// plain least squares (only where N ≥ n+m+1: below that the regression is
// underdetermined and the curve has no point), Bayesian linear regression
// whose prior mean is a least-squares fit to the history, the GMM prior and
// the neural-network prior (32×32 tanh MLP) trained on the history; and
// scores each model on the test rollouts.
func (f *Fitting) CompareFitters(Ns []int) ([]FitCurve, error) {
	hist, err := dynfit.LeastSquares(f.History, 1e-6)
	if err != nil {
		return nil, fmt.Errorf("lessons: fitting the history: %w", err)
	}
	gmm, err := dynfit.NewGMMPrior(dynfit.GMMPriorConfig{Seed: 1})
	if err != nil {
		return nil, err
	}
	if err := gmm.Update(f.History); err != nil {
		return nil, err
	}
	nnp, err := dynfit.NewNNPrior(dynfit.NNPriorConfig{Hidden: NNPriorHidden(), Seed: 1, Fit: nn.FitConfig{Epochs: f.NNEpochs}})
	if err != nil {
		return nil, err
	}
	if err := nnp.Update(f.History); err != nil {
		return nil, err
	}
	fitters := []struct {
		name string
		fit  func(s system.Batch) (*lqr.Dynamics, error)
	}{
		{"least squares", func(s system.Batch) (*lqr.Dynamics, error) { return dynfit.LeastSquares(s, 0) }},
		{"Bayesian regression", func(s system.Batch) (*lqr.Dynamics, error) {
			return dynfit.FitBayesian(s, dynfit.BayesPrior{Mean: hist, Strength: 1})
		}},
		{"GMM prior", func(s system.Batch) (*lqr.Dynamics, error) { return dynfit.FitWithPrior(s, gmm, 1e-6) }},
		{"network prior", func(s system.Batch) (*lqr.Dynamics, error) { return dynfit.FitWithPrior(s, nnp, 1e-6) }},
	}
	var out []FitCurve
	for _, ft := range fitters {
		c := FitCurve{Name: ft.name}
		for _, N := range Ns {
			if N < 1 || N > len(f.Current) {
				return nil, fmt.Errorf("lessons: CompareFitters: N = %d outside 1…%d", N, len(f.Current))
			}
			if ft.name == "least squares" && N < f.Task.System.StateDim()+f.Task.System.ActionDim()+1 {
				continue
			}
			d, err := ft.fit(first(f.Current, N))
			if err != nil {
				return nil, fmt.Errorf("lessons: %s with N = %d: %w", ft.name, N, err)
			}
			e, err := trajopt.ModelError(d, f.Test)
			if err != nil {
				return nil, err
			}
			c.N, c.RMSE = append(c.N, N), append(c.RMSE, e)
		}
		out = append(out, c)
	}
	return out, nil
}

// FitFigure plots held-out model error against rollouts on a log axis, one
// line per fitter; a curve starts where its fitter first has a model.
func FitFigure(title string, curves []FitCurve) (*plotting.Figure, error) {
	if len(curves) == 0 {
		return nil, fmt.Errorf("lessons: FitFigure: no curves")
	}
	var series []plotting.Series
	for _, c := range curves {
		x := make([]float64, len(c.N))
		for k, N := range c.N {
			x[k] = float64(N)
		}
		series = append(series, plotting.Series{Name: c.Name, X: x, Y: c.RMSE})
	}
	return plotting.LinesLogY(title, "rollouts fitted on (N)", "one-step RMS error (rad and rad/s)", series[len(series)-1].X, series...)
}

// NNPriorHidden returns the hidden-layer widths of the network prior that
// CompareFitters trains.
func NNPriorHidden() []int { return []int{32, 32} }
