package tabular

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
)

// Evaluation holds every exact quantity of a policy π on an MDP, in the
// order Evaluate computes them.
type Evaluation struct {
	// Pi is the evaluated policy (not copied).
	Pi Policy
	// PPi is the state transition matrix under π,
	// P_π[s][s'] = Σ_a π(a|s) P(s'|s, a).
	PPi *mat.Dense
	// CPi is the expected one-step cost c_π(s) = Σ_a π(a|s) c(s, a).
	CPi []float64
	// V is the value V_π = (I − γ P_π)⁻¹ c_π, the solution of the Bellman
	// equation V = c_π + γ P_π V.
	V []float64
	// Q[s][a] = c(s, a) + γ Σ_s' P(s'|s, a) V_π(s').
	Q [][]float64
	// Adv is the advantage A_π(s, a) = Q_π(s, a) − V_π(s); Σ_a π(a|s) A_π = 0.
	Adv [][]float64
	// Rho is the lecture's (unnormalised) discounted visitation
	// ρ_π(s) = Σ_t γ^t P(s_t = s), the solution of (I − γ P_π)ᵀ ρ = ρ0.
	// It sums to 1/(1 − γ); (1 − γ) ρ_π is a distribution.
	Rho []float64
	// Eta is the expected discounted cost η(π) = Σ_s ρ0(s) V_π(s)
	// (= Σ_s ρ_π(s) c_π(s)).
	Eta float64
}

// TransitionMatrix returns P_π[s][s'] = Σ_a π(a|s) P(s'|s, a).
func TransitionMatrix(m *MDP, pi Policy) (*mat.Dense, error) {
	if err := check(m, pi); err != nil {
		return nil, err
	}
	return transition(m, pi), nil
}

func transition(m *MDP, pi Policy) *mat.Dense {
	P := mat.NewDense(m.S, m.S, nil)
	for s := range m.S {
		row := P.RawRowView(s)
		for a, p := range pi[s] {
			if p == 0 {
				continue
			}
			for s2, q := range m.P[s][a] {
				row[s2] += p * q
			}
		}
	}
	return P
}

// check validates the MDP and that π fits it.
func check(m *MDP, pis ...Policy) error {
	if err := m.Validate(); err != nil {
		return err
	}
	for _, pi := range pis {
		if err := pi.Validate(m.S, m.A); err != nil {
			return err
		}
	}
	return nil
}

// Evaluate computes P_π, c_π, V_π, Q_π, A_π, ρ_π and η(π) exactly, with one
// LU factorisation of I − γ P_π (non-singular for γ < 1: its inverse is
// Σ_t γ^t P_π^t) solved twice, for V and, transposed, for ρ.
func Evaluate(m *MDP, pi Policy) (*Evaluation, error) {
	if err := check(m, pi); err != nil {
		return nil, err
	}
	return evaluate(m, pi)
}

// MustEvaluate is Evaluate that panics on error, for notebooks.
func MustEvaluate(m *MDP, pi Policy) *Evaluation {
	ev, err := Evaluate(m, pi)
	if err != nil {
		panic(err)
	}
	return ev
}

func evaluate(m *MDP, pi Policy) (*Evaluation, error) {
	S, g := m.S, m.Gamma
	ev := &Evaluation{Pi: pi, PPi: transition(m, pi), CPi: make([]float64, S)}
	for s := range S {
		for a, p := range pi[s] {
			ev.CPi[s] += p * m.C[s][a]
		}
	}
	// M = I − γ P_π.
	M := mat.NewDense(S, S, nil)
	M.Scale(-g, ev.PPi)
	for s := range S {
		M.Set(s, s, M.At(s, s)+1)
	}
	var lu mat.LU
	lu.Factorize(M)
	V := mat.NewVecDense(S, nil)
	if err := lu.SolveVecTo(V, false, mat.NewVecDense(S, ev.CPi)); err != nil {
		return nil, fmt.Errorf("tabular: solving (I − γP_π)V = c_π (γ = %v): %w", g, err)
	}
	rho := mat.NewVecDense(S, nil)
	if err := lu.SolveVecTo(rho, true, mat.NewVecDense(S, append([]float64(nil), m.Rho0...))); err != nil {
		return nil, fmt.Errorf("tabular: solving (I − γP_π)ᵀρ = ρ0 (γ = %v): %w", g, err)
	}
	ev.V = V.RawVector().Data
	ev.Rho = rho.RawVector().Data
	ev.Q = qFromV(m, ev.V)
	ev.Adv = make([][]float64, S)
	for s := range S {
		ev.Adv[s] = make([]float64, m.A)
		for a := range m.A {
			ev.Adv[s][a] = ev.Q[s][a] - ev.V[s]
		}
		ev.Eta += m.Rho0[s] * ev.V[s]
	}
	for _, v := range ev.V {
		if !finite(v) {
			return nil, fmt.Errorf("tabular: V_π = %v is not finite", ev.V)
		}
	}
	if err := ev.checkFinite(); err != nil {
		return nil, err
	}
	return ev, nil
}

// checkFinite reports the first non-finite ρ_π, Q_π, A_π or η: they
// overflow when costs near the largest float64 are summed or subtracted.
func (ev *Evaluation) checkFinite() error {
	for s, r := range ev.Rho {
		if !finite(r) {
			return fmt.Errorf("tabular: ρ_π(%d) = %v is not finite", s, r)
		}
	}
	for s := range ev.Q {
		for a, q := range ev.Q[s] {
			if !finite(q) {
				return fmt.Errorf("tabular: Q_π(%d, %d) = %v is not finite: the costs overflow", s, a, q)
			}
			if v := ev.Adv[s][a]; !finite(v) {
				return fmt.Errorf("tabular: A_π(%d, %d) = Q_π − V_π = %v − %v = %v is not finite: the costs overflow", s, a, q, ev.V[s], v)
			}
		}
	}
	if !finite(ev.Eta) {
		return fmt.Errorf("tabular: η = %v is not finite: the costs overflow", ev.Eta)
	}
	return nil
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

// qFromV returns Q[s][a] = c(s, a) + γ Σ_s' P(s'|s, a) V(s').
func qFromV(m *MDP, V []float64) [][]float64 {
	Q := make([][]float64, m.S)
	for s := range m.S {
		Q[s] = make([]float64, m.A)
		for a := range m.A {
			ev := 0.0
			for s2, p := range m.P[s][a] {
				ev += p * V[s2]
			}
			Q[s][a] = m.C[s][a] + m.Gamma*ev
		}
	}
	return Q
}

// Eta returns η(π) = Σ_s ρ0(s) V_π(s).
func Eta(m *MDP, pi Policy) (float64, error) {
	ev, err := Evaluate(m, pi)
	if err != nil {
		return 0, err
	}
	return ev.Eta, nil
}

// IterativeEvaluation computes V_π by the fixed-point iteration
// V ← c_π + γ P_π V from V = 0 until max_s |ΔV(s)| ≤ tol (tol ≤ 0 means
// 1e-12; NaN and +Inf are errors) or maxIter sweeps (≤ 0 means 100000). It
// is the slow, obviously correct reference for Evaluate's linear solve:
// the error contracts by γ per sweep. It returns the number of sweeps and
// an error if it did not converge or a value overflowed.
func IterativeEvaluation(m *MDP, pi Policy, tol float64, maxIter int) ([]float64, int, error) {
	if err := check(m, pi); err != nil {
		return nil, 0, err
	}
	if !finite(tol) {
		return nil, 0, fmt.Errorf("tabular: IterativeEvaluation: tol = %v, want a finite value (≤ 0: 1e-12)", tol)
	}
	if tol <= 0 {
		tol = 1e-12
	}
	if maxIter <= 0 {
		maxIter = 100000
	}
	P := transition(m, pi)
	c := make([]float64, m.S)
	for s := range m.S {
		for a, p := range pi[s] {
			c[s] += p * m.C[s][a]
		}
	}
	V, next := make([]float64, m.S), make([]float64, m.S)
	for it := 1; it <= maxIter; it++ {
		diff := 0.0
		for s := range m.S {
			pv := 0.0
			for s2, p := range P.RawRowView(s) {
				pv += p * V[s2]
			}
			next[s] = c[s] + m.Gamma*pv
			if !finite(next[s]) {
				return nil, it, fmt.Errorf("tabular: IterativeEvaluation: sweep %d: V(%d) = %v is not finite: the costs overflow", it, s, next[s])
			}
			diff = max(diff, math.Abs(next[s]-V[s]))
		}
		V, next = next, V
		if diff <= tol {
			return V, it, nil
		}
	}
	return V, maxIter, fmt.Errorf("tabular: IterativeEvaluation did not reach tol = %g in %d sweeps", tol, maxIter)
}

// PolicyIteration is Howard's policy iteration: π ← Greedy(Q_π) from the
// uniform policy until the policy stops changing (at most maxIter
// iterations; ≤ 0 means 1000). Its answer is an optimal deterministic policy
// and its evaluation (V* and η* = η(π*)), the reference the lesson's
// improvement methods converge to. ConservativePolicyIteration with
// Alpha = 1 takes the same steps (up to tie-breaking).
func PolicyIteration(m *MDP, maxIter int) (Policy, *Evaluation, error) {
	if err := m.Validate(); err != nil {
		return nil, nil, err
	}
	if maxIter <= 0 {
		maxIter = 1000
	}
	pi := Uniform(m.S, m.A)
	ev, err := evaluate(m, pi)
	if err != nil {
		return nil, nil, err
	}
	for range maxIter {
		next := Greedy(ev.Q)
		// Keep the current action on ties (up to round-off) so that the
		// iteration cannot cycle between equally good policies.
		for s := range m.S {
			cur, best := argmax(pi[s]), argmax(next[s])
			if pi[s][cur] == 1 && ev.Q[s][cur] <= ev.Q[s][best]+1e-12*(1+math.Abs(ev.Q[s][best])) {
				next[s] = pi[s]
			}
		}
		if samePolicy(next, pi) {
			return pi, ev, nil
		}
		pi = next
		if ev, err = evaluate(m, pi); err != nil {
			return nil, nil, err
		}
	}
	return pi, ev, fmt.Errorf("tabular: PolicyIteration did not converge in %d iterations", maxIter)
}

func argmax(x []float64) int {
	best := 0
	for i, v := range x {
		if v > x[best] {
			best = i
		}
	}
	return best
}

func samePolicy(a, b Policy) bool {
	for s := range a {
		for i := range a[s] {
			if a[s][i] != b[s][i] {
				return false
			}
		}
	}
	return true
}
