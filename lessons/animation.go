package lessons

import (
	"errors"
	"fmt"
	"math"

	"github.com/rlcontrol/rlcontrol/plotting"
	"github.com/rlcontrol/rlcontrol/rl/system"
)

// PendulumAnimation returns an animation of the pendulum p following the
// states X (each [θ, θ̇], θ = 0 hanging down, counter-clockwise positive, as
// in system.Pendulum), dt seconds apart: the pivot at the origin under a
// short ceiling, the rod and the bob. Show it with ShowAs in a notebook or
// Save it as .svg or .html. It fails, naming the value, on a nil or
// invalid p, an empty X, a state shorter than 2, a NaN or infinite θ, or a
// dt that is not finite and positive.
func PendulumAnimation(p *system.Pendulum, X [][]float64, dt float64) (*plotting.Animation, error) {
	const fn = "PendulumAnimation"
	if p == nil {
		return nil, errors.New("lessons: PendulumAnimation: nil pendulum")
	}
	if !(p.Length > 0) || math.IsInf(p.Length, 0) {
		return nil, fmt.Errorf("lessons: %s: pendulum Length = %v; want a finite value > 0", fn, p.Length)
	}
	theta, err := stateColumn(fn, X, 2, 0, "θ")
	if err != nil {
		return nil, err
	}
	l := p.Length
	n := len(theta)
	px, py := make([]float64, n), make([]float64, n)
	bx, by := make([]float64, n), make([]float64, n)
	for k, th := range theta {
		bx[k], by[k] = l*math.Sin(th), -l*math.Cos(th)
	}
	a, err := plotting.NewAnimation("Pendulum", dt, -1.25*l, 1.25*l, -1.25*l, 1.25*l)
	if err != nil {
		return nil, fmt.Errorf("lessons: %s: %w", fn, err)
	}
	if err := a.Static(-0.25*l, 0, 0.25*l, 0); err != nil {
		return nil, fmt.Errorf("lessons: %s: %w", fn, err)
	}
	if err := a.Segment(px, py, bx, by, 0.03*l); err != nil {
		return nil, fmt.Errorf("lessons: %s: %w", fn, err)
	}
	if err := a.Circle(bx, by, 0.08*l); err != nil {
		return nil, fmt.Errorf("lessons: %s: %w", fn, err)
	}
	return a, nil
}

// CartPoleAnimation returns an animation of the cart-pole c following the
// states X (each [x, θ, ẋ, θ̇], θ from upright and positive leaning towards
// +x, as in system.CartPole), dt seconds apart: the rail, the cart and the
// pole of length 2·HalfLength hinged on top of it. The view spans the
// cart's positions over the trajectory plus a pole length on each side.
// It fails, naming the value, on a nil c or a bad HalfLength, an empty X, a
// state shorter than 4, a NaN or infinite x or θ, or a bad dt.
func CartPoleAnimation(c *system.CartPole, X [][]float64, dt float64) (*plotting.Animation, error) {
	const fn = "CartPoleAnimation"
	if c == nil {
		return nil, errors.New("lessons: CartPoleAnimation: nil cart-pole")
	}
	if !(c.HalfLength > 0) || math.IsInf(c.HalfLength, 0) {
		return nil, fmt.Errorf("lessons: %s: cart-pole HalfLength = %v; want a finite value > 0", fn, c.HalfLength)
	}
	xs, err := stateColumn(fn, X, 4, 0, "x")
	if err != nil {
		return nil, err
	}
	theta, err := stateColumn(fn, X, 4, 1, "θ")
	if err != nil {
		return nil, err
	}
	L := 2 * c.HalfLength
	w, h := 0.5*L, 0.25*L // the cart
	n := len(xs)
	cy := make([]float64, n)
	hx, hy := make([]float64, n), make([]float64, n)
	tx, ty := make([]float64, n), make([]float64, n)
	lo, hi := math.Inf(1), math.Inf(-1)
	ymin := 0.0
	for k := range n {
		cy[k] = h / 2
		hx[k], hy[k] = xs[k], h
		tx[k], ty[k] = xs[k]+L*math.Sin(theta[k]), h+L*math.Cos(theta[k])
		lo, hi = math.Min(lo, xs[k]), math.Max(hi, xs[k])
		ymin = math.Min(ymin, ty[k])
	}
	if !(hi-lo < math.Inf(1)) {
		return nil, fmt.Errorf("lessons: %s: cart positions span [%g, %g], too wide to draw", fn, lo, hi)
	}
	pad := L + w
	a, err := plotting.NewAnimation("Cart-pole", dt, lo-pad, hi+pad, ymin-0.15*L, h+1.15*L)
	if err != nil {
		return nil, fmt.Errorf("lessons: %s: %w", fn, err)
	}
	if err := a.Static(lo-pad, 0, hi+pad, 0); err != nil {
		return nil, fmt.Errorf("lessons: %s: %w", fn, err)
	}
	if err := a.Rect(xs, cy, w, h); err != nil {
		return nil, fmt.Errorf("lessons: %s: %w", fn, err)
	}
	if err := a.Segment(hx, hy, tx, ty, 0.04*L); err != nil {
		return nil, fmt.Errorf("lessons: %s: %w", fn, err)
	}
	return a, nil
}

// stateColumn returns entry i of every state of X, which must be
// non-empty, have at least dim entries per state and a finite entry i.
func stateColumn(fn string, X [][]float64, dim, i int, name string) ([]float64, error) {
	if len(X) == 0 {
		return nil, fmt.Errorf("lessons: %s: no states", fn)
	}
	out := make([]float64, len(X))
	for k, x := range X {
		if len(x) < dim {
			return nil, fmt.Errorf("lessons: %s: state X[%d] has %d entries; want %d", fn, k, len(x), dim)
		}
		if math.IsNaN(x[i]) || math.IsInf(x[i], 0) {
			return nil, fmt.Errorf("lessons: %s: X[%d][%d] (%s) is %v", fn, k, i, name, x[i])
		}
		out[k] = x[i]
	}
	return out, nil
}
