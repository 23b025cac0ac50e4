package lessons

import (
	"fmt"
	"math"
	"strings"

	"github.com/rlcontrol/rlcontrol/plotting"
	"github.com/rlcontrol/rlcontrol/rl/ilqr"
	"github.com/rlcontrol/rlcontrol/rl/lqr"
	"github.com/rlcontrol/rlcontrol/rl/system"
	"gonum.org/v1/gonum/mat"
)

// ModelComparison is lesson 02's "how many samples does each fitter need"
// on the 2-link arm: the priors learn from rollouts of an earlier
// controller that pushed the arm elsewhere (mean torque HistoryTorque), and
// every fitter is scored on fresh rollouts of the current controller. The
// zero value is the lesson as written.
type ModelComparison struct {
	// HistoryTorque is the mean torque of the earlier controller whose
	// rollouts the priors learn from (nil: (3, 3)). (0, 0) trains them on
	// the current controller itself.
	HistoryTorque []float64
	// History, Current and Test are the rollout counts (0: 20, 80, 20).
	History, Current, Test int
	// Ns are the numbers of current rollouts each fitter is fitted on (nil:
	// 2, 3, 5, 7, 10, 15, 20, 40, 80).
	Ns []int
	// NNEpochs trains the network prior (0: 200, or 50 in quick mode).
	NNEpochs int
	// Seed seeds the rollouts (0: 1).
	Seed uint64
}

func (c ModelComparison) withDefaults() ModelComparison {
	if c.HistoryTorque == nil {
		c.HistoryTorque = []float64{3, 3}
	}
	for _, p := range []struct {
		v   *int
		def int
	}{{&c.History, 20}, {&c.Current, 80}, {&c.Test, 20}} {
		if *p.v == 0 {
			*p.v = p.def
		}
	}
	if c.Ns == nil {
		c.Ns = []int{2, 3, 5, 7, 10, 15, 20, 40, 80}
	}
	if c.NNEpochs == 0 {
		c.NNEpochs = 200
		if Quick() {
			c.NNEpochs = 50
		}
	}
	if c.Seed == 0 {
		c.Seed = 1
	}
	return c
}

// ModelComparisonOutcome is the held-out error of each fitter.
type ModelComparisonOutcome struct {
	Settings ModelComparison // with the defaults filled in
	Task     Task
	Curves   []FitCurve
	Quick    bool
}

// Run samples the data and fits and scores every fitter.
func (c ModelComparison) Run() (Outcome, error) {
	return c.RunComparison()
}

// RunComparison is Run with the concrete outcome.
func (c ModelComparison) RunComparison() (*ModelComparisonOutcome, error) {
	c = c.withDefaults()
	task := ArmTask()
	f, err := NewFittingFrom(task, c.HistoryTorque, c.History, c.Current, c.Test, c.Seed)
	if err != nil {
		return nil, err
	}
	f.NNEpochs = c.NNEpochs
	curves, err := f.CompareFitters(c.Ns)
	if err != nil {
		return nil, err
	}
	return &ModelComparisonOutcome{Settings: c, Task: task, Curves: curves, Quick: Quick()}, nil
}

// Error returns fitter name's held-out error with N rollouts, and false if
// it has no model there.
func (o *ModelComparisonOutcome) Error(name string, N int) (float64, bool) {
	for _, c := range o.Curves {
		if c.Name != name {
			continue
		}
		for k, n := range c.N {
			if n == N {
				return c.RMSE[k], true
			}
		}
	}
	return math.NaN(), false
}

// Best returns the fitter with the lowest held-out error at N rollouts.
func (o *ModelComparisonOutcome) Best(N int) string {
	best, bestErr := "", math.Inf(1)
	for _, c := range o.Curves {
		if e, ok := o.Error(c.Name, N); ok && e < bestErr {
			best, bestErr = c.Name, e
		}
	}
	return best
}

// Table is the outcome as a printed table, one row per fitter, "—" where
// a fitter has no model.
func (o *ModelComparisonOutcome) Table() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%-20s", "rollouts:")
	for _, N := range o.Settings.Ns {
		fmt.Fprintf(&b, "%8d", N)
	}
	b.WriteByte('\n')
	for _, c := range o.Curves {
		fmt.Fprintf(&b, "%-20s", c.Name)
		for _, N := range o.Settings.Ns {
			if e, ok := o.Error(c.Name, N); ok {
				fmt.Fprintf(&b, "%8.4f", e)
			} else {
				fmt.Fprintf(&b, "%8s", "—")
			}
		}
		b.WriteByte('\n')
	}
	return b.String()
}

// Figures returns the model-error figure.
func (o *ModelComparisonOutcome) Figures() ([]NamedFigure, error) {
	fig, err := FitFigure(QuickTitle("2-link arm: held-out model error, priors from another controller", o.Quick), o.Curves)
	if err != nil {
		return nil, fmt.Errorf("lessons: figure 02-model-error: %w", err)
	}
	return []NamedFigure{{Name: "02-model-error", Figure: fig}}, nil
}

// StepRegression returns the regression of output out of x_{t+1} on
// z = [x_t; u_t; 1] over the rollouts of s: X has one row z per rollout, y
// the matching x_{t+1}[out].
func StepRegression(s system.Batch, t, out int) (*mat.Dense, *mat.VecDense, error) {
	n, m, T, N, err := s.Dims()
	if err != nil {
		return nil, nil, err
	}
	if t < 0 || t >= T || out < 0 || out >= n {
		return nil, nil, fmt.Errorf("lessons: StepRegression: step %d or output %d outside 0…%d, 0…%d", t, out, T-1, n-1)
	}
	X, y := mat.NewDense(N, n+m+1, nil), mat.NewVecDense(N, nil)
	for i, tr := range s {
		row := append(append(append([]float64{}, tr.X[t]...), tr.U[t]...), 1)
		X.SetRow(i, row)
		y.SetVec(i, tr.X[t+1][out])
	}
	return X, y, nil
}

// ModelRow returns the weights of output out at step t of a fitted model,
// [row out of Fx_t, row out of Fu_t, F0_t[out]]: the β of StepRegression.
func ModelRow(d *lqr.Dynamics, t, out int) (*mat.VecDense, error) {
	n, m, T, err := d.Dims()
	if err != nil {
		return nil, err
	}
	if t < 0 || t >= T || out < 0 || out >= n {
		return nil, fmt.Errorf("lessons: ModelRow: step %d or output %d outside 0…%d, 0…%d", t, out, T-1, n-1)
	}
	b := mat.NewVecDense(n+m+1, nil)
	for j := 0; j < n; j++ {
		b.SetVec(j, d.Fx[t].At(out, j))
	}
	for j := 0; j < m; j++ {
		b.SetVec(n+j, d.Fu[t].At(out, j))
	}
	b.SetVec(n+m, d.F0[t].AtVec(out))
	return b, nil
}

// KnownDynamicsOptimum is the cost iLQR reaches on the task with the true
// dynamics, ignoring the system's action limits as the local-model loop
// does: the target the loop's final cost is compared with.
func KnownDynamicsOptimum(task Task) (float64, error) {
	if err := task.Validate(); err != nil {
		return 0, err
	}
	res, err := ilqr.Solve(task.System, task.Cost, task.X0, Zeros(task.T, task.System.ActionDim()), ilqr.Config{Unconstrained: true})
	if err != nil {
		return 0, fmt.Errorf("lessons: optimum of %s: %w", task.Name, err)
	}
	return res.Cost, nil
}

// SamplesPerIteration is the stored point-mass sweep of lesson 02: the
// final cost of the local-model loop against rollouts per iteration, with
// the GMM prior and with least squares, and the known-dynamics optimum.
type SamplesPerIteration struct {
	Task         string
	Iterations   int
	Seeds        []uint64
	Ns           []int
	Prior        []SweepPoint
	LeastSquares []SweepPoint
	Optimum      float64
}

type samplesSetup struct {
	Task       string
	Iterations int
	Epsilon    float64
	Seeds      []uint64
	Ns         []int
	Fitters    []string
}

var samplesPerIteration = func() Stored[SamplesPerIteration] {
	task := PointMassTask()
	seeds, Ns := []uint64{1, 2, 3, 4, 5}, []int{5, 7, 10, 15, 20, 40}
	return registerStored(Stored[SamplesPerIteration]{
		Name: "02-samples-per-iteration",
		Setup: samplesSetup{Task: task.Name, Iterations: task.Iterations, Epsilon: 0.2, Seeds: seeds, Ns: Ns,
			Fitters: []string{FitGMMPrior.String(), FitLeastSquares.String()}},
		Compute: func(quick bool) (SamplesPerIteration, error) {
			s, n := seeds, Ns
			if quick {
				s, n = seeds[:2], []int{5, 7, 10}
			}
			return computeSamplesPerIteration(task, s, n)
		},
	})
}()

func computeSamplesPerIteration(task Task, seeds []uint64, Ns []int) (SamplesPerIteration, error) {
	r := SamplesPerIteration{Task: task.Name, Iterations: task.Iterations, Seeds: seeds, Ns: Ns}
	var err error
	if r.Prior, err = SampleSweep(task, FitGMMPrior, Ns, seeds); err != nil {
		return r, err
	}
	if r.LeastSquares, err = SampleSweep(task, FitLeastSquares, Ns, seeds); err != nil {
		return r, err
	}
	for _, sw := range [][]SweepPoint{r.Prior, r.LeastSquares} {
		for _, p := range sw {
			if p.Failures > 0 {
				return r, fmt.Errorf("lessons: %s with %d rollouts failed on %d seeds", task.Name, p.Rollouts, p.Failures)
			}
		}
	}
	r.Optimum, err = KnownDynamicsOptimum(task)
	return r, err
}

// SamplesPerIterationScenario is lesson 02's loop experiment: the stored
// full run (or, with RLCONTROL_RECOMPUTE=1, a fresh one).
type SamplesPerIterationScenario struct{}

// SamplesOutcome is the sweep and where it came from.
type SamplesOutcome struct {
	SamplesPerIteration
	Source Source
}

// Run loads (or recomputes) the sweep.
func (SamplesPerIterationScenario) Run() (Outcome, error) {
	return SamplesPerIterationScenario{}.Get()
}

// Get is Run with the concrete outcome.
func (SamplesPerIterationScenario) Get() (*SamplesOutcome, error) {
	v, src, err := samplesPerIteration.Get()
	if err != nil {
		return nil, err
	}
	return &SamplesOutcome{v, src}, nil
}

// Figures returns the sweep on a log axis and a zoom on the runs where
// least squares has a usable model, each with the known-dynamics optimum.
func (o *SamplesOutcome) Figures() ([]NamedFigure, error) {
	names := []string{"GMM prior", "least squares"}
	full, err := SweepFigure(QuickTitle("Point mass: final cost vs rollouts per iteration", o.Source.Quick), names, o.Prior, o.LeastSquares)
	if err != nil {
		return nil, err
	}
	if err := full.HLine(0, o.Optimum, "optimum, known dynamics"); err != nil {
		return nil, err
	}
	// The zoom: rollout counts from 7 (n+m+1) on, linear axis.
	var x []float64
	var bands []plotting.Band
	for k, sw := range [][]SweepPoint{o.Prior, o.LeastSquares} {
		b := plotting.Band{Name: names[k]}
		for _, p := range sw {
			if p.Rollouts < 7 {
				continue
			}
			if k == 0 {
				x = append(x, float64(p.Rollouts))
			}
			b.Mean, b.Std = append(b.Mean, p.Mean), append(b.Std, p.Std)
		}
		bands = append(bands, b)
	}
	zoom, err := plotting.Bands(QuickTitle("Zoom: 7 or more rollouts per iteration", o.Source.Quick),
		"rollouts per iteration", "final cost (mean ± std over seeds)", x, bands...)
	if err != nil {
		return nil, err
	}
	if err := zoom.HLine(0, o.Optimum, "optimum, known dynamics"); err != nil {
		return nil, err
	}
	return []NamedFigure{{Name: "02-samples-per-iteration", Figure: full}, {Name: "02-samples-per-iteration-zoom", Figure: zoom}}, nil
}
