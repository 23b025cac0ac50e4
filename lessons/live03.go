package lessons

import (
	"context"
	"fmt"
	"math"
	"strconv"

	"github.com/rlcontrol/rlcontrol/live"
	"github.com/rlcontrol/rlcontrol/plotting"
	"github.com/rlcontrol/rlcontrol/rl/system"
	"github.com/rlcontrol/rlcontrol/rl/trajopt"
)

// Lesson 03's live control (section 4): the KL bound per step ε of the
// pendulum's local-model loop, one run of EpsilonScenario's sweep (GMM
// prior, 5 rollouts, seed 1, step adaptation off) for the ε the slider
// sets. A run is the task's 15 iterations (8 in quick mode), about 1 to
// 2 s of CPU on 2 cores. A cell shows it with
//
//	v, _, err := live.Show("…", lessons.EpsilonControls(), lessons.EpsilonRender)
//	out := must(lessons.EpsilonAt(context.Background(), v.Float("eps"), nil))
//
// where out is the run the figure shows (kept, not computed again).

// EpsilonDefault is the ε control's default (nats per step): the sweep's
// medium setting that stays within the torque limit.
const EpsilonDefault = 2.0

// EpsilonControls is lesson 03's slider: ε from 0.002 to 200 nats per step,
// four positions per decade (0.02, 0.2, 2 and 20 are on it), starting at
// EpsilonDefault.
func EpsilonControls() []live.Control {
	return []live.Control{live.LogSlider("eps", "KL bound ε per step (nats)", 0.002, 200, 4, EpsilonDefault)}
}

// EpsilonLive is one run of lesson 03's ε control.
type EpsilonLive struct {
	Epsilon float64
	Quick   bool // the run has quick mode's 8 iterations
	Task    Task
	Result  *trajopt.Result
	// Angle and Torque are the final controller's noise-free rollout: θ
	// at steps 0…T (rad) and τ at steps 0…T−1 (N·m); MaxTorque is the
	// largest |τ|. SigmaEnd is the mean over steps
	// of the final controller's variance Σ (the first controller's is 1).
	Angle     []float64
	Torque    []float64
	MaxTorque float64
	SigmaEnd  float64
}

var epsilonKept = newPanelCache[*EpsilonLive]()

// EpsilonAt runs the pendulum's local-model loop with the fixed KL bound
// eps per step, as EpsilonScenario does for each of its bounds (in quick
// mode with its 8 iterations), reporting each iteration to progress
// (which may be nil) and stopping with ctx's error soon after ctx is
// cancelled. A result computed before for the same ε and mode is returned
// again without running.
func EpsilonAt(ctx context.Context, eps float64, progress live.Progress) (*EpsilonLive, error) {
	if !(eps > 0) || math.IsInf(eps, 0) { // 0 would silently mean trajopt's default
		return nil, fmt.Errorf("lessons: EpsilonAt: ε = %v, want a finite bound > 0 nats per step", eps)
	}
	quick := Quick()
	key := fmt.Sprintf("eps=%s quick=%v", strconv.FormatFloat(eps, 'g', -1, 64), quick)
	if e, ok := epsilonKept.get(key); ok {
		return e, nil
	}
	task := lessonPendulumTask(quick)
	res, err := untilCancelled(ctx, func(stop func()) (*trajopt.Result, error) {
		return epsilonRun(task, eps, 1, func(s trajopt.IterStats) {
			stop()
			if progress != nil {
				progress("iteration %d of %d: cost %.1f", s.Iter, task.Iterations, s.MeanCost)
			}
		})
	})
	if err != nil {
		return nil, err
	}
	tr, err := system.Rollout(task.System, res.Controller, task.X0, task.T, nil)
	if err != nil {
		return nil, err
	}
	e := &EpsilonLive{Epsilon: eps, Quick: quick, Task: task, Result: res, Torque: make([]float64, len(tr.U)), SigmaEnd: meanVariance(res.Controller)}
	for _, x := range tr.X {
		e.Angle = append(e.Angle, x[0])
	}
	for t, u := range tr.U {
		e.Torque[t] = u[0]
		e.MaxTorque = math.Max(e.MaxTorque, math.Abs(u[0]))
	}
	epsilonKept.put(key, e)
	return e, nil
}

// BoundActive reports whether the first update's KL bound was active: η
// above its floor, trajopt.KLConfig's default MinEta (an update whose
// unconstrained step already meets the bound ends there).
func (e *EpsilonLive) BoundActive() bool {
	c, err := trajopt.KLConfig{}.WithDefaults()
	return err == nil && e.Result.History[0].Eta > c.MinEta
}

// Text gives the cost before and after, the largest torque, the first
// update's η and KL against its bound, and the final exploration noise.
func (e *EpsilonLive) Text() string {
	h := e.Result.History
	first, last := h[0], h[len(h)-1]
	bound := "active"
	if !e.BoundActive() {
		bound = "inactive, η at its floor"
	}
	return fmt.Sprintf("cost %.1f → %.1f in %d iterations; max |τ| %.2f N·m; update 1: η %.3g, KL %.1f / bound %.1f (%s); Σ at the end %.2g",
		first.MeanCost, last.MeanCost, len(h), e.MaxTorque, first.Eta, first.KL, first.Bound, bound, e.SigmaEnd)
}

// Figure draws the noise-free cost per iteration (log axis, fixed from 50
// to 10⁶ so that moves compare) beside the final controller's noise-free
// rollout: the angle, with upright, and the torque, with the ±5 N·m limit.
func (e *EpsilonLive) Figure() (*plotting.Figure, error) {
	h := e.Result.History
	it := make([]float64, len(h))
	c := make([]float64, len(h))
	for i, s := range h {
		it[i], c[i] = float64(i+1), s.MeanCost
	}
	cost, err := plotting.LinesLogY("Cost per iteration", "iteration", "cost of the noise-free controller", it, plotting.Series{Y: c})
	if err != nil {
		return nil, err
	}
	if err := cost.YRange(0, 50, 1e6); err != nil {
		return nil, err
	}
	dt := e.Task.System.Dt()
	ts := make([]float64, len(e.Torque))
	for t := range ts {
		ts[t] = float64(t) * dt
	}
	angle, err := plotting.Lines("Final controller: angle", "time (s)", "θ (rad)", append(ts, float64(len(ts))*dt), plotting.Series{Y: e.Angle})
	if err != nil {
		return nil, err
	}
	if err := angle.HLine(0, math.Pi, "upright"); err != nil {
		return nil, err
	}
	torque, err := plotting.Lines("Final controller: torque", "time (s)", "τ (N·m)", ts, plotting.Series{Y: e.Torque})
	if err != nil {
		return nil, err
	}
	lo, hi := e.Task.System.ActionLimits()
	for _, v := range []float64{lo[0], hi[0]} {
		if err := torque.HLine(0, v, fmt.Sprintf("%+g", v)); err != nil {
			return nil, err
		}
	}
	title := fmt.Sprintf("Pendulum swing-up, fixed ε = %s nats per step (bound %.3g nats)", strconv.FormatFloat(e.Epsilon, 'g', 3, 64), h[0].Bound)
	return plotting.Combine(QuickTitle(title, e.Quick), 3, cost, angle, torque)
}

// EpsilonRender is the render function of lesson 03's control (see
// EpsilonControls): the run EpsilonAt makes for the slider's ε, drawn by
// EpsilonLive.Figure with EpsilonLive.Text under it.
func EpsilonRender(ctx context.Context, v live.Values, progress live.Progress) (live.View, error) {
	e, err := EpsilonAt(ctx, v.Float("eps"), progress)
	if err != nil {
		return live.View{}, err
	}
	fig, err := e.Figure()
	return live.View{Figure: fig, Text: e.Text()}, err
}
