package system

import (
	"errors"
	"fmt"
	"math"
)

// Arm2Link is a planar arm of two rigid links driven by torques at both
// joints, for the reaching task. The state is x = [q1, q2, q̇1, q̇2]: q1 is
// the shoulder angle of link 1 from the +x axis and q2 the elbow angle of
// link 2 relative to link 1, both counter-clockwise in rad. The action is
// u = [τ1, τ2], the joint torques in N·m. The manipulator equations
//
//	M(q) q̈ + C(q, q̇) q̇ + G(q) + b q̇ = τ
//
// hold with, for link i of mass m_i, length l_i, centre of mass at distance
// r_i from its joint and inertia I_i about that centre, c2 = cos q2,
// h = m2 l1 r2 sin q2:
//
//	M11 = m1 r1² + I1 + m2 (l1² + r2² + 2 l1 r2 c2) + I2
//	M12 = M21 = m2 (r2² + l1 r2 c2) + I2
//	M22 = m2 r2² + I2
//	C(q, q̇) q̇ = [−h (2 q̇1 q̇2 + q̇2²), h q̇1²]
//	G(q) = g [(m1 r1 + m2 l1) cos q1 + m2 r2 cos(q1+q2), m2 r2 cos(q1+q2)]
//
// By default the arm moves in a horizontal plane (Gravity = 0, so G = 0);
// set Gravity to 9.81 for a vertical plane with gravity along −y.
//
// The step integrates q̈ = M⁻¹(τ − C q̇ − G − b q̇) with classical RK4 over
// TimeStep seconds (default 0.02 s) holding τ constant; Jacobians returns
// the exact derivatives of that RK4 step, built from
// ∂q̈/∂z = M⁻¹ (∂(τ − C q̇ − G − b q̇)/∂z − (∂M/∂z) q̈).
//
// Δt = 0.02 s suits reaching motions of a few rad/s; a free swing under
// gravity reaches tens of rad/s and wants a smaller TimeStep for accurate
// energy.
//
// Defaults: two uniform 1 kg, 1 m links (r = 0.5 m, I = m l²/12), joint
// damping 0.1 N·m·s/rad, |τ_i| ≤ 5 N·m, no gravity. GoalStateFor turns a
// point to reach into a state at rest.
//
// Methods keep no scratch: one Arm2Link may be stepped from several
// goroutines as long as its fields are not changed meanwhile.
type Arm2Link struct {
	// Mass1 and Mass2 are the link masses m1, m2 in kg (> 0; default 1).
	Mass1, Mass2 float64
	// Length1 and Length2 are the link lengths l1, l2 in m (> 0; default 1).
	Length1, Length2 float64
	// COM1 and COM2 are the distances r1, r2 in m from each link's joint to
	// its centre of mass (≥ 0; default 0.5, the middle of the link).
	COM1, COM2 float64
	// Inertia1 and Inertia2 are the links' moments of inertia I1, I2 about
	// their centres of mass in kg·m² (≥ 0; default 1/12, a uniform rod). The
	// mass matrix must stay invertible in every pose: Validate checks it.
	Inertia1, Inertia2 float64
	// Damping is the viscous friction b at each joint in N·m·s/rad (≥ 0;
	// default 0.1).
	Damping float64
	// Gravity is g in m/s² acting along −y (finite; default 0: horizontal
	// plane).
	Gravity float64
	// MaxTorque bounds |τ1| and |τ2| in N·m (> 0, +Inf for none; default 5).
	// Step does not clip; ActionLimits reports it to the optimizer.
	MaxTorque float64
	// TimeStep is the RK4 step in seconds (> 0; default 0.02).
	TimeStep float64
}

// NewArm2Link returns a two-link arm with the default parameters listed on
// Arm2Link's fields.
func NewArm2Link() *Arm2Link {
	return &Arm2Link{
		Mass1: 1, Mass2: 1,
		Length1: 1, Length2: 1,
		COM1: 0.5, COM2: 0.5,
		Inertia1: 1.0 / 12, Inertia2: 1.0 / 12,
		Damping:   0.1,
		Gravity:   0,
		MaxTorque: 5,
		TimeStep:  0.02,
	}
}

const armName = "2-link arm"

func (a *Arm2Link) checkDynamics() error {
	if a == nil {
		return errors.New("2-link arm: nil *Arm2Link")
	}
	for _, f := range [...]struct {
		name string
		v    float64
		pos  bool
	}{
		{"Mass1", a.Mass1, true}, {"Mass2", a.Mass2, true},
		{"Length1", a.Length1, true}, {"Length2", a.Length2, true},
		{"COM1", a.COM1, false}, {"COM2", a.COM2, false},
		{"Inertia1", a.Inertia1, false}, {"Inertia2", a.Inertia2, false},
		{"Damping", a.Damping, false},
	} {
		check := nonNegative
		if f.pos {
			check = positive
		}
		if err := check(armName, f.name, f.v); err != nil {
			return err
		}
	}
	if err := checkFinite(armName, "Gravity", a.Gravity); err != nil {
		return err
	}
	if err := timeStep(armName, a.TimeStep); err != nil {
		return err
	}
	// det M = M22 (m1 r1² + I1 + m2 l1²) − (m2 l1 r2 cos q2)², smallest at
	// cos² q2 = 1.
	d := a.Mass2*a.COM2*a.COM2 + a.Inertia2
	k := a.Mass2 * a.Length1 * a.COM2
	minDet := d*(a.Mass1*a.COM1*a.COM1+a.Inertia1+a.Mass2*a.Length1*a.Length1) - k*k
	if !(minDet > 1e-12*d*d) {
		return fmt.Errorf("2-link arm: the mass matrix is singular when the arm is straight (min det M = %v): give the links inertia (Inertia1, Inertia2 > 0) or move their centres of mass off the joints", minDet)
	}
	return nil
}

// Validate checks every parameter field and returns an error naming the
// first bad one.
func (a *Arm2Link) Validate() error {
	if err := a.checkDynamics(); err != nil {
		return err
	}
	return limit(armName, "MaxTorque", a.MaxTorque)
}

// Name returns "2-link arm".
func (a *Arm2Link) Name() string { return armName }

// StateDim returns 4.
func (a *Arm2Link) StateDim() int { return 4 }

// ActionDim returns 2.
func (a *Arm2Link) ActionDim() int { return 2 }

// Dt returns TimeStep.
func (a *Arm2Link) Dt() float64 { return a.TimeStep }

// ActionLimits returns [-MaxTorque, MaxTorque] for both joints.
func (a *Arm2Link) ActionLimits() (lo, hi []float64) { return symmetricLimits(a.MaxTorque, 2) }

// StateNames returns the labels of q1, q2, q̇1, q̇2.
func (a *Arm2Link) StateNames() []string {
	return []string{"q1 (rad)", "q2 (rad)", "q̇1 (rad/s)", "q̇2 (rad/s)"}
}

// ActionNames returns the labels of the joint torques.
func (a *Arm2Link) ActionNames() []string { return []string{"τ1 (N·m)", "τ2 (N·m)"} }

// Step writes the RK4 step from (x, u) into next. next may alias x.
func (a *Arm2Link) Step(next, x, u []float64) error {
	if err := a.checkDynamics(); err != nil {
		return err
	}
	if err := checkStepArgs(armName, 4, 2, next, x, u); err != nil {
		return err
	}
	rk4Step(a, 4, a.TimeStep, next, x, u)
	return checkResult(armName, next)
}

// Jacobians writes the exact derivatives A (4×4) and B (4×2) of the RK4
// step at (x, u).
func (a *Arm2Link) Jacobians(A, B, x, u []float64) error {
	if err := a.checkDynamics(); err != nil {
		return err
	}
	if err := checkJacArgs(armName, 4, 2, A, B, x, u); err != nil {
		return err
	}
	rk4Jacobians(a, 4, 2, a.TimeStep, A, B, x, u)
	return checkJacResult(armName, A, B)
}

// armTerms holds the pieces of the manipulator equations at one state.
type armTerms struct {
	m11, m12, m22 float64 // M(q)
	det           float64 // det M
	h             float64 // m2 l1 r2 sin q2
	qdd1, qdd2    float64 // q̈
}

// terms evaluates M, h and q̈ = M⁻¹ r with r = τ − C q̇ − G − b q̇.
func (a *Arm2Link) terms(x vecX, u vecU) (t armTerms, s1, s12, c12 float64) {
	s2, c2 := math.Sincos(x[1])
	s1 = math.Sin(x[0])
	s12, c12 = math.Sincos(x[0] + x[1])
	c1 := math.Cos(x[0])
	k := a.Mass2 * a.Length1 * a.COM2
	t.m22 = a.Mass2*a.COM2*a.COM2 + a.Inertia2
	t.m12 = t.m22 + k*c2
	t.m11 = a.Mass1*a.COM1*a.COM1 + a.Inertia1 + a.Mass2*a.Length1*a.Length1 + t.m22 + 2*k*c2
	t.det = t.m11*t.m22 - t.m12*t.m12
	t.h = k * s2
	w1, w2 := x[2], x[3]
	g2 := a.Gravity * a.Mass2 * a.COM2 * c12
	g1 := a.Gravity*(a.Mass1*a.COM1+a.Mass2*a.Length1)*c1 + g2
	r1 := u[0] + t.h*(2*w1*w2+w2*w2) - g1 - a.Damping*w1
	r2 := u[1] - t.h*w1*w1 - g2 - a.Damping*w2
	t.qdd1, t.qdd2 = t.solve(r1, r2)
	return
}

// solve returns M⁻¹ [r1, r2].
func (t *armTerms) solve(r1, r2 float64) (float64, float64) {
	return (t.m22*r1 - t.m12*r2) / t.det, (t.m11*r2 - t.m12*r1) / t.det
}

func (a *Arm2Link) deriv(x vecX, u vecU) vecX {
	t, _, _, _ := a.terms(x, u)
	return vecX{x[2], x[3], t.qdd1, t.qdd2}
}

func (a *Arm2Link) derivJac(x vecX, u vecU) (g vecX, gx matXX, gu matXU) {
	t, s1, s12, _ := a.terms(x, u)
	g = vecX{x[2], x[3], t.qdd1, t.qdd2}
	w1, w2 := x[2], x[3]
	k := a.Mass2 * a.Length1 * a.COM2
	hc := k * math.Cos(x[1]) // ∂h/∂q2
	b := a.Damping
	// ∂G/∂q: ∂G1/∂q1 = −g (m1 r1 + m2 l1) sin q1 − g m2 r2 sin(q1+q2), the
	// other three entries are −g m2 r2 sin(q1+q2).
	dg12 := -a.Gravity * a.Mass2 * a.COM2 * s12
	dg11 := -a.Gravity*(a.Mass1*a.COM1+a.Mass2*a.Length1)*s1 + dg12

	// ∂r/∂z for z = q1, q2, q̇1, q̇2 (r = τ − C q̇ − G − b q̇).
	dr := [4][2]float64{
		{-dg11, -dg12},
		{hc*(2*w1*w2+w2*w2) - dg12, -hc*w1*w1 - dg12},
		{2*t.h*w2 - b, -2 * t.h * w1},
		{2 * t.h * (w1 + w2), -b},
	}
	// Only q2 moves M: ∂M/∂q2 = −h [[2, 1], [1, 0]], so subtract
	// (∂M/∂q2) q̈ = −h [2 q̈1 + q̈2, q̈1] from ∂r/∂q2.
	dr[1][0] += t.h * (2*t.qdd1 + t.qdd2)
	dr[1][1] += t.h * t.qdd1
	gx[0][2], gx[1][3] = 1, 1
	for j := range dr {
		gx[2][j], gx[3][j] = t.solve(dr[j][0], dr[j][1])
	}
	gu[2][0], gu[3][0] = t.solve(1, 0)
	gu[2][1], gu[3][1] = t.solve(0, 1)
	return
}

// EndEffector returns the position (px, py) in m of the tip of link 2 in
// state x (forward kinematics, shoulder at the origin):
//
//	px = l1 cos q1 + l2 cos(q1+q2),  py = l1 sin q1 + l2 sin(q1+q2).
func (a *Arm2Link) EndEffector(x []float64) (px, py float64, err error) {
	if a == nil {
		return 0, 0, errors.New("2-link arm: EndEffector: nil *Arm2Link")
	}
	if err := CheckVec("x", x, 4); err != nil {
		return 0, 0, fmt.Errorf("2-link arm: EndEffector: %w", err)
	}
	if err := a.checkLengths("EndEffector"); err != nil {
		return 0, 0, err
	}
	s1, c1 := math.Sincos(x[0])
	s12, c12 := math.Sincos(x[0] + x[1])
	return a.Length1*c1 + a.Length2*c12, a.Length1*s1 + a.Length2*s12, nil
}

// EndEffectorJacobian writes J = ∂(px, py)/∂x, 2×4 row-major, at state x
// into J. The velocity columns are zero; the position columns are the
// manipulator Jacobian
//
//	[[−l1 sin q1 − l2 sin(q1+q2), −l2 sin(q1+q2)],
//	 [ l1 cos q1 + l2 cos(q1+q2),  l2 cos(q1+q2)]].
func (a *Arm2Link) EndEffectorJacobian(J, x []float64) error {
	if a == nil {
		return errors.New("2-link arm: EndEffectorJacobian: nil *Arm2Link")
	}
	if err := CheckLen("J", J, 8); err != nil {
		return fmt.Errorf("2-link arm: EndEffectorJacobian: %w (2×4)", err)
	}
	if err := CheckVec("x", x, 4); err != nil {
		return fmt.Errorf("2-link arm: EndEffectorJacobian: %w", err)
	}
	if err := a.checkLengths("EndEffectorJacobian"); err != nil {
		return err
	}
	s1, c1 := math.Sincos(x[0])
	s12, c12 := math.Sincos(x[0] + x[1])
	clear(J)
	J[0], J[1] = -a.Length1*s1-a.Length2*s12, -a.Length2*s12
	J[4], J[5] = a.Length1*c1+a.Length2*c12, a.Length2*c12
	return nil
}

// EndEffectorHessians writes the second derivatives ∂²px/∂x² into Hx and
// ∂²py/∂x² into Hy, each 4×4 row-major (only the q block is non-zero), for
// costs on the end effector that want exact second derivatives.
func (a *Arm2Link) EndEffectorHessians(Hx, Hy, x []float64) error {
	if a == nil {
		return errors.New("2-link arm: EndEffectorHessians: nil *Arm2Link")
	}
	if err := CheckLen("Hx", Hx, 16); err != nil {
		return fmt.Errorf("2-link arm: EndEffectorHessians: %w (4×4)", err)
	}
	if err := CheckLen("Hy", Hy, 16); err != nil {
		return fmt.Errorf("2-link arm: EndEffectorHessians: %w (4×4)", err)
	}
	if err := CheckVec("x", x, 4); err != nil {
		return fmt.Errorf("2-link arm: EndEffectorHessians: %w", err)
	}
	if err := a.checkLengths("EndEffectorHessians"); err != nil {
		return err
	}
	s1, c1 := math.Sincos(x[0])
	s12, c12 := math.Sincos(x[0] + x[1])
	clear(Hx)
	clear(Hy)
	// ∂²px/∂q1² = −l1 c1 − l2 c12, every other q entry −l2 c12.
	Hx[0], Hx[1], Hx[4], Hx[5] = -a.Length1*c1-a.Length2*c12, -a.Length2*c12, -a.Length2*c12, -a.Length2*c12
	Hy[0], Hy[1], Hy[4], Hy[5] = -a.Length1*s1-a.Length2*s12, -a.Length2*s12, -a.Length2*s12, -a.Length2*s12
	return nil
}

// InverseKinematics returns joint angles (q1, q2) that put the end effector
// at (px, py), with q2 ∈ [0, π] when elbowPositive and q2 ∈ [−π, 0]
// otherwise. It uses the law of cosines,
//
//	cos q2 = (px² + py² − l1² − l2²) / (2 l1 l2),
//	q1 = atan2(py, px) − atan2(l2 sin q2, l1 + l2 cos q2),
//
// and returns an error when the point is outside the annulus
// |l1 − l2| ≤ r ≤ l1 + l2 the arm can reach (or not finite). At the origin
// with l1 = l2 q1 is arbitrary; 0 is returned.
func (a *Arm2Link) InverseKinematics(px, py float64, elbowPositive bool) (q1, q2 float64, err error) {
	if a == nil {
		return 0, 0, errors.New("2-link arm: InverseKinematics: nil *Arm2Link")
	}
	if err := a.checkLengths("InverseKinematics"); err != nil {
		return 0, 0, err
	}
	if !finite(px) || !finite(py) {
		return 0, 0, fmt.Errorf("2-link arm: InverseKinematics: target (%v, %v) is not finite", px, py)
	}
	l1, l2 := a.Length1, a.Length2
	r := math.Hypot(px, py)
	// Tolerate rounding at the workspace boundary.
	tol := 1e-12 * (l1 + l2)
	if r > l1+l2+tol || r < math.Abs(l1-l2)-tol {
		return 0, 0, fmt.Errorf("2-link arm: InverseKinematics: target (%v, %v) at distance %v from the shoulder is unreachable: want %v ≤ distance ≤ %v", px, py, r, math.Abs(l1-l2), l1+l2)
	}
	c2 := (px*px + py*py - l1*l1 - l2*l2) / (2 * l1 * l2)
	c2 = math.Max(-1, math.Min(1, c2))
	q2 = math.Acos(c2)
	if !elbowPositive {
		q2 = -q2
	}
	q1 = math.Atan2(py, px) - math.Atan2(l2*math.Sin(q2), l1+l2*c2)
	if !finite(q1) || !finite(q2) {
		return 0, 0, fmt.Errorf("2-link arm: InverseKinematics: target (%v, %v) gives (q1, q2) = (%v, %v): the link lengths %v and %v overflow the law of cosines", px, py, q1, q2, l1, l2)
	}
	return WrapAngle(q1), q2, nil
}

// checkLengths checks the link lengths the kinematics of fn use.
func (a *Arm2Link) checkLengths(fn string) error {
	if err := positive(armName+": "+fn, "Length1", a.Length1); err != nil {
		return err
	}
	return positive(armName+": "+fn, "Length2", a.Length2)
}

// GoalStateFor returns the state [q1, q2, 0, 0] at rest whose end effector
// is at (px, py), from InverseKinematics: the goal of a reaching task.
func (a *Arm2Link) GoalStateFor(px, py float64, elbowPositive bool) ([]float64, error) {
	q1, q2, err := a.InverseKinematics(px, py, elbowPositive)
	if err != nil {
		return nil, err
	}
	return []float64{q1, q2, 0, 0}, nil
}
