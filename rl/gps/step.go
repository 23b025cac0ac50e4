package gps

import (
	"fmt"
	"math"

	"github.com/rlcontrol/rlcontrol/rl/lqr"
)

// StepMultiplier is MDGPS's step-size rule (cbfinn/gps's "classic" rule,
// as trajopt's loop runs it for one controller). Model the improvement an
// update of KL size ε buys as I(ε) = a·ε − b·ε²: the models predicted
// a·ε = predicted, the samples showed I = actual, so b·ε² = predicted −
// actual. The ε that maximises I is ε' = a/(2b) = ε · predicted /
// (2(predicted − actual)), so the multiplier is scaled by that ratio,
// clipped to [0.1, 5] per iteration (a guard of 1e-4 on the denominator
// keeps an update that did better than predicted finite), and the result
// clipped to [lo, hi]. It returns an error for a multiplier or bounds that
// are not finite and > 0, lo > hi, or non-finite improvements.
func StepMultiplier(mult, predicted, actual, lo, hi float64) (float64, error) {
	for _, v := range []struct {
		name string
		x    float64
	}{{"multiplier", mult}, {"lower bound", lo}, {"upper bound", hi}} {
		if !(v.x > 0) || math.IsInf(v.x, 0) {
			return 0, fmt.Errorf("gps: step %s = %v, want a finite value > 0", v.name, v.x)
		}
	}
	if lo > hi {
		return 0, fmt.Errorf("gps: step bounds %v > %v", lo, hi)
	}
	if math.IsNaN(predicted) || math.IsInf(predicted, 0) || math.IsNaN(actual) || math.IsInf(actual, 0) {
		return 0, fmt.Errorf("gps: improvements predicted %v, actual %v, want finite values", predicted, actual)
	}
	r := predicted / (2 * math.Max(1e-4, predicted-actual))
	r = math.Max(0.1, math.Min(5, r))
	return math.Max(lo, math.Min(hi, r*mult)), nil
}

// improvement returns, for one condition's last MDGPS update u and its
// current model, cost expansion and KL target (the policy's new
// linearisation), the improvement the old model predicted and the one the
// new samples show, each under the Laplace (quadratic) approximation:
//
//	before    = E[c] of the old target p̄ under the old model and cost,
//	predicted = before − E[c] of the new controller under the old model,
//	actual    = before − E[c] of the new target under the new model,
//
// so that, as in mirror descent, the step counts as a success only when
// the policy (not just the local controller) improved.
func improvement(u mdUpdate, dyn *lqr.Dynamics, q *lqr.QuadraticCost, target *lqr.Controller) (predicted, actual float64, err error) {
	expect := func(c *lqr.Controller, d *lqr.Dynamics, q *lqr.QuadraticCost) (float64, error) {
		dist, err := lqr.Forward(c, d)
		if err != nil {
			return 0, err
		}
		return q.Expected(dist)
	}
	before, err := expect(u.target, u.dyn, u.q)
	if err != nil {
		return 0, 0, fmt.Errorf("gps: expected cost of the last KL target: %w", err)
	}
	pred, err := expect(u.next, u.dyn, u.q)
	if err != nil {
		return 0, 0, fmt.Errorf("gps: expected cost of the last update: %w", err)
	}
	now, err := expect(target, dyn, q)
	if err != nil {
		return 0, 0, fmt.Errorf("gps: expected cost of the new KL target: %w", err)
	}
	return before - pred, before - now, nil
}
