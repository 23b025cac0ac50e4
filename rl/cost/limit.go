package cost

import (
	"fmt"
	"math"
)

// LimitPenalty is a cost plus the smooth actuator-limit penalty
//
//	½ Weight (u_j − Hi_j)₊² + ½ Weight (Lo_j − u_j)₊²
//
// per action component and step: zero inside the box [Lo, Hi], quadratic
// outside, so that its expansion stays a quadratic the LQR step can use.
// The systems do not clip actions and linear-Gaussian controllers cannot
// be clipped without hiding the applied action from a fitted model; this
// penalty is how the local-model loop (lesson 03's pendulum) and guided
// policy search keep their controllers near the limits iLQR obeys exactly.
// A run that stays inside the box has exactly the wrapped cost.
//
// Make it with NewLimitPenalty; the fields are read-only afterwards. Its
// methods allocate nothing and keep no scratch beyond the wrapped cost's.
type LimitPenalty struct {
	Cost
	Lo, Hi []float64
	Weight float64
}

// NewLimitPenalty wraps c with the penalty, or returns an error for a nil
// cost (a typed nil included), bounds of the wrong length, not ordered
// (lo < hi) or NaN, or a weight that is not finite and > 0. Infinite
// bounds are allowed (no limit on that side).
func NewLimitPenalty(c Cost, lo, hi []float64, weight float64) (*LimitPenalty, error) {
	if err := checkNil(c); err != nil {
		return nil, err
	}
	_, m := c.Dims()
	if len(lo) != m || len(hi) != m {
		return nil, fmt.Errorf("cost: NewLimitPenalty: action limits of lengths %d and %d, want m = %d", len(lo), len(hi), m)
	}
	for j := range lo {
		if math.IsNaN(lo[j]) || math.IsNaN(hi[j]) || lo[j] >= hi[j] {
			return nil, fmt.Errorf("cost: NewLimitPenalty: action limit %d is [%v, %v], want lo < hi", j, lo[j], hi[j])
		}
	}
	if !(weight > 0) || math.IsInf(weight, 0) {
		return nil, fmt.Errorf("cost: NewLimitPenalty: Weight = %v, want a finite value > 0", weight)
	}
	return &LimitPenalty{Cost: c, Lo: append([]float64(nil), lo...), Hi: append([]float64(nil), hi...), Weight: weight}, nil
}

// Excess returns how far action component j's value a lies outside its
// limits: a − Hi_j above, a − Lo_j (negative) below, 0 inside.
func (c *LimitPenalty) Excess(j int, a float64) float64 {
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
	for j, a := range u[:len(c.Lo)] {
		e := c.Excess(j, a)
		v += 0.5 * c.Weight * e * e
	}
	return v
}

// StageDerivs adds the penalty's gradient Weight·excess and its diagonal
// Hessian Weight (where the limit is passed) to the wrapped cost's.
func (c *LimitPenalty) StageDerivs(d *Derivs, t int, x, u []float64) {
	c.Cost.StageDerivs(d, t, x, u)
	m := len(c.Lo)
	for j, a := range u[:m] {
		if e := c.Excess(j, a); e != 0 {
			d.Lu[j] += c.Weight * e
			d.Luu[j*m+j] += c.Weight
		}
	}
}
