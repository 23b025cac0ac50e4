package lessons

import (
	"math"
	"testing"

	"github.com/rlcontrol/rlcontrol/rl/tabular"
	"github.com/rlcontrol/rlcontrol/rl/trpo"
	"gonum.org/v1/gonum/mat"
)

// Right answers to lesson 04's exercises for the checkers' tests (the
// notebook runner checks the notebook's own solutions).

// solGAE answers by other means: trpo.GAE on one stream that neither ends
// nor is truncated.
func solGAE(rewards, values, next []float64, gamma, lambda float64) []float64 {
	flags := make([]bool, len(rewards))
	adv, _, err := trpo.GAE(rewards, values, next, flags, flags, gamma, lambda)
	if err != nil {
		return nil
	}
	return adv
}

// solStep answers with gonum: β = √(2δ / sᵀFs), Δθ = βs.
func solStep(s []float64, F [][]float64, delta float64) []float64 {
	Fm := mat.NewDense(len(s), len(s), nil)
	for i, row := range F {
		Fm.SetRow(i, row)
	}
	sv := mat.NewVecDense(len(s), append([]float64(nil), s...))
	sv.ScaleVec(math.Sqrt(2*delta/mat.Inner(sv, Fm, sv)), sv)
	return sv.RawVector().Data
}

// solSurrogate answers with the library's tabular.Surrogate.
func solSurrogate(m *tabular.MDP, pi, piNew tabular.Policy) float64 {
	L, err := tabular.Surrogate(m, pi, piNew)
	if err != nil {
		return math.NaN()
	}
	return L
}

func TestLesson04Exercises(t *testing.T) {
	if err := CheckGAE(solGAE); err != nil {
		t.Errorf("GAE solution: %v", err)
	}
	if err := CheckTrustRegionStep(solStep); err != nil {
		t.Errorf("step solution: %v", err)
	}
	if err := CheckSurrogate(solSurrogate); err != nil {
		t.Errorf("surrogate solution: %v", err)
	}
	// Starters (nil results) and wrong answers fail without panicking.
	noλ := func(r, v, n []float64, g, l float64) []float64 { return solGAE(r, v, n, g, 1) }
	for name, err := range map[string]error{
		"GAE starter":       CheckGAE(func(r, v, n []float64, g, l float64) []float64 { return nil }),
		"GAE λ ignored":     CheckGAE(noλ),
		"step starter":      CheckTrustRegionStep(func(s []float64, F [][]float64, d float64) []float64 { return nil }),
		"step without 2":    CheckTrustRegionStep(func(s []float64, F [][]float64, d float64) []float64 { return solStep(s, F, d/2) }),
		"surrogate starter": CheckSurrogate(func(m *tabular.MDP, pi, piNew tabular.Policy) float64 { return 0 }),
		"surrogate with π":  CheckSurrogate(func(m *tabular.MDP, pi, piNew tabular.Policy) float64 { return solSurrogate(m, pi, pi) }),
		"nil":               CheckGAE(nil),
	} {
		if err == nil {
			t.Errorf("%s: the checker accepted a wrong answer", name)
		}
	}
}

// TestFisherProblem: the lesson's small problem has an FVP that matches
// finite differences of the KL gradient, and conjugate gradient with as
// many iterations as parameters reaches the exact solve.
func TestFisherProblem(t *testing.T) {
	p, err := NewFisherProblem()
	if err != nil {
		t.Fatal(err)
	}
	n := len(p.Theta)
	if n != 18 {
		t.Errorf("2→4→1 policy has %d parameters, want 18", n)
	}
	v := make([]float64, n)
	for i := range v {
		v[i] = math.Sin(float64(i + 1))
	}
	Fv, err := p.Fv(v)
	if err != nil {
		t.Fatal(err)
	}
	const h = 1e-4
	gp, err := p.KLGrad(p.Shift(h, v))
	if err != nil {
		t.Fatal(err)
	}
	gm, err := p.KLGrad(p.Shift(-h, v))
	if err != nil {
		t.Fatal(err)
	}
	fd := make([]float64, n)
	for i := range fd {
		fd[i] = (gp[i] - gm[i]) / (2 * h)
	}
	if e := RelErr(Fv, fd); e > 1e-5 {
		t.Errorf("FVP vs finite differences: relative error %.2e", e)
	}
	Av := func(x []float64) ([]float64, error) {
		y, err := p.Fv(x)
		for i := range y {
			y[i] += 0.1 * x[i]
		}
		return y, err
	}
	x, _, err := trpo.ConjugateGradient(Av, p.G, 3*n, 0)
	if err != nil {
		t.Fatal(err)
	}
	r, _ := Av(x)
	if e := RelErr(r, p.G); e > 1e-6 {
		t.Errorf("CG residual ‖Ax − g‖/‖g‖ = %.2e", e)
	}
}

func TestCPIScenario(t *testing.T) {
	o, err := CPIScenario{}.Run()
	if err != nil {
		t.Fatal(err)
	}
	c := o.(*CPIOutcome)
	if c.Eta < c.OptEta-1e-9 || c.Eta > c.OptEta+0.05 {
		t.Errorf("CPI η = %v, optimum %v", c.Eta, c.OptEta)
	}
	if _, err := o.Figures(); err != nil {
		t.Error(err)
	}
}
