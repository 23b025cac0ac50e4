package trajopt

import (
	"errors"
	"fmt"
	"math"

	"github.com/rlcontrol/rlcontrol/rl/constrained"
	"github.com/rlcontrol/rlcontrol/rl/lqr"
	"gonum.org/v1/gonum/mat"
)

// Method chooses how KLUpdate searches for the dual variable η.
type Method int

const (
	// Bracket expands η geometrically until the KL bound is bracketed, then
	// bisects log η (the robust choice; guided policy search also brackets
	// η, with a second-order fit inside the bracket).
	Bracket Method = iota
	// DualGradient is the lecture's plain dual gradient step
	// η ← max(η + α(KL(η) − ε), MinEta): simple to read, sensitive to α.
	DualGradient
)

// String names the method.
func (m Method) String() string {
	switch m {
	case Bracket:
		return "bracket"
	case DualGradient:
		return "dual gradient"
	}
	return fmt.Sprintf("Method(%d)", int(m))
}

// KLConfig tunes the KL-constrained update. Zero fields take the defaults
// in the comments.
type KLConfig struct {
	// Method is the η search (default Bracket).
	Method Method
	// DualStep is α of the DualGradient method (default 1; η has the units
	// of the cost, the KL is in nats, so scale α with the cost).
	DualStep float64
	// Tol: the search stops when |KL − ε| ≤ Tol·ε (default 0.1), or when the
	// KL is below ε at the smallest η (the cost alone moves less than ε).
	// Both searches are package constrained's (Bracket1D, DualAscent1D).
	Tol float64
	// MaxIter caps the η iterations (default 50).
	MaxIter int
	// MinEta and MaxEta bound η (defaults 1e-8 and 1e16).
	MinEta, MaxEta float64
	// Eta0 is the first η tried (default 1); the local-model loop passes
	// the previous iteration's η.
	Eta0 float64
	// Progress, if set, is called after each η tried.
	Progress func(EtaStep)
}

func (c *KLConfig) defaults() error {
	if c.DualStep == 0 {
		c.DualStep = 1
	}
	if c.Tol == 0 {
		c.Tol = 0.1
	}
	if c.MaxIter == 0 {
		c.MaxIter = 50
	}
	if c.MinEta == 0 {
		c.MinEta = 1e-8
	}
	if c.MaxEta == 0 {
		c.MaxEta = 1e16
	}
	if c.Eta0 == 0 {
		c.Eta0 = 1
	}
	switch {
	case c.Method != Bracket && c.Method != DualGradient:
		return fmt.Errorf("trajopt: unknown KL search method %d", int(c.Method))
	case !(c.DualStep > 0) || math.IsInf(c.DualStep, 0):
		return fmt.Errorf("trajopt: KLConfig.DualStep = %v, want > 0", c.DualStep)
	case !(c.Tol > 0 && c.Tol < 1):
		return fmt.Errorf("trajopt: KLConfig.Tol = %v, want a value in (0, 1)", c.Tol)
	case c.MaxIter < 0:
		return fmt.Errorf("trajopt: KLConfig.MaxIter = %d, want > 0", c.MaxIter)
	case !(c.MinEta > 0 && c.MaxEta > c.MinEta) || math.IsInf(c.MaxEta, 0):
		return fmt.Errorf("trajopt: KLConfig η bounds [%v, %v] are invalid", c.MinEta, c.MaxEta)
	case !(c.Eta0 >= c.MinEta && c.Eta0 <= c.MaxEta):
		return fmt.Errorf("trajopt: KLConfig.Eta0 = %v is outside [%v, %v]", c.Eta0, c.MinEta, c.MaxEta)
	}
	return nil
}

// EtaStep records one η tried by the search.
type EtaStep struct {
	Iter  int
	Eta   float64
	KL    float64 // +Inf when Q̃uu was not positive definite at this η
	NotPD bool
}

// KLResult is the outcome of a KL-constrained update.
type KLResult struct {
	Controller *lqr.Controller // the new controller p(u|x)
	Dist       *lqr.TrajDist   // its trajectory distribution under the model
	Eta        float64         // the dual variable reached
	KL         float64         // D_KL(p(τ) ‖ p̄(τ)) under the model
	// ExpectedCost is E_p[J] under the model and the quadratic cost.
	ExpectedCost float64
	History      []EtaStep
	// Converged is false when the plain dual gradient method ran out of
	// iterations; the result is then the last η tried. (The bracketing
	// search returns an error instead.)
	Converged bool
}

// KLUpdate solves the lecture's trust-region step
//
//	min_p E_p[J]  s.t.  D_KL(p(τ) ‖ p̄(τ)) ≤ ε
//
// for a linear-Gaussian controller p under the local model dyn and the
// quadratic cost q, where p̄ = prev. For a fixed dual variable η the
// Lagrangian is minimised by LQR on the modified cost
//
//	c̃(x, u) = c(x, u)/η − log p̄(u | x),
//
// with the maximum-entropy covariance Σ = Q̃uu⁻¹; the KL of that solution
// falls as η grows (η → ∞ gives back p̄). The search over η follows
// cfg.Method. When Q̃uu is not positive definite at some η, η is raised.
// It returns an error for bad input, and when the search cannot meet the
// bound even at MaxEta (the error reports the KL reached).
func KLUpdate(prev *lqr.Controller, dyn *lqr.Dynamics, q *lqr.QuadraticCost, epsilon float64, cfg KLConfig) (*KLResult, error) {
	if !(epsilon > 0) || math.IsInf(epsilon, 0) {
		return nil, fmt.Errorf("trajopt: KL bound ε = %v, want > 0", epsilon)
	}
	if err := cfg.defaults(); err != nil {
		return nil, err
	}
	m, n, T, err := prev.Dims()
	if err != nil {
		return nil, err
	}
	dn, dm, dT, err := dyn.Dims()
	if err != nil {
		return nil, err
	}
	if dn != n || dm != m || dT != T || len(q.Czz) != T {
		return nil, fmt.Errorf("trajopt: KLUpdate: controller (n=%d, m=%d, T=%d), dynamics (n=%d, m=%d, T=%d) and cost (T=%d) differ", n, m, T, dn, dm, dT, len(q.Czz))
	}
	pklM, pklV, err := negLogPolicy(prev)
	if err != nil {
		return nil, err
	}
	solver, err := lqr.NewSolver(n, m, T)
	if err != nil {
		return nil, err
	}
	type trial struct {
		eta float64 // η actually used (raised above the requested one if Q̃uu was not PD)
		*solution
	}
	trials := map[float64]trial{}
	res := &KLResult{}
	// klAt runs the x-step of the dual: LQR on c/η − log p̄, the maximum-
	// entropy controller, its trajectory distribution and KL. When Q̃uu is
	// not positive definite it raises η by δ, 2δ, 4δ, … (δ = 1e-4) until it
	// is, as guided policy search does.
	klAt := func(eta float64) (float64, error) {
		req, del := eta, 1e-4
		for {
			tr, err := solveAt(eta, q, dyn, prev, pklM, pklV, solver)
			if err != nil {
				return 0, err
			}
			if tr != nil {
				trials[req] = trial{eta, tr}
				res.History = append(res.History, EtaStep{Iter: len(res.History) + 1, Eta: eta, KL: tr.kl})
				if cfg.Progress != nil {
					cfg.Progress(res.History[len(res.History)-1])
				}
				return tr.kl, nil
			}
			res.History = append(res.History, EtaStep{Iter: len(res.History) + 1, Eta: eta, KL: math.Inf(1), NotPD: true})
			eta = req + del
			del *= 2
			if eta > cfg.MaxEta {
				return 0, fmt.Errorf("Q̃uu is not positive definite even at η = %.3g (check that the dynamics and cost are well conditioned)", eta)
			}
		}
	}
	var r1 constrained.Result1D
	switch cfg.Method {
	case DualGradient:
		r1, err = constrained.DualAscent1D(klAt, cfg.Eta0, epsilon, constrained.AscentConfig{
			Alpha: cfg.DualStep, EtaMin: cfg.MinEta, MaxIter: cfg.MaxIter, Tol: cfg.Tol})
	default:
		r1, err = constrained.Bracket1D(klAt, cfg.Eta0, epsilon, constrained.BracketConfig{
			EtaMin: cfg.MinEta, EtaMax: cfg.MaxEta, MaxIter: cfg.MaxIter, Tol: cfg.Tol})
	}
	if err != nil {
		return nil, fmt.Errorf("trajopt: KL-constrained update (ε = %.4g): %w", epsilon, err)
	}
	pick, ok := trials[r1.Eta]
	if !ok {
		return nil, fmt.Errorf("trajopt: η search returned η = %g, which it never evaluated", r1.Eta)
	}
	res.Converged = r1.Converged
	res.Controller, res.Dist, res.Eta, res.KL = pick.c, pick.dist, pick.eta, pick.kl
	if res.ExpectedCost, err = q.Expected(pick.dist); err != nil {
		return nil, err
	}
	return res, nil
}

// solution is one x-step of the dual.
type solution struct {
	c    *lqr.Controller
	dist *lqr.TrajDist
	kl   float64
}

// solveAt solves the max-entropy LQR on c/η − log p̄ and returns the
// controller, its trajectory distribution under dyn and its KL from prev;
// nil (and no error) when Q̃uu is not positive definite at this η.
func solveAt(eta float64, q *lqr.QuadraticCost, dyn *lqr.Dynamics, prev *lqr.Controller, pklM []*mat.SymDense, pklV []*mat.VecDense, solver *lqr.Solver) (*solution, error) {
	p, err := q.Problem(dyn, 1/eta, pklM, pklV)
	if err != nil {
		return nil, err
	}
	sol, err := solver.Backward(p, lqr.Options{})
	if lqr.IsNotPD(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	c, err := lqr.MaxEntropyController(sol)
	if lqr.IsNotPD(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	dist, err := lqr.Forward(c, dyn)
	if err != nil {
		return nil, err
	}
	kl, _, err := lqr.KL(c, prev, dist)
	if err != nil {
		return nil, err
	}
	return &solution{c: c, dist: dist, kl: kl}, nil
}

// negLogPolicy returns, per step, the quadratic and linear terms of
// −log p̄(u|x) in z = [x; u] (up to a constant):
//
//	½ zᵀ [K̄ᵀPK̄  −K̄ᵀP; −PK̄  P] z + zᵀ [K̄ᵀP k̄; −P k̄],   P = Σ̄⁻¹.
func negLogPolicy(c *lqr.Controller) ([]*mat.SymDense, []*mat.VecDense, error) {
	m, n, T, err := c.Dims()
	if err != nil {
		return nil, nil, err
	}
	M := make([]*mat.SymDense, T)
	V := make([]*mat.VecDense, T)
	for t := 0; t < T; t++ {
		var ch mat.Cholesky
		if !ch.Factorize(c.Cov[t]) {
			return nil, nil, errors.New("trajopt: previous controller's covariance at t = " + fmt.Sprint(t) + " is not positive definite")
		}
		var P mat.SymDense
		if err := ch.InverseTo(&P); err != nil {
			return nil, nil, err
		}
		var PK mat.Dense
		PK.Mul(&P, c.K[t]) // m×n
		var KtPK mat.Dense
		KtPK.Mul(c.K[t].T(), &PK) // n×n
		var Pk mat.VecDense
		Pk.MulVec(&P, c.Kff[t])
		var KtPk mat.VecDense
		KtPk.MulVec(c.K[t].T(), &Pk)
		S := mat.NewSymDense(n+m, nil)
		v := mat.NewVecDense(n+m, nil)
		for i := 0; i < n; i++ {
			for j := i; j < n; j++ {
				S.SetSym(i, j, 0.5*(KtPK.At(i, j)+KtPK.At(j, i)))
			}
			for j := 0; j < m; j++ {
				S.SetSym(i, n+j, -PK.At(j, i))
			}
			v.SetVec(i, KtPk.AtVec(i))
		}
		for i := 0; i < m; i++ {
			for j := i; j < m; j++ {
				S.SetSym(n+i, n+j, P.At(i, j))
			}
			v.SetVec(n+i, -Pk.AtVec(i))
		}
		M[t], V[t] = S, v
	}
	return M, V, nil
}
