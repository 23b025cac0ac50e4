package system

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// simulate steps sys from x under the constant action u for steps steps,
// calling visit after each step.
func simulate(t *testing.T, sys System, x, u []float64, steps int, visit func(k int, x []float64)) []float64 {
	t.Helper()
	x = slices.Clone(x)
	for k := 0; k < steps; k++ {
		if err := sys.Step(x, x, u); err != nil {
			t.Fatalf("%s: step %d: %v", sys.Name(), k, err)
		}
		if visit != nil {
			visit(k, x)
		}
	}
	return x
}

// TestPendulumEnergyConserved: without damping and torque the energy is
// constant along the flow. RK4 makes a local error O(Δt⁵) per step, so the
// drift after a fixed time is O(Δt⁴): with ω0 = √(g/l) ≈ 3.1 rad/s and
// Δt = 0.02 s, (ω0 Δt)⁴ ≈ 1.5e-5 per unit of time and energy scale, and we
// measure ~3e-6 J over 5 s for E ≈ 4 J. We allow 1e-4 J, which a
// first-order integrator (drift ~1e-1 J) or a wrong RK4 coefficient (drift
// O(Δt²) ~1e-3 J) misses by orders of magnitude.
func TestPendulumEnergyConserved(t *testing.T) {
	p := NewPendulum()
	p.Damping = 0
	x0 := []float64{2, 0}
	e0, err := p.Energy(x0)
	if err != nil {
		t.Fatal(err)
	}
	worst := 0.0
	simulate(t, p, x0, []float64{0}, 250, func(_ int, x []float64) {
		e, _ := p.Energy(x)
		worst = math.Max(worst, math.Abs(e-e0))
	})
	t.Logf("max energy drift over 5 s: %.2e J (E0 = %.3f J)", worst, e0)
	if worst > 1e-4 {
		t.Errorf("energy drifts by %.3g J over 5 s", worst)
	}
	// With damping the energy must decrease monotonically.
	p.Damping = 0.1
	prev := e0
	simulate(t, p, x0, []float64{0}, 250, func(k int, x []float64) {
		e, _ := p.Energy(x)
		if e > prev+1e-9 {
			t.Fatalf("damped pendulum gained energy at step %d: %v → %v", k, prev, e)
		}
		prev = e
	})
}

// TestPendulumFallsAndHangs checks signs: from θ = 0.5 gravity pulls back
// towards 0, and a positive torque accelerates θ upwards.
func TestPendulumFallsAndHangs(t *testing.T) {
	p := NewPendulum()
	x := simulate(t, p, []float64{0.5, 0}, []float64{0}, 5, nil)
	if !(x[0] < 0.5 && x[1] < 0) {
		t.Errorf("released at 0.5 rad the pendulum moved to %v", x)
	}
	x = simulate(t, p, []float64{0, 0}, []float64{1}, 5, nil)
	if !(x[0] > 0 && x[1] > 0) {
		t.Errorf("positive torque from rest gave %v", x)
	}
	// The small-angle period is 2π√(l/g).
	p.Damping = 0
	period := 2 * math.Pi * math.Sqrt(p.Length/p.Gravity)
	steps := int(math.Round(period / p.TimeStep))
	x = simulate(t, p, []float64{0.01, 0}, []float64{0}, steps, nil)
	if math.Abs(x[0]-0.01) > 2e-4 {
		t.Errorf("after one small-angle period θ = %v, want ≈ 0.01", x[0])
	}
}

// TestPendulumSwingUpFeasible shows that the default torque limit allows a
// swing-up within T = 300 steps of 0.02 s: a simple energy-pumping
// controller that switches to a saturated PD law near the top reaches
// |θ − π| < 0.05 and |θ̇| < 0.1 well before the end, so iLQR has room.
// It also checks that the limit does bind (no direct lift).
func TestPendulumSwingUpFeasible(t *testing.T) {
	p := NewPendulum()
	if p.MaxTorque >= p.Mass*p.Gravity*p.Length {
		t.Fatalf("MaxTorque %v can lift the pendulum directly", p.MaxTorque)
	}
	x := []float64{0, 0} // hanging at rest
	eUp := p.Mass * p.Gravity * p.Length
	reached := -1
	for k := 0; k < 300; k++ {
		e, _ := p.Energy(x)
		phi := WrapAngle(x[0] - math.Pi)
		var u float64
		switch {
		case math.Abs(phi) < 0.5:
			u = -30*phi - 8*x[1]
		case math.Abs(x[1]) < 1e-3:
			u = p.MaxTorque // kick from rest
		default:
			u = 50 * (eUp - e) * x[1]
		}
		u = math.Max(-p.MaxTorque, math.Min(p.MaxTorque, u))
		if err := p.Step(x, x, []float64{u}); err != nil {
			t.Fatal(err)
		}
		if reached < 0 && math.Abs(WrapAngle(x[0]-math.Pi)) < 0.05 && math.Abs(x[1]) < 0.1 {
			reached = k + 1
		}
	}
	t.Logf("upright (|θ−π| < 0.05, |θ̇| < 0.1) after %d steps; final %v", reached, x)
	if reached < 0 || reached > 250 {
		t.Errorf("the reference swing-up reached upright at step %d, want ≤ 250", reached)
	}
	if phi := WrapAngle(x[0] - math.Pi); math.Abs(phi) > 0.05 || math.Abs(x[1]) > 0.1 {
		t.Errorf("final state %v not upright", x)
	}
}

// cartPoleInvariants returns the horizontal momentum and the energy of the
// frictionless cart-pole (uniform pole: inertia m_p l²/3 about its centre).
func cartPoleInvariants(c *CartPole, x []float64) (momentum, energy float64) {
	mt := c.CartMass + c.PoleMass
	l := c.HalfLength
	s, co := math.Sincos(x[1])
	_ = s
	momentum = mt*x[2] + c.PoleMass*l*co*x[3]
	energy = 0.5*mt*x[2]*x[2] + c.PoleMass*l*co*x[2]*x[3] + 0.5*(4.0/3.0)*c.PoleMass*l*l*x[3]*x[3] + c.PoleMass*c.Gravity*l*co
	return
}

// TestCartPolePhysics checks the equations of motion through their
// invariants: with F = 0 no horizontal force acts on cart + pole, so the
// horizontal momentum is conserved, and the system is frictionless, so the
// energy is conserved (to RK4 accuracy, ~1e-6 here over 2 s; bound 1e-4).
// It also checks the signs of a fall and of a push.
func TestCartPolePhysics(t *testing.T) {
	c := NewCartPole()
	x0 := []float64{0, 0.1, 0.3, -0.2}
	p0, e0 := cartPoleInvariants(c, x0)
	simulate(t, c, x0, []float64{0}, 100, func(k int, x []float64) {
		p, e := cartPoleInvariants(c, x)
		if math.Abs(p-p0) > 1e-4 || math.Abs(e-e0) > 1e-4 {
			t.Fatalf("step %d: momentum %v → %v, energy %v → %v", k, p0, p, e0, e)
		}
	})
	// Released at rest leaning towards +x, the pole falls further and the
	// cart recoils towards −x.
	x := simulate(t, c, []float64{0, 0.1, 0, 0}, []float64{0}, 10, nil)
	if !(x[1] > 0.1 && x[3] > 0 && x[2] < 0) {
		t.Errorf("falling pole: state %v, want θ > 0.1, θ̇ > 0, ẋ < 0", x)
	}
	// Pushed towards +x from upright, the cart accelerates forwards and the
	// pole tips backwards.
	x = simulate(t, c, []float64{0, 0, 0, 0}, []float64{5}, 5, nil)
	if !(x[0] > 0 && x[2] > 0 && x[1] < 0 && x[3] < 0) {
		t.Errorf("pushed cart: state %v, want x, ẋ > 0 and θ, θ̇ < 0", x)
	}
	// Upright at rest with no force is an equilibrium.
	x = simulate(t, c, []float64{0, 0, 0, 0}, []float64{0}, 50, nil)
	for i, v := range x {
		if v != 0 {
			t.Errorf("equilibrium drifted: x[%d] = %v", i, v)
		}
	}
}

// armMass returns M(q) computed independently from the textbook formulas.
func armMass(a *Arm2Link, q2 float64) (m11, m12, m22 float64) {
	c2 := math.Cos(q2)
	m11 = a.Mass1*a.COM1*a.COM1 + a.Inertia1 + a.Mass2*(a.Length1*a.Length1+a.COM2*a.COM2+2*a.Length1*a.COM2*c2) + a.Inertia2
	m12 = a.Mass2*(a.COM2*a.COM2+a.Length1*a.COM2*c2) + a.Inertia2
	m22 = a.Mass2*a.COM2*a.COM2 + a.Inertia2
	return
}

// armEnergy is ½ q̇ᵀ M q̇ plus the potential energy under gravity along −y.
func armEnergy(a *Arm2Link, x []float64) float64 {
	m11, m12, m22 := armMass(a, x[1])
	w1, w2 := x[2], x[3]
	kin := 0.5 * (m11*w1*w1 + 2*m12*w1*w2 + m22*w2*w2)
	pot := a.Gravity * (a.Mass1*a.COM1*math.Sin(x[0]) + a.Mass2*(a.Length1*math.Sin(x[0])+a.COM2*math.Sin(x[0]+x[1])))
	return kin + pot
}

// TestArmPhysics: without damping and torques the energy is conserved, and
// without gravity the shoulder angle is cyclic so its conjugate momentum
// M11 q̇1 + M12 q̇2 (the angular momentum about the shoulder) is conserved
// too; RK4 keeps both to ~1e-6 over 2 s of a moderate motion (bound 1e-4).
// Under gravity the free arm whips up to ~27 rad/s, where Δt = 0.02 s is
// coarse; there we check that the energy error shrinks like Δt⁴ (a factor
// ≈ 16 per halving, required ≥ 10), which also catches a wrong force term.
func TestArmPhysics(t *testing.T) {
	a := NewArm2Link()
	a.Damping = 0
	a.COM1, a.Inertia1 = 0.4, 0.05
	x0 := []float64{0.3, 1.1, 1.5, -2}
	e0 := armEnergy(a, x0)
	m11, m12, _ := armMass(a, x0[1])
	p0 := m11*x0[2] + m12*x0[3]
	simulate(t, a, x0, []float64{0, 0}, 100, func(k int, x []float64) {
		if e := armEnergy(a, x); math.Abs(e-e0) > 1e-4 {
			t.Fatalf("step %d: energy %v → %v", k, e0, e)
		}
		m11, m12, _ := armMass(a, x[1])
		if p := m11*x[2] + m12*x[3]; math.Abs(p-p0) > 1e-4 {
			t.Fatalf("step %d: angular momentum %v → %v", k, p0, p)
		}
	})
	a.Gravity = 9.81
	drift := func(dt float64) float64 {
		a.TimeStep = dt
		e0, worst := armEnergy(a, x0), 0.0
		simulate(t, a, x0, []float64{0, 0}, int(math.Round(2/dt)), func(_ int, x []float64) {
			worst = math.Max(worst, math.Abs(armEnergy(a, x)-e0))
		})
		return worst
	}
	d1, d2 := drift(0.01), drift(0.005)
	t.Logf("energy drift under gravity over 2 s: %.2e (Δt = 0.01), %.2e (Δt = 0.005)", d1, d2)
	if d1/d2 < 10 || d2 > 1e-3 {
		t.Errorf("energy drift %.3g → %.3g when halving Δt: not fourth order", d1, d2)
	}

	// With gravity, an outstretched arm released at rest falls (q1 drops).
	a = NewArm2Link()
	a.Gravity = 9.81
	x := simulate(t, a, []float64{0, 0, 0, 0}, []float64{0, 0}, 10, nil)
	if !(x[0] < 0 && x[2] < 0) {
		t.Errorf("falling arm: state %v, want q1, q̇1 < 0", x)
	}
	// In the horizontal plane a positive shoulder torque turns the arm
	// counter-clockwise; at rest with no torque nothing moves.
	a.Gravity = 0
	x = simulate(t, a, []float64{0, 1, 0, 0}, []float64{1, 0}, 10, nil)
	if !(x[0] > 0 && x[2] > 0) {
		t.Errorf("shoulder torque: state %v, want q1, q̇1 > 0", x)
	}
	x = simulate(t, a, []float64{0, math.Pi / 2, 0, 0}, []float64{0, 0}, 10, nil)
	if x[0] != 0 || x[1] != math.Pi/2 || x[2] != 0 || x[3] != 0 {
		t.Errorf("arm at rest without torque moved to %v", x)
	}
}

func TestArmKinematics(t *testing.T) {
	a := NewArm2Link()
	a.Length1, a.Length2 = 1.2, 0.7
	r := rand.New(rand.NewPCG(9, 10))
	J := make([]float64, 8)
	Hx, Hy := make([]float64, 16), make([]float64, 16)
	const h = 1e-6
	for trial := 0; trial < 20; trial++ {
		x := uniform(r, math.Pi, math.Pi, 3, 3)
		if err := a.EndEffectorJacobian(J, x); err != nil {
			t.Fatal(err)
		}
		if err := a.EndEffectorHessians(Hx, Hy, x); err != nil {
			t.Fatal(err)
		}
		Jp, Jm := make([]float64, 8), make([]float64, 8)
		for j := 0; j < 4; j++ {
			xp, xm := slices.Clone(x), slices.Clone(x)
			xp[j] += h
			xm[j] -= h
			pxp, pyp, _ := a.EndEffector(xp)
			pxm, pym, _ := a.EndEffector(xm)
			if d := (pxp - pxm) / (2 * h); math.Abs(d-J[j]) > 1e-7 {
				t.Errorf("∂px/∂x%d = %v, finite differences %v", j, J[j], d)
			}
			if d := (pyp - pym) / (2 * h); math.Abs(d-J[4+j]) > 1e-7 {
				t.Errorf("∂py/∂x%d = %v, finite differences %v", j, J[4+j], d)
			}
			_ = a.EndEffectorJacobian(Jp, xp)
			_ = a.EndEffectorJacobian(Jm, xm)
			for k := 0; k < 4; k++ {
				if d := (Jp[k] - Jm[k]) / (2 * h); math.Abs(d-Hx[k*4+j]) > 1e-7 {
					t.Errorf("∂²px/∂x%d∂x%d = %v, finite differences %v", k, j, Hx[k*4+j], d)
				}
				if d := (Jp[4+k] - Jm[4+k]) / (2 * h); math.Abs(d-Hy[k*4+j]) > 1e-7 {
					t.Errorf("∂²py/∂x%d∂x%d = %v, finite differences %v", k, j, Hy[k*4+j], d)
				}
			}
		}
		// Inverse kinematics round trip, both elbows.
		px, py, _ := a.EndEffector(x)
		for _, elbow := range []bool{true, false} {
			goal, err := a.GoalStateFor(px, py, elbow)
			if err != nil {
				t.Fatalf("IK of reachable (%v, %v): %v", px, py, err)
			}
			if elbow != (goal[1] >= 0) {
				t.Errorf("elbowPositive = %v gave q2 = %v", elbow, goal[1])
			}
			gx, gy, _ := a.EndEffector(goal)
			if math.Hypot(gx-px, gy-py) > 1e-9 {
				t.Errorf("IK of (%v, %v) = %v reaches (%v, %v)", px, py, goal, gx, gy)
			}
		}
	}
	// Unreachable and non-finite targets.
	for _, p := range [][2]float64{{2, 0}, {0.1, 0.1}, {0, 0}, {math.NaN(), 0}, {0, math.Inf(-1)}} {
		if _, _, err := a.InverseKinematics(p[0], p[1], true); err == nil {
			t.Errorf("IK of (%v, %v) with l = 1.2, 0.7: no error", p[0], p[1])
		}
	}
	// The boundary of the workspace is reachable.
	if q1, q2, err := a.InverseKinematics(1.9, 0, true); err != nil || math.Abs(q1) > 1e-6 || math.Abs(q2) > 1e-6 {
		t.Errorf("IK of the outstretched point: %v, %v, %v", q1, q2, err)
	}
	// The lessons' reaching goal q = (π/2, π/2) is the elbow-positive IK of
	// (−1, 1), and their start q = (0, π/2) puts the end effector at (1, 1).
	d := NewArm2Link()
	goal, err := d.GoalStateFor(-1, 1, true)
	if err != nil {
		t.Fatal(err)
	}
	for i, v := range []float64{math.Pi / 2, math.Pi / 2, 0, 0} {
		if math.Abs(v-goal[i]) > 1e-12 {
			t.Errorf("IK of (−1, 1) gives %v, want q = (π/2, π/2)", goal)
		}
	}
	px, py, _ := d.EndEffector([]float64{0, math.Pi / 2, 0, 0})
	if math.Abs(px-1) > 1e-12 || math.Abs(py-1) > 1e-12 {
		t.Errorf("end effector at q = (0, π/2) at (%v, %v), want (1, 1)", px, py)
	}
	// Bad arguments.
	if _, _, err := d.EndEffector([]float64{0, 0}); err == nil {
		t.Error("EndEffector with short x: no error")
	}
	if err := d.EndEffectorJacobian(make([]float64, 4), make([]float64, 4)); err == nil {
		t.Error("EndEffectorJacobian with 2×2 J: no error")
	}
	if err := d.EndEffectorJacobian(make([]float64, 8), []float64{0, math.NaN(), 0, 0}); err == nil {
		t.Error("EndEffectorJacobian with NaN x: no error")
	}
	if err := d.EndEffectorHessians(make([]float64, 16), make([]float64, 15), make([]float64, 4)); err == nil {
		t.Error("EndEffectorHessians with short Hy: no error")
	}
	if err := d.EndEffectorHessians(make([]float64, 16), make([]float64, 16), make([]float64, 3)); err == nil {
		t.Error("EndEffectorHessians with short x: no error")
	}
	var nilArm *Arm2Link
	if _, err := nilArm.GoalStateFor(1, 1, true); err == nil {
		t.Error("nil arm GoalStateFor: no error")
	}
	d.Length2 = 0
	if _, _, err := d.InverseKinematics(1, 0, true); err == nil {
		t.Error("IK with Length2 = 0: no error")
	}
}

func TestPointMass(t *testing.T) {
	p := NewPointMass()
	// Matches the exact double integrator when undamped (RK4 is exact for a
	// nilpotent system matrix).
	di, _ := NewDoubleIntegratorDim(2)
	di.TimeStep = p.TimeStep
	r := rand.New(rand.NewPCG(11, 12))
	for trial := 0; trial < 10; trial++ {
		x, u := uniform(r, 3, 3, 2, 2), uniform(r, 2, 2)
		a, b := make([]float64, 4), make([]float64, 4)
		_ = p.Step(a, x, u)
		_ = di.Step(b, x, u)
		for i := range a {
			if math.Abs(a[i]-b[i]) > 1e-14 {
				t.Errorf("point mass step %v, double integrator %v", a, b)
				break
			}
		}
	}
	// Drag slows it down.
	p.Damping = 0.5
	x := simulate(t, p, []float64{0, 0, 1, -1}, []float64{0, 0}, 20, nil)
	if !(x[2] > 0 && x[2] < 1 && x[3] < 0 && x[3] > -1) {
		t.Errorf("drag: velocity %v", x[2:])
	}
	want := math.Exp(-0.5 * 20 * p.TimeStep)
	if math.Abs(x[2]-want) > 1e-6 {
		t.Errorf("drag: vx = %v, exact exp(−c t/m) = %v", x[2], want)
	}

	// Obstacles: penetration depth and index; no effect on dynamics.
	p = NewPointMass()
	p.Obstacles = []Circle{{X: 1, Y: 0, R: 0.5}, {X: -1, Y: -1, R: 0.3}}
	cases := []struct {
		px, py float64
		depth  float64
		index  int
	}{
		{0, 0, 0, -1},
		{1, 0, 0.75, 0},
		{0.5, 0, 0.25, 0},
		{-1, -0.5, 0.05, 1},
		{2, 2, 0, -1},
	}
	for _, c := range cases {
		d, i, err := p.Penetration([]float64{c.px, c.py, 0, 0})
		if err != nil || math.Abs(d-c.depth) > 1e-12 || i != c.index {
			t.Errorf("Penetration at (%v, %v) = %v, %d, %v; want %v, %d", c.px, c.py, d, i, err, c.depth, c.index)
		}
		hit, err := p.InCollision([]float64{c.px, c.py, 0, 0})
		if err != nil || hit != (c.depth > 0) {
			t.Errorf("InCollision at (%v, %v) = %v, %v", c.px, c.py, hit, err)
		}
	}
	free := NewPointMass()
	a, b := make([]float64, 4), make([]float64, 4)
	_ = p.Step(a, []float64{0.9, 0, 1, 0}, []float64{1, 1})
	_ = free.Step(b, []float64{0.9, 0, 1, 0}, []float64{1, 1})
	if a[0] != b[0] || a[1] != b[1] || a[2] != b[2] || a[3] != b[3] {
		t.Errorf("obstacles changed the dynamics: %v vs %v", a, b)
	}
	if _, _, err := p.Penetration([]float64{0, 0}); err == nil {
		t.Error("Penetration with short x: no error")
	}
	if _, err := p.InCollision([]float64{math.NaN(), 0, 0, 0}); err == nil {
		t.Error("InCollision with NaN x: no error")
	}
	p.Obstacles[1].R = -1
	if _, _, err := p.Penetration([]float64{0, 0, 0, 0}); err == nil {
		t.Error("Penetration with negative radius: no error")
	}
	var nilPM *PointMass
	if _, _, err := nilPM.Penetration([]float64{0, 0, 0, 0}); err == nil {
		t.Error("nil Penetration: no error")
	}
}

func TestDoubleIntegrator(t *testing.T) {
	for _, d := range []int{1, 2, 5} {
		s, err := NewDoubleIntegratorDim(d)
		if err != nil {
			t.Fatal(err)
		}
		s.TimeStep = 0.37
		A, B, err := s.Matrices()
		if err != nil {
			t.Fatal(err)
		}
		n := 2 * d
		r := rand.New(rand.NewPCG(uint64(d), 13))
		for trial := 0; trial < 10; trial++ {
			x, u := make([]float64, n), make([]float64, d)
			for i := range x {
				x[i] = r.NormFloat64()
			}
			for i := range u {
				u[i] = r.NormFloat64()
			}
			next := make([]float64, n)
			if err := s.Step(next, x, u); err != nil {
				t.Fatal(err)
			}
			for i := 0; i < n; i++ {
				want := 0.0
				for j := 0; j < n; j++ {
					want += A[i*n+j] * x[j]
				}
				for j := 0; j < d; j++ {
					want += B[i*d+j] * u[j]
				}
				// Same operations up to added zeros: equal to rounding
				// (bit-equal on amd64; a fused multiply-add elsewhere may
				// move the last bit).
				if math.Abs(next[i]-want) > 1e-15*(1+math.Abs(want)) {
					t.Errorf("d=%d: Step gives x'[%d] = %v, A x + B u = %v", d, i, next[i], want)
				}
			}
			Aj, Bj := make([]float64, n*n), make([]float64, n*d)
			if err := s.Jacobians(Aj, Bj, x, u); err != nil {
				t.Fatal(err)
			}
			for i := range A {
				if A[i] != Aj[i] {
					t.Fatalf("Jacobians A differs from Matrices")
				}
			}
			for i := range B {
				if B[i] != Bj[i] {
					t.Fatalf("Jacobians B differs from Matrices")
				}
			}
		}
	}
	// The 1-D matrices are the textbook ones.
	s := NewDoubleIntegrator()
	A, B, _ := s.Matrices()
	dt := s.TimeStep
	wantA, wantB := []float64{1, dt, 0, 1}, []float64{dt * dt / 2, dt}
	for i := range wantA {
		if A[i] != wantA[i] {
			t.Errorf("A = %v, want %v", A, wantA)
		}
	}
	for i := range wantB {
		if B[i] != wantB[i] {
			t.Errorf("B = %v, want %v", B, wantB)
		}
	}
	if _, err := NewDoubleIntegratorDim(0); err == nil {
		t.Error("NewDoubleIntegratorDim(0): no error")
	}
	s.TimeStep = -1
	if _, _, err := s.Matrices(); err == nil {
		t.Error("Matrices with negative TimeStep: no error")
	}
	s3, _ := NewDoubleIntegratorDim(3)
	if got := s3.StateNames(); got[0] != "p1 (m)" || got[3] != "v1 (m/s)" {
		t.Errorf("state names %v", got)
	}
}

func TestWrapAngle(t *testing.T) {
	cases := [][2]float64{
		{0, 0}, {math.Pi, -math.Pi}, {-math.Pi, -math.Pi}, {3 * math.Pi, -math.Pi},
		{2*math.Pi + 0.5, 0.5}, {-2*math.Pi - 0.5, -0.5}, {7, 7 - 2*math.Pi},
	}
	for _, c := range cases {
		if got := WrapAngle(c[0]); math.Abs(got-c[1]) > 1e-12 {
			t.Errorf("WrapAngle(%v) = %v, want %v", c[0], got, c[1])
		}
	}
	if !math.IsNaN(WrapAngle(math.Inf(1))) {
		t.Error("WrapAngle(+Inf) is not NaN")
	}
}
