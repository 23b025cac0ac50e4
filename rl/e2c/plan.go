package e2c

import (
	"errors"
	"fmt"
	"math"
	"runtime"
	"sync"

	"gonum.org/v1/gonum/mat"

	"github.com/rlcontrol/rlcontrol/rl/cost"
	"github.com/rlcontrol/rlcontrol/rl/ilqr"
	"github.com/rlcontrol/rlcontrol/rl/internal/config"
	"github.com/rlcontrol/rlcontrol/rl/internal/nilcheck"
	"github.com/rlcontrol/rlcontrol/rl/system"
)

// LatentModel is what the planner needs from a trained model: an encoder
// and the locally linear transition. *Model implements it.
//
// ClosedLoop and Plan call it from one goroutine; Evaluate runs episodes in
// parallel (PlanConfig.Workers goroutines), so a model given to Evaluate
// must be safe for concurrent use, or Workers must be 1.
type LatentModel interface {
	// LatentDim is the dimension of z.
	LatentDim() int
	// ActionDim is the dimension of u.
	ActionDim() int
	// Encode returns the means μ of q(z|x) for a batch of images.
	Encode(images [][]float64) ([][]float64, error)
	// Linearize returns A(z), B(z) and o(z) of the locally linear
	// transition ẑ' = A z + B u + o at z (A is LatentDim×LatentDim, B is
	// LatentDim×ActionDim), computed in plain Go: the planner calls it
	// several times per step of every plan.
	Linearize(z []float64) (A, B *mat.Dense, o []float64, err error)
}

// checkModel returns the model's dimensions, or an error naming a nil model
// (a typed nil included) or a dimension below 1.
func checkModel(fn string, m LatentModel) (k, mu int, err error) {
	if nilcheck.IsNil(m) {
		return 0, 0, fmt.Errorf("%s: nil LatentModel", fn)
	}
	k, mu = m.LatentDim(), m.ActionDim()
	switch {
	case k < 1:
		return 0, 0, fmt.Errorf("%s: model's LatentDim() = %d, want ≥ 1", fn, k)
	case mu < 1:
		return 0, 0, fmt.Errorf("%s: model's ActionDim() = %d, want ≥ 1", fn, mu)
	}
	return k, mu, nil
}

// LatentSystem is a LatentModel seen as a system.System, so that package
// ilqr plans in the latent space unchanged. Its step is the model's locally
// linear prediction of the next latent mean,
//
//	f(z, u) = A(z) z + B(z) u + o(z),
//
// and its Jacobians are, as in Embed to Control, the matrices of that
// prediction, ∂f/∂z ≈ A(z) and ∂f/∂u = B(z). The first is an
// approximation: the exact derivative adds (∂A/∂z) z + (∂B/∂z) u + ∂o/∂z,
// which E2C leaves out — the model is trained so that A(z), B(z), o(z) are
// the local linearisation, and re-planning at every step absorbs the rest.
// For a model whose A, B, o do not depend on z the Jacobians are exact.
//
// The action box is the real system's (ActionLimits), so iLQR plans only
// actions the plant can apply. Unlike the systems of package system, Step
// and Jacobians allocate (the model's Linearize returns new matrices).
// A LatentSystem keeps no scratch: it is as safe for concurrent use as its
// model.
type LatentSystem struct {
	model  LatentModel
	k, m   int
	lo, hi []float64
	dt     float64
	// offset is added to o(z) (ClosedLoop's correction; nil: none).
	offset []float64
}

// NewLatentSystem wraps m with the action box [lo, hi] (both nil: no
// limits; a component may be ±Inf) and the time step dt in seconds that Dt
// reports (0: 1, "one step"). It returns an error for a nil model, bad
// dimensions, bounds of the wrong length, NaN or not ordered, and a dt that
// is negative or not finite.
func NewLatentSystem(m LatentModel, lo, hi []float64, dt float64) (*LatentSystem, error) {
	const fn = "e2c: NewLatentSystem"
	k, mu, err := checkModel(fn, m)
	if err != nil {
		return nil, err
	}
	if dt == 0 {
		dt = 1
	}
	if !config.Positive(dt) {
		return nil, fmt.Errorf("%s: dt = %v, want finite and > 0", fn, dt)
	}
	lo, hi, err = checkBox(fn, lo, hi, mu)
	if err != nil {
		return nil, err
	}
	return &LatentSystem{model: m, k: k, m: mu, lo: lo, hi: hi, dt: dt}, nil
}

// checkBox returns copies of the action bounds (±Inf for nil), or an error
// naming a wrong length, a NaN or lo > hi.
func checkBox(fn string, lo, hi []float64, m int) ([]float64, []float64, error) {
	if lo == nil && hi == nil {
		l, h := make([]float64, m), make([]float64, m)
		for j := range l {
			l[j], h[j] = math.Inf(-1), math.Inf(1)
		}
		return l, h, nil
	}
	if len(lo) != m || len(hi) != m {
		return nil, nil, fmt.Errorf("%s: action bounds have lengths %d and %d, want %d (the model's ActionDim)", fn, len(lo), len(hi), m)
	}
	for j := range lo {
		if math.IsNaN(lo[j]) || math.IsNaN(hi[j]) || lo[j] > hi[j] || math.IsInf(lo[j], 1) || math.IsInf(hi[j], -1) {
			return nil, nil, fmt.Errorf("%s: action bounds [%v, %v] of component %d, want lo ≤ hi, not NaN", fn, lo[j], hi[j], j)
		}
	}
	return append([]float64(nil), lo...), append([]float64(nil), hi...), nil
}

// Validate returns an error for a nil LatentSystem or one not made by
// NewLatentSystem (package ilqr calls it before planning).
func (s *LatentSystem) Validate() error {
	switch {
	case s == nil:
		return errors.New("e2c: nil LatentSystem")
	case s.model == nil:
		return errors.New("e2c: LatentSystem was not made by NewLatentSystem")
	}
	return nil
}

// Model returns the wrapped model.
func (s *LatentSystem) Model() LatentModel { return s.model }

// Name returns "E2C latent model".
func (s *LatentSystem) Name() string { return "E2C latent model" }

// StateDim returns the model's LatentDim.
func (s *LatentSystem) StateDim() int { return s.k }

// ActionDim returns the model's ActionDim.
func (s *LatentSystem) ActionDim() int { return s.m }

// Dt returns the time step given to NewLatentSystem.
func (s *LatentSystem) Dt() float64 { return s.dt }

// ActionLimits returns copies of the action box.
func (s *LatentSystem) ActionLimits() (lo, hi []float64) {
	return append([]float64(nil), s.lo...), append([]float64(nil), s.hi...)
}

// StateNames returns "z1", "z2", ….
func (s *LatentSystem) StateNames() []string { return numbered("z", s.k) }

// ActionNames returns "u1", "u2", ….
func (s *LatentSystem) ActionNames() []string { return numbered("u", s.m) }

func numbered(p string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("%s%d", p, i+1)
	}
	return out
}

// linearize calls the model's Linearize at z and checks what it returns:
// the sizes and finiteness of A, B and o.
func (s *LatentSystem) linearize(fn string, z []float64) (A, B *mat.Dense, o []float64, err error) {
	A, B, o, err = s.model.Linearize(z)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("%s: Linearize: %w", fn, err)
	}
	if A == nil || B == nil {
		return nil, nil, nil, fmt.Errorf("%s: Linearize returned a nil matrix", fn)
	}
	if r, c := A.Dims(); r != s.k || c != s.k {
		return nil, nil, nil, fmt.Errorf("%s: Linearize returned A of %d×%d, want %d×%d", fn, r, c, s.k, s.k)
	}
	if r, c := B.Dims(); r != s.k || c != s.m {
		return nil, nil, nil, fmt.Errorf("%s: Linearize returned B of %d×%d, want %d×%d", fn, r, c, s.k, s.m)
	}
	if err := system.CheckVec(fn+": Linearize's o", o, s.k); err != nil {
		return nil, nil, nil, err
	}
	for _, M := range []struct {
		name string
		m    *mat.Dense
	}{{"A", A}, {"B", B}} {
		r, c := M.m.Dims()
		for i := 0; i < r; i++ {
			for j := 0; j < c; j++ {
				if v := M.m.At(i, j); math.IsNaN(v) || math.IsInf(v, 0) {
					return nil, nil, nil, fmt.Errorf("%s: Linearize returned %s[%d,%d] = %v at z = %v", fn, M.name, i, j, v, z)
				}
			}
		}
	}
	return A, B, o, nil
}

// Step writes f(z, u) = A(z) z + B(z) u + o(z) into next; next may alias z.
// It returns an error for inputs of the wrong length or not finite, a
// failure of the model's Linearize or a bad matrix from it, and a result
// that overflows.
func (s *LatentSystem) Step(next, z, u []float64) error {
	const fn = "e2c: LatentSystem.Step"
	if err := s.Validate(); err != nil {
		return err
	}
	if err := system.CheckLen(fn+": next", next, s.k); err != nil {
		return err
	}
	if err := system.CheckVec(fn+": z", z, s.k); err != nil {
		return err
	}
	if err := system.CheckVec(fn+": u", u, s.m); err != nil {
		return err
	}
	A, B, o, err := s.linearize(fn, z)
	if err != nil {
		return err
	}
	out := make([]float64, s.k)
	for i := range out {
		v := o[i]
		if s.offset != nil {
			v += s.offset[i]
		}
		for j, zj := range z {
			v += A.At(i, j) * zj
		}
		for j, uj := range u {
			v += B.At(i, j) * uj
		}
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("%s: next latent component %d overflows (%v) at z = %v, u = %v", fn, i, v, z, u)
		}
		out[i] = v
	}
	copy(next, out)
	return nil
}

// Jacobians writes A(z) (k×k) and B(z) (k×m), row-major, into Az and Bz:
// the Jacobians of Embed to Control, which leave out the derivatives of A,
// B and o with respect to z (see LatentSystem). u is checked but, as B does
// not depend on it, unused. Errors are Step's.
func (s *LatentSystem) Jacobians(Az, Bz, z, u []float64) error {
	const fn = "e2c: LatentSystem.Jacobians"
	if err := s.Validate(); err != nil {
		return err
	}
	if err := system.CheckLen(fn+": A", Az, s.k*s.k); err != nil {
		return err
	}
	if err := system.CheckLen(fn+": B", Bz, s.k*s.m); err != nil {
		return err
	}
	if err := system.CheckVec(fn+": z", z, s.k); err != nil {
		return err
	}
	if err := system.CheckVec(fn+": u", u, s.m); err != nil {
		return err
	}
	A, B, _, err := s.linearize(fn, z)
	if err != nil {
		return err
	}
	for i := 0; i < s.k; i++ {
		for j := 0; j < s.k; j++ {
			Az[i*s.k+j] = A.At(i, j)
		}
		for j := 0; j < s.m; j++ {
			Bz[i*s.m+j] = B.At(i, j)
		}
	}
	return nil
}

// PlanConfig sets up planning in the latent space. The cost of a plan of
// Horizon steps from z_0 is the quadratic
//
//	J = Σ_{t<H} [½ Q ‖z_t − z_goal‖² + ½ R ‖u_t‖²] + ½ QFinal ‖z_H − z_goal‖²
//
// (package cost's ½ convention), with z_goal the encoding of the goal image.
// The zero value of every field selects the default in its comment.
type PlanConfig struct {
	// Horizon is the number of steps H of each plan (default 40: 2 s of the
	// pendulum at Δt = 0.05 s, room for a swing-up, which with a perfect
	// model fails from every start at H = 20 and succeeds from H = 30 on;
	// 40 planar steps of up to 0.2 m cross the 4 m field twice).
	Horizon int
	// Q weighs ‖z − z_goal‖² at every stage (≥ 0; default 1: the latent
	// space is scaled by its N(0, I) prior, so a unit of distance is a
	// typical spread of the data).
	Q float64
	// R weighs ‖u‖² at every stage (> 0: iLQR inverts it; default 0.1:
	// the box limits the actions more than R does, and with a perfect
	// pendulum model R from 0.1 to 1 ends within 3 mrad of upright while
	// 0.01 leaves ~15 mrad of chatter).
	R float64
	// QFinal weighs ‖z_H − z_goal‖² at the end of each plan (≥ 0; default
	// 1000·Q: a plan must end at the goal, while the stage cost, small
	// beside it, leaves room for detours — a swing-up away from the goal,
	// a path around an obstacle. With a perfect pendulum model QFinal =
	// 10·Q never swings up, 1000·Q always does).
	QFinal float64
	// Iterations caps the iLQR iterations of a plan from scratch: Plan, and
	// the first plan of ClosedLoop (> 0; default 100; a linear-quadratic
	// problem converges in one or two).
	Iterations int
	// ReplanIterations caps the iLQR iterations of each warm-started
	// replan of ClosedLoop (> 0; default 10, ilqr.MPCConfig's: the shifted
	// previous plan is already close).
	ReplanIterations int
	// ReplanEvery re-plans after that many executed steps (1 ≤ ReplanEvery
	// ≤ Horizon; default 1: MPC, the paper's receding horizon). In between,
	// ClosedLoop plays the plan's actions open loop; ReplanEvery = Horizon
	// with an episode of at most Horizon steps executes one open-loop plan.
	ReplanEvery int
	// ActionLo and ActionHi bound the actions (both nil: Plan is
	// unconstrained and ClosedLoop takes the real system's ActionLimits).
	ActionLo, ActionHi []float64
	// Correction, in [0, 1], is the gain of ClosedLoop's offset correction
	// (default 0: none, as the paper plans). A learned model is biased: it
	// may predict a drift, z' = A z + o ≠ z at u = 0, where the real system
	// does not move, and MPC then settles where the predicted drift and the
	// cost balance, short of the goal. With Correction g, after each step
	// ClosedLoop compares the encoded latent with the one the model had
	// predicted and adds g times the difference to an offset d that every
	// later plan adds to o(z): the integral action of offset-free MPC,
	// which removes a constant bias. 0.5 averages the noise of the encoder
	// over a few steps.
	Correction float64
	// Workers is the number of episodes Evaluate runs at once (≥ 0; default
	// runtime.GOMAXPROCS(0)). Set 1 for a model not safe for concurrent use.
	Workers int
	// ILQR holds iLQR's other settings (zero fields: ilqr.Config's
	// defaults). Leave ILQR.MaxIter at 0: Iterations and ReplanIterations
	// set it.
	ILQR ilqr.Config
}

// WithDefaults returns c with its zero fields set to the defaults in their
// comments, or an error naming the first invalid field and its value.
func (c PlanConfig) WithDefaults() (PlanConfig, error) {
	const fn = "e2c: PlanConfig"
	switch {
	case c.Horizon < 0:
		return c, fmt.Errorf("%s.Horizon = %d, want > 0", fn, c.Horizon)
	case c.Q < 0 || !config.Finite(c.Q):
		return c, fmt.Errorf("%s.Q = %v, want finite and ≥ 0", fn, c.Q)
	case c.R < 0 || !config.Finite(c.R):
		return c, fmt.Errorf("%s.R = %v, want finite and > 0", fn, c.R)
	case c.QFinal < 0 || !config.Finite(c.QFinal):
		return c, fmt.Errorf("%s.QFinal = %v, want finite and ≥ 0", fn, c.QFinal)
	case c.Iterations < 0:
		return c, fmt.Errorf("%s.Iterations = %d, want > 0", fn, c.Iterations)
	case c.ReplanIterations < 0:
		return c, fmt.Errorf("%s.ReplanIterations = %d, want > 0", fn, c.ReplanIterations)
	case c.ReplanEvery < 0:
		return c, fmt.Errorf("%s.ReplanEvery = %d, want ≥ 1", fn, c.ReplanEvery)
	case !(c.Correction >= 0 && c.Correction <= 1):
		return c, fmt.Errorf("%s.Correction = %v, want a value in [0, 1]", fn, c.Correction)
	case c.Workers < 0:
		return c, fmt.Errorf("%s.Workers = %d, want ≥ 1 (0 for GOMAXPROCS)", fn, c.Workers)
	case c.ILQR.MaxIter != 0:
		return c, fmt.Errorf("%s.ILQR.MaxIter = %d, want 0 (set Iterations and ReplanIterations)", fn, c.ILQR.MaxIter)
	case (c.ActionLo == nil) != (c.ActionHi == nil):
		return c, fmt.Errorf("%s: ActionLo has %d entries and ActionHi %d: give both or neither", fn, len(c.ActionLo), len(c.ActionHi))
	}
	config.Or(&c.Horizon, 40)
	config.Or(&c.Q, 1)
	config.Or(&c.R, 0.1)
	config.Or(&c.QFinal, 1000*c.Q)
	config.Or(&c.Iterations, 100)
	config.Or(&c.ReplanIterations, 10)
	config.Or(&c.ReplanEvery, 1)
	config.Or(&c.Workers, runtime.GOMAXPROCS(0))
	if c.ReplanEvery > c.Horizon {
		return c, fmt.Errorf("%s.ReplanEvery = %d, want ≤ Horizon = %d", fn, c.ReplanEvery, c.Horizon)
	}
	if c.ActionLo != nil {
		var err error
		if c.ActionLo, c.ActionHi, err = checkBox(fn, c.ActionLo, c.ActionHi, len(c.ActionLo)); err != nil {
			return c, err
		}
	}
	ic := c.ILQR
	ic.MaxIter = 1
	if _, err := ic.WithDefaults(); err != nil {
		return c, config.Nested(fn+".ILQR", err)
	}
	return c, nil
}

// ilqrConfig returns the iLQR settings with MaxIter = it.
func (c PlanConfig) ilqrConfig(it int) ilqr.Config {
	ic := c.ILQR
	ic.MaxIter = it
	return ic
}

// latentCost returns the quadratic cost of PlanConfig to zGoal.
func (c PlanConfig) latentCost(fn string, zGoal []float64, m int) (*cost.Quadratic, error) {
	k := len(zGoal)
	q, r, qf := make([]float64, k), make([]float64, m), make([]float64, k)
	for i := range q {
		q[i], qf[i] = c.Q, c.QFinal
	}
	for j := range r {
		r[j] = c.R
	}
	cst, err := cost.Diagonal(q, r, qf, zGoal)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", fn, err)
	}
	return cst, nil
}

// Cost returns the latent cost of PlanConfig to zGoal, the one Plan and
// ClosedLoop minimise (for plots and for checking a plan). It returns an
// error for an invalid c, an empty or non-finite zGoal, or m < 1.
func (c PlanConfig) Cost(zGoal []float64, m int) (*cost.Quadratic, error) {
	const fn = "e2c: PlanConfig.Cost"
	c, err := c.WithDefaults()
	if err != nil {
		return nil, err
	}
	if len(zGoal) == 0 || m < 1 {
		return nil, fmt.Errorf("%s: zGoal has %d entries and m = %d, want both ≥ 1", fn, len(zGoal), m)
	}
	if err := system.CheckVec(fn+": zGoal", zGoal, len(zGoal)); err != nil {
		return nil, err
	}
	return c.latentCost(fn, zGoal, m)
}

// Plan optimises an open-loop plan of cfg.Horizon actions in the latent
// space from zStart towards zGoal with iLQR on the LatentSystem of m (box
// cfg.ActionLo/ActionHi, none if nil), starting from zero actions (clamped
// into the box) and running at most cfg.Iterations iterations. The result's
// X holds the H+1 predicted latents, U the H actions, Cost the latent cost
// J and History iLQR's iterations; a plan that did not converge is not an
// error (Converged and Status say so).
//
// It returns an error for a nil model or bad dimensions, an invalid cfg,
// bounds of the wrong length, zStart or zGoal of the wrong length or not
// finite, and iLQR's errors (a model whose Linearize fails among them).
func Plan(m LatentModel, zStart, zGoal []float64, cfg PlanConfig) (*ilqr.Result, error) {
	const fn = "e2c: Plan"
	k, mu, err := checkModel(fn, m)
	if err != nil {
		return nil, err
	}
	if cfg, err = cfg.WithDefaults(); err != nil {
		return nil, err
	}
	if err := system.CheckVec(fn+": zStart", zStart, k); err != nil {
		return nil, err
	}
	if err := system.CheckVec(fn+": zGoal", zGoal, k); err != nil {
		return nil, err
	}
	ls, err := NewLatentSystem(m, cfg.ActionLo, cfg.ActionHi, 0)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", fn, err)
	}
	cst, err := cfg.latentCost(fn, zGoal, mu)
	if err != nil {
		return nil, err
	}
	// iLQR reports a failed step of its first rollout as a non-finite cost;
	// check the model at the start to name what went wrong.
	if _, _, _, err := ls.linearize(fn, zStart); err != nil {
		return nil, err
	}
	res, err := ilqr.Solve(ls, cst, zStart, zeroPlan(ls, cfg.Horizon), cfg.ilqrConfig(cfg.Iterations))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", fn, err)
	}
	return res, nil
}

// zeroPlan returns H zero actions clamped into the system's box.
func zeroPlan(s system.System, H int) [][]float64 {
	lo, hi := s.ActionLimits()
	u := system.Grid(H, s.ActionDim())
	for t := range u {
		for j := range u[t] {
			u[t][j] = math.Min(math.Max(0, lo[j]), hi[j])
		}
	}
	return u
}

// Episode is one closed-loop run from images: what the true system did and
// what the planner saw and planned.
type Episode struct {
	// Trajectory holds the true states (T+1) and the executed actions (T).
	system.Trajectory
	// Latents are the encodings z_t of the image at every step (T+1).
	Latents [][]float64
	// GoalLatent is the encoding of the goal image.
	GoalLatent []float64
	// Planned[t] is the latent trajectory (Horizon+1 predicted latents from
	// Latents[t]) of the plan made at step t, nil at steps that played a
	// previous plan on (ReplanEvery > 1).
	Planned [][][]float64
	// PlannedU[t] are that plan's Horizon actions (nil where Planned[t] is).
	PlannedU [][][]float64
	// Iterations[t] is the number of iLQR iterations of the plan made at
	// step t (0 where none was made).
	Iterations []int
	// PlanCosts[t] is the latent cost J of the plan made at step t (0 where
	// none was made).
	PlanCosts []float64
	// PlanErrors lists the steps where iLQR found no plan, warm-started nor
	// from zero actions (a learned model can be unstable enough that every
	// rollout diverges), with the error. At such a step the episode goes
	// on: the controller plays the action nearest zero in the box until a
	// later replan succeeds. An episode with plan errors usually fails the
	// task; it is not an error of ClosedLoop.
	PlanErrors []string
	// LatentCost is the planner's cost of what was executed:
	// Σ_t [½ Q ‖z_t − z_goal‖² + ½ R ‖u_t‖²] + ½ QFinal ‖z_T − z_goal‖².
	LatentCost float64
}

// ObserveFunc renders the image the model sees of the true state cur, given
// the state before it, prev (for stacked frames). At the first step of an
// episode prev is the start state itself.
type ObserveFunc func(prev, cur []float64) ([]float64, error)

// encodeOne encodes one image and checks the latent.
func encodeOne(fn, what string, m LatentModel, img []float64, k int) ([]float64, error) {
	zs, err := m.Encode([][]float64{img})
	if err != nil {
		return nil, fmt.Errorf("%s: encoding %s: %w", fn, what, err)
	}
	if len(zs) != 1 {
		return nil, fmt.Errorf("%s: encoding %s: Encode returned %d latents for 1 image", fn, what, len(zs))
	}
	if err := system.CheckVec(fmt.Sprintf("%s: the latent of %s", fn, what), zs[0], k); err != nil {
		return nil, err
	}
	return zs[0], nil
}

// ClosedLoop controls the true system sys from images for T steps from x0,
// as Embed to Control does: it encodes the goal image once (z_goal); then at
// every step it renders the image of the current state with observe,
// encodes it (z_t, the mean of q(z|x)), re-plans from z_t with iLQR on the
// LatentSystem of m — every cfg.ReplanEvery steps, warm-started from the
// previous plan shifted by the steps executed since (the last action
// repeated at its end), the first plan from zero actions — and applies the
// plan's next action to sys. The action box is cfg.ActionLo/ActionHi, or
// sys's ActionLimits when those are nil.
//
// When sys is the LatentSystem of m itself and observe returns the state,
// the executed latents are the plan's predictions: with ReplanEvery ≥ T
// the episode is Plan's plan.
//
// It returns an error for a nil model, system or observe, mismatched
// action dimensions, an invalid cfg, a bad x0 or goalImage, T < 1, and, naming
// the step, a failure of observe, Encode (or a latent of the wrong length
// or not finite), iLQR or the true system's Step.
func ClosedLoop(m LatentModel, sys system.System, observe ObserveFunc, x0 []float64, goalImage []float64, T int, cfg PlanConfig) (*Episode, error) {
	const fn = "e2c: ClosedLoop"
	k, mu, err := checkModel(fn, m)
	if err != nil {
		return nil, err
	}
	if nilcheck.IsNil(sys) {
		return nil, fmt.Errorf("%s: nil system", fn)
	}
	if v, ok := sys.(interface{ Validate() error }); ok {
		if err := v.Validate(); err != nil {
			return nil, fmt.Errorf("%s: system: %w", fn, err)
		}
	}
	if observe == nil {
		return nil, fmt.Errorf("%s: nil observe function", fn)
	}
	if sys.ActionDim() != mu {
		return nil, fmt.Errorf("%s: system %s has ActionDim %d but the model %d", fn, sys.Name(), sys.ActionDim(), mu)
	}
	if cfg, err = cfg.WithDefaults(); err != nil {
		return nil, err
	}
	if T < 1 {
		return nil, fmt.Errorf("%s: T = %d, want ≥ 1", fn, T)
	}
	n := sys.StateDim()
	if err := system.CheckVec(fn+": x0", x0, n); err != nil {
		return nil, err
	}
	if len(goalImage) == 0 {
		return nil, fmt.Errorf("%s: empty goal image", fn)
	}
	if err := system.CheckVec(fn+": goal image", goalImage, len(goalImage)); err != nil {
		return nil, err
	}
	lo, hi := cfg.ActionLo, cfg.ActionHi
	if lo == nil {
		lo, hi = sys.ActionLimits()
	}
	ls, err := NewLatentSystem(m, lo, hi, sys.Dt())
	if err != nil {
		return nil, fmt.Errorf("%s: %w", fn, err)
	}
	zGoal, err := encodeOne(fn, "the goal image", m, goalImage, k)
	if err != nil {
		return nil, err
	}
	cst, err := cfg.latentCost(fn, zGoal, mu)
	if err != nil {
		return nil, err
	}
	cold, err := ilqr.New(ls, cst, cfg.Horizon, cfg.ilqrConfig(cfg.Iterations))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", fn, err)
	}
	warm, err := ilqr.New(ls, cst, cfg.Horizon, cfg.ilqrConfig(cfg.ReplanIterations))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", fn, err)
	}

	ep := &Episode{
		Trajectory: system.NewTrajectory(n, mu, T),
		Latents:    system.Grid(T+1, k),
		GoalLatent: zGoal,
		Planned:    make([][][]float64, T),
		PlannedU:   make([][][]float64, T),
		Iterations: make([]int, T),
		PlanCosts:  make([]float64, T),
	}
	copy(ep.X[0], x0)
	plan := zeroPlan(ls, cfg.Horizon)
	var planU [][]float64 // the actions of the current plan
	planT := 0            // the step it was made at
	prev := x0
	for t := 0; t <= T; t++ {
		x := ep.X[t]
		img, err := observe(prev, x)
		if err != nil {
			return nil, fmt.Errorf("%s: step %d: observe: %w", fn, t, err)
		}
		z, err := encodeOne(fn, fmt.Sprintf("the image of step %d", t), m, img, k)
		if err != nil {
			return nil, err
		}
		copy(ep.Latents[t], z)
		if t > 0 && cfg.Correction > 0 {
			// Offset correction: what the model predicted for this step,
			// against what the encoder sees.
			pred := make([]float64, k)
			if err := ls.Step(pred, ep.Latents[t-1], ep.U[t-1]); err != nil {
				return nil, fmt.Errorf("%s: step %d: %w", fn, t, err)
			}
			if ls.offset == nil {
				ls.offset = make([]float64, k)
			}
			for i := range z {
				ls.offset[i] += cfg.Correction * (z[i] - pred[i])
			}
		}
		if t == T {
			break
		}
		if t%cfg.ReplanEvery == 0 {
			if planU != nil { // warm start: shift by the steps played
				s := t - planT
				for i := range plan {
					copy(plan[i], planU[min(s+i, cfg.Horizon-1)])
				}
			}
			if _, _, _, err := ls.linearize(fmt.Sprintf("%s: step %d", fn, t), z); err != nil {
				return nil, err
			}
			solver := warm
			if t == 0 {
				solver = cold
			}
			res, err := solver.Solve(z, plan)
			if err != nil && t > 0 {
				// The warm start may diverge where zero actions do not.
				res, err = cold.Solve(z, zeroPlan(ls, cfg.Horizon))
			}
			if err != nil {
				ep.PlanErrors = append(ep.PlanErrors, fmt.Sprintf("step %d: %v", t, err))
				planU, planT = zeroPlan(ls, cfg.Horizon), t
			} else {
				planU, planT = res.U, t
				ep.Planned[t], ep.PlannedU[t] = res.X, res.U
				ep.Iterations[t] = len(res.History)
				ep.PlanCosts[t] = res.Cost
			}
		}
		u := planU[t-planT]
		copy(ep.U[t], u)
		if err := sys.Step(ep.X[t+1], x, u); err != nil {
			return nil, fmt.Errorf("%s: step %d: %w", fn, t, err)
		}
		if err := system.CheckVec(fmt.Sprintf("%s: the state after step %d", fn, t), ep.X[t+1], n); err != nil {
			return nil, err
		}
		prev = x
	}
	for t := 0; t < T; t++ {
		ep.LatentCost += cst.Stage(t, ep.Latents[t], ep.U[t])
	}
	ep.LatentCost += cst.Final(ep.Latents[T])
	if !config.Finite(ep.LatentCost) {
		return nil, fmt.Errorf("%s: the latent cost of the episode overflows (%v)", fn, ep.LatentCost)
	}
	return ep, nil
}

// Scenario is a control task from images as ClosedLoop and Evaluate need
// it: the true system, how it is observed, the goal, the episode length and
// how an episode is judged.
type Scenario struct {
	// Sys is the true system.
	Sys system.System
	// Observe renders the image the model sees (see ObserveFunc).
	Observe ObserveFunc
	// GoalImage is the image of the goal.
	GoalImage []float64
	// T is the number of steps of an episode (≥ 1).
	T int
	// Success judges the true states x_0 … x_T of an episode (nil: none
	// counts as a success). Task.Success fits.
	Success func(states [][]float64) (bool, error)
	// Cost is the task's cost of an episode's true states and actions
	// (nil: Evaluation reports the latent cost instead). Task.Cost fits.
	Cost func(states, actions [][]float64) (float64, error)
}

// Evaluation is the outcome of Evaluate.
type Evaluation struct {
	// SuccessRate is the fraction of episodes Scenario.Success accepts.
	SuccessRate float64
	// MeanCost is the mean of Costs.
	MeanCost float64
	// Successes and Costs hold each episode's verdict and cost (the task's
	// cost, or the latent cost when Scenario.Cost is nil).
	Successes []bool
	Costs     []float64
	// Episodes are the runs, in the order of the starts.
	Episodes []*Episode
}

// Evaluate runs ClosedLoop from every start, cfg.Workers episodes at a
// time (the model must then be safe for concurrent use; the results do not
// depend on Workers), and reports the success rate and mean cost. It
// returns an error for an empty starts, a nil Scenario.Sys or Observe, an
// invalid cfg, and the first failing episode's error (by start index),
// task cost or success test.
func Evaluate(m LatentModel, sc Scenario, starts [][]float64, cfg PlanConfig) (*Evaluation, error) {
	const fn = "e2c: Evaluate"
	if _, _, err := checkModel(fn, m); err != nil {
		return nil, err
	}
	if len(starts) == 0 {
		return nil, fmt.Errorf("%s: no starts", fn)
	}
	cfg, err := cfg.WithDefaults()
	if err != nil {
		return nil, err
	}
	N := len(starts)
	ev := &Evaluation{Successes: make([]bool, N), Costs: make([]float64, N), Episodes: make([]*Episode, N)}
	errs := make([]error, N)
	jobs := make(chan int)
	var wg sync.WaitGroup
	for w := 0; w < min(cfg.Workers, N); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				ep, err := ClosedLoop(m, sc.Sys, sc.Observe, starts[i], sc.GoalImage, sc.T, cfg)
				if err != nil {
					errs[i] = fmt.Errorf("%s: start %d: %w", fn, i, err)
					continue
				}
				ev.Episodes[i] = ep
				ev.Costs[i] = ep.LatentCost
				if sc.Cost != nil {
					if ev.Costs[i], err = sc.Cost(ep.X, ep.U); err != nil {
						errs[i] = fmt.Errorf("%s: start %d: task cost: %w", fn, i, err)
						continue
					}
				}
				if sc.Success != nil {
					if ev.Successes[i], err = sc.Success(ep.X); err != nil {
						errs[i] = fmt.Errorf("%s: start %d: success: %w", fn, i, err)
					}
				}
			}
		}()
	}
	for i := range starts {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	for i := range starts {
		if ev.Successes[i] {
			ev.SuccessRate++
		}
		ev.MeanCost += ev.Costs[i]
	}
	ev.SuccessRate /= float64(N)
	ev.MeanCost /= float64(N)
	if !config.Finite(ev.MeanCost) {
		return nil, fmt.Errorf("%s: the mean cost overflows (%v)", fn, ev.MeanCost)
	}
	return ev, nil
}

// RunTask is ClosedLoop on task: from x0 for task.T steps, seeing
// task.Observe's images, towards task.GoalImage. It returns an error for a
// nil or invalid task and ClosedLoop's errors.
func RunTask(m LatentModel, task *Task, x0 []float64, cfg PlanConfig) (*Episode, error) {
	sc, err := task.Scenario()
	if err != nil {
		return nil, fmt.Errorf("e2c: RunTask: %w", err)
	}
	return ClosedLoop(m, sc.Sys, sc.Observe, x0, sc.GoalImage, sc.T, cfg)
}

// EvaluateTask is Evaluate on task.Scenario() from the starts (e.g.
// task.Starts(20, seed)): the success rate by task.Success and the mean
// of task.Cost. It returns an error for a nil or invalid task and
// Evaluate's errors.
func EvaluateTask(m LatentModel, task *Task, starts [][]float64, cfg PlanConfig) (*Evaluation, error) {
	sc, err := task.Scenario()
	if err != nil {
		return nil, fmt.Errorf("e2c: EvaluateTask: %w", err)
	}
	return Evaluate(m, sc, starts, cfg)
}
