package lqr

import (
	"errors"
	"fmt"
	"math"

	"github.com/rlcontrol/rlcontrol/rl/internal/config"
	"github.com/rlcontrol/rlcontrol/rl/internal/limits"
	"github.com/rlcontrol/rlcontrol/rl/internal/small"
	"gonum.org/v1/gonum/mat"
)

// Options tune the backward pass. The zero value is plain, exact LQR.
type Options struct {
	// Mu is the Levenberg–Marquardt regularisation of Tassa, Erez & Todorov
	// (2012, eq. 10): the gains are computed from
	//   Q̃uu = Cuu + Bᵀ(V + μI)B,  Q̃ux = Cux + Bᵀ(V + μI)A,
	// which keeps the new trajectory close to the old one as μ grows. The
	// value function itself is updated with the unregularised Q (default
	// 0: none; ≥ 0).
	Mu float64
	// Lower and Upper, if non-nil, are per-step bounds lo_t ≤ u_t ≤ hi_t
	// (length T each, entries of length m, ±Inf allowed). k_t then solves
	// the box-constrained QP min ½kᵀQ̃uu k + Quᵀk, and the rows of K_t for
	// clamped actions are zero (Tassa, Mansard & Todorov 2014).
	Lower, Upper []*mat.VecDense
}

// WithDefaults returns o unchanged (its zero value is plain, exact LQR), or
// an error naming an invalid Mu. Lower and Upper are checked against the
// problem by Backward.
func (o Options) WithDefaults() (Options, error) {
	if !config.NonNegative(o.Mu) {
		return o, fmt.Errorf("lqr: Options.Mu = %v, want a finite value ≥ 0", o.Mu)
	}
	return o, nil
}

// NotPDError reports that Q̃uu was not positive definite at step T; iLQR
// answers it by raising the regularisation μ.
type NotPDError struct {
	T int // the time step whose Q̃uu failed
}

// Error names the failing time step.
func (e *NotPDError) Error() string {
	return fmt.Sprintf("lqr: Quu is not positive definite at t = %d", e.T)
}

// IsNotPD reports whether err is (or wraps) a *NotPDError.
func IsNotPD(err error) bool {
	var e *NotPDError
	return errors.As(err, &e)
}

// Solution is the result of a backward pass: the controller u_t = K_t x_t + k_t
// (in the problem's coordinates), the value functions, and the expected
// change of cost used by line searches.
type Solution struct {
	K   []*mat.Dense    // T gains, m×n
	Kff []*mat.VecDense // T feedforward terms k_t, m
	// Quu holds the T regularised Hessians Q̃uu used for the gains. Its inverse
	// is the maximum-entropy controller covariance of later lessons.
	Quu []*mat.Dense
	V   []*mat.Dense    // T+1 value Hessians
	Vx  []*mat.VecDense // T+1 value gradients
	V0  []float64       // T+1 value constants: V_t(x) = ½xᵀV_t x + Vx_tᵀx + V0_t
	// DV1 = Σ kᵀQu and DV2 = Σ ½kᵀQuu k: scaling every k_t by α changes the
	// cost of the linearised problem by α·DV1 + α²·DV2 (Tassa 2012, eq. 13).
	DV1, DV2 float64
}

// Solver runs backward passes for problems of one size (n, m, T) without
// allocating. Create it with NewSolver; it is not safe for concurrent use.
type Solver struct {
	n, m, T int
	steps   []raw
	fin     raw
	zero    []float64
	sol     Solution
	// per-step scratch
	vpa, Qx, Qu, Qxx, Quu, QuuR, Qux, QuxR, VA, VB, L, col []float64
	KtQuu, tmpNN                                           []float64
	box                                                    boxQP
}

// NewSolver allocates a solver for state dimension n, action dimension m and
// horizon T. It returns an error, before allocating, unless n, m, T ≥ 1
// and n·m·T, n·n·(T+1) and m·m·T are each at most limits.MaxElements (2^27
// numbers, 1 GiB).
func NewSolver(n, m, T int) (*Solver, error) {
	const fn = "lqr: NewSolver"
	if err := firstErr(limits.Check(fn, "n × m × T", n, m, T), limits.Check(fn, "n × n × (T+1)", n, n, T+1),
		limits.Check(fn, "m × m × T", m, m, T)); err != nil {
		return nil, err
	}
	s := &Solver{n: n, m: m, T: T, steps: make([]raw, T), zero: make([]float64, max(n, m*n))}
	buf := func(k int) []float64 { return make([]float64, k) }
	s.vpa, s.Qx, s.Qu = buf(n), buf(n), buf(m)
	s.Qxx, s.Quu, s.QuuR, s.Qux, s.QuxR = buf(n*n), buf(m*m), buf(m*m), buf(m*n), buf(m*n)
	s.VA, s.VB, s.L, s.col = buf(n*n), buf(n*m), buf(m*m), buf(max(n, m))
	s.KtQuu, s.tmpNN = buf(n*m), buf(n*n)
	s.box = newBoxQP(m)
	sol := &s.sol
	for t := 0; t < T; t++ {
		sol.K = append(sol.K, mat.NewDense(m, n, nil))
		sol.Kff = append(sol.Kff, mat.NewVecDense(m, nil))
		sol.Quu = append(sol.Quu, mat.NewDense(m, m, nil))
	}
	for t := 0; t <= T; t++ {
		sol.V = append(sol.V, mat.NewDense(n, n, nil))
		sol.Vx = append(sol.Vx, mat.NewVecDense(n, nil))
	}
	sol.V0 = make([]float64, T+1)
	return s, nil
}

// Solve is the one-call form: it allocates a solver, runs the backward pass
// with default options and returns a solution the caller owns. Its errors
// are NewSolver's and Backward's.
func Solve(p *Problem) (*Solution, error) {
	if p == nil {
		return nil, fmt.Errorf("lqr: Solve: nil Problem")
	}
	n, m, T := p.Dims()
	if T == 0 || n == 0 {
		return nil, fmt.Errorf("lqr: problem has T = %d steps and n = %d states: nothing to solve", T, n)
	}
	s, err := NewSolver(n, m, T)
	if err != nil {
		return nil, err
	}
	return s.Backward(p, Options{})
}

// Backward runs the backward pass on p and returns the solver's Solution,
// which is overwritten by the next call (copy what must outlive it). The
// boxed QP of step t is warm-started from the previous call's k_t.
//
// It returns an error naming the bad field and value for a nil or
// inconsistent problem or bounds (a lower bound of +Inf or an upper one of
// −Inf included), a *NotPDError when Q̃uu is not positive definite, and an
// error naming the step when the gains or the value function overflow (a
// badly scaled problem): a returned Solution is finite. It allocates
// nothing.
func (s *Solver) Backward(p *Problem, opt Options) (*Solution, error) {
	switch {
	case s == nil:
		return nil, fmt.Errorf("lqr: Backward: nil Solver (make one with NewSolver)")
	case s.steps == nil:
		return nil, fmt.Errorf("lqr: Backward: the Solver was not made by NewSolver")
	case p == nil:
		return nil, fmt.Errorf("lqr: Backward: nil Problem")
	}
	n, m, T := p.Dims()
	if n != s.n || m != s.m || T != s.T {
		return nil, fmt.Errorf("lqr: problem has n=%d, m=%d, T=%d but the solver was made for n=%d, m=%d, T=%d",
			n, m, T, s.n, s.m, s.T)
	}
	opt, err := opt.WithDefaults()
	if err != nil {
		return nil, err
	}
	boxed := opt.Lower != nil || opt.Upper != nil
	if boxed && (len(opt.Lower) != T || len(opt.Upper) != T) {
		return nil, fmt.Errorf("lqr: Lower and Upper have %d and %d entries, want T = %d each", len(opt.Lower), len(opt.Upper), T)
	}
	if err := p.flatten(s.steps, &s.fin, s.zero); err != nil {
		return nil, err
	}
	sol := &s.sol
	sol.DV1, sol.DV2 = 0, 0
	// V_T from the final cost.
	copy(raw64(sol.V[T]), s.fin.Cxx)
	copy(vraw(sol.Vx[T]), s.fin.cx)
	sol.V0[T] = s.fin.c0
	for t := T - 1; t >= 0; t-- {
		var lo, hi []float64
		if boxed {
			var err error
			if lo, err = boundVec("Lower", t, opt.Lower[t], m, math.Inf(1)); err != nil {
				return nil, err
			}
			if hi, err = boundVec("Upper", t, opt.Upper[t], m, math.Inf(-1)); err != nil {
				return nil, err
			}
			for i := range lo {
				if lo[i] > hi[i] {
					return nil, fmt.Errorf("lqr: empty box at t = %d: Lower[%d][%d] = %v > Upper = %v", t, t, i, lo[i], hi[i])
				}
			}
		}
		if err := s.step(t, opt.Mu, lo, hi); err != nil {
			return nil, err
		}
		if err := s.overflow(t); err != nil {
			return nil, err
		}
	}
	if d := sol.DV1 + sol.DV2; math.IsNaN(d) || math.IsInf(d, 0) {
		return nil, fmt.Errorf("lqr: Backward: the expected cost change DV1 = %v, DV2 = %v overflows (the problem is too badly scaled)", sol.DV1, sol.DV2)
	}
	return sol, nil
}

// overflow returns an error naming the first non-finite entry of step t's
// gains, regularised Hessian or value function, or nil.
func (s *Solver) overflow(t int) error {
	sol := &s.sol
	name, i, v := firstBad(field{"K", raw64(sol.K[t])}, field{"Kff", vraw(sol.Kff[t])}, field{"Quu", raw64(sol.Quu[t])},
		field{"V", raw64(sol.V[t])}, field{"Vx", vraw(sol.Vx[t])}, field{"V0", sol.V0[t : t+1]})
	if name == "" {
		return nil
	}
	return fmt.Errorf("lqr: Backward: the solution overflows at t = %d: %s[%d] entry %d = %v (the problem is too badly scaled)", t, name, t, i, v)
}

// boundVec returns the data of bound what[t] after checking its length and
// that no entry is NaN or the infinity bad (+Inf for a lower bound, −Inf
// for an upper one).
func boundVec(what string, t int, v *mat.VecDense, m int, bad float64) ([]float64, error) {
	if v == nil {
		return nil, fmt.Errorf("lqr: %s[%d] is nil", what, t)
	}
	if v.Len() != m {
		return nil, fmt.Errorf("lqr: %s[%d] has length %d, want %d", what, t, v.Len(), m)
	}
	d := vraw(v)
	for i, x := range d {
		if math.IsNaN(x) || x == bad {
			return nil, fmt.Errorf("lqr: %s[%d][%d] = %v is not a bound (NaN, a lower bound of +Inf or an upper bound of −Inf)", what, t, i, x)
		}
	}
	return d, nil
}

func raw64(d *mat.Dense) []float64   { return d.RawMatrix().Data }
func vraw(v *mat.VecDense) []float64 { return v.RawVector().Data }

// step computes the gains of step t from V_{t+1} and writes V_t.
func (s *Solver) step(t int, mu float64, lo, hi []float64) error {
	n, m := s.n, s.m
	r := &s.steps[t]
	sol := &s.sol
	V, v := raw64(sol.V[t+1]), vraw(sol.Vx[t+1])
	// vpa = v + V a
	small.MulVec(s.vpa, V, r.a, n, n)
	for i := range s.vpa {
		s.vpa[i] += v[i]
	}
	// Qx = cx + Aᵀ vpa, Qu = cu + Bᵀ vpa
	small.MulTVec(s.Qx, r.A, s.vpa, n, n)
	small.MulTVec(s.Qu, r.B, s.vpa, n, m)
	for i := range s.Qx {
		s.Qx[i] += r.cx[i]
	}
	for i := range s.Qu {
		s.Qu[i] += r.cu[i]
	}
	// Unregularised second-order terms.
	small.Mul(s.VA, V, r.A, n, n, n)
	small.Mul(s.VB, V, r.B, n, n, m)
	small.MulTA(s.Qxx, r.A, s.VA, n, n, n)
	small.MulTA(s.Quu, r.B, s.VB, n, m, m)
	small.MulTA(s.Qux, r.B, s.VA, n, m, n)
	for i := range s.Qxx {
		s.Qxx[i] += r.Cxx[i]
	}
	for i := range s.Quu {
		s.Quu[i] += r.Cuu[i]
	}
	for i := range s.Qux {
		s.Qux[i] += r.Cux[i]
	}
	small.Symmetrize(s.Qxx, n)
	small.Symmetrize(s.Quu, m)
	// Regularised: add μ BᵀB and μ BᵀA.
	copy(s.QuuR, s.Quu)
	copy(s.QuxR, s.Qux)
	if mu > 0 {
		for i := 0; i < m; i++ {
			for j := 0; j < m; j++ {
				acc := 0.0
				for l := 0; l < n; l++ {
					acc += r.B[l*m+i] * r.B[l*m+j]
				}
				s.QuuR[i*m+j] += mu * acc
			}
			for j := 0; j < n; j++ {
				acc := 0.0
				for l := 0; l < n; l++ {
					acc += r.B[l*m+i] * r.A[l*n+j]
				}
				s.QuxR[i*n+j] += mu * acc
			}
		}
	}
	copy(raw64(sol.Quu[t]), s.QuuR)
	K, k := raw64(sol.K[t]), vraw(sol.Kff[t])
	if lo == nil {
		if !small.Cholesky(s.L, s.QuuR, m) {
			return &NotPDError{T: t}
		}
		for i := range k {
			k[i] = -s.Qu[i]
		}
		small.CholSolveVec(s.L, k, m)
		for i := range K {
			K[i] = -s.QuxR[i]
		}
		small.CholSolve(s.L, K, s.col, m, n)
	} else {
		if !s.box.solve(k, s.QuuR, s.Qu, lo, hi) {
			return &NotPDError{T: t}
		}
		s.box.gains(K, s.QuxR, n)
	}
	// Value update with the unregularised Q (Tassa 2012, eq. 11).
	Vt, vt := raw64(sol.V[t]), vraw(sol.Vx[t])
	small.MulTA(s.KtQuu, K, s.Quu, m, n, m) // Kᵀ Quu, n×m
	small.Mul(Vt, s.KtQuu, K, n, m, n)      // Kᵀ Quu K
	small.MulTA(s.tmpNN, K, s.Qux, m, n, n) // Kᵀ Qux
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			Vt[i*n+j] += s.Qxx[i*n+j] + s.tmpNN[i*n+j] + s.tmpNN[j*n+i]
		}
	}
	small.Symmetrize(Vt, n)
	small.MulVec(vt, s.KtQuu, k, n, m) // Kᵀ Quu k
	for i := 0; i < n; i++ {
		acc := s.Qx[i]
		for j := 0; j < m; j++ {
			acc += K[j*n+i]*s.Qu[j] + s.Qux[j*n+i]*k[j]
		}
		vt[i] += acc
	}
	kQu := small.Dot(k, s.Qu)
	kQuuk := 0.5 * small.Quad(k, s.Quu, k, m, m)
	sol.DV1 += kQu
	sol.DV2 += kQuuk
	sol.V0[t] = sol.V0[t+1] + r.c0 + small.Dot(v, r.a) + 0.5*small.Quad(r.a, V, r.a, n, n) + kQu + kQuuk
	return nil
}
