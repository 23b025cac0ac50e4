package lessons

import (
	"fmt"
	"math"
	"os"
	"slices"

	"github.com/rlcontrol/rlcontrol/plotting"
	"github.com/rlcontrol/rlcontrol/rl/cost"
	"github.com/rlcontrol/rlcontrol/rl/ilqr"
	"github.com/rlcontrol/rlcontrol/rl/lqr"
	"github.com/rlcontrol/rlcontrol/rl/system"
	"gonum.org/v1/gonum/mat"
)

// Lesson 01's scenarios, in notebook order: PendulumRenders (section 1),
// DoubleIntegratorLQR (3), LineSearch (4), SwingUp (5), Balance (6) and
// SettingsSweep (7, beside the live controls of live01.go). Each zero value
// is the lesson as written.

// PendulumRenders draws the pendulum at a few angles: the renderer that
// Embed to Control learns from later.
type PendulumRenders struct {
	// Angles in rad (default 0, π/4, π/2, 3π/4, π).
	Angles []float64
	// Pixels is the side of each square image (default 48).
	Pixels int
}

// RendersOutcome holds the rendered images.
type RendersOutcome struct {
	Images []plotting.Image
}

// Run renders the images.
func (s PendulumRenders) Run() (Outcome, error) {
	if s.Angles == nil {
		s.Angles = []float64{0, math.Pi / 4, math.Pi / 2, 3 * math.Pi / 4, math.Pi}
	}
	if s.Pixels == 0 {
		s.Pixels = 48
	}
	if s.Pixels < 1 || s.Pixels > 1024 {
		return nil, fmt.Errorf("lessons: PendulumRenders.Pixels = %d, want 1 to 1024", s.Pixels)
	}
	p := system.NewPendulum()
	out := &RendersOutcome{}
	for _, th := range s.Angles {
		pix := make([]float64, s.Pixels*s.Pixels)
		if err := p.Render(pix, s.Pixels, s.Pixels, []float64{th, 0}); err != nil {
			return nil, err
		}
		out.Images = append(out.Images, plotting.Image{Title: fmt.Sprintf("θ = %.2f rad", th), W: s.Pixels, H: s.Pixels, Pix: pix})
	}
	return out, nil
}

// Figures returns the image grid.
func (o *RendersOutcome) Figures() ([]NamedFigure, error) {
	return collect(step{"01-pendulum-renders", func() (*plotting.Figure, error) {
		return plotting.ImageGrid(fmt.Sprintf("The pendulum at a few angles (%d×%d renders)", o.Images[0].W, o.Images[0].H), len(o.Images), o.Images...)
	}})
}

// DoubleIntegratorLQR is section 3's linear–quadratic problem: a double
// integrator (position p in m, velocity v in m/s, acceleration a in m/s² as
// input) moved from rest at p = 0 to rest at p = 1 m, with cost
// ½(x − x*)ᵀQ(x − x*) + ½ r a² per step and ½(x − x*)ᵀQf(x − x*) at the end,
// Q = diag(1, 0.1), r = 0.01, Qf = diag(100, 10).
type DoubleIntegratorLQR struct {
	// T is the horizon in steps (default 40).
	T int
	// Dt is the time step in s (default 0.1).
	Dt float64
}

// LQROutcome is the problem written out, as the backward pass of section 3
// takes it, and the library's solution. Expanding ½(x − x*)ᵀQ(x − x*) =
// ½xᵀQx + cxᵀx + c0 gives cx = −Qx* and the constant c0 = ½x*ᵀQx*.
type LQROutcome struct {
	T                int
	Dt               float64
	A, B, Q, R, Qf   *mat.Dense
	Goal, Cx, Cu     *mat.VecDense
	CxT              *mat.VecDense // final cost's linear term −Qf x*
	C0, C0T          float64       // the constants ½x*ᵀQx* and ½x*ᵀQf x*
	Problem          *lqr.Problem
	Solution         *lqr.Solution
	Trajectory       system.Trajectory
	Cost             float64 // the optimal cost, constants included (≥ 0)
	ConstantsInTotal float64 // T·C0 + C0T
}

// Run builds the problem and solves it with rl/lqr.
func (s DoubleIntegratorLQR) Run() (Outcome, error) {
	if s.T == 0 {
		s.T = 40
	}
	if s.Dt == 0 {
		s.Dt = 0.1
	}
	if err := checkHorizon("DoubleIntegratorLQR", s.T); err != nil {
		return nil, err
	}
	if !(s.Dt > 0) || math.IsInf(s.Dt, 0) {
		return nil, fmt.Errorf("lessons: DoubleIntegratorLQR.Dt = %v, want > 0", s.Dt)
	}
	o := &LQROutcome{T: s.T, Dt: s.Dt,
		A:    mat.NewDense(2, 2, []float64{1, s.Dt, 0, 1}),
		B:    mat.NewDense(2, 1, []float64{s.Dt * s.Dt / 2, s.Dt}),
		Q:    mat.NewDense(2, 2, []float64{1, 0, 0, 0.1}),
		R:    mat.NewDense(1, 1, []float64{0.01}),
		Qf:   mat.NewDense(2, 2, []float64{100, 0, 0, 10}),
		Goal: mat.NewVecDense(2, []float64{1, 0}),
		Cx:   new(mat.VecDense), CxT: new(mat.VecDense), Cu: mat.NewVecDense(1, nil),
	}
	o.Cx.MulVec(o.Q, o.Goal)
	o.Cx.ScaleVec(-1, o.Cx)
	o.CxT.MulVec(o.Qf, o.Goal)
	o.CxT.ScaleVec(-1, o.CxT)
	o.C0 = 0.5 * mat.Inner(o.Goal, o.Q, o.Goal)
	o.C0T = 0.5 * mat.Inner(o.Goal, o.Qf, o.Goal)
	o.ConstantsInTotal = float64(s.T)*o.C0 + o.C0T
	o.Problem = &lqr.Problem{Final: lqr.Final{Cxx: o.Qf, Cx: o.CxT, C0: o.C0T}}
	for t := 0; t < s.T; t++ {
		o.Problem.Steps = append(o.Problem.Steps, lqr.Step{A: o.A, B: o.B, Cxx: o.Q, Cuu: o.R, Cx: o.Cx, Cu: o.Cu, C0: o.C0})
	}
	var err error
	if o.Solution, err = lqr.Solve(o.Problem); err != nil {
		return nil, err
	}
	if o.Trajectory, o.Cost, err = o.Solution.Rollout(o.Problem, []float64{0, 0}); err != nil {
		return nil, err
	}
	return o, nil
}

// GainDifference returns the largest difference between the gains K, k of
// a backward pass and the library's solution: max over t of ‖K_t − K_t^lib‖∞
// and ‖k_t − k_t^lib‖∞. Missing or ill-sized gains are an error.
func (o *LQROutcome) GainDifference(K []*mat.Dense, k []*mat.VecDense) (float64, error) {
	return gainDifference(K, k, o.Solution)
}

func gainDifference(K []*mat.Dense, k []*mat.VecDense, sol *lqr.Solution) (float64, error) {
	if len(K) != len(sol.K) || len(k) != len(sol.Kff) {
		return 0, fmt.Errorf("got %d gains K and %d feedforward terms k, want %d of each", len(K), len(k), len(sol.K))
	}
	worst := 0.0
	for t := range K {
		if K[t] == nil || k[t] == nil {
			return 0, fmt.Errorf("K[%d] or k[%d] is nil", t, t)
		}
		r, c := K[t].Dims()
		rr, cc := sol.K[t].Dims()
		if r != rr || c != cc || k[t].Len() != sol.Kff[t].Len() {
			return 0, fmt.Errorf("K[%d] is %d×%d and k[%d] has %d entries, want %d×%d and %d", t, r, c, t, k[t].Len(), rr, cc, sol.Kff[t].Len())
		}
		var d mat.Dense
		d.Sub(K[t], sol.K[t])
		worst = math.Max(worst, mat.Norm(&d, math.Inf(1)))
		var dv mat.VecDense
		dv.SubVec(k[t], sol.Kff[t])
		worst = math.Max(worst, mat.Norm(&dv, math.Inf(1)))
	}
	if math.IsNaN(worst) {
		return 0, fmt.Errorf("the gains contain NaN")
	}
	return worst, nil
}

// Figures returns the LQR trajectory over time with the goal p = 1 m.
func (o *LQROutcome) Figures() ([]NamedFigure, error) {
	return collect(step{"01-lqr-double-integrator", func() (*plotting.Figure, error) {
		f, err := plotting.TimeSeries("LQR: double integrator to p = 1 m", "time (s)", times(o.T, o.Dt),
			[]string{"p (m)", "v (m/s)"}, []string{"a (m/s²)"}, plotting.Trace{Name: "LQR", States: o.Trajectory.X, Controls: o.Trajectory.U})
		if err != nil {
			return nil, err
		}
		return f, f.HLine(0, o.Goal.AtVec(0), "goal p = 1 m")
	}})
}

// doubleIntegratorCost is section 3's cost as a cost.Cost for iLQR.
func doubleIntegratorCost() (*cost.Quadratic, error) {
	return cost.Diagonal([]float64{1, 0.1}, []float64{0.01}, []float64{100, 10}, []float64{1, 0})
}

// LineSearch is section 4: the swing-up solved with iLQR's line search and
// with full steps accepted blindly, and, for contrast, iLQR on section 3's
// linear–quadratic double integrator, where the quadratic model is exact.
type LineSearch struct {
	// SwingUp is the problem (zero value: the lesson's).
	SwingUp SwingUp
}

// LineSearchOutcome holds the runs.
type LineSearchOutcome struct {
	Problem       *Problem
	With, Without *ilqr.Result
	// Alphas are the step sizes the line search tries, in order.
	Alphas []float64
	// Linear is iLQR on the double integrator of section 3.
	Linear *ilqr.Result
}

// Run solves the three problems.
func (s LineSearch) Run() (Outcome, error) {
	p, err := s.SwingUp.Problem()
	if err != nil {
		return nil, err
	}
	o := &LineSearchOutcome{Problem: p}
	if o.With, err = p.Solve(ilqr.Config{}); err != nil {
		return nil, fmt.Errorf("lessons: swing-up: %w", err)
	}
	if o.Without, err = p.Solve(ilqr.Config{AlwaysAccept: true, MaxIter: len(o.With.History)}); err != nil {
		return nil, fmt.Errorf("lessons: swing-up without line search: %w", err)
	}
	cfg, err := ilqr.Config{}.WithDefaults()
	if err != nil {
		return nil, err
	}
	o.Alphas = cfg.Alphas
	c, err := doubleIntegratorCost()
	if err != nil {
		return nil, err
	}
	if o.Linear, err = ilqr.Solve(system.NewDoubleIntegrator(), c, []float64{0, 0}, Zeros(40, 1), ilqr.Config{}); err != nil {
		return nil, fmt.Errorf("lessons: double integrator: %w", err)
	}
	return o, nil
}

// RatioRange returns the smallest and largest ratio of actual to expected
// cost reduction over the accepted iterations from..to (1-based, inclusive)
// of r.
func RatioRange(r *ilqr.Result, from, to int) (lo, hi float64) {
	lo, hi = math.Inf(1), math.Inf(-1)
	for _, it := range r.History {
		if it.Iter >= from && it.Iter <= to && it.Accepted {
			lo, hi = math.Min(lo, it.Ratio), math.Max(hi, it.Ratio)
		}
	}
	return lo, hi
}

// Figures returns the convergence of both runs.
func (o *LineSearchOutcome) Figures() ([]NamedFigure, error) {
	return collect(step{"01-linesearch", func() (*plotting.Figure, error) {
		return ConvergenceFigure("Swing-up: why a line search",
			Run{"with line search", o.With}, Run{"full steps, no line search", o.Without})
	}})
}

// SwingUpOutcome is the solved swing-up.
type SwingUpOutcome struct {
	Problem *Problem
	Result  *ilqr.Result
}

// Run solves the swing-up with iLQR's default settings.
func (s SwingUp) Run() (Outcome, error) {
	p, err := s.Problem()
	if err != nil {
		return nil, err
	}
	res, err := p.Solve(ilqr.Config{})
	if err != nil {
		return nil, fmt.Errorf("lessons: swing-up: %w", err)
	}
	return &SwingUpOutcome{p, res}, nil
}

// Figures returns the states over time, the regularisation trace, the phase
// portrait, the film strip and an animation.
func (o *SwingUpOutcome) Figures() ([]NamedFigure, error) {
	run := Run{"iLQR", o.Result}
	figs, err := collect(
		step{"01-swingup-states", func() (*plotting.Figure, error) {
			return pendulumStates("Pendulum swing-up (iLQR)", o.Problem, run)
		}},
		step{"01-swingup-regularisation", func() (*plotting.Figure, error) {
			return RegularizationFigure("Swing-up: regularisation and line search", run)
		}},
		step{"01-swingup-phase", func() (*plotting.Figure, error) {
			th, thd := make([]float64, len(o.Result.X)), make([]float64, len(o.Result.X))
			for i, x := range o.Result.X {
				th[i], thd[i] = x[0], x[1]
			}
			return plotting.Trajectories("Swing-up: phase portrait (dot: start, star: upright at rest)", "θ (rad)", "θ̇ (rad/s)", plotting.Scene{
				Paths: []plotting.Path{{Name: "swing-up", X: th, Y: thd}},
				Goals: []plotting.Point{{X: math.Pi, Y: 0}},
			})
		}},
		step{"01-swingup-filmstrip", func() (*plotting.Figure, error) {
			frames, err := PendulumFrames(o.Problem.System.(*system.Pendulum), o.Result.X, 8, 48, 48)
			if err != nil {
				return nil, err
			}
			return plotting.ImageGrid("Film strip of the swing-up", 8, frames...)
		}},
	)
	if err != nil {
		return nil, err
	}
	pend := o.Problem.System.(*system.Pendulum)
	a, err := PendulumAnimation(pend, o.Result.X, pend.Dt())
	if err != nil {
		return nil, fmt.Errorf("figure 01-swingup-animation: %w", err)
	}
	return append(figs, NamedFigure{Name: "01-swingup-animation", Animation: a}), nil
}

// pendulumStates is StatesFigure with the torque limits and the upright
// goal θ = π drawn in.
func pendulumStates(title string, p *Problem, runs ...Run) (*plotting.Figure, error) {
	f, err := StatesFigure(title, p, runs...)
	if err != nil {
		return nil, err
	}
	if err := f.HLine(0, math.Pi, "upright θ = π"); err != nil {
		return nil, err
	}
	return f, limitLines(f, p, "N·m")
}

// limitLines draws the action limits of p's system on the action panels of
// a StatesFigure.
func limitLines(f *plotting.Figure, p *Problem, unit string) error {
	n := p.System.StateDim()
	lo, hi := p.System.ActionLimits()
	for j := range lo {
		for _, v := range []float64{lo[j], hi[j]} {
			if math.IsInf(v, 0) {
				continue
			}
			if err := f.HLine(n+j, v, fmt.Sprintf("limit %+g %s", v, unit)); err != nil {
				return err
			}
		}
	}
	return nil
}

// BalanceOutcome is the cart-pole plan, that plan played open-loop on the
// plant (whose pole is heavier than the model's), and MPC on the plant.
type BalanceOutcome struct {
	Problem *Problem
	Plan    *ilqr.Result
	Plant   *system.CartPole
	// OpenLoop is the plan's actions played on the plant.
	OpenLoop     system.Trajectory
	OpenLoopCost float64
	MPC          *ilqr.MPCResult
	MPCHorizon   int
}

// Run plans on the model, plays the plan on the plant, and runs MPC on the
// plant, replanning on the model every step, warm-started from the plan.
func (b Balance) Run() (Outcome, error) {
	b = b.withDefaults()
	p, err := b.Problem()
	if err != nil {
		return nil, err
	}
	if b.MPCHorizon < 1 || b.MPCHorizon > b.T {
		return nil, fmt.Errorf("lessons: Balance.MPCHorizon = %d, want 1 to T = %d", b.MPCHorizon, b.T)
	}
	o := &BalanceOutcome{Problem: p, Plant: system.NewCartPole(), MPCHorizon: b.MPCHorizon}
	o.Plant.PoleMass = b.PlantPoleMass
	if err := o.Plant.Validate(); err != nil {
		return nil, fmt.Errorf("lessons: Balance.PlantPoleMass = %v: %w", b.PlantPoleMass, err)
	}
	if o.Plan, err = p.Solve(ilqr.Config{}); err != nil {
		return nil, fmt.Errorf("lessons: cart-pole plan: %w", err)
	}
	if o.OpenLoop, err = system.Rollout(o.Plant, system.OpenLoop(o.Plan.U), p.X0, p.T, nil); err != nil {
		return nil, fmt.Errorf("lessons: the plan on the plant: %w", err)
	}
	if o.OpenLoopCost, err = cost.Total(p.Cost, o.OpenLoop.X, o.OpenLoop.U); err != nil {
		return nil, err
	}
	if o.MPC, err = ilqr.MPC(p.System, p.Cost, p.X0, o.Plan.U[:b.MPCHorizon], ilqr.MPCConfig{Horizon: b.MPCHorizon, Steps: p.T, Plant: o.Plant}); err != nil {
		return nil, fmt.Errorf("lessons: cart-pole MPC: %w", err)
	}
	return o, nil
}

// Figures returns the three runs over time (the y ranges fit the plan and
// MPC; the open-loop run leaves them when the pole falls), and animations of
// the plan played open-loop on the plant and of MPC on the plant.
func (o *BalanceOutcome) Figures() ([]NamedFigure, error) {
	figs, err := collect(step{"01-cartpole-states", func() (*plotting.Figure, error) {
		f, err := StatesFigure(fmt.Sprintf("Cart-pole: plan on the model, and on a plant with a %g kg pole", o.Plant.PoleMass), o.Problem,
			Run{"plan (on the model)", o.Plan},
			Run{"plan played open-loop on the plant", &ilqr.Result{Trajectory: o.OpenLoop}},
			Run{"MPC on the plant", &ilqr.Result{Trajectory: o.MPC.Trajectory}})
		if err != nil {
			return nil, err
		}
		for i := 0; i < 4; i++ {
			lo, hi := math.Inf(1), math.Inf(-1)
			for _, xs := range [][][]float64{o.Plan.X, o.MPC.X} {
				for _, x := range xs {
					lo, hi = math.Min(lo, x[i]), math.Max(hi, x[i])
				}
			}
			pad := 0.15 * (hi - lo)
			if err := f.YRange(i, lo-pad, hi+pad); err != nil {
				return nil, err
			}
		}
		if err := f.HLine(0, 0, "goal"); err != nil {
			return nil, err
		}
		if err := f.HLine(1, 0, "upright"); err != nil {
			return nil, err
		}
		return f, limitLines(f, o.Problem, "N")
	}})
	if err != nil {
		return nil, err
	}
	for _, a := range []struct {
		name string
		X    [][]float64
	}{{"01-cartpole-openloop-animation", o.OpenLoop.X}, {"01-cartpole-mpc-animation", o.MPC.X}} {
		anim, err := CartPoleAnimation(o.Plant, a.X, o.Plant.Dt())
		if err != nil {
			return nil, fmt.Errorf("figure %s: %w", a.name, err)
		}
		figs = append(figs, NamedFigure{Name: a.name, Animation: anim})
	}
	return figs, nil
}

// SettingsSweep is section 7's map: the swing-up solved for every pair of
// horizon T and control weight r of a grid, shown as a heatmap of the final
// angle error beside the live controls (SwingUpControls) that move both.
type SettingsSweep struct {
	// Ts and Rs are the swept horizons and weights (defaults 100, 150, 200,
	// 300 and 0.001, 0.01, 0.1, 1).
	Ts []int
	Rs []float64
}

// SettingsOutcome holds the sweep's final angle errors (rad), one row per
// horizon and one column per weight.
type SettingsOutcome struct {
	Ts     []int
	Rs     []float64
	Errors *mat.Dense
}

// Run solves the sweep.
func (s SettingsSweep) Run() (Outcome, error) {
	if s.Ts == nil {
		s.Ts = []int{100, 150, 200, 300}
	}
	if s.Rs == nil {
		s.Rs = []float64{0.001, 0.01, 0.1, 1}
	}
	errs, err := SweepSwingUp(s.Ts, s.Rs)
	if err != nil {
		return nil, err
	}
	return &SettingsOutcome{Ts: slices.Clone(s.Ts), Rs: slices.Clone(s.Rs), Errors: errs}, nil
}

// Figures returns the sweep's heatmap.
func (o *SettingsOutcome) Figures() ([]NamedFigure, error) {
	return collect(
		step{"01-settings-heatmap", func() (*plotting.Figure, error) {
			rows, cols := make([]string, len(o.Ts)), make([]string, len(o.Rs))
			for i, T := range o.Ts {
				rows[i] = fmt.Sprint(T)
			}
			for j, r := range o.Rs {
				cols[j] = fmt.Sprint(r)
			}
			return plotting.HeatmapLabeled("Swing-up: final angle error over T and r", "control weight r in ½ r τ² (1/(N·m)²)", "horizon T (steps of 0.02 s)", o.Errors,
				plotting.HeatmapOptions{RowLabels: rows, ColLabels: cols, Values: "%.3f", ColorLabel: "final angle error (rad)"})
		}},
	)
}

// SweepSwingUp solves the swing-up for every horizon in Ts and control
// weight in rs and returns the final angle error |θ_T − π| (rad), one row
// per horizon and one column per weight: the lesson's "what changes when
// you move a setting" table.
func SweepSwingUp(Ts []int, rs []float64) (*mat.Dense, error) {
	if len(Ts) == 0 || len(rs) == 0 {
		return nil, fmt.Errorf("lessons: SweepSwingUp needs at least one horizon and one weight, got %d and %d", len(Ts), len(rs))
	}
	out := mat.NewDense(len(Ts), len(rs), nil)
	for i, T := range Ts {
		for j, r := range rs {
			p, err := SwingUp{T: T, ControlWeight: r}.Problem()
			if err != nil {
				return nil, err
			}
			res, err := p.Solve(ilqr.Config{})
			if err != nil {
				return nil, fmt.Errorf("lessons: swing-up with T = %d, r = %v: %w", T, r, err)
			}
			out.Set(i, j, AngleError(res.X[T][0]))
		}
	}
	return out, nil
}

// PendulumFrames renders n evenly spaced states of a pendulum trajectory as
// w×h grayscale images titled with their time, for a film strip.
func PendulumFrames(p *system.Pendulum, xs [][]float64, n, w, h int) ([]plotting.Image, error) {
	if n < 1 || len(xs) < 1 {
		return nil, fmt.Errorf("lessons: PendulumFrames needs n ≥ 1 frames from a non-empty trajectory, got n = %d, %d states", n, len(xs))
	}
	var imgs []plotting.Image
	for i := 0; i < n; i++ {
		k := 0
		if n > 1 {
			k = i * (len(xs) - 1) / (n - 1)
		}
		pix := make([]float64, w*h)
		if err := p.Render(pix, w, h, xs[k]); err != nil {
			return nil, err
		}
		imgs = append(imgs, plotting.Image{Title: fmt.Sprintf("t = %.1f s", float64(k)*p.Dt()), W: w, H: h, Pix: pix})
	}
	return imgs, nil
}

// MaxAbs returns the largest |v_i|: how far a state is from rest at the
// origin.
func MaxAbs(v []float64) float64 {
	m := 0.0
	for _, x := range v {
		m = math.Max(m, math.Abs(x))
	}
	return m
}

// FigureDir is where notebooks save exported figures: $RLCONTROL_FIGURES if
// set, else "figures" next to the notebook.
func FigureDir() string {
	if d := os.Getenv("RLCONTROL_FIGURES"); d != "" {
		return d
	}
	return "figures"
}

func init() {
	register("01", PendulumRenders{}, "01-pendulum-renders")
	register("01", DoubleIntegratorLQR{}, "01-lqr-double-integrator")
	register("01", LineSearch{}, "01-linesearch")
	register("01", SwingUp{}, "01-swingup-states", "01-swingup-regularisation", "01-swingup-phase", "01-swingup-filmstrip", "01-swingup-animation")
	register("01", Balance{}, "01-cartpole-states", "01-cartpole-openloop-animation", "01-cartpole-mpc-animation")
	register("01", SettingsSweep{}, "01-settings-heatmap")
}
