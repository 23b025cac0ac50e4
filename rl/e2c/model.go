package e2c

import (
	"fmt"
	"math"
	"slices"
	"sync"

	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"gonum.org/v1/gonum/mat"

	"github.com/rlcontrol/rlcontrol/rl/internal/config"
	"github.com/rlcontrol/rlcontrol/rl/internal/limits"
	"github.com/rlcontrol/rlcontrol/rl/mlx"
	"github.com/rlcontrol/rlcontrol/rl/nn"
)

// Kind selects the model: Embed to Control or one of the paper's baselines.
type Kind int

const (
	// E2C trains encoder, decoder and transition together on the full
	// loss, so the transition shapes the latent space (the zero value).
	E2C Kind = iota
	// VAE trains a variational autoencoder (reconstruction + KL to the
	// prior) and fits the transition on top of its latent space by the
	// same KL(q̂ ‖ q) with the encoder's outputs held fixed (stopped
	// gradients): the dynamics cannot shape the embedding.
	VAE
	// AE trains a deterministic autoencoder (z = μ, reconstruction only)
	// and fits the transition on top by ½‖ẑ_{t+1} − μ_{t+1}‖², again with
	// the encoder held fixed.
	AE
)

// String returns "E2C", "VAE" or "AE".
func (k Kind) String() string {
	switch k {
	case E2C:
		return "E2C"
	case VAE:
		return "VAE"
	case AE:
		return "AE"
	}
	return fmt.Sprintf("Kind(%d)", int(k))
}

// parseKind is the inverse of String.
func parseKind(s string) (Kind, error) {
	for _, k := range []Kind{E2C, VAE, AE} {
		if k.String() == s {
			return k, nil
		}
	}
	return 0, fmt.Errorf("e2c: unknown model kind %q, want E2C, VAE or AE", s)
}

// Config describes a model. The zero value of every optional field selects
// the default given in its comment; the defaults are the paper's planar
// networks (Watter et al. 2015, appendix), with ReLU hidden layers.
type Config struct {
	// Width, Height and Frames give the image layout (required, ≥ 1): an
	// image is Frames frames of Width×Height pixels, as in Dataset.
	Width, Height, Frames int
	// Latent is the dimension of z (default 2; ≥ 1).
	Latent int
	// Action is the dimension of u (required, ≥ 1).
	Action int
	// EncoderHidden are the encoder's hidden widths (default {150, 150}).
	EncoderHidden []int
	// DecoderHidden are the decoder's hidden widths (default {200, 200}).
	DecoderHidden []int
	// TransitionHidden are the transition network's hidden widths (default
	// {100, 100}).
	TransitionHidden []int
	// Kind is E2C (default) or a baseline.
	Kind Kind
	// Lambda is λ, the weight of KL(q̂ ‖ q) in the E2C loss (default 1;
	// ≥ 0). The baselines ignore it.
	Lambda float64
	// Beta is β, the weight of KL(q(z|x) ‖ N(0, I)) in the E2C and VAE
	// losses (default 1, the paper's bound; ≥ 0). Below 1 the prior pulls
	// the latent codes less towards the unit ball, so that a flat state
	// space stays flatter in the latent space instead of curling up into
	// it. The AE ignores it.
	Beta float64
	// Seed seeds the initial weights.
	Seed uint64
}

// WithDefaults returns c with its zero fields set to their defaults, or an
// error naming the first invalid field.
func (c Config) WithDefaults() (Config, error) {
	const fn = "e2c: Config"
	config.Or(&c.Latent, 2)
	if c.EncoderHidden == nil {
		c.EncoderHidden = []int{150, 150}
	}
	if c.DecoderHidden == nil {
		c.DecoderHidden = []int{200, 200}
	}
	if c.TransitionHidden == nil {
		c.TransitionHidden = []int{100, 100}
	}
	config.Or(&c.Lambda, 1)
	config.Or(&c.Beta, 1)
	switch {
	case c.Width < 1 || c.Height < 1 || c.Frames < 1:
		return c, fmt.Errorf("%s: image size %d×%d×%d frames, want width, height and frames ≥ 1", fn, c.Width, c.Height, c.Frames)
	case c.Width*c.Height*c.Frames > limits.MaxElements/1024:
		return c, fmt.Errorf("%s: image size %d×%d×%d frames is too large", fn, c.Width, c.Height, c.Frames)
	case c.Latent < 1:
		return c, fmt.Errorf("%s.Latent = %d, want ≥ 1", fn, c.Latent)
	case c.Action < 1:
		return c, fmt.Errorf("%s.Action = %d, want ≥ 1", fn, c.Action)
	case c.Kind < E2C || c.Kind > AE:
		return c, fmt.Errorf("%s.Kind = %v, want E2C, VAE or AE", fn, c.Kind)
	case !config.NonNegative(c.Lambda):
		return c, fmt.Errorf("%s.Lambda = %v, want a finite value ≥ 0", fn, c.Lambda)
	case !config.NonNegative(c.Beta):
		return c, fmt.Errorf("%s.Beta = %v, want a finite value ≥ 0", fn, c.Beta)
	}
	for _, h := range []struct {
		name  string
		sizes []int
	}{{"EncoderHidden", c.EncoderHidden}, {"DecoderHidden", c.DecoderHidden}, {"TransitionHidden", c.TransitionHidden}} {
		for i, w := range h.sizes {
			if w < 1 {
				return c, fmt.Errorf("%s.%s[%d] = %d, want ≥ 1", fn, h.name, i, w)
			}
		}
	}
	return c, nil
}

// Pixels returns Width·Height·Frames, the length of one image.
func (c Config) Pixels() int { return c.Width * c.Height * c.Frames }

// transOut is the transition network's output size: v, r (Latent each),
// B (Latent×Action, row-major) and o (Latent).
func (c Config) transOut() int { return 3*c.Latent + c.Latent*c.Action }

// Model is an E2C model (or a baseline): encoder, transition network and
// decoder, with all parameters in one vector θ = [θ_enc, θ_trans, θ_dec].
//
// A Model is safe for concurrent use: Encode, Decode, Linearize and Next
// may run from several goroutines; Train changes θ between steps under a
// lock.
type Model struct {
	cfg             Config
	enc, trans, dec *nn.MLP
	// off are the offsets of θ_enc, θ_trans, θ_dec and the end of θ.
	off [4]int

	mu    sync.RWMutex
	theta []float64

	execMu sync.Mutex
	execs  map[string]*graph.Exec
}

// New returns a model with fresh weights drawn with cfg.Seed, or an error
// naming an invalid field of cfg.
func New(cfg Config) (*Model, error) {
	cfg, err := cfg.WithDefaults()
	if err != nil {
		return nil, err
	}
	nz := cfg.Latent
	mk := func(name string, in int, hidden []int, out int, seed uint64, scale float64) (*nn.MLP, error) {
		m, err := nn.New(nn.Config{In: in, Hidden: hidden, Out: out, Activation: nn.ReLU, Seed: seed, OutputScale: scale})
		if err != nil {
			return nil, fmt.Errorf("e2c: %s: %w", name, err)
		}
		return m, nil
	}
	m := &Model{cfg: cfg, execs: map[string]*graph.Exec{}}
	if m.enc, err = mk("encoder", cfg.Pixels(), cfg.EncoderHidden, 2*nz, cfg.Seed*3+1, 1); err != nil {
		return nil, err
	}
	// A small output layer starts the transition near A = I, B = 0, o = 0.
	if m.trans, err = mk("transition", nz, cfg.TransitionHidden, cfg.transOut(), cfg.Seed*3+2, 0.1); err != nil {
		return nil, err
	}
	if m.dec, err = mk("decoder", nz, cfg.DecoderHidden, cfg.Pixels(), cfg.Seed*3+3, 1); err != nil {
		return nil, err
	}
	m.off[1] = m.enc.NumParams()
	m.off[2] = m.off[1] + m.trans.NumParams()
	m.off[3] = m.off[2] + m.dec.NumParams()
	if m.off[3] > limits.MaxElements {
		return nil, fmt.Errorf("e2c: the model has %d parameters, more than %d", m.off[3], limits.MaxElements)
	}
	m.theta = slices.Concat(m.enc.Params(), m.trans.Params(), m.dec.Params())
	return m, nil
}

// Config returns the configuration with defaults filled in.
func (m *Model) Config() Config { return m.cfg }

// LatentDim returns the dimension of z.
func (m *Model) LatentDim() int { return m.cfg.Latent }

// ActionDim returns the dimension of u.
func (m *Model) ActionDim() int { return m.cfg.Action }

// NumParams returns the length of θ.
func (m *Model) NumParams() int { return m.off[3] }

// Params returns a copy of θ.
func (m *Model) Params() []float64 {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return slices.Clone(m.theta)
}

// SetParams sets θ, or returns an error if p has the wrong length or holds
// a non-finite value.
func (m *Model) SetParams(p []float64) error {
	if err := m.check("SetParams"); err != nil {
		return err
	}
	if len(p) != m.off[3] {
		return fmt.Errorf("e2c: SetParams: %d parameters, want %d", len(p), m.off[3])
	}
	if err := finiteVec("SetParams", "p", p); err != nil {
		return err
	}
	m.mu.Lock()
	copy(m.theta, p)
	m.mu.Unlock()
	return nil
}

// check returns an error if m was not made by New or a loader.
func (m *Model) check(fn string) error {
	if m == nil || m.enc == nil {
		return fmt.Errorf("e2c: %s: nil Model (make one with New)", fn)
	}
	return nil
}

// finiteVec returns an error naming the first non-finite entry of v.
func finiteVec(fn, what string, v []float64) error {
	for i, x := range v {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return fmt.Errorf("e2c: %s: %s[%d] = %v is not finite", fn, what, i, x)
		}
	}
	return nil
}

// exec returns the executable named name, building it with f the first
// time.
func (m *Model) exec(name string, f func(in []*graph.Node) []*graph.Node) *graph.Exec {
	m.execMu.Lock()
	defer m.execMu.Unlock()
	e := m.execs[name]
	if e == nil {
		e = graph.MustNewExec(mlx.Backend(), f).SetMaxCache(-1)
		m.execs[name] = e
	}
	return e
}

// sizes returns the layer widths of network i (0 encoder, 1 transition,
// 2 decoder), input first.
func (m *Model) sizes(i int) []int {
	c := m.cfg
	switch i {
	case 0:
		return slices.Concat([]int{c.Pixels()}, c.EncoderHidden, []int{2 * c.Latent})
	case 1:
		return slices.Concat([]int{c.Latent}, c.TransitionHidden, []int{c.transOut()})
	}
	return slices.Concat([]int{c.Latent}, c.DecoderHidden, []int{c.Pixels()})
}

// net applies network i (0 encoder, 1 transition, 2 decoder) to the batch
// x: ReLU hidden layers, a linear output, with the layout of nn.MLP (each
// layer's W row-major, then its bias) inside θ. The weights are sliced out
// of θ (nn.MLP gathers them so that it can be differentiated twice; E2C
// needs first derivatives only, and a slice of the 320,000 decoder weights
// is much cheaper than a gather).
func (m *Model) net(theta *graph.Node, i int, x *graph.Node) *graph.Node {
	sizes := m.sizes(i)
	off := m.off[i]
	for l := 0; l+1 < len(sizes); l++ {
		a, b := sizes[l], sizes[l+1]
		W := graph.Reshape(graph.Slice(theta, graph.AxisRange(off, off+a*b)), a, b)
		off += a * b
		bias := graph.Slice(theta, graph.AxisRange(off, off+b))
		off += b
		x = graph.Add(graph.MatMul(x, W), graph.ExpandLeftToRank(bias, 2))
		if l+2 < len(sizes) {
			x = graph.Max(x, graph.ScalarZero(x.Graph(), x.DType()))
		}
	}
	return x
}

// cols returns columns [from, to) of a [batch, n] node.
func cols(x *graph.Node, from, to int) *graph.Node {
	return graph.Slice(x, graph.AxisRange(), graph.AxisRange(from, to))
}

// encoderNodes returns μ and log σ² of q(z | x) for a batch of images.
func (m *Model) encoderNodes(theta, x *graph.Node) (mu, logVar *graph.Node) {
	out := m.net(theta, 0, x)
	nz := m.cfg.Latent
	return cols(out, 0, nz), cols(out, nz, 2*nz)
}

// transitionNodes returns v, r, B ([batch, Latent, Action]) and o at z.
func (m *Model) transitionNodes(theta, z *graph.Node) (v, r, B, o *graph.Node) {
	out := m.net(theta, 1, z)
	nz, nu := m.cfg.Latent, m.cfg.Action
	v, r = cols(out, 0, nz), cols(out, nz, 2*nz)
	B = graph.Reshape(cols(out, 2*nz, 2*nz+nz*nu), -1, nz, nu)
	o = cols(out, 2*nz+nz*nu, 3*nz+nz*nu)
	return v, r, B, o
}

// decoderLogits returns the decoder's logits (pixel probabilities are
// their sigmoid) at a batch of latent points.
func (m *Model) decoderLogits(theta, z *graph.Node) *graph.Node {
	return m.net(theta, 2, z)
}

// rowSum returns the sum over axis 1 of a [batch, n] node as [batch, 1].
func rowSum(x *graph.Node) *graph.Node {
	return graph.InsertAxes(graph.ReduceSum(x, 1), 1)
}

// applyA returns A·x = x + v (rᵀx), row by row.
func applyA(v, r, x *graph.Node) *graph.Node {
	return graph.Add(x, graph.Mul(v, rowSum(graph.Mul(r, x))))
}

// applyB returns B·u row by row, for B [batch, Latent, Action] and
// u [batch, Action].
func applyB(B, u *graph.Node) *graph.Node {
	return graph.ReduceSum(graph.Mul(B, graph.InsertAxes(u, 1)), 2)
}

// ------------------------------------------------------------------ Go side

// tensorRows converts rows (each of length n) to a [len(rows), n] tensor
// padded to size rows.
func tensorRows(rows [][]float64, n, size int) *tensors.Tensor {
	flat := make([]float64, size*n)
	for i, r := range rows {
		copy(flat[i*n:], r)
	}
	return tensors.FromFlatDataAndDimensions(flat, size, n)
}

// bucket rounds a batch size up to a power of two (at least 8), so that
// few graph shapes are compiled.
func bucket(n int) int {
	b := 8
	for b < n {
		b *= 2
	}
	return b
}

// thetaTensor returns θ as a tensor.
func (m *Model) thetaTensor() *tensors.Tensor {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return tensors.FromFlatDataAndDimensions(slices.Clone(m.theta), len(m.theta))
}

// checkRows returns an error naming the first row of the wrong length or
// with a non-finite value.
func checkRows(fn, what string, rows [][]float64, n int) error {
	if len(rows) == 0 {
		return fmt.Errorf("e2c: %s: no %s", fn, what)
	}
	for i, r := range rows {
		if len(r) != n {
			return fmt.Errorf("e2c: %s: %s[%d] has length %d, want %d", fn, what, i, len(r), n)
		}
		for j, x := range r {
			if math.IsNaN(x) || math.IsInf(x, 0) {
				return fmt.Errorf("e2c: %s: %s[%d][%d] = %v is not finite", fn, what, i, j, x)
			}
		}
	}
	return nil
}

// run calls a one-input-batch executable (θ, rows) in buckets of at most
// 256 rows and returns each output's rows.
func (m *Model) run(e *graph.Exec, rows [][]float64, in int, outs ...int) ([][][]float64, error) {
	theta := m.thetaTensor()
	res := make([][][]float64, len(outs))
	for k := range res {
		res[k] = make([][]float64, 0, len(rows))
	}
	for start := 0; start < len(rows); start += 256 {
		chunk := rows[start:min(start+256, len(rows))]
		size := bucket(len(chunk))
		got, err := e.Call(theta, tensorRows(chunk, in, size))
		if err != nil {
			return nil, err
		}
		for k, n := range outs {
			flat, err := tensors.CopyFlatData[float64](got[k])
			_ = got[k].FinalizeAll()
			if err != nil {
				return nil, err
			}
			for i := range chunk {
				res[k] = append(res[k], flat[i*n:(i+1)*n:(i+1)*n])
			}
		}
	}
	return res, nil
}

// EncodeDist returns the means μ and log-variances log σ² of q(z | x) for
// a batch of images, or an error naming a bad image.
func (m *Model) EncodeDist(images [][]float64) (mean, logVar [][]float64, err error) {
	if err := m.check("Encode"); err != nil {
		return nil, nil, err
	}
	if err := checkRows("Encode", "images", images, m.cfg.Pixels()); err != nil {
		return nil, nil, err
	}
	e := m.exec("encode", func(in []*graph.Node) []*graph.Node {
		mu, lv := m.encoderNodes(in[0], in[1])
		return []*graph.Node{mu, lv}
	})
	nz := m.cfg.Latent
	res, err := m.run(e, images, m.cfg.Pixels(), nz, nz)
	if err != nil {
		return nil, nil, fmt.Errorf("e2c: Encode: %w", err)
	}
	return res[0], res[1], nil
}

// Encode returns the means of q(z | x) for a batch of images: the latent
// points the planner uses.
func (m *Model) Encode(images [][]float64) ([][]float64, error) {
	mean, _, err := m.EncodeDist(images)
	return mean, err
}

// Decode returns the decoder's pixel probabilities at a batch of latent
// points: the images the model imagines there.
func (m *Model) Decode(z [][]float64) ([][]float64, error) {
	if err := m.check("Decode"); err != nil {
		return nil, err
	}
	if err := checkRows("Decode", "z", z, m.cfg.Latent); err != nil {
		return nil, err
	}
	e := m.exec("decode", func(in []*graph.Node) []*graph.Node {
		return []*graph.Node{graph.Sigmoid(m.decoderLogits(in[0], in[1]))}
	})
	res, err := m.run(e, z, m.cfg.Latent, m.cfg.Pixels())
	if err != nil {
		return nil, fmt.Errorf("e2c: Decode: %w", err)
	}
	return res[0], nil
}

// Transition is the locally linear model at one latent point.
type Transition struct {
	// V and R give A = I + V Rᵀ.
	V, R []float64
	// A is Latent×Latent, B is Latent×Action.
	A, B *mat.Dense
	// O is the offset o.
	O []float64
}

// LogDetA returns log|det A| = log|1 + Vᵀ R| (the matrix determinant lemma).
func (tr *Transition) LogDetA() float64 {
	return math.Log(math.Abs(1 + dot(tr.V, tr.R)))
}

func dot(a, b []float64) float64 {
	s := 0.0
	for i := range a {
		s += a[i] * b[i]
	}
	return s
}

// TransitionAt evaluates the transition network at z in plain Go (no
// graph call: the planner asks for it thousands of times).
func (m *Model) TransitionAt(z []float64) (*Transition, error) {
	if err := m.check("TransitionAt"); err != nil {
		return nil, err
	}
	nz, nu := m.cfg.Latent, m.cfg.Action
	if err := checkRows("TransitionAt", "z", [][]float64{z}, nz); err != nil {
		return nil, err
	}
	m.mu.RLock()
	out := mlpForward(m.theta[m.off[1]:m.off[2]], nz, m.cfg.TransitionHidden, m.cfg.transOut(), z)
	m.mu.RUnlock()
	tr := &Transition{V: out[:nz], R: out[nz : 2*nz], O: out[2*nz+nz*nu:]}
	tr.A = mat.NewDense(nz, nz, nil)
	for i := 0; i < nz; i++ {
		for j := 0; j < nz; j++ {
			a := tr.V[i] * tr.R[j]
			if i == j {
				a++
			}
			tr.A.Set(i, j, a)
		}
	}
	tr.B = mat.NewDense(nz, nu, slices.Clone(out[2*nz:2*nz+nz*nu]))
	return tr, nil
}

// Linearize returns A(z), B(z) and o(z) of the locally linear transition
// ẑ' = A z + B u + o at z (the planner's LatentModel interface).
func (m *Model) Linearize(z []float64) (A, B *mat.Dense, o []float64, err error) {
	tr, err := m.TransitionAt(z)
	if err != nil {
		return nil, nil, nil, err
	}
	return tr.A, tr.B, tr.O, nil
}

// Next returns the mean of the predicted next latent, A(z) z + B(z) u + o(z).
func (m *Model) Next(z, u []float64) ([]float64, error) {
	tr, err := m.TransitionAt(z)
	if err != nil {
		return nil, err
	}
	if err := checkRows("Next", "u", [][]float64{u}, m.cfg.Action); err != nil {
		return nil, err
	}
	next := make([]float64, len(z))
	var nv, bu mat.VecDense
	nv.MulVec(tr.A, mat.NewVecDense(len(z), slices.Clone(z)))
	bu.MulVec(tr.B, mat.NewVecDense(len(u), slices.Clone(u)))
	for i := range next {
		next[i] = nv.AtVec(i) + bu.AtVec(i) + tr.O[i]
	}
	return next, nil
}

// mlpForward evaluates an nn.MLP's layout (W row-major in×out, then the
// bias, layer after layer; ReLU hidden layers; identity normaliser) at x.
func mlpForward(theta []float64, in int, hidden []int, out int, x []float64) []float64 {
	sizes := slices.Concat([]int{in}, hidden, []int{out})
	h := slices.Clone(x)
	off := 0
	for l := 0; l+1 < len(sizes); l++ {
		a, b := sizes[l], sizes[l+1]
		W, bias := theta[off:off+a*b], theta[off+a*b:off+a*b+b]
		off += a*b + b
		next := slices.Clone(bias)
		for i, hi := range h {
			if hi == 0 {
				continue
			}
			row := W[i*b : (i+1)*b]
			for j := range next {
				next[j] += hi * row[j]
			}
		}
		if l+2 < len(sizes) {
			for j := range next {
				next[j] = math.Max(0, next[j])
			}
		}
		h = next
	}
	return h
}
