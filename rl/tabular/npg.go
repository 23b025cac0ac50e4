package tabular

import (
	"fmt"
	"math"

	"github.com/rlcontrol/rlcontrol/rl/internal/limits"
	"github.com/rlcontrol/rlcontrol/rl/internal/small"
	"gonum.org/v1/gonum/mat"
)

// MaxNaturalDim is the largest S·A that NaturalGradient and NaturalStep
// accept: they eigendecompose the (S·A)×(S·A) Fisher matrix, which takes
// O((S·A)³) time (about 15 s at 2048 on one core, 2 min at 4096).
const MaxNaturalDim = 2048

// This file connects TRPO's trust region to the natural policy gradient on
// the tabular softmax policy π_θ(a|s) = exp θ_sa / Σ_b exp θ_sb. Parameters
// are flattened as θ[s·A + a].

// softmaxEval evaluates π_θ for fn, checking first that fn's Fisher
// matrix, (S·A)×(S·A), fits limits.MaxElements, and that S·A ≤ maxSA.
func softmaxEval(fn string, m *MDP, theta [][]float64, maxSA int) (*Evaluation, error) {
	if err := m.Validate(); err != nil {
		return nil, err
	}
	if err := limits.Check("tabular: "+fn, "(S·A) × (S·A)", m.S*m.A, m.S*m.A); err != nil {
		return nil, err
	}
	if m.S*m.A > maxSA {
		return nil, fmt.Errorf("tabular: %s: S·A = %d states × actions, want at most MaxNaturalDim = %d (the Fisher matrix's eigendecomposition takes O((S·A)³) time)", fn, m.S*m.A, maxSA)
	}
	if len(theta) != m.S {
		return nil, fmt.Errorf("tabular: logits have %d states, want S = %d", len(theta), m.S)
	}
	for s := range theta {
		if len(theta[s]) != m.A {
			return nil, fmt.Errorf("tabular: len(logits[%d]) = %d, want A = %d", s, len(theta[s]), m.A)
		}
	}
	pi, err := Softmax(theta)
	if err != nil {
		return nil, err
	}
	return evaluate(m, pi)
}

// SoftmaxGradient returns the policy gradient of the cost for the tabular
// softmax policy π_θ = Softmax(θ),
//
//	∂η/∂θ_sa = ρ_π(s) π(a|s) A_π(s, a),
//
// the policy gradient theorem ∇η = Σ_s ρ_π(s) Σ_a ∇π(a|s) Q_π(s, a) with
// ∂π(b|s)/∂θ_sa = π(b|s)(1[a = b] − π(a|s)). It is also ∇ of the surrogate
// L_π(π_θ) at θ: L and η agree to first order.
func SoftmaxGradient(m *MDP, theta [][]float64) ([][]float64, error) {
	ev, err := softmaxEval("SoftmaxGradient", m, theta, math.MaxInt)
	if err != nil {
		return nil, err
	}
	return softmaxGradient(ev), nil
}

func softmaxGradient(ev *Evaluation) [][]float64 {
	g := make([][]float64, len(ev.Pi))
	for s, row := range ev.Pi {
		g[s] = make([]float64, len(row))
		for a, p := range row {
			g[s][a] = ev.Rho[s] * p * ev.Adv[s][a]
		}
	}
	return g
}

// SoftmaxFisher returns the Fisher information matrix of the tabular
// softmax under the normalised visitation d = (1 − γ) ρ_π,
//
//	F = Σ_s d(s) E_{a∼π(·|s)}[∇log π(a|s) ∇log π(a|s)ᵀ],
//
// block diagonal with blocks d(s)(diag π_s − π_s π_sᵀ), index s·A + a. It is
// the Hessian of the mean KL at θ̃ = θ:
// D̄_KL^d(π_θ, π_θ̃) = ½ ΔθᵀFΔθ + O(‖Δθ‖³). F is singular: adding a
// constant to a state's logits does not change the policy. It holds
// (S·A)² numbers, at most limits.MaxElements (2^27).
func SoftmaxFisher(m *MDP, theta [][]float64) (*mat.SymDense, error) {
	ev, err := softmaxEval("SoftmaxFisher", m, theta, math.MaxInt)
	if err != nil {
		return nil, err
	}
	return softmaxFisher(m, ev), nil
}

func softmaxFisher(m *MDP, ev *Evaluation) *mat.SymDense {
	A := m.A
	F := mat.NewSymDense(m.S*A, nil)
	for s, row := range ev.Pi {
		d := (1 - m.Gamma) * ev.Rho[s]
		for a := range A {
			for b := a; b < A; b++ {
				v := -row[a] * row[b]
				if a == b {
					v += row[a]
				}
				F.SetSym(s*A+a, s*A+b, d*v)
			}
		}
	}
	return F
}

// NaturalGradient returns the natural gradient F⁺∇η of the tabular softmax
// (F⁺: the Moore–Penrose pseudo-inverse, computed from F's eigenvalues).
// Kakade (2002) showed its closed form: in every visited state,
//
//	(F⁺∇η)_sa = (A_π(s, a) − mean_b A_π(s, b)) / (1 − γ),
//
// the advantage itself up to a per-state constant, because
// (diag π − ππᵀ) A_s = π ⊙ A_s when Σ_a π(a|s) A_π(s, a) = 0. Following it
// with a large enough step is (soft) policy iteration. S·A must be at most
// MaxNaturalDim.
func NaturalGradient(m *MDP, theta [][]float64) ([][]float64, error) {
	ev, err := softmaxEval("NaturalGradient", m, theta, MaxNaturalDim)
	if err != nil {
		return nil, err
	}
	return naturalGradient(m, ev)
}

func naturalGradient(m *MDP, ev *Evaluation) ([][]float64, error) {
	F := softmaxFisher(m, ev)
	n := m.S * m.A
	var eig mat.EigenSym
	if !eig.Factorize(F, true) {
		return nil, fmt.Errorf("tabular: eigendecomposition of the %d×%d Fisher matrix failed", n, n)
	}
	vals := eig.Values(nil)
	var vecs mat.Dense
	eig.VectorsTo(&vecs)
	lmax := 0.0
	for _, v := range vals {
		lmax = max(lmax, v)
	}
	cut := float64(n) * 1e-15 * lmax
	g := flatten(softmaxGradient(ev))
	out := make([]float64, n)
	for k, l := range vals {
		if l <= cut {
			continue
		}
		coef := 0.0
		for i := range n {
			coef += vecs.At(i, k) * g[i]
		}
		coef /= l
		for i := range n {
			out[i] += coef * vecs.At(i, k)
		}
	}
	return unflatten(out, m.S, m.A), nil
}

// NaturalStep returns TRPO's step with the surrogate linearised and the
// mean KL replaced by its quadratic model,
//
//	min_Δ ∇ηᵀΔ  s.t.  ½ ΔᵀFΔ ≤ δ   ⇒   Δθ = −√(2δ / ∇ηᵀF⁺∇η) · F⁺∇η,
//
// (lecture: "relation to natural policy gradient"; costs, so the step goes
// against the gradient). It returns a zero step when ∇η = 0. S·A must be
// at most MaxNaturalDim.
func NaturalStep(m *MDP, theta [][]float64, delta float64) ([][]float64, error) {
	if !(delta > 0) || math.IsInf(delta, 0) {
		return nil, fmt.Errorf("tabular: NaturalStep: delta = %v, want > 0", delta)
	}
	ev, err := softmaxEval("NaturalStep", m, theta, MaxNaturalDim)
	if err != nil {
		return nil, err
	}
	ng, err := naturalGradient(m, ev)
	if err != nil {
		return nil, err
	}
	gFg := small.Dot(flatten(softmaxGradient(ev)), flatten(ng))
	step := unflatten(make([]float64, m.S*m.A), m.S, m.A)
	if !(gFg > 0) {
		return step, nil
	}
	scale := -math.Sqrt(2 * delta / gFg)
	for s := range ng {
		for a := range ng[s] {
			step[s][a] = scale * ng[s][a]
		}
	}
	return step, nil
}

// KLStep is the exact solution of the trust-region subproblem.
type KLStep struct {
	// Policy is the minimiser π̃.
	Policy Policy
	// Beta is β = 1/(λ(1 − γ)) for the multiplier λ of the KL constraint.
	Beta float64
	// MeanKL is D̄_KL(π, π̃) under (1 − γ) ρ_π (= δ unless Saturated).
	MeanKL float64
	// Surrogate is L_π(π̃).
	Surrogate float64
	// Saturated reports that δ exceeds the largest KL any policy with π's
	// support reaches; Policy is then (nearly) greedy on that support.
	Saturated bool
}

// KLConstrainedStep solves TRPO's subproblem (lecture: approx #1 and #2)
// exactly, over all policies rather than a parametric family:
//
//	min_π̃ L_π(π̃)   s.t.   D̄_KL(π, π̃) = Σ_s (1 − γ) ρ_π(s) D_KL(π(·|s) ‖ π̃(·|s)) ≤ δ.
//
// The Lagrangian separates over states: π̃(·|s) minimises
// β Σ_a π̃(a|s) A_π(s, a) + D_KL(π(·|s) ‖ π̃(·|s)) with one β for all states
// (ρ_π cancels against the KL weights), whose stationarity condition gives
//
//	π̃(a|s) = π(a|s) / (β A_π(s, a) + ν_s),
//
// with ν_s the normaliser (a 1-D root), and β is found by bisection so that
// the mean KL is δ. States that π never visits, and actions π never takes,
// keep their probabilities. For small δ the logit change log π̃ − log π is
// ≈ −β A_π, the natural gradient direction: compare
// LogitChange(π, step.Policy) with NaturalStep. Advantages whose spread
// overflows (costs near the largest float64) make the step's KL or
// surrogate infinite: an error.
func KLConstrainedStep(m *MDP, pi Policy, delta float64) (*KLStep, error) {
	if err := check(m, pi); err != nil {
		return nil, err
	}
	if !(delta >= 0) || math.IsInf(delta, 0) {
		return nil, fmt.Errorf("tabular: KLConstrainedStep: delta = %v, want ≥ 0", delta)
	}
	ev, err := evaluate(m, pi)
	if err != nil {
		return nil, err
	}
	d := make([]float64, m.S)
	for s := range d {
		d[s] = (1 - m.Gamma) * ev.Rho[s]
	}
	solve := func(beta float64) (Policy, float64) {
		out := pi.Clone()
		for s := range out {
			if d[s] > 0 {
				klRow(out[s], pi[s], ev.Adv[s], beta)
			}
		}
		kl, _ := MeanKL(d, pi, out)
		return out, kl
	}
	res := &KLStep{Policy: pi.Clone()}
	if delta > 0 {
		lo, hi := 0.0, 1.0
		piHi, klHi := solve(hi)
		for klHi < delta && hi < 1e15 {
			lo, hi = hi, 2*hi
			piHi, klHi = solve(hi)
		}
		if klHi < delta {
			res.Saturated = true
			res.Policy, res.Beta = piHi, hi
		} else {
			for range 200 {
				mid := 0.5 * (lo + hi)
				if mid <= lo || mid >= hi {
					break
				}
				if _, kl := solve(mid); kl < delta {
					lo = mid
				} else {
					hi = mid
				}
			}
			res.Beta = hi
			res.Policy, _ = solve(hi)
		}
	}
	res.MeanKL, _ = MeanKL(d, pi, res.Policy)
	res.Surrogate = ev.Surrogate(res.Policy)
	if !finite(res.MeanKL) || !finite(res.Surrogate) {
		return nil, fmt.Errorf("tabular: KLConstrainedStep: the step's mean KL = %v and surrogate = %v are not both finite: the advantages overflow", res.MeanKL, res.Surrogate)
	}
	return res, nil
}

// klRow overwrites q with argmin_q β⟨q, A⟩ + KL(p ‖ q) over the simplex
// restricted to p's support: q_a = p_a / (β(A_a − A_min) + ν) with ν ∈ (0, 1]
// the root of Σ_a q_a = 1 (the sum falls from +∞ at ν → 0 to ≤ 1 at ν = 1).
func klRow(q, p, adv []float64, beta float64) {
	amin := math.Inf(1)
	for a, pa := range p {
		if pa > 0 {
			amin = math.Min(amin, adv[a])
		}
	}
	sum := func(nu float64) float64 {
		t := 0.0
		for a, pa := range p {
			if pa > 0 {
				t += pa / (beta*(adv[a]-amin) + nu)
			}
		}
		return t
	}
	lo, hi := 0.0, 1.0
	for range 200 {
		mid := 0.5 * (lo + hi)
		if mid <= lo || mid >= hi {
			break
		}
		if sum(mid) > 1 {
			lo = mid
		} else {
			hi = mid
		}
	}
	total := 0.0
	for a, pa := range p {
		q[a] = 0
		if pa > 0 {
			q[a] = pa / (beta*(adv[a]-amin) + hi)
			total += q[a]
		}
	}
	for a := range q {
		q[a] /= total
	}
}

// LogitChange returns the softmax logit change that turns π into π̃, in the
// gauge of NaturalGradient: log π̃(a|s) − log π(a|s), minus its mean over
// the actions π takes, and 0 for actions π never takes (π̃ must be positive
// wherever π is).
func LogitChange(pi, piNew Policy) ([][]float64, error) {
	if err := sameShape(pi, piNew); err != nil {
		return nil, err
	}
	out := make([][]float64, len(pi))
	for s := range pi {
		out[s] = make([]float64, len(pi[s]))
		mean, n := 0.0, 0
		for a, p := range pi[s] {
			if p == 0 {
				continue
			}
			if piNew[s][a] == 0 {
				return nil, fmt.Errorf("tabular: LogitChange: π̃[%d][%d] = 0 where π = %v", s, a, p)
			}
			out[s][a] = math.Log(piNew[s][a] / p)
			mean += out[s][a]
			n++
		}
		mean /= float64(n)
		for a, p := range pi[s] {
			if p > 0 {
				out[s][a] -= mean
			}
		}
	}
	return out, nil
}

func flatten(x [][]float64) []float64 {
	var out []float64
	for _, row := range x {
		out = append(out, row...)
	}
	return out
}

func unflatten(x []float64, S, A int) [][]float64 {
	out := make([][]float64, S)
	for s := range out {
		out[s] = x[s*A : (s+1)*A : (s+1)*A]
	}
	return out
}
