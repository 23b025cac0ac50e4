package policy

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"sync"

	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/rlcontrol/rlcontrol/rl/internal/config"
	"github.com/rlcontrol/rlcontrol/rl/internal/limits"
	"github.com/rlcontrol/rlcontrol/rl/mlx"
	"github.com/rlcontrol/rlcontrol/rl/nn"
)

// DefaultInitStd is the initial standard deviation σ = e^−0.5 of a
// Gaussian policy whose config leaves InitStd zero (policy.GaussianConfig
// and trpo.Config share it). log(DefaultInitStd) is −0.5 exactly.
const DefaultInitStd = 0.6065306597126334 // math.Exp(-0.5)

// MaxAbsLogStd bounds the log standard deviations a policy accepts:
// |logσ| ≤ 700, so that σ = e^logσ and 1/σ are finite and non-zero (they
// overflow to +Inf or underflow to 0 beyond about 709.8). SetParams,
// NewGaussian (through InitStd) and ReadGaussian refuse logσ outside.
const MaxAbsLogStd = 700

// logStdOK reports whether |l| ≤ MaxAbsLogStd (false for NaN).
func logStdOK(l float64) bool { return math.Abs(l) <= MaxAbsLogStd }

// logStdError is the error for a log-std l outside ±MaxAbsLogStd, named
// what.
func logStdError(what string, l float64) error {
	return fmt.Errorf("%s = %v, want |logσ| ≤ %d so that σ = e^logσ and 1/σ are finite and non-zero", what, l, MaxAbsLogStd)
}

// GaussianConfig describes a Gaussian MLP policy. The zero value of every
// optional field selects the default given in its comment.
type GaussianConfig struct {
	// ObsDim is the observation length (required, ≥ 1).
	ObsDim int
	// ActDim is the action length (required, ≥ 1).
	ActDim int
	// Hidden are the widths of the mean network's hidden layers (default
	// nil: []int{64, 64}, Spinning Up's choice; modular_rl uses {64, 64}
	// too). A non-nil empty slice gives a linear policy μ(s) = sW + b.
	Hidden []int
	// Activation of the hidden layers (default nn.Tanh, the usual choice
	// for policies: smooth and bounded).
	Activation nn.Activation
	// InitStd is the initial value σ of every component of the standard
	// deviation, logσ = log InitStd, in [e^−700, e^700] (see
	// MaxAbsLogStd; default DefaultInitStd =
	// e^−0.5 ≈ 0.61, Spinning Up's choice; modular_rl uses 1). Pick σ
	// around a third to a half of the action range: exploration comes only
	// from σ at first, and TRPO shrinks it as the policy learns.
	InitStd float64
	// OutputScale multiplies the initial weights of the mean's output layer
	// (default 0.01; > 0), so the initial policy's mean is close to 0 for
	// every state and the first samples explore around it, as modular_rl
	// and OpenAI Baselines initialise TRPO policies. 1 keeps Glorot's
	// scale.
	OutputScale float64
	// Seed seeds the mean network's initial weights: the same config gives
	// the same policy bit for bit.
	Seed uint64
}

// WithDefaults returns c with its zero fields set to their defaults, or an
// error naming the first invalid field.
func (c GaussianConfig) WithDefaults() (GaussianConfig, error) {
	const fn = "policy: GaussianConfig"
	config.Or(&c.InitStd, DefaultInitStd)
	config.Or(&c.OutputScale, 0.01)
	switch {
	case c.ObsDim < 1:
		return c, fmt.Errorf("%s.ObsDim = %d, want ≥ 1", fn, c.ObsDim)
	case c.ActDim < 1:
		return c, fmt.Errorf("%s.ActDim = %d, want ≥ 1", fn, c.ActDim)
	case !(c.InitStd > 0) || !logStdOK(math.Log(c.InitStd)):
		return c, fmt.Errorf("%s.InitStd = %v, want a value in [e^−%d, e^%d]", fn, c.InitStd, MaxAbsLogStd, MaxAbsLogStd)
	}
	mc, err := nn.Config{In: c.ObsDim, Hidden: c.Hidden, Out: c.ActDim, Activation: c.Activation,
		Seed: c.Seed, OutputScale: c.OutputScale}.WithDefaults()
	if err != nil {
		return c, fmt.Errorf("policy: GaussianConfig: %w", err)
	}
	c.Hidden = mc.Hidden
	return c, nil
}

// Gaussian is a Gaussian MLP policy with a state-independent standard
// deviation,
//
//	π_θ(a|s) = N(μ_θ(s), diag(σ²)),   σ = exp(logσ),
//
// the policy class of TRPO's continuous-control experiments: μ is an
// nn.MLP (tanh, 64×64 by default) and logσ a free vector of length ActDim.
//
// The parameters form one flat vector θ = [MLP parameters..., logσ...]
// (the MLP's layout is in nn.MLP's doc comment), of length NumParams: the
// vector TRPO's conjugate gradient and line search move. MeanLogStd builds
// μ and logσ from a θ node inside any graph; Act, Mean, LogProb and MeanKL
// are batched conveniences that run one graph call per batch (batches are
// padded to a power of two, so a policy compiles at most a few graphs per
// method).
//
// The mean network has no observation normaliser (its nn.MLP normaliser is
// the identity): observations should be of order one, as Pendulum's and
// CartPole's are. Sampled actions are not squashed or clipped: the
// environment clips them (as Gym does), and the log-probability is that of
// the unclipped sample.
//
// Methods are safe for concurrent use. Make a Gaussian with NewGaussian,
// ReadGaussian or LoadGaussian: the methods of a nil or zero Gaussian
// return an error where they have an error result and panic otherwise.
type Gaussian struct {
	cfg  GaussianConfig
	mlp  *nn.MLP // the mean network's architecture; its own θ is unused
	nMLP int

	mu     sync.Mutex // guards theta, thetaT and the execs
	theta  []float64
	thetaT *tensors.Tensor // θ as a tensor, rebuilt after SetParams

	actExec, meanExec, logpExec, klExec *graph.Exec
}

// NewGaussian returns a policy with the mean network initialised from
// cfg.Seed (see nn.New) and logσ = log InitStd.
func NewGaussian(cfg GaussianConfig) (*Gaussian, error) {
	cfg, err := cfg.WithDefaults()
	if err != nil {
		return nil, err
	}
	m, err := nn.New(nn.Config{In: cfg.ObsDim, Hidden: cfg.Hidden, Out: cfg.ActDim, Activation: cfg.Activation,
		Seed: cfg.Seed, OutputScale: cfg.OutputScale})
	if err != nil {
		return nil, fmt.Errorf("policy: NewGaussian: %w", err)
	}
	logStd := make([]float64, cfg.ActDim)
	for i := range logStd {
		logStd[i] = math.Log(cfg.InitStd)
	}
	return fromMLP(cfg, m, logStd), nil
}

// MustNewGaussian is NewGaussian that panics on error, for notebooks: it
// panics if cfg is invalid.
func MustNewGaussian(cfg GaussianConfig) *Gaussian {
	g, err := NewGaussian(cfg)
	if err != nil {
		panic(err)
	}
	return g
}

// fromMLP assembles a policy from a mean network (whose θ it takes) and a
// log-std vector.
func fromMLP(cfg GaussianConfig, m *nn.MLP, logStd []float64) *Gaussian {
	g := &Gaussian{cfg: cfg, mlp: m, nMLP: m.NumParams()}
	g.theta = append(m.Params(), logStd...)
	return g
}

// Config returns the configuration with defaults filled in.
func (g *Gaussian) Config() GaussianConfig {
	c := g.cfg
	c.Hidden = slices.Clone(c.Hidden)
	return c
}

// ObsDim returns the observation length.
func (g *Gaussian) ObsDim() int { return g.cfg.ObsDim }

// ActDim returns the action length.
func (g *Gaussian) ActDim() int { return g.cfg.ActDim }

// NumParams returns the length of θ: the mean network's parameters plus
// ActDim log-stds.
func (g *Gaussian) NumParams() int { return g.nMLP + g.cfg.ActDim }

// NumMeanParams returns the number of the mean network's parameters, the
// offset of logσ in θ.
func (g *Gaussian) NumMeanParams() int { return g.nMLP }

// Params returns a copy of θ = [MLP parameters..., logσ...].
func (g *Gaussian) Params() []float64 {
	g.mu.Lock()
	defer g.mu.Unlock()
	return slices.Clone(g.theta)
}

// SetParams copies p into θ. It returns an error, changing nothing, if g
// is nil, p has the wrong length or a non-finite entry, or a logσ is
// outside [−MaxAbsLogStd, MaxAbsLogStd].
func (g *Gaussian) SetParams(p []float64) error {
	if err := g.check("SetParams"); err != nil {
		return err
	}
	if len(p) != g.NumParams() {
		return fmt.Errorf("policy: SetParams: %d parameters, want NumParams() = %d", len(p), g.NumParams())
	}
	for i, x := range p {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return fmt.Errorf("policy: SetParams: p[%d] = %v is not finite", i, x)
		}
	}
	for j, l := range p[g.nMLP:] {
		if !logStdOK(l) {
			return fmt.Errorf("policy: SetParams: %w", logStdError(fmt.Sprintf("p[%d] = logσ[%d]", g.nMLP+j, j), l))
		}
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	copy(g.theta, p)
	g.thetaT = nil
	return nil
}

// LogStd returns a copy of logσ.
func (g *Gaussian) LogStd() []float64 {
	g.mu.Lock()
	defer g.mu.Unlock()
	return slices.Clone(g.theta[g.nMLP:])
}

// Std returns σ = exp(logσ).
func (g *Gaussian) Std() []float64 {
	s := g.LogStd()
	for i := range s {
		s[i] = math.Exp(s[i])
	}
	return s
}

// Entropy returns the policy's differential entropy, the same in every
// state: Σ_j logσ_j + (A/2)(1 + log 2π).
func (g *Gaussian) Entropy() float64 {
	h := 0.5 * float64(g.cfg.ActDim) * (1 + log2Pi)
	for _, l := range g.LogStd() {
		h += l
	}
	return h
}

// Clone returns an independent copy (TRPO keeps one as the old policy).
func (g *Gaussian) Clone() *Gaussian {
	g.mu.Lock()
	defer g.mu.Unlock()
	return &Gaussian{cfg: g.Config(), mlp: g.mlp.Clone(), nMLP: g.nMLP, theta: slices.Clone(g.theta)}
}

// MeanLogStd builds the policy's mean μ_θ(obs) [B, ActDim] and its log-std
// [B, ActDim] (logσ broadcast over the batch) inside a GoMLX graph. theta
// is a float64 node of shape [NumParams()] holding θ, obs a float64 node
// of shape [B, ObsDim()]. θ is read through mlx.Segment, so the result can
// be differentiated twice with respect to theta (Fisher-vector products).
//
// Like nn.MLP.Forward it panics on nil nodes and wrong shapes; GoMLX turns
// the panic into the error of the Exec call.
func (g *Gaussian) MeanLogStd(theta, obs *graph.Node) (mean, logStd *graph.Node) {
	P := g.NumParams()
	if theta == nil || obs == nil {
		panic(fmt.Errorf("policy: Gaussian.MeanLogStd: theta or obs is a nil node"))
	}
	if theta.DType() != dtypes.Float64 || theta.Rank() != 1 || theta.Shape().Dimensions[0] != P {
		panic(fmt.Errorf("policy: Gaussian.MeanLogStd: theta has shape %s, want (Float64)[%d]", theta.Shape(), P))
	}
	if obs.DType() != dtypes.Float64 || obs.Rank() != 2 || obs.Shape().Dimensions[1] != g.cfg.ObsDim {
		panic(fmt.Errorf("policy: Gaussian.MeanLogStd: obs has shape %s, want (Float64)[batch, %d]", obs.Shape(), g.cfg.ObsDim))
	}
	return g.meanLogStd(theta, obs, mlx.Segment)
}

// meanLogStd is MeanLogStd with the way θ is cut into the network's and
// logσ's parts as a parameter: mlx.Segment (a Gather, twice
// differentiable) for MeanLogStd, sliceSegment (a Slice, cheaper) for the
// package's own graphs, which differentiate at most once.
func (g *Gaussian) meanLogStd(theta, obs *graph.Node, segment func(theta *graph.Node, from, n int) *graph.Node) (mean, logStd *graph.Node) {
	A := g.cfg.ActDim
	mean = g.mlp.Forward(segment(theta, 0, g.nMLP), obs)
	B := obs.Shape().Dimensions[0]
	logStd = graph.BroadcastToDims(graph.Reshape(segment(theta, g.nMLP, A), 1, A), B, A)
	return mean, logStd
}

// sliceSegment returns theta[from : from+n] by a Slice.
func sliceSegment(theta *graph.Node, from, n int) *graph.Node {
	return graph.Slice(theta, graph.AxisRange(from, from+n))
}

// fastMeanLogStd is MeanLogStd for graphs that are not differentiated
// twice.
func (g *Gaussian) fastMeanLogStd(theta, obs *graph.Node) (mean, logStd *graph.Node) {
	return g.meanLogStd(theta, obs, sliceSegment)
}

// thetaTensor returns θ as a tensor; g.mu must be held.
func (g *Gaussian) thetaTensor() *tensors.Tensor {
	if g.thetaT == nil {
		g.thetaT = tensors.FromFlatDataAndDimensions(g.theta, len(g.theta))
	}
	return g.thetaT
}

// newExec compiles fn lazily on the pure-Go backend, caching one graph
// per input shape without limit (batch sizes are padded to powers of two).
func newExec[F graph.ExecGraphFn](fn F) *graph.Exec {
	e, err := graph.NewExec(mlx.Backend(), fn)
	if err != nil {
		panic(err) // only for an unsupported function signature
	}
	return e.SetMaxCache(-1)
}

// exec returns the named compiled graph, creating it on first use; g.mu
// must be held. Each is compiled once per padded batch size and cached.
func (g *Gaussian) exec(name string) *graph.Exec {
	switch name {
	case "act":
		if g.actExec == nil {
			// a = μ + σ ⊙ ε with ε ~ N(0, I) drawn in Go.
			g.actExec = newExec(func(theta, obs, eps *graph.Node) (*graph.Node, *graph.Node, *graph.Node) {
				mean, logStd := g.fastMeanLogStd(theta, obs)
				act := graph.Add(mean, graph.Mul(graph.Exp(logStd), eps))
				return act, LogProb(mean, logStd, act), mean
			})
		}
		return g.actExec
	case "mean":
		if g.meanExec == nil {
			g.meanExec = newExec(func(theta, obs *graph.Node) *graph.Node {
				mean, _ := g.fastMeanLogStd(theta, obs)
				return mean
			})
		}
		return g.meanExec
	case "logp":
		if g.logpExec == nil {
			g.logpExec = newExec(func(theta, obs, act *graph.Node) *graph.Node {
				mean, logStd := g.fastMeanLogStd(theta, obs)
				return LogProb(mean, logStd, act)
			})
		}
		return g.logpExec
	case "kl":
		if g.klExec == nil {
			// Weighted mean of KL(π_θ0 ‖ π_θ1); padding rows have weight 0.
			g.klExec = newExec(func(theta0, theta1, obs, w *graph.Node) *graph.Node {
				m0, l0 := g.fastMeanLogStd(theta0, obs)
				m1, l1 := g.fastMeanLogStd(theta1, obs)
				kl := KL(m0, l0, m1, l1)
				return graph.Div(graph.ReduceAllSum(graph.Mul(kl, w)), graph.ReduceAllSum(w))
			})
		}
		return g.klExec
	}
	panic("policy: unknown exec " + name)
}

// Act samples one action per observation, a = μ_θ(s) + σ ⊙ ε with
// ε ~ N(0, I) drawn from rng in row order (so the same θ, observations and
// rng state give the same actions bit for bit), in one graph call. It
// returns the actions, their log-probabilities log π_θ(a|s) and the means
// μ_θ(s). It returns an error if g or rng is nil, an observation has the
// wrong length or a non-finite entry (the error names it), the actions
// would hold more than limits.MaxElements values (rows × ActDim), or the
// policy overflows float64 (the error names the first non-finite mean,
// action or log-probability).
//
// Results are exactly reproducible for the same batch size; graphs of
// different batch sizes may round the matrix products differently, so
// Mean or LogProb of the same rows in a bigger batch agree to about 1e-16
// relative, not bit for bit.
func (g *Gaussian) Act(obs [][]float64, rng *rand.Rand) (actions [][]float64, logp []float64, mean [][]float64, err error) {
	const fn = "Act"
	if err := g.check(fn); err != nil {
		return nil, nil, nil, err
	}
	if rng == nil {
		return nil, nil, nil, fmt.Errorf("policy: %s: rng is nil", fn)
	}
	if err := g.checkObs(fn, obs); err != nil {
		return nil, nil, nil, err
	}
	n, A := len(obs), g.cfg.ActDim
	if n == 0 {
		return [][]float64{}, []float64{}, [][]float64{}, nil
	}
	B := bucket(n)
	eps := make([]float64, B*A)
	for i := range n * A {
		eps[i] = rng.NormFloat64()
	}
	g.mu.Lock()
	outs, err := g.exec("act").Call(g.thetaTensor(), padRows(obs, g.cfg.ObsDim, B),
		tensors.FromFlatDataAndDimensions(eps, B, A))
	g.mu.Unlock()
	if err != nil {
		return nil, nil, nil, fmt.Errorf("policy: %s: %w", fn, err)
	}
	flat, err := fetch(outs)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("policy: %s: %w", fn, err)
	}
	if err := checkOutputs(fn, n, output{"mean", flat[2], A}, output{"actions", flat[0], A}, output{"logp", flat[1], 0}); err != nil {
		return nil, nil, nil, err
	}
	return rows(flat[0], n, A), flat[1][:n:n], rows(flat[2], n, A), nil
}

// Mean returns μ_θ(s) for each observation, in one graph call. It returns
// Act's errors (but needs no rng).
func (g *Gaussian) Mean(obs [][]float64) ([][]float64, error) {
	const fn = "Mean"
	if err := g.check(fn); err != nil {
		return nil, err
	}
	if err := g.checkObs(fn, obs); err != nil {
		return nil, err
	}
	n := len(obs)
	if n == 0 {
		return [][]float64{}, nil
	}
	g.mu.Lock()
	outs, err := g.exec("mean").Call(g.thetaTensor(), padRows(obs, g.cfg.ObsDim, bucket(n)))
	g.mu.Unlock()
	if err != nil {
		return nil, fmt.Errorf("policy: %s: %w", fn, err)
	}
	flat, err := fetch(outs)
	if err != nil {
		return nil, fmt.Errorf("policy: %s: %w", fn, err)
	}
	if err := checkOutputs(fn, n, output{"mean", flat[0], g.cfg.ActDim}); err != nil {
		return nil, err
	}
	return rows(flat[0], n, g.cfg.ActDim), nil
}

// LogProb returns log π_θ(act[i] | obs[i]) for each pair, in one graph
// call. It returns an error if g is nil, obs and act differ in length,
// hold a row of the wrong length or a non-finite entry, or a
// log-probability is not finite (an action so far from the mean, for σ,
// that its density underflows to 0).
func (g *Gaussian) LogProb(obs, act [][]float64) ([]float64, error) {
	const fn = "LogProb"
	if err := g.check(fn); err != nil {
		return nil, err
	}
	if len(act) != len(obs) {
		return nil, fmt.Errorf("policy: %s: %d observations but %d actions", fn, len(obs), len(act))
	}
	if err := checkRows(fn, "obs", obs, g.cfg.ObsDim); err != nil {
		return nil, err
	}
	if err := checkRows(fn, "act", act, g.cfg.ActDim); err != nil {
		return nil, err
	}
	n := len(obs)
	if n == 0 {
		return []float64{}, nil
	}
	B := bucket(n)
	g.mu.Lock()
	outs, err := g.exec("logp").Call(g.thetaTensor(), padRows(obs, g.cfg.ObsDim, B), padRows(act, g.cfg.ActDim, B))
	g.mu.Unlock()
	if err != nil {
		return nil, fmt.Errorf("policy: %s: %w", fn, err)
	}
	flat, err := fetch(outs)
	if err != nil {
		return nil, fmt.Errorf("policy: %s: %w", fn, err)
	}
	if err := checkOutputs(fn, n, output{"logp", flat[0], 0}); err != nil {
		return nil, err
	}
	return flat[0][:n:n], nil
}

// MeanKL returns the mean over obs of KL(π_g(·|s) ‖ π_other(·|s)), in one
// graph call. other must have the same architecture (dimensions, hidden
// widths, activation); MeanKL(g, obs) is 0. It returns an error for a nil
// policy, different architectures, no observations or bad observations,
// and if the KL overflows float64 (σ of the two policies or their means
// too far apart).
func (g *Gaussian) MeanKL(other *Gaussian, obs [][]float64) (float64, error) {
	const fn = "MeanKL"
	if err := g.check(fn); err != nil {
		return 0, err
	}
	if other == nil || other.mlp == nil {
		return 0, fmt.Errorf("policy: %s: other is nil", fn)
	}
	if err := g.compatible(other); err != nil {
		return 0, fmt.Errorf("policy: %s: %w", fn, err)
	}
	if len(obs) == 0 {
		return 0, fmt.Errorf("policy: %s: no observations", fn)
	}
	if err := checkRows(fn, "obs", obs, g.cfg.ObsDim); err != nil {
		return 0, err
	}
	theta1 := tensors.FromFlatDataAndDimensions(other.Params(), other.NumParams())
	n, B := len(obs), bucket(len(obs))
	w := make([]float64, B)
	for i := range n {
		w[i] = 1
	}
	g.mu.Lock()
	outs, err := g.exec("kl").Call(g.thetaTensor(), theta1, padRows(obs, g.cfg.ObsDim, B), tensors.FromFlatDataAndDimensions(w, B))
	g.mu.Unlock()
	if err != nil {
		return 0, fmt.Errorf("policy: %s: %w", fn, err)
	}
	flat, err := fetch(outs)
	if err != nil {
		return 0, fmt.Errorf("policy: %s: %w", fn, err)
	}
	if kl := flat[0][0]; math.IsNaN(kl) || math.IsInf(kl, 0) {
		return 0, fmt.Errorf("policy: %s: the mean KL = %v is not finite: the policies' σ or means are too far apart for float64", fn, kl)
	}
	return flat[0][0], nil
}

// check returns an error if g was not made by NewGaussian, ReadGaussian or
// LoadGaussian.
func (g *Gaussian) check(fn string) error {
	if g == nil || g.mlp == nil {
		return fmt.Errorf("policy: %s: nil Gaussian (make one with NewGaussian)", fn)
	}
	return nil
}

// checkObs checks the observations of an Act or Mean call and that their
// actions (rows × ActDim) are within limits.MaxElements.
func (g *Gaussian) checkObs(fn string, obs [][]float64) error {
	if err := checkRows(fn, "obs", obs, g.cfg.ObsDim); err != nil {
		return err
	}
	if len(obs) == 0 {
		return nil
	}
	if err := limits.Check("", "rows × ActDim", len(obs), g.cfg.ActDim); err != nil {
		return fmt.Errorf("policy: %s%w", fn, err) // limits' message starts ": rows × ActDim …"
	}
	return nil
}

// output is a result of a graph call to check: its first rows of width
// dim (0: a vector) in flat.
type output struct {
	name string
	flat []float64
	dim  int
}

// checkOutputs returns an error naming the first non-finite entry of the
// first n rows of the outputs: the policy overflowed there.
func checkOutputs(fn string, n int, outs ...output) error {
	for _, o := range outs {
		w := max(o.dim, 1)
		for i, v := range o.flat[:n*w] {
			if !math.IsNaN(v) && !math.IsInf(v, 0) {
				continue
			}
			at := fmt.Sprintf("[%d]", i)
			if o.dim > 0 {
				at = fmt.Sprintf("[%d][%d]", i/o.dim, i%o.dim)
			}
			return fmt.Errorf("policy: %s: %s%s = %v is not finite: the policy overflows float64 at obs[%d]", fn, o.name, at, v, i/w)
		}
	}
	return nil
}

// compatible returns an error unless other has g's architecture.
func (g *Gaussian) compatible(other *Gaussian) error {
	a, b := g.cfg, other.cfg
	if a.ObsDim != b.ObsDim || a.ActDim != b.ActDim || !slices.Equal(a.Hidden, b.Hidden) || a.Activation != b.Activation {
		return fmt.Errorf("policies differ: obs %d vs %d, act %d vs %d, hidden %v vs %v, activation %v vs %v",
			a.ObsDim, b.ObsDim, a.ActDim, b.ActDim, a.Hidden, b.Hidden, a.Activation, b.Activation)
	}
	return nil
}

// bucket returns the padded batch size for n rows: the next power of two.
func bucket(n int) int {
	b := 1
	for b < n {
		b *= 2
	}
	return b
}

// padRows flattens rows into a [B, dim] tensor, the padding rows zero.
func padRows(x [][]float64, dim, B int) *tensors.Tensor {
	buf := make([]float64, B*dim)
	for i, r := range x {
		copy(buf[i*dim:], r)
	}
	return tensors.FromFlatDataAndDimensions(buf, B, dim)
}

// rows slices the first n rows of a flat row-major [_, dim] buffer.
func rows(flat []float64, n, dim int) [][]float64 {
	out := make([][]float64, n)
	for i := range out {
		out[i] = flat[i*dim : (i+1)*dim : (i+1)*dim]
	}
	return out
}

// fetch copies the outputs of a graph call to Go slices and frees them.
func fetch(outs []*tensors.Tensor) ([][]float64, error) {
	res := make([][]float64, len(outs))
	for i, t := range outs {
		v, err := tensors.CopyFlatData[float64](t)
		if err != nil {
			return nil, err
		}
		res[i] = v
		_ = t.FinalizeAll()
	}
	return res, nil
}

// checkRows checks that every row of x has length dim and finite values,
// naming the first offender.
func checkRows(fn, what string, x [][]float64, dim int) error {
	for i, r := range x {
		if len(r) != dim {
			return fmt.Errorf("policy: %s: %s[%d] has length %d, want %d", fn, what, i, len(r), dim)
		}
		for j, v := range r {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return fmt.Errorf("policy: %s: %s[%d][%d] = %v is not finite", fn, what, i, j, v)
			}
		}
	}
	return nil
}
