package cost

import (
	"fmt"
	"math"
)

// Disc is a round obstacle in the plane of two state components: centre
// (X, Y) and radius R, in the units of those components.
type Disc struct {
	X, Y, R float64
}

// Discs is a cost plus a penalty for coming near round obstacles, the
// obstacle term of the point-mass navigation task:
//
//	ℓ_t(x, u) = base ℓ_t(x, u) + Σ_i ½ W h_i(x)²,  h_i = (R_i + Margin − ‖p − c_i‖)₊
//
// where p = (x[PosX], x[PosY]) is the position and c_i a disc's centre: zero
// farther than Margin from every disc, growing quadratically with the depth
// inside that margin. The final cost gets the same penalty. The derivatives
// use the Gauss–Newton Hessian W ∇h ∇hᵀ (the curvature term W h ∇²h, which
// is negative across the disc, is left out so that the expansion stays
// positive semi-definite, as iLQR needs).
//
// Make it with NewDiscs; the fields are read-only afterwards. Stage, Final
// and the derivatives allocate nothing and keep no scratch beyond Base's.
type Discs struct {
	// Base is the cost the penalty is added to.
	Base Cost
	// Obstacles are the discs.
	Obstacles []Disc
	// PosX and PosY are the indices of the position in the state.
	PosX, PosY int
	// Margin is the clearance in which the penalty starts (≥ 0), e.g. the
	// agent's radius plus a safety distance.
	Margin float64
	// Weight is W (> 0).
	Weight float64
}

// NewDiscs checks and copies the settings: a non-nil base cost, position
// indices inside the state, finite discs with R ≥ 0, Margin ≥ 0 and
// Weight > 0, all finite.
func NewDiscs(base Cost, obstacles []Disc, posX, posY int, margin, weight float64) (*Discs, error) {
	if err := checkNil(base); err != nil {
		return nil, err
	}
	n, _ := base.Dims()
	switch {
	case posX < 0 || posX >= n || posY < 0 || posY >= n || posX == posY:
		return nil, fmt.Errorf("cost: NewDiscs: position indices (%d, %d) must be two different state indices in 0…%d", posX, posY, n-1)
	case !(margin >= 0) || math.IsInf(margin, 0):
		return nil, fmt.Errorf("cost: NewDiscs: Margin = %v, want a finite value ≥ 0", margin)
	case !(weight > 0) || math.IsInf(weight, 0):
		return nil, fmt.Errorf("cost: NewDiscs: Weight = %v, want a finite value > 0", weight)
	}
	for i, d := range obstacles {
		if math.IsNaN(d.X+d.Y+d.R) || math.IsInf(d.X, 0) || math.IsInf(d.Y, 0) || math.IsInf(d.R, 0) || d.R < 0 {
			return nil, fmt.Errorf("cost: NewDiscs: obstacle %d = %+v, want a finite centre and a finite radius ≥ 0", i, d)
		}
	}
	return &Discs{Base: base, Obstacles: append([]Disc(nil), obstacles...), PosX: posX, PosY: posY, Margin: margin, Weight: weight}, nil
}

// Dims returns the base cost's dimensions.
func (c *Discs) Dims() (n, m int) { return c.Base.Dims() }

// Penalty returns Σ_i ½ W h_i(x)², the obstacle term alone.
func (c *Discs) Penalty(x []float64) float64 {
	v := 0.0
	for _, d := range c.Obstacles {
		if h, _, _ := c.depth(d, x); h > 0 {
			v += 0.5 * c.Weight * h * h
		}
	}
	return v
}

// depth returns h = R + Margin − ‖p − c‖ and the unit vector from the centre
// to p (∇h = −that vector).
func (c *Discs) depth(d Disc, x []float64) (h, ex, ey float64) {
	dx, dy := x[c.PosX]-d.X, x[c.PosY]-d.Y
	r := math.Hypot(dx, dy)
	if r < 1e-12 {
		return d.R + c.Margin, 1, 0 // at the centre: push along +x
	}
	return d.R + c.Margin - r, dx / r, dy / r
}

// addDerivs adds the penalty's gradient and Gauss–Newton Hessian.
func (c *Discs) addDerivs(lx, lxx []float64, x []float64) {
	n := len(lx)
	ix, iy := c.PosX, c.PosY
	for _, d := range c.Obstacles {
		h, ex, ey := c.depth(d, x)
		if h <= 0 {
			continue
		}
		// ∇h = −(ex, ey) on the position components.
		lx[ix] -= c.Weight * h * ex
		lx[iy] -= c.Weight * h * ey
		lxx[ix*n+ix] += c.Weight * ex * ex
		lxx[ix*n+iy] += c.Weight * ex * ey
		lxx[iy*n+ix] += c.Weight * ey * ex
		lxx[iy*n+iy] += c.Weight * ey * ey
	}
}

// Stage returns the base stage cost plus the penalty.
func (c *Discs) Stage(t int, x, u []float64) float64 {
	return c.Base.Stage(t, x, u) + c.Penalty(x)
}

// Final returns the base final cost plus the penalty.
func (c *Discs) Final(x []float64) float64 { return c.Base.Final(x) + c.Penalty(x) }

// StageDerivs writes the base cost's derivatives plus the penalty's.
func (c *Discs) StageDerivs(d *Derivs, t int, x, u []float64) {
	c.Base.StageDerivs(d, t, x, u)
	c.addDerivs(d.Lx, d.Lxx, x)
}

// FinalDerivs writes the base final cost's derivatives plus the penalty's.
func (c *Discs) FinalDerivs(d *Derivs, x []float64) {
	c.Base.FinalDerivs(d, x)
	c.addDerivs(d.Lx, d.Lxx, x)
}
