package trpo

import (
	"fmt"
	"math"

	"github.com/rlcontrol/rlcontrol/rl/internal/nilcheck"

	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/rlcontrol/rlcontrol/rl/internal/small"
	"github.com/rlcontrol/rlcontrol/rl/mlx"
	"github.com/rlcontrol/rlcontrol/rl/policy"
	"github.com/rlcontrol/rlcontrol/rl/system"
)

// Policy is what the policy update needs: flat parameters θ and the
// network's Gaussian as a GoMLX graph (mean and state-independent log-std of
// π_θ(·|s) for a batch of observations), so that the surrogate, the KL and
// their derivatives can be built around it.
type Policy interface {
	NumParams() int
	Params() []float64
	SetParams(theta []float64) error
	MeanLogStd(theta, obs *graph.Node) (mean, logStd *graph.Node)
}

// Data is one iteration's samples, flattened over time and environment
// copies: observations, actions, (normalised) advantages, and the old
// policy's log-probabilities, means and log-std at those samples. Every
// entry must be finite; Obs rows have the policy's observation length,
// Act and OldMean rows and OldLogStd its action length, and the old
// log-stds lie within ±policy.MaxAbsLogStd.
type Data struct {
	Obs, Act  [][]float64
	Adv       []float64
	LogpOld   []float64
	OldMean   [][]float64
	OldLogStd []float64
}

// StepStats describes one policy update.
type StepStats struct {
	// SurrogateGain is L(θ_new) − L(θ_old), the surrogate advantage gained.
	SurrogateGain float64
	// KL is the measured mean KL(π_old ‖ π_new) over the batch.
	KL float64
	// ExpectedGain is gᵀΔθ for the full step, the first-order prediction.
	ExpectedGain float64
	// Backtracks is the number of step halvings (×BacktrackCoeff) before
	// acceptance; −1 when no step was accepted (θ unchanged).
	Backtracks int
	// CGIters is the number of conjugate-gradient iterations run.
	CGIters int
	// GradNorm is ‖g‖, the norm of the policy gradient.
	GradNorm float64
	// StepNorm is ‖Δθ‖ of the full step, before any backtracking.
	StepNorm float64
}

// Updater performs policy updates for one policy: it holds the compiled
// graphs of the surrogate, its gradient, the Fisher-vector product and the
// line-search evaluation. Train uses one; it is exported for benchmarks
// and lessons that want to take single steps. Make it with NewUpdater; Step
// on a nil Updater returns an error.
type Updater struct {
	pol               Policy
	gradExec, fvpExec *graph.Exec
	evalExec          *graph.Exec
	cfg               *Config
	obsT, actT, advT  *tensors.Tensor
	logpT, meanT, lsT *tensors.Tensor
	// obsF and meanF are the rows the Fisher-vector products use: every
	// FisherSubsample-th sample.
	obsF, meanF *tensors.Tensor
	// klGradExec computes ∇_θ KL̄ (KLGradient only; compiled on first use).
	klGradExec *graph.Exec
	loaded     bool
}

// NewUpdater compiles the update graphs for pol with cfg's settings (zero
// fields take Config's defaults). It returns an error if pol is nil (or a
// nil pointer) or has no parameters, or cfg is invalid.
func NewUpdater(pol Policy, cfg Config) (*Updater, error) {
	if nilcheck.IsNil(pol) {
		return nil, fmt.Errorf("trpo: NewUpdater: nil policy")
	}
	if n := pol.NumParams(); n < 1 {
		return nil, fmt.Errorf("trpo: NewUpdater: the policy has NumParams() = %d, want ≥ 1", n)
	}
	cfg, err := cfg.WithDefaults()
	if err != nil {
		return nil, err
	}
	return newUpdater(pol, &cfg)
}

func newUpdater(pol Policy, cfg *Config) (*Updater, error) {
	u := &Updater{pol: pol, cfg: cfg}
	b := mlx.Backend()
	// surrogate L(θ) = mean_i exp(log π_θ(a_i|s_i) − log π_old(a_i|s_i)) Â_i, and ∇L.
	surrogate := func(theta, obs, act, adv, logpOld *graph.Node) *graph.Node {
		mean, ls := pol.MeanLogStd(theta, obs)
		ratio := graph.Exp(graph.Sub(policy.LogProb(mean, ls, act), logpOld))
		return graph.ReduceAllMean(graph.Mul(ratio, adv))
	}
	meanKL := func(theta, obs, oldMean, oldLogStd *graph.Node) *graph.Node {
		mean, ls := pol.MeanLogStd(theta, obs)
		return graph.ReduceAllMean(policy.KL(oldMean, oldLogStd, mean, ls))
	}
	var err error
	u.gradExec, err = graph.NewExec(b, func(theta, obs, act, adv, logpOld *graph.Node) (*graph.Node, *graph.Node) {
		L := surrogate(theta, obs, act, adv, logpOld)
		return L, graph.Gradient(L, theta)[0]
	})
	if err != nil {
		return nil, err
	}
	// Fisher-vector product by double backpropagation of the mean KL:
	// F v = ∇_θ ( ∇_θ KL(π_old ‖ π_θ) · v ), plus damping·v.
	u.fvpExec, err = graph.NewExec(b, func(theta, obs, oldMean, oldLogStd, v, damping *graph.Node) *graph.Node {
		kl := meanKL(theta, obs, oldMean, oldLogStd)
		g := graph.Gradient(kl, theta)[0]
		Fv := graph.Gradient(graph.ReduceAllSum(graph.Mul(g, v)), theta)[0]
		return graph.Add(Fv, graph.Mul(damping, v))
	})
	if err != nil {
		return nil, err
	}
	// Seven inputs: GoMLX's typed forms stop at six, so take a slice
	// (θ, obs, act, adv, logpOld, oldMean, oldLogStd).
	u.evalExec, err = graph.NewExec(b, func(in []*graph.Node) (*graph.Node, *graph.Node) {
		return surrogate(in[0], in[1], in[2], in[3], in[4]), meanKL(in[0], in[1], in[5], in[6])
	})
	return u, err
}

// dims is implemented by policies that know their dimensions (as
// policy.Gaussian does); Step then checks the data against them.
type dims interface {
	ObsDim() int
	ActDim() int
}

// check returns an error naming the first problem of d: nil, mismatched
// counts, rows of the wrong length, non-finite entries or old log-stds out
// of range. It formats only on failure.
func (u *Updater) check(d *Data) error {
	const fn = "trpo: Updater.Step"
	if d == nil {
		return fmt.Errorf("%s: data is nil", fn)
	}
	B := len(d.Obs)
	if B == 0 || len(d.Act) != B || len(d.Adv) != B || len(d.LogpOld) != B || len(d.OldMean) != B {
		return fmt.Errorf("trpo: batch has %d observations, %d actions, %d advantages, %d log-probabilities and %d means; want equal, non-zero counts",
			B, len(d.Act), len(d.Adv), len(d.LogpOld), len(d.OldMean))
	}
	obsDim, actDim := len(d.Obs[0]), len(d.OldLogStd)
	if p, ok := u.pol.(dims); ok {
		obsDim, actDim = p.ObsDim(), p.ActDim()
	}
	if actDim < 1 || obsDim < 1 {
		return fmt.Errorf("%s: Obs[0] has length %d and OldLogStd %d, want ≥ 1", fn, obsDim, actDim)
	}
	for _, rows := range [...]struct {
		name string
		x    [][]float64
		dim  int
	}{{"Obs", d.Obs, obsDim}, {"Act", d.Act, actDim}, {"OldMean", d.OldMean, actDim}} {
		for i, r := range rows.x {
			// CheckVec("", …) says " has length …" or "[j] = … is not finite".
			if err := system.CheckVec("", r, rows.dim); err != nil {
				return fmt.Errorf("%s: %s[%d]%w", fn, rows.name, i, err)
			}
		}
	}
	for _, v := range [...]struct {
		name string
		x    []float64
		n    int
	}{{"Adv", d.Adv, B}, {"LogpOld", d.LogpOld, B}, {"OldLogStd", d.OldLogStd, actDim}} {
		if err := system.CheckVec(v.name, v.x, v.n); err != nil {
			return fmt.Errorf("%s: %w", fn, err)
		}
	}
	for j, l := range d.OldLogStd {
		if !(math.Abs(l) <= policy.MaxAbsLogStd) { // false for NaN too
			return fmt.Errorf("%s: OldLogStd[%d] = %v, want |logσ| ≤ %d (σ and 1/σ finite)", fn, j, l, policy.MaxAbsLogStd)
		}
	}
	return nil
}

// load checks the batch and converts it to tensors once per update.
func (u *Updater) load(d *Data) error {
	if err := u.check(d); err != nil {
		return err
	}
	B := len(d.Obs)
	u.obsT = tensors.FromValue(d.Obs)
	u.actT = tensors.FromValue(d.Act)
	u.advT = tensors.FromValue(d.Adv)
	u.logpT = tensors.FromValue(d.LogpOld)
	u.meanT = tensors.FromValue(d.OldMean)
	u.obsF, u.meanF = u.obsT, u.meanT
	if k := u.cfg.FisherSubsample; k > 1 && B >= k {
		var obs, mean [][]float64
		for i := 0; i < B; i += k {
			obs, mean = append(obs, d.Obs[i]), append(mean, d.OldMean[i])
		}
		u.obsF, u.meanF = tensors.FromValue(obs), tensors.FromValue(mean)
	}
	u.lsT = tensors.FromValue(d.OldLogStd)
	u.loaded = true
	return nil
}

func flat(t *tensors.Tensor) ([]float64, error) { return tensors.CopyFlatData[float64](t) }

func scalar(t *tensors.Tensor) (float64, error) {
	v, err := flat(t)
	if err != nil {
		return 0, err
	}
	return v[0], nil
}

// gradient returns L(θ) and ∇L(θ).
func (u *Updater) gradient(theta []float64) (float64, []float64, error) {
	out, err := u.gradExec.Call(theta, u.obsT, u.actT, u.advT, u.logpT)
	if err != nil {
		return 0, nil, err
	}
	L, err := scalar(out[0])
	if err != nil {
		return 0, nil, err
	}
	g, err := flat(out[1])
	return L, g, err
}

// fvp returns (F + damping·I) v at θ.
func (u *Updater) fvp(theta, v []float64) ([]float64, error) {
	out, err := u.fvpExec.Call(theta, u.obsF, u.meanF, u.lsT, v, u.cfg.damping())
	if err != nil {
		return nil, err
	}
	return flat(out[0])
}

// evaluate returns L(θ) and the mean KL(π_old ‖ π_θ).
func (u *Updater) evaluate(theta []float64) (float64, float64, error) {
	out, err := u.evalExec.Call(theta, u.obsT, u.actT, u.advT, u.logpT, u.meanT, u.lsT)
	if err != nil {
		return 0, 0, err
	}
	L, err := scalar(out[0])
	if err != nil {
		return 0, 0, err
	}
	kl, err := scalar(out[1])
	return L, kl, err
}

// Step performs one policy update on the batch and sets the policy's new
// parameters; see step. It returns an error, leaving the policy as it
// was, if u or d is nil, d is invalid (see Data; the error names the
// entry), the policy's parameters are not finite, or the update overflows
// float64: a non-finite surrogate or gradient at the current parameters
// (LogpOld far below the policy's log-probabilities of Act, say), a
// non-finite Fisher-vector product or step length, or a non-finite
// surrogate or KL after a NaturalPG or VanillaPG step. TRPO's line search
// rejects non-finite trial points like any other.
func (u *Updater) Step(d *Data) (StepStats, error) {
	if u == nil || u.pol == nil {
		return StepStats{}, fmt.Errorf("trpo: Updater.Step: nil Updater (make one with NewUpdater)")
	}
	return u.step(d)
}

// step performs one policy update on the batch, by the configured method:
//
//	TRPO:       s = F⁻¹g by conjugate gradient, Δθ = √(2δ / sᵀFs)·s, then
//	            backtrack Δθ ← β·Δθ until KL ≤ δ and the surrogate improves;
//	NaturalPG:  the same step, always taken (no line search);
//	VanillaPG:  Δθ = LearningRate·g;
//	EuclideanPG: Δθ = √(2δ/‖g‖²)·g, always taken.
func (u *Updater) step(d *Data) (StepStats, error) {
	var st StepStats
	if err := u.load(d); err != nil {
		return st, err
	}
	theta := u.pol.Params()
	if err := system.CheckVec("the policy's parameters θ", theta, u.pol.NumParams()); err != nil {
		return st, fmt.Errorf("trpo: Updater.Step: %w", err)
	}
	L0, g, err := u.gradient(theta)
	if err != nil {
		return st, err
	}
	if !finite(L0) {
		return st, fmt.Errorf("trpo: Updater.Step: the surrogate L(θ) = %v at the current parameters is not finite: are LogpOld the old policy's log-probabilities of Act?", L0)
	}
	if err := system.CheckVec("∇L(θ)", g, len(theta)); err != nil {
		return st, fmt.Errorf("trpo: Updater.Step: the surrogate's gradient overflows: %w", err)
	}
	st.GradNorm = math.Sqrt(small.Dot(g, g))
	if !(st.GradNorm > 0) {
		st.Backtracks = -1
		return st, nil // nothing to do: a zero gradient
	}
	var full []float64
	switch u.cfg.Algorithm {
	case VanillaPG:
		full = make([]float64, len(g))
		for i := range g {
			full[i] = u.cfg.LearningRate * g[i]
		}
	case EuclideanPG:
		// max gᵀΔθ s.t. ½‖Δθ‖² ≤ δ: Δθ = √(2δ/‖g‖²)·g, so ‖Δθ‖ = √(2δ).
		full = make([]float64, len(g))
		beta := math.Sqrt(2*u.cfg.MaxKL) / st.GradNorm
		for i := range g {
			full[i] = beta * g[i]
		}
	default:
		s, k, err := ConjugateGradient(func(v []float64) ([]float64, error) { return u.fvp(theta, v) }, g, u.cfg.CGIters, 1e-10)
		st.CGIters = k
		if err != nil {
			return st, err
		}
		Fs, err := u.fvp(theta, s)
		if err != nil {
			return st, err
		}
		sFs := small.Dot(s, Fs)
		if !(sFs > 0) {
			return st, fmt.Errorf("trpo: sᵀFs = %v: the Fisher matrix is not positive definite along the step", sFs)
		}
		beta := math.Sqrt(2 * u.cfg.MaxKL / sFs)
		if math.IsInf(beta, 0) {
			return st, fmt.Errorf("trpo: the step length √(2δ / sᵀFs) overflows: sᵀFs = %v", sFs)
		}
		full = make([]float64, len(s))
		for i := range s {
			full[i] = beta * s[i]
		}
	}
	st.ExpectedGain = small.Dot(g, full)
	st.StepNorm = math.Sqrt(small.Dot(full, full))
	next := make([]float64, len(theta))
	try := func(frac float64) (float64, float64, error) {
		for i := range theta {
			next[i] = theta[i] + frac*full[i]
		}
		return u.evaluate(next)
	}
	if u.cfg.Algorithm != TRPO {
		L, kl, err := try(1)
		if err != nil {
			return st, err
		}
		if !finite(L) || !finite(kl) {
			return st, fmt.Errorf("trpo: Updater.Step: the %v step overflows: L(θ + Δθ) = %v, KL = %v; lower MaxKL or LearningRate", u.cfg.Algorithm, L, kl)
		}
		st.SurrogateGain, st.KL = L-L0, kl
		return st, u.pol.SetParams(next)
	}
	frac := 1.0
	for k := 0; k < u.cfg.BacktrackIters; k++ {
		L, kl, err := try(frac)
		if err != nil {
			return st, err
		}
		if kl <= u.cfg.MaxKL && L > L0 && finite(L) {
			st.SurrogateGain, st.KL, st.Backtracks = L-L0, kl, k
			return st, u.pol.SetParams(next)
		}
		frac *= u.cfg.BacktrackCoeff
	}
	st.Backtracks = -1 // line search failed: keep θ
	return st, nil
}

// Load sets the batch that Gradient, FisherVectorProduct and KLGradient
// use, for lessons and tests that look inside one update (Step loads its
// own batch). It returns an error if u is nil or d is invalid (see Data).
func (u *Updater) Load(d *Data) error {
	if u == nil || u.pol == nil {
		return fmt.Errorf("trpo: Updater.Load: nil Updater (make one with NewUpdater)")
	}
	return u.load(d)
}

// ready returns an error unless u has a loaded batch and theta has the
// policy's length with finite entries.
func (u *Updater) ready(fn string, theta []float64) error {
	if u == nil || u.pol == nil {
		return fmt.Errorf("trpo: Updater.%s: nil Updater (make one with NewUpdater)", fn)
	}
	if !u.loaded {
		return fmt.Errorf("trpo: Updater.%s: no batch: call Load first", fn)
	}
	if err := system.CheckVec("θ", theta, u.pol.NumParams()); err != nil {
		return fmt.Errorf("trpo: Updater.%s: %w", fn, err)
	}
	return nil
}

// Gradient returns the surrogate L(θ) = mean_i [π_θ(a_i|s_i)/π_old(a_i|s_i)] Â_i
// of the loaded batch and its gradient g = ∇L(θ), as Step computes them.
func (u *Updater) Gradient(theta []float64) (float64, []float64, error) {
	if err := u.ready("Gradient", theta); err != nil {
		return 0, nil, err
	}
	return u.gradient(theta)
}

// FisherVectorProduct returns (F + damping·I)v at θ, where F is the Hessian
// of the mean KL(π_old ‖ π_θ) of the loaded batch, by double
// backpropagation, as Step's conjugate gradient uses it (Config.Damping < 0
// gives F alone).
func (u *Updater) FisherVectorProduct(theta, v []float64) ([]float64, error) {
	if err := u.ready("FisherVectorProduct", theta); err != nil {
		return nil, err
	}
	if err := system.CheckVec("v", v, len(theta)); err != nil {
		return nil, fmt.Errorf("trpo: Updater.FisherVectorProduct: %w", err)
	}
	return u.fvp(theta, v)
}

// KLGradient returns the mean KL(π_old ‖ π_θ) of the loaded batch (on the
// Fisher-product rows, see Config.FisherSubsample) and its gradient
// ∇_θ KL̄, whose finite differences (∇KL̄(θ+hv) − ∇KL̄(θ−hv))/2h approximate
// F v: a check of FisherVectorProduct.
func (u *Updater) KLGradient(theta []float64) (float64, []float64, error) {
	if err := u.ready("KLGradient", theta); err != nil {
		return 0, nil, err
	}
	if u.klGradExec == nil {
		pol := u.pol
		exec, err := graph.NewExec(mlx.Backend(), func(theta, obs, oldMean, oldLogStd *graph.Node) (*graph.Node, *graph.Node) {
			mean, ls := pol.MeanLogStd(theta, obs)
			kl := graph.ReduceAllMean(policy.KL(oldMean, oldLogStd, mean, ls))
			return kl, graph.Gradient(kl, theta)[0]
		})
		if err != nil {
			return 0, nil, err
		}
		u.klGradExec = exec
	}
	out, err := u.klGradExec.Call(theta, u.obsF, u.meanF, u.lsT)
	if err != nil {
		return 0, nil, err
	}
	kl, err := scalar(out[0])
	if err != nil {
		return 0, nil, err
	}
	g, err := flat(out[1])
	return kl, g, err
}
