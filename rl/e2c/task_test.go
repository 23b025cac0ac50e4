package e2c

import (
	"fmt"
	"math"
	"testing"

	"github.com/rlcontrol/rlcontrol/rl/cost"
	"github.com/rlcontrol/rlcontrol/rl/ilqr"
	"github.com/rlcontrol/rlcontrol/rl/internal/badtest"
	"github.com/rlcontrol/rlcontrol/rl/system"
)

// TestPlanarTaskStarts: starts are reproducible, free and at least
// MinStartDistance from the goal; the goal itself is free.
func TestPlanarTaskStarts(t *testing.T) {
	task := PlanarTask()
	if err := task.Validate(); err != nil {
		t.Fatal(err)
	}
	sys := task.Sys.(*system.Planar)
	if ok, _ := sys.Free(task.Goal); !ok {
		t.Fatalf("goal %v is not free", task.Goal)
	}
	s1, err := task.Starts(50, 9)
	if err != nil {
		t.Fatal(err)
	}
	s2, _ := task.Starts(50, 9)
	if err := sameBits("starts", s1, s2); err != nil {
		t.Errorf("same seed: %v", err)
	}
	for i, x := range s1 {
		free, _ := sys.Free(x)
		d, _ := task.Distance(x)
		if !free || d < task.MinStartDistance {
			t.Errorf("start %d = %v: free %v, %.2f m from the goal", i, x, free, d)
		}
	}
}

// TestPlanarTaskSuccess: heading straight for the goal at full speed
// succeeds from every start whose straight line is free (T = 50 steps of
// up to 0.2·√2 m cover any distance in the 4 m field) and, sliding round
// the obstacle, from all but a few of the others (a push at an obstacle's
// centre has no sideways part: it stays stuck); at most 2 of the 40 starts
// fail. Without sliding every blocked start gets stuck. Success and Cost agree with a direct computation.
func TestPlanarTaskSuccess(t *testing.T) {
	task := PlanarTask()
	sys := task.Sys.(*system.Planar)
	starts, err := task.Starts(40, 1)
	if err != nil {
		t.Fatal(err)
	}
	straight := func(x0 []float64) (states, actions [][]float64) {
		states = [][]float64{x0}
		x := append([]float64(nil), x0...)
		for range task.T {
			// Full speed towards the goal, slowing for the last step.
			dx, dy := task.Goal[0]-x[0], task.Goal[1]-x[1]
			s := math.Min(1, sys.MaxSpeed/math.Max(math.Abs(dx), math.Abs(dy)))
			u := []float64{s * dx, s * dy}
			if err := sys.Step(x, x, u); err != nil {
				t.Fatal(err)
			}
			states, actions = append(states, append([]float64(nil), x...)), append(actions, u)
		}
		return states, actions
	}
	seen, stuck, headOn := 0, 0, 0
	for _, x0 := range starts {
		blocked, _ := sys.Blocked(x0, []float64{task.Goal[0] - x0[0], task.Goal[1] - x0[1]})
		sys.Slide = false
		states, _ := straight(x0)
		okStop, err := task.Success(states)
		if err != nil {
			t.Fatal(err)
		}
		sys.Slide = true
		states, actions := straight(x0)
		ok, err := task.Success(states)
		if err != nil {
			t.Fatal(err)
		}
		if okStop == blocked || (!blocked && !ok) {
			t.Errorf("start %v: straight line blocked %v; success %v sliding, %v stopping", x0, blocked, ok, okStop)
		}
		if !ok {
			headOn++
		}
		if blocked {
			stuck++
		} else {
			seen++
		}
		// The cost by its definition, summed here in another order.
		want := 0.0
		for i, s := range states {
			e := math.Hypot(s[0]-task.Goal[0], s[1]-task.Goal[1])
			want += 0.5 * e * e
			if i < len(actions) {
				want += 0.5 * (actions[i][0]*actions[i][0] + actions[i][1]*actions[i][1])
			}
		}
		// Sums of ~100 terms of order 1: rounding ≤ 1e-13 relative.
		if J, err := task.Cost(states, actions); err != nil || math.Abs(J-want) > 1e-12*want {
			t.Errorf("Cost = %v (%v), want %v", J, err, want)
		}
	}
	t.Logf("%d starts see the goal, %d are behind an obstacle, %d stay stuck sliding", seen, stuck, headOn)
	if headOn > 2 {
		t.Errorf("%d of %d starts stay stuck although the agent slides", headOn, len(starts))
	}
	if seen == 0 || stuck == 0 {
		t.Errorf("%d free and %d blocked straight lines: the layout should give both", seen, stuck)
	}
	// The final state decides: 0.19 m away succeeds, 0.21 m fails.
	near := [][]float64{{1, 1}, {task.Goal[0] - 0.19, task.Goal[1]}}
	far := [][]float64{{1, 1}, {task.Goal[0], task.Goal[1] - 0.21}}
	if ok, _ := task.Success(near); !ok {
		t.Error("0.19 m from the goal is not a success")
	}
	if ok, _ := task.Success(far); ok {
		t.Error("0.21 m from the goal is a success")
	}
	// A state inside an obstacle (not reachable by Step) fails.
	o := sys.Obstacles[0]
	if ok, _ := task.Success([][]float64{{o.X, o.Y}, task.Goal}); ok {
		t.Error("an episode through an obstacle is a success")
	}
}

// TestPendulumTaskSolvable: iLQR on the true pendulum (known dynamics,
// the task's quadratic cost with a heavy final term) swings it up from the
// task's starts within T and Success accepts the result; hanging still
// fails. This shows T, Tol and Hold leave room for a swing-up under the
// torque limit.
func TestPendulumTaskSolvable(t *testing.T) {
	task := PendulumTask()
	starts, err := task.Starts(2, 5)
	if err != nil {
		t.Fatal(err)
	}
	c, err := cost.Diagonal(task.Q, task.R, []float64{1000, 100}, task.Goal)
	if err != nil {
		t.Fatal(err)
	}
	for _, x0 := range starts {
		if x0[1] != 0 || math.Abs(x0[0]) > task.StartAngle {
			t.Fatalf("start %v: want at rest within ±%v rad", x0, task.StartAngle)
		}
		res, err := ilqr.Solve(task.Sys, c, x0, make2(task.T, 1), ilqr.Config{})
		if err != nil {
			t.Fatal(err)
		}
		ok, err := task.Success(res.X)
		d, _ := task.Distance(res.Final())
		if err != nil || !ok {
			t.Errorf("start %v: iLQR ends %.3f rad from upright, success %v (%v)", x0, d, ok, err)
		}
		hanging := make([][]float64, task.T+1)
		for i := range hanging {
			hanging[i] = x0
		}
		if ok, _ := task.Success(hanging); ok {
			t.Error("hanging still is a success")
		}
	}
}

// make2 returns n zero rows of length m.
func make2(n, m int) [][]float64 {
	rows := make([][]float64, n)
	for i := range rows {
		rows[i] = make([]float64, m)
	}
	return rows
}

// TestTaskObserve: the images are the renders of the states, oldest frame
// first, and the goal image is the goal seen at rest.
func TestTaskObserve(t *testing.T) {
	pt := PlanarTask()
	img, err := pt.Observe(nil, []float64{0.5, -0.5})
	if err != nil {
		t.Fatal(err)
	}
	if err := sameBits("planar", [][]float64{img}, [][]float64{render(t, pt.Sys.(system.Renderer), 40, 40, []float64{0.5, -0.5})}); err != nil {
		t.Error(err)
	}
	g, err := pt.GoalImage()
	if err != nil {
		t.Fatal(err)
	}
	if err := sameBits("planar goal", [][]float64{g}, [][]float64{render(t, pt.Sys.(system.Renderer), 40, 40, pt.Goal)}); err != nil {
		t.Error(err)
	}

	pe := PendulumTask()
	r := pe.Sys.(system.Renderer)
	prev, cur := []float64{0.3, 1}, []float64{0.35, 1}
	img, err = pe.Observe(prev, cur)
	if err != nil {
		t.Fatal(err)
	}
	const P = 48 * 48
	if len(img) != 2*P {
		t.Fatalf("pendulum image of %d pixels, want %d", len(img), 2*P)
	}
	if err := sameBits("pendulum", [][]float64{img[:P], img[P:]}, [][]float64{render(t, r, 48, 48, prev), render(t, r, 48, 48, cur)}); err != nil {
		t.Error(err)
	}
	g, err = pe.GoalImage()
	if err != nil {
		t.Fatal(err)
	}
	up := render(t, r, 48, 48, pe.Goal)
	if err := sameBits("pendulum goal", [][]float64{g[:P], g[P:]}, [][]float64{up, up}); err != nil {
		t.Error(err)
	}
	// The task's data have the task's layout and its pendulum's time step.
	d, err := pe.Data(3, 1)
	if err != nil {
		t.Fatal(err)
	}
	next := make([]float64, 2)
	_ = pe.Sys.Step(next, d.State[0], d.U[0])
	if d.Width != 48 || d.Frames != 2 || next[0] != d.StateNext[0][0] {
		t.Errorf("Task.Data: %d×%d×%d, StateNext %v vs the task's Step %v", d.Width, d.Height, d.Frames, d.StateNext[0], next)
	}
	sc, err := pe.Scenario()
	if err != nil || sc.T != pe.T || len(sc.GoalImage) != 2*P || sc.Sys != pe.Sys {
		t.Errorf("Scenario: %+v, %v", sc.T, err)
	}
}

// TestTaskCostPendulum: the angle error is wrapped (θ = −π is upright) and
// the weights are those of the closed form.
func TestTaskCostPendulum(t *testing.T) {
	task := PendulumTask()
	states := [][]float64{{0, 0}, {-math.Pi, 2}}
	actions := [][]float64{{3}}
	// ½(1·π² + 0.1·0²) + ½·0.01·3² + ½(1·0² + 0.1·2²) = π²/2 + 0.045 + 0.2
	want := math.Pi*math.Pi/2 + 0.045 + 0.2
	J, err := task.Cost(states, actions)
	if err != nil || math.Abs(J-want) > 1e-14 {
		t.Errorf("Cost = %v (%v), want %v", J, err, want)
	}
	if d, _ := task.Distance([]float64{-math.Pi + 0.1, 5}); math.Abs(d-0.1) > 1e-12 {
		t.Errorf("Distance at θ = −π + 0.1 = %v, want 0.1", d)
	}
}

// TestTaskBadInput: bad tasks and arguments are errors naming the value.
func TestTaskBadInput(t *testing.T) {
	nan := math.NaN()
	with := func(mk func() *Task, f func(t *Task)) *Task { t := mk(); f(t); return t }
	validate := func(tk *Task) func() error { return tk.Validate }
	var nilT *Task
	var nilPlanar *system.Planar
	pt, pe := PlanarTask(), PendulumTask()
	cases := []badtest.Case{
		badtest.Err("nil", "nil task", func() error { return nilT.Validate() }, "nil *Task"),
		badtest.Err("nil", "Observe on nil task", func() error { _, err := nilT.Observe(nil, []float64{0, 0}); return err }, "Observe", "nil *Task"),
		badtest.Err("nil", "nil Sys", validate(with(PlanarTask, func(t *Task) { t.Sys = nil })), "Sys is <nil>"),
		badtest.Err("nil", "typed nil Sys", validate(with(PlanarTask, func(t *Task) { t.Sys = nilPlanar })), "nil *system.Planar"),
		badtest.Err("ragged", "other system", validate(with(PlanarTask, func(t *Task) { t.Sys = system.NewPointMass() })), "*system.PointMass"),
		badtest.Err("nan", "bad system", validate(with(PendulumTask, func(t *Task) { t.Sys.(*system.Pendulum).TimeStep = nan })), "TimeStep = NaN"),
		badtest.Err("ragged", "zero width", validate(with(PlanarTask, func(t *Task) { t.Width = 0 })), "image size 0×40"),
		badtest.Err("ragged", "3 frames", validate(with(PlanarTask, func(t *Task) { t.Frames = 3 })), "Frames = 3"),
		badtest.Err("nan", "NaN goal", validate(with(PlanarTask, func(t *Task) { t.Goal = []float64{nan, 0} })), "Goal[0] = NaN"),
		badtest.Err("ragged", "short goal", validate(with(PendulumTask, func(t *Task) { t.Goal = []float64{math.Pi} })), "Goal has length 1, want 2"),
		badtest.Err("ragged", "T = 0", validate(with(PlanarTask, func(t *Task) { t.T = 0 })), "T = 0"),
		badtest.Err("nan", "Tol NaN", validate(with(PlanarTask, func(t *Task) { t.Tol = nan })), "Tol = NaN"),
		badtest.Err("ragged", "Hold 0", validate(with(PlanarTask, func(t *Task) { t.Hold = 0 })), "Hold = 0"),
		badtest.Err("ragged", "Hold > T+1", validate(with(PendulumTask, func(t *Task) { t.Hold = 102 })), "Hold = 102"),
		badtest.Err("nan", "negative Q", validate(with(PlanarTask, func(t *Task) { t.Q = []float64{1, -1} })), "Q[1] = -1"),
		badtest.Err("ragged", "R too long", validate(with(PendulumTask, func(t *Task) { t.R = []float64{1, 1} })), "R has length 2, want 1"),
		badtest.Err("nan", "MinStartDistance NaN", validate(with(PlanarTask, func(t *Task) { t.MinStartDistance = nan })), "MinStartDistance = NaN"),
		badtest.Err("nan", "StartAngle 4", validate(with(PendulumTask, func(t *Task) { t.StartAngle = 4 })), "StartAngle = 4"),
		badtest.Err("ragged", "Data with 2 frames on planar", func() error {
			_, err := with(PlanarTask, func(t *Task) { t.Frames = 2 }).Data(3, 1)
			return err
		}, "1 frame"),
		badtest.Err("ragged", "Observe short cur", func() error { _, err := pt.Observe(nil, []float64{0}); return err }, "cur has length 1"),
		badtest.Err("nan", "Observe NaN cur", func() error { _, err := pt.Observe(nil, []float64{0, nan}); return err }, "cur[1] = NaN"),
		badtest.Err("ragged", "Observe pendulum without prev", func() error { _, err := pe.Observe(nil, []float64{0, 0}); return err }, "prev has length 0"),
		badtest.Err("ragged", "Starts n = -1", func() error { _, err := pt.Starts(-1, 1); return err }, "n = -1"),
		badtest.Err("hang", "Starts with no room", func() error {
			_, err := with(PlanarTask, func(t *Task) { t.MinStartDistance = 10 }).Starts(1, 1)
			return err
		}, "no free position 10 m"),
		badtest.Err("nan", "Distance NaN", func() error { _, err := pe.Distance([]float64{nan, 0}); return err }, "x[0] = NaN"),
		badtest.Err("ragged", "Success too few states", func() error { _, err := pe.Success(make2(9, 2)); return err }, "9 states", "Hold = 10"),
		badtest.Err("ragged", "Success ragged state", func() error { _, err := pt.Success([][]float64{{0, 0}, {1}}); return err }, "states[1] has length 1"),
		badtest.Err("ragged", "Cost mismatched", func() error { _, err := pt.Cost(make2(3, 2), make2(3, 2)); return err }, "3 states and 3 actions"),
		badtest.Err("nan", "Cost NaN action", func() error { _, err := pt.Cost(make2(2, 2), [][]float64{{0, nan}}); return err }, "actions[0][1] = NaN"),
		badtest.Err("nan", "Cost overflows", func() error { _, err := pt.Cost([][]float64{{1e200, 0}}, nil); return err }, "overflows"),
		badtest.Err("nil", "Scenario nil", func() error { _, err := nilT.Scenario(); return err }, "nil *Task"),
	}
	badtest.Run(t, cases)
}

// The planar task: where episodes start, what the model sees, and how an
// episode is judged.
func ExamplePlanarTask() {
	task := PlanarTask()
	starts, err := task.Starts(3, 1)
	if err != nil {
		fmt.Println(err)
		return
	}
	img, _ := task.Observe(nil, starts[0])
	goal, _ := task.GoalImage()
	fmt.Printf("goal %v, %d steps, success within %v m\n", task.Goal, task.T, task.Tol)
	fmt.Printf("images of %d pixels (goal image %d)\n", len(img), len(goal))
	for _, x := range starts {
		d, _ := task.Distance(x)
		fmt.Printf("start (%.2f, %.2f) m, %.2f m from the goal\n", x[0], x[1], d)
	}
	ok, _ := task.Success([][]float64{starts[0], {1.3, 1.45}})
	fmt.Println("ending at (1.3, 1.45) succeeds:", ok)
	// Output:
	// goal [1.4 1.4], 50 steps, success within 0.2 m
	// images of 1600 pixels (goal image 1600)
	// start (-1.72, 1.75) m, 3.14 m from the goal
	// start (0.35, -0.41) m, 2.09 m from the goal
	// start (-0.51, -1.35) m, 3.35 m from the goal
	// ending at (1.3, 1.45) succeeds: true
}
