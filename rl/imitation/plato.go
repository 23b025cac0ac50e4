package imitation

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/rlcontrol/rlcontrol/rl/ilqr"
	"gonum.org/v1/gonum/mat"
)

// AdaptiveTeacher returns PLATO's teacher at one state: the Gaussian
// π̂ = N(m, S) that minimises
//
//	E_π[Q(x, u)] + λ KL(π ‖ π_θ),   π_θ = N(μ_θ, Σ_θ),  Σ_θ = diag σ²,
//
// where the MPC's cost-to-go in the first action is taken to second order
// around its own action u*: Q(x, u) ≈ Q(x, u*) + ½(u − u*)ᵀQuu(u − u*)
// (u* is the minimiser, so there is no linear term). For π = N(m, S):
//
//	E_π[Q]     = Q(x, u*) + ½ tr(Quu S) + ½ (m − u*)ᵀQuu(m − u*)
//	KL(π‖π_θ)  = ½[tr(Σ_θ⁻¹S) + (m − μ_θ)ᵀΣ_θ⁻¹(m − μ_θ) − k + ln|Σ_θ| − ln|S|]
//
// Setting the derivatives to zero,
//
//	∂/∂S: ½Quu + ½λΣ_θ⁻¹ − ½λS⁻¹ = 0  ⇒  S = λ (Quu + λΣ_θ⁻¹)⁻¹
//	∂/∂m: Quu(m − u*) + λΣ_θ⁻¹(m − μ_θ) = 0
//	      ⇒  m = (Quu + λΣ_θ⁻¹)⁻¹ (Quu u* + λΣ_θ⁻¹ μ_θ),
//
// a Gaussian with precision (Quu + λΣ_θ⁻¹)/λ whose mean is the
// precision-weighted average of the MPC action and the learner's mean. As
// λ → 0, m → u* and S → 0 (the MPC itself); as λ → ∞, m → μ_θ and S → Σ_θ
// (the learner). Quu must be symmetric positive definite (iLQR's regularised
// Q̃uu is), σ > 0 and λ ≥ 0. At λ = 0 S is the zero matrix.
func AdaptiveTeacher(uStar []float64, Quu mat.Matrix, mu, sigma []float64, lambda float64) ([]float64, *mat.SymDense, error) {
	k := len(uStar)
	if k == 0 || len(mu) != k || len(sigma) != k {
		return nil, nil, fmt.Errorf("imitation: AdaptiveTeacher: u* has %d numbers, μ_θ %d, σ %d; want the same ≥ 1", k, len(mu), len(sigma))
	}
	if !(lambda >= 0) || math.IsInf(lambda, 0) {
		return nil, nil, fmt.Errorf("imitation: AdaptiveTeacher: λ = %v, want a finite number ≥ 0", lambda)
	}
	if Quu == nil {
		return nil, nil, fmt.Errorf("imitation: AdaptiveTeacher: nil Quu")
	}
	if r, c := Quu.Dims(); r != k || c != k {
		return nil, nil, fmt.Errorf("imitation: AdaptiveTeacher: Quu is %d×%d, want %d×%d", r, c, k, k)
	}
	for j := 0; j < k; j++ {
		if err := checkFinite(fmt.Sprintf("AdaptiveTeacher: u*[%d]", j), uStar[j]); err != nil {
			return nil, nil, err
		}
		if err := checkFinite(fmt.Sprintf("AdaptiveTeacher: μ_θ[%d]", j), mu[j]); err != nil {
			return nil, nil, err
		}
		if !(sigma[j] > 0) || math.IsInf(sigma[j], 0) {
			return nil, nil, fmt.Errorf("imitation: AdaptiveTeacher: σ[%d] = %v, want a finite number > 0", j, sigma[j])
		}
	}
	// A = Quu + λΣ_θ⁻¹ (symmetrised), b = Quu u* + λΣ_θ⁻¹ μ_θ.
	A := mat.NewSymDense(k, nil)
	b := mat.NewVecDense(k, nil)
	for i := 0; i < k; i++ {
		for j := i; j < k; j++ {
			v := 0.5 * (Quu.At(i, j) + Quu.At(j, i))
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, nil, fmt.Errorf("imitation: AdaptiveTeacher: Quu[%d][%d] = %v", i, j, v)
			}
			A.SetSym(i, j, v)
		}
	}
	for i := 0; i < k; i++ {
		s := 0.0
		for j := 0; j < k; j++ {
			s += A.At(i, j) * uStar[j]
		}
		prec := lambda / (sigma[i] * sigma[i])
		b.SetVec(i, s+prec*mu[i])
		A.SetSym(i, i, A.At(i, i)+prec)
	}
	var ch mat.Cholesky
	if !ch.Factorize(A) {
		return nil, nil, fmt.Errorf("imitation: AdaptiveTeacher: Quu + λΣ_θ⁻¹ is not positive definite (Quu = %v)", mat.Formatted(Quu, mat.Squeeze()))
	}
	var m mat.VecDense
	if err := ch.SolveVecTo(&m, b); err != nil {
		return nil, nil, fmt.Errorf("imitation: AdaptiveTeacher: %w", err)
	}
	S := mat.NewSymDense(k, nil)
	if lambda > 0 {
		if err := ch.InverseTo(S); err != nil {
			return nil, nil, fmt.Errorf("imitation: AdaptiveTeacher: %w", err)
		}
		S.ScaleSym(lambda, S)
	}
	return mat.Col(nil, 0, &m), S, nil
}

// PLATOConfig sets up PLATO.
type PLATOConfig struct {
	LearnerConfig
	// Rounds is the number of rounds (≥ 1), Rollouts the rollouts per
	// round (≥ 1), each from a fresh start of the start region.
	Rounds, Rollouts int
	// Lambda is the teacher's weight λ ≥ 0 on KL(π̂ ‖ π_θ): 0 is the plain
	// MPC, large values follow the learner.
	Lambda float64
	// Evaluate runs the learner on the test starts after every round.
	Evaluate bool
	// Progress, if set, is called after every round.
	Progress func(Round)
}

// PLATO is policy learning with adaptive trajectory optimisation (Kahn,
// Zhang, Levine & Abbeel 2017): DAgger's loop with the mixture of step 2
// replaced by an adaptive MPC teacher. At every visited state the teacher
// (MPC with iLQR on the full state) computes its un-adapted action u* and
// the curvature Quu of its cost-to-go in the first action; the executed
// action is drawn from π̂ = argmin E_π[Q] + λ KL(π ‖ π_θ) (AdaptiveTeacher),
// which leans towards what the learner would do, so the training states
// look like the learner's own, while the label is u*. The learner sees only
// its observations (by default the task's: positions over two frames); its
// own action is never executed (PolicyExecutions stays 0). In round 0 the
// learner is not fitted yet, so the teacher is the plain MPC (λ = 0).
type PLATO struct {
	*loop
	lambda float64
}

// NewPLATO checks the settings and makes an untrained learner.
func NewPLATO(e *Expert, cfg PLATOConfig) (*PLATO, error) {
	if !(cfg.Lambda >= 0) || math.IsInf(cfg.Lambda, 0) {
		return nil, fmt.Errorf("imitation: PLATOConfig.Lambda = %v, want a finite λ ≥ 0", cfg.Lambda)
	}
	l, err := newLoop(e, cfg.LearnerConfig, cfg.Rounds, cfg.Rollouts, cfg.Evaluate, cfg.Progress, "PLATO")
	if err != nil {
		return nil, err
	}
	return &PLATO{loop: l, lambda: cfg.Lambda}, nil
}

// RunPLATO runs all rounds of PLATO.
func RunPLATO(e *Expert, cfg PLATOConfig) (*PLATO, error) {
	p, err := NewPLATO(e, cfg)
	if err != nil {
		return nil, err
	}
	return p, p.Run()
}

// Lambda returns λ.
func (p *PLATO) Lambda() float64 { return p.lambda }

// RunTeacher is PLATO's steps 2 and 3: from each start (in parallel) the
// MPC teacher is asked at every state in order; its action u* is the label,
// and the executed action is a sample from π̂ with weight lambda (clipped to
// the actuators' limits; rollout i's samples come from a stream seeded by
// seed and i). The learner's mean and σ enter π̂ only; its action is never
// executed.
func (p *PLATO) RunTeacher(lambda float64, starts [][]float64, seed uint64) ([]*Rollout, error) {
	if !(lambda >= 0) || math.IsInf(lambda, 0) {
		return nil, fmt.Errorf("imitation: PLATO: λ = %v, want a finite number ≥ 0", lambda)
	}
	if err := CheckStarts("PLATO starts", starts, p.task.System.StateDim()); err != nil {
		return nil, err
	}
	lo, hi := p.task.System.ActionLimits()
	sigma := p.policy.Std()
	out := make([]*Rollout, len(starts))
	err := parallel(len(starts), func(i int) error {
		teach := func(u []float64, _ int, _, o, uStar []float64, plan *ilqr.Result, rng *rand.Rand) (bool, error) {
			if lambda == 0 {
				copy(u, uStar)
				return false, nil
			}
			if plan == nil || plan.Solution == nil || len(plan.Solution.Quu) == 0 {
				return false, fmt.Errorf("imitation: PLATO: the MPC plan has no Quu")
			}
			mu, err := p.policy.Mean([][]float64{o})
			if err != nil {
				return false, err
			}
			m, S, err := AdaptiveTeacher(uStar, plan.Solution.Quu[0], mu[0], sigma, lambda)
			if err != nil {
				return false, err
			}
			if err := sampleGaussian(u, m, S, rng); err != nil {
				return false, err
			}
			for j := range u {
				u[j] = math.Min(math.Max(u[j], lo[j]), hi[j])
			}
			return false, nil // the teacher's action, never the learner's
		}
		var err error
		out[i], err = rollout(p.expert, p.obs, starts[i], TeacherRollout, true, teach, rolloutRNG(seed, i))
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("imitation: PLATO rollouts: %w", err)
	}
	return out, nil
}

// sampleGaussian writes a draw from N(m, S) into u (u = m when S = 0).
func sampleGaussian(u, m []float64, S *mat.SymDense, rng *rand.Rand) error {
	copy(u, m)
	if mat.Norm(S, math.Inf(1)) == 0 {
		return nil
	}
	var ch mat.Cholesky
	if !ch.Factorize(S) {
		return fmt.Errorf("imitation: PLATO: the teacher's covariance is not positive definite")
	}
	var L mat.TriDense
	ch.LTo(&L)
	z := make([]float64, len(u))
	for j := range z {
		z[j] = rng.NormFloat64()
	}
	for i := range u {
		for j := 0; j <= i; j++ {
			u[i] += L.At(i, j) * z[j]
		}
	}
	return nil
}

// Round runs the next round i: fresh starts, the teacher's rollouts
// labelled by the un-adapted MPC (steps 2 and 3; λ = 0 in round 0), step 4
// and step 1, and the held-out evaluation if asked.
func (p *PLATO) Round() (*Round, error) {
	i := len(p.rounds)
	if i >= p.nRounds {
		return nil, fmt.Errorf("imitation: PLATO: all %d rounds are done", p.nRounds)
	}
	starts, err := p.Starts(i)
	if err != nil {
		return nil, err
	}
	lambda := p.lambda
	if i == 0 {
		lambda = 0 // no learner yet: the plain MPC
	}
	rs, err := p.RunTeacher(lambda, starts, p.RoundSeed(i))
	if err != nil {
		return nil, err
	}
	if err := p.Aggregate(rs); err != nil {
		return nil, err
	}
	losses, err := p.Train(i)
	if err != nil {
		return nil, err
	}
	return p.finish(i, 0, rs, losses)
}

// Run repeats Round until all rounds are done.
func (p *PLATO) Run() error {
	for len(p.rounds) < p.nRounds {
		if _, err := p.Round(); err != nil {
			return err
		}
	}
	return nil
}
