package system_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"

	"github.com/rlcontrol/rlcontrol/rl/lqr"
	"github.com/rlcontrol/rlcontrol/rl/system"
)

// Step the pendulum from 0.1 rad with a torque of 1 N·m, just above the
// gravity torque m g l sin θ ≈ 0.98 N·m there.
func ExamplePendulum() {
	p := system.NewPendulum()
	x := []float64{0.1, 0}
	for k := 1; k <= 3; k++ {
		if err := p.Step(x, x, []float64{1}); err != nil {
			fmt.Println(err)
			return
		}
		fmt.Printf("t=%.2f s  θ=%.5f rad  θ̇=%.5f rad/s\n", float64(k)*p.Dt(), x[0], x[1])
	}
	// Output:
	// t=0.02 s  θ=0.10000 rad  θ̇=0.00041 rad/s
	// t=0.04 s  θ=0.10002 rad  θ̇=0.00082 rad/s
	// t=0.06 s  θ=0.10004 rad  θ̇=0.00123 rad/s
}

// Linearise the pendulum upright at rest, x = [π, 0]: A and B are the
// exact derivatives of the RK4 step.
func ExamplePendulum_Jacobians() {
	p := system.NewPendulum()
	A, B := make([]float64, 4), make([]float64, 2)
	if err := p.Jacobians(A, B, []float64{math.Pi, 0}, []float64{0}); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("A = [[%.4f %.4f] [%.4f %.4f]]\n", A[0], A[1], A[2], A[3])
	fmt.Printf("B = [%.6f %.6f]\n", B[0], B[1])
	// Output:
	// A = [[1.0020 0.0200] [0.1962 1.0010]]
	// B = [0.000200 0.020003]
}

// Bad input is an error, not a panic.
func ExamplePendulum_Step_badInput() {
	p := system.NewPendulum()
	next := make([]float64, 2)
	fmt.Println(p.Step(next, []float64{0, math.NaN()}, []float64{0}))
	fmt.Println(p.Step(next, []float64{0, 0}, []float64{0, 0}))
	p.TimeStep = 0
	fmt.Println(p.Step(next, []float64{0, 0}, []float64{0}))
	// Output:
	// pendulum: Step: x[1] = NaN is not finite
	// pendulum: Step: u has length 2, want 1
	// pendulum: TimeStep = 0, want a finite value > 0 seconds
}

// Draw the pendulum 45° short of upright (θ = 3π/4, rod towards the upper
// right) into a 12×12 image and print it.
func ExamplePendulum_Render() {
	p := system.NewPendulum()
	const w, h = 12, 12
	img := make([]float64, w*h)
	if err := p.Render(img, w, h, []float64{3 * math.Pi / 4, 0}); err != nil {
		fmt.Println(err)
		return
	}
	for i := 0; i < h; i++ {
		var b strings.Builder
		for j := 0; j < w; j++ {
			switch v := img[i*w+j]; {
			case v > 0.6:
				b.WriteByte('#')
			case v > 0.2:
				b.WriteByte('+')
			default:
				b.WriteByte('.')
			}
		}
		fmt.Println(b.String())
	}
	// Output:
	// ............
	// ............
	// ........+#..
	// .......+#+..
	// ......+#+...
	// .....+#+....
	// .....++.....
	// ............
	// ............
	// ............
	// ............
	// ............
}

// Simulate an open-loop action sequence.
func ExampleRollout() {
	d := system.NewDoubleIntegrator()
	us := [][]float64{{1}, {1}, {-1}, {-1}}
	tr, err := system.Rollout(d, system.OpenLoop(us), []float64{0, 0}, len(us), nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	for t, x := range tr.X {
		fmt.Printf("t=%d p=%.3f v=%.3f\n", t, x[0], x[1])
	}
	// Output:
	// t=0 p=0.000 v=0.000
	// t=1 p=0.005 v=0.100
	// t=2 p=0.020 v=0.200
	// t=3 p=0.035 v=0.100
	// t=4 p=0.040 v=0.000
}

// The double integrator's exact discretisation.
func ExampleDoubleIntegrator_Matrices() {
	d := system.NewDoubleIntegrator()
	A, B, err := d.Matrices()
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("A =", A)
	fmt.Println("B =", B)
	// Output:
	// A = [1 0.1 0 1]
	// B = [0.005000000000000001 0.1]
}

// Aim the arm at a point with analytic inverse kinematics.
func ExampleArm2Link_GoalStateFor() {
	arm := system.NewArm2Link()
	goal, err := arm.GoalStateFor(0.5, 1.5, true)
	if err != nil {
		fmt.Println(err)
		return
	}
	px, py, _ := arm.EndEffector(goal)
	fmt.Printf("q = [%.4f %.4f], end effector at (%.3f, %.3f)\n", goal[0], goal[1], px, py)
	_, err = arm.GoalStateFor(3, 0, true)
	fmt.Println(err)
	// Output:
	// q = [0.5900 1.3181], end effector at (0.500, 1.500)
	// 2-link arm: InverseKinematics: target (3, 0) at distance 3 from the shoulder is unreachable: want 0 ≤ distance ≤ 2
}

// Obstacles do not change the point mass's dynamics; Penetration measures
// the overlap a cost can penalise.
func ExamplePointMass_Penetration() {
	pm := system.NewPointMass()
	pm.Obstacles = []system.Circle{{X: 1, Y: 0.5, R: 0.4}}
	for _, p := range [][2]float64{{0, 0}, {0.8, 0.4}} {
		depth, i, err := pm.Penetration([]float64{p[0], p[1], 0, 0})
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Printf("at (%.1f, %.1f): depth %.3f m, obstacle %d\n", p[0], p[1], depth, i)
	}
	// Output:
	// at (0.0, 0.0): depth 0.000 m, obstacle -1
	// at (0.8, 0.4): depth 0.426 m, obstacle 0
}

// Sample a stochastic linear-Gaussian controller (an lqr.Controller is a
// system.Policy): three noisy rollouts from a jittered start, and the
// deterministic rollout of its mean.
func ExampleRollouts() {
	d := system.NewDoubleIntegrator()
	ctrl, err := lqr.NewConstantController(2, 1, 4, []float64{1}, 0.01) // u ~ N(1, 0.1²)
	if err != nil {
		panic(err)
	}
	b, err := system.Rollouts(d, ctrl, []float64{0, 0}, 0.01, 3, 4, rand.New(rand.NewPCG(1, 2)))
	if err != nil {
		panic(err)
	}
	n, m, T, N, _ := b.Dims()
	fmt.Printf("n = %d, m = %d, T = %d, N = %d\n", n, m, T, N)
	for i, tr := range b {
		fmt.Printf("rollout %d: final velocity %.3f\n", i, tr.Final()[1])
	}
	mean, err := system.Rollout(d, ctrl, []float64{0, 0}, 4, nil)
	if err != nil {
		panic(err)
	}
	fmt.Printf("mean rollout: final velocity %.3f\n", mean.Final()[1])
	// Output:
	// n = 2, m = 1, T = 4, N = 3
	// rollout 0: final velocity 0.357
	// rollout 1: final velocity 0.409
	// rollout 2: final velocity 0.423
	// mean rollout: final velocity 0.400
}
