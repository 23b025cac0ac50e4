package constrained

import (
	"errors"
	"fmt"
	"math"

	"github.com/rlcontrol/rlcontrol/rl/internal/config"
)

// The scalar-dual helpers solve the lecture's KL-constrained step
//
//	min E[c(τ)]   s.t.   KL(p(τ) ‖ p̄(τ)) ≤ ε
//
// through its one multiplier η ≥ 0: the caller's closure runs the x-step
// for a given η (for trajectory optimisation: the LQR backward pass on
// c/η − log p̄ and a forward pass) and returns the constraint value KL(η).
// The dual derivative is KL(η) − ε, and KL(η) decreases as η grows (a
// larger η keeps p closer to p̄). Both helpers stop when
// |KL(η) − ε| ≤ Tol·ε. They know nothing of LQR.

// Constraint1D runs the x-step at the multiplier η asked for and returns
// the η it actually used and the constraint value there. used equals eta
// unless the x-step had to raise it: LQR on c/η − log p̄ has no minimum
// when Q̃uu is not positive definite, and guided policy search then raises
// η until it is. The searches continue from the η actually used, never from
// the one asked for, so what they report is what was evaluated.
type Constraint1D func(eta float64) (used, value float64, err error)

// Plain1D wraps a constraint that never changes η into a Constraint1D.
func Plain1D(f func(eta float64) (float64, error)) Constraint1D {
	if f == nil {
		return nil
	}
	return func(eta float64) (float64, float64, error) {
		v, err := f(eta)
		return eta, v, err
	}
}

// Step1D is one evaluation of the constraint in DualAscent1D or Bracket1D.
type Step1D struct {
	Iter  int     // 1-based
	Asked float64 // η asked for
	Eta   float64 // η evaluated (≥ Asked; see Constraint1D)
	Value float64 // constraintAt(η), e.g. KL(η)
	Gap   float64 // Value − ε, the dual derivative dD/dη
	// Lo and Hi are the bracket after this evaluation: Bracket1D's
	// [largest η with Value > ε, smallest η with Value < ε] so far (EtaMin
	// and EtaMax until a side is found); DualAscent1D leaves them 0.
	Lo, Hi float64
	Phase  string // "ascent", "expand" (bracket not found yet) or "bisect"
}

// Result1D is the outcome of DualAscent1D or Bracket1D.
type Result1D struct {
	Eta   float64 // the last η evaluated (as used by the x-step)
	Value float64 // the constraint value at Eta
	// Status says why the search stopped: Converged (|Value − ε| ≤ Tol·ε),
	// ConstraintSlack (η = EtaMin and Value < ε: the constraint is slack even
	// with the weakest allowed η, so η ≈ 0 satisfies the KKT conditions by
	// complementary slackness and the step is as long as it wants to be),
	// IterationLimit, BracketExhausted or BracketCollapsed.
	Status Status
	// Converged is Status.Success(): Converged or ConstraintSlack.
	Converged bool
	History   []Step1D
}

// ErrBracketExhausted is wrapped by Bracket1D's error when even η = EtaMax
// leaves the constraint above ε.
var ErrBracketExhausted = errors.New("eta bracket exhausted")

// AscentConfig holds the settings of DualAscent1D. The zero value of every
// field selects the default given in its comment.
type AscentConfig struct {
	// Alpha is the step size α > 0 of η ← η + α(KL(η) − ε) (default 1).
	// Its scale is η's over KL's: the iteration converges when
	// α < 2/|dKL/dη| at the root and is fastest at α ≈ 1/|dKL/dη|.
	Alpha float64
	// EtaMin > 0 is the floor of the projection η ← max(·, EtaMin) (default
	// 1e-8, as in GPS's trajectory optimiser).
	EtaMin float64
	// MaxIter caps the evaluations (default 500); running out is not an
	// error (Result1D.Converged is false).
	MaxIter int
	// Tol stops when |KL − ε| ≤ Tol·ε (default 0.1, GPS's choice).
	Tol float64
	// Progress, if set, is called after every evaluation.
	Progress func(Step1D)
}

// BracketConfig holds the settings of Bracket1D. The zero value of every
// field selects the default given in its comment.
type BracketConfig struct {
	// EtaMin > 0 and EtaMax > EtaMin bound the search (defaults 1e-8 and
	// 1e16, GPS's bounds).
	EtaMin, EtaMax float64
	// Expand > 1 is the geometric factor by which η grows or shrinks until
	// the root is bracketed (default 10).
	Expand float64
	// MaxIter caps the evaluations (default 100: enough to expand across
	// the default 24 decades and then bisect them in log space to a
	// relative width of 1e-12).
	MaxIter int
	// Tol stops when |KL − ε| ≤ Tol·ε (default 0.1).
	Tol float64
	// Progress, if set, is called after every evaluation.
	Progress func(Step1D)
}

// WithDefaults returns c with its zero fields set to the defaults in their
// comments, or an error naming the first invalid field and its value.
func (c AscentConfig) WithDefaults() (AscentConfig, error) {
	config.Or(&c.Alpha, 1)
	config.Or(&c.EtaMin, 1e-8)
	config.Or(&c.MaxIter, 500)
	config.Or(&c.Tol, 0.1)
	const fn = "constrained: AscentConfig"
	switch {
	case !config.Positive(c.Alpha):
		return c, fmt.Errorf("%s.Alpha = %v, want > 0 and finite", fn, c.Alpha)
	case !config.Positive(c.EtaMin):
		return c, fmt.Errorf("%s.EtaMin = %v, want > 0 and finite", fn, c.EtaMin)
	case c.MaxIter < 0:
		return c, fmt.Errorf("%s.MaxIter = %d, want > 0", fn, c.MaxIter)
	case !config.Positive(c.Tol):
		return c, fmt.Errorf("%s.Tol = %v, want > 0 and finite", fn, c.Tol)
	}
	return c, nil
}

// WithDefaults returns c with its zero fields set to the defaults in their
// comments, or an error naming the first invalid field and its value.
func (c BracketConfig) WithDefaults() (BracketConfig, error) {
	config.Or(&c.EtaMin, 1e-8)
	config.Or(&c.EtaMax, 1e16)
	config.Or(&c.Expand, 10)
	config.Or(&c.MaxIter, 100)
	config.Or(&c.Tol, 0.1)
	const fn = "constrained: BracketConfig"
	switch {
	case !config.Positive(c.EtaMin):
		return c, fmt.Errorf("%s.EtaMin = %v, want > 0 and finite", fn, c.EtaMin)
	case !(c.EtaMax > c.EtaMin) || math.IsInf(c.EtaMax, 1):
		return c, fmt.Errorf("%s.EtaMax = %v, want finite and > EtaMin = %v", fn, c.EtaMax, c.EtaMin)
	case !(c.Expand > 1) || math.IsInf(c.Expand, 1):
		return c, fmt.Errorf("%s.Expand = %v, want > 1 and finite", fn, c.Expand)
	case c.MaxIter < 0:
		return c, fmt.Errorf("%s.MaxIter = %d, want > 0", fn, c.MaxIter)
	case !config.Positive(c.Tol):
		return c, fmt.Errorf("%s.Tol = %v, want > 0 and finite", fn, c.Tol)
	}
	return c, nil
}

func check1D(name string, f Constraint1D, eta0, epsilon float64) error {
	if f == nil {
		return fmt.Errorf("constrained: %s: nil constraint function", name)
	}
	if !(epsilon > 0) || math.IsInf(epsilon, 0) {
		return fmt.Errorf("constrained: %s: epsilon = %v, want > 0 and finite", name, epsilon)
	}
	if !(eta0 >= 0) || math.IsInf(eta0, 0) {
		return fmt.Errorf("constrained: %s: eta0 = %v, want ≥ 0 and finite", name, eta0)
	}
	return nil
}

func eval1D(name string, f Constraint1D, eta float64, k int) (used, v float64, err error) {
	used, v, err = f(eta)
	if err != nil {
		return used, v, fmt.Errorf("constrained: %s evaluation %d at η = %g: %w", name, k, eta, err)
	}
	if math.IsNaN(used) || math.IsInf(used, 0) || used < eta {
		return used, v, fmt.Errorf("constrained: %s evaluation %d: asked for η = %g, the x-step used η = %v (want finite and ≥ the η asked for)", name, k, eta, used)
	}
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return used, v, fmt.Errorf("constrained: %s evaluation %d: constraint value at η = %g is %v", name, k, used, v)
	}
	return used, v, nil
}

func (r *Result1D) stop(s Status) {
	r.Status, r.Converged = s, s.Success()
}

// DualAscent1D maximises the dual of min E[c] s.t. KL ≤ ε over η ≥ 0 by
// projected gradient steps,
//
//	η ← max(η + α (KL(η) − ε), EtaMin),
//
// starting from max(eta0, EtaMin), each step taken from the η the x-step
// actually used. constraintAt(η) runs the x-step at η and returns KL(η). It
// stops when |KL − ε| ≤ Tol·ε (Converged), or at η = EtaMin with KL < ε
// (ConstraintSlack); running out of MaxIter is IterationLimit, not an
// error. Errors from constraintAt are wrapped; a NaN or infinite KL is an
// error.
func DualAscent1D(constraintAt Constraint1D, eta0, epsilon float64, cfg AscentConfig) (Result1D, error) {
	const name = "DualAscent1D"
	if err := check1D(name, constraintAt, eta0, epsilon); err != nil {
		return Result1D{}, err
	}
	cfg, err := cfg.WithDefaults()
	if err != nil {
		return Result1D{}, err
	}
	eta := math.Max(eta0, cfg.EtaMin)
	res := Result1D{}
	for k := 1; k <= cfg.MaxIter; k++ {
		used, v, err := eval1D(name, constraintAt, eta, k)
		if err != nil {
			return res, err
		}
		st := Step1D{Iter: k, Asked: eta, Eta: used, Value: v, Gap: v - epsilon, Phase: "ascent"}
		res.History = append(res.History, st)
		res.Eta, res.Value = used, v
		if cfg.Progress != nil {
			cfg.Progress(st)
		}
		if math.Abs(st.Gap) <= cfg.Tol*epsilon {
			res.stop(Converged)
			return res, nil
		}
		if used <= cfg.EtaMin && st.Gap < 0 {
			res.stop(ConstraintSlack)
			return res, nil
		}
		eta = math.Max(used+cfg.Alpha*st.Gap, cfg.EtaMin)
		if math.IsInf(eta, 0) {
			return res, fmt.Errorf("constrained: %s: η overflowed after evaluation %d (KL = %g, α = %g)", name, k, v, cfg.Alpha)
		}
	}
	res.stop(IterationLimit)
	return res, nil
}

// Bracket1D finds η with |KL(η) − ε| ≤ Tol·ε for a KL(η) that decreases
// in η, without a step size:
//
//  1. expand: from η₀ (clamped to [EtaMin, EtaMax]) multiply η by Expand
//     while KL > ε, or divide while KL < ε, until both sides of the root
//     are seen;
//  2. bisect in log space: η ← √(lo·hi), replacing lo when KL > ε and hi
//     when KL < ε.
//
// Bisecting log η treats η = 1e-3 and η = 1e3 alike, which suits a
// multiplier whose useful range spans many decades.
//
// The bracket ends are the η values the x-step actually used (see
// Constraint1D), so a search whose x-step raises η still brackets the root.
//
// If KL(EtaMin) < ε the constraint is slack: Bracket1D returns η = EtaMin
// with Status ConstraintSlack. If KL(EtaMax) is still above ε the bracket is exhausted
// and the error, which wraps ErrBracketExhausted, reports the KL reached.
// Other errors: a bracket that collapses without meeting the tolerance
// (KL jumps over ε, so it is not continuous or not decreasing), MaxIter
// evaluations, an error or NaN from constraintAt. The returned Result1D
// holds the history even with an error.
func Bracket1D(constraintAt Constraint1D, eta0, epsilon float64, cfg BracketConfig) (Result1D, error) {
	const name = "Bracket1D"
	if err := check1D(name, constraintAt, eta0, epsilon); err != nil {
		return Result1D{}, err
	}
	cfg, err := cfg.WithDefaults()
	if err != nil {
		return Result1D{}, err
	}

	eta := math.Min(math.Max(eta0, cfg.EtaMin), cfg.EtaMax)
	lo, hi := cfg.EtaMin, cfg.EtaMax // bracket: KL(lo) > ε > KL(hi) once found
	var loVal, hiVal float64
	loFound, hiFound := false, false
	res := Result1D{}
	for k := 1; k <= cfg.MaxIter; k++ {
		used, v, err := eval1D(name, constraintAt, eta, k)
		if err != nil {
			return res, err
		}
		gap := v - epsilon
		phase := "bisect"
		if !(loFound && hiFound) {
			phase = "expand"
		}
		// The bracket moves to the η the x-step used: it is where v was
		// measured, whatever η was asked for.
		if gap > 0 {
			if !loFound || used > lo {
				lo, loVal = used, v
			}
			loFound = true
		} else {
			if !hiFound || used < hi {
				hi, hiVal = used, v
			}
			hiFound = true
		}
		st := Step1D{Iter: k, Asked: eta, Eta: used, Value: v, Gap: gap, Lo: lo, Hi: hi, Phase: phase}
		res.History = append(res.History, st)
		res.Eta, res.Value = used, v
		if cfg.Progress != nil {
			cfg.Progress(st)
		}
		switch {
		case math.Abs(gap) <= cfg.Tol*epsilon:
			res.stop(Converged)
			return res, nil
		case gap < 0 && used <= cfg.EtaMin:
			res.stop(ConstraintSlack)
			return res, nil
		case gap > 0 && used >= cfg.EtaMax:
			res.stop(BracketExhausted)
			return res, fmt.Errorf("constrained: %s: %w: KL reached %.6g at η = EtaMax = %g, still above ε = %g (+%.0f%% tolerance); raise EtaMax or ε",
				name, ErrBracketExhausted, v, used, epsilon, 100*cfg.Tol)
		}
		switch {
		case loFound && hiFound:
			if !(hi > lo) || hi/lo-1 < 1e-12 {
				res.stop(BracketCollapsed)
				return res, fmt.Errorf("constrained: %s: bracket collapsed at η ∈ [%g, %g] with KL(lo) = %.6g > ε = %g > KL(hi) = %.6g: KL(η) is not continuous and decreasing there",
					name, lo, hi, loVal, epsilon, hiVal)
			}
			eta = math.Sqrt(lo) * math.Sqrt(hi) // geometric mean, no overflow
		case loFound:
			eta = math.Min(lo*cfg.Expand, cfg.EtaMax)
		default:
			eta = math.Max(hi/cfg.Expand, cfg.EtaMin)
		}
	}
	res.stop(IterationLimit)
	return res, fmt.Errorf("constrained: %s: no η within tolerance after %d evaluations: last η = %g with KL = %.6g, ε = %g, bracket [%g, %g]",
		name, cfg.MaxIter, res.Eta, res.Value, epsilon, lo, hi)
}
