package e2c

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/rlcontrol/rlcontrol/rl/internal/nilcheck"
	"github.com/rlcontrol/rlcontrol/rl/system"
)

// Task is a closed-loop control task from images: the true system, how it
// is seen, the goal, the episode length and how an episode is judged. The
// planner sees only images (Observe, GoalImage); the true states serve to
// start episodes (Starts) and to judge them (Distance, Success, Cost).
//
// PlanarTask and PendulumTask build the two tasks of the paper; Validate
// checks a changed one.
type Task struct {
	// Name names the task ("planar", "pendulum").
	Name string
	// Sys is the true system: a *system.Planar or a *system.Pendulum.
	Sys system.System
	// Width, Height and Frames give the image layout the model sees:
	// Frames 1 shows the current state, Frames 2 the previous and the
	// current one (the newest last), as in Dataset.
	Width, Height, Frames int
	// Goal is the true goal state.
	Goal []float64
	// T is the number of steps of an episode.
	T int
	// Tol is the success threshold on Distance: in m for the planar task,
	// in rad for the pendulum.
	Tol float64
	// Hold is the number of final states of an episode that must all lie
	// within Tol for Success (1: the final state only).
	Hold int
	// Q and R are the diagonal weights of the reporting cost (Cost), one
	// per state and per action component.
	Q, R []float64
	// MinStartDistance is how far from the goal (Distance) Starts places
	// the planar agent, in m.
	MinStartDistance float64
	// StartAngle is the half-width, in rad, of the interval around hanging
	// down (θ = 0) from which Starts draws the pendulum's angle.
	StartAngle float64
}

// PlanarTask is the planar navigation task: system.NewPlanar() with an
// agent of radius 0.2 m (a disc 4 pixels across: at the default 0.1 m, two
// pixels, the decoder took far longer to learn to draw it) that slides
// along obstacles and walls (Planar.Slide), seen as 40×40 images (one
// frame), from a free start at least 1 m from the goal to the goal
// (1.4, 1.4) in the free top-right corner, in T = 50 steps — up to 10 m of
// travel at the top speed of 0.2 m per step, room enough to go around
// obstacles across the 4 m field. Success: the final position within
// 0.2 m (2 pixels) of the goal. The system stops the agent at obstacles
// and walls (letting it slide along them), so every state of an episode
// from a free start is free: an episode cannot fail by collision, only by
// not arriving (a planner that pushes straight into an obstacle stays
// stuck there). Reporting cost: Q = I (per m²), R = I (per (m/s)²).
func PlanarTask() *Task {
	sys := system.NewPlanar()
	sys.AgentRadius = 0.2
	sys.Slide = true
	return &Task{
		Name: "planar", Sys: sys,
		Width: PlanarSize, Height: PlanarSize, Frames: 1,
		Goal: []float64{1.4, 1.4}, T: 50, Tol: 0.2, Hold: 1,
		Q: []float64{1, 1}, R: []float64{1, 1},
		MinStartDistance: 1,
	}
}

// PendulumTask is the pendulum swing-up: system.NewPendulum() with a time
// step of 0.05 s instead of 0.02 s (so that a swing at 1 rad/s moves the
// rod's tip by about a pixel between the two 48×48 frames the model sees),
// from hanging down at rest, θ ∈ [−0.3, 0.3] rad, to upright at rest,
// θ = π, within T = 100 steps (5 s; the torque limit of 5 N·m, half of
// m g l, makes a swing-up take about 3 s). Success: the last Hold = 10
// states (0.5 s) all within Tol = 0.3 rad of upright, i.e. swung up and
// balanced rather than passing through. Reporting cost: Q = diag(1, 0.1),
// R = 0.01, on the wrapped angle error.
func PendulumTask() *Task {
	p := system.NewPendulum()
	p.TimeStep = 0.05
	return &Task{
		Name: "pendulum", Sys: p,
		Width: PendulumSize, Height: PendulumSize, Frames: 2,
		Goal: []float64{math.Pi, 0}, T: 100, Tol: 0.3, Hold: 10,
		Q: []float64{1, 0.1}, R: []float64{0.01},
		StartAngle: 0.3,
	}
}

// check returns an error, prefixed with the method fn, when t is nil or
// invalid.
func (t *Task) check(fn string) error {
	if nilcheck.IsNil(t) {
		return fmt.Errorf("e2c: Task.%s: nil *Task", fn)
	}
	if err := t.Validate(); err != nil {
		return fmt.Errorf("e2c: Task.%s: %w", fn, err)
	}
	return nil
}

// Validate checks every field of t and returns an error naming the first
// bad one.
func (t *Task) Validate() error {
	if nilcheck.IsNil(t) {
		return errors.New("e2c: Task: nil *Task")
	}
	name := fmt.Sprintf("e2c: task %q", t.Name)
	switch s := t.Sys.(type) {
	case *system.Planar:
		if s == nil {
			return fmt.Errorf("%s: Sys is a nil *system.Planar", name)
		}
		if err := s.Validate(); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
	case *system.Pendulum:
		if s == nil {
			return fmt.Errorf("%s: Sys is a nil *system.Pendulum", name)
		}
		if err := s.Validate(); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
	default:
		return fmt.Errorf("%s: Sys is %T, want a *system.Planar or a *system.Pendulum", name, t.Sys)
	}
	if t.Width < 1 || t.Height < 1 || t.Width > system.MaxImageSide || t.Height > system.MaxImageSide {
		return fmt.Errorf("%s: image size %d×%d, want width and height in [1, %d]", name, t.Width, t.Height, system.MaxImageSide)
	}
	if t.Frames != 1 && t.Frames != 2 {
		return fmt.Errorf("%s: Frames = %d, want 1 or 2", name, t.Frames)
	}
	n, m := t.Sys.StateDim(), t.Sys.ActionDim()
	if err := system.CheckVec("Goal", t.Goal, n); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	if t.T < 1 {
		return fmt.Errorf("%s: T = %d steps, want ≥ 1", name, t.T)
	}
	if !(t.Tol > 0) || math.IsInf(t.Tol, 1) {
		return fmt.Errorf("%s: Tol = %v, want a finite value > 0", name, t.Tol)
	}
	if t.Hold < 1 || t.Hold > t.T+1 {
		return fmt.Errorf("%s: Hold = %d, want 1 to T+1 = %d states", name, t.Hold, t.T+1)
	}
	for _, w := range []struct {
		what string
		v    []float64
		n    int
	}{{"Q", t.Q, n}, {"R", t.R, m}} {
		if err := system.CheckVec(w.what, w.v, w.n); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		for i, v := range w.v {
			if v < 0 {
				return fmt.Errorf("%s: %s[%d] = %v, want a weight ≥ 0", name, w.what, i, v)
			}
		}
	}
	if !(t.MinStartDistance >= 0) || math.IsInf(t.MinStartDistance, 1) {
		return fmt.Errorf("%s: MinStartDistance = %v, want a finite value ≥ 0", name, t.MinStartDistance)
	}
	if !(t.StartAngle >= 0 && t.StartAngle <= math.Pi) {
		return fmt.Errorf("%s: StartAngle = %v, want a value in [0, π]", name, t.StartAngle)
	}
	return nil
}

// Data renders n training transitions of t's system in t's image layout
// (PlanarData or PendulumData, at t.Width×t.Height): the data a model for
// t learns from.
func (t *Task) Data(n int, seed uint64) (*Dataset, error) {
	if err := t.check("Data"); err != nil {
		return nil, err
	}
	switch s := t.Sys.(type) {
	case *system.Planar:
		if t.Frames != 1 {
			return nil, fmt.Errorf("e2c: Task.Data: the planar data have 1 frame, the task %d", t.Frames)
		}
		return planarData(s, n, seed, t.Width, t.Height)
	default:
		if t.Frames != 2 {
			return nil, fmt.Errorf("e2c: Task.Data: the pendulum data have 2 frames, the task %d", t.Frames)
		}
		return pendulumData(s.(*system.Pendulum), n, seed, t.Width, t.Height)
	}
}

// Observe renders the image the model sees at state cur, prev being the
// state one step before (ignored when Frames is 1; at the start of an
// episode pass the start state, which Starts places at rest): Frames
// frames of Width×Height pixels, the newest last, rounded to float32 as
// the training data are.
func (t *Task) Observe(prev, cur []float64) ([]float64, error) {
	if err := t.check("Observe"); err != nil {
		return nil, err
	}
	n := t.Sys.StateDim()
	if err := system.CheckVec("cur", cur, n); err != nil {
		return nil, fmt.Errorf("e2c: Task.Observe: %w", err)
	}
	r := t.Sys.(system.Renderer)
	P := t.Width * t.Height
	img := make([]float64, t.Frames*P)
	if t.Frames == 2 {
		if err := system.CheckVec("prev", prev, n); err != nil {
			return nil, fmt.Errorf("e2c: Task.Observe: %w", err)
		}
		if err := renderFrame(r, img[:P], t.Width, t.Height, prev); err != nil {
			return nil, fmt.Errorf("e2c: Task.Observe: %w", err)
		}
	}
	if err := renderFrame(r, img[(t.Frames-1)*P:], t.Width, t.Height, cur); err != nil {
		return nil, fmt.Errorf("e2c: Task.Observe: %w", err)
	}
	return img, nil
}

// GoalImage is Observe(Goal, Goal): the goal seen at rest.
func (t *Task) GoalImage() ([]float64, error) {
	if err := t.check("GoalImage"); err != nil {
		return nil, err
	}
	return t.Observe(t.Goal, t.Goal)
}

// Starts returns n start states drawn with the seed: for the planar task
// uniform over free positions at least MinStartDistance from the goal; for
// the pendulum at rest with θ uniform in [−StartAngle, StartAngle]. It
// returns an error for n < 0, n above 10⁶, and when no planar start is
// found in 10⁵ tries.
func (t *Task) Starts(n int, seed uint64) ([][]float64, error) {
	if err := t.check("Starts"); err != nil {
		return nil, err
	}
	if n < 0 || n > 1e6 {
		return nil, fmt.Errorf("e2c: Task.Starts: n = %d, want 0 to 10⁶", n)
	}
	rng := rand.New(rand.NewPCG(seed, 0x57a27))
	starts := make([][]float64, n)
	switch s := t.Sys.(type) {
	case *system.Planar:
		r, w := s.AgentRadius, s.World
		for i := range starts {
			x := make([]float64, 2)
			for try := 0; ; try++ {
				if try == 1e5 {
					return nil, fmt.Errorf("e2c: Task.Starts: no free position %v m or more from the goal %v in 10⁵ tries", t.MinStartDistance, t.Goal)
				}
				x[0] = w.XMin + r + (w.XMax-w.XMin-2*r)*rng.Float64()
				x[1] = w.YMin + r + (w.YMax-w.YMin-2*r)*rng.Float64()
				if free, _ := s.Free(x); free && math.Hypot(x[0]-t.Goal[0], x[1]-t.Goal[1]) >= t.MinStartDistance {
					break
				}
			}
			starts[i] = x
		}
	default:
		for i := range starts {
			starts[i] = []float64{t.StartAngle * (2*rng.Float64() - 1), 0}
		}
	}
	return starts, nil
}

// Distance is the true distance of state x from the goal: the Euclidean
// distance in m for the planar task, the wrapped angle |wrap(θ − θ_goal)|
// in rad for the pendulum (its velocity is not counted; Success asks for
// Hold states in a row instead).
func (t *Task) Distance(x []float64) (float64, error) {
	if err := t.check("Distance"); err != nil {
		return 0, err
	}
	if err := system.CheckVec("x", x, t.Sys.StateDim()); err != nil {
		return 0, fmt.Errorf("e2c: Task.Distance: %w", err)
	}
	return t.distance(x), nil
}

// distance is Distance for a checked x.
func (t *Task) distance(x []float64) float64 {
	if _, ok := t.Sys.(*system.Planar); ok {
		return math.Hypot(x[0]-t.Goal[0], x[1]-t.Goal[1])
	}
	return math.Abs(system.WrapAngle(x[0] - t.Goal[0]))
}

// Success reports whether the states x_0 … x_T of an episode reach the
// goal: the last Hold states all within Tol (Distance) and, for the planar
// task, every state free (inside World, overlapping no obstacle — always
// so from a free start, since the system stops the agent at obstacles; a
// blocked push is not a failure by itself). It returns an error for fewer
// than Hold states or a state of the wrong length or not finite.
func (t *Task) Success(states [][]float64) (bool, error) {
	if err := t.check("Success"); err != nil {
		return false, err
	}
	if len(states) < t.Hold {
		return false, fmt.Errorf("e2c: Task.Success: %d states, want at least Hold = %d", len(states), t.Hold)
	}
	n := t.Sys.StateDim()
	for i, x := range states {
		if err := system.CheckVec(fmt.Sprintf("states[%d]", i), x, n); err != nil {
			return false, fmt.Errorf("e2c: Task.Success: %w", err)
		}
	}
	if p, ok := t.Sys.(*system.Planar); ok {
		for _, x := range states {
			if free, _ := p.Free(x); !free {
				return false, nil
			}
		}
	}
	for _, x := range states[len(states)-t.Hold:] {
		if t.distance(x) > t.Tol {
			return false, nil
		}
	}
	return true, nil
}

// Cost is the true quadratic cost of an episode, for reporting:
//
//	J = Σ_{t<T} ½[(x_t − g)ᵀ Q (x_t − g) + u_tᵀ R u_t] + ½ (x_T − g)ᵀ Q (x_T − g),
//
// with g = Goal and, for the pendulum, the angle error wrapped to [−π, π).
// states holds x_0 … x_T and actions u_0 … u_{T−1} (any T ≥ 0). It returns
// an error for mismatched lengths, values that are not finite, and a cost
// that overflows.
func (t *Task) Cost(states, actions [][]float64) (float64, error) {
	if err := t.check("Cost"); err != nil {
		return 0, err
	}
	if len(states) == 0 || len(states) != len(actions)+1 {
		return 0, fmt.Errorf("e2c: Task.Cost: %d states and %d actions, want T+1 states and T actions", len(states), len(actions))
	}
	n, m := t.Sys.StateDim(), t.Sys.ActionDim()
	_, pendulum := t.Sys.(*system.Pendulum)
	J := 0.0
	for i, x := range states {
		if err := system.CheckVec(fmt.Sprintf("states[%d]", i), x, n); err != nil {
			return 0, fmt.Errorf("e2c: Task.Cost: %w", err)
		}
		for j := range x {
			e := x[j] - t.Goal[j]
			if pendulum && j == 0 {
				e = system.WrapAngle(e)
			}
			J += 0.5 * t.Q[j] * e * e
		}
	}
	for i, u := range actions {
		if err := system.CheckVec(fmt.Sprintf("actions[%d]", i), u, m); err != nil {
			return 0, fmt.Errorf("e2c: Task.Cost: %w", err)
		}
		for j, v := range u {
			J += 0.5 * t.R[j] * v * v
		}
	}
	if math.IsInf(J, 0) || math.IsNaN(J) {
		return 0, fmt.Errorf("e2c: Task.Cost: the cost overflows (%v)", J)
	}
	return J, nil
}

// Scenario returns t as Evaluate and ClosedLoop take it: its system,
// Observe, goal image, T, Success and Cost.
func (t *Task) Scenario() (Scenario, error) {
	goal, err := t.GoalImage()
	if err != nil {
		return Scenario{}, err
	}
	return Scenario{Sys: t.Sys, Observe: t.Observe, GoalImage: goal, T: t.T, Success: t.Success, Cost: t.Cost}, nil
}
