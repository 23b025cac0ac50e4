package tabular

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/rlcontrol/rlcontrol/rl/internal/config"
	"github.com/rlcontrol/rlcontrol/rl/internal/limits"
)

// ProbTol is how far a probability row (a row of P, a policy row, ρ0) may
// sum away from 1 and still be accepted.
const ProbTol = 1e-12

// MDP is a finite discounted Markov decision process with costs:
//
//	η(π) = E[ Σ_t γ^t c(s_t, a_t) ],  s_0 ∼ ρ0,  a_t ∼ π(·|s_t),  s_{t+1} ∼ P(·|s_t, a_t).
//
// The lecture minimises η with a state cost c(s_t); a state-action cost
// c(s, a) contains it (StateCosts builds C from c(s)). Everything in this
// package minimises: "improvement" means η goes down. For a reward r(s, a),
// set C = RewardsToCosts(r); η is then minus the discounted return.
type MDP struct {
	// S is the number of states (≥ 1), A the number of actions (≥ 1).
	S, A int
	// P[s][a][s'] is the probability of moving to s' after action a in s.
	// Each row P[s][a] is non-negative and sums to 1 (within ProbTol).
	P [][][]float64
	// C[s][a] is the cost c(s, a) (finite).
	C [][]float64
	// Gamma is the discount γ ∈ [0, 1).
	Gamma float64
	// Rho0 is the start-state distribution ρ0 (non-negative, sums to 1).
	Rho0 []float64
	// StateNames and ActionNames are optional labels for printing and
	// plotting; nil or of length S and A.
	StateNames, ActionNames []string
}

// Validate checks shapes, that P's rows and ρ0 are probability vectors, that
// costs are finite and that γ ∈ [0, 1). The error names the first bad entry.
func (m *MDP) Validate() error {
	if m == nil {
		return fmt.Errorf("tabular: nil MDP")
	}
	if m.S < 1 || m.A < 1 {
		return fmt.Errorf("tabular: MDP has S = %d, A = %d; need S ≥ 1 and A ≥ 1", m.S, m.A)
	}
	if !(m.Gamma >= 0 && m.Gamma < 1) { // also catches NaN
		return fmt.Errorf("tabular: Gamma = %v, want γ ∈ [0, 1)", m.Gamma)
	}
	if len(m.P) != m.S {
		return fmt.Errorf("tabular: len(P) = %d, want S = %d", len(m.P), m.S)
	}
	for s := range m.P {
		if len(m.P[s]) != m.A {
			return fmt.Errorf("tabular: len(P[%d]) = %d, want A = %d", s, len(m.P[s]), m.A)
		}
		for a := range m.P[s] {
			if err := checkDist(m.P[s][a], m.S, fmt.Sprintf("P[%d][%d]", s, a)); err != nil {
				return err
			}
		}
	}
	if len(m.C) != m.S {
		return fmt.Errorf("tabular: len(C) = %d, want S = %d", len(m.C), m.S)
	}
	for s := range m.C {
		if len(m.C[s]) != m.A {
			return fmt.Errorf("tabular: len(C[%d]) = %d, want A = %d", s, len(m.C[s]), m.A)
		}
		for a, c := range m.C[s] {
			if math.IsNaN(c) || math.IsInf(c, 0) {
				return fmt.Errorf("tabular: C[%d][%d] = %v is not finite", s, a, c)
			}
		}
	}
	if err := checkDist(m.Rho0, m.S, "Rho0"); err != nil {
		return err
	}
	if m.StateNames != nil && len(m.StateNames) != m.S {
		return fmt.Errorf("tabular: len(StateNames) = %d, want 0 or S = %d", len(m.StateNames), m.S)
	}
	if m.ActionNames != nil && len(m.ActionNames) != m.A {
		return fmt.Errorf("tabular: len(ActionNames) = %d, want 0 or A = %d", len(m.ActionNames), m.A)
	}
	return nil
}

// checkDist checks that p has length n, finite non-negative entries, and
// sums to 1 within ProbTol. name is used in the error ("P[2][1]").
func checkDist(p []float64, n int, name string) error {
	if len(p) != n {
		return fmt.Errorf("tabular: len(%s) = %d, want %d", name, len(p), n)
	}
	sum := 0.0
	for i, v := range p {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("tabular: %s[%d] = %v is not finite", name, i, v)
		}
		if v < 0 {
			return fmt.Errorf("tabular: %s[%d] = %v is negative", name, i, v)
		}
		sum += v
	}
	if math.Abs(sum-1) > ProbTol {
		return fmt.Errorf("tabular: %s sums to %.17g, want 1 (±%g)", name, sum, ProbTol)
	}
	return nil
}

// StateCosts returns the S×A cost table C[s][a] = c[s] for a state cost c
// (the lecture's c(s_t)). It panics, naming the sizes, if A < 0 or
// len(c)·A exceeds limits.MaxElements (2^27).
func StateCosts(c []float64, A int) [][]float64 {
	mustFit("tabular: StateCosts", len(c), A)
	C := make([][]float64, len(c))
	for s := range c {
		C[s] = make([]float64, A)
		for a := range C[s] {
			C[s][a] = c[s]
		}
	}
	return C
}

// RewardsToCosts returns C = −R, so that minimising η maximises the
// discounted return of the rewards R[s][a].
func RewardsToCosts(R [][]float64) [][]float64 {
	C := make([][]float64, len(R))
	for s := range R {
		C[s] = make([]float64, len(R[s]))
		for a, r := range R[s] {
			C[s][a] = -r
		}
	}
	return C
}

// RandomOptions shapes Random's MDPs. The zero value gives dense transitions
// drawn uniformly from the simplex and state-action costs.
type RandomOptions struct {
	// Concentration is the Dirichlet parameter of each transition row
	// (default 1: uniform on the simplex; > 0). Small values (0.1) give
	// nearly deterministic transitions, large ones (100) nearly uniform
	// rows.
	Concentration float64
	// Branching is the number of possible successors of each (s, a), drawn
	// without replacement (default 0: all S states; otherwise 1…S). 1 gives
	// a deterministic MDP.
	Branching int
	// StateCost makes the cost depend on the state only, c(s), as in the
	// lecture (default false: c(s, a)).
	StateCost bool
}

// mustFit panics with an error naming the sizes unless an S×A table may be
// allocated: S, A ≥ 0 and S·A ≤ limits.MaxElements. It is the documented
// panic of the constructors without an error result.
func mustFit(what string, S, A int) {
	if S < 0 || A < 0 {
		panic(fmt.Sprintf("%s: S × A = %d × %d: sizes must be ≥ 0", what, S, A))
	}
	if err := limits.Check(what, "S × A", max(S, 1), max(A, 1)); err != nil {
		panic(err.Error())
	}
}

// checkGamma checks a discount for the constructor fn.
func checkGamma(fn string, gamma float64) error {
	if !(gamma >= 0 && gamma < 1) { // also catches NaN
		return fmt.Errorf("tabular: %s: gamma = %v, want γ ∈ [0, 1)", fn, gamma)
	}
	return nil
}

// WithDefaults returns o with its zero fields set to the defaults in their
// comments (Branching stays 0, which means all states), or an error naming
// the first invalid field and its value. Random checks Branching ≤ S.
func (o RandomOptions) WithDefaults() (RandomOptions, error) {
	config.Or(&o.Concentration, 1)
	switch {
	case !config.Positive(o.Concentration):
		return o, fmt.Errorf("tabular: RandomOptions.Concentration = %v, want > 0", o.Concentration)
	case o.Branching < 0:
		return o, fmt.Errorf("tabular: RandomOptions.Branching = %d, want 0 or 1…S", o.Branching)
	}
	return o, nil
}

// Random returns an MDP with S states and A actions: each row P[s][a] is
// Dirichlet(Concentration) over Branching random successors, costs are
// uniform on [0, 1), and ρ0 is Dirichlet(1) over all states. P holds
// S·A·S numbers, at most limits.MaxElements (2^27); larger sizes are an
// error before anything is allocated.
func Random(S, A int, gamma float64, opt RandomOptions, rng *rand.Rand) (*MDP, error) {
	if S < 1 || A < 1 {
		return nil, fmt.Errorf("tabular: Random: S = %d, A = %d; need ≥ 1", S, A)
	}
	if err := limits.Check("tabular: Random", "S × A × S", S, A, S); err != nil {
		return nil, err
	}
	if err := checkGamma("Random", gamma); err != nil {
		return nil, err
	}
	opt, err := opt.WithDefaults()
	if err != nil {
		return nil, err
	}
	conc, k := opt.Concentration, opt.Branching
	if k == 0 {
		k = S // all states
	}
	if k > S {
		return nil, fmt.Errorf("tabular: Random: Branching = %d, want 0 or 1…S = %d", opt.Branching, S)
	}
	if rng == nil {
		return nil, fmt.Errorf("tabular: Random: nil rng")
	}
	m := &MDP{S: S, A: A, Gamma: gamma, P: make([][][]float64, S), C: make([][]float64, S)}
	w := make([]float64, k)
	for s := range S {
		m.P[s] = make([][]float64, A)
		for a := range A {
			row := make([]float64, S)
			dirichlet(w, conc, rng)
			for i, next := range rng.Perm(S)[:k] {
				row[next] = w[i]
			}
			m.P[s][a] = row
		}
	}
	for s := range S {
		m.C[s] = make([]float64, A)
		c := rng.Float64()
		for a := range A {
			if !opt.StateCost {
				c = rng.Float64()
			}
			m.C[s][a] = c
		}
	}
	m.Rho0 = make([]float64, S)
	dirichlet(m.Rho0, 1, rng)
	return m, m.Validate()
}

// dirichlet fills w with a Dirichlet(α, …, α) sample, α ∈ (0, +Inf]. When
// every Gamma draw underflows to 0 (likely for α below about 0.01, certain
// for α = 1e-300) it draws again in the log domain; when their sum
// overflows (α above about 1e300) the sample is the uniform vector, which
// it then equals to every digit, as it does for α = +Inf.
func dirichlet(w []float64, alpha float64, rng *rand.Rand) {
	sum := 0.0
	if !math.IsInf(alpha, 1) {
		for i := range w {
			w[i] = gammaSample(alpha, rng)
			sum += w[i]
		}
	}
	switch {
	case math.IsInf(alpha, 1) || math.IsInf(sum, 1):
		for i := range w {
			w[i] = 1 / float64(len(w))
		}
	case sum == 0:
		logDirichlet(w, alpha, rng)
	default:
		for i := range w {
			w[i] /= sum
		}
	}
}

// logDirichlet fills w with a Dirichlet(α, …, α) sample for α < 1 whose
// Gamma draws G·U^{1/α} (see gammaSample) underflow: it works with their
// logarithms log G + log(U)/α and normalises by the largest. If those
// overflow too (α near the smallest float64), the sample is the one-hot
// vector at the largest log U + α log G, its limit as α → 0.
func logDirichlet(w []float64, alpha float64, rng *rand.Rand) {
	mx, best, bestScore := math.Inf(-1), 0, math.Inf(-1)
	for i := range w {
		lg, lu := math.Log(gammaSample(alpha+1, rng)), math.Log(rng.Float64())
		w[i] = lg + lu/alpha
		mx = max(mx, w[i])
		if s := lu + alpha*lg; s > bestScore || i == 0 {
			best, bestScore = i, s
		}
	}
	if math.IsInf(mx, -1) {
		clear(w)
		w[best] = 1
		return
	}
	sum := 0.0
	for i := range w {
		w[i] = math.Exp(w[i] - mx)
		sum += w[i]
	}
	for i := range w {
		w[i] /= sum
	}
}

// gammaSample draws from Gamma(α, 1) by Marsaglia and Tsang's method, with
// the boost Gamma(α) = Gamma(α+1)·U^{1/α} for α < 1.
func gammaSample(alpha float64, rng *rand.Rand) float64 {
	if alpha < 1 {
		u := rng.Float64()
		return gammaSample(alpha+1, rng) * math.Pow(u, 1/alpha)
	}
	d := alpha - 1.0/3
	c := 1 / math.Sqrt(9*d)
	for {
		x := rng.NormFloat64()
		v := 1 + c*x
		if v <= 0 {
			continue
		}
		v = v * v * v
		u := rng.Float64()
		if u < 1-0.0331*x*x*x*x || math.Log(u) < 0.5*x*x+d*(1-v+math.Log(v)) {
			return d * v
		}
	}
}

// Chain is the lesson's n-state corridor. The agent starts in state 0 and
// pays cost 1 per step until it reaches the absorbing goal n−1 (cost 0).
// Action 0 ("left") and 1 ("right") move one cell in that direction with
// probability 1 − slip and one cell the other way with probability slip;
// moves into the walls stay put. The optimal policy always goes right;
// with slip = 0 its cost is η* = (1 − γ^{n−1})/(1 − γ). P holds 2n²
// numbers, at most limits.MaxElements (2^27).
func Chain(n int, slip, gamma float64) (*MDP, error) {
	if n < 2 {
		return nil, fmt.Errorf("tabular: Chain: n = %d, want ≥ 2", n)
	}
	if err := limits.Check("tabular: Chain", "S × A × S", n, 2, n); err != nil {
		return nil, err
	}
	if err := checkGamma("Chain", gamma); err != nil {
		return nil, err
	}
	if !(slip >= 0 && slip <= 1) {
		return nil, fmt.Errorf("tabular: Chain: slip = %v, want ∈ [0, 1]", slip)
	}
	m := &MDP{S: n, A: 2, Gamma: gamma, ActionNames: []string{"left", "right"}}
	m.P = make([][][]float64, n)
	c := make([]float64, n)
	m.StateNames = make([]string, n)
	for s := range n {
		m.StateNames[s] = fmt.Sprintf("s%d", s)
		m.P[s] = [][]float64{make([]float64, n), make([]float64, n)}
		if s == n-1 {
			m.StateNames[s] = "goal"
			m.P[s][0][s], m.P[s][1][s] = 1, 1
			continue
		}
		c[s] = 1
		left, right := max(s-1, 0), s+1
		m.P[s][0][left] += 1 - slip
		m.P[s][0][right] += slip
		m.P[s][1][right] += 1 - slip
		m.P[s][1][left] += slip
	}
	m.C = StateCosts(c, 2)
	m.Rho0 = make([]float64, n)
	m.Rho0[0] = 1
	return m, m.Validate()
}

// Grid is a rows×cols gridworld, state s = r·cols + c. The agent starts in
// the top-left cell (0, 0) and pays 1 per step until it reaches the
// absorbing goal in the bottom-right corner (cost 0). Cells listed in pits
// (as state indices) cost pitCost per step instead of 1. Actions are
// 0 up, 1 right, 2 down, 3 left; with probability slip the move goes to one
// of the two perpendicular directions instead (slip/2 each). Moves into a
// wall stay put. P holds 4S² numbers, at most limits.MaxElements (2^27).
func Grid(rows, cols int, slip, gamma float64, pits []int, pitCost float64) (*MDP, error) {
	if rows < 1 || cols < 1 {
		return nil, fmt.Errorf("tabular: Grid: %d×%d, want at least 2 cells", rows, cols)
	}
	S, err := limits.Elements("tabular: Grid", "rows × cols", rows, cols)
	if err != nil {
		return nil, err
	}
	if S < 2 {
		return nil, fmt.Errorf("tabular: Grid: %d×%d, want at least 2 cells", rows, cols)
	}
	if err := limits.Check("tabular: Grid", "S × A × S", S, 4, S); err != nil {
		return nil, err
	}
	if !(slip >= 0 && slip <= 1) {
		return nil, fmt.Errorf("tabular: Grid: slip = %v, want ∈ [0, 1]", slip)
	}
	if err := checkGamma("Grid", gamma); err != nil {
		return nil, err
	}
	if math.IsNaN(pitCost) || math.IsInf(pitCost, 0) {
		return nil, fmt.Errorf("tabular: Grid: pitCost = %v is not finite", pitCost)
	}
	goal := S - 1
	c := make([]float64, S)
	for s := range c {
		c[s] = 1
	}
	c[goal] = 0
	for _, p := range pits {
		if p < 0 || p >= S || p == 0 || p == goal {
			return nil, fmt.Errorf("tabular: Grid: pit %d, want a state in 1…%d", p, S-2)
		}
		c[p] = pitCost
	}
	dr := [4]int{-1, 0, 1, 0}
	dc := [4]int{0, 1, 0, -1}
	move := func(s, dir int) int {
		r, cc := s/cols+dr[dir], s%cols+dc[dir]
		if r < 0 || r >= rows || cc < 0 || cc >= cols {
			return s
		}
		return r*cols + cc
	}
	m := &MDP{S: S, A: 4, Gamma: gamma, ActionNames: []string{"up", "right", "down", "left"}}
	m.StateNames = make([]string, S)
	m.P = make([][][]float64, S)
	for s := range S {
		m.StateNames[s] = fmt.Sprintf("(%d,%d)", s/cols, s%cols)
		m.P[s] = make([][]float64, 4)
		for a := range 4 {
			row := make([]float64, S)
			if s == goal {
				row[s] = 1
			} else {
				row[move(s, a)] += 1 - slip
				row[move(s, (a+1)%4)] += slip / 2
				row[move(s, (a+3)%4)] += slip / 2
			}
			m.P[s][a] = row
		}
	}
	m.C = StateCosts(c, 4)
	m.Rho0 = make([]float64, S)
	m.Rho0[0] = 1
	return m, m.Validate()
}
