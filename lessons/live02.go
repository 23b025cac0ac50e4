package lessons

import (
	"context"
	"fmt"
	"math"
	"strconv"
	"sync"

	"github.com/rlcontrol/rlcontrol/live"
	"github.com/rlcontrol/rlcontrol/plotting"
	"github.com/rlcontrol/rlcontrol/rl/trajopt"
)

// Lesson 02's live controls (section 5): one seed of the stored
// samples-per-iteration experiment, with the rollouts per iteration N and
// the GMM prior's strength on sliders. Each move runs the local-model loop
// on the point mass (10 iterations, seed 1, ε = 0.2, as the stored sweep)
// twice at once, with the GMM prior and with least squares: about 0.5 to
// 1.5 s of CPU each on 2 cores, N = 40 the slowest. A cell shows them with
//
//	v, _, err := live.Show("…", lessons.PriorLoopControls(), lessons.PriorLoopRender)
//	out := must(lessons.PriorLoopAt(context.Background(), v.Int("N"), v.Float("strength"), nil))
//
// where out is the run the figure shows (kept, not computed again).

// PriorLoopSeed is the seed of the live runs: the stored sweep's first.
const PriorLoopSeed = 1

// PriorLoopControls are lesson 02's sliders: rollouts per iteration N from
// 2 to 40, and the GMM prior's strength (the number of points the prior
// counts as, dynfit.GMMPriorConfig.Strength) from 0.01 to 100, four
// positions per decade; they start at the stored sweep's first column,
// N = 5 with the default strength 1.
func PriorLoopControls() []live.Control {
	return []live.Control{
		live.IntSlider("N", "rollouts per iteration N", 2, 40, 1, 5),
		live.LogSlider("strength", "GMM prior strength (points)", 0.01, 100, 4, 1),
	}
}

// PriorLoop is one setting of lesson 02's controls: the loop on the point
// mass with the GMM prior and with least squares, from the same seed.
type PriorLoop struct {
	N        int     // rollouts per iteration
	Strength float64 // the GMM prior's strength
	// Optimum is the cost iLQR reaches with the true dynamics
	// (KnownDynamicsOptimum).
	Optimum             float64
	Prior, LeastSquares *trajopt.Result
}

// PriorCost and LeastSquaresCost are the final noise-free costs (the last
// iteration's MeanCost) of the two runs.
func (p *PriorLoop) PriorCost() float64 { return lastMeanCost(p.Prior) }

// LeastSquaresCost: see PriorCost.
func (p *PriorLoop) LeastSquaresCost() float64 { return lastMeanCost(p.LeastSquares) }

func lastMeanCost(r *trajopt.Result) float64 { return r.History[len(r.History)-1].MeanCost }

var (
	priorLoopKept    = newPanelCache[*PriorLoop]()
	priorLoopOptimum struct {
		sync.Mutex
		v  float64
		ok bool
	}
)

// pointMassOptimum is KnownDynamicsOptimum(PointMassTask()), computed once.
func pointMassOptimum() (float64, error) {
	priorLoopOptimum.Lock()
	defer priorLoopOptimum.Unlock()
	if !priorLoopOptimum.ok {
		v, err := KnownDynamicsOptimum(PointMassTask())
		if err != nil {
			return 0, err
		}
		priorLoopOptimum.v, priorLoopOptimum.ok = v, true
	}
	return priorLoopOptimum.v, nil
}

// PriorLoopAt runs the local-model loop on the point mass with N rollouts
// per iteration, once with the GMM prior of the given strength and once
// with least squares, both from PriorLoopSeed and at the same time,
// reporting their iterations to progress (which may be nil) and stopping
// with ctx's error soon after ctx is cancelled. With N = 5 and strength 1
// the runs are the stored sweep's seed 1. A result computed before for the
// same settings is returned again without running.
func PriorLoopAt(ctx context.Context, N int, strength float64, progress live.Progress) (*PriorLoop, error) {
	key := fmt.Sprintf("N=%d strength=%s", N, strconv.FormatFloat(strength, 'g', -1, 64))
	if p, ok := priorLoopKept.get(key); ok {
		return p, nil
	}
	if err := checkRollouts("PriorLoopAt: N", N); err != nil {
		return nil, err
	}
	task := PointMassTask()
	prior, err := GMMPriorFitter(PriorLoopSeed, strength)
	if err != nil {
		return nil, err
	}
	optimum, err := pointMassOptimum()
	if err != nil {
		return nil, err
	}
	var mu sync.Mutex
	done := [2]int{}
	report := func(k, it int) {
		if progress == nil {
			return
		}
		mu.Lock()
		done[k] = it
		a, b := done[0], done[1]
		mu.Unlock()
		progress("iteration %d of %d with the GMM prior, %d of %d with least squares", a, task.Iterations, b, task.Iterations)
	}
	fitters := [2]trajopt.Fitter{prior, trajopt.LeastSquares{Reg: 1e-6}} // FitLeastSquares's
	var res [2]*trajopt.Result
	var errs [2]error
	var wg sync.WaitGroup
	for k := range fitters {
		wg.Go(func() {
			res[k], errs[k] = untilCancelled(ctx, func(stop func()) (*trajopt.Result, error) {
				return runTaskWith(task, fitters[k], N, 0.2, PriorLoopSeed, func(s trajopt.IterStats) {
					stop()
					report(k, s.Iter)
				})
			})
		})
	}
	wg.Wait()
	for k, name := range []string{"GMM prior", "least squares"} {
		if errs[k] != nil {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			return nil, fmt.Errorf("lessons: point mass with N = %d, %s: %w", N, name, errs[k])
		}
	}
	p := &PriorLoop{N: N, Strength: strength, Optimum: optimum, Prior: res[0], LeastSquares: res[1]}
	priorLoopKept.put(key, p)
	return p, nil
}

// Text gives both final costs and how far each is above the optimum.
func (p *PriorLoop) Text() string {
	above := func(c float64) string {
		if c > 2*p.Optimum {
			return fmt.Sprintf("%.1f× the optimum", c/p.Optimum)
		}
		return fmt.Sprintf("%.2f%% above the optimum", 100*(c/p.Optimum-1))
	}
	return fmt.Sprintf("final cost with the GMM prior %.2f (%s %.2f), with least squares %.2f (%s)",
		p.PriorCost(), above(p.PriorCost()), p.Optimum, p.LeastSquaresCost(), above(p.LeastSquaresCost()))
}

// Figure draws, per iteration, the noise-free cost of both runs (log axis,
// with the known-dynamics optimum) beside the previous model's one-step
// error on the new samples (log axis, from iteration 2).
func (p *PriorLoop) Figure() (*plotting.Figure, error) {
	n := len(p.Prior.History)
	if n < 2 || len(p.LeastSquares.History) != n {
		return nil, fmt.Errorf("lessons: PriorLoop.Figure: runs of %d and %d iterations, want the same number ≥ 2", n, len(p.LeastSquares.History))
	}
	names := []string{"GMM prior", "least squares"}
	it := make([]float64, n)
	for i := range it {
		it[i] = float64(i + 1)
	}
	var costs, errs []plotting.Series
	for k, r := range []*trajopt.Result{p.Prior, p.LeastSquares} {
		c, e := make([]float64, n), make([]float64, n-1)
		for i, h := range r.History {
			c[i] = h.MeanCost
			if i > 0 {
				e[i-1] = math.Max(h.ModelError, 1e-12)
			}
		}
		costs = append(costs, plotting.Series{Name: names[k], Y: c})
		errs = append(errs, plotting.Series{Y: e}) // same colours: one legend

	}
	cost, err := plotting.LinesLogY("Noise-free cost", "iteration", "cost", it, costs...)
	if err != nil {
		return nil, err
	}
	if err := cost.HLine(0, p.Optimum, "optimum, known dynamics"); err != nil {
		return nil, err
	}
	merr, err := plotting.LinesLogY("Model error on new samples", "iteration", "RMS one-step error of the last model", it[1:], errs...)
	if err != nil {
		return nil, err
	}
	return plotting.Combine(fmt.Sprintf("Point mass, N = %d rollouts per iteration, GMM prior strength %s", p.N, strconv.FormatFloat(p.Strength, 'g', 3, 64)), 2, cost, merr)
}

// PriorLoopRender is the render function of lesson 02's controls (see
// PriorLoopControls): the runs PriorLoopAt makes for the sliders' N and
// strength, drawn by PriorLoop.Figure with PriorLoop.Text under it.
func PriorLoopRender(ctx context.Context, v live.Values, progress live.Progress) (live.View, error) {
	p, err := PriorLoopAt(ctx, v.Int("N"), v.Float("strength"), progress)
	if err != nil {
		return live.View{}, err
	}
	fig, err := p.Figure()
	return live.View{Figure: fig, Text: p.Text()}, err
}
