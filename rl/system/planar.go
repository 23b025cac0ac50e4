package system

import (
	"errors"
	"fmt"
	"math"
)

// Planar is the planar navigation task of Embed to Control (Watter et al.
// 2015): an agent, a disc of radius AgentRadius, moves in the plane among
// disc-shaped obstacles and is seen from above as a small image. The state
// is the position x = [px, py] in m and the action a velocity u = [ux, uy]
// in m/s, |u_i| ≤ MaxSpeed. The free motion is
//
//	x_{t+1} = x_t + Δt·u_t,
//
// with Δt = TimeStep. A move is blocked, and the agent stays where it is
// (x_{t+1} = x_t), when the agent disc would leave World or overlap an
// obstacle anywhere along the straight path from x_t to x_t + Δt·u_t:
// obstacles and walls stop the agent, it does not slide along them. The
// path, not only the end point, is checked, so a fast move cannot tunnel
// through the edge of an obstacle. An obstacle the agent already overlaps
// at x_t (only possible from a start placed there) does not block moves
// that leave it.
//
// Jacobians returns the derivatives of the free motion, A = I and B = Δt·I,
// also where the move is blocked (there the true step is locally constant
// in u, and discontinuous at the obstacle's edge): the blocking is the part
// of the dynamics a learned model has to discover from images.
//
// Planar renders itself (Render) as PointMass does: the agent a white disc
// on a black field covering World, obstacles in gray (0.5).
//
// Defaults (NewPlanar): World [−2, 2]², so a 40×40 image has 0.1 m pixels;
// Δt = 1 s and MaxSpeed = 0.2 m/s, at most 2 pixels per step along each
// axis; AgentRadius 0.1 m; six obstacles of radius 0.2–0.3 m spread over
// the field (PlanarObstacles) with free corridors between them.
//
// Like the other systems, Step does not clip u to the box (ActionLimits
// reports it to the optimizer). Methods keep no scratch: one Planar may be
// stepped from several goroutines as long as its fields are not changed
// meanwhile.
type Planar struct {
	// TimeStep is Δt in s (> 0; default 1).
	TimeStep float64
	// MaxSpeed bounds |ux| and |uy| in m/s (> 0, +Inf for none; default
	// 0.2). Step does not clip; ActionLimits reports it to the optimizer.
	MaxSpeed float64
	// Obstacles are the discs that block the agent (default
	// PlanarObstacles()). Radii must be ≥ 0.
	Obstacles []Circle
	// AgentRadius is the agent's radius in m (≥ 0; default 0.1, one pixel
	// at 40×40 over the default World).
	AgentRadius float64
	// World is the region the agent must stay in and Render draws
	// (XMin < XMax, YMin < YMax, wider and taller than the agent; default
	// [−2, 2] × [−2, 2]).
	World Rect
	// Slide makes a blocked agent slide instead of stopping (default
	// false): the part of the move into what blocks it (the nearest
	// obstacle the path enters, or the wall) is removed, and the rest, the
	// move along the obstacle's tangent or along the wall, is made if it
	// is free; otherwise the agent stays. A frictionless contact: pushed
	// at an angle against an obstacle the agent goes round it, pushed
	// straight at its centre it stays.
	Slide bool
}

// PlanarObstacles returns Planar's default obstacles, in m: six discs of
// radius 0.2–0.3 m spread over the lower and left part of [−2, 2]², the
// top-right corner left open for the planar task's goal (1.4, 1.4). The
// straight line from a free start to that goal is blocked for about a third
// of the starts (31.8% of 126 135 uniform free starts ≥ 1 m from the goal),
// those in the obstacles' shadows; the others see the goal. Obstacles are at
// least 0.5 m apart and 0.3 m from the walls (edge to edge), so the agent,
// 0.2 m wide, can pass between any two and around every one.
func PlanarObstacles() []Circle {
	return []Circle{
		{X: -1.2, Y: 1.1, R: 0.3},
		{X: -0.3, Y: -0.2, R: 0.3},
		{X: 1.2, Y: -0.6, R: 0.25},
		{X: -1.4, Y: -0.6, R: 0.2},
		{X: 0.1, Y: -1.4, R: 0.25},
		{X: -1.3, Y: -1.5, R: 0.2},
	}
}

// NewPlanar returns a planar system with the default parameters listed on
// Planar's fields.
func NewPlanar() *Planar {
	return &Planar{
		TimeStep:    1,
		MaxSpeed:    0.2,
		Obstacles:   PlanarObstacles(),
		AgentRadius: 0.1,
		World:       Rect{XMin: -2, XMax: 2, YMin: -2, YMax: 2},
	}
}

const planarName = "planar"

// checkShapes checks Obstacles, AgentRadius and World: the parameters of
// collisions and rendering.
func (p *Planar) checkShapes() error {
	if p == nil {
		return errors.New("planar: nil *Planar")
	}
	if err := nonNegative(planarName, "AgentRadius", p.AgentRadius); err != nil {
		return err
	}
	for i, o := range p.Obstacles {
		if !finite(o.X) || !finite(o.Y) {
			return fmt.Errorf("planar: Obstacles[%d] centre (%v, %v) is not finite", i, o.X, o.Y)
		}
		if !(o.R >= 0) || !finite(o.R+p.AgentRadius) {
			return fmt.Errorf("planar: Obstacles[%d].R = %v, want a finite radius ≥ 0 (with AgentRadius = %v a finite sum)", i, o.R, p.AgentRadius)
		}
	}
	w := p.World
	if !finite(w.XMin) || !finite(w.XMax) || !finite(w.YMin) || !finite(w.YMax) || !finite(w.XMax-w.XMin) || !finite(w.YMax-w.YMin) {
		return fmt.Errorf("planar: World = %+v, want finite bounds", w)
	}
	if !(w.XMax-w.XMin > 2*p.AgentRadius) || !(w.YMax-w.YMin > 2*p.AgentRadius) {
		return fmt.Errorf("planar: World = %+v, want XMax − XMin and YMax − YMin > 2·AgentRadius = %v (room for the agent)", w, 2*p.AgentRadius)
	}
	return nil
}

// checkDynamics checks the parameters Step uses.
func (p *Planar) checkDynamics() error {
	if err := p.checkShapes(); err != nil {
		return err
	}
	return timeStep(planarName, p.TimeStep)
}

// Validate checks every parameter field and returns an error naming the
// first bad one.
func (p *Planar) Validate() error {
	if err := p.checkDynamics(); err != nil {
		return err
	}
	return limit(planarName, "MaxSpeed", p.MaxSpeed)
}

// Name returns "planar".
func (p *Planar) Name() string { return planarName }

// StateDim returns 2.
func (p *Planar) StateDim() int { return 2 }

// ActionDim returns 2.
func (p *Planar) ActionDim() int { return 2 }

// Dt returns TimeStep.
func (p *Planar) Dt() float64 { return p.TimeStep }

// ActionLimits returns [-MaxSpeed, MaxSpeed] for both axes.
func (p *Planar) ActionLimits() (lo, hi []float64) { return symmetricLimits(p.MaxSpeed, 2) }

// StateNames returns the labels of px and py.
func (p *Planar) StateNames() []string { return []string{"px (m)", "py (m)"} }

// ActionNames returns the labels of the velocity components.
func (p *Planar) ActionNames() []string { return []string{"ux (m/s)", "uy (m/s)"} }

// inWorld reports whether the agent disc centred at (x, y) lies within
// World (touching its edge allowed).
func (p *Planar) inWorld(x, y float64) bool {
	r, w := p.AgentRadius, p.World
	return x >= w.XMin+r && x <= w.XMax-r && y >= w.YMin+r && y <= w.YMax-r
}

// free reports whether the agent at (x, y) is inside World and overlaps
// no obstacle (touching allowed). NaN positions are not free.
func (p *Planar) free(x, y float64) bool {
	if !p.inWorld(x, y) {
		return false
	}
	for _, o := range p.Obstacles {
		if math.Hypot(x-o.X, y-o.Y) < o.R+p.AgentRadius {
			return false
		}
	}
	return true
}

// blocked reports whether the move from (x0, y0) to (x1, y1) is blocked:
// the end point is not free, or the path enters an obstacle that the
// start does not overlap.
func (p *Planar) blocked(x0, y0, x1, y1 float64) bool {
	if !p.free(x1, y1) {
		return true
	}
	dx, dy := x1-x0, y1-y0
	for _, o := range p.Obstacles {
		reach := o.R + p.AgentRadius
		if math.Hypot(x0-o.X, y0-o.Y) < reach {
			continue // already overlapping: leaving is allowed
		}
		if p.enters(o, x0, y0, dx, dy) {
			return true
		}
	}
	return false
}

// Step writes the next position into next: x + TimeStep·u, or x itself
// when that move is blocked (see Planar). next may alias x.
func (p *Planar) Step(next, x, u []float64) error {
	if err := p.checkDynamics(); err != nil {
		return err
	}
	if err := checkStepArgs(planarName, 2, 2, next, x, u); err != nil {
		return err
	}
	x1, y1 := x[0]+p.TimeStep*u[0], x[1]+p.TimeStep*u[1]
	if p.blocked(x[0], x[1], x1, y1) {
		x1, y1 = x[0], x[1]
		if p.Slide {
			x1, y1 = p.slide(x[0], x[1], p.TimeStep*u[0], p.TimeStep*u[1])
		}
	}
	next[0], next[1] = x1, y1
	return nil
}

// slide returns where a blocked move by (dx, dy) from (x0, y0) ends when
// the agent slides (see Planar.Slide): the move less its component into
// the wall or into the nearest obstacle the path enters, if that is free,
// else (x0, y0).
func (p *Planar) slide(x0, y0, dx, dy float64) (float64, float64) {
	if !p.inWorld(x0+dx, y0+dy) {
		// Along the wall: drop the component that leaves World.
		if !p.inWorld(x0+dx, y0) {
			dx = 0
		}
		if !p.inWorld(x0, y0+dy) {
			dy = 0
		}
	} else {
		near, best := -1, math.Inf(1)
		for i, o := range p.Obstacles {
			d := math.Hypot(x0-o.X, y0-o.Y)
			if d >= o.R+p.AgentRadius && d < best && p.enters(o, x0, y0, dx, dy) {
				near, best = i, d
			}
		}
		if near < 0 || best == 0 {
			return x0, y0
		}
		o := p.Obstacles[near]
		nx, ny := (x0-o.X)/best, (y0-o.Y)/best
		if dn := dx*nx + dy*ny; dn < 0 {
			dx, dy = dx-dn*nx, dy-dn*ny
		}
	}
	if (dx == 0 && dy == 0) || p.blocked(x0, y0, x0+dx, y0+dy) {
		return x0, y0
	}
	return x0 + dx, y0 + dy
}

// enters reports whether the straight path from (x0, y0) by (dx, dy)
// brings the agent into obstacle o.
func (p *Planar) enters(o Circle, x0, y0, dx, dy float64) bool {
	len2 := dx*dx + dy*dy
	t := 0.0
	if len2 > 0 {
		t = math.Min(1, math.Max(0, ((o.X-x0)*dx+(o.Y-y0)*dy)/len2))
	}
	return math.Hypot(x0+t*dx-o.X, y0+t*dy-o.Y) < o.R+p.AgentRadius
}

// Jacobians writes the derivatives of the free motion, A = I (2×2) and
// B = TimeStep·I (2×2), whether or not the move from x with u is blocked.
func (p *Planar) Jacobians(A, B, x, u []float64) error {
	if err := p.checkDynamics(); err != nil {
		return err
	}
	if err := checkJacArgs(planarName, 2, 2, A, B, x, u); err != nil {
		return err
	}
	A[0], A[1], A[2], A[3] = 1, 0, 0, 1
	B[0], B[1], B[2], B[3] = p.TimeStep, 0, 0, p.TimeStep
	return nil
}

// Blocked reports whether the straight move from x with action u is
// blocked: Step then leaves the agent where it is (or, with Slide, moves it
// along what blocks it) instead of to x + TimeStep·u.
func (p *Planar) Blocked(x, u []float64) (bool, error) {
	if err := p.checkDynamics(); err != nil {
		return false, err
	}
	if err := CheckVec("x", x, 2); err != nil {
		return false, fmt.Errorf("planar: Blocked: %w", err)
	}
	if err := CheckVec("u", u, 2); err != nil {
		return false, fmt.Errorf("planar: Blocked: %w", err)
	}
	return p.blocked(x[0], x[1], x[0]+p.TimeStep*u[0], x[1]+p.TimeStep*u[1]), nil
}

// Penetration reports the deepest overlap between the agent at x and the
// obstacles: depth = max_i (R_i + AgentRadius − |p − c_i|) in m and the
// index i of that obstacle when depth > 0; (0, −1) when the agent overlaps
// none. World's walls are not obstacles here (see Free).
func (p *Planar) Penetration(x []float64) (depth float64, obstacle int, err error) {
	if err := p.checkShapes(); err != nil {
		return 0, -1, err
	}
	if err := CheckVec("x", x, 2); err != nil {
		return 0, -1, fmt.Errorf("planar: Penetration: %w", err)
	}
	obstacle = -1
	for i, o := range p.Obstacles {
		if d := o.R + p.AgentRadius - math.Hypot(x[0]-o.X, x[1]-o.Y); d > depth {
			depth, obstacle = d, i
		}
	}
	return depth, obstacle, nil
}

// InCollision reports whether the agent at x overlaps an obstacle
// (touching is not a collision).
func (p *Planar) InCollision(x []float64) (bool, error) {
	d, _, err := p.Penetration(x)
	return d > 0, err
}

// Free reports whether the agent at x lies within World and overlaps no
// obstacle: the positions Step can reach from a free start.
func (p *Planar) Free(x []float64) (bool, error) {
	if err := p.checkShapes(); err != nil {
		return false, err
	}
	if err := CheckVec("x", x, 2); err != nil {
		return false, fmt.Errorf("planar: Free: %w", err)
	}
	return p.free(x[0], x[1]), nil
}

// Render draws position x into img, a width×height grayscale image
// (row-major, row 0 at the top, i.e. at World.YMax): obstacles in gray
// (0.5), then the agent as a white disc of radius AgentRadius,
// anti-aliased, on black. Shapes outside World are clipped.
func (p *Planar) Render(img []float64, width, height int, x []float64) error {
	if p == nil {
		return errors.New("planar: Render: nil *Planar")
	}
	if err := checkImage(planarName, img, width, height); err != nil {
		return err
	}
	if err := CheckVec("x", x, 2); err != nil {
		return fmt.Errorf("planar: Render: %w", err)
	}
	if err := p.checkShapes(); err != nil {
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

var _ Renderer = (*Planar)(nil)
