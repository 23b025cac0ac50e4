package lessons

import (
	"fmt"
	"math"

	"github.com/rlcontrol/rlcontrol/plotting"
	"github.com/rlcontrol/rlcontrol/rl/trajopt"
)

// EpsilonRun is the cost per iteration of one local-model run with a fixed
// KL bound per step.
type EpsilonRun struct {
	Epsilon float64
	Result  *trajopt.Result
}

// EpsilonSweep runs the local-model loop on a task once per KL bound, with
// the step adaptation off so that each bound is what every update uses, and
// the GMM prior with 5 rollouts per iteration.
func EpsilonSweep(task Task, epsilons []float64, seed uint64) ([]EpsilonRun, error) {
	if len(epsilons) == 0 {
		return nil, fmt.Errorf("lessons: EpsilonSweep needs at least one ε")
	}
	var out []EpsilonRun
	for _, eps := range epsilons {
		res, err := epsilonRun(task, eps, seed, nil)
		if err != nil {
			return nil, err
		}
		out = append(out, EpsilonRun{Epsilon: eps, Result: res})
	}
	return out, nil
}

// epsilonRun is one run of EpsilonSweep, calling progress (if not nil)
// after every iteration.
func epsilonRun(task Task, eps float64, seed uint64, progress func(trajopt.IterStats)) (*trajopt.Result, error) {
	f, err := FitGMMPrior.Fitter(seed)
	if err != nil {
		return nil, err
	}
	res, err := trajopt.Run(task.System, task.Cost, task.X0, task.T, trajopt.Config{
		Iterations: task.Iterations, Rollouts: 5, Epsilon: eps, FixedStep: true, Fitter: f, Seed: seed, Progress: progress,
	})
	if err != nil {
		return nil, fmt.Errorf("lessons: ε = %g: %w", eps, err)
	}
	return res, nil
}

// EpsilonFigure plots the noise-free cost after each iteration for every ε
// on a log axis.
func EpsilonFigure(title string, runs []EpsilonRun) (*plotting.Figure, error) {
	if len(runs) == 0 {
		return nil, fmt.Errorf("lessons: EpsilonFigure: no runs")
	}
	n := len(runs[0].Result.History)
	x := make([]float64, n)
	for i := range x {
		x[i] = float64(i + 1)
	}
	var series []plotting.Series
	for _, r := range runs {
		if len(r.Result.History) != n {
			return nil, fmt.Errorf("lessons: EpsilonFigure: runs have %d and %d iterations", n, len(r.Result.History))
		}
		y := make([]float64, n)
		for i, h := range r.Result.History {
			y[i] = h.MeanCost
		}
		series = append(series, plotting.Series{Name: fmt.Sprintf("ε = %g", r.Epsilon), Y: y})
	}
	return plotting.LinesLogY(title, "iteration", "cost of the noise-free controller", x, series...)
}

// HistoryFigure shows one run's trust-region bookkeeping per iteration:
// the KL of each update against its bound, the dual variable η (log₁₀),
// the step multiplier (log₁₀), and the model error on the new samples.
func HistoryFigure(title string, res *trajopt.Result) (*plotting.Figure, error) {
	if res == nil {
		return nil, fmt.Errorf("lessons: HistoryFigure: nil result")
	}
	h := res.History
	if len(h) < 2 {
		return nil, fmt.Errorf("lessons: HistoryFigure needs at least 2 iterations, got %d", len(h))
	}
	x := make([]float64, len(h)-1)
	kl, bound, eta, mult, merr := make([]float64, len(x)), make([]float64, len(x)), make([]float64, len(x)), make([]float64, len(x)), make([]float64, len(x))
	for i := range x {
		s := h[i+1] // from iteration 2 on, so that the model error exists
		x[i] = float64(s.Iter)
		kl[i], bound[i], eta[i], mult[i], merr[i] = s.KL, s.Bound, math.Log10(s.Eta), math.Log10(s.StepMult), s.ModelError
	}
	f, err := plotting.Stack(title, "iteration", x,
		plotting.Panel{YLabel: "KL (nats)", Series: []plotting.Series{{Name: "KL of the update", Y: kl}, {Name: "bound ε·T·mult", Y: bound}}},
		plotting.Panel{YLabel: "log₁₀ η", Series: []plotting.Series{{Y: eta}}},
		plotting.Panel{YLabel: "log₁₀ step mult.", Series: []plotting.Series{{Y: mult}}},
		plotting.Panel{YLabel: "model error (RMS)", Series: []plotting.Series{{Y: merr}}},
	)
	if err != nil {
		return nil, err
	}
	// Headroom above the KL curves keeps the legend (a Stack's stays
	// inside) off them; the multiplier's cap is a reference line.
	top := 0.0
	for i := range kl {
		top = math.Max(top, math.Max(kl[i], bound[i]))
	}
	if err := f.YRange(0, 0, 1.6*top); err != nil {
		return nil, err
	}
	if err := f.HLine(2, math.Log10(10), "cap ×10"); err != nil {
		return nil, err
	}
	return f, nil
}
