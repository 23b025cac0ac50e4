package system

import (
	"errors"
	"fmt"
	"math"
)

// Pendulum is a torque-driven pendulum for the swing-up task: a point mass
// Mass at the end of a massless rod of length Length, hinged at a pivot with
// viscous damping Damping. The state is x = [θ, θ̇] with θ = 0 hanging
// straight down and θ = π upright; θ grows counter-clockwise (seen with
// gravity pointing down the page) and is not wrapped: the cost should
// compare angles with WrapAngle. The action is the torque u = [τ] at the
// pivot. The continuous dynamics are
//
//	m l² θ̈ = τ − b θ̇ − m g l sin θ.
//
// The step integrates them with classical RK4 over TimeStep seconds
// (default 0.02 s) holding τ constant; Jacobians returns the exact
// derivatives of that RK4 step.
//
// With the defaults (m = 1 kg, l = 1 m, g = 9.81 m/s², b = 0.05 N·m·s/rad)
// gravity's torque peaks at m g l = 9.81 N·m, about twice MaxTorque = 5 N·m,
// so the pendulum cannot be lifted straight up: a swing-up must pump energy
// over a couple of swings (about 3 s from rest).
//
// Pendulum also renders itself (Render) as a white rod on black, the
// observation Embed to Control learns from.
//
// Methods do not change the value and keep no scratch, so one Pendulum may
// be stepped from several goroutines as long as its fields are not changed
// meanwhile.
type Pendulum struct {
	// Mass is the bob's mass m in kg (> 0; default 1).
	Mass float64
	// Length is the rod's length l in m (> 0; default 1).
	Length float64
	// Gravity is g in m/s² (finite; default 9.81; 0 gives a free rotor).
	Gravity float64
	// Damping is the viscous friction b at the pivot in N·m·s/rad (≥ 0;
	// default 0.05). 0 conserves energy when τ = 0.
	Damping float64
	// MaxTorque bounds |τ| in N·m (> 0, +Inf for none; default 5). Step does
	// not clip; ActionLimits reports it to the optimizer.
	MaxTorque float64
	// TimeStep is the RK4 step in seconds (> 0; default 0.02).
	TimeStep float64
	// ImageRodLength is the rod's drawn length as a fraction of half the
	// image's shorter side, in (0, 1] (default 0.8).
	ImageRodLength float64
	// ImageRodWidth is the rod's drawn thickness as a fraction of the
	// image's shorter side, > 0 (default 0.08: about 4 pixels at 48×48).
	ImageRodWidth float64
}

// NewPendulum returns a pendulum with the default parameters listed on
// Pendulum's fields.
func NewPendulum() *Pendulum {
	return &Pendulum{
		Mass:           1,
		Length:         1,
		Gravity:        9.81,
		Damping:        0.05,
		MaxTorque:      5,
		TimeStep:       0.02,
		ImageRodLength: 0.8,
		ImageRodWidth:  0.08,
	}
}

const pendulumName = "pendulum"

// checkDynamics checks the parameters Step and Jacobians use.
func (p *Pendulum) checkDynamics() error {
	if p == nil {
		return errors.New("pendulum: nil *Pendulum")
	}
	if err := positive(pendulumName, "Mass", p.Mass); err != nil {
		return err
	}
	if err := positive(pendulumName, "Length", p.Length); err != nil {
		return err
	}
	if err := checkFinite(pendulumName, "Gravity", p.Gravity); err != nil {
		return err
	}
	if err := nonNegative(pendulumName, "Damping", p.Damping); err != nil {
		return err
	}
	return timeStep(pendulumName, p.TimeStep)
}

// Validate checks every parameter field and returns an error naming the
// first bad one.
func (p *Pendulum) Validate() error {
	if err := p.checkDynamics(); err != nil {
		return err
	}
	if err := limit(pendulumName, "MaxTorque", p.MaxTorque); err != nil {
		return err
	}
	if !(p.ImageRodLength > 0 && p.ImageRodLength <= 1) {
		return fmt.Errorf("pendulum: ImageRodLength = %v, want a value in (0, 1]", p.ImageRodLength)
	}
	return positive(pendulumName, "ImageRodWidth", p.ImageRodWidth)
}

// Name returns "pendulum".
func (p *Pendulum) Name() string { return pendulumName }

// StateDim returns 2.
func (p *Pendulum) StateDim() int { return 2 }

// ActionDim returns 1.
func (p *Pendulum) ActionDim() int { return 1 }

// Dt returns TimeStep.
func (p *Pendulum) Dt() float64 { return p.TimeStep }

// ActionLimits returns [-MaxTorque, MaxTorque].
func (p *Pendulum) ActionLimits() (lo, hi []float64) { return symmetricLimits(p.MaxTorque, 1) }

// StateNames returns the labels of θ and θ̇.
func (p *Pendulum) StateNames() []string { return []string{"θ (rad)", "θ̇ (rad/s)"} }

// ActionNames returns the label of the torque.
func (p *Pendulum) ActionNames() []string { return []string{"τ (N·m)"} }

// Energy returns the mechanical energy ½ m l² θ̇² − m g l cos θ in J of the
// state x (zero potential at the pivot's height). Upright at rest it is
// m g l, hanging at rest −m g l. Bad Mass, Length or Gravity and an energy
// that overflows are errors.
func (p *Pendulum) Energy(x []float64) (float64, error) {
	const fn = pendulumName + ": Energy"
	if p == nil {
		return 0, errors.New("pendulum: Energy: nil *Pendulum")
	}
	if err := CheckVec("x", x, 2); err != nil {
		return 0, fmt.Errorf("pendulum: Energy: %w", err)
	}
	if err := positive(fn, "Mass", p.Mass); err != nil {
		return 0, err
	}
	if err := positive(fn, "Length", p.Length); err != nil {
		return 0, err
	}
	if err := checkFinite(fn, "Gravity", p.Gravity); err != nil {
		return 0, err
	}
	ml := p.Mass * p.Length
	e := 0.5*ml*p.Length*x[1]*x[1] - ml*p.Gravity*math.Cos(x[0])
	if !finite(e) {
		return 0, fmt.Errorf("pendulum: Energy = %v at x = %v overflows", e, x)
	}
	return e, nil
}

// Step writes the RK4 step from (x, u) into next. next may alias x.
func (p *Pendulum) Step(next, x, u []float64) error {
	if err := p.checkDynamics(); err != nil {
		return err
	}
	if err := checkStepArgs(pendulumName, 2, 1, next, x, u); err != nil {
		return err
	}
	rk4Step(p, 2, p.TimeStep, next, x, u)
	return checkResult(pendulumName, next)
}

// Jacobians writes the exact derivatives A (2×2) and B (2×1) of the RK4
// step at (x, u).
func (p *Pendulum) Jacobians(A, B, x, u []float64) error {
	if err := p.checkDynamics(); err != nil {
		return err
	}
	if err := checkJacArgs(pendulumName, 2, 1, A, B, x, u); err != nil {
		return err
	}
	rk4Jacobians(p, 2, 1, p.TimeStep, A, B, x, u)
	return checkJacResult(pendulumName, A, B)
}

// deriv is g(x, u) = [θ̇, (τ − b θ̇)/(m l²) − (g/l) sin θ].
func (p *Pendulum) deriv(x vecX, u vecU) vecX {
	inertia := p.Mass * p.Length * p.Length
	return vecX{x[1], (u[0]-p.Damping*x[1])/inertia - p.Gravity/p.Length*math.Sin(x[0])}
}

// derivJac returns g and its Jacobians
//
//	∂g/∂x = [[0, 1], [−(g/l) cos θ, −b/(m l²)]],  ∂g/∂u = [[0], [1/(m l²)]].
func (p *Pendulum) derivJac(x vecX, u vecU) (g vecX, gx matXX, gu matXU) {
	inertia := p.Mass * p.Length * p.Length
	s, c := math.Sincos(x[0])
	gl := p.Gravity / p.Length
	g[0] = x[1]
	g[1] = (u[0]-p.Damping*x[1])/inertia - gl*s
	gx[0][1] = 1
	gx[1][0] = -gl * c
	gx[1][1] = -p.Damping / inertia
	gu[1][0] = 1 / inertia
	return
}

// Render draws the pendulum in state x into img, a width×height grayscale
// image (row-major, row 0 at the top): a white, anti-aliased rod with round
// ends on black, from the image's centre (the pivot) towards the bob, so
// θ = 0 points down and θ = π up. Only θ is drawn; θ̇ is checked but not
// shown (Embed to Control stacks two frames to see velocities).
func (p *Pendulum) Render(img []float64, width, height int, x []float64) error {
	if p == nil {
		return errors.New("pendulum: Render: nil *Pendulum")
	}
	if err := checkImage(pendulumName, img, width, height); err != nil {
		return err
	}
	if err := CheckVec("x", x, 2); err != nil {
		return fmt.Errorf("pendulum: Render: %w", err)
	}
	if !(p.ImageRodLength > 0 && p.ImageRodLength <= 1) {
		return fmt.Errorf("pendulum: Render: ImageRodLength = %v, want a value in (0, 1]", p.ImageRodLength)
	}
	if err := positive(pendulumName, "ImageRodWidth", p.ImageRodWidth); err != nil {
		return fmt.Errorf("pendulum: Render: %w", err)
	}
	side := float64(min(width, height))
	cx, cy := float64(width)/2, float64(height)/2
	r := p.ImageRodLength * side / 2
	s, c := math.Sincos(x[0])
	clear(img)
	drawSegment(img, width, height, cx, cy, cx+r*s, cy+r*c, p.ImageRodWidth*side/2, 1)
	return nil
}
