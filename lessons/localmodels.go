package lessons

import (
	"fmt"
	"math"

	"github.com/rlcontrol/rlcontrol/plotting"
	"github.com/rlcontrol/rlcontrol/rl/cost"
	"github.com/rlcontrol/rlcontrol/rl/dynfit"
	"github.com/rlcontrol/rlcontrol/rl/system"
	"github.com/rlcontrol/rlcontrol/rl/trajopt"
	"gonum.org/v1/gonum/stat"
)

// Task is a problem for the local-model lessons (02 and 03): reach Goal
// from X0 in T steps without knowing the dynamics.
type Task struct {
	Name   string
	System system.System
	Cost   cost.Cost
	X0     []float64
	// Goal is the state the cost pulls towards.
	Goal []float64
	T    int
	// Iterations is the number of sample–fit–improve rounds the lessons run.
	Iterations int
}

// MaxRollouts is the most rollouts per batch a lesson function accepts.
const MaxRollouts = 10000

// Validate returns an error naming the first field of t that cannot run:
// a nil system or cost, a horizon outside 1…MaxHorizon, a start of the
// wrong length or not finite, no iterations.
func (t Task) Validate() error {
	switch {
	case t.System == nil || t.Cost == nil:
		return fmt.Errorf("lessons: task %q has no system or no cost", t.Name)
	case t.T <= 0 || t.T > MaxHorizon:
		return fmt.Errorf("lessons: task %q: T = %d, want 1 to %d steps", t.Name, t.T, MaxHorizon)
	case t.Iterations < 0:
		return fmt.Errorf("lessons: task %q: Iterations = %d, want ≥ 0", t.Name, t.Iterations)
	}
	return system.CheckVec(fmt.Sprintf("lessons: task %q: X0", t.Name), t.X0, t.System.StateDim())
}

func checkRollouts(what string, N int) error {
	if N < 1 || N > MaxRollouts {
		return fmt.Errorf("lessons: %s = %d rollouts, want 1 to %d", what, N, MaxRollouts)
	}
	return nil
}

// PointMassTask: move a 2-D point mass from rest at the origin to rest at
// (2, 1) in 5 s (T = 100 steps of 0.05 s).
func PointMassTask() Task {
	goal := []float64{2, 1, 0, 0}
	c, err := cost.Diagonal([]float64{1, 1, 0.1, 0.1}, []float64{0.1, 0.1}, []float64{100, 100, 10, 10}, goal)
	if err != nil {
		panic(err) // constant weights: cannot fail
	}
	return Task{Name: "point mass", System: system.NewPointMass(), Cost: c, X0: []float64{0, 0, 0, 0}, Goal: goal, T: 100, Iterations: 10}
}

// ArmTask: reach with the 2-link arm from rest at q = (0, π/2) to rest at
// q = (π/2, π/2) (end effector from (1, 1) to (−1, 1), the elbow-positive
// GoalStateFor(−1, 1)) in 2 s (T = 100 steps of 0.02 s).
func ArmTask() Task {
	goal := []float64{math.Pi / 2, math.Pi / 2, 0, 0}
	c, err := cost.Diagonal([]float64{1, 1, 0.1, 0.1}, []float64{0.01, 0.01}, []float64{100, 100, 10, 10}, goal)
	if err != nil {
		panic(err)
	}
	return Task{Name: "2-link arm", System: system.NewArm2Link(), Cost: c, X0: []float64{0, math.Pi / 2, 0, 0}, Goal: goal, T: 100, Iterations: 12}
}

// PendulumTask: lesson 01's swing-up (same pendulum, same cost, same
// 5 N·m torque limit) in T steps of 0.02 s. Lesson 01's iLQR clips its
// actions to the limit; the local-model loop's linear-Gaussian controllers
// cannot be clipped without hiding the applied torque from the fitted model,
// so here the limit is a steep penalty in the cost (cost.LimitPenalty, weight
// PendulumLimitWeight): zero inside ±5 N·m, so a run that respects the
// limit has exactly lesson 01's cost. MaxAbsAction reports how far a
// controller's noise-free rollout goes.
func PendulumTask() Task {
	p, err := SwingUp{T: pendulumTaskT}.Problem()
	if err != nil {
		panic(err) // constant settings: cannot fail
	}
	pend := p.System.(*system.Pendulum)
	c, err := cost.NewLimitPenalty(p.Cost, []float64{-pend.MaxTorque}, []float64{pend.MaxTorque}, PendulumLimitWeight)
	if err != nil {
		panic(err)
	}
	return Task{Name: "pendulum", System: p.System, Cost: c, X0: p.X0, Goal: p.Cost.Goal(), T: p.T, Iterations: 15}
}

// pendulumTaskT is the pendulum task's horizon in steps of 0.02 s.
const pendulumTaskT = 150

// PendulumLimitWeight is w in the pendulum task's torque-limit penalty
// ½ w (|τ| − 5 N·m)₊² per step.
const PendulumLimitWeight = 100.0

// MaxAbsAction returns the largest |u| of ctrl's noise-free rollout on the
// task (u = K x + k): the torque the learned controller asks for.
func MaxAbsAction(task Task, ctrl system.Policy) (float64, error) {
	tr, err := system.Rollout(task.System, ctrl, task.X0, task.T, nil)
	if err != nil {
		return 0, err
	}
	mx := 0.0
	for _, u := range tr.U {
		for _, a := range u {
			mx = math.Max(mx, math.Abs(a))
		}
	}
	return mx, nil
}

// Fit names the dynamics fitters compared in lesson 02.
type Fit int

const (
	// FitLeastSquares fits each step's model from its own samples.
	FitLeastSquares Fit = iota
	// FitGMMPrior adds the GMM prior over all samples of all iterations.
	FitGMMPrior
)

// String names the fitter for legends.
func (f Fit) String() string {
	switch f {
	case FitLeastSquares:
		return "least squares"
	case FitGMMPrior:
		return "GMM prior"
	}
	return fmt.Sprintf("Fit(%d)", int(f))
}

// Fitter returns a fresh fitter of this kind (a prior starts empty).
func (f Fit) Fitter(seed uint64) (trajopt.Fitter, error) {
	switch f {
	case FitLeastSquares:
		return trajopt.LeastSquares{Reg: 1e-6}, nil
	case FitGMMPrior:
		return GMMPriorFitter(seed, 1)
	}
	return nil, fmt.Errorf("lessons: unknown fitter %d", int(f))
}

// GMMPriorFitter returns a fresh GMM-prior fitter (FitGMMPrior's) whose
// prior counts as strength points (dynfit.GMMPriorConfig.Strength; 1 is
// FitGMMPrior's, as guided policy search; > 0).
func GMMPriorFitter(seed uint64, strength float64) (trajopt.Fitter, error) {
	// 20 EM iterations per update: the prior is warm-started from the
	// previous iteration's mixture, and a fully converged mixture changes
	// the fitted dynamics little while costing 3× the time.
	if !(strength > 0) || math.IsInf(strength, 0) { // 0 would silently mean dynfit's default
		return nil, fmt.Errorf("lessons: GMM prior strength = %v, want a finite value > 0", strength)
	}
	p, err := dynfit.NewGMMPrior(dynfit.GMMPriorConfig{Seed: seed, Strength: strength, EM: dynfit.GMMConfig{MaxIter: 20}})
	if err != nil {
		return nil, fmt.Errorf("lessons: GMM prior with strength %v: %w", strength, err)
	}
	return trajopt.WithPrior{Prior: p}, nil
}

// RunTask runs the local-model loop on a task with the given fitter,
// rollouts per iteration, KL bound per step and seed.
func RunTask(task Task, fit Fit, rollouts int, epsilon float64, seed uint64) (*trajopt.Result, error) {
	if err := task.Validate(); err != nil {
		return nil, err
	}
	if err := checkRollouts("RunTask: rollouts", rollouts); err != nil {
		return nil, err
	}
	f, err := fit.Fitter(seed)
	if err != nil {
		return nil, err
	}
	return runTaskWith(task, f, rollouts, epsilon, seed, nil)
}

// runTaskWith is RunTask with a given fitter, calling progress (if not
// nil) after every iteration.
func runTaskWith(task Task, f trajopt.Fitter, rollouts int, epsilon float64, seed uint64, progress func(trajopt.IterStats)) (*trajopt.Result, error) {
	return trajopt.Run(task.System, task.Cost, task.X0, task.T, trajopt.Config{
		Iterations: task.Iterations, Rollouts: rollouts, Epsilon: epsilon, Fitter: f, Seed: seed, Progress: progress,
	})
}

// SweepPoint is the final cost over seeds for one number of rollouts per
// iteration.
type SweepPoint struct {
	Rollouts  int
	Mean, Std float64   // of the last iteration's noise-free cost (MeanCost), over seeds
	PerSeed   []float64 // the same, seed by seed (NaN where the run failed)
	Failures  int       // runs that stopped with an error (too few samples)
}

// SampleSweep runs the loop for every number of rollouts in Ns and every
// seed, and reports the final cost. A run that fails (least squares with
// fewer rollouts than it can fit) counts as a failure, not an error.
func SampleSweep(task Task, fit Fit, Ns []int, seeds []uint64) ([]SweepPoint, error) {
	if len(Ns) == 0 || len(seeds) == 0 {
		return nil, fmt.Errorf("lessons: SampleSweep needs rollout counts and seeds, got %d and %d", len(Ns), len(seeds))
	}
	for i, N := range Ns {
		if err := checkRollouts(fmt.Sprintf("SampleSweep: Ns[%d]", i), N); err != nil {
			return nil, err
		}
	}
	var out []SweepPoint
	for _, N := range Ns {
		p := SweepPoint{Rollouts: N}
		var ok []float64
		for _, seed := range seeds {
			res, err := RunTask(task, fit, N, 0.2, seed)
			if err != nil {
				p.Failures++
				p.PerSeed = append(p.PerSeed, math.NaN())
				continue
			}
			c := res.History[len(res.History)-1].MeanCost
			p.PerSeed = append(p.PerSeed, c)
			ok = append(ok, c)
		}
		p.Mean, p.Std = math.NaN(), math.NaN()
		if len(ok) > 0 {
			p.Mean, p.Std = stat.MeanStdDev(ok, nil)
			if len(ok) == 1 {
				p.Std = 0 // one seed: no spread (gonum's n−1 gives NaN)
			}
		}
		out = append(out, p)
	}
	return out, nil
}

// SamplesToReach returns the smallest number of rollouts in the sweep whose
// runs all succeeded with a mean final cost within rel (relative) of target,
// or 0 if none did.
func SamplesToReach(sweep []SweepPoint, target, rel float64) int {
	for _, p := range sweep {
		if p.Failures == 0 && p.Mean <= target*(1+rel) {
			return p.Rollouts
		}
	}
	return 0
}

// Saving is the outcome of SampleSaving.
type Saving struct {
	PriorRollouts int
	Prior         SweepPoint   // the GMM prior's final cost
	LeastSquares  []SweepPoint // least squares at each rollout count
	Tolerance     float64      // relative tolerance used for "reaches"
	// Needed is the fewest rollouts per iteration with which least squares
	// comes within Tolerance of the prior's mean final cost (0: none of
	// those tried), and Saving = Needed / PriorRollouts (a lower bound,
	// largest tried / PriorRollouts, when Needed is 0).
	Needed int
	Saving float64
}

// SampleSaving measures the GMM prior's sample saving on a task: the final
// noise-free cost the prior reaches with priorN rollouts per iteration
// (mean over seeds), and the rollouts per iteration least squares needs to
// come within 1% of it, after the task's number of iterations.
func SampleSaving(task Task, priorN int, Ns []int, seeds []uint64) (*Saving, error) {
	pr, err := SampleSweep(task, FitGMMPrior, []int{priorN}, seeds)
	if err != nil {
		return nil, err
	}
	if pr[0].Failures > 0 {
		return nil, fmt.Errorf("lessons: the GMM prior failed on %d of %d seeds of %s", pr[0].Failures, len(seeds), task.Name)
	}
	ls, err := SampleSweep(task, FitLeastSquares, Ns, seeds)
	if err != nil {
		return nil, err
	}
	s := &Saving{PriorRollouts: priorN, Prior: pr[0], LeastSquares: ls, Tolerance: 0.01}
	s.Needed = SamplesToReach(ls, pr[0].Mean, s.Tolerance)
	if s.Needed > 0 {
		s.Saving = float64(s.Needed) / float64(priorN)
	} else {
		s.Saving = float64(Ns[len(Ns)-1]) / float64(priorN)
	}
	return s, nil
}

// SweepFigure plots final cost against rollouts per iteration on a log
// axis, mean ± one standard deviation over seeds, one band per fitter (a
// fitter without enough rollouts can be 10× worse); all sweeps must use
// the same rollout counts and have no failed runs.
func SweepFigure(title string, names []string, sweeps ...[]SweepPoint) (*plotting.Figure, error) {
	if len(sweeps) == 0 || len(names) != len(sweeps) {
		return nil, fmt.Errorf("lessons: SweepFigure got %d names for %d sweeps", len(names), len(sweeps))
	}
	x := make([]float64, len(sweeps[0]))
	for i, p := range sweeps[0] {
		x[i] = float64(p.Rollouts)
	}
	var bands []plotting.Band
	for k, sw := range sweeps {
		if len(sw) != len(x) {
			return nil, fmt.Errorf("lessons: SweepFigure: sweep %q has %d points, want %d", names[k], len(sw), len(x))
		}
		b := plotting.Band{Name: names[k], Mean: make([]float64, len(x)), Std: make([]float64, len(x))}
		for i, p := range sw {
			if p.Failures > 0 || float64(p.Rollouts) != x[i] {
				return nil, fmt.Errorf("lessons: SweepFigure: sweep %q at %d rollouts has %d failed runs or a different rollout count", names[k], p.Rollouts, p.Failures)
			}
			b.Mean[i], b.Std[i] = p.Mean, p.Std
		}
		bands = append(bands, b)
	}
	return plotting.BandsLogY(title, "rollouts per iteration", "final cost (mean ± std over seeds)", x, bands...)
}
