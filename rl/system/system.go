package system

import (
	"fmt"
	"math"
)

// System is a discrete-time dynamical system x_{t+1} = f(x_t, u_t) with
// analytic Jacobians. Every system in this package implements it; iLQR, the
// local-model fitters and the samplers of later lessons depend only on it.
//
// Step and Jacobians check their arguments (lengths and finiteness) and
// return an error that names the bad value, so a student's mistake in a
// notebook cell never panics. They do not allocate.
type System interface {
	// Name is a short human-readable name ("pendulum", "cart-pole", ...).
	Name() string
	// StateDim is n, the length of x.
	StateDim() int
	// ActionDim is m, the length of u.
	ActionDim() int
	// Dt is the integration time step in seconds.
	Dt() float64
	// Step writes f(x, u) into next (length n). next may alias x.
	Step(next, x, u []float64) error
	// Jacobians writes A = ∂f/∂x (n×n) and B = ∂f/∂u (n×m), both row-major,
	// evaluated at (x, u).
	Jacobians(A, B, x, u []float64) error
	// ActionLimits returns the box lo ≤ u ≤ hi the actuators can produce.
	// Step itself does not clip: the optimizer enforces the box. A component
	// may be ±Inf where the action is unbounded.
	ActionLimits() (lo, hi []float64)
	// StateNames labels each state component for plots, e.g. "θ (rad)".
	StateNames() []string
	// ActionNames labels each action component for plots.
	ActionNames() []string
}

// Renderer is implemented by systems that can draw their state as a
// grayscale image, as Embed to Control observes them.
type Renderer interface {
	// Render draws x into a width×height grayscale image, row-major, values
	// in [0, 1] (0 black background, 1 white). img must have
	// width*height entries.
	Render(img []float64, width, height int, x []float64) error
}

// CheckVec returns an error naming what if v does not have length n or
// holds a NaN or an infinity.
func CheckVec(what string, v []float64, n int) error {
	if len(v) != n {
		return fmt.Errorf("%s has length %d, want %d", what, len(v), n)
	}
	for i, x := range v {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return fmt.Errorf("%s[%d] = %v is not finite", what, i, x)
		}
	}
	return nil
}

// CheckLen returns an error naming what if v does not have length n.
func CheckLen(what string, v []float64, n int) error {
	if len(v) != n {
		return fmt.Errorf("%s has length %d, want %d", what, len(v), n)
	}
	return nil
}

// The systems of this package.
var (
	_ System   = (*Pendulum)(nil)
	_ System   = (*CartPole)(nil)
	_ System   = (*Arm2Link)(nil)
	_ System   = (*PointMass)(nil)
	_ System   = (*DoubleIntegrator)(nil)
	_ System   = (*Planar)(nil)
	_ Renderer = (*Pendulum)(nil)
	_ Renderer = (*PointMass)(nil)
)
