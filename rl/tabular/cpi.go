package tabular

import (
	"fmt"
	"math"

	"github.com/rlcontrol/rlcontrol/rl/internal/config"
)

// CPIStep is one conservative policy iteration step π → π_new.
type CPIStep struct {
	// Eta is η(π) before the step.
	Eta float64
	// Greedy is π' = Greedy(A_π), the policy iteration target.
	Greedy Policy
	// Bound is the Kakade–Langford bound for the mixture towards π' at
	// the chosen Alpha.
	Bound MixtureBound
	// Alpha is the mixing weight α of π_new = (1 − α)π + απ'.
	Alpha float64
	// Policy is π_new and EtaNew = η(π_new).
	Policy Policy
	EtaNew float64
	// Improvement = η(π) − η(π_new), at least Bound.Guaranteed.
	Improvement float64
}

// OptimalAlpha returns the α ∈ [0, 1] that maximises the guaranteed
// improvement α𝔸 − Cα² of the mixture bound, α* = min(1, 𝔸/(2C))
// = min(1, 𝔸(1 − γ)²/(4εγ)); 0 when 𝔸 ≤ 0 and 1 when C = 0. With the
// unnormalised ρ_π, 𝔸 ≤ ε/(1 − γ), so α* ≤ (1 − γ)/(4γ): for γ = 0.9 the
// steps are at most 0.028, which is why CPI is slow and why TRPO swaps
// the penalty for a trust region. It panics if b is nil.
func OptimalAlpha(b *MixtureBound) float64 {
	if b == nil {
		panic("tabular: OptimalAlpha: nil *MixtureBound")
	}
	switch {
	case !(b.PolicyAdvantage > 0):
		return 0
	case b.C == 0:
		return 1
	}
	return math.Min(1, b.PolicyAdvantage/(2*b.C))
}

// ConservativeStep takes one step of Kakade and Langford's conservative
// policy iteration (costs):
//
//  1. evaluate π: A_π, ρ_π, η(π);
//  2. π' = Greedy(A_π) (the policy iteration target);
//  3. π_new = (1 − α) π + α π', with α = alpha, or α* = OptimalAlpha
//     when alpha = 0.
//
// The step's Improvement is guaranteed to be at least Bound.Guaranteed =
// α𝔸 − 2εγα²/(1 − γ)², which is positive for α = α* whenever π is not
// already greedy (𝔸 > 0).
func ConservativeStep(m *MDP, pi Policy, alpha float64) (*CPIStep, error) {
	if err := check(m, pi); err != nil {
		return nil, err
	}
	if !(alpha >= 0 && alpha <= 1) {
		return nil, fmt.Errorf("tabular: ConservativeStep: alpha = %v, want ∈ [0, 1] (0: α*)", alpha)
	}
	ev, err := evaluate(m, pi)
	if err != nil {
		return nil, err
	}
	return conservativeStep(m, ev, alpha)
}

func conservativeStep(m *MDP, ev *Evaluation, alpha float64) (*CPIStep, error) {
	st := &CPIStep{Eta: ev.Eta, Greedy: Greedy(ev.Adv)}
	b := mixtureBound(m, ev, st.Greedy, 0)
	if alpha == 0 {
		alpha = OptimalAlpha(b)
	}
	st.Alpha = alpha
	st.Bound = *mixtureBound(m, ev, st.Greedy, alpha)
	st.Policy, _ = Mix(ev.Pi, st.Greedy, alpha)
	nw, err := evaluate(m, st.Policy)
	if err != nil {
		return nil, err
	}
	st.EtaNew = nw.Eta
	st.Improvement = ev.Eta - nw.Eta
	return st, nil
}

// CPIConfig configures ConservativePolicyIteration. The zero value runs
// CPI with the bound's α* until the policy advantage falls below 1e-9 or
// 1000 steps.
type CPIConfig struct {
	// MaxIter is the largest number of steps (default 1000; ≥ 1). α* is
	// small for γ near 1, so CPI may need thousands of steps.
	MaxIter int
	// Tol stops the run once the policy advantage 𝔸 ≤ Tol, i.e. once the
	// greedy policy would lower L_π by at most Tol (default 1e-9; > 0).
	Tol float64
	// Alpha fixes the mixing weight α ∈ (0, 1] of every step; 0 (default)
	// uses the guaranteed-improvement α* of each step. Alpha = 1 is policy
	// iteration: the mixture bound then usually guarantees nothing (its
	// Guaranteed is negative), yet η still does not increase, by the policy
	// improvement theorem.
	Alpha float64
}

// WithDefaults returns c with its zero fields set to the defaults in their
// comments, or an error naming the first invalid field and its value.
func (c CPIConfig) WithDefaults() (CPIConfig, error) {
	config.Or(&c.MaxIter, 1000)
	config.Or(&c.Tol, 1e-9)
	const fn = "tabular: CPIConfig"
	switch {
	case c.MaxIter < 0:
		return c, fmt.Errorf("%s.MaxIter = %d, want ≥ 1", fn, c.MaxIter)
	case !config.Positive(c.Tol):
		return c, fmt.Errorf("%s.Tol = %v, want a finite value > 0", fn, c.Tol)
	case !(c.Alpha >= 0 && c.Alpha <= 1):
		return c, fmt.Errorf("%s.Alpha = %v, want ∈ [0, 1] (0: α*)", fn, c.Alpha)
	}
	return c, nil
}

// CPIResult is the history of a ConservativePolicyIteration run.
type CPIResult struct {
	// Policy is the final policy and Eta = η(Policy).
	Policy Policy
	Eta    float64
	// Steps are the steps taken, in order.
	Steps []CPIStep
	// Converged reports whether the policy advantage fell below Tol.
	Converged bool
}

// Etas returns η(π_0), η(π_1), …, η(π_final): the curve the lesson plots.
// It panics if r is nil.
func (r *CPIResult) Etas() []float64 {
	if r == nil {
		panic("tabular: CPIResult.Etas: nil *CPIResult")
	}
	etas := make([]float64, 0, len(r.Steps)+1)
	for _, st := range r.Steps {
		etas = append(etas, st.Eta)
	}
	return append(etas, r.Eta)
}

// ConservativePolicyIteration runs ConservativeStep from pi0 (Kakade &
// Langford 2002). With the default α* every step lowers η by at least its
// guaranteed amount, so η decreases monotonically.
func ConservativePolicyIteration(m *MDP, pi0 Policy, cfg CPIConfig) (*CPIResult, error) {
	if err := check(m, pi0); err != nil {
		return nil, err
	}
	cfg, err := cfg.WithDefaults()
	if err != nil {
		return nil, err
	}
	res := &CPIResult{Policy: pi0.Clone()}
	ev, err := evaluate(m, res.Policy)
	if err != nil {
		return nil, err
	}
	for range cfg.MaxIter {
		b := mixtureBound(m, ev, Greedy(ev.Adv), 0)
		if b.PolicyAdvantage <= cfg.Tol {
			res.Converged = true
			break
		}
		st, err := conservativeStep(m, ev, cfg.Alpha)
		if err != nil {
			return nil, err
		}
		res.Steps = append(res.Steps, *st)
		if ev, err = evaluate(m, st.Policy); err != nil {
			return nil, err
		}
	}
	res.Policy, res.Eta = ev.Pi, ev.Eta
	if !res.Converged {
		b := mixtureBound(m, ev, Greedy(ev.Adv), 0)
		res.Converged = b.PolicyAdvantage <= cfg.Tol
	}
	return res, nil
}
