package imitation

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/diff/fd"
	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/optimize"
)

// teacherObjective is E_π[Q] + λ KL(π ‖ π_θ) for π = N(m, LLᵀ) with
// Q(u) = ½(u − u*)ᵀQuu(u − u*) (the constant Q(x, u*) dropped), written
// out directly (not from the closed form's derivation): the function
// AdaptiveTeacher claims to minimise.
func teacherObjective(p []float64, uStar []float64, Quu *mat.SymDense, mu, sigma []float64, lambda float64) float64 {
	// p = m1, m2, log l11, l21, log l22.
	L := mat.NewDense(2, 2, []float64{math.Exp(p[2]), 0, p[3], math.Exp(p[4])})
	var S mat.Dense
	S.Mul(L, L.T())
	dm := mat.NewVecDense(2, []float64{p[0] - uStar[0], p[1] - uStar[1]})
	eq := 0.5*mat.Inner(dm, Quu, dm) + 0.5*mat.Trace(mulDense(Quu, &S))
	kl, logDetS := 0.0, 2*(p[2]+p[4])
	for j := 0; j < 2; j++ {
		v := sigma[j] * sigma[j]
		d := p[j] - mu[j]
		kl += S.At(j, j)/v + d*d/v + math.Log(v)
	}
	kl = 0.5 * (kl - 2 - logDetS)
	return eq + lambda*kl
}

func mulDense(a, b mat.Matrix) *mat.Dense {
	var c mat.Dense
	c.Mul(a, b)
	return &c
}

// TestAdaptiveTeacherMinimises checks the closed form of π̂ against a direct
// numerical minimisation (BFGS with finite-difference gradients) of
// E_π[Q] + λ KL(π ‖ π_θ) over the mean and a Cholesky factor of the
// covariance, for random 2-D cases. The objective is smooth and strictly
// convex in (m, S); BFGS stopped at a gradient of 1e-9 lands within about
// 1e-5 of the optimum in these units (O(1) actions and curvatures), so
// 1e-4 leaves room without hiding an error in the formula (a wrong weight,
// e.g. λ in place of λ⁻¹, moves m by O(1)).
func TestAdaptiveTeacherMinimises(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 7))
	for trial := 0; trial < 4; trial++ {
		a := mat.NewDense(2, 2, []float64{rng.NormFloat64(), rng.NormFloat64(), rng.NormFloat64(), rng.NormFloat64()})
		Quu := mat.NewSymDense(2, nil)
		Quu.SymOuterK(1, a)
		Quu.SetSym(0, 0, Quu.At(0, 0)+0.5)
		Quu.SetSym(1, 1, Quu.At(1, 1)+0.5)
		uStar := []float64{rng.NormFloat64(), rng.NormFloat64()}
		mu := []float64{rng.NormFloat64(), rng.NormFloat64()}
		sigma := []float64{0.3 + rng.Float64(), 0.3 + rng.Float64()}
		lambda := 0.2 + 2*rng.Float64()
		m, S, err := AdaptiveTeacher(uStar, Quu, mu, sigma, lambda)
		if err != nil {
			t.Fatal(err)
		}
		f := func(p []float64) float64 { return teacherObjective(p, uStar, Quu, mu, sigma, lambda) }
		prob := optimize.Problem{Func: f, Grad: func(g, x []float64) { fd.Gradient(g, f, x, &fd.Settings{Formula: fd.Central}) }}
		res, err := optimize.Minimize(prob, []float64{0, 0, 0, 0, 0}, &optimize.Settings{GradientThreshold: 1e-9}, &optimize.BFGS{})
		if err != nil && res == nil {
			t.Fatal(err)
		}
		p := res.X
		L := mat.NewDense(2, 2, []float64{math.Exp(p[2]), 0, p[3], math.Exp(p[4])})
		var Snum mat.Dense
		Snum.Mul(L, L.T())
		for i := 0; i < 2; i++ {
			if math.Abs(p[i]-m[i]) > 1e-4 {
				t.Errorf("trial %d: mean[%d]: closed form %.6f, numerical minimum %.6f", trial, i, m[i], p[i])
			}
			for j := 0; j < 2; j++ {
				if math.Abs(Snum.At(i, j)-S.At(i, j)) > 1e-4 {
					t.Errorf("trial %d: S[%d][%d]: closed form %.6f, numerical minimum %.6f", trial, i, j, S.At(i, j), Snum.At(i, j))
				}
			}
		}
		// The closed form is at least as good as the numerical optimum.
		lc := mat.NewSymDense(2, nil)
		lc.CopySym(S)
		var ch mat.Cholesky
		if !ch.Factorize(lc) {
			t.Fatalf("trial %d: S not positive definite", trial)
		}
		var Lc mat.TriDense
		ch.LTo(&Lc)
		pc := []float64{m[0], m[1], math.Log(Lc.At(0, 0)), Lc.At(1, 0), math.Log(Lc.At(1, 1))}
		if fc, fn := f(pc), res.F; fc > fn+1e-9 {
			t.Errorf("trial %d: objective at the closed form %.9f > numerical minimum %.9f", trial, fc, fn)
		}
	}
}

// TestAdaptiveTeacherLimits: λ → 0 gives the MPC action with no spread,
// λ → ∞ the learner's Gaussian. With λ = 1e-9 (1e9) the mean is off by
// O(λ‖Σ⁻¹‖/‖Quu‖) (O(‖Quu‖‖Σ‖/λ)) ≈ 1e-8 here, so 1e-6 is safe.
func TestAdaptiveTeacherLimits(t *testing.T) {
	Quu := mat.NewSymDense(2, []float64{2, 0.5, 0.5, 1})
	uStar, mu, sigma := []float64{0.7, -1.2}, []float64{-0.4, 0.9}, []float64{0.5, 0.8}
	m, S, err := AdaptiveTeacher(uStar, Quu, mu, sigma, 0)
	if err != nil {
		t.Fatal(err)
	}
	for j := range m {
		if math.Abs(m[j]-uStar[j]) > 1e-12 || S.At(j, j) != 0 { // A⁻¹(Quu u*) rounds at 1e-16
			t.Errorf("λ = 0: m[%d] = %v (u* %v), S[%d][%d] = %v", j, m[j], uStar[j], j, j, S.At(j, j))
		}
	}
	m, _, _ = AdaptiveTeacher(uStar, Quu, mu, sigma, 1e-9)
	for j := range m {
		if math.Abs(m[j]-uStar[j]) > 1e-6 {
			t.Errorf("λ = 1e-9: m[%d] = %v, want u* = %v", j, m[j], uStar[j])
		}
	}
	m, S, _ = AdaptiveTeacher(uStar, Quu, mu, sigma, 1e9)
	for j := range m {
		if math.Abs(m[j]-mu[j]) > 1e-6 || math.Abs(S.At(j, j)-sigma[j]*sigma[j]) > 1e-6 {
			t.Errorf("λ = 1e9: m[%d] = %v (μ %v), S[%d][%d] = %v (σ² %v)", j, m[j], mu[j], j, j, S.At(j, j), sigma[j]*sigma[j])
		}
	}
}

// TestPLATONeverExecutesLearner runs PLATO on the arm with two-frame
// positions (2 rounds of 2 rollouts): the teacher labels every visited
// state once (exactly Rounds·Rollouts·T queries) and the learner's own
// action is never executed; from round 1 on the executed actions differ
// from the labels (they are π̂'s samples, not u*).
func TestPLATONeverExecutesLearner(t *testing.T) {
	k := ArmReach()
	e, err := NewExpert(k, ExpertConfig{})
	if err != nil {
		t.Fatal(err)
	}
	p, err := NewPLATO(e, PLATOConfig{LearnerConfig: LearnerConfig{Hidden: []int{16, 16}, Fit: testFit, Seed: 3}, Rounds: 2, Rollouts: 2, Lambda: 1})
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Run(); err != nil {
		t.Fatal(err)
	}
	if got, want := p.ExpertQueries(), 2*2*k.T; got != want {
		t.Errorf("expert queries %d, want %d", got, want)
	}
	if p.PolicyExecutions() != 0 {
		t.Errorf("PLATO executed the learner's action %d times, want 0", p.PolicyExecutions())
	}
	for _, r := range p.Rounds() {
		if r.Executions != 0 {
			t.Errorf("round %d: %d learner executions", r.Index, r.Executions)
		}
	}
	if p.Data().Count(TeacherRollout) != 2*2*k.T {
		t.Errorf("data: %d teacher pairs", p.Data().Count(TeacherRollout))
	}
	// Round 1's rollouts are the teacher's samples: run one more round by
	// hand and check that the executed actions are not the labels.
	starts, _ := k.DrawStarts(1, 99)
	rs, err := p.RunTeacher(1, starts, 5)
	if err != nil {
		t.Fatal(err)
	}
	same := 0
	for tt, u := range rs[0].Trajectory.U {
		if u[0] == rs[0].Labels[tt][0] && u[1] == rs[0].Labels[tt][1] {
			same++
		}
		if rs[0].Learner[tt] {
			t.Fatalf("step %d executed the learner", tt)
		}
	}
	if same > 0 {
		t.Errorf("%d of %d executed actions equal u*: the teacher did not adapt", same, k.T)
	}
}
