package gps

import (
	"fmt"
	"math"
)

// IterStats records one GPS iteration.
type IterStats struct {
	Iter int
	// Traj is the trajectory step (AL-GPS) or the local controllers'
	// update (MDGPS).
	Traj *TrajStats
	// Policy is the policy step.
	Policy *PolicyStats
	// Mismatch is E‖π_θ(o) − μ_p(x)‖ per condition after the policy step,
	// and Rho each condition's ρ (AL-GPS only; nil for MDGPS).
	Mismatch []float64
	Rho      []float64
	// SuccessRate, MeanCost and MaxAction are the policy's held-out
	// evaluation (noise-free from the task's Test starts) when asked for,
	// NaN otherwise; MaxAction is the largest |u_j| it applied.
	SuccessRate, MeanCost, MaxAction float64
}

// MeanMismatch returns the mean of Mismatch over the conditions.
func (s *IterStats) MeanMismatch() float64 { return mean(s.Mismatch) }

// ALIteration runs one iteration of the augmented-Lagrangian form:
// TrajectoryStep, PolicyStep, DualStep; with evaluate it also runs the
// policy from the held-out starts.
func (g *GPS) ALIteration(evaluate bool) (*IterStats, error) {
	tr, err := g.TrajectoryStep()
	if err != nil {
		return nil, err
	}
	ps, err := g.PolicyStep()
	if err != nil {
		return nil, err
	}
	ds, err := g.DualStep()
	if err != nil {
		return nil, err
	}
	st := &IterStats{Iter: g.iter, Traj: tr, Policy: ps, Mismatch: ds.Mismatch, Rho: ds.Rho}
	return st, g.evaluate(st, evaluate)
}

// MDGPSIteration runs one iteration of mirror-descent GPS (Montgomery &
// Levine 2016), as cbfinn/gps's AlgorithmMDGPS: sample each local
// controller N times and fit its dynamics; linearise the policy along each
// condition's samples into a linear-Gaussian controller π̄_i (gains from
// the policy's Jacobian, covariance the local controllers' mean covariance
// plus the policy's residual σ²); update each local controller by
//
//	min_p E_p[c]  s.t.  D_KL(p_i ‖ π̄_i) ≤ Epsilon·T
//
// (in the first Config.WarmUp iterations, by default the first, before
// the policy is trained, the KL is to the previous local controller;
// Epsilon times the step multiplier, adapted by StepMultiplier unless
// FixedStep); then fit the policy to the new controllers'
// mean actions at the sampled states. With evaluate it also runs the
// policy from the held-out starts.
func (g *GPS) MDGPSIteration(evaluate bool) (*IterStats, error) {
	tr, err := g.trajectoryStep(true)
	if err != nil {
		return nil, err
	}
	ps, err := g.policyStep(false)
	if err != nil {
		return nil, err
	}
	st := &IterStats{Iter: g.iter, Traj: tr, Policy: ps}
	for i, c := range g.conds {
		mm, _, err := g.mismatch(c)
		if err != nil {
			return nil, fmt.Errorf("gps: condition %d: %w", i, err)
		}
		c.Mismatch = mm
		st.Mismatch = append(st.Mismatch, mm)
	}
	return st, g.evaluate(st, evaluate)
}

func (g *GPS) evaluate(st *IterStats, on bool) error {
	st.SuccessRate, st.MeanCost, st.MaxAction = math.NaN(), math.NaN(), math.NaN()
	if !on {
		return nil
	}
	ev, err := g.Evaluate(nil)
	if err != nil {
		return err
	}
	st.SuccessRate, st.MeanCost, st.MaxAction = ev.SuccessRate, ev.MeanCost, MaxAction(ev)
	return nil
}

// Method selects the GPS variant Run iterates.
type Method int

const (
	// MDGPS is mirror-descent GPS (MDGPSIteration).
	MDGPS Method = iota
	// AugmentedLagrangian is the lecture's form (ALIteration).
	AugmentedLagrangian
)

// String names the method.
func (m Method) String() string {
	switch m {
	case MDGPS:
		return "MDGPS"
	case AugmentedLagrangian:
		return "AL-GPS"
	}
	return fmt.Sprintf("Method(%d)", int(m))
}

// Run makes Config.Iterations iterations of the method, evaluating the
// policy on the held-out starts every evalEvery iterations and at the last
// (evalEvery ≤ 0: only at the last), and returns their statistics.
func (g *GPS) Run(method Method, evalEvery int) ([]*IterStats, error) {
	if method != MDGPS && method != AugmentedLagrangian {
		return nil, fmt.Errorf("gps: unknown method %d", int(method))
	}
	var out []*IterStats
	for k := 1; k <= g.cfg.Iterations; k++ {
		ev := k == g.cfg.Iterations || evalEvery > 0 && k%evalEvery == 0
		var st *IterStats
		var err error
		if method == MDGPS {
			st, err = g.MDGPSIteration(ev)
		} else {
			st, err = g.ALIteration(ev)
		}
		if err != nil {
			return out, fmt.Errorf("gps: %v iteration %d: %w", method, k, err)
		}
		out = append(out, st)
	}
	return out, nil
}
