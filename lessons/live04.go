package lessons

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"sync"

	"github.com/rlcontrol/rlcontrol/live"
	"github.com/rlcontrol/rlcontrol/plotting"
	"github.com/rlcontrol/rlcontrol/rl/env"
	"github.com/rlcontrol/rlcontrol/rl/policy"
	"github.com/rlcontrol/rlcontrol/rl/trpo"
	"gonum.org/v1/plot/vg"
)

// Lesson 04's live control: the trust-region size δ of one TRPO update.
// Training takes minutes, so the control does not train: it takes one
// update from a fixed policy and batch and shows what δ does to it. The
// policy is the pendulum set-up's (PendulumTRPOConfig, seed 1) after
// TRPOStepIters iterations of TRPO at δ = 0.02, stored (04-trpo-step) with
// its value baseline; the batch is one fresh batch of 2000 steps from it.
// The search direction s = (F + damping·I)⁻¹g does not depend on δ, only
// the step's length does: Δθ = √(2δ / sᵀFs)·s.

// TRPOStepIters is the number of TRPO iterations (δ = 0.02) that make the
// fixed policy of lesson 04's δ control from the initial one. After 10 its
// update is in the regime section 6 of the lesson measures over whole
// runs: the quadratic model of the KL holds at δ = 0.02 and fails at 0.2
// and beyond (the lesson prints and asserts it).
const TRPOStepIters = 10

// TRPODeltaDefault is the δ control's default: the lesson's δ.
const TRPODeltaDefault = 0.02

// TRPODeltaControl is lesson 04's δ slider: 2·10⁻⁴ … 2, six positions per
// decade, starting at the lesson's 0.02 (0.2, section 6's δ, is on it).
func TRPODeltaControl() live.Control {
	return live.LogSlider("delta", "trust region δ (mean KL, nats)", 2e-4, 2, 6, TRPODeltaDefault)
}

// trpoStepBase is the fixed policy, batch and search direction.
type trpoStepBase struct {
	pol   *policy.Gaussian
	u     *trpo.Updater
	data  *trpo.Data
	theta []float64 // θ_old
	L0    float64   // L(θ_old)
	g, s  []float64 // the surrogate's gradient and the CG direction
	sFs   float64   // sᵀ(F + damping·I)s
	cfg   trpo.Config
}

var trpoStepCache struct {
	sync.Mutex
	base  *trpoStepBase
	steps map[float64]*TRPOStep // by δ
}

// trpoStepSetup returns the fixed policy, batch and direction, computing
// them on the first call (progress is told what it does).
func trpoStepSetup(ctx context.Context, progress live.Progress) (*trpoStepBase, error) {
	trpoStepCache.Lock()
	defer trpoStepCache.Unlock()
	if trpoStepCache.base != nil {
		return trpoStepCache.base, nil
	}
	progress("loading the fixed policy")
	nets, _, err := trpoStepNets.Get()
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	base, err := newTRPOStepBase(nets, progress)
	if err != nil {
		return nil, err
	}
	trpoStepCache.base = base
	return base, nil
}

// TRPOStepNets are the policy and value baseline of lesson 04's δ control,
// as checkpoints (policy.Gaussian.WriteTo, policy.Value.WriteTo).
type TRPOStepNets struct {
	Policy, Value []byte
}

// trpoStepSetupData is the plain-data set-up of the stored nets.
type trpoStepSetupData struct {
	Iterations, StepsPerIter, Envs int
	Delta, Gamma, Lambda           float64
	Hidden                         []int
	Seed                           uint64
}

// trpoStepNets: the pendulum policy after TRPOStepIters TRPO iterations.
var trpoStepNets = registerStored(Stored[TRPOStepNets]{
	Name: "04-trpo-step",
	Setup: func() trpoStepSetupData {
		c, _ := PendulumTRPOConfig(1).WithDefaults()
		return trpoStepSetupData{Iterations: TRPOStepIters, StepsPerIter: c.StepsPerIter, Envs: c.Envs,
			Delta: TRPODeltaDefault, Gamma: c.Gamma, Lambda: c.Lambda, Hidden: c.Hidden, Seed: c.Seed}
	}(),
	Compute: func(quick bool) (TRPOStepNets, error) {
		iters := TRPOStepIters
		if quick {
			iters = 2
		}
		return trainTRPOStepNets(iters)
	},
})

// trpoStepBatchSeed seeds the environment copies and the action noise of
// the δ control's batch.
var trpoStepBatchSeed uint64 = 1000

// trpoStepConfig is the set-up of lesson 04's δ control.
func trpoStepConfig() (trpo.Config, error) {
	cfg, err := PendulumTRPOConfig(1).WithDefaults()
	cfg.MaxKL = TRPODeltaDefault
	return cfg, err
}

// trainTRPOStepNets trains the pendulum policy (PendulumTRPOConfig, seed
// 1, δ = 0.02) for iters TRPO iterations with trpo.Train and returns it
// and its value baseline as checkpoints.
func trainTRPOStepNets(iters int) (TRPOStepNets, error) {
	cfg, err := trpoStepConfig()
	if err != nil {
		return TRPOStepNets{}, err
	}
	cfg.TotalSteps = iters * cfg.StepsPerIter
	res, err := trpo.Train(func() env.Env { return env.NewPendulum() }, cfg)
	if err != nil {
		return TRPOStepNets{}, err
	}
	var p, v bytes.Buffer
	if _, err := res.Policy.WriteTo(&p); err != nil {
		return TRPOStepNets{}, err
	}
	if _, err := res.Value.WriteTo(&v); err != nil {
		return TRPOStepNets{}, err
	}
	return TRPOStepNets{Policy: p.Bytes(), Value: v.Bytes()}, nil
}

// trpoStepBatch samples one batch of cfg.StepsPerIter steps with pol and
// returns it with its normalised GAE advantages (with the baseline val),
// as trpo.Train's iterations do, and its λ-returns.
func trpoStepBatch(cfg trpo.Config, pol *policy.Gaussian, val *policy.Value, vec *env.Vec, rng *rand.Rand) (*trpo.Data, []float64, error) {
	b, err := policy.Rollouts(pol, vec, cfg.StepsPerIter, rng)
	if err != nil {
		return nil, nil, err
	}
	values, next, err := val.Evaluate(b)
	if err != nil {
		return nil, nil, err
	}
	adv, ret, err := trpo.GAE(b.Rew, values, next, b.End, b.Terminal, cfg.Gamma, cfg.Lambda)
	if err != nil {
		return nil, nil, err
	}
	trpo.Normalize(adv)
	return &trpo.Data{Obs: b.Obs, Act: b.Act, Adv: adv, LogpOld: b.Logp, OldMean: b.Mean, OldLogStd: b.LogStd}, ret, nil
}

// newTRPOStepBase samples one batch of the set-up's size from the stored
// policy, computes its GAE advantages with the stored baseline, and solves
// for the search direction by conjugate gradient, as trpo's update does.
func newTRPOStepBase(nets TRPOStepNets, progress live.Progress) (*trpoStepBase, error) {
	cfg, err := trpoStepConfig()
	if err != nil {
		return nil, err
	}
	pol, err := policy.ReadGaussian(bytes.NewReader(nets.Policy))
	if err != nil {
		return nil, err
	}
	val, err := policy.ReadValue(bytes.NewReader(nets.Value))
	if err != nil {
		return nil, err
	}
	progress("sampling a batch of %d steps from the fixed policy", cfg.StepsPerIter)
	vec, err := env.NewVec(func() env.Env { return env.NewPendulum() }, cfg.Envs, cfg.Seed+trpoStepBatchSeed)
	if err != nil {
		return nil, err
	}
	d, _, err := trpoStepBatch(cfg, pol, val, vec, rand.New(rand.NewPCG(cfg.Seed, trpoStepBatchSeed)))
	if err != nil {
		return nil, err
	}
	progress("solving for the natural-gradient direction (conjugate gradient)")
	u, err := trpo.NewUpdater(pol, cfg)
	if err != nil {
		return nil, err
	}
	if err := u.Load(d); err != nil {
		return nil, err
	}
	base := &trpoStepBase{pol: pol, u: u, data: d, theta: pol.Params(), cfg: cfg}
	if base.L0, base.g, err = u.Gradient(base.theta); err != nil {
		return nil, err
	}
	Av := func(v []float64) ([]float64, error) { return u.FisherVectorProduct(base.theta, v) }
	if base.s, _, err = trpo.ConjugateGradient(Av, base.g, cfg.CGIters, 1e-10); err != nil {
		return nil, err
	}
	Fs, err := Av(base.s)
	if err != nil {
		return nil, err
	}
	base.sFs = vecDot(base.s, Fs)
	if !(base.sFs > 0) {
		return nil, fmt.Errorf("lessons: the Fisher matrix is not positive definite along the step: sᵀFs = %v", base.sFs)
	}
	return base, nil
}

// TRPOStep is one update of lesson 04's fixed policy and batch at one δ:
// the natural-gradient step Δθ = √(2δ / sᵀFs)·s, what natural PG does
// with it (take it whole) and what TRPO's line search does (cut it by
// 0.8 until the measured KL is at most δ and the surrogate improved).
type TRPOStep struct {
	Delta float64
	// StepNorm is ‖Δθ‖ of the full step.
	StepNorm float64
	// Fracs are fractions of the full step along it, and KL, ModelKL,
	// Gain and LinearGain the measured mean KL(π_old ‖ π_θ), its quadratic
	// model δ·frac², the measured surrogate gain L(θ) − L(θ_old) and its
	// linear prediction frac·gᵀΔθ there.
	Fracs, KL, ModelKL, Gain, LinearGain []float64
	// NaturalKL and NaturalGain are those of the full step (natural PG).
	NaturalKL, NaturalGain float64
	// Backtracks is the number of TRPO's cuts (−1: no step accepted
	// within BacktrackIters tries, θ unchanged); Accepted the fraction of
	// the full step TRPO takes (0 when none), with its KL and Gain.
	Backtracks          int
	Accepted            float64
	TRPOKL, TRPOGain    float64
	Phi                 []float64 // pendulum angles φ from upright (rad)
	Old, Natural, Taken []float64 // the policy's mean torque at (φ, φ̇ = 0)
}

// TRPOStepAt computes lesson 04's update at δ, once per δ (later calls
// return the same *TRPOStep). The first call also sets up the fixed
// policy, batch and direction (a second or two; progress is told). It
// returns an error for δ ≤ 0 or not finite, or, soon after, when ctx is
// cancelled.
func TRPOStepAt(ctx context.Context, delta float64, progress live.Progress) (*TRPOStep, error) {
	if !(delta > 0) || math.IsInf(delta, 0) {
		return nil, fmt.Errorf("lessons: TRPOStepAt: δ = %v, want > 0", delta)
	}
	if progress == nil {
		progress = func(string, ...any) {}
	}
	trpoStepCache.Lock()
	st := trpoStepCache.steps[delta]
	trpoStepCache.Unlock()
	if st != nil {
		return st, nil
	}
	base, err := trpoStepSetup(ctx, progress)
	if err != nil {
		return nil, err
	}
	st, err = base.step(ctx, delta, progress)
	if err != nil {
		return nil, err
	}
	trpoStepCache.Lock()
	if trpoStepCache.steps == nil {
		trpoStepCache.steps = map[float64]*TRPOStep{}
	}
	trpoStepCache.steps[delta] = st
	trpoStepCache.Unlock()
	return st, nil
}

// step computes the update at δ.
func (base *trpoStepBase) step(ctx context.Context, delta float64, progress live.Progress) (*TRPOStep, error) {
	beta := math.Sqrt(2 * delta / base.sFs)
	at := func(frac float64) []float64 {
		th := make([]float64, len(base.theta))
		for i := range th {
			th[i] = base.theta[i] + frac*beta*base.s[i]
		}
		return th
	}
	gs := vecDot(base.g, base.s)
	eval := func(frac float64) (L, kl float64, err error) {
		th := at(frac)
		if L, _, err = base.u.Gradient(th); err != nil {
			return 0, 0, err
		}
		kl, _, err = base.u.KLGradient(th)
		return L, kl, err
	}
	st := &TRPOStep{Delta: delta, StepNorm: beta * math.Sqrt(vecDot(base.s, base.s)), Backtracks: -1}
	// The line search's trial fractions 1, c, c², … (c = BacktrackCoeff)
	// with a few more points to draw the curves: one evaluation each.
	var trials []float64
	for k, f := 0, 1.0; k < base.cfg.BacktrackIters; k, f = k+1, f*base.cfg.BacktrackCoeff {
		trials = append(trials, f)
	}
	fracs := append([]float64{0, 0.05, 0.1}, trials...)
	fracs = append(fracs, 1.1, 1.25)
	slices.Sort(fracs)
	fracs = slices.Compact(fracs)
	type point struct{ L, kl float64 }
	pts := map[float64]point{}
	for i, f := range fracs {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		progress("δ = %.3g: evaluating point %d of %d along the step", delta, i+1, len(fracs))
		L, kl, err := eval(f)
		if err != nil {
			return nil, err
		}
		pts[f] = point{L, kl}
		st.Fracs = append(st.Fracs, f)
		st.KL, st.ModelKL = append(st.KL, kl), append(st.ModelKL, delta*f*f)
		st.Gain, st.LinearGain = append(st.Gain, L-base.L0), append(st.LinearGain, f*beta*gs)
	}
	st.NaturalKL, st.NaturalGain = pts[1].kl, pts[1].L-base.L0
	for k, f := range trials { // TRPO's line search, as trpo.Updater.Step
		p := pts[f]
		if p.kl <= delta && p.L > base.L0 && !math.IsNaN(p.L) && !math.IsInf(p.L, 0) {
			st.Backtracks, st.Accepted, st.TRPOKL, st.TRPOGain = k, f, p.kl, p.L-base.L0
			break
		}
	}
	// The policy's mean torque over the angle from upright, at rest.
	var obs [][]float64
	for k := 0; k <= 60; k++ {
		phi := -math.Pi + 2*math.Pi*float64(k)/60
		st.Phi = append(st.Phi, phi)
		obs = append(obs, []float64{math.Cos(phi), math.Sin(phi), 0})
	}
	pol := base.pol.Clone()
	for _, c := range []struct {
		frac float64
		out  *[]float64
	}{{0, &st.Old}, {1, &st.Natural}, {st.Accepted, &st.Taken}} {
		if err := pol.SetParams(at(c.frac)); err != nil {
			return nil, err
		}
		m, err := pol.Mean(obs)
		if err != nil {
			return nil, err
		}
		for _, r := range m {
			*c.out = append(*c.out, r[0])
		}
	}
	return st, nil
}

// vecDot is the dot product of two vectors of one length.
func vecDot(a, b []float64) float64 {
	s := 0.0
	for i := range a {
		s += a[i] * b[i]
	}
	return s
}

// Text is the one-line result the δ control shows under its figure.
func (s *TRPOStep) Text() string {
	trpoPart := "TRPO: no step accepted in the line search"
	if s.Backtracks >= 0 {
		trpoPart = fmt.Sprintf("TRPO: %d backtracks, KL %.4g = %.2f δ, surrogate gain %.4f", s.Backtracks, s.TRPOKL, s.TRPOKL/s.Delta, s.TRPOGain)
	}
	return fmt.Sprintf("natural PG: KL %.4g = %.2f δ, surrogate gain %.4f; %s", s.NaturalKL, s.NaturalKL/s.Delta, s.NaturalGain, trpoPart)
}

// Figure draws the update: the measured KL and its quadratic model along
// the step, the surrogate gain and its linear prediction, and the
// policy's mean torque before and after.
func (s *TRPOStep) Figure() (*plotting.Figure, error) {
	kl, err := plotting.Lines("KL along the step", "fraction f of the full step", klLabel, s.Fracs,
		plotting.Series{Name: "measured", Y: s.KL}, plotting.Series{Name: "quadratic model δ·f²", Y: s.ModelKL})
	if err != nil {
		return nil, err
	}
	if err := kl.HLine(0, s.Delta, fmt.Sprintf("δ = %.3g", s.Delta)); err != nil {
		return nil, err
	}
	gain, err := plotting.Lines("surrogate gain along the step", "fraction f of the full step", "L(θ) − L(θ_old)", s.Fracs,
		plotting.Series{Name: "measured", Y: s.Gain}, plotting.Series{Name: "linear model f·gᵀΔθ", Y: s.LinearGain})
	if err != nil {
		return nil, err
	}
	label := "TRPO takes none"
	if s.Backtracks >= 0 {
		label = fmt.Sprintf("TRPO: f = %.2f", s.Accepted)
	}
	for _, f := range []*plotting.Figure{kl, gain} {
		if s.Backtracks >= 0 {
			if err := f.VLine(0, s.Accepted, label); err != nil {
				return nil, err
			}
		}
	}
	deg := make([]float64, len(s.Phi))
	for i, p := range s.Phi {
		deg[i] = p * 180 / math.Pi
	}
	pol, err := plotting.Lines("mean torque at rest", "angle from upright φ (degrees)", "mean torque u (N·m)", deg,
		plotting.Series{Name: "before", Y: s.Old}, plotting.Series{Name: "natural PG", Y: s.Natural}, plotting.Series{Name: "TRPO", Y: s.Taken})
	if err != nil {
		return nil, err
	}
	fig, err := plotting.Combine(fmt.Sprintf("One update of the pendulum policy at δ = %.3g (‖Δθ‖ = %.3g)", s.Delta, s.StepNorm), 3, kl, gain, pol)
	if err != nil {
		return nil, err
	}
	return fig.LegendOutside().WithSize(10*vg.Inch, 4*vg.Inch), nil
}

// TRPODeltaRender is the render function of lesson 04's δ control (see
// TRPODeltaControl): one update at the chosen δ, as TRPOStepAt computes
// it, drawn by TRPOStep.Figure with TRPOStep.Text under it.
func TRPODeltaRender(ctx context.Context, v live.Values, progress live.Progress) (live.View, error) {
	st, err := TRPOStepAt(ctx, v.Float("delta"), progress)
	if err != nil {
		return live.View{}, err
	}
	fig, err := st.Figure()
	return live.View{Figure: fig, Text: st.Text()}, err
}
