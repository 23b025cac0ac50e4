package gps

import (
	"fmt"
	"math"

	"github.com/rlcontrol/rlcontrol/rl/cost"
)

// LimitPenalty is a cost plus the smooth actuator-limit penalty
//
//	½ Weight (u_j − Hi_j)₊² + ½ Weight (Lo_j − u_j)₊²
//
// per action component and step: zero inside the box, quadratic outside,
// so that its expansion stays a quadratic the LQR step can use. The systems
// do not clip actions and linear-Gaussian controllers are not clipped; this
// is how GPS keeps its controllers, and so its policy, near the limits the
// MPC expert obeys exactly.
type LimitPenalty struct {
	cost.Cost
	Lo, Hi []float64
	Weight float64
}

// NewLimitPenalty wraps c with the penalty, or returns an error for a nil
// cost, bounds of the wrong length or not ordered, or a weight that is not
// finite and > 0.
func NewLimitPenalty(c cost.Cost, lo, hi []float64, weight float64) (*LimitPenalty, error) {
	if c == nil {
		return nil, fmt.Errorf("gps: limit penalty on a nil cost")
	}
	_, m := c.Dims()
	if len(lo) != m || len(hi) != m {
		return nil, fmt.Errorf("gps: action limits of lengths %d and %d, want m = %d", len(lo), len(hi), m)
	}
	for j := range lo {
		if math.IsNaN(lo[j]) || math.IsNaN(hi[j]) || lo[j] >= hi[j] {
			return nil, fmt.Errorf("gps: action limit %d is [%v, %v], want lo < hi", j, lo[j], hi[j])
		}
	}
	if !(weight > 0) || math.IsInf(weight, 0) {
		return nil, fmt.Errorf("gps: limit penalty weight = %v, want a finite value > 0", weight)
	}
	return &LimitPenalty{Cost: c, Lo: lo, Hi: hi, Weight: weight}, nil
}

func (c *LimitPenalty) excess(j int, a float64) float64 {
	if a > c.Hi[j] {
		return a - c.Hi[j]
	}
	if a < c.Lo[j] {
		return a - c.Lo[j]
	}
	return 0
}

// Stage returns the wrapped cost plus the penalty.
func (c *LimitPenalty) Stage(t int, x, u []float64) float64 {
	v := c.Cost.Stage(t, x, u)
	for j, a := range u {
		e := c.excess(j, a)
		v += 0.5 * c.Weight * e * e
	}
	return v
}

// StageDerivs adds the penalty's gradient and (diagonal) Hessian.
func (c *LimitPenalty) StageDerivs(d *cost.Derivs, t int, x, u []float64) {
	c.Cost.StageDerivs(d, t, x, u)
	m := len(d.Lu)
	for j, a := range u[:m] {
		if e := c.excess(j, a); e != 0 {
			d.Lu[j] += c.Weight * e
			d.Luu[j*m+j] += c.Weight
		}
	}
}
