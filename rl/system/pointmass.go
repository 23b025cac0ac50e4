package system

import (
	"errors"
	"fmt"
	"math"
)

// Circle is a disc-shaped obstacle centred at (X, Y) with radius R, in m.
type Circle struct {
	X, Y, R float64
}

// Rect is an axis-aligned rectangle [XMin, XMax] × [YMin, YMax] in m.
type Rect struct {
	XMin, XMax, YMin, YMax float64
}

// PointMass is a 2-D point mass pushed by a force, the planar navigation
// task of Embed to Control. The state is x = [px, py, vx, vy] (position in
// m, velocity in m/s) and the action u = [Fx, Fy] in N. The dynamics are
//
//	m v̇ = F − c v,  ṗ = v,
//
// with mass m = Mass and linear drag c = Damping. The step integrates them
// with classical RK4 over TimeStep seconds (default 0.05 s) holding F
// constant; Jacobians returns the exact derivatives of that step. The system
// is linear, so A and B do not depend on (x, u); with Damping = 0 (the
// default) the continuous system matrix is nilpotent and RK4 reproduces the
// exact zero-order-hold discretisation, the same as DoubleIntegrator with
// Dim = 2 and mass 1.
//
// Obstacles are circles the agent, a disc of radius AgentRadius, should
// avoid. They do not change the dynamics: Penetration reports how deep the
// agent is in one, for a cost to penalise.
//
// PointMass renders itself (Render) as the agent, a white disc, on a black
// field covering World, with obstacles drawn in gray (0.5).
//
// Defaults: m = 1 kg, no drag, |F_i| ≤ 2 N, no obstacles, agent radius
// 0.25 m, World [−3, 3]².
//
// Methods keep no scratch: one PointMass may be stepped from several
// goroutines as long as its fields are not changed meanwhile.
type PointMass struct {
	// Mass is m in kg (> 0; default 1).
	Mass float64
	// Damping is the linear drag c in N·s/m (≥ 0; default 0).
	Damping float64
	// MaxForce bounds |Fx| and |Fy| in N (> 0, +Inf for none; default 2).
	// Step does not clip; ActionLimits reports it to the optimizer.
	MaxForce float64
	// TimeStep is the RK4 step in seconds (> 0; default 0.05).
	TimeStep float64
	// Obstacles are discs to avoid (default none). Radii must be ≥ 0.
	Obstacles []Circle
	// AgentRadius is the agent's radius in m, used by Penetration and
	// Render (≥ 0; default 0.25, about 1.7 pixels at 40×40 over World).
	AgentRadius float64
	// World is the region of the plane Render draws (XMin < XMax,
	// YMin < YMax; default [−3, 3] × [−3, 3]).
	World Rect
}

// NewPointMass returns a point mass with the default parameters listed on
// PointMass's fields.
func NewPointMass() *PointMass {
	return &PointMass{
		Mass:        1,
		Damping:     0,
		MaxForce:    2,
		TimeStep:    0.05,
		AgentRadius: 0.25,
		World:       Rect{XMin: -3, XMax: 3, YMin: -3, YMax: 3},
	}
}

const pointMassName = "point mass"

func (p *PointMass) checkDynamics() error {
	if p == nil {
		return errors.New("point mass: nil *PointMass")
	}
	if err := positive(pointMassName, "Mass", p.Mass); err != nil {
		return err
	}
	if err := nonNegative(pointMassName, "Damping", p.Damping); err != nil {
		return err
	}
	return timeStep(pointMassName, p.TimeStep)
}

// checkObstacles checks Obstacles and AgentRadius.
func (p *PointMass) checkObstacles() error {
	if err := nonNegative(pointMassName, "AgentRadius", p.AgentRadius); err != nil {
		return err
	}
	for i, o := range p.Obstacles {
		if !finite(o.X) || !finite(o.Y) {
			return fmt.Errorf("point mass: Obstacles[%d] centre (%v, %v) is not finite", i, o.X, o.Y)
		}
		if !(o.R >= 0) || math.IsInf(o.R, 1) {
			return fmt.Errorf("point mass: Obstacles[%d].R = %v, want a finite radius ≥ 0", i, o.R)
		}
	}
	return nil
}

// checkWorld checks World.
func (p *PointMass) checkWorld() error {
	w := p.World
	if !finite(w.XMin) || !finite(w.XMax) || !finite(w.YMin) || !finite(w.YMax) || !(w.XMin < w.XMax) || !(w.YMin < w.YMax) {
		return fmt.Errorf("point mass: World = %+v, want finite bounds with XMin < XMax and YMin < YMax", w)
	}
	return nil
}

// Validate checks every parameter field and returns an error naming the
// first bad one.
func (p *PointMass) Validate() error {
	if err := p.checkDynamics(); err != nil {
		return err
	}
	if err := limit(pointMassName, "MaxForce", p.MaxForce); err != nil {
		return err
	}
	if err := p.checkObstacles(); err != nil {
		return err
	}
	return p.checkWorld()
}

// Name returns "point mass".
func (p *PointMass) Name() string { return pointMassName }

// StateDim returns 4.
func (p *PointMass) StateDim() int { return 4 }

// ActionDim returns 2.
func (p *PointMass) ActionDim() int { return 2 }

// Dt returns TimeStep.
func (p *PointMass) Dt() float64 { return p.TimeStep }

// ActionLimits returns [-MaxForce, MaxForce] for both axes.
func (p *PointMass) ActionLimits() (lo, hi []float64) { return symmetricLimits(p.MaxForce, 2) }

// StateNames returns the labels of px, py, vx, vy.
func (p *PointMass) StateNames() []string {
	return []string{"px (m)", "py (m)", "vx (m/s)", "vy (m/s)"}
}

// ActionNames returns the labels of the force components.
func (p *PointMass) ActionNames() []string { return []string{"Fx (N)", "Fy (N)"} }

// Step writes the RK4 step from (x, u) into next. next may alias x.
func (p *PointMass) Step(next, x, u []float64) error {
	if err := p.checkDynamics(); err != nil {
		return err
	}
	if err := checkStepArgs(pointMassName, 4, 2, next, x, u); err != nil {
		return err
	}
	rk4Step(p, 4, p.TimeStep, next, x, u)
	return checkResult(pointMassName, next)
}

// Jacobians writes the derivatives A (4×4) and B (4×2) of the RK4 step;
// they are constant.
func (p *PointMass) Jacobians(A, B, x, u []float64) error {
	if err := p.checkDynamics(); err != nil {
		return err
	}
	if err := checkJacArgs(pointMassName, 4, 2, A, B, x, u); err != nil {
		return err
	}
	rk4Jacobians(p, 4, 2, p.TimeStep, A, B, x, u)
	return checkJacResult(pointMassName, A, B)
}

func (p *PointMass) deriv(x vecX, u vecU) vecX {
	return vecX{x[2], x[3], (u[0] - p.Damping*x[2]) / p.Mass, (u[1] - p.Damping*x[3]) / p.Mass}
}

func (p *PointMass) derivJac(x vecX, u vecU) (g vecX, gx matXX, gu matXU) {
	g = p.deriv(x, u)
	gx[0][2], gx[1][3] = 1, 1
	gx[2][2], gx[3][3] = -p.Damping/p.Mass, -p.Damping/p.Mass
	gu[2][0], gu[3][1] = 1/p.Mass, 1/p.Mass
	return
}

// Penetration reports the deepest overlap between the agent at state x and
// the obstacles: depth = max_i (R_i + AgentRadius − |p − c_i|) in m and the
// index i of that obstacle when depth > 0; (0, −1) when the agent touches
// none. Radii whose sum overflows are an error.
func (p *PointMass) Penetration(x []float64) (depth float64, obstacle int, err error) {
	if p == nil {
		return 0, -1, errors.New("point mass: Penetration: nil *PointMass")
	}
	if err := CheckVec("x", x, 4); err != nil {
		return 0, -1, fmt.Errorf("point mass: Penetration: %w", err)
	}
	if err := p.checkObstacles(); err != nil {
		return 0, -1, err
	}
	obstacle = -1
	for i, o := range p.Obstacles {
		d := o.R + p.AgentRadius - math.Hypot(x[0]-o.X, x[1]-o.Y)
		if math.IsNaN(d) || math.IsInf(d, 1) {
			return 0, -1, fmt.Errorf("point mass: Penetration: the depth in Obstacles[%d] is %v: Obstacles[%d].R + AgentRadius = %v + %v overflows", i, d, i, o.R, p.AgentRadius)
		}
		if d > depth {
			depth, obstacle = d, i
		}
	}
	return depth, obstacle, nil
}

// InCollision reports whether the agent at state x overlaps an obstacle.
func (p *PointMass) InCollision(x []float64) (bool, error) {
	d, _, err := p.Penetration(x)
	return d > 0, err
}

// obstacleShade is the gray level Render draws obstacles in.
const obstacleShade = 0.5

// Render draws state x into img, a width×height grayscale image (row-major,
// row 0 at the top, i.e. at World.YMax): obstacles in gray (0.5), then the
// agent as a white disc of radius AgentRadius, anti-aliased, on black.
// Shapes outside World are clipped. Non-square pixels stretch the discs
// into ellipses.
func (p *PointMass) Render(img []float64, width, height int, x []float64) error {
	if p == nil {
		return errors.New("point mass: Render: nil *PointMass")
	}
	if err := checkImage(pointMassName, img, width, height); err != nil {
		return err
	}
	if err := CheckVec("x", x, 4); err != nil {
		return fmt.Errorf("point mass: Render: %w", err)
	}
	if err := p.checkObstacles(); err != nil {
		return err
	}
	if err := p.checkWorld(); err != nil {
		return err
	}
	w := p.World
	sx := float64(width) / (w.XMax - w.XMin)
	sy := float64(height) / (w.YMax - w.YMin)
	clear(img)
	for _, o := range p.Obstacles {
		drawEllipse(img, width, height, (o.X-w.XMin)*sx, (w.YMax-o.Y)*sy, o.R*sx, o.R*sy, obstacleShade)
	}
	drawEllipse(img, width, height, (x[0]-w.XMin)*sx, (w.YMax-x[1])*sy, p.AgentRadius*sx, p.AgentRadius*sy, 1)
	return nil
}
