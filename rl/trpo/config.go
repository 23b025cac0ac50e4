package trpo

import (
	"fmt"
	"math"

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
	Lambda float64
	// MaxKL is the trust-region size δ, the largest mean KL between old and
	// new policy per update (default 0.01; 0.01–0.05 are sensible). For
	// NaturalPG it sets the step length only.
	MaxKL float64
	// CGIters is the number of conjugate-gradient iterations (default 10).
	CGIters int
	// Damping is added to the Fisher matrix, F + damping·I, to keep CG
	// stable (default 0.1).
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
	// InitLogStd is the policy's initial log standard deviation (default
	// −0.5, as Spinning Up: σ ≈ 0.6).
	InitLogStd float64
	// Value configures each iteration's fit of the value baseline to the
	// λ-returns of the batch (zero value: policy.ValueFitConfig's defaults).
	Value policy.ValueFitConfig
	// Seed makes the run reproducible (environment resets, action noise,
	// network initialisation).
	Seed uint64
	// Progress, if set, is called after every iteration.
	Progress func(IterStats)
}

func (c *Config) defaults() error {
	set := func(v *float64, d float64) {
		if *v == 0 {
			*v = d
		}
	}
	seti := func(v *int, d int) {
		if *v == 0 {
			*v = d
		}
	}
	seti(&c.TotalSteps, 100000)
	seti(&c.StepsPerIter, 4000)
	seti(&c.Envs, 8)
	set(&c.Gamma, 0.99)
	set(&c.Lambda, 0.97)
	set(&c.MaxKL, 0.01)
	seti(&c.CGIters, 10)
	seti(&c.FisherSubsample, 1)
	set(&c.Damping, 0.1)
	seti(&c.BacktrackIters, 10)
	set(&c.BacktrackCoeff, 0.8)
	set(&c.LearningRate, 0.01)
	set(&c.InitLogStd, -0.5)
	if c.Hidden == nil {
		c.Hidden = []int{64, 64}
	}
	bad := func(name string, v float64, ok bool, want string) error {
		if !ok || math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("trpo: Config.%s = %v, want %s", name, v, want)
		}
		return nil
	}
	for _, e := range []error{
		bad("Gamma", c.Gamma, c.Gamma > 0 && c.Gamma <= 1, "a value in (0, 1]"),
		bad("Lambda", c.Lambda, c.Lambda >= 0 && c.Lambda <= 1, "a value in [0, 1]"),
		bad("MaxKL", c.MaxKL, c.MaxKL > 0, "> 0"),
		bad("Damping", c.Damping, c.Damping >= 0, "≥ 0"),
		bad("BacktrackCoeff", c.BacktrackCoeff, c.BacktrackCoeff > 0 && c.BacktrackCoeff < 1, "a value in (0, 1)"),
		bad("LearningRate", c.LearningRate, c.LearningRate > 0, "> 0"),
		bad("InitLogStd", c.InitLogStd, true, "a finite value"),
	} {
		if e != nil {
			return e
		}
	}
	for name, v := range map[string]int{"TotalSteps": c.TotalSteps, "StepsPerIter": c.StepsPerIter, "Envs": c.Envs,
		"CGIters": c.CGIters, "BacktrackIters": c.BacktrackIters, "FisherSubsample": c.FisherSubsample} {
		if v <= 0 {
			return fmt.Errorf("trpo: Config.%s = %d, want > 0", name, v)
		}
	}
	if c.StepsPerIter%c.Envs != 0 {
		return fmt.Errorf("trpo: Config.StepsPerIter = %d is not a multiple of Envs = %d", c.StepsPerIter, c.Envs)
	}
	if c.Algorithm < TRPO || c.Algorithm > VanillaPG {
		return fmt.Errorf("trpo: unknown Config.Algorithm %d", int(c.Algorithm))
	}
	for i, h := range c.Hidden {
		if h <= 0 {
			return fmt.Errorf("trpo: Config.Hidden[%d] = %d, want > 0", i, h)
		}
	}
	return nil
}

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
