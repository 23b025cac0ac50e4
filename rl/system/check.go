package system

import (
	"fmt"
	"math"
)

// Argument and parameter checks shared by the systems. They only format an
// error on failure, so the success path costs a few comparisons and never
// allocates.

// checkStepArgs checks the arguments of Step for a system called name.
func checkStepArgs(name string, n, m int, next, x, u []float64) error {
	if err := CheckLen("next", next, n); err != nil {
		return fmt.Errorf("%s: Step: %w", name, err)
	}
	if err := CheckVec("x", x, n); err != nil {
		return fmt.Errorf("%s: Step: %w", name, err)
	}
	if err := CheckVec("u", u, m); err != nil {
		return fmt.Errorf("%s: Step: %w", name, err)
	}
	return nil
}

// checkJacArgs checks the arguments of Jacobians for a system called name.
func checkJacArgs(name string, n, m int, A, B, x, u []float64) error {
	if err := CheckLen("A", A, n*n); err != nil {
		return fmt.Errorf("%s: Jacobians: %w (n×n with n = %d)", name, err, n)
	}
	if err := CheckLen("B", B, n*m); err != nil {
		return fmt.Errorf("%s: Jacobians: %w (n×m with n = %d, m = %d)", name, err, n, m)
	}
	if err := CheckVec("x", x, n); err != nil {
		return fmt.Errorf("%s: Jacobians: %w", name, err)
	}
	if err := CheckVec("u", u, m); err != nil {
		return fmt.Errorf("%s: Jacobians: %w", name, err)
	}
	return nil
}

// checkResult reports a step whose result overflowed to an infinity or NaN.
func checkResult(name string, next []float64) error {
	for i, v := range next {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("%s: Step: next[%d] = %v is not finite: the state blew up (action or state too large for the time step?)", name, i, v)
		}
	}
	return nil
}

// checkJacResult reports Jacobians that overflowed.
func checkJacResult(name string, A, B []float64) error {
	for i, v := range A {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("%s: Jacobians: A[%d] = %v is not finite", name, i, v)
		}
	}
	for i, v := range B {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("%s: Jacobians: B[%d] = %v is not finite", name, i, v)
		}
	}
	return nil
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

// positive checks 0 < v < ∞.
func positive(sys, field string, v float64) error {
	if !(v > 0) || math.IsInf(v, 1) {
		return fmt.Errorf("%s: %s = %v, want a finite value > 0", sys, field, v)
	}
	return nil
}

// nonNegative checks 0 ≤ v < ∞.
func nonNegative(sys, field string, v float64) error {
	if !(v >= 0) || math.IsInf(v, 1) {
		return fmt.Errorf("%s: %s = %v, want a finite value ≥ 0", sys, field, v)
	}
	return nil
}

// limit checks an actuator limit: 0 < v ≤ +Inf.
func limit(sys, field string, v float64) error {
	if !(v > 0) {
		return fmt.Errorf("%s: %s = %v, want a value > 0 (+Inf for no limit)", sys, field, v)
	}
	return nil
}

// checkFinite checks that v is finite.
func checkFinite(sys, field string, v float64) error {
	if !finite(v) {
		return fmt.Errorf("%s: %s = %v is not finite", sys, field, v)
	}
	return nil
}

// timeStep checks a time step: 0 < dt < ∞.
func timeStep(sys string, dt float64) error {
	if !(dt > 0) || math.IsInf(dt, 1) {
		return fmt.Errorf("%s: TimeStep = %v, want a finite value > 0 seconds", sys, dt)
	}
	return nil
}

// symmetricLimits returns the box [-lim, lim]^m.
func symmetricLimits(lim float64, m int) (lo, hi []float64) {
	lo, hi = make([]float64, m), make([]float64, m)
	for i := range lo {
		lo[i], hi[i] = -lim, lim
	}
	return lo, hi
}
