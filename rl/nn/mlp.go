package nn

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"sync"

	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/gomlx/core/graph"
	"github.com/rlcontrol/rlcontrol/rl/internal/config"
	"github.com/rlcontrol/rlcontrol/rl/internal/limits"
	"github.com/rlcontrol/rlcontrol/rl/mlx"
)

// Activation is the nonlinearity of the hidden layers. The output layer is
// always linear.
type Activation int

const (
	// Tanh is the hyperbolic tangent, smooth (so Jacobians are continuous)
	// and the usual choice for policies, value functions and dynamics
	// models in control. It is the zero value.
	Tanh Activation = iota
	// ReLU is max(0, h). It does not saturate, which helps deeper nets, but
	// its Jacobian is piecewise constant.
	ReLU
)

// String returns "tanh" or "relu".
func (a Activation) String() string {
	switch a {
	case Tanh:
		return "tanh"
	case ReLU:
		return "relu"
	}
	return fmt.Sprintf("Activation(%d)", int(a))
}

// parseActivation is the inverse of String.
func parseActivation(s string) (Activation, error) {
	switch s {
	case "tanh":
		return Tanh, nil
	case "relu":
		return ReLU, nil
	}
	return 0, fmt.Errorf("nn: unknown activation %q, want \"tanh\" or \"relu\"", s)
}

// Config describes an MLP. The zero value of every optional field selects
// the default given in its comment.
type Config struct {
	// In is the input dimension (required, ≥ 1).
	In int
	// Hidden are the widths of the hidden layers, input side first (default
	// nil: []int{64, 64}). A non-nil empty slice gives a linear (affine)
	// model y = x·W + b. Each width must be ≥ 1.
	Hidden []int
	// Out is the output dimension (required, ≥ 1).
	Out int
	// Activation of the hidden layers (default Tanh).
	Activation Activation
	// Seed seeds the initial weights: the same Config gives the same
	// weights, bit for bit, and so the same predictions.
	Seed uint64
	// OutputScale multiplies the initial weights of the output layer
	// (default 0, meaning 1; > 0). A small value such as 0.01 starts a
	// policy near a constant mean action, as TRPO implementations do.
	OutputScale float64
}

// WithDefaults returns c with its zero fields set to their defaults, or an
// error naming the first invalid field.
func (c Config) WithDefaults() (Config, error) {
	const fn = "nn: Config"
	if c.In < 1 {
		return c, fmt.Errorf("%s.In = %d, want ≥ 1", fn, c.In)
	}
	if c.Out < 1 {
		return c, fmt.Errorf("%s.Out = %d, want ≥ 1", fn, c.Out)
	}
	c.Hidden = slices.Clone(c.Hidden) // the MLP keeps its own copy
	config.OrSlice(&c.Hidden, []int{64, 64})
	for i, h := range c.Hidden {
		if h < 1 {
			return c, fmt.Errorf("%s.Hidden[%d] = %d, want ≥ 1", fn, i, h)
		}
	}
	if c.Activation != Tanh && c.Activation != ReLU {
		return c, fmt.Errorf("%s.Activation = %v, want Tanh or ReLU", fn, c.Activation)
	}
	config.Or(&c.OutputScale, 1)
	if !config.Positive(c.OutputScale) {
		return c, fmt.Errorf("%s.OutputScale = %v, want a finite value > 0", fn, c.OutputScale)
	}
	if _, err := c.numParams(); err != nil {
		return c, err
	}
	return c, nil
}

// numParams returns the length of θ for c's sizes (valid, ≥ 1), or an
// error if a layer's weight matrix or θ has more than limits.MaxElements
// values. It allocates nothing, so a checkpoint reader can check the
// sizes a header declares before it allocates them.
func (c Config) numParams() (int, error) {
	const fn = "nn: Config"
	name := func(l int) string {
		switch {
		case l == 0:
			return "In"
		case l > len(c.Hidden):
			return "Out"
		}
		return fmt.Sprintf("Hidden[%d]", l-1)
	}
	size := func(l int) int {
		switch {
		case l == 0:
			return c.In
		case l > len(c.Hidden):
			return c.Out
		}
		return c.Hidden[l-1]
	}
	total := 0
	for l := 0; l <= len(c.Hidden); l++ {
		a, b := size(l), size(l+1)
		w, err := limits.Elements(fn, "", a, b)
		if err != nil { // again with the names: they are formatted only here
			_, err = limits.Elements(fn, name(l)+" × "+name(l+1), a, b)
			return 0, err
		}
		total += w + b // each term ≤ 2^28: no overflow
	}
	return total, limits.Check(fn, "parameters", total)
}

// MLP is a multilayer perceptron y = N(x) with its parameters and its
// input/output normaliser:
//
//	z₀ = (x − InMean) ⊘ InStd
//	z_{l+1} = σ(z_l·W_l + b_l)   for the hidden layers (σ = tanh or relu)
//	o = z_L·W_L + b_L            (linear output layer)
//	y = OutMean + OutStd ⊙ o
//
// The parameters θ are one flat vector, layer by layer from the input:
// W_0 (In×H_1, row-major, so that z·W is a row vector times a matrix), b_0,
// W_1, b_1, …, W_L, b_L. Params and SetParams expose θ; Forward builds the
// network inside any GoMLX graph from a θ node, so a model that contains
// an MLP (a Gaussian policy with a log-std, a value function) can
// differentiate its own loss with respect to θ.
//
// The normaliser is the identity until Fit (or SetNormalizer) sets it; Fit
// learns in normalised units, which keeps training well conditioned when
// the inputs and outputs have very different scales, as states, actions
// and state differences of a dynamical system do.
//
// Methods are safe for concurrent use. Make an MLP with New, ReadMLP or
// Load: the methods of a nil or zero MLP return an error where they have
// an error result and panic otherwise.
type MLP struct {
	cfg   Config
	sizes []int // In, Hidden..., Out
	nP    int

	fitMu   sync.Mutex // held by Fit for its whole run
	mu      sync.Mutex // guards theta, norm, normSet, execs.predict and execs.jacobian (execs.train: fitMu)
	theta   []float64
	norm    Normalizer
	normSet bool // the normaliser has been set (by Fit, SetNormalizer or Load)

	execs nnExecs
}

// New returns an MLP with freshly initialised weights: Glorot (Xavier)
// uniform for Tanh, He uniform for ReLU, zero biases, the output layer's
// weights multiplied by OutputScale. Initialisation uses its own PCG
// stream seeded by Config.Seed, so it is reproducible bit for bit.
//
// The sizes are checked before anything is allocated: each layer's weight
// matrix (In × Hidden[0], …) and θ as a whole may hold at most
// limits.MaxElements = 2^27 values (1 GiB), an error otherwise.
func New(cfg Config) (*MLP, error) {
	cfg, err := cfg.WithDefaults()
	if err != nil {
		return nil, err
	}
	m := &MLP{cfg: cfg}
	m.sizes = append(append([]int{cfg.In}, cfg.Hidden...), cfg.Out)
	if m.nP, err = cfg.numParams(); err != nil {
		return nil, err
	}
	m.theta = make([]float64, m.nP)
	rng := rand.New(rand.NewPCG(cfg.Seed, 0x9e3779b97f4a7c15))
	off := 0
	for l := 0; l+1 < len(m.sizes); l++ {
		a, b := m.sizes[l], m.sizes[l+1]
		var limit float64
		if cfg.Activation == ReLU && l+2 < len(m.sizes) {
			limit = math.Sqrt(6 / float64(a))
		} else {
			limit = math.Sqrt(6 / float64(a+b))
		}
		if l+2 == len(m.sizes) {
			limit *= cfg.OutputScale
		}
		for i := 0; i < a*b; i++ {
			m.theta[off+i] = limit * (2*rng.Float64() - 1)
		}
		off += a*b + b // biases stay zero
	}
	m.norm = identityNormalizer(cfg.In, cfg.Out)
	return m, nil
}

// MustNew is New that panics on error, for notebooks. It panics if cfg is
// invalid (the error of New).
func MustNew(cfg Config) *MLP {
	m, err := New(cfg)
	if err != nil {
		panic(err)
	}
	return m
}

// Config returns the configuration with defaults filled in.
func (m *MLP) Config() Config {
	c := m.cfg
	c.Hidden = append([]int{}, c.Hidden...)
	return c
}

// In returns the input dimension.
func (m *MLP) In() int { return m.cfg.In }

// Out returns the output dimension.
func (m *MLP) Out() int { return m.cfg.Out }

// NumParams returns the length of the flat parameter vector θ.
func (m *MLP) NumParams() int { return m.nP }

// Params returns a copy of the flat parameter vector θ (layout in MLP's
// doc comment).
func (m *MLP) Params() []float64 {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]float64(nil), m.theta...)
}

// SetParams copies p into θ. It returns an error if m is nil, or p has
// the wrong length or a non-finite value.
func (m *MLP) SetParams(p []float64) error {
	if err := m.check("SetParams"); err != nil {
		return err
	}
	if len(p) != m.nP {
		return fmt.Errorf("nn: SetParams: %d parameters, want NumParams() = %d", len(p), m.nP)
	}
	if err := nnFiniteVec("SetParams", "p", p); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	copy(m.theta, p)
	return nil
}

// Clone returns an independent copy of the model (parameters, normaliser
// and configuration).
func (m *MLP) Clone() *MLP {
	m.mu.Lock()
	defer m.mu.Unlock()
	c := &MLP{cfg: m.Config(), sizes: append([]int{}, m.sizes...), nP: m.nP,
		theta: append([]float64(nil), m.theta...), norm: m.norm.clone(), normSet: m.normSet}
	return c
}

// Forward builds y = N(x) inside a GoMLX graph. theta is a float64 node of
// shape [NumParams()] holding θ, x a float64 node of shape [batch, In()];
// the result has shape [batch, Out()]. The normaliser is built into the
// graph as constants, read when Forward is called: after a Fit (or
// SetNormalizer) that changes it, build the graph again. θ is an input, so
// graph.Gradient(loss, theta) gives the flat gradient that Params and
// SetParams use.
//
// Like GoMLX's own layers it panics on nil nodes and wrong shapes: it is
// meant to be called while building a graph, where GoMLX turns panics into
// errors of the Exec call.
func (m *MLP) Forward(theta, x *graph.Node) *graph.Node {
	m.mu.Lock()
	nv := m.norm.vector()
	m.mu.Unlock()
	norm := graph.Const(x.Graph(), nv)
	return m.forward(theta, norm, x)
}

// check returns an error if m was not made by New, ReadMLP or Load.
func (m *MLP) check(fn string) error {
	if m == nil || m.nP == 0 {
		return fmt.Errorf("nn: %s: nil MLP (make one with New)", fn)
	}
	return nil
}

// forward is Forward with the normaliser as a node (the vector of
// Normalizer.vector), so the package's own executables take it as an input
// and never go stale.
func (m *MLP) forward(theta, norm, x *graph.Node) *graph.Node {
	in, out := m.cfg.In, m.cfg.Out
	if theta == nil || x == nil {
		panic(fmt.Errorf("nn: MLP.Forward: theta or x is a nil node"))
	}
	if x.DType() != dtypes.Float64 || x.Rank() != 2 || x.Shape().Dimensions[1] != in {
		panic(fmt.Errorf("nn: MLP.Forward: x has shape %s, want (Float64)[batch, %d]", x.Shape(), in))
	}
	if theta.DType() != dtypes.Float64 || theta.Rank() != 1 || theta.Shape().Dimensions[0] != m.nP {
		panic(fmt.Errorf("nn: MLP.Forward: theta has shape %s, want (Float64)[%d]", theta.Shape(), m.nP))
	}
	row := func(v *graph.Node) *graph.Node { return graph.ExpandLeftToRank(v, 2) }
	seg := func(from, n int) *graph.Node { return row(graph.Slice(norm, graph.AxisRange(from, from+n))) }
	z := graph.Div(graph.Sub(x, seg(0, in)), seg(in, in))
	o := m.net(theta, z)
	return graph.Add(graph.Mul(o, seg(2*in+out, out)), seg(2*in, out))
}

// net is the network on normalised inputs, returning normalised outputs.
func (m *MLP) net(theta, z *graph.Node) *graph.Node {
	off := 0
	L := len(m.sizes) - 1
	for l := 0; l < L; l++ {
		a, b := m.sizes[l], m.sizes[l+1]
		// Segments are gathered, not sliced, so that the network can be
		// differentiated twice (see mlx.Segment).
		W := graph.Reshape(mlx.Segment(theta, off, a*b), a, b)
		off += a * b
		bias := mlx.Segment(theta, off, b)
		off += b
		z = graph.MatMul(z, W)
		z = graph.Add(z, graph.ExpandLeftToRank(bias, 2))
		if l+1 < L {
			switch m.cfg.Activation {
			case ReLU:
				z = graph.Max(z, graph.ScalarZero(z.Graph(), z.DType()))
			default:
				z = graph.Tanh(z)
			}
		}
	}
	return z
}
