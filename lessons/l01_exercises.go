package lessons

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/rlcontrol/rlcontrol/rl/lqr"
	"gonum.org/v1/gonum/mat"
)

// BackwardPassCux is the signature of lesson 01's exercise 1: the written-out
// LQR backward pass with a cross term ½·2uᵀCux x in the stage cost.
type BackwardPassCux func(A, B, Cxx, Cuu, Cux *mat.Dense, cx, cu *mat.VecDense, VT *mat.Dense, vT *mat.VecDense, T int) ([]*mat.Dense, []*mat.VecDense)

// CheckBackwardPassCux runs fn on section 3's double integrator with a
// cross term Cux = [0.05 0.02] and compares its gains with rl/lqr's. It
// returns nil when every K_t and k_t agrees to 1e-8, else an error saying
// how far off they are (a panic in fn is reported as an error).
func CheckBackwardPassCux(fn BackwardPassCux) (err error) {
	if err := given(fn); err != nil {
		return err
	}
	defer recovered(&err)
	o, err := doubleIntegrator()
	if err != nil {
		return err
	}
	Cux := mat.NewDense(1, 2, []float64{0.05, 0.02})
	p := &lqr.Problem{Final: o.Problem.Final}
	for _, s := range o.Problem.Steps {
		s.Cux = Cux
		p.Steps = append(p.Steps, s)
	}
	sol, err := lqr.Solve(p)
	if err != nil {
		return err
	}
	K, k := fn(o.A, o.B, o.Q, o.R, Cux, o.Cx, o.Cu, o.Qf, o.CxT, o.T)
	d, err := gainDifference(K, k, sol)
	if err != nil {
		return err
	}
	if d > 1e-8 {
		hint := ""
		if d0, err := o.GainDifference(K, k); err == nil && d0 < 1e-8 {
			hint = " (your gains are those without the cross term: add Cux to Q_ux)"
		}
		return fmt.Errorf("the gains differ from rl/lqr's by up to %.3g%s", d, hint)
	}
	return nil
}

// ExpectedChange is the signature of lesson 01's exercise 2: the change of
// cost ΔJ(α) that the quadratic model predicts for the step α·k_t, from the
// feedforward terms k_t and the Q-function's Q_u,t and Q_uu,t.
type ExpectedChange func(alpha float64, k, Qu []*mat.VecDense, Quu []*mat.Dense) float64

// expectedChange is the reference: α Σ kᵀQu + α²/2 Σ kᵀQuu k.
func expectedChange(alpha float64, k, Qu []*mat.VecDense, Quu []*mat.Dense) float64 {
	s1, s2 := 0.0, 0.0
	for t := range k {
		s1 += mat.Dot(k[t], Qu[t])
		s2 += mat.Inner(k[t], Quu[t], k[t])
	}
	return alpha*s1 + alpha*alpha/2*s2
}

// CheckExpectedChange compares fn with α·DV1 + α²·DV2 of rl/lqr's backward
// pass on section 3's double integrator (where Q_u,t = −Q_uu,t k_t), and
// with the formula on random two-action data, for several α. It returns
// nil when all agree to 1e-9 relative.
func CheckExpectedChange(fn ExpectedChange) (err error) {
	if err := given(fn); err != nil {
		return err
	}
	defer recovered(&err)
	o, err := doubleIntegrator()
	if err != nil {
		return err
	}
	sol := o.Solution
	Qu := make([]*mat.VecDense, len(sol.Kff))
	for t := range Qu {
		Qu[t] = new(mat.VecDense)
		Qu[t].MulVec(sol.Quu[t], sol.Kff[t])
		Qu[t].ScaleVec(-1, Qu[t])
	}
	near := func(got, want float64) bool { return math.Abs(got-want) <= 1e-9*math.Max(1, math.Abs(want)) }
	for _, a := range []float64{1, 0.5, 0.1} {
		want := a*sol.DV1 + a*a*sol.DV2
		if got := fn(a, sol.Kff, Qu, sol.Quu); !near(got, want) {
			return fmt.Errorf("on the double integrator with α = %g: got ΔJ = %.6g, rl/lqr predicts α·DV1 + α²·DV2 = %.6g", a, got, want)
		}
	}
	rng := rand.New(rand.NewPCG(1, 2))
	k, Qu2, Quu := make([]*mat.VecDense, 5), make([]*mat.VecDense, 5), make([]*mat.Dense, 5)
	for t := range k {
		k[t] = mat.NewVecDense(2, []float64{rng.NormFloat64(), rng.NormFloat64()})
		Qu2[t] = mat.NewVecDense(2, []float64{rng.NormFloat64(), rng.NormFloat64()})
		a, b := 1+rng.Float64(), 0.3*rng.NormFloat64()
		Quu[t] = mat.NewDense(2, 2, []float64{a, b, b, 2 + rng.Float64()})
	}
	for _, a := range []float64{1, 0.25} {
		want := expectedChange(a, k, Qu2, Quu)
		if got := fn(a, k, Qu2, Quu); !near(got, want) {
			return fmt.Errorf("on random data with two actions and α = %g: got ΔJ = %.6g, want %.6g", a, got, want)
		}
	}
	return nil
}

// doubleIntegrator is section 3's LQR problem and solution, which the
// exercise checkers grade against.
func doubleIntegrator() (*LQROutcome, error) {
	out, err := DoubleIntegratorLQR{}.Run()
	if err != nil {
		return nil, err
	}
	return out.(*LQROutcome), nil
}
