package policy

import (
	"fmt"
	"math"

	"github.com/rlcontrol/rlcontrol/rl/internal/config"
	"github.com/rlcontrol/rlcontrol/rl/internal/limits"
	"github.com/rlcontrol/rlcontrol/rl/nn"
	"github.com/rlcontrol/rlcontrol/rl/system"
)

// ValueConfig describes a value-function network. The zero value of every
// optional field selects the default given in its comment.
type ValueConfig struct {
	// ObsDim is the observation length (required, ≥ 1).
	ObsDim int
	// Hidden are the hidden widths (default nil: []int{64, 64}, as Spinning
	// Up's critic; a non-nil empty slice gives a linear baseline).
	Hidden []int
	// Activation of the hidden layers (default nn.Tanh).
	Activation nn.Activation
	// Seed seeds the initial weights.
	Seed uint64
}

// WithDefaults returns c with its zero fields set to their defaults, or an
// error naming the first invalid field.
func (c ValueConfig) WithDefaults() (ValueConfig, error) {
	if c.ObsDim < 1 {
		return c, fmt.Errorf("policy: ValueConfig.ObsDim = %d, want ≥ 1", c.ObsDim)
	}
	mc, err := nn.Config{In: c.ObsDim, Hidden: c.Hidden, Out: 1, Activation: c.Activation, Seed: c.Seed}.WithDefaults()
	if err != nil {
		return c, fmt.Errorf("policy: ValueConfig: %w", err)
	}
	c.Hidden = mc.Hidden
	return c, nil
}

// ValueFitConfig configures Value.Fit. The zero value of every field
// selects the default given in its comment.
type ValueFitConfig struct {
	// Epochs is the number of passes over the batch (default 5; 1 to
	// limits.MaxElements = 2^27, as nn.FitConfig.Epochs).
	// With the default BatchSize a TRPO batch of 4000 samples gets
	// 5 × 16 = 80 Adam steps, as many as Spinning Up's train_v_iters but
	// each on a minibatch of 256 rather than the whole batch. Measured on pendulum TRPO-style batches
	// (2 cores): 5 epochs take about 0.2 s per 4000 samples and V explains
	// about 90% of the λ-returns' variance after 8 iterations; 10 epochs
	// take 0.4 s and fit the early iterations better; full-batch steps
	// (BatchSize ≥ 4000) fit much worse for the same time.
	Epochs int
	// BatchSize is the minibatch size of each Adam step (default 256; ≥ 1;
	// capped at the number of samples, so a large value gives Spinning Up's
	// full-batch steps). One step is one graph call.
	BatchSize int
	// LearningRate is Adam's step size (default 1e-3, Spinning Up's vf_lr;
	// > 0). Targets are standardised by the fit, so it does not depend on
	// the scale of the returns.
	LearningRate float64
	// Seed seeds the shuffling of the samples.
	Seed uint64
}

// WithDefaults returns c with its zero fields set to their defaults, or an
// error naming the first invalid field.
func (c ValueFitConfig) WithDefaults() (ValueFitConfig, error) {
	config.Or(&c.Epochs, 5)
	config.Or(&c.BatchSize, 256)
	config.Or(&c.LearningRate, 1e-3)
	switch {
	case c.Epochs < 1 || c.Epochs > limits.MaxElements:
		return c, fmt.Errorf("policy: ValueFitConfig.Epochs = %d, want 1 to %d", c.Epochs, limits.MaxElements)
	case c.BatchSize < 1:
		return c, fmt.Errorf("policy: ValueFitConfig.BatchSize = %d, want ≥ 1", c.BatchSize)
	case !config.Positive(c.LearningRate):
		return c, fmt.Errorf("policy: ValueFitConfig.LearningRate = %v, want a finite value > 0", c.LearningRate)
	}
	return c, nil
}

// Value is a state-value function V(s), the baseline of GAE: an nn.MLP from
// observations to one number, fitted by regression on returns (or λ-returns).
//
// Fit re-estimates the network's input and output normaliser from every
// batch (keeping the function it had, see nn.FitConfig.KeepNormalizer), so
// V learns in standardised units whatever the scale of the returns
// (Pendulum's are in the hundreds) and carries over from one TRPO
// iteration to the next. Adam's moments restart at every Fit.
//
// Methods are safe for concurrent use. Make a Value with NewValue,
// ReadValue or LoadValue: the methods of a nil or zero Value return an
// error where they have an error result and panic otherwise.
type Value struct {
	mlp *nn.MLP
}

// NewValue returns a value network initialised from cfg.Seed.
func NewValue(cfg ValueConfig) (*Value, error) {
	cfg, err := cfg.WithDefaults()
	if err != nil {
		return nil, err
	}
	m, err := nn.New(nn.Config{In: cfg.ObsDim, Hidden: cfg.Hidden, Out: 1, Activation: cfg.Activation, Seed: cfg.Seed})
	if err != nil {
		return nil, fmt.Errorf("policy: NewValue: %w", err)
	}
	return &Value{mlp: m}, nil
}

// MustNewValue is NewValue that panics on error, for notebooks: it panics
// if cfg is invalid.
func MustNewValue(cfg ValueConfig) *Value {
	v, err := NewValue(cfg)
	if err != nil {
		panic(err)
	}
	return v
}

// MLP returns the underlying network (shared, not a copy).
func (v *Value) MLP() *nn.MLP { return v.mlp }

// ObsDim returns the observation length.
func (v *Value) ObsDim() int { return v.mlp.In() }

// NumParams, Params and SetParams expose the network's flat parameters
// (see nn.MLP).
func (v *Value) NumParams() int { return v.mlp.NumParams() }

// Params returns a copy of the network's flat parameters.
func (v *Value) Params() []float64 { return v.mlp.Params() }

// SetParams sets the network's flat parameters (see nn.MLP.SetParams).
func (v *Value) SetParams(p []float64) error {
	if err := v.check("Value.SetParams"); err != nil {
		return err
	}
	return v.mlp.SetParams(p)
}

// check returns an error if v was not made by NewValue, ReadValue or
// LoadValue.
func (v *Value) check(fn string) error {
	if v == nil || v.mlp == nil {
		return fmt.Errorf("policy: %s: nil Value (make one with NewValue)", fn)
	}
	return nil
}

// Clone returns an independent copy.
func (v *Value) Clone() *Value { return &Value{mlp: v.mlp.Clone()} }

// Predict returns V(s) for each observation, in one graph call per 4096
// rows. It returns an error if v is nil, naming a bad observation, or
// naming the first value that overflows float64.
func (v *Value) Predict(obs [][]float64) ([]float64, error) {
	if err := v.check("Value.Predict"); err != nil {
		return nil, err
	}
	if err := checkRows("Value.Predict", "obs", obs, v.mlp.In()); err != nil {
		return nil, err
	}
	y, err := v.mlp.Predict(obs)
	if err != nil {
		return nil, fmt.Errorf("policy: Value.Predict: %w", err)
	}
	out := make([]float64, len(y))
	for i, r := range y {
		out[i] = r[0]
	}
	return out, nil
}

// Fit regresses V(obs[i]) on returns[i] by minimising the mean squared
// error with Adam (see ValueFitConfig) and returns the mean training loss
// of every epoch, in standardised units (1 is as good as predicting the
// mean return; 1 − loss is roughly the explained variance). On error the
// network is left as it was. It returns an error if v is nil, cfg is
// invalid, obs and returns differ in length or hold a bad entry, or (as
// nn.MLP.Fit, which sees obs as X and returns as Y) the returns are so
// large that their standard deviation overflows float64.
func (v *Value) Fit(obs [][]float64, returns []float64, cfg ValueFitConfig) ([]float64, error) {
	if err := v.check("Value.Fit"); err != nil {
		return nil, err
	}
	cfg, err := cfg.WithDefaults()
	if err != nil {
		return nil, err
	}
	if len(obs) != len(returns) {
		return nil, fmt.Errorf("policy: Value.Fit: %d observations but %d returns", len(obs), len(returns))
	}
	if err := checkRows("Value.Fit", "obs", obs, v.mlp.In()); err != nil {
		return nil, err
	}
	Y := make([][]float64, len(returns))
	for i, r := range returns {
		if math.IsNaN(r) || math.IsInf(r, 0) {
			return nil, fmt.Errorf("policy: Value.Fit: returns[%d] = %v is not finite", i, r)
		}
		Y[i] = []float64{r}
	}
	loss, err := v.mlp.Fit(obs, Y, nn.FitConfig{Epochs: cfg.Epochs, BatchSize: cfg.BatchSize,
		LearningRate: cfg.LearningRate, Seed: cfg.Seed})
	if err != nil {
		return nil, fmt.Errorf("policy: Value.Fit (X = obs, Y[i][0] = returns[i]): %w", err)
	}
	return loss, nil
}

// Evaluate returns V(Obs[k]) for every step of b and the value of the
// observation that followed each step, next[k] = V(s_{k+1}), in one
// Predict call (see Batch.NextValues for how next is assembled): the
// inputs of GAE. It returns an error if v or b is nil, b's fields
// disagree in length, or an observation or value is not finite.
func (v *Value) Evaluate(b *Batch) (values, next []float64, err error) {
	if err := v.check("Value.Evaluate"); err != nil {
		return nil, nil, err
	}
	if err := b.check("Value.Evaluate", true); err != nil {
		return nil, nil, err
	}
	if err := checkRows("Value.Evaluate", "Batch.Obs", b.Obs, v.mlp.In()); err != nil {
		return nil, nil, err
	}
	for k, o := range b.BootObs {
		if o == nil {
			continue
		}
		// CheckVec("", …) says " has length …" or "[j] = … is not finite".
		if err := system.CheckVec("", o, v.mlp.In()); err != nil {
			return nil, nil, fmt.Errorf("policy: Value.Evaluate: Batch.BootObs[%d]%w", k, err)
		}
	}
	idx := b.BootIndex()
	all := make([][]float64, 0, len(b.Obs)+len(idx))
	all = append(all, b.Obs...)
	for _, k := range idx {
		all = append(all, b.BootObs[k])
	}
	pred, err := v.Predict(all)
	if err != nil {
		return nil, nil, fmt.Errorf("policy: Value.Evaluate: %w", err)
	}
	values = pred[:len(b.Obs):len(b.Obs)]
	next, err = b.NextValues(values, pred[len(b.Obs):])
	if err != nil {
		return nil, nil, fmt.Errorf("policy: Value.Evaluate: %w", err)
	}
	return values, next, nil
}
