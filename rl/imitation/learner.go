package imitation

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"sync"

	"github.com/rlcontrol/rlcontrol/rl/nn"
	"github.com/rlcontrol/rlcontrol/rl/system"
	"gonum.org/v1/gonum/mat"
)

// PolicyConfig describes a learner. Zero optional fields take the defaults
// in their comments.
type PolicyConfig struct {
	// ObsDim and ActDim are the observation and action lengths (≥ 1).
	ObsDim, ActDim int
	// Hidden are the mean network's hidden widths (default nil: {64, 64}).
	Hidden []int
	// Activation of the hidden layers (default nn.Tanh).
	Activation nn.Activation
	// MinStd is the smallest σ_j the fit may set (default 0.01; > 0), so
	// the policy stays a proper density when it fits its data exactly.
	MinStd float64
	// Seed seeds the initial weights.
	Seed uint64
}

// WithDefaults returns c with its zero fields set to their defaults, or an
// error naming the first invalid field.
func (c PolicyConfig) WithDefaults() (PolicyConfig, error) {
	if c.ObsDim < 1 || c.ActDim < 1 {
		return c, fmt.Errorf("imitation: PolicyConfig ObsDim = %d, ActDim = %d, want both ≥ 1", c.ObsDim, c.ActDim)
	}
	if c.MinStd == 0 {
		c.MinStd = 0.01
	}
	if !(c.MinStd > 0) || math.IsInf(c.MinStd, 0) {
		return c, fmt.Errorf("imitation: PolicyConfig.MinStd = %v, want a finite value > 0", c.MinStd)
	}
	return c, nil
}

// Policy is the learner of behaviour cloning, DAgger, PLATO and guided
// policy search: a Gaussian policy
//
//	π_θ(u | o) = N(μ_θ(o), diag(σ²))
//
// whose mean μ_θ is an nn.MLP fitted by regression (mean squared error,
// Adam, inputs and outputs normalised by the data: states, velocities and
// torques have different scales) and whose σ is the root-mean-square
// residual of that fit per action component (at least MinStd): the maximum
// likelihood σ for the fitted mean. Methods are safe for concurrent use;
// Fit runs one at a time.
type Policy struct {
	mu   sync.RWMutex
	cfg  PolicyConfig
	mean *nn.MLP
	std  []float64
}

// NewPolicy returns an untrained learner (σ = 1 until the first Fit).
func NewPolicy(cfg PolicyConfig) (*Policy, error) {
	cfg, err := cfg.WithDefaults()
	if err != nil {
		return nil, err
	}
	m, err := nn.New(nn.Config{In: cfg.ObsDim, Out: cfg.ActDim, Hidden: cfg.Hidden, Activation: cfg.Activation, Seed: cfg.Seed})
	if err != nil {
		return nil, fmt.Errorf("imitation: %w", err)
	}
	std := make([]float64, cfg.ActDim)
	for j := range std {
		std[j] = 1
	}
	return &Policy{cfg: cfg, mean: m, std: std}, nil
}

// Config returns the configuration with defaults filled in.
func (p *Policy) Config() PolicyConfig { return p.cfg }

// ObsDim returns the observation length.
func (p *Policy) ObsDim() int { return p.cfg.ObsDim }

// ActDim returns the action length.
func (p *Policy) ActDim() int { return p.cfg.ActDim }

// Network returns the mean network (shared, not a copy): for its Jacobian
// (Linearize), checkpoints and inspection.
func (p *Policy) Network() *nn.MLP {
	p.mu.RLock()
	defer p.mu.RUnlock()
	return p.mean
}

// Std returns a copy of σ.
func (p *Policy) Std() []float64 {
	p.mu.RLock()
	defer p.mu.RUnlock()
	return append([]float64(nil), p.std...)
}

// Clone returns an independent copy.
func (p *Policy) Clone() *Policy {
	p.mu.RLock()
	defer p.mu.RUnlock()
	return &Policy{cfg: p.cfg, mean: p.mean.Clone(), std: append([]float64(nil), p.std...)}
}

func (p *Policy) check() error {
	if p == nil || p.mean == nil {
		return errors.New("imitation: nil Policy or one not made by NewPolicy")
	}
	return nil
}

// Fit regresses the mean on the pairs (obs[i], act[i]) with nn.MLP.Fit
// (continuing from the current weights: a second Fit on an aggregated data
// set refines the first) and then sets σ_j to the root-mean-square residual
// of component j, at least MinStd. It returns the loss of every epoch, in
// normalised units (1: no better than the mean action). It returns the
// errors of nn.MLP.Fit (empty or ragged data, non-finite values, a bad
// cfg), prefixed, and changes nothing then.
func (p *Policy) Fit(obs, act [][]float64, cfg nn.FitConfig) ([]float64, error) {
	if err := p.check(); err != nil {
		return nil, err
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	next := p.mean.Clone()
	losses, err := next.Fit(obs, act, cfg)
	if err != nil {
		return nil, fmt.Errorf("imitation: fitting the policy: %w", err)
	}
	pred, err := next.Predict(obs)
	if err != nil {
		return nil, fmt.Errorf("imitation: fitting the policy: %w", err)
	}
	std := make([]float64, p.cfg.ActDim)
	for i, row := range pred {
		for j, v := range row {
			d := v - act[i][j]
			std[j] += d * d
		}
	}
	for j := range std {
		std[j] = math.Max(p.cfg.MinStd, math.Sqrt(std[j]/float64(len(pred))))
	}
	p.mean, p.std = next, std
	return losses, nil
}

// Mean returns μ_θ(o) for each observation, in one graph call per 4096 rows.
// It returns nn.MLP.Predict's errors (wrong lengths, non-finite values).
func (p *Policy) Mean(obs [][]float64) ([][]float64, error) {
	if err := p.check(); err != nil {
		return nil, err
	}
	p.mu.RLock()
	m := p.mean
	p.mu.RUnlock()
	out, err := m.Predict(obs)
	if err != nil {
		return nil, fmt.Errorf("imitation: policy mean: %w", err)
	}
	return out, nil
}

// Linearize returns μ_θ(o_b) and the Jacobian ∂μ/∂o (ActDim × ObsDim) at each
// observation, so that μ_θ(o) ≈ μ_b + J_b (o − o_b): the local linear policy
// that guided policy search and PLATO compare a controller with.
func (p *Policy) Linearize(obs [][]float64) ([][]float64, []*mat.Dense, error) {
	if err := p.check(); err != nil {
		return nil, nil, err
	}
	p.mu.RLock()
	m := p.mean
	p.mu.RUnlock()
	y, J, err := m.Linearize(obs)
	if err != nil {
		return nil, nil, fmt.Errorf("imitation: linearising the policy: %w", err)
	}
	return y, J, nil
}

// Runner returns a system.Policy that runs this learner on a system through
// obs: each Act observes the state (remembering the previous one, for
// two-frame observations) and returns μ_θ(o), or a sample from π_θ(u|o)
// when given a random source. A Runner serves one rollout: make one per
// rollout. The observer must fit the state (ObsDim(n) = the policy's
// ObsDim), checked at the first Act.
func (p *Policy) Runner(obs Observer) system.Policy {
	return &runner{p: p, obs: obs}
}

type runner struct {
	p       *Policy
	obs     Observer
	prev, o []float64
	checked bool
}

func (r *runner) Act(u []float64, t int, x []float64, rng *rand.Rand) error {
	if err := r.p.check(); err != nil {
		return err
	}
	if r.obs == nil {
		return errors.New("imitation: Runner has a nil Observer")
	}
	if !r.checked {
		d, err := r.obs.ObsDim(len(x))
		if err != nil {
			return err
		}
		if d != r.p.cfg.ObsDim {
			return fmt.Errorf("imitation: observer %q gives %d numbers for a state of length %d, the policy takes %d", r.obs.Name(), d, len(x), r.p.cfg.ObsDim)
		}
		r.o, r.prev, r.checked = make([]float64, d), make([]float64, len(x)), true
	}
	if len(u) != r.p.cfg.ActDim {
		return fmt.Errorf("imitation: action has length %d, want %d", len(u), r.p.cfg.ActDim)
	}
	if t == 0 || len(r.prev) != len(x) {
		copy(r.prev, x)
	}
	r.obs.Observe(r.o, x, r.prev)
	copy(r.prev, x)
	mean, err := r.p.Mean([][]float64{r.o})
	if err != nil {
		return fmt.Errorf("imitation: step %d: %w", t, err)
	}
	copy(u, mean[0])
	if rng != nil {
		std := r.p.Std()
		for j := range u {
			u[j] += std[j] * rng.NormFloat64()
		}
	}
	return nil
}
