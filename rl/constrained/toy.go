package constrained

import (
	"errors"
	"fmt"
	"math"

	"github.com/rlcontrol/rlcontrol/rl/internal/config"
	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"
)

// Toy is a lesson problem with a closed-form answer:
//
//	min ½xᵀQx + cᵀx   (Q symmetric positive definite)
//
// subject to either the linear equality aᵀx = b (set A) or the ball
// constraint ‖x‖² ≤ R² (set R > 0), but not both.
type Toy struct {
	Q *mat.SymDense // n×n, positive definite
	C []float64     // linear term c, length n
	A []float64     // equality normal a (length n), or nil
	B float64       // equality right-hand side b
	R float64       // ball radius r > 0, or 0 for none
}

// EqualityToy returns min ½xᵀQx + cᵀx s.t. x₁ + x₂ = 2 with
// Q = [2 ½; ½ 1], c = (−1, −1). Its solution is x* = (0.5, 1.5) with
// λ* = −0.75 (the unconstrained minimum (2/7, 6/7) lies below the line).
func EqualityToy() *Toy {
	return &Toy{
		Q: mat.NewSymDense(2, []float64{2, 0.5, 0.5, 1}),
		C: []float64{-1, -1},
		A: []float64{1, 1},
		B: 2,
	}
}

// BallToy returns min ½xᵀQx + cᵀx s.t. ‖x‖² ≤ 1 with Q = [2 ½; ½ 1],
// c = (−2.2, −1.9). The unconstrained minimum (≈ (0.83, 1.49)) lies
// outside the unit disc; the solution is x* = (0.6, 0.8) with μ* = 0.5
// (c was chosen as −(Q + 2μ*I)x*).
func BallToy() *Toy {
	return &Toy{
		Q: mat.NewSymDense(2, []float64{2, 0.5, 0.5, 1}),
		C: []float64{-2.2, -1.9},
		R: 1,
	}
}

// validate checks the toy's fields (sizes, finiteness, Q positive
// definite, one constraint) and returns n.
func (t *Toy) validate() (int, error) {
	if t == nil || t.Q == nil {
		return 0, errors.New("constrained: Toy.Q is nil")
	}
	n := t.Q.SymmetricDim()
	if n < 1 {
		return 0, fmt.Errorf("constrained: Toy.Q is %d×%d, want n ≥ 1", n, n)
	}
	for i := 0; i < n; i++ {
		for j := i; j < n; j++ {
			if v := t.Q.At(i, j); !config.Finite(v) {
				return 0, fmt.Errorf("constrained: Toy.Q[%d,%d] = %v, want finite", i, j, v)
			}
		}
	}
	if len(t.C) != n {
		return 0, fmt.Errorf("constrained: len(Toy.C) = %d, want %d (Q is %d×%d)", len(t.C), n, n, n)
	}
	if err := checkVec("Toy.C", t.C, n, false); err != nil {
		return 0, err
	}
	if err := checkFinite("Toy.B", t.B); err != nil {
		return 0, err
	}
	var ch mat.Cholesky
	if !ch.Factorize(t.Q) {
		return 0, errors.New("constrained: Toy.Q is not positive definite")
	}
	switch {
	case t.A != nil && t.R != 0:
		return 0, errors.New("constrained: Toy has both A and R set; want one constraint")
	case t.A == nil && t.R == 0:
		return 0, errors.New("constrained: Toy has neither A nor R set")
	case t.A != nil && len(t.A) != n:
		return 0, fmt.Errorf("constrained: len(Toy.A) = %d, want %d", len(t.A), n)
	}
	if err := checkVec("Toy.A", t.A, n, false); err != nil {
		return 0, err
	}
	switch {
	case t.A != nil && floats.Norm(t.A, 2) == 0:
		return 0, errors.New("constrained: Toy.A is zero")
	case t.A == nil && (!(t.R > 0) || math.IsInf(t.R, 0)):
		return 0, fmt.Errorf("constrained: Toy.R = %v, want > 0 and finite", t.R)
	}
	return n, nil
}

// Problem returns the toy as a Problem (one equality or one inequality).
// With closedForm the Problem's ArgminLagrangian solves the x-step exactly,
//
//	equality: (Q + 2ρ aaᵀ) x = −c − λa + 2ρb a
//	ball:     (Q + 2μI) x = −c            (plain Lagrangian only)
//
// and the ball's augmented x-step falls back to the numerical minimiser.
// Without it every x-step is numerical.
func (t *Toy) Problem(closedForm bool) (*Problem, error) {
	n, err := t.validate()
	if err != nil {
		return nil, err
	}
	q := mat.NewSymDense(n, nil)
	q.CopySym(t.Q)
	c := append([]float64(nil), t.C...)
	p := &Problem{
		Dim: n,
		F: func(x []float64) float64 {
			xv := mat.NewVecDense(n, x)
			return 0.5*mat.Inner(xv, q, xv) + floats.Dot(c, x)
		},
		Grad: func(grad, x []float64) {
			g := mat.NewVecDense(n, grad)
			g.MulVec(q, mat.NewVecDense(n, x))
			floats.Add(grad, c)
		},
	}
	if t.A != nil {
		a, b := append([]float64(nil), t.A...), t.B
		p.NumEq = 1
		p.Eq = func(cv, x []float64) { cv[0] = floats.Dot(a, x) - b }
		p.EqJac = func(jac *mat.Dense, _ []float64) { jac.SetRow(0, a) }
		if closedForm {
			p.ArgminLagrangian = func(s XStep) ([]float64, error) {
				m := mat.NewSymDense(n, nil)
				m.CopySym(q)
				av := mat.NewVecDense(n, a)
				m.SymRankOne(m, 2*s.Rho, av)
				rhs := mat.NewVecDense(n, nil)
				for i := range rhs.RawVector().Data {
					rhs.SetVec(i, -c[i]-s.Lambda[0]*a[i]+2*s.Rho*b*a[i])
				}
				return solveSPD(m, rhs)
			}
		}
		return p, nil
	}
	r2 := t.R * t.R
	p.NumIneq = 1
	p.Ineq = func(g, x []float64) { g[0] = floats.Dot(x, x) - r2 }
	p.IneqJac = func(jac *mat.Dense, x []float64) {
		for i, v := range x {
			jac.Set(0, i, 2*v)
		}
	}
	if closedForm {
		p.ArgminLagrangian = func(s XStep) ([]float64, error) {
			if s.Rho != 0 {
				return nil, ErrNoClosedForm
			}
			m := mat.NewSymDense(n, nil)
			m.CopySym(q)
			for i := 0; i < n; i++ {
				m.SetSym(i, i, m.At(i, i)+2*s.Mu[0])
			}
			rhs := mat.NewVecDense(n, nil)
			rhs.ScaleVec(-1, mat.NewVecDense(n, c))
			return solveSPD(m, rhs)
		}
	}
	return p, nil
}

func solveSPD(m *mat.SymDense, rhs *mat.VecDense) ([]float64, error) {
	var ch mat.Cholesky
	if !ch.Factorize(m) {
		return nil, errors.New("constrained: x-step matrix is not positive definite")
	}
	var x mat.VecDense
	if err := ch.SolveVecTo(&x, rhs); err != nil {
		return nil, err
	}
	return x.RawVector().Data, nil
}

// Solution returns the toy's exact solution x* and its multiplier (λ* for
// the equality, μ* ≥ 0 for the ball), or an error for an invalid toy or a
// solution that overflows, from the KKT conditions
//
//	equality: [Q a; aᵀ 0] [x; λ] = [−c; b]
//	ball:     x = −(Q + 2μI)⁻¹c with μ = 0 if ‖Q⁻¹c‖ ≤ r, else the μ > 0
//	          with ‖x(μ)‖ = r (found to machine precision by bisection on
//	          the eigen-decomposed secular equation, ‖x(μ)‖ decreasing in μ).
func (t *Toy) Solution() (x []float64, multiplier float64, err error) {
	n, err := t.validate()
	if err != nil {
		return nil, 0, err
	}
	if t.A != nil {
		k := mat.NewDense(n+1, n+1, nil)
		rhs := mat.NewVecDense(n+1, nil)
		for i := 0; i < n; i++ {
			for j := 0; j < n; j++ {
				k.Set(i, j, t.Q.At(i, j))
			}
			k.Set(i, n, t.A[i])
			k.Set(n, i, t.A[i])
			rhs.SetVec(i, -t.C[i])
		}
		rhs.SetVec(n, t.B)
		var sol mat.VecDense
		if err := sol.SolveVec(k, rhs); err != nil {
			return nil, 0, fmt.Errorf("constrained: Toy KKT solve: %w", err)
		}
		s := sol.RawVector().Data
		return solution(append([]float64(nil), s[:n]...), s[n])
	}
	var eig mat.EigenSym
	if !eig.Factorize(t.Q, true) {
		return nil, 0, errors.New("constrained: Toy: eigendecomposition of Q failed")
	}
	lam := eig.Values(nil)
	var v mat.Dense
	eig.VectorsTo(&v)
	w := mat.NewVecDense(n, nil)
	w.MulVec(v.T(), mat.NewVecDense(n, t.C)) // w = Vᵀc
	norm := func(mu float64) float64 {
		var s float64
		for i, l := range lam {
			d := w.AtVec(i) / (l + 2*mu)
			s += d * d
		}
		return math.Sqrt(s)
	}
	mu := 0.0
	if norm(0) > t.R {
		// ‖x(μ)‖ ≤ ‖c‖/(2μ), so ‖x‖ ≤ r at μ = ‖c‖/(2r).
		lo, hi := 0.0, floats.Norm(t.C, 2)/(2*t.R)
		for i := 0; i < 200 && hi-lo > 1e-16*hi; i++ {
			mid := 0.5 * (lo + hi)
			if norm(mid) > t.R {
				lo = mid
			} else {
				hi = mid
			}
		}
		mu = 0.5 * (lo + hi)
	}
	y := mat.NewVecDense(n, nil)
	for i, l := range lam {
		y.SetVec(i, -w.AtVec(i)/(l+2*mu))
	}
	xs := mat.NewVecDense(n, nil)
	xs.MulVec(&v, y)
	return solution(xs.RawVector().Data, mu)
}

// solution returns x and the multiplier, or an error if either overflowed.
func solution(x []float64, multiplier float64) ([]float64, float64, error) {
	if !allFinite(x) || !config.Finite(multiplier) {
		return nil, 0, fmt.Errorf("constrained: Toy.Solution overflows: x = %v, multiplier = %v (Q is too badly conditioned for c)", x, multiplier)
	}
	return x, multiplier, nil
}
