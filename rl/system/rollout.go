package system

import (
	"errors"
	"fmt"
	"math"
	"slices"

	"github.com/rlcontrol/rlcontrol/rl/internal/nilcheck"
)

var inf = math.Inf(1)

// FiniteDiffJacobians approximates the Jacobians of sys's Step at (x, u) by
// central differences with step h (relative to each coordinate's size:
// h·max(1, |x_j|)), writing A (n×n) and B (n×m) row-major. The error is
// O(h²) from truncation plus O(ε/h) from rounding, so h ≈ 1e-5…1e-6 gives
// about 1e-8…1e-9 relative accuracy for smooth dynamics. It exists to check
// analytic Jacobians, in the tests and in the notebooks; it allocates. A
// difference quotient that overflows is an error naming the entry.
func FiniteDiffJacobians(sys System, A, B, x, u []float64, h float64) error {
	if sys == nil {
		return errors.New("FiniteDiffJacobians: nil System")
	}
	if nilcheck.IsNil(sys) {
		return fmt.Errorf("FiniteDiffJacobians: nil %T System", sys)
	}
	n, m := sys.StateDim(), sys.ActionDim()
	if err := checkJacArgs(sys.Name(), n, m, A, B, x, u); err != nil {
		return fmt.Errorf("FiniteDiffJacobians: %w", err)
	}
	if !(h > 0) || math.IsInf(h, 1) {
		return fmt.Errorf("FiniteDiffJacobians: step h = %v, want a finite value > 0", h)
	}
	xp, up := slices.Clone(x), slices.Clone(u)
	fp, fm := make([]float64, n), make([]float64, n)
	diff := func(v []float64, j int, out []float64, cols int) error {
		v0 := v[j]
		hj := h * math.Max(1, math.Abs(v0))
		v[j] = v0 + hj
		if err := sys.Step(fp, xp, up); err != nil {
			return err
		}
		v[j] = v0 - hj
		if err := sys.Step(fm, xp, up); err != nil {
			return err
		}
		v[j] = v0
		for i := 0; i < n; i++ {
			out[i*cols+j] = (fp[i] - fm[i]) / (2 * hj)
		}
		return nil
	}
	for j := 0; j < n; j++ {
		if err := diff(xp, j, A, n); err != nil {
			return fmt.Errorf("FiniteDiffJacobians: %w", err)
		}
	}
	for j := 0; j < m; j++ {
		if err := diff(up, j, B, m); err != nil {
			return fmt.Errorf("FiniteDiffJacobians: %w", err)
		}
	}
	if err := CheckVec("A", A, n*n); err != nil {
		return fmt.Errorf("FiniteDiffJacobians (%s): %w: the difference quotient overflows", sys.Name(), err)
	}
	if err := CheckVec("B", B, n*m); err != nil {
		return fmt.Errorf("FiniteDiffJacobians (%s): %w: the difference quotient overflows", sys.Name(), err)
	}
	return nil
}

// WrapAngle maps an angle in rad to [−π, π), the same floating-point
// operations as Gym's angle_normalize, ((a + π) mod 2π) − π with a floored
// modulo, so that package env's Pendulum rewards match Gym's to the bit.
// Use it to compare the unwrapped angles of Pendulum and CartPole with a
// goal (e.g. WrapAngle(θ − π) is the pendulum's angle from upright). The
// result is exact up to a rounding of a + π; non-finite input gives NaN.
func WrapAngle(a float64) float64 {
	m := math.Mod(a+math.Pi, 2*math.Pi)
	if m < 0 {
		m += 2 * math.Pi
	}
	return m - math.Pi
}
