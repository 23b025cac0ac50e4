package dynfit

import (
	"fmt"
	"github.com/rlcontrol/rlcontrol/rl/system"
	"math"
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
