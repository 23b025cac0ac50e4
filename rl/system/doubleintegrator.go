package system

import (
	"errors"
	"fmt"
)

// DoubleIntegrator is the linear system p̈ = a in Dim dimensions, the test
// bed on which LQR can be checked exactly. The state stacks positions then
// velocities, x = [p_1 … p_d, v_1 … v_d] (the same layout as PointMass), and
// the action is the acceleration u = [a_1 … a_d]. Holding a constant over a
// step of length Δt = TimeStep integrates exactly (zero-order hold):
//
//	p' = p + Δt v + Δt²/2 a,  v' = v + Δt a,
//
// so x' = A x + B u with, per axis, A = [[1, Δt], [0, 1]] and
// B = [[Δt²/2], [Δt]]; in the stacked layout
//
//	A = [[I, Δt I], [0, I]],  B = [[Δt²/2 I], [Δt I]].
//
// Matrices returns them. There is no numerical integrator and no
// approximation: Step is exactly A x + B u.
//
// Defaults (NewDoubleIntegrator): Dim = 1, TimeStep = 0.1 s, unbounded
// actions.
type DoubleIntegrator struct {
	// Dim is the number of axes d (≥ 1; default 1). The state has 2d entries
	// and the action d.
	Dim int
	// TimeStep is Δt in seconds (> 0; default 0.1).
	TimeStep float64
	// MaxAccel bounds |a_i| in m/s² (> 0; default +Inf, no limit, so that
	// unconstrained LQR is the exact optimum).
	MaxAccel float64
}

// maxIntegratorDim bounds Dim so that 2d × 2d matrices stay reasonable.
const maxIntegratorDim = 1 << 12

// NewDoubleIntegrator returns a one-dimensional double integrator with the
// defaults listed on DoubleIntegrator's fields.
func NewDoubleIntegrator() *DoubleIntegrator {
	d, _ := NewDoubleIntegratorDim(1)
	return d
}

// NewDoubleIntegratorDim returns a d-dimensional double integrator with the
// defaults listed on DoubleIntegrator's fields, or an error when d < 1 or
// d > 4096.
func NewDoubleIntegratorDim(d int) (*DoubleIntegrator, error) {
	if d < 1 || d > maxIntegratorDim {
		return nil, fmt.Errorf("double integrator: dimension %d, want 1 ≤ d ≤ %d", d, maxIntegratorDim)
	}
	return &DoubleIntegrator{
		Dim:      d,
		TimeStep: 0.1,
		MaxAccel: inf,
	}, nil
}

const doubleIntegratorName = "double integrator"

func (s *DoubleIntegrator) checkDynamics() error {
	if s == nil {
		return errors.New("double integrator: nil *DoubleIntegrator")
	}
	if s.Dim < 1 || s.Dim > maxIntegratorDim {
		return fmt.Errorf("double integrator: Dim = %d, want 1 ≤ Dim ≤ %d", s.Dim, maxIntegratorDim)
	}
	return timeStep(doubleIntegratorName, s.TimeStep)
}

// Validate checks every parameter field and returns an error naming the
// first bad one.
func (s *DoubleIntegrator) Validate() error {
	if err := s.checkDynamics(); err != nil {
		return err
	}
	return limit(doubleIntegratorName, "MaxAccel", s.MaxAccel)
}

// Name returns "double integrator".
func (s *DoubleIntegrator) Name() string { return doubleIntegratorName }

// StateDim returns 2·Dim.
func (s *DoubleIntegrator) StateDim() int { return 2 * s.Dim }

// ActionDim returns Dim.
func (s *DoubleIntegrator) ActionDim() int { return s.Dim }

// Dt returns TimeStep.
func (s *DoubleIntegrator) Dt() float64 { return s.TimeStep }

// ActionLimits returns [-MaxAccel, MaxAccel] on every axis, or nil when
// Dim is outside [1, 4096] (Validate names it).
func (s *DoubleIntegrator) ActionLimits() (lo, hi []float64) {
	if !s.validDim() {
		return nil, nil
	}
	return symmetricLimits(s.MaxAccel, s.Dim)
}

// validDim reports whether 1 ≤ Dim ≤ 4096, the dimensions the methods
// without an error result serve (they return nil for others).
func (s *DoubleIntegrator) validDim() bool { return s.Dim >= 1 && s.Dim <= maxIntegratorDim }

// StateNames returns "p (m)", "v (m/s)" for Dim = 1 and "p1 (m)", …,
// "v1 (m/s)", … otherwise; nil when Dim is outside [1, 4096].
func (s *DoubleIntegrator) StateNames() []string {
	if !s.validDim() {
		return nil
	}
	d := s.Dim
	if d == 1 {
		return []string{"p (m)", "v (m/s)"}
	}
	names := make([]string, 2*d)
	for i := 0; i < d; i++ {
		names[i] = fmt.Sprintf("p%d (m)", i+1)
		names[d+i] = fmt.Sprintf("v%d (m/s)", i+1)
	}
	return names
}

// ActionNames returns "a (m/s²)" for Dim = 1 and "a1 (m/s²)", … otherwise;
// nil when Dim is outside [1, 4096].
func (s *DoubleIntegrator) ActionNames() []string {
	if !s.validDim() {
		return nil
	}
	d := s.Dim
	if d == 1 {
		return []string{"a (m/s²)"}
	}
	names := make([]string, d)
	for i := range names {
		names[i] = fmt.Sprintf("a%d (m/s²)", i+1)
	}
	return names
}

// Step writes A x + B u into next. next may alias x.
func (s *DoubleIntegrator) Step(next, x, u []float64) error {
	if err := s.checkDynamics(); err != nil {
		return err
	}
	d := s.Dim
	if err := checkStepArgs(doubleIntegratorName, 2*d, d, next, x, u); err != nil {
		return err
	}
	dt := s.TimeStep
	for i := 0; i < d; i++ {
		p, v, a := x[i], x[d+i], u[i]
		next[i] = p + dt*v + dt*dt/2*a
		next[d+i] = v + dt*a
	}
	return checkResult(doubleIntegratorName, next)
}

// Jacobians writes the constant A (2d×2d) and B (2d×d); x and u are only
// checked. A TimeStep whose square overflows is an error.
func (s *DoubleIntegrator) Jacobians(A, B, x, u []float64) error {
	if err := s.checkDynamics(); err != nil {
		return err
	}
	d := s.Dim
	if err := checkJacArgs(doubleIntegratorName, 2*d, d, A, B, x, u); err != nil {
		return err
	}
	s.fill(A, B)
	return checkJacResult(doubleIntegratorName, A, B)
}

// fill writes A and B (checked sizes).
func (s *DoubleIntegrator) fill(A, B []float64) {
	d, n, dt := s.Dim, 2*s.Dim, s.TimeStep
	clear(A)
	clear(B)
	for i := 0; i < d; i++ {
		A[i*n+i] = 1
		A[i*n+d+i] = dt
		A[(d+i)*n+d+i] = 1
		B[i*d+i] = dt * dt / 2
		B[(d+i)*d+i] = dt
	}
}

// Matrices returns fresh row-major copies of the constant A (2d×2d) and B
// (2d×d) of x' = A x + B u, or an error for bad parameters (a TimeStep
// whose square overflows among them).
func (s *DoubleIntegrator) Matrices() (A, B []float64, err error) {
	if err := s.checkDynamics(); err != nil {
		return nil, nil, err
	}
	n := 2 * s.Dim
	A, B = make([]float64, n*n), make([]float64, n*s.Dim)
	s.fill(A, B)
	if err := checkJacResult(doubleIntegratorName, A, B); err != nil {
		return nil, nil, fmt.Errorf("%w (TimeStep = %v)", err, s.TimeStep)
	}
	return A, B, nil
}
