package dynfit

import (
	"fmt"
	"math"

	"github.com/rlcontrol/rlcontrol/rl/internal/limits"
	"github.com/rlcontrol/rlcontrol/rl/lqr"
	"github.com/rlcontrol/rlcontrol/rl/system"
	"gonum.org/v1/gonum/mat"
)

// This file holds the helpers the fitters share; the small row-major
// linear algebra they run on is in rl/internal/small.

// fillStep writes the N rows [x_t, u_t, x_{t+1}] of time step t into z.
func fillStep(z []float64, s system.Batch, t, n, m int) {
	D := 2*n + m
	for i := range s {
		row := z[i*D : i*D+D]
		copy(row[:n], s[i].X[t])
		copy(row[n:n+m], s[i].U[t])
		copy(row[n+m:], s[i].X[t+1])
	}
}

// component names entry j of [x; u] for error messages.
func component(j, n int) string {
	if j < n {
		return fmt.Sprintf("x[%d]", j)
	}
	return fmt.Sprintf("u[%d]", j-n)
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

func checkReg(fn string, reg float64) error {
	if !(reg >= 0) || math.IsInf(reg, 1) {
		return fmt.Errorf("dynfit: %s: reg = %v, want a finite value ≥ 0", fn, reg)
	}
	return nil
}

// zName names entry j of z = [x_t; u_t; x_{t+1}] for error messages.
func zName(n, m int) func(j int) string {
	return func(j int) string {
		if j < n+m {
			return component(j, n)
		}
		return fmt.Sprintf("x_{t+1}[%d]", j-n-m)
	}
}

// colName names column j of a generic data matrix.
func colName(j int) string { return fmt.Sprintf("column %d", j) }

// overflowErr is the error for a value v, computed from finite input, that
// overflowed float64: in where (e.g. "dynfit: LeastSquares"; "" for none),
// at step t (none for t < 0); what says which value.
func overflowErr(where string, t int, what string, v float64) error {
	if t >= 0 {
		where += fmt.Sprintf(": step %d", t)
	}
	if where != "" {
		where += ": "
	}
	return fmt.Errorf("%s%s = %v overflows float64: the values are too large to fit; rescale them", where, what, v)
}

// checkMoments reports the first entry of a mean mu (D) or covariance sig
// (D×D, upper triangle read) of points that overflowed, as overflowErr
// does; name(j) names component j.
func checkMoments(where string, t int, mu, sig []float64, name func(j int) string) error {
	D := len(mu)
	for a, v := range mu {
		if !finite(v) {
			return overflowErr(where, t, "the mean of "+name(a), v)
		}
	}
	for a := 0; a < D; a++ {
		for b := a; b < D; b++ {
			if v := sig[a*D+b]; !finite(v) {
				return overflowErr(where, t, "the covariance of "+name(a)+" and "+name(b), v)
			}
		}
	}
	return nil
}

// checkStep reports the first entry of step t of the fitted d (Fx, Fu, F0,
// Cov) that overflowed.
func checkStep(fn string, t int, d *lqr.Dynamics) error {
	for _, f := range [...]struct {
		name string
		m    mat.Matrix
	}{{"Fx", d.Fx[t]}, {"Fu", d.Fu[t]}, {"F0", d.F0[t]}, {"Cov", d.Cov[t]}} {
		if err := finiteMat(f.name, f.m); err != nil {
			return fmt.Errorf("dynfit: %s: step %d: the fit overflows float64: %w; rescale the samples (or the prior)", fn, t, err)
		}
	}
	return nil
}

// checkFitSize checks, before anything is allocated, that the T steps of
// n×n, n×m, n and n×n matrices of the fitted dynamics and the (2n+m)² of
// a joint covariance fit limits.MaxElements.
func checkFitSize(fn string, n, m, T int) error {
	if err := limits.Check("dynfit: "+fn, "T × n × (2n+m+1)", T, n, 2*n+m+1); err != nil {
		return err
	}
	return limits.Check("dynfit: "+fn, "(2n+m) × (2n+m)", 2*n+m, 2*n+m)
}
