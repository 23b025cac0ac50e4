package imitation

import (
	"github.com/rlcontrol/rlcontrol/rl/cost"
	"github.com/rlcontrol/rlcontrol/rl/system"
)

// TestStarts is the number of held-out starts of the lessons' tasks.
const TestStarts = 24

// ArmReach is the 2-link arm (horizontal plane, default links) reaching the
// point (−0.6, 1.4) m with its end effector in T = 100 steps (2 s), from
// rest at joint angles q1 ∈ [−0.6, 0.6] rad, q2 ∈ [0.3, 1.8] rad. The cost
// is quadratic in the joint state around the elbow-up goal state at rest:
// Q = diag(1, 1, 0.1, 0.1), R = diag(0.05, 0.05), Qf = diag(200, 200, 20, 20).
// Success: the end effector within 0.1 m of the point at the last step.
// Training conditions: a 3×3 grid over the start box (10%, 50%, 90% of
// each range); test starts: TestStarts drawn uniformly with seed 105.
func ArmReach() *Task {
	arm := system.NewArm2Link()
	goalX, goalY := -0.6, 1.4
	goal, err := arm.GoalStateFor(goalX, goalY, true)
	if err != nil {
		panic(err) // constant settings: cannot fail
	}
	c, err := cost.Diagonal([]float64{1, 1, 0.1, 0.1}, []float64{0.05, 0.05}, []float64{200, 200, 20, 20}, goal)
	if err != nil {
		panic(err)
	}
	lo, hi := []float64{-0.6, 0.3, 0, 0}, []float64{0.6, 1.8, 0, 0}
	return &Task{
		Name: "arm reaching", System: arm, Cost: c, T: 100,
		Train: grid(lo, hi), StartLo: lo, StartHi: hi,
		Test:     drawStarts(lo, hi, TestStarts, 105),
		Goal:     [2]float64{goalX, goalY},
		Position: arm.EndEffector,
		Tol:      0.1,
		Observe:  Positions{Index: []int{0, 1}, Frames: 2, Dt: arm.TimeStep},
	}
}

// PointMassGap is the point mass (1 kg, |F| ≤ 2 N) going from rest
// anywhere in px ∈ [−2.5, −1.5] m, py ∈ [−1.5, 1.5] m to rest at (2, 0)
// in T = 100 steps (5 s) through the 1 m gap between two discs of radius
// 0.6 m at (0, ±1.1). The cost is quadratic around the goal, Q = diag(1,
// 1, 0.1, 0.1), R = diag(0.1, 0.1), Qf = diag(100, 100, 10, 10), plus the
// penalty ½·2000·h² for coming within the agent's radius (0.25 m) plus
// 0.1 m of a disc (cost.Discs). Success: within 0.15 m of the goal at the
// last step, and the agent never overlaps a disc. Training conditions: a
// 3×3 grid over the start box (10%, 50%, 90% of each range); test starts:
// TestStarts drawn uniformly with seed 106.
func PointMassGap() *Task {
	pm := system.NewPointMass()
	pm.Obstacles = []system.Circle{{X: 0, Y: 1.1, R: 0.6}, {X: 0, Y: -1.1, R: 0.6}}
	goal := []float64{2, 0, 0, 0}
	base, err := cost.Diagonal([]float64{1, 1, 0.1, 0.1}, []float64{0.1, 0.1}, []float64{100, 100, 10, 10}, goal)
	if err != nil {
		panic(err)
	}
	discs := make([]cost.Disc, len(pm.Obstacles))
	for i, o := range pm.Obstacles {
		discs[i] = cost.Disc{X: o.X, Y: o.Y, R: o.R}
	}
	c, err := cost.NewDiscs(base, discs, 0, 1, pm.AgentRadius+0.1, 2000)
	if err != nil {
		panic(err)
	}
	lo, hi := []float64{-2.5, -1.5, 0, 0}, []float64{-1.5, 1.5, 0, 0}
	return &Task{
		Name: "point mass through a gap", System: pm, Cost: c, T: 100,
		Train: grid(lo, hi), StartLo: lo, StartHi: hi,
		Test: drawStarts(lo, hi, TestStarts, 106),
		Goal: [2]float64{goal[0], goal[1]},
		Position: func(x []float64) (float64, float64, error) {
			if err := system.CheckVec("imitation: point mass state", x, 4); err != nil {
				return 0, 0, err
			}
			return x[0], x[1], nil
		},
		Collides: pm.InCollision,
		Tol:      0.15,
		Observe:  Positions{Index: []int{0, 1}, Frames: 2, Dt: pm.TimeStep},
	}
}

// grid returns the 3^k points (k = the number of components with lo < hi)
// of the box [lo, hi] at 10%, 50% and 90% of each such component's range.
func grid(lo, hi []float64) [][]float64 {
	out := [][]float64{make([]float64, len(lo))}
	for j := range lo {
		if lo[j] == hi[j] {
			for _, x := range out {
				x[j] = lo[j]
			}
			continue
		}
		var next [][]float64
		for _, x := range out {
			for _, f := range []float64{0.1, 0.5, 0.9} {
				y := append([]float64(nil), x...)
				y[j] = lo[j] + f*(hi[j]-lo[j])
				next = append(next, y)
			}
		}
		out = next
	}
	return out
}
