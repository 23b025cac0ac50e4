package constrained

import "fmt"

// Status says why an iterative solver stopped, in a form callers can branch
// on (as gonum's optimize.Status). It is shared by this package's dual
// searches, trajopt's KL-constrained update and ilqr.
type Status int

const (
	// NotTerminated: the solver has not stopped (the zero value).
	NotTerminated Status = iota
	// Converged: the stopping tolerance was met (|KL − ε| ≤ Tol·ε, a
	// residual below Tol, a relative cost improvement below TolFun).
	Converged
	// SmallGradient: the step the solver would take is below its tolerance
	// (iLQR's feedforward terms below TolGrad).
	SmallGradient
	// ConstraintSlack: the constraint holds even with the multiplier at its
	// lower bound (η = EtaMin and KL < ε): by complementary slackness the
	// solution is the unconstrained one.
	ConstraintSlack
	// IterationLimit: MaxIter evaluations or iterations ran out.
	IterationLimit
	// BracketExhausted: even the largest multiplier allowed leaves the
	// constraint violated.
	BracketExhausted
	// BracketCollapsed: the bracket around the root shrank to nothing
	// without meeting the tolerance (the constraint jumps over the bound).
	BracketCollapsed
	// RegularizationLimit: iLQR's regularisation μ passed MuMax (Q̃uu not
	// positive definite, or no step size improved the cost).
	RegularizationLimit
)

// Success reports whether s is a successful stop: Converged, SmallGradient
// or ConstraintSlack.
func (s Status) Success() bool {
	return s == Converged || s == SmallGradient || s == ConstraintSlack
}

// String describes the status in words, for progress lines and notebooks.
func (s Status) String() string {
	switch s {
	case NotTerminated:
		return "not terminated"
	case Converged:
		return "converged (tolerance met)"
	case SmallGradient:
		return "converged (step below tolerance)"
	case ConstraintSlack:
		return "constraint slack at the smallest multiplier"
	case IterationLimit:
		return "iteration limit reached"
	case BracketExhausted:
		return "bracket exhausted at the largest multiplier"
	case BracketCollapsed:
		return "bracket collapsed without meeting the tolerance"
	case RegularizationLimit:
		return "regularisation limit reached"
	}
	return fmt.Sprintf("Status(%d)", int(s))
}
