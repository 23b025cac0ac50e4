package lessons

import (
	"context"
	"fmt"
	"math"
	"sync"

	"github.com/rlcontrol/rlcontrol/live"
	"github.com/rlcontrol/rlcontrol/plotting"
	"github.com/rlcontrol/rlcontrol/rl/gps"
	"github.com/rlcontrol/rlcontrol/rl/imitation"
	"gonum.org/v1/plot/vg"
)

// Lesson 06's live controls: the augmented Lagrangian's first penalty
// weight ρ₀ and the trajectory step's KL bound ε (nats per time step), on
// a small AL-GPS run on the arm: three of the nine training conditions
// (0, 4 and 8: two corners and the centre of the start grid) for
// GPSLiveIterations iterations, with GPSConfig("arm", 1) otherwise.
// Results are kept per setting, so moving a control back is instant.

// GPSLiveIterations is the number of AL-GPS iterations of lesson 06's live
// run (the lesson's section 3 runs 8 on nine conditions).
const GPSLiveIterations = 6

// GPSLiveConditions are the training conditions (indices into the arm's
// nine) of lesson 06's live run.
var GPSLiveConditions = []int{0, 4, 8}

// GPSControls are lesson 06's controls: ρ₀ from 10⁻³ to 10 and ε from
// 0.05 to 5 nats per step, three positions per decade, starting at the
// lesson's ρ₀ = 0.1 and ε = 0.5 (GPSConfig("arm", ·)).
func GPSControls() []live.Control {
	c := GPSConfig("arm", 1)
	return []live.Control{
		live.LogSlider("rho", "first penalty weight ρ₀", 1e-3, 10, 3, c.Rho0),
		live.LogSlider("eps", "KL bound ε (nats per step)", 0.05, 5, 3, c.Epsilon),
	}
}

// GPSLiveRun is one live AL-GPS run, iteration by iteration.
type GPSLiveRun struct {
	Rho0, Epsilon float64
	// Cost is the mean task cost of each iteration's samples (drawn from
	// the controllers before that iteration's update), Mismatch the mean
	// E‖π_θ − μ_p‖ after it (N·m), Rho the mean ρ over the conditions
	// after it, KL the largest KL of its controller updates, and Bound the
	// updates' KL bound ε·T.
	Cost, Mismatch, Rho, KL []float64
	Bound                   float64
}

var gpsLive struct {
	sync.Mutex
	runs map[[2]float64]*GPSLiveRun
}

// GPSLive runs AL-GPS on the arm's live conditions with first penalty
// weight rho0 and KL bound eps per step. progress sees each iteration; it
// stops between iterations when ctx is cancelled. Each setting is
// computed once.
func GPSLive(ctx context.Context, rho0, eps float64, progress live.Progress) (*GPSLiveRun, error) {
	if !(rho0 > 0) || math.IsInf(rho0, 0) || !(eps > 0) || math.IsInf(eps, 0) {
		return nil, fmt.Errorf("lessons: GPSLive: ρ₀ = %v, ε = %v, want finite values > 0", rho0, eps)
	}
	if progress == nil {
		progress = func(string, ...any) {}
	}
	key := [2]float64{rho0, eps}
	gpsLive.Lock()
	r := gpsLive.runs[key]
	gpsLive.Unlock()
	if r != nil {
		return r, nil
	}
	task := imitation.ArmReach()
	var train [][]float64
	for _, i := range GPSLiveConditions {
		train = append(train, task.Train[i])
	}
	task.Train = train
	cfg := GPSConfig("arm", 1)
	cfg.Iterations, cfg.Rho0, cfg.Epsilon = GPSLiveIterations, rho0, eps
	g, err := gps.New(task, cfg)
	if err != nil {
		return nil, err
	}
	r = &GPSLiveRun{Rho0: rho0, Epsilon: eps}
	for k := 1; k <= GPSLiveIterations; k++ {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		progress("AL-GPS with ρ₀ = %g, ε = %g: iteration %d of %d", rho0, eps, k, GPSLiveIterations)
		st, err := g.ALIteration(false)
		if err != nil {
			return nil, fmt.Errorf("lessons: AL-GPS with ρ₀ = %g, ε = %g, iteration %d: %w", rho0, eps, k, err)
		}
		kl := 0.0
		for _, v := range st.Traj.KL {
			kl = math.Max(kl, v)
		}
		r.Cost, r.Mismatch = append(r.Cost, st.Traj.MeanCost()), append(r.Mismatch, st.MeanMismatch())
		r.Rho, r.KL, r.Bound = append(r.Rho, meanOf(st.Rho)), append(r.KL, kl), st.Traj.Bound
	}
	gpsLive.Lock()
	if gpsLive.runs == nil {
		gpsLive.runs = map[[2]float64]*GPSLiveRun{}
	}
	gpsLive.runs[key] = r
	gpsLive.Unlock()
	return r, nil
}

// meanOf is the mean of v (NaN when v is empty).
func meanOf(v []float64) float64 {
	s := 0.0
	for _, x := range v {
		s += x
	}
	return s / float64(len(v))
}

// Fall is the mismatch's first value over its last: how many times it
// fell over the run.
func (r *GPSLiveRun) Fall() float64 { return r.Mismatch[0] / r.Mismatch[len(r.Mismatch)-1] }

// Text is the one-line result under the figure.
func (r *GPSLiveRun) Text() string {
	n := len(r.Cost) - 1
	kl := 0.0
	for _, v := range r.KL {
		kl = math.Max(kl, v/r.Bound)
	}
	return fmt.Sprintf("sample cost %.1f → %.1f; mismatch %.3f → %.4f N·m (fell %.1f×); mean ρ at the end %.3g; largest update KL %.2f × ε·T (ε·T = %.3g nats)",
		r.Cost[0], r.Cost[n], r.Mismatch[0], r.Mismatch[n], r.Fall(), r.Rho[n], kl, r.Bound)
}

// Figure draws the sample cost, the mismatch and the mean ρ per
// iteration; when the run is not at the controls' defaults, the
// defaults' run (if computed) is drawn beside it.
func (r *GPSLiveRun) Figure() (*plotting.Figure, error) {
	it := make([]float64, len(r.Cost))
	for i := range it {
		it[i] = float64(i + 1)
	}
	def := GPSConfig("arm", 1)
	gpsLive.Lock()
	ref := gpsLive.runs[[2]float64{def.Rho0, def.Epsilon}]
	gpsLive.Unlock()
	name := fmt.Sprintf("ρ₀ = %.3g, ε = %.3g", r.Rho0, r.Epsilon)
	series := func(y func(*GPSLiveRun) []float64) []plotting.Series {
		ss := []plotting.Series{{Y: y(r)}} // named only beside the defaults'
		if ref != nil && ref != r && len(ref.Cost) == len(r.Cost) {
			ss[0].Name = name
			ss = append(ss, plotting.Series{Name: fmt.Sprintf("ρ₀ = %g, ε = %g (defaults)", ref.Rho0, ref.Epsilon), Y: y(ref)})
		}
		return ss
	}
	cost, err := plotting.LinesLogY("controllers' sample cost", "GPS iteration", "mean task cost", it, series(func(g *GPSLiveRun) []float64 { return g.Cost })...)
	if err != nil {
		return nil, err
	}
	mm, err := plotting.LinesLogY("mismatch", "GPS iteration", "E‖π(x) − μ(x)‖ (N·m)", it, series(func(g *GPSLiveRun) []float64 { return g.Mismatch })...)
	if err != nil {
		return nil, err
	}
	rho, err := plotting.LinesLogY("penalty weight", "GPS iteration", "mean ρ over the conditions", it, series(func(g *GPSLiveRun) []float64 { return g.Rho })...)
	if err != nil {
		return nil, err
	}
	fig, err := plotting.Combine(fmt.Sprintf("AL-GPS on the arm, %d conditions: %s", len(GPSLiveConditions), name), 3, cost, mm, rho)
	if err != nil {
		return nil, err
	}
	return fig.LegendOutside().WithSize(10*vg.Inch, 4*vg.Inch), nil
}

// GPSLiveRender is the render function of lesson 06's controls (see
// GPSControls): GPSLive at the chosen ρ₀ and ε, drawn by GPSLiveRun.Figure.
func GPSLiveRender(ctx context.Context, v live.Values, progress live.Progress) (live.View, error) {
	r, err := GPSLive(ctx, v.Float("rho"), v.Float("eps"), progress)
	if err != nil {
		return live.View{}, err
	}
	fig, err := r.Figure()
	return live.View{Figure: fig, Text: r.Text()}, err
}
