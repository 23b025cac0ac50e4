package imitation

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"sync"

	"github.com/rlcontrol/rlcontrol/rl/cost"
	"github.com/rlcontrol/rlcontrol/rl/internal/nilcheck"
	"github.com/rlcontrol/rlcontrol/rl/system"
)

// Task is a control problem with many starts: reach a goal from any start
// of a region, in T steps, at low cost.
type Task struct {
	Name   string
	System system.System
	Cost   cost.Cost
	// T is the horizon in steps.
	T int
	// Train are the training starts: the conditions guided policy search
	// keeps one local controller for, and the starts of the expert's
	// demonstrations.
	Train [][]float64
	// Test are held-out starts, never trained on, drawn from the same
	// region with their own seed.
	Test [][]float64
	// StartLo and StartHi bound the start region, a box per state
	// component (lo = hi for a fixed one): Train and Test lie in it, and
	// DrawStarts draws fresh starts from it (DAgger's and behaviour
	// cloning's rollouts, which need no resets to fixed conditions).
	StartLo, StartHi []float64
	// Goal is the point to reach, in the plane of Position.
	Goal [2]float64
	// Position maps a state to the point that must reach Goal (the arm's
	// end effector, the point mass's position).
	Position func(x []float64) (px, py float64, err error)
	// Collides reports a collision at state x (nil: nothing to hit).
	Collides func(x []float64) (bool, error)
	// Tol is the success radius in m: a run succeeds when its final
	// Position is within Tol of Goal and no state collides.
	Tol float64
	// Observe is what a learner sees by default (nil: FullState).
	Observe Observer
}

// MaxStarts bounds the training and test starts of a task.
const MaxStarts = 10000

// Validate returns an error naming the first field that cannot run: a nil
// system, cost or Position, a horizon below 1, no training or test starts
// (or more than MaxStarts), a start of the wrong length or not finite,
// or a Tol that is not finite and > 0.
func (k *Task) Validate() error {
	if k == nil {
		return errors.New("imitation: nil Task")
	}
	switch {
	case nilcheck.IsNil(k.System):
		return fmt.Errorf("imitation: task %q has no system", k.Name)
	case nilcheck.IsNil(k.Cost):
		return fmt.Errorf("imitation: task %q has no cost", k.Name)
	case k.Position == nil:
		return fmt.Errorf("imitation: task %q has no Position function", k.Name)
	case k.T < 1:
		return fmt.Errorf("imitation: task %q: T = %d, want ≥ 1 step", k.Name, k.T)
	case len(k.Train) == 0:
		return fmt.Errorf("imitation: task %q has no training conditions (Train is empty)", k.Name)
	case len(k.Test) == 0:
		return fmt.Errorf("imitation: task %q has no test starts", k.Name)
	case len(k.Train) > MaxStarts || len(k.Test) > MaxStarts:
		return fmt.Errorf("imitation: task %q has %d training and %d test starts, at most %d each", k.Name, len(k.Train), len(k.Test), MaxStarts)
	case !(k.Tol > 0) || math.IsInf(k.Tol, 0):
		return fmt.Errorf("imitation: task %q: Tol = %v, want a finite distance > 0", k.Name, k.Tol)
	}
	n, m := k.System.StateDim(), k.System.ActionDim()
	if err := cost.Check(k.Cost, n, m); err != nil {
		return fmt.Errorf("imitation: task %q: %w", k.Name, err)
	}
	if err := CheckStarts(fmt.Sprintf("task %q: Train", k.Name), k.Train, n); err != nil {
		return err
	}
	return CheckStarts(fmt.Sprintf("task %q: Test", k.Name), k.Test, n)
}

// CheckStarts returns an error naming the first start that is not a finite
// state of length n, or an empty list.
func CheckStarts(what string, starts [][]float64, n int) error {
	if len(starts) == 0 {
		return fmt.Errorf("imitation: %s: no starts", what)
	}
	for i, x := range starts {
		if err := system.CheckVec(fmt.Sprintf("imitation: %s[%d]", what, i), x, n); err != nil {
			return err
		}
	}
	return nil
}

// DrawStarts draws count starts uniformly from the start region with its
// own random stream seeded by seed (the test starts use seeds 105 and 106
// with another stream, so no draw repeats them). It returns an error for a
// count outside 1…MaxStarts or a task without a start region.
func (k *Task) DrawStarts(count int, seed uint64) ([][]float64, error) {
	if err := k.Validate(); err != nil {
		return nil, err
	}
	if count < 1 || count > MaxStarts {
		return nil, fmt.Errorf("imitation: DrawStarts: count = %d, want 1 to %d", count, MaxStarts)
	}
	n := k.System.StateDim()
	if len(k.StartLo) != n || len(k.StartHi) != n {
		return nil, fmt.Errorf("imitation: task %q has no start region of length %d (StartLo %d, StartHi %d numbers)", k.Name, n, len(k.StartLo), len(k.StartHi))
	}
	rng := rand.New(rand.NewPCG(seed, 0xd7a3))
	out := system.Grid(count, n)
	for i := range out {
		for j := range out[i] {
			out[i][j] = k.StartLo[j] + (k.StartHi[j]-k.StartLo[j])*rng.Float64()
		}
	}
	return out, nil
}

// Observer returns the task's default observer (FullState when unset).
func (k *Task) Observer() Observer {
	if k.Observe == nil {
		return FullState{}
	}
	return k.Observe
}

// Distance returns the distance in m from the Position of x to Goal.
func (k *Task) Distance(x []float64) (float64, error) {
	px, py, err := k.Position(x)
	if err != nil {
		return 0, err
	}
	return math.Hypot(px-k.Goal[0], py-k.Goal[1]), nil
}

// Outcome is how one run went.
type Outcome struct {
	Cost      float64 // the task cost of the run
	FinalDist float64 // distance to the goal at the last step, in m
	Collided  bool    // whether any state collides
	Success   bool    // FinalDist ≤ Tol and no collision
}

// Judge scores a run of the task.
func (k *Task) Judge(tr system.Trajectory) (Outcome, error) {
	var o Outcome
	var err error
	if o.Cost, err = cost.Total(k.Cost, tr.X, tr.U); err != nil {
		return o, err
	}
	if o.FinalDist, err = k.Distance(tr.Final()); err != nil {
		return o, err
	}
	if k.Collides != nil {
		for _, x := range tr.X {
			c, err := k.Collides(x)
			if err != nil {
				return o, err
			}
			if c {
				o.Collided = true
				break
			}
		}
	}
	o.Success = o.FinalDist <= k.Tol && !o.Collided
	return o, nil
}

// Evaluation is a policy run from many starts.
type Evaluation struct {
	Trajectories system.Batch
	Outcomes     []Outcome
	MeanCost     float64 // mean task cost over the starts
	SuccessRate  float64 // fraction of successful runs, in [0, 1]
}

// Successes returns the number of successful runs.
func (e *Evaluation) Successes() int {
	n := 0
	for _, o := range e.Outcomes {
		if o.Success {
			n++
		}
	}
	return n
}

// Evaluate runs a fresh policy from newPolicy(i) from each start i for T
// steps, noise-free (a nil random source: stochastic policies act with
// their mean), in parallel on GOMAXPROCS goroutines, and judges every run.
// It returns an error naming the first start whose policy or rollout fails.
func Evaluate(k *Task, newPolicy func(i int) (system.Policy, error), starts [][]float64) (*Evaluation, error) {
	if err := k.Validate(); err != nil {
		return nil, err
	}
	if newPolicy == nil {
		return nil, errors.New("imitation: Evaluate: nil policy constructor")
	}
	if err := CheckStarts("Evaluate: starts", starts, k.System.StateDim()); err != nil {
		return nil, err
	}
	ev := &Evaluation{Trajectories: make(system.Batch, len(starts)), Outcomes: make([]Outcome, len(starts))}
	err := parallel(len(starts), func(i int) error {
		pol, err := newPolicy(i)
		if err != nil {
			return err
		}
		tr, err := system.Rollout(k.System, pol, starts[i], k.T, nil)
		if err != nil {
			return err
		}
		ev.Trajectories[i] = tr
		ev.Outcomes[i], err = k.Judge(tr)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("imitation: Evaluate: %w", err)
	}
	for _, o := range ev.Outcomes {
		ev.MeanCost += o.Cost / float64(len(starts))
	}
	ev.SuccessRate = float64(ev.Successes()) / float64(len(starts))
	return ev, nil
}

// parallel runs f(0…n−1) on GOMAXPROCS goroutines and returns the error of
// the lowest index that failed, naming it.
func parallel(n int, f func(i int) error) error {
	errs := make([]error, n)
	workers := min(runtime.GOMAXPROCS(0), n)
	var wg sync.WaitGroup
	next := make(chan int)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				errs[i] = f(i)
			}
		}()
	}
	for i := 0; i < n; i++ {
		next <- i
	}
	close(next)
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			return fmt.Errorf("start %d: %w", i, err)
		}
	}
	return nil
}

// drawStarts draws count states uniformly from the box [lo, hi] (per
// component) with its own PCG stream.
func drawStarts(lo, hi []float64, count int, seed uint64) [][]float64 {
	rng := rand.New(rand.NewPCG(seed, 0x5747))
	out := system.Grid(count, len(lo))
	for i := range out {
		for j := range lo {
			out[i][j] = lo[j] + (hi[j]-lo[j])*rng.Float64()
		}
	}
	return out
}
