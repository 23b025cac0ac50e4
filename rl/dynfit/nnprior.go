package dynfit

import (
	"errors"
	"fmt"
	"math"

	"github.com/rlcontrol/rlcontrol/rl/system"

	"github.com/rlcontrol/rlcontrol/rl/internal/config"
	"github.com/rlcontrol/rlcontrol/rl/nn"
	"gonum.org/v1/gonum/mat"
)

// NNPriorConfig holds the settings of an NNPrior. The zero value of every
// field selects the default given in its comment.
type NNPriorConfig struct {
	// Hidden are the hidden-layer widths of the dynamics network (default
	// nil: {64, 64}; see nn.Config.Hidden).
	Hidden []int
	// Activation of the hidden layers (default nn.Tanh, smooth, so the
	// linearisation varies smoothly with the point).
	Activation nn.Activation
	// Seed seeds the network's initial weights and the shuffling of every
	// fit: the same seed and the same sequence of Updates give the same
	// prior, bit for bit.
	Seed uint64
	// Fit configures the first training of the network (and every training
	// when ColdStart is set). Zero fields take NNPrior's defaults: Epochs
	// 200, BatchSize 64, LearningRate 3e-3 decaying to FinalLearningRate
	// 3e-5 (when LearningRate is left 0; set LearningRate for a constant
	// rate); the rest as in nn.FitConfig.
	// Fit.Seed is ignored (Seed is used). A 64×64 network takes about 2 s
	// for 400 transitions with these defaults on 2 cores; time grows
	// linearly with the transitions kept.
	Fit nn.FitConfig
	// UpdateEpochs is the number of epochs of the second and later Updates,
	// which continue training the current network on all the data kept so
	// far (default 50; ≥ 1). Fewer than Fit.Epochs suffice once the network
	// has learnt the bulk of the dynamics. With ColdStart, Fit.Epochs is
	// used instead.
	UpdateEpochs int
	// ColdStart retrains a fresh network from its initial weights at every
	// Update instead of continuing from the current one.
	ColdStart bool
	// MaxSamples caps how many rollouts the prior keeps: Update drops the
	// oldest beyond this count (default 0: keep all, as the lecture's
	// "all samples of all iterations"; ≥ 0). Training time grows with the
	// data kept.
	MaxSamples int
	// MeanStrength is m, the prior mean's weight in points (default 1, the
	// strength of GPS's priors; > 0).
	MeanStrength float64
	// CovStrength is n₀, the prior covariance's weight in points; Φ = n₀·Σ̄
	// (default 1; > 0). Raise both when the current rollouts are few and
	// the network is trusted.
	CovStrength float64
	// Reg regularises Σ_xu,xu, the empirical covariance of the [x; u] parts
	// of the points passed to Eval: Reg·σ_j² is added to its diagonal,
	// where σ_j is the standard deviation of component j of [x; u] over
	// all the training data (default 1e-2; > 0). It keeps Σ̄ positive
	// definite when the points are few or identical, and it is what lets
	// the prior speak in the directions the points do not span: there the
	// prior's joint Gaussian has variance Reg·σ² along [x; u] and follows
	// the network's slope J, so FitWithPrior takes J there. Reg must
	// therefore be large compared with FitWithPrior's own reg relative to
	// σ², and small compared with the spread of the points.
	Reg float64
}

// WithDefaults returns c with its zero fields set to the defaults in their
// comments (Fit's and the network's included), or an error naming the
// first invalid field and its value.
func (c NNPriorConfig) WithDefaults() (NNPriorConfig, error) {
	const fn = "dynfit: NNPriorConfig"
	config.Or(&c.Fit.Epochs, 200)
	config.Or(&c.Fit.BatchSize, 64)
	if c.Fit.LearningRate == 0 {
		c.Fit.LearningRate = 3e-3
		config.Or(&c.Fit.FinalLearningRate, 3e-5)
	}
	config.Or(&c.UpdateEpochs, 50)
	config.Or(&c.MeanStrength, 1)
	config.Or(&c.CovStrength, 1)
	config.Or(&c.Reg, 1e-2)
	switch {
	case c.UpdateEpochs < 1:
		return c, fmt.Errorf("%s.UpdateEpochs = %d, want ≥ 1", fn, c.UpdateEpochs)
	case c.MaxSamples < 0:
		return c, fmt.Errorf("%s.MaxSamples = %d, want ≥ 0", fn, c.MaxSamples)
	case !config.Positive(c.MeanStrength):
		return c, fmt.Errorf("%s.MeanStrength = %v, want a finite value > 0", fn, c.MeanStrength)
	case !config.Positive(c.CovStrength):
		return c, fmt.Errorf("%s.CovStrength = %v, want a finite value > 0", fn, c.CovStrength)
	case !config.Positive(c.Reg):
		return c, fmt.Errorf("%s.Reg = %v, want a finite value > 0", fn, c.Reg)
	}
	// The network's settings (In and Out are set by Update).
	mc, err := nn.Config{In: 1, Out: 1, Hidden: c.Hidden, Activation: c.Activation}.WithDefaults()
	if err != nil {
		return c, config.Nested(fn, err)
	}
	c.Hidden = mc.Hidden
	if c.Fit, err = c.Fit.WithDefaults(); err != nil {
		return c, config.Nested(fn+".Fit", err)
	}
	return c, nil
}

// NNPrior is the neural-network dynamics prior of the lecture (Fu, Levine
// & Abbeel 2016): a global model x_{t+1} ≈ f̄(x_t, u_t) fitted to all
// (x_t, u_t, x_{t+1}) of all rollouts seen so far (package nn, Adam on the
// mean squared error; the network predicts the normalised state
// difference, f̄(x, u) = x + N(x, u)), turned into a normal-inverse-Wishart
// prior for one time step of FitWithPrior by linearising f̄ at the mean of
// that step's points. It implements Prior. It is not safe for concurrent
// use.
type NNPrior struct {
	cfg      NNPriorConfig
	n, m     int
	rollouts [][]float64 // each T_i×(2n+m), rows [x_t, u_t, x_{t+1}]
	points   int
	updates  int
	model    *nn.MLP
	resCov   *mat.SymDense
	loss     []float64
}

// nnResidualRidge is the relative ridge on the residual covariance.
const nnResidualRidge = 1e-6

// NewNNPrior returns an empty prior; call Update before Eval.
func NewNNPrior(cfg NNPriorConfig) (*NNPrior, error) {
	cfg, err := cfg.WithDefaults()
	if err != nil {
		return nil, config.Nested("dynfit: NewNNPrior", err)
	}
	return &NNPrior{cfg: cfg}, nil
}

// Update adds the rollouts of s to the data set (dropping the oldest beyond
// MaxSamples) and trains the network on all their transitions: the first
// Update from the network's initial weights for Fit.Epochs epochs, later
// ones continuing from the current weights for UpdateEpochs epochs (the
// normaliser is re-estimated without changing the function; see
// nn.MLP.SetNormalizer), or afresh with ColdStart. Then it estimates the
// residual covariance of the model on the same P transitions,
//
//	Σ_x'x' = (1/P) Σ_i r_i r_iᵀ + 1e-6·diag(σ_Δ²),  r_i = x_{i,t+1} − f̄(x_{i,t}, u_{i,t}),
//
// the second moment, so a bias of the model counts as error; σ_Δ is the
// standard deviation of each component of x_{t+1} − x_t over the data, and
// the small ridge keeps Σ_x'x' definite. The samples must have the n and m
// of earlier updates (T may differ); s is copied. If training fails, or
// the residual covariance overflows float64, the prior is left as it was.
func (p *NNPrior) Update(s system.Batch) error {
	const fn = "NNPrior.Update"
	if p == nil {
		return errors.New("dynfit: " + fn + ": nil *NNPrior")
	}
	n, m, T, N, err := checkSamples(fn, s)
	if err != nil {
		return err
	}
	if p.rollouts != nil && (n != p.n || m != p.m) {
		return fmt.Errorf("dynfit: %s: samples have n = %d, m = %d; earlier updates had n = %d, m = %d", fn, n, m, p.n, p.m)
	}
	D := 2*n + m
	rollouts := append(append([][]float64(nil), p.rollouts...), transitions(s, N, T, n, m)...)
	if drop := len(rollouts) - p.cfg.MaxSamples; p.cfg.MaxSamples > 0 && drop > 0 {
		rollouts = rollouts[drop:]
	}
	var X, Y [][]float64
	for _, r := range rollouts {
		for off := 0; off < len(r); off += D {
			row := r[off : off+D]
			dx := make([]float64, n)
			for j := range dx {
				dx[j] = row[n+m+j] - row[j]
			}
			X = append(X, row[:n+m:n+m])
			Y = append(Y, dx)
		}
	}

	fc, model := p.cfg.Fit, p.model
	fc.Seed = p.cfg.Seed + uint64(p.updates)
	if model == nil || p.cfg.ColdStart {
		model, err = nn.New(nn.Config{In: n + m, Hidden: p.cfg.Hidden, Out: n, Activation: p.cfg.Activation, Seed: p.cfg.Seed})
		if err != nil {
			return fmt.Errorf("dynfit: %s: %w", fn, err)
		}
	} else {
		model = model.Clone()
		fc.Epochs = p.cfg.UpdateEpochs
	}
	loss, err := model.Fit(X, Y, fc)
	if err != nil {
		return fmt.Errorf("dynfit: %s: training the dynamics network: %w", fn, err)
	}
	pred, err := model.Predict(X)
	if err != nil {
		return fmt.Errorf("dynfit: %s: %w", fn, err)
	}
	P := len(X)
	res := mat.NewSymDense(n, nil)
	r := make([]float64, n)
	for i := range X {
		for j := range r {
			r[j] = Y[i][j] - pred[i][j] // x' − f̄ = Δx − N(x, u)
		}
		res.SymRankOne(res, 1/float64(P), mat.NewVecDense(n, r))
	}
	outStd := model.Normalizer().OutStd
	for j := 0; j < n; j++ {
		res.SetSym(j, j, res.At(j, j)+nnResidualRidge*outStd[j]*outStd[j])
	}
	if err := finiteMat("residual covariance", res); err != nil {
		return fmt.Errorf("dynfit: %s: %w: the model's errors overflow float64; rescale the samples", fn, err)
	}
	p.rollouts, p.points, p.n, p.m = rollouts, P, n, m
	p.model, p.resCov, p.loss = model, res, loss
	p.updates++
	return nil
}

// Eval returns the normal-inverse-Wishart prior for the points pts (rows
// [x_t, u_t, x_{t+1}]) of one time step, built from the network f̄ as on
// the lecture's slide. With [x_i; u_i] the mean of the points' [x_t; u_t]
// parts, Σ_xu,xu = (1/N) Σ (z − z̄)(z − z̄)ᵀ + Reg·diag(σ²) their
// covariance (regularised, see NNPriorConfig.Reg), and
// J = df̄/d[x; u] (n × (n+m), by autodiff) at [x_i; u_i], so that
// f̄([x; u]) ≈ f̄([x_i; u_i]) + J ([x; u] − [x_i; u_i]):
//
//	μ̄ = ⎡ [x_i; u_i]      ⎤    Σ̄ = ⎡ Σ_xu,xu      Σ_xu,xu·Jᵀ            ⎤
//	    ⎣ f̄(x_i, u_i)     ⎦        ⎣ J·Σ_xu,xu    J·Σ_xu,xu·Jᵀ + Σ_x'x' ⎦
//
// the joint Gaussian of [x; u; x'] when [x; u] has the points' spread and
// x' follows the linearised network with its residual covariance Σ_x'x'
// (see Update). It returns μ₀ = μ̄, Φ = n₀·Σ̄, m = MeanStrength and
// n₀ = CovStrength. Φ is symmetric positive definite by construction. Only
// the [x_t; u_t] columns of pts are used. Errors name the bad value: a nil
// prior, nil, mismatched or non-finite points, and a prior that overflows
// float64.
func (p *NNPrior) Eval(pts *mat.Dense) (mu0 *mat.VecDense, Phi *mat.SymDense, m, n0 float64, err error) {
	const fn = "dynfit: NNPrior.Eval"
	if p == nil {
		return nil, nil, 0, 0, errors.New(fn + ": nil *NNPrior")
	}
	if p.model == nil {
		return nil, nil, 0, 0, fmt.Errorf("%s: the prior has no data; call Update first", fn)
	}
	if pts == nil || pts.IsEmpty() {
		return nil, nil, 0, 0, fmt.Errorf("%s: pts is nil or empty", fn)
	}
	n, nu := p.n, p.m
	k, D := n+nu, 2*n+nu
	N, cols := pts.Dims()
	if cols != D {
		return nil, nil, 0, 0, fmt.Errorf("%s: pts has %d columns, want 2n+m = %d (n = %d, m = %d)", fn, cols, D, n, nu)
	}
	for i := 0; i < N; i++ {
		for j := 0; j < D; j++ {
			if v := pts.At(i, j); math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, nil, 0, 0, fmt.Errorf("%s: pts[%d][%d] = %v is not finite", fn, i, j, v)
			}
		}
	}
	zbar := make([]float64, k)
	for i := 0; i < N; i++ {
		for j := 0; j < k; j++ {
			zbar[j] += pts.At(i, j)
		}
	}
	for j := range zbar {
		zbar[j] /= float64(N)
	}
	Sxu := mat.NewSymDense(k, nil)
	d := make([]float64, k)
	for i := 0; i < N; i++ {
		for j := range d {
			d[j] = pts.At(i, j) - zbar[j]
		}
		Sxu.SymRankOne(Sxu, 1/float64(N), mat.NewVecDense(k, d))
	}
	inStd := p.model.Normalizer().InStd
	for j := 0; j < k; j++ {
		Sxu.SetSym(j, j, Sxu.At(j, j)+p.cfg.Reg*inStd[j]*inStd[j])
	}
	f, J, err := p.nnLinearize([][]float64{zbar})
	if err != nil {
		return nil, nil, 0, 0, fmt.Errorf("%s: %w", fn, err)
	}
	// A = [I; J] ((n+m+n) × (n+m)): [x; u; x'] ≈ A [x; u] + const, so
	// Σ̄ = A Σ_xu,xu Aᵀ + blockdiag(0, Σ_x'x').
	A := mat.NewDense(D, k, nil)
	for j := 0; j < k; j++ {
		A.Set(j, j, 1)
	}
	A.Slice(k, D, 0, k).(*mat.Dense).Copy(J[0])
	var AS, S mat.Dense
	AS.Mul(A, Sxu)
	S.Mul(&AS, A.T())
	sc := p.cfg.CovStrength
	Phi = mat.NewSymDense(D, nil)
	for i := 0; i < D; i++ {
		for j := i; j < D; j++ {
			v := 0.5 * (S.At(i, j) + S.At(j, i))
			if i >= k && j >= k {
				v += p.resCov.At(i-k, j-k)
			}
			Phi.SetSym(i, j, sc*v)
		}
	}
	mu := make([]float64, D)
	copy(mu, zbar)
	copy(mu[k:], f[0])
	mu0 = mat.NewVecDense(D, mu)
	for _, r := range [...]struct {
		name string
		m    mat.Matrix
	}{{"mu0", mu0}, {"Phi", Phi}} {
		if err := finiteMat(r.name, r.m); err != nil {
			return nil, nil, 0, 0, fmt.Errorf("%s: %w: it overflows float64; rescale the points", fn, err)
		}
	}
	return mu0, Phi, p.cfg.MeanStrength, sc, nil
}

// nnLinearize returns f̄(z_b) and df̄/dz (n × (n+m)) at each z_b = [x; u].
func (p *NNPrior) nnLinearize(z [][]float64) ([][]float64, []*mat.Dense, error) {
	dx, J, err := p.model.Linearize(z)
	if err != nil {
		return nil, nil, err
	}
	for b := range z {
		for j := 0; j < p.n; j++ {
			dx[b][j] += z[b][j]
			J[b].Set(j, j, J[b].At(j, j)+1)
		}
	}
	return dx, J, nil
}

// nnRows joins x and u row by row into [x; u] rows, checking their lengths
// and values.
func (p *NNPrior) nnRows(fn string, x, u [][]float64) ([][]float64, error) {
	if p == nil {
		return nil, errors.New("dynfit: " + fn + ": nil *NNPrior")
	}
	if p.model == nil {
		return nil, fmt.Errorf("dynfit: %s: the prior has no data; call Update first", fn)
	}
	if len(x) != len(u) {
		return nil, fmt.Errorf("dynfit: %s: %d states but %d actions", fn, len(x), len(u))
	}
	z := make([][]float64, len(x))
	for i := range x {
		if len(x[i]) != p.n || len(u[i]) != p.m {
			return nil, fmt.Errorf("dynfit: %s: x[%d] has length %d and u[%d] length %d, want n = %d and m = %d", fn, i, len(x[i]), i, len(u[i]), p.n, p.m)
		}
		for _, r := range [...]struct {
			name string
			v    []float64
		}{{"x", x[i]}, {"u", u[i]}} {
			for j, v := range r.v {
				if !finite(v) {
					return nil, fmt.Errorf("dynfit: %s: %s[%d][%d] = %v is not finite", fn, r.name, i, j, v)
				}
			}
		}
		z[i] = append(append(make([]float64, 0, p.n+p.m), x[i]...), u[i]...)
	}
	return z, nil
}

// Predict returns the network's next states f̄(x_b, u_b) for a batch, in
// one graph call per 4096 rows (for rollouts or MPC with the global
// model). A nil prior, mismatched or non-finite rows and predictions that
// overflow are errors.
func (p *NNPrior) Predict(x, u [][]float64) ([][]float64, error) {
	const fn = "NNPrior.Predict"
	z, err := p.nnRows(fn, x, u)
	if err != nil {
		return nil, err
	}
	y, err := p.model.Predict(z)
	if err != nil {
		return nil, fmt.Errorf("dynfit: %s: %w", fn, err)
	}
	for b := range y {
		for j := range y[b] {
			y[b][j] += x[b][j]
		}
	}
	if err := finiteRows(fn, "prediction", y); err != nil {
		return nil, err
	}
	return y, nil
}

// finiteRows reports the first non-finite entry of the rows named what
// that fn computed.
func finiteRows(fn, what string, rows [][]float64) error {
	for b, r := range rows {
		for j, v := range r {
			if !finite(v) {
				return fmt.Errorf("dynfit: %s: %s[%d][%d] = %v overflows float64; rescale the states and actions", fn, what, b, j, v)
			}
		}
	}
	return nil
}

// Linearize returns f̄(x_b, u_b) and its Jacobians Fx = ∂f̄/∂x (n×n) and
// Fu = ∂f̄/∂u (n×m) at each (x_b, u_b) of a batch, by autodiff in one
// graph call per 1024 rows: f̄(x, u) ≈ f + Fx (x − x_b) + Fu (u − u_b).
// Errors as Predict's.
func (p *NNPrior) Linearize(x, u [][]float64) (f [][]float64, Fx, Fu []*mat.Dense, err error) {
	const fn = "NNPrior.Linearize"
	z, err := p.nnRows(fn, x, u)
	if err != nil {
		return nil, nil, nil, err
	}
	f, J, err := p.nnLinearize(z)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("dynfit: %s: %w", fn, err)
	}
	if err := finiteRows(fn, "f", f); err != nil {
		return nil, nil, nil, err
	}
	for b, Jb := range J {
		if err := finiteMat(fmt.Sprintf("Jacobian %d", b), Jb); err != nil {
			return nil, nil, nil, fmt.Errorf("dynfit: %s: %w", fn, err)
		}
	}
	Fx, Fu = make([]*mat.Dense, len(z)), make([]*mat.Dense, len(z))
	for b, Jb := range J {
		Fx[b] = mat.DenseCopyOf(Jb.Slice(0, p.n, 0, p.n))
		Fu[b] = mat.DenseCopyOf(Jb.Slice(0, p.n, p.n, p.n+p.m))
	}
	return f, Fx, Fu, nil
}

// Model returns the dynamics network (nil before the first Update and for
// a nil prior): it maps [x; u] to x_{t+1} − x_t. It is the prior's own;
// training it changes the prior.
func (p *NNPrior) Model() *nn.MLP {
	if p == nil {
		return nil
	}
	return p.model
}

// ResidualCov returns a copy of Σ_x'x', the covariance of the network's
// one-step errors on its training data, plus Reg·I (nil before the first
// Update and for a nil prior).
func (p *NNPrior) ResidualCov() *mat.SymDense {
	if p == nil || p.resCov == nil {
		return nil
	}
	return mat.NewSymDense(p.n, append([]float64(nil), p.resCov.RawSymmetric().Data...))
}

// Loss returns the per-epoch training loss of the last Update (mean
// squared error in normalised units; see nn.MLP.Fit); nil for a nil prior.
func (p *NNPrior) Loss() []float64 {
	if p == nil {
		return nil
	}
	return append([]float64(nil), p.loss...)
}

// Rollouts returns how many rollouts the data set holds (0 for a nil
// prior).
func (p *NNPrior) Rollouts() int {
	if p == nil {
		return 0
	}
	return len(p.rollouts)
}

// Points returns how many (x_t, u_t, x_{t+1}) points the network was last
// trained on (0 for a nil prior).
func (p *NNPrior) Points() int {
	if p == nil {
		return 0
	}
	return p.points
}
