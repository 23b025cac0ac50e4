package lessons

import (
	"fmt"
	"math"

	"github.com/rlcontrol/rlcontrol/plotting"
	"github.com/rlcontrol/rlcontrol/rl/ilqr"
)

// Run is one labelled iLQR result for the lesson's figures.
type Run struct {
	Name   string
	Result *ilqr.Result
}

// times returns t_k = k·dt for k = 0…T.
func times(T int, dt float64) []float64 {
	t := make([]float64, T+1)
	for k := range t {
		t[k] = float64(k) * dt
	}
	return t
}

// StatesFigure plots states and actions over time for one or more runs of
// the same problem (one panel per component, shared time axis).
func StatesFigure(title string, p *Problem, runs ...Run) (*plotting.Figure, error) {
	if len(runs) == 0 {
		return nil, fmt.Errorf("lessons: StatesFigure: no runs")
	}
	if p == nil || p.System == nil {
		return nil, fmt.Errorf("lessons: StatesFigure: nil problem")
	}
	var traces []plotting.Trace
	for _, r := range runs {
		if r.Result == nil {
			return nil, fmt.Errorf("lessons: StatesFigure: run %q has no result", r.Name)
		}
		traces = append(traces, plotting.Trace{Name: r.Name, States: r.Result.X, Controls: r.Result.U})
	}
	return plotting.TimeSeries(title, "time (s)", times(len(runs[0].Result.U), p.System.Dt()),
		p.System.StateNames(), p.System.ActionNames(), traces...)
}

// padded returns v extended to length n by repeating its last value: a
// converged run's cost stays where it stopped.
func padded(v []float64, n int) []float64 {
	out := append([]float64(nil), v...)
	for len(out) < n {
		out = append(out, v[len(v)-1])
	}
	return out
}

// ConvergenceFigure plots the cost after each iteration of several runs on a
// log axis. Runs that stopped early are held at their final cost.
func ConvergenceFigure(title string, runs ...Run) (*plotting.Figure, error) {
	n := 0
	for _, r := range runs {
		if r.Result == nil || len(r.Result.History) == 0 {
			return nil, fmt.Errorf("lessons: ConvergenceFigure: run %q has no iterations", r.Name)
		}
		n = max(n, len(r.Result.History))
	}
	var series []plotting.Series
	for _, r := range runs {
		c := make([]float64, len(r.Result.History))
		for i, it := range r.Result.History {
			c[i] = it.Cost
		}
		series = append(series, plotting.Series{Name: r.Name, Y: padded(c, n)})
	}
	x := make([]float64, n)
	for i := range x {
		x[i] = float64(i + 1)
	}
	return plotting.LinesLogY(title, "iteration", "cost J", x, series...)
}

// RegularizationFigure shows, per iteration of one run, the regularisation
// log₁₀ μ (μ = 0 drawn at log₁₀ MuMin − 1 = −7), the accepted step size α
// (0 when the step was rejected), and the ratio z of actual to expected
// cost reduction, clipped to [−1, 2].
func RegularizationFigure(title string, run Run) (*plotting.Figure, error) {
	if run.Result == nil || len(run.Result.History) == 0 {
		return nil, fmt.Errorf("lessons: RegularizationFigure: run %q has no iterations", run.Name)
	}
	h := run.Result.History
	x, logMu, alpha, z := make([]float64, len(h)), make([]float64, len(h)), make([]float64, len(h)), make([]float64, len(h))
	for i, it := range h {
		x[i] = float64(it.Iter)
		logMu[i] = -7
		if it.Mu > 0 {
			logMu[i] = math.Log10(it.Mu)
		}
		alpha[i] = it.Alpha
		z[i] = math.Max(-1, math.Min(2, it.Ratio))
	}
	return plotting.Stack(title, "iteration", x,
		plotting.Panel{YLabel: "log₁₀ μ", Series: []plotting.Series{{Y: logMu}}},
		plotting.Panel{YLabel: "step α", Series: []plotting.Series{{Y: alpha}}},
		plotting.Panel{YLabel: "actual / expected", Series: []plotting.Series{{Y: z}}},
	)
}
