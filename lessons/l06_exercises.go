package lessons

import (
	"fmt"
	"math"

	"github.com/rlcontrol/rlcontrol/rl/constrained"
)

// CheckRegressionTarget checks f(u, λ, ρ), the regression target of GPS's
// policy step for one sample, against the property that defines it: the
// target π* minimises λᵀ(π − u) + ρ‖π − u‖², so its gradient λ + 2ρ(π* − u)
// is zero (to 1e-9, rounding).
func CheckRegressionTarget(f func(u, lambda []float64, rho float64) []float64) (err error) {
	if err := given(f); err != nil {
		return err
	}
	defer recovered(&err)
	for _, c := range []struct {
		u, lambda []float64
		rho       float64
	}{{[]float64{1, -2}, []float64{0.5, 0.3}, 0.1}, {[]float64{0, 3}, []float64{-4, 2}, 10}, {[]float64{0.2}, []float64{0}, 1}} {
		got := f(c.u, c.lambda, c.rho)
		if len(got) != len(c.u) {
			return fmt.Errorf("u = %v: target of length %d, want %d", c.u, len(got), len(c.u))
		}
		for j := range got {
			if g := c.lambda[j] + 2*c.rho*(got[j]-c.u[j]); !(math.Abs(g) <= 1e-9*math.Max(1, math.Abs(c.lambda[j]))) {
				return fmt.Errorf("u = %v, λ = %v, ρ = %g: target %v leaves the gradient λ + 2ρ(π − u) = %.3g in component %d", c.u, c.lambda, c.rho, got, g, j)
			}
		}
	}
	return nil
}

// CheckDualUpdate checks f(λ, v, ρ), one method-of-multipliers step on
// the violation v, against one iteration of package constrained's
// augmented Lagrangian on its equality toy problem: λ₁ there is the step
// from λ₀ on the violation C(x*) of its x-step (to 1e-9).
func CheckDualUpdate(f func(lambda, violation []float64, rho float64) []float64) (err error) {
	if err := given(f); err != nil {
		return err
	}
	defer recovered(&err)
	toy := constrained.EqualityToy()
	p, err := toy.Problem(true)
	if err != nil {
		return err
	}
	for _, c := range [][2]float64{{0, 1}, {0.7, 0.25}, {-2, 5}} {
		res, err := constrained.AugmentedLagrangian(p, constrained.ALConfig{Rho: c[1], MaxIter: 1, Lambda0: []float64{c[0]}})
		if err != nil {
			return err
		}
		v := []float64{-toy.B}
		for j, a := range toy.A {
			v[0] += a * res.X[j]
		}
		got := f([]float64{c[0]}, v, c[1])
		if len(got) != 1 || !(math.Abs(got[0]-res.Lambda[0]) <= 1e-9*math.Max(1, math.Abs(res.Lambda[0]))) {
			return fmt.Errorf("λ = %g, violation %.4g, ρ = %g: got %v, the augmented Lagrangian's step gives %.6g", c[0], v[0], c[1], got, res.Lambda[0])
		}
	}
	return nil
}
