package trajopt

import (
	"fmt"
	"math"

	"github.com/rlcontrol/rlcontrol/rl/constrained"
	"github.com/rlcontrol/rlcontrol/rl/internal/config"
	"github.com/rlcontrol/rlcontrol/rl/lqr"
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
	// Tol: the search stops when |KL − ε| ≤ Tol·ε (default 0.1; in
	// (0, 1)), or when the KL is below ε at the smallest η (the cost alone
	// moves less than ε).
	// Both searches are package constrained's (Bracket1D, DualAscent1D).
	Tol float64
	// MaxIter caps the η iterations (default 50).
	MaxIter int
	// MinEta and MaxEta bound η (defaults 1e-8 and 1e16).
	MinEta, MaxEta float64
	// Eta0 is the first η tried (default 1; in [MinEta, MaxEta]); the
	// local-model loop passes the previous iteration's η.
	Eta0 float64
	// Progress, if set, is called after each η tried.
	Progress func(EtaStep)
}

// WithDefaults returns c with its zero fields set to the defaults in their
// comments, or an error naming the first invalid field and its value.
func (c KLConfig) WithDefaults() (KLConfig, error) {
	config.Or(&c.DualStep, 1)
	config.Or(&c.Tol, 0.1)
	config.Or(&c.MaxIter, 50)
	config.Or(&c.MinEta, 1e-8)
	config.Or(&c.MaxEta, 1e16)
	config.Or(&c.Eta0, 1)
	const fn = "trajopt: KLConfig"
	switch {
	case c.Method != Bracket && c.Method != DualGradient:
		return c, fmt.Errorf("%s.Method = %d, want Bracket or DualGradient", fn, int(c.Method))
	case !config.Positive(c.DualStep):
		return c, fmt.Errorf("%s.DualStep = %v, want > 0", fn, c.DualStep)
	case !(c.Tol > 0 && c.Tol < 1):
		return c, fmt.Errorf("%s.Tol = %v, want a value in (0, 1)", fn, c.Tol)
	case c.MaxIter < 0:
		return c, fmt.Errorf("%s.MaxIter = %d, want > 0", fn, c.MaxIter)
	case !config.Positive(c.MinEta):
		return c, fmt.Errorf("%s.MinEta = %v, want > 0", fn, c.MinEta)
	case !(c.MaxEta > c.MinEta) || math.IsInf(c.MaxEta, 1):
		return c, fmt.Errorf("%s.MaxEta = %v, want finite and > MinEta = %v", fn, c.MaxEta, c.MinEta)
	case !(c.Eta0 >= c.MinEta && c.Eta0 <= c.MaxEta):
		return c, fmt.Errorf("%s.Eta0 = %v, want a value in [MinEta, MaxEta] = [%v, %v]", fn, c.Eta0, c.MinEta, c.MaxEta)
	}
	return c, nil
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
	Eta        float64         // the dual variable reached (an η evaluated)
	KL         float64         // D_KL(p(τ) ‖ p̄(τ)) under the model, at Eta
	// ExpectedCost is E_p[J] under the model and the quadratic cost.
	ExpectedCost float64
	History      []EtaStep
	// Status says why the search stopped: constrained.Converged
	// (|KL − ε| ≤ Tol·ε), constrained.ConstraintSlack (KL < ε even at
	// MinEta: the cost alone moves p less than ε), or, for the dual
	// gradient method only, constrained.IterationLimit. The bracketing
	// search returns an error instead of an unconverged result.
	Status constrained.Status
	// Converged is Status.Success().
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
// with the maximum-entropy covariance Σ = Q̃uu⁻¹ (SolveAtEta); the KL of
// that solution falls as η grows (η → ∞ gives back p̄). The search over η
// follows cfg.Method. When Q̃uu is not positive definite at some η, η is
// raised by δ, 2δ, 4δ, … (δ = 1e-4) until it is, as guided policy search
// does, and the search continues from the η actually used. It returns an
// error for bad input, and when the search cannot meet the bound even at
// MaxEta (the error reports the KL reached), naming η when the solution,
// its KL or its expected cost overflows there (a result's KL and cost are
// finite). The result is the caller's; for repeated updates of one size
// an Updater allocates almost nothing.
func KLUpdate(prev *lqr.Controller, dyn *lqr.Dynamics, q *lqr.QuadraticCost, epsilon float64, cfg KLConfig) (*KLResult, error) {
	u, err := updaterFor(prev)
	if err != nil {
		return nil, err
	}
	r, err := u.Update(prev, dyn, q, epsilon, cfg)
	if err != nil {
		return nil, err
	}
	c := *r
	c.Controller, c.Dist = r.Controller.Clone(), r.Dist.Clone()
	c.History = append([]EtaStep(nil), r.History...)
	return &c, nil
}

// Update is KLUpdate on the updater's storage: the result, its controller,
// distribution and history are overwritten by the updater's next call. Its
// errors are KLUpdate's, and one for a nil Updater or one not made by
// NewUpdater.
func (u *Updater) Update(prev *lqr.Controller, dyn *lqr.Dynamics, q *lqr.QuadraticCost, epsilon float64, cfg KLConfig) (*KLResult, error) {
	if err := u.ready("Update"); err != nil {
		return nil, err
	}
	if !(epsilon > 0) || math.IsInf(epsilon, 0) {
		return nil, fmt.Errorf("trajopt: KL bound ε = %v, want > 0", epsilon)
	}
	cfg, err := cfg.WithDefaults()
	if err != nil {
		return nil, err
	}
	if err := u.load(prev, dyn, q); err != nil {
		return nil, err
	}
	res := &u.res
	*res = KLResult{Controller: u.ctrl, Dist: u.dist, History: res.History[:0]}
	u.cfg = cfg
	var r1 constrained.Result1D
	switch cfg.Method {
	case DualGradient:
		r1, err = constrained.DualAscent1D(u.klAt, cfg.Eta0, epsilon, constrained.AscentConfig{
			Alpha: cfg.DualStep, EtaMin: cfg.MinEta, MaxIter: cfg.MaxIter, Tol: cfg.Tol})
	default:
		r1, err = constrained.Bracket1D(u.klAt, cfg.Eta0, epsilon, constrained.BracketConfig{
			EtaMin: cfg.MinEta, EtaMax: cfg.MaxEta, MaxIter: cfg.MaxIter, Tol: cfg.Tol})
	}
	if err != nil {
		return nil, fmt.Errorf("trajopt: KL-constrained update (ε = %.4g): %w", epsilon, err)
	}
	// The searches stop right after an evaluation, so the stored controller
	// is the one at r1.Eta.
	if last := res.History[len(res.History)-1]; last.Eta != r1.Eta || last.NotPD {
		return nil, fmt.Errorf("trajopt: η search returned η = %g but last evaluated η = %g", r1.Eta, last.Eta)
	}
	ec := u.expectedCost()
	if err := checkResult(r1.Eta, r1.Value, ec); err != nil {
		return nil, err
	}
	res.Status, res.Converged = r1.Status, r1.Converged
	res.Eta, res.KL = r1.Eta, r1.Value
	res.ExpectedCost = ec
	return res, nil
}

// klAt runs the x-step of the dual for the search: LQR on c/η − log p̄, the
// maximum-entropy controller, its trajectory distribution and KL. When
// Q̃uu is not positive definite it raises η by δ, 2δ, 4δ, … (δ = 1e-4)
// until it is, and reports the η it used.
func (u *Updater) klAt(eta float64) (used, kl float64, err error) {
	res := &u.res
	req, del := eta, 1e-4
	for {
		kl, notPD, err := u.solve(eta)
		if err != nil {
			return eta, 0, err
		}
		st := EtaStep{Iter: len(res.History) + 1, Eta: eta, KL: kl}
		if notPD >= 0 {
			st.KL, st.NotPD = math.Inf(1), true
		}
		res.History = append(res.History, st)
		if u.cfg.Progress != nil {
			u.cfg.Progress(st)
		}
		if notPD < 0 {
			return eta, kl, checkResult(eta, kl, 0)
		}
		eta = req + del
		del *= 2
		if eta > u.cfg.MaxEta {
			return eta, 0, fmt.Errorf("Q̃uu is not positive definite even at η = %.3g (check that the dynamics and cost are well conditioned)", eta)
		}
	}
}
