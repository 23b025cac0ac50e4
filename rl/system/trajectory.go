package system

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/rlcontrol/rlcontrol/rl/internal/nilcheck"

	"github.com/rlcontrol/rlcontrol/rl/internal/limits"
)

// Trajectory is one run of a system: X holds the T+1 states x_0 … x_T and U
// the T actions u_0 … u_{T−1}, one row per step. It is the project's one
// trajectory shape: iLQR results, rollouts, samples for fitting local
// dynamics and cost expansions, and lesson figures all use it.
type Trajectory struct {
	X [][]float64 // T+1 states of length n
	U [][]float64 // T actions of length m
}

// NewTrajectory allocates a zero trajectory of T steps (rows share one
// backing array per field). It panics, with a message naming the sizes,
// if n, m or T is negative or T·(n+m) exceeds limits.MaxElements (2^27)
// numbers.
func NewTrajectory(n, m, T int) Trajectory {
	if n < 0 || m < 0 || T < 0 {
		panic(fmt.Sprintf("system: NewTrajectory: n, m, T = %d, %d, %d: sizes must be ≥ 0", n, m, T))
	}
	if err := limits.Check("system: NewTrajectory", "T × (n+m)", max(T, 1), max(n+m, 1)); err != nil {
		panic(err.Error())
	}
	return Trajectory{X: Grid(T+1, n), U: Grid(T, m)}
}

// Grid allocates rows zero rows of length k sharing one backing array (two
// allocations); each row's capacity ends at its length, so appending to one
// never overwrites the next. It panics, with a message naming the sizes,
// if rows or k is negative or either or their product exceeds
// limits.MaxElements (2^27).
func Grid(rows, k int) [][]float64 {
	if rows < 0 || k < 0 {
		panic(fmt.Sprintf("system: Grid: rows × k = %d × %d: sizes must be ≥ 0", rows, k))
	}
	if err := limits.Check("system: Grid", "rows × k", max(rows, 1), max(k, 1)); err != nil {
		panic(err.Error())
	}
	buf := make([]float64, rows*k)
	g := make([][]float64, rows)
	for i := range g {
		g[i] = buf[i*k : (i+1)*k : (i+1)*k]
	}
	return g
}

// CloneRows deep-copies g into one backing array (two allocations), rows
// capacity-limited as Grid's.
func CloneRows(g [][]float64) [][]float64 {
	size := 0
	for _, r := range g {
		size += len(r)
	}
	flat := make([]float64, 0, size)
	out := make([][]float64, len(g))
	for i, r := range g {
		flat = append(flat, r...)
		out[i] = flat[len(flat)-len(r) : len(flat) : len(flat)]
	}
	return out
}

// Dims returns n, m and T, or an error naming the first row of the wrong
// length or with a non-finite value. It allocates nothing unless it
// returns an error.
func (tr Trajectory) Dims() (n, m, T int, err error) {
	T = len(tr.U)
	if T == 0 || len(tr.X) != T+1 || len(tr.X[0]) == 0 || len(tr.U[0]) == 0 {
		return 0, 0, 0, fmt.Errorf("trajectory has %d states and %d actions; want T+1 and T with T > 0 and non-empty rows", len(tr.X), T)
	}
	n, m = len(tr.X[0]), len(tr.U[0])
	for t := 0; t <= T; t++ {
		if err := finiteRow("X", t, tr.X[t], n); err != nil {
			return 0, 0, 0, err
		}
		if t < T {
			if err := finiteRow("U", t, tr.U[t], m); err != nil {
				return 0, 0, 0, err
			}
		}
	}
	return n, m, T, nil
}

// finiteRow checks row name[t]; the name is only formatted on error.
func finiteRow(name string, t int, v []float64, n int) error {
	if len(v) != n {
		return fmt.Errorf("%s[%d] has length %d, want %d", name, t, len(v), n)
	}
	for j, x := range v {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return fmt.Errorf("%s[%d][%d] = %v is not finite", name, t, j, x)
		}
	}
	return nil
}

// Clone returns a deep copy of tr.
func (tr Trajectory) Clone() Trajectory {
	return Trajectory{X: CloneRows(tr.X), U: CloneRows(tr.U)}
}

// Final returns the last state x_T. It panics if tr has no states.
func (tr Trajectory) Final() []float64 {
	if len(tr.X) == 0 {
		panic("system: Trajectory.Final: the trajectory has no states")
	}
	return tr.X[len(tr.X)-1]
}

// Batch is N trajectories of one horizon and one system: the samples of a
// stochastic controller, or runs from many starts.
type Batch []Trajectory

// Dims returns n, m, T and N (the order of every Dims in the project:
// dimensions, then horizon, then count), or an error naming the first
// trajectory that is inconsistent with the first one or holds a non-finite
// value.
func (b Batch) Dims() (n, m, T, N int, err error) {
	N = len(b)
	if N == 0 {
		return 0, 0, 0, 0, errors.New("empty batch: no trajectories")
	}
	for i, tr := range b {
		tn, tm, tT, err := tr.Dims()
		if err != nil {
			return 0, 0, 0, 0, fmt.Errorf("trajectory %d: %w", i, err)
		}
		if i == 0 {
			n, m, T = tn, tm, tT
		} else if tn != n || tm != m || tT != T {
			return 0, 0, 0, 0, fmt.Errorf("trajectory %d has (n, m, T) = (%d, %d, %d), trajectory 0 (%d, %d, %d)", i, tn, tm, tT, n, m, T)
		}
	}
	return n, m, T, N, nil
}

// Policy chooses actions. Act writes the action for state x at step t into
// u (length m). With rng == nil it acts deterministically (a stochastic
// policy takes its mean); otherwise it may sample with rng, so the same
// seed gives the same actions.
type Policy interface {
	Act(u []float64, t int, x []float64, rng *rand.Rand) error
}

// OpenLoop is the policy that plays a fixed action sequence: u_t = us[t],
// whatever the state.
type OpenLoop [][]float64

// Act copies us[t] into u, or returns an error if us has no step t or
// us[t] has the wrong length or a non-finite value.
func (us OpenLoop) Act(u []float64, t int, _ []float64, _ *rand.Rand) error {
	if t < 0 || t >= len(us) {
		return fmt.Errorf("open-loop policy has %d actions, asked for step %d", len(us), t)
	}
	if len(us[t]) != len(u) {
		return fmt.Errorf("open-loop action %d has length %d, want %d", t, len(us[t]), len(u))
	}
	for j, v := range us[t] {
		if !finite(v) {
			return fmt.Errorf("open-loop action %d[%d] = %v is not finite", t, j, v)
		}
	}
	copy(u, us[t])
	return nil
}

// Rollout runs pol on sys for T steps from x0: u_t = pol(x_t, t),
// x_{t+1} = f(x_t, u_t). With rng == nil the policy acts deterministically.
// Actions are not clipped to ActionLimits (a fitted model must see the
// actions actually applied). It returns an error naming the step when the
// policy fails, an action is not finite, or the state blows up, and an
// error before allocating when sys or pol is nil (or a typed nil), x0 is
// bad, or T·(n+m) exceeds limits.MaxElements (2^27) numbers.
func Rollout(sys System, pol Policy, x0 []float64, T int, rng *rand.Rand) (Trajectory, error) {
	if err := checkRollout("Rollout", "T × (n+m)", sys, pol, x0, T); err != nil {
		return Trajectory{}, err
	}
	tr := NewTrajectory(sys.StateDim(), sys.ActionDim(), T)
	copy(tr.X[0], x0)
	return tr, run(sys, pol, tr, rng)
}

// Rollouts runs N rollouts of pol on sys for T steps, each from x0 plus
// independent Gaussian noise of standard deviation x0Std per component (0
// for a fixed start), drawing rollout i's start (n normals, also when
// x0Std = 0, so that changing x0Std alone leaves the action noise as it
// was) and then its actions from rng before rollout i+1's. With a nil rng
// every rollout is the deterministic one from x0. The checks are
// Rollout's, with N·T·(n+m) ≤ limits.MaxElements (2^27) numbers in all.
func Rollouts(sys System, pol Policy, x0 []float64, x0Std float64, N, T int, rng *rand.Rand) (Batch, error) {
	if N <= 0 {
		return nil, fmt.Errorf("Rollouts: number of rollouts N = %d, want > 0", N)
	}
	if err := checkRollout("Rollouts", "N × T × (n+m)", sys, pol, x0, T, N); err != nil {
		return nil, err
	}
	switch {
	case !(x0Std >= 0) || math.IsInf(x0Std, 0):
		return nil, fmt.Errorf("Rollouts: start noise x0Std = %v, want a finite value ≥ 0", x0Std)
	case rng == nil && x0Std > 0:
		return nil, errors.New("Rollouts: start noise x0Std > 0 needs a random source")
	}
	b := make(Batch, N)
	for i := range b {
		tr := NewTrajectory(sys.StateDim(), sys.ActionDim(), T)
		copy(tr.X[0], x0)
		if rng != nil {
			// n normals even when x0Std = 0, so that changing x0Std alone
			// moves the starts and leaves the action noise as it was.
			for j := range tr.X[0] {
				tr.X[0][j] += x0Std * rng.NormFloat64()
			}
		}
		if err := run(sys, pol, tr, rng); err != nil {
			return nil, fmt.Errorf("rollout %d: %w", i, err)
		}
		b[i] = tr
	}
	return b, nil
}

// checkRollout checks the arguments of fn (Rollout or Rollouts) and the
// size counts × T × (n+m), named names, of what it will allocate.
func checkRollout(fn, names string, sys System, pol Policy, x0 []float64, T int, counts ...int) error {
	switch {
	case sys == nil:
		return fmt.Errorf("%s: nil System", fn)
	case nilcheck.IsNil(sys):
		return fmt.Errorf("%s: nil %T System", fn, sys)
	case pol == nil:
		return fmt.Errorf("%s: nil Policy", fn)
	case nilcheck.IsNil(pol):
		return fmt.Errorf("%s: nil %T Policy", fn, pol)
	case T <= 0:
		return fmt.Errorf("%s: horizon T = %d, want > 0", fn, T)
	}
	n, m := sys.StateDim(), sys.ActionDim()
	if err := CheckVec("x0", x0, n); err != nil {
		return fmt.Errorf("%s (%s): %w", fn, sys.Name(), err)
	}
	if n < 1 || m < 1 {
		return fmt.Errorf("%s (%s): StateDim = %d, ActionDim = %d, want ≥ 1", fn, sys.Name(), n, m)
	}
	return limits.Check(fn+" ("+sys.Name()+")", names, append(counts, T, n+m)...)
}

// run fills tr from its first state.
func run(sys System, pol Policy, tr Trajectory, rng *rand.Rand) error {
	for t, u := range tr.U {
		if err := pol.Act(u, t, tr.X[t], rng); err != nil {
			return fmt.Errorf("Rollout (%s): policy at step %d: %w", sys.Name(), t, err)
		}
		for j, v := range u {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return fmt.Errorf("Rollout (%s): action %d[%d] = %v is not finite", sys.Name(), t, j, v)
			}
		}
		if err := sys.Step(tr.X[t+1], tr.X[t], u); err != nil {
			return fmt.Errorf("Rollout (%s): step %d: %w", sys.Name(), t, err)
		}
	}
	return nil
}
