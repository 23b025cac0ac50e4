package lessons

import (
	"fmt"
	"math"

	"github.com/rlcontrol/rlcontrol/rl/lqr"
	"github.com/rlcontrol/rlcontrol/rl/trajopt"
	"gonum.org/v1/gonum/mat"
)

// Lesson 03's exercise checkers.

// controller1D is the one-step, one-state, one-action controller
// N(K x + k, s2).
func controller1D(K, k, s2 float64) *lqr.Controller {
	return &lqr.Controller{K: []*mat.Dense{mat.NewDense(1, 1, []float64{K})}, Kff: []*mat.VecDense{mat.NewVecDense(1, []float64{k})},
		Cov: []*mat.SymDense{mat.NewSymDense(1, []float64{s2})}}
}

// ControllerKL1D is lqr.KL for one step of 1-D linear-Gaussian controllers
// p = N(K x + k, s2), p̄ = N(Kb x + kb, sb2) with x ~ N(mu, v).
func ControllerKL1D(K, k, s2, Kb, kb, sb2, mu, v float64) (float64, error) {
	p, pb := controller1D(K, k, s2), controller1D(Kb, kb, sb2)
	mu_u := K*mu + k
	dist := &lqr.TrajDist{
		Mean:      []*mat.VecDense{mat.NewVecDense(2, []float64{mu, mu_u})},
		Cov:       []*mat.SymDense{mat.NewSymDense(2, []float64{v, K * v, K * v, K*K*v + s2})},
		FinalMean: mat.NewVecDense(1, []float64{0}),
		FinalCov:  mat.NewSymDense(1, []float64{1}),
	}
	kl, _, err := lqr.KL(p, pb, dist)
	return kl, err
}

// CheckControllerKL1D checks a closed form of E_{x~N(mu,v)} KL(N(Kx+k, s2) ‖
// N(Kb x+kb, sb2)) against lqr.KL on a few cases.
func CheckControllerKL1D(f func(K, k, s2, Kb, kb, sb2, mu, v float64) float64) (err error) {
	if err := given(f); err != nil {
		return err
	}
	defer recovered(&err)
	if f == nil {
		return fmt.Errorf("no function")
	}
	cases := [][8]float64{
		{0, 0, 1, 0, 0, 1, 0, 1},           // same controller: 0
		{0, 1, 1, 0, 0, 1, 0, 1},           // means differ by 1: ½
		{0, 0, 0.5, 0, 0, 2, 0, 1},         // variances differ
		{-2, 0.3, 0.4, -1, 0, 1.5, 0.7, 2}, // gains differ: the state spread counts
	}
	for _, c := range cases {
		want, err := ControllerKL1D(c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7])
		if err != nil {
			return err
		}
		got := f(c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7])
		if !(math.Abs(got-want) <= 1e-9*math.Max(1, math.Abs(want))) {
			return fmt.Errorf("K=%g k=%g s2=%g, K̄=%g k̄=%g s̄2=%g, x ~ N(%g, %g): got %.6g, lqr.KL gives %.6g", c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7], got, want)
		}
	}
	return nil
}

// DualStepMinEta is the floor of η in the dual step (trajopt's MinEta).
const DualStepMinEta = 1e-8

// CheckDualStep checks one dual gradient step η ← max(η + α(KL(η) − ε),
// 1e-8) against trajopt.KLUpdate's DualGradient method on the point mass's
// update, klAt being the KL of SolveAtEta's solution.
func CheckDualStep(f func(eta, eps, alpha float64, klAt func(eta float64) float64) float64) (err error) {
	if err := given(f); err != nil {
		return err
	}
	defer recovered(&err)
	if f == nil {
		return fmt.Errorf("no function")
	}
	p, err := PointMassUpdate()
	if err != nil {
		return err
	}
	klAt := func(eta float64) float64 {
		s, err := trajopt.SolveAtEta(p.Prev, p.Dyn, p.Cost, eta)
		if err != nil {
			return math.NaN()
		}
		return s.KL
	}
	for _, c := range [][3]float64{{0.1, 20, 0.0667}, {10, 20, 0.0667}, {0.1, 200, 1}} {
		eta, eps, alpha := c[0], c[1], c[2]
		want := math.Max(eta+alpha*(klAt(eta)-eps), DualStepMinEta)
		got := f(eta, eps, alpha, klAt)
		if !(math.Abs(got-want) <= 1e-9*math.Max(1, want)) {
			return fmt.Errorf("η = %g, ε = %g, α = %g (KL(η) = %.4g): got η = %.6g, want %.6g", eta, eps, alpha, klAt(eta), got, want)
		}
	}
	return nil
}

// ModifiedCost1D is trajopt.ModifiedCost for one step of a scalar action
// with cost ½ r u² and p̄ = N(mbar, sbar2): c̃(u) = ½ a u² + b u + const;
// it returns a and b.
func ModifiedCost1D(r, eta, mbar, sbar2 float64) (a, b float64, err error) {
	prev := controller1D(0, mbar, sbar2)
	q := &lqr.QuadraticCost{
		Czz:   []*mat.SymDense{mat.NewSymDense(2, []float64{0, 0, 0, r})},
		Cz:    []*mat.VecDense{mat.NewVecDense(2, nil)},
		C0:    []float64{0},
		Final: lqr.Final{Cxx: mat.NewDense(1, 1, nil), Cx: mat.NewVecDense(1, nil)},
	}
	mc, err := trajopt.ModifiedCost(prev, q, eta)
	if err != nil {
		return 0, 0, err
	}
	return mc.Czz[0].At(1, 1), mc.Cz[0].AtVec(1), nil
}

// CheckModifiedCost1D checks the curvature a and slope b of the scalar
// modified cost against trajopt.ModifiedCost.
func CheckModifiedCost1D(f func(r, eta, mbar, sbar2 float64) (a, b float64)) (err error) {
	if err := given(f); err != nil {
		return err
	}
	defer recovered(&err)
	if f == nil {
		return fmt.Errorf("no function")
	}
	for _, c := range [][4]float64{{0.01, 1, 0, 1}, {0.01, 0.001, 2, 0.5}, {1, 100, -1, 4}} {
		wa, wb, err := ModifiedCost1D(c[0], c[1], c[2], c[3])
		if err != nil {
			return err
		}
		ga, gb := f(c[0], c[1], c[2], c[3])
		if !(math.Abs(ga-wa) <= 1e-9*math.Max(1, math.Abs(wa)) && math.Abs(gb-wb) <= 1e-9*math.Max(1, math.Abs(wb))) {
			return fmt.Errorf("r = %g, η = %g, m̄ = %g, σ̄² = %g: got a = %.6g, b = %.6g; want a = %.6g, b = %.6g", c[0], c[1], c[2], c[3], ga, gb, wa, wb)
		}
	}
	return nil
}
