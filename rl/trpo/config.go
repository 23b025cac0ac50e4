package trpo

import (
	"fmt"
	"math"

	"github.com/rlcontrol/rlcontrol/rl/internal/config"
	"github.com/rlcontrol/rlcontrol/rl/policy"
)

// Algorithm selects the policy update; all three share the sampling,
// advantage estimation and value fitting, so their learning curves compare
// only the step.
type Algorithm int

const (
	// TRPO: natural gradient direction by conjugate gradient, step scaled
	// to the trust region, backtracking line search that accepts only when
	// the mean KL ≤ MaxKL and the surrogate improves.
	TRPO Algorithm = iota
	// NaturalPG: the same direction and step length, always taken.
	NaturalPG
	// VanillaPG: a plain gradient step of size LearningRate.
	VanillaPG
	// EuclideanPG: the lecture's policy-gradient problem, maximise gᵀΔθ
	// subject to ½‖Δθ‖² ≤ MaxKL (a Euclidean ball instead of the KL
	// ball), whose solution Δθ = √(2·MaxKL / ‖g‖²)·g is always taken:
	// the step's length is fixed, so unlike VanillaPG it does not depend
	// on the gradient's scale.
	EuclideanPG
)

// String names the algorithm for legends.
func (a Algorithm) String() string {
	switch a {
	case TRPO:
		return "TRPO"
	case NaturalPG:
		return "natural PG"
	case VanillaPG:
		return "vanilla PG"
	case EuclideanPG:
		return "vanilla PG (½‖Δθ‖² ≤ δ)"
	}
	return fmt.Sprintf("Algorithm(%d)", int(a))
}

// Config holds every hyperparameter of Train. The zero value of each field
// selects the default in its comment (Spinning Up's and modular_rl's
// choices unless noted).
type Config struct {
	// Algorithm is the policy update (default TRPO).
	Algorithm Algorithm
	// TotalSteps is the number of environment steps to train for (default
	// 100 000).
	TotalSteps int
	// StepsPerIter is the batch size: environment steps collected per
	// update (default 4000; 1000–10000 are typical).
	StepsPerIter int
	// Envs is the number of environment copies stepped together (default
	// 8); StepsPerIter must be a multiple of it.
	Envs int
	// Gamma is the discount γ in (0, 1] (default 0.99).
	Gamma float64
	// Lambda is GAE's λ in [0, 1] (default 0.97): 0 is one-step TD
	// (biased, low variance), 1 is Monte-Carlo returns (unbiased, noisy).
	// As 0 selects the default, a negative value selects λ = 0.
	Lambda float64
	// MaxKL is the trust-region size δ, the largest mean KL between old and
	// new policy per update (default 0.01; 0.01–0.05 are sensible). For
	// NaturalPG it sets the step length only; for EuclideanPG it is the
	// size of the Euclidean ball ½‖Δθ‖² ≤ δ instead.
	MaxKL float64
	// CGIters is the number of conjugate-gradient iterations (default 10).
	CGIters int
	// Damping is added to the Fisher matrix, F + damping·I, to keep CG
	// stable (default 0.1; ≥ 0). As 0 selects the default, a negative
	// value selects no damping (F alone).
	Damping float64
	// FisherSubsample k > 1 estimates the Fisher-vector products on every
	// k-th sample only (default 1: the whole batch). The KL's curvature is
	// smooth in the states, so a subsample is nearly as good and makes CG k
	// times cheaper; OpenAI Baselines' TRPO uses k = 5. The gradient and
	// the line search always use the whole batch.
	FisherSubsample int
	// BacktrackIters and BacktrackCoeff: the line search tries
	// Δθ, βΔθ, β²Δθ, … (defaults 10 and 0.8).
	BacktrackIters int
	BacktrackCoeff float64
	// LearningRate is the step of VanillaPG, Δθ = LearningRate·g (default
	// 0.01; on normalised advantages).
	LearningRate float64
	// Hidden are the hidden-layer sizes of the policy and value networks
	// (default {64, 64}).
	Hidden []int
	// InitStd is the policy's initial standard deviation σ, in
	// [e^−700, e^700] (see policy.MaxAbsLogStd; default
	// policy.DefaultInitStd = e^−0.5 ≈ 0.61, as Spinning Up; see
	// policy.GaussianConfig.InitStd).
	InitStd float64
	// Value configures each iteration's fit of the value baseline to the
	// λ-returns of the batch (zero value: policy.ValueFitConfig's defaults).
	Value policy.ValueFitConfig
	// Seed makes the run reproducible (environment resets, action noise,
	// network initialisation).
	Seed uint64
	// Progress, if set, is called after every iteration.
	Progress func(IterStats)
}

// WithDefaults returns c with its zero fields set to the defaults in their
// comments (Value's included), or an error naming the first invalid field
// and its value.
func (c Config) WithDefaults() (Config, error) {
	config.Or(&c.TotalSteps, 100000)
	config.Or(&c.StepsPerIter, 4000)
	config.Or(&c.Envs, 8)
	config.Or(&c.Gamma, 0.99)
	config.Or(&c.Lambda, 0.97)
	config.Or(&c.MaxKL, 0.01)
	config.Or(&c.CGIters, 10)
	config.Or(&c.FisherSubsample, 1)
	config.Or(&c.Damping, 0.1)
	config.Or(&c.BacktrackIters, 10)
	config.Or(&c.BacktrackCoeff, 0.8)
	config.Or(&c.LearningRate, 0.01)
	config.Or(&c.InitStd, policy.DefaultInitStd)
	config.OrSlice(&c.Hidden, []int{64, 64})
	const fn = "trpo: Config"
	switch {
	case c.Algorithm < TRPO || c.Algorithm > EuclideanPG:
		return c, fmt.Errorf("%s.Algorithm = %d, want TRPO, NaturalPG, VanillaPG or EuclideanPG", fn, int(c.Algorithm))
	case c.TotalSteps < 0:
		return c, fmt.Errorf("%s.TotalSteps = %d, want > 0", fn, c.TotalSteps)
	case c.StepsPerIter < 0:
		return c, fmt.Errorf("%s.StepsPerIter = %d, want > 0", fn, c.StepsPerIter)
	case c.Envs < 0:
		return c, fmt.Errorf("%s.Envs = %d, want > 0", fn, c.Envs)
	case c.StepsPerIter%c.Envs != 0:
		return c, fmt.Errorf("%s.StepsPerIter = %d is not a multiple of Envs = %d", fn, c.StepsPerIter, c.Envs)
	case !(c.Gamma > 0 && c.Gamma <= 1):
		return c, fmt.Errorf("%s.Gamma = %v, want a value in (0, 1]", fn, c.Gamma)
	case !(c.Lambda <= 1) || math.IsInf(c.Lambda, -1):
		return c, fmt.Errorf("%s.Lambda = %v, want a value in [0, 1] (negative for 0)", fn, c.Lambda)
	case !config.Positive(c.MaxKL):
		return c, fmt.Errorf("%s.MaxKL = %v, want > 0", fn, c.MaxKL)
	case c.CGIters < 0:
		return c, fmt.Errorf("%s.CGIters = %d, want > 0", fn, c.CGIters)
	case !config.Finite(c.Damping):
		return c, fmt.Errorf("%s.Damping = %v, want ≥ 0 (negative for 0)", fn, c.Damping)
	case c.FisherSubsample < 0:
		return c, fmt.Errorf("%s.FisherSubsample = %d, want > 0", fn, c.FisherSubsample)
	case c.BacktrackIters < 0:
		return c, fmt.Errorf("%s.BacktrackIters = %d, want > 0", fn, c.BacktrackIters)
	case !(c.BacktrackCoeff > 0 && c.BacktrackCoeff < 1):
		return c, fmt.Errorf("%s.BacktrackCoeff = %v, want a value in (0, 1)", fn, c.BacktrackCoeff)
	case !config.Positive(c.LearningRate):
		return c, fmt.Errorf("%s.LearningRate = %v, want > 0", fn, c.LearningRate)
	case !(c.InitStd > 0) || !(math.Abs(math.Log(c.InitStd)) <= policy.MaxAbsLogStd):
		return c, fmt.Errorf("%s.InitStd = %v, want a value in [e^−%d, e^%d]", fn, c.InitStd, policy.MaxAbsLogStd, policy.MaxAbsLogStd)
	}
	for i, h := range c.Hidden {
		if h <= 0 {
			return c, fmt.Errorf("%s.Hidden[%d] = %d, want > 0", fn, i, h)
		}
	}
	var err error
	if c.Value, err = c.Value.WithDefaults(); err != nil {
		return c, config.Nested(fn+".Value", err)
	}
	return c, nil
}

// gaeLambda is the λ GAE uses: Lambda, or 0 when Lambda is negative.
func (c *Config) gaeLambda() float64 { return max(c.Lambda, 0) }

// damping is the damping CG uses: Damping, or 0 when Damping is negative.
func (c *Config) damping() float64 { return max(c.Damping, 0) }

// IterStats records one iteration of Train.
type IterStats struct {
	Iter     int
	EnvSteps int // total environment steps so far
	// MeanReturn and StdReturn are over the episodes completed during this
	// iteration's sampling (NaN if none completed).
	MeanReturn, StdReturn float64
	Episodes              int
	Step                  StepStats // the policy update
	ValueLoss             float64   // value-function MSE after its fit
	LogStd                []float64 // the policy's log-std after the update
	Seconds               float64   // wall time of the iteration
}
