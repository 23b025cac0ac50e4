package tabular

import (
	"fmt"
	"math"

	"github.com/rlcontrol/rlcontrol/rl/internal/small"
)

// ExpectedAdvantage returns Ā(s) = Σ_a π̃(a|s) A(s, a), the advantage of
// π̃'s actions under the advantage table A (usually A_π of an older policy).
// It panics, naming the shapes, if piNew has fewer rows than adv or a row
// of adv is shorter than piNew's.
func ExpectedAdvantage(adv [][]float64, piNew Policy) []float64 {
	if len(piNew) < len(adv) {
		panic(fmt.Sprintf("tabular: ExpectedAdvantage: piNew has %d rows for the %d states of adv", len(piNew), len(adv)))
	}
	for s := range adv {
		if len(adv[s]) < len(piNew[s]) {
			panic(fmt.Sprintf("tabular: ExpectedAdvantage: adv[%d] has %d entries for the %d actions of piNew[%d]", s, len(adv[s]), len(piNew[s]), s))
		}
	}
	out := make([]float64, len(adv))
	for s := range adv {
		for a, p := range piNew[s] {
			out[s] += p * adv[s][a]
		}
	}
	return out
}

// Identity returns the right-hand side of the lecture's "neat identity"
// (Kakade & Langford 2002, Lemma 6.1; Schulman et al. 2015, eqs. 1–2),
//
//	η(π̃) = η(π) + Σ_s ρ_π̃(s) Σ_a π̃(a|s) A_π(s, a),
//
// computed from η(π), A_π and the visitation ρ_π̃ of the new policy. It
// equals η(π̃) exactly: along any trajectory of π̃ the advantages telescope,
// Σ_t γ^t A_π(s_t, a_t) = Σ_t γ^t c(s_t, a_t) − V_π(s_0).
func Identity(m *MDP, pi, piNew Policy) (float64, error) {
	if err := check(m, pi, piNew); err != nil {
		return 0, err
	}
	old, err := evaluate(m, pi)
	if err != nil {
		return 0, err
	}
	nw, err := evaluate(m, piNew)
	if err != nil {
		return 0, err
	}
	return old.Eta + small.Dot(nw.Rho, ExpectedAdvantage(old.Adv, piNew)), nil
}

// Surrogate returns the lecture's local approximation of η,
//
//	L_π(π̃) = η(π) + Σ_s ρ_π(s) Σ_a π̃(a|s) A_π(s, a),
//
// which is the identity with the old policy's visitation ρ_π in place of
// ρ_π̃. L_π matches η to first order at π̃ = π: L_π(π) = η(π) and their
// gradients in π̃ agree there (the policy gradient theorem), so
// η(π̃) − L_π(π̃) = O(‖π̃ − π‖²).
func Surrogate(m *MDP, pi, piNew Policy) (float64, error) {
	if err := check(m, pi, piNew); err != nil {
		return 0, err
	}
	old, err := evaluate(m, pi)
	if err != nil {
		return 0, err
	}
	return old.Surrogate(piNew), nil
}

// Surrogate returns L_π(π̃) for the evaluated policy π. It panics if ev is
// nil or π̃ does not have the MDP's shape (Surrogate, the function, checks
// it and returns an error instead).
func (ev *Evaluation) Surrogate(piNew Policy) float64 {
	if ev == nil {
		panic("tabular: Evaluation.Surrogate: nil *Evaluation")
	}
	if len(piNew) != len(ev.Adv) {
		panic(fmt.Sprintf("tabular: Evaluation.Surrogate: piNew has %d rows, want S = %d", len(piNew), len(ev.Adv)))
	}
	return ev.Eta + small.Dot(ev.Rho, ExpectedAdvantage(ev.Adv, piNew))
}

// KL returns D_KL(p ‖ q) = Σ_i p_i log(p_i/q_i), with 0·log 0 = 0 and +Inf
// when q_i = 0 < p_i, for probability vectors p and q (a NaN entry gives
// NaN). It panics if p and q have different lengths.
func KL(p, q []float64) float64 {
	sameLen("KL", p, q)
	kl := 0.0
	for i, pi := range p {
		if pi == 0 {
			continue
		}
		if q[i] == 0 {
			return math.Inf(1)
		}
		kl += pi * math.Log(pi/q[i])
	}
	return max(kl, 0) // round-off can make a tiny KL negative
}

// TV returns the total-variation distance D_TV(p, q) = ½ Σ_i |p_i − q_i|
// (a NaN entry gives NaN). It panics if p and q have different lengths.
func TV(p, q []float64) float64 {
	sameLen("TV", p, q)
	tv := 0.0
	for i := range p {
		tv += math.Abs(p[i] - q[i])
	}
	return tv / 2
}

// sameLen panics, naming fn and the lengths, unless p and q have the same
// length.
func sameLen(fn string, p, q []float64) {
	if len(p) != len(q) {
		panic(fmt.Sprintf("tabular: %s: p has length %d, q length %d", fn, len(p), len(q)))
	}
}

// MaxKL returns D_KL^max(π, π̃) = max_s D_KL(π(·|s) ‖ π̃(·|s)).
func MaxKL(pi, piNew Policy) (float64, error) {
	if err := sameShape(pi, piNew); err != nil {
		return 0, err
	}
	kl := 0.0
	for s := range pi {
		kl = max(kl, KL(pi[s], piNew[s]))
	}
	return kl, nil
}

// MaxTV returns α = D_TV^max(π, π̃) = max_s D_TV(π(·|s), π̃(·|s)).
func MaxTV(pi, piNew Policy) (float64, error) {
	if err := sameShape(pi, piNew); err != nil {
		return 0, err
	}
	tv := 0.0
	for s := range pi {
		tv = max(tv, TV(pi[s], piNew[s]))
	}
	return tv, nil
}

// MeanKL returns TRPO's average KL (the lecture's "approx #2"),
//
//	D̄_KL^ρ(π, π̃) = Σ_s d(s) D_KL(π(·|s) ‖ π̃(·|s)),
//
// with state weights d (finite, ≥ 0), usually the normalised visitation
// (1 − γ) ρ_π. States with d(s) = 0 do not count, even where their KL is
// infinite.
func MeanKL(d []float64, pi, piNew Policy) (float64, error) {
	if err := sameShape(pi, piNew); err != nil {
		return 0, err
	}
	if len(d) != len(pi) {
		return 0, fmt.Errorf("tabular: MeanKL: len(d) = %d, want %d states", len(d), len(pi))
	}
	for s, v := range d {
		if !(v >= 0) || math.IsInf(v, 1) {
			return 0, fmt.Errorf("tabular: MeanKL: d[%d] = %v, want a finite weight ≥ 0", s, v)
		}
	}
	kl := 0.0
	for s := range pi {
		if d[s] != 0 {
			kl += d[s] * KL(pi[s], piNew[s])
		}
	}
	return kl, nil
}

// PenaltyKL returns C = 4εγ/(1 − γ)², the penalty coefficient of Schulman
// et al. 2015, Theorem 1 (ε = max_{s,a} |A_π(s, a)|). It is the formula:
// γ = 1 gives ±Inf (or NaN for ε = 0), a NaN argument NaN.
func PenaltyKL(eps, gamma float64) float64 {
	return 4 * eps * gamma / ((1 - gamma) * (1 - gamma))
}

// PenaltyMixture returns C = 2εγ/(1 − γ)², the lecture's coefficient, from
// the Kakade–Langford mixture bound (ε = max_s |E_{a∼π'} A_π(s, a)|). Like
// PenaltyKL it is the formula, for any arguments.
func PenaltyMixture(eps, gamma float64) float64 {
	return 2 * eps * gamma / ((1 - gamma) * (1 - gamma))
}

// Comparison is everything the improvement theory says about a candidate
// π̃ against the current π. Every bound is an upper bound on η(π̃) (costs);
// its margin is Bound − EtaNew ≥ 0.
type Comparison struct {
	// EtaOld = η(π); EtaNew = η(π̃), from π̃'s own linear solve.
	EtaOld, EtaNew float64
	// Identity is η(π) + Σ_s ρ_π̃(s) Σ_a π̃(a|s) A_π(s, a); it equals EtaNew.
	Identity float64
	// Surrogate is L_π(π̃) = η(π) + Σ_s ρ_π(s) Σ_a π̃(a|s) A_π(s, a).
	Surrogate float64
	// MaxKL = D_KL^max(π, π̃), MaxTV = α = D_TV^max(π, π̃), and MeanKL the
	// average KL under (1 − γ) ρ_π.
	MaxKL, MaxTV, MeanKL float64
	// EpsMax = max_{s,a} |A_π(s, a)| (Theorem 1's ε); EpsNew =
	// max_s |Σ_a π̃(a|s) A_π(s, a)| (the coupling bound's ε̄).
	EpsMax, EpsNew float64
	// BoundKL, BoundTV and BoundCoupling are the right-hand sides of the
	// bounds of the same names (BoundCoupling ≤ BoundTV ≤ BoundKL).
	BoundKL, BoundTV, BoundCoupling float64
}

// Compare evaluates π and π̃ and fills a Comparison.
func Compare(m *MDP, pi, piNew Policy) (*Comparison, error) {
	if err := check(m, pi, piNew); err != nil {
		return nil, err
	}
	old, err := evaluate(m, pi)
	if err != nil {
		return nil, err
	}
	nw, err := evaluate(m, piNew)
	if err != nil {
		return nil, err
	}
	abar := ExpectedAdvantage(old.Adv, piNew)
	c := &Comparison{
		EtaOld:    old.Eta,
		EtaNew:    nw.Eta,
		Identity:  old.Eta + small.Dot(nw.Rho, abar),
		Surrogate: old.Eta + small.Dot(old.Rho, abar),
	}
	c.MaxKL, _ = MaxKL(pi, piNew)
	c.MaxTV, _ = MaxTV(pi, piNew)
	d := make([]float64, m.S)
	for s := range d {
		d[s] = (1 - m.Gamma) * old.Rho[s]
	}
	c.MeanKL, _ = MeanKL(d, pi, piNew)
	c.EpsMax = maxAbs2(old.Adv)
	c.EpsNew = maxAbs(abar)
	g, alpha := m.Gamma, c.MaxTV
	c.BoundKL = c.Surrogate + penaltyTimes(PenaltyKL(c.EpsMax, g), c.MaxKL)
	c.BoundTV = c.Surrogate + PenaltyKL(c.EpsMax, g)*alpha*alpha
	c.BoundCoupling = c.Surrogate + 2*c.EpsNew*g*alpha/((1-g)*(1-g*(1-alpha)))
	return c, nil
}

// BoundKL returns the right-hand side of Schulman et al. 2015, Theorem 1,
// written for costs (the lecture's improvement theorem):
//
//	η(π̃) ≤ L_π(π̃) + C · D_KL^max(π, π̃),   C = 4εγ/(1 − γ)²,   ε = max_{s,a} |A_π(s, a)|.
//
// It follows from BoundTV because α² ≤ D_KL^max, where α = D_TV^max: by
// Pinsker's inequality D_TV(p, q)² ≤ ½ D_KL(p ‖ q) in every state (the
// paper uses the weaker D_TV² ≤ D_KL; with Pinsker's ½ the coefficient
// halves to 2εγ/(1 − γ)², the lecture's constant, but with this ε).
// Minimising the right-hand side can never make η worse (it touches η at
// π̃ = π): the guarantee behind TRPO.
func BoundKL(m *MDP, pi, piNew Policy) (float64, error) {
	c, err := Compare(m, pi, piNew)
	if err != nil {
		return 0, err
	}
	return c.BoundKL, nil
}

// BoundTV returns the total-variation form of Schulman et al. 2015,
// Theorem 1, for costs:
//
//	η(π̃) ≤ L_π(π̃) + 4εγ/(1 − γ)² · α²,   α = D_TV^max(π, π̃),   ε = max_{s,a} |A_π(s, a)|.
//
// It is BoundCoupling with ε̄ ≤ 2αε (in each state
// |Σ_a π̃ A_π| = |Σ_a (π̃ − π) A_π| ≤ 2 D_TV · ε) and 1 − γ(1 − α) ≥ 1 − γ.
// BoundKL then replaces α² by D_KL^max ≥ α².
func BoundTV(m *MDP, pi, piNew Policy) (float64, error) {
	c, err := Compare(m, pi, piNew)
	if err != nil {
		return 0, err
	}
	return c.BoundTV, nil
}

// BoundCoupling returns the bound both Theorem 1 forms and the
// Kakade–Langford bound are relaxations of (Schulman et al. 2015, Lemma 3
// summed over t):
//
//	η(π̃) ≤ L_π(π̃) + 2 ε̄ γ α / ((1 − γ)(1 − γ(1 − α))),
//	α = D_TV^max(π, π̃),   ε̄ = max_s |Σ_a π̃(a|s) A_π(s, a)|.
//
// Proof sketch: couple the two policies so their actions differ with
// probability ≤ α per step; η(π̃) − L_π(π̃) = Σ_t γ^t (E_π̃ − E_π)[Ā(s_t)],
// and the state distributions at time t differ only on the event of a
// disagreement before t, of probability ≤ 1 − (1 − α)^t. So each term is at
// most 2ε̄(1 − (1 − α)^t), and Σ_t γ^t (1 − (1 − α)^t) = γα/((1−γ)(1−γ(1−α))).
func BoundCoupling(m *MDP, pi, piNew Policy) (float64, error) {
	c, err := Compare(m, pi, piNew)
	if err != nil {
		return 0, err
	}
	return c.BoundCoupling, nil
}

// MixtureBound is the Kakade–Langford bound for a mixture step.
type MixtureBound struct {
	// Surrogate = L_π(π_new) = η(π) − α·PolicyAdvantage.
	Surrogate float64
	// PolicyAdvantage 𝔸 = −Σ_s ρ_π(s) Σ_a π'(a|s) A_π(s, a): how much π'
	// would lower the cost to first order (≥ 0 when π' is greedy).
	PolicyAdvantage float64
	// Epsilon ε = max_s |Σ_a π'(a|s) A_π(s, a)|.
	Epsilon float64
	// C = 2εγ/(1 − γ)², the lecture's coefficient.
	C float64
	// Bound = Surrogate + C α² ≥ η(π_new).
	Bound float64
	// Guaranteed = η(π) − Bound = α𝔸 − Cα², a lower bound on the
	// improvement η(π) − η(π_new).
	Guaranteed float64
}

// BoundMixture returns the Kakade–Langford bound (Kakade & Langford 2002,
// Theorem 4.1, in the form of Schulman et al. 2015, eq. 6) for the mixture
// π_new = (1 − α) π + α π', written for costs:
//
//	η(π_new) ≤ L_π(π_new) + 2εγ/(1 − γ)² · α²,   ε = max_s |E_{a∼π'} A_π(s, a)|.
//
// This is the lecture's C = 2εγ/(1 − γ)². Its ε belongs to the target
// policy π', not to the mixture, and α is the mixing weight, which bounds
// D_TV^max(π, π_new) = α·max_s D_TV(π, π') ≤ α. It is BoundCoupling for the
// mixture (there ε̄ = αε, since Σ_a π A_π = 0), so it holds only for
// mixtures; for a general π̃ use BoundTV or BoundKL (the lecture's
// "Improvement Theorem" line pairs this C with D_KL^max, which with
// Pinsker's D_TV² ≤ ½ D_KL is valid when ε is Theorem 1's max_{s,a} |A_π|).
func BoundMixture(m *MDP, pi, piPrime Policy, alpha float64) (*MixtureBound, error) {
	if err := check(m, pi, piPrime); err != nil {
		return nil, err
	}
	if !(alpha >= 0 && alpha <= 1) {
		return nil, fmt.Errorf("tabular: BoundMixture: alpha = %v, want ∈ [0, 1]", alpha)
	}
	ev, err := evaluate(m, pi)
	if err != nil {
		return nil, err
	}
	return mixtureBound(m, ev, piPrime, alpha), nil
}

func mixtureBound(m *MDP, ev *Evaluation, piPrime Policy, alpha float64) *MixtureBound {
	abar := ExpectedAdvantage(ev.Adv, piPrime)
	b := &MixtureBound{PolicyAdvantage: -small.Dot(ev.Rho, abar), Epsilon: maxAbs(abar)}
	b.C = PenaltyMixture(b.Epsilon, m.Gamma)
	b.Surrogate = ev.Eta - alpha*b.PolicyAdvantage
	b.Bound = b.Surrogate + b.C*alpha*alpha
	b.Guaranteed = ev.Eta - b.Bound
	return b
}

// penaltyTimes returns C·D with 0·∞ = 0 (a zero penalty ignores an
// infinite divergence).
func penaltyTimes(C, D float64) float64 {
	if C == 0 {
		return 0
	}
	return C * D
}

func maxAbs(x []float64) float64 {
	m := 0.0
	for _, v := range x {
		m = max(m, math.Abs(v))
	}
	return m
}

func maxAbs2(x [][]float64) float64 {
	m := 0.0
	for _, row := range x {
		m = max(m, maxAbs(row))
	}
	return m
}
