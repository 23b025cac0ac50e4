package lessons

import (
	"context"
	"fmt"
	"strconv"
	"sync"

	"github.com/rlcontrol/rlcontrol/live"
	"github.com/rlcontrol/rlcontrol/plotting"
	"github.com/rlcontrol/rlcontrol/rl/ilqr"
)

// Lesson 01's live controls (section 7): the swing-up of section 5 with the
// horizon T and the control cost r on sliders. A cell shows them with
//
//	v, _, err := live.Show("…", lessons.SwingUpControls(), lessons.SwingUpRender)
//	out := must(lessons.SwingUpAt(context.Background(), v.Int("T"), v.Float("r"), nil))
//
// and prints or checks out, the run the figure shows (kept from the
// render, not computed again). One solve takes 2 to 500 ms on 2 cores.

// SwingUpMaxT is the longest horizon on lesson 01's T slider (steps); the
// live figure's time axis always spans it, so moving T does not rescale it.
const SwingUpMaxT = 400

// SwingUpControls are lesson 01's sliders: the horizon T from 50 to 400
// steps of 0.02 s (1 to 8 s) in steps of 25, and the control cost r of
// ½ r τ² from 10⁻⁴ to 1, four positions per decade, starting at the
// lesson's T = 300 and r = 0.01 (SwingUp's defaults).
func SwingUpControls() []live.Control {
	return []live.Control{
		live.IntSlider("T", "horizon T (steps of 0.02 s)", 50, SwingUpMaxT, 25, 300),
		live.LogSlider("r", "control cost r in ½ r τ²", 1e-4, 1, 4, 0.01),
	}
}

// SwingUpLive is one swing-up drawn by lesson 01's live controls.
type SwingUpLive struct {
	T       int     // horizon in steps of 0.02 s
	R       float64 // control weight r
	Problem *Problem
	Result  *ilqr.Result
	// FinalError is the final angle error |θ_T − π| in rad; Upright is
	// FinalError < UprightTol, the sweep's criterion.
	FinalError float64
	Upright    bool
}

// UprightTol is the final angle error (rad) below which lesson 01 counts a
// swing-up as upright.
const UprightTol = 0.05

// swingUpKept holds the swing-ups the live controls have drawn.
var swingUpKept = newPanelCache[*SwingUpLive]()

// SwingUpAt solves the swing-up with horizon T and control weight r (the
// SwingUp problem with those fields) by iLQR, reporting each iteration to
// progress (which may be nil) and stopping with ctx's error soon after ctx
// is cancelled. A result computed before for the same T and r is returned
// again without solving.
func SwingUpAt(ctx context.Context, T int, r float64, progress live.Progress) (*SwingUpLive, error) {
	key := fmt.Sprintf("T=%d r=%s", T, strconv.FormatFloat(r, 'g', -1, 64))
	if s, ok := swingUpKept.get(key); ok {
		return s, nil
	}
	if T == 0 || r == 0 { // SwingUp would read 0 as its default
		return nil, fmt.Errorf("lessons: SwingUpAt: T = %d, r = %v: want T ≥ 1 and r > 0", T, r)
	}
	p, err := SwingUp{T: T, ControlWeight: r}.Problem()
	if err != nil {
		return nil, err
	}
	res, err := untilCancelled(ctx, func(stop func()) (*ilqr.Result, error) {
		return p.Solve(ilqr.Config{Progress: func(it ilqr.Iteration) {
			stop()
			if progress != nil {
				progress("iLQR iteration %d: cost %.3f", it.Iter, it.Cost)
			}
		}})
	})
	if err != nil {
		return nil, err
	}
	e := AngleError(res.X[T][0])
	s := &SwingUpLive{T: T, R: r, Problem: p, Result: res, FinalError: e, Upright: e < UprightTol}
	swingUpKept.put(key, s)
	return s, nil
}

// Text is the run in one line: iterations, cost, final angle error and
// whether it ends upright.
func (s *SwingUpLive) Text() string {
	verdict := "upright"
	if !s.Upright {
		verdict = "not upright"
	}
	return fmt.Sprintf("%d iterations, cost %.3f, final angle error %.2g rad: %s", len(s.Result.History), s.Result.Cost, s.FinalError, verdict)
}

// Figure draws the angle, angular velocity and torque over time with the
// upright angle and the torque limits, on a time axis fixed at 0–8 s.
func (s *SwingUpLive) Figure() (*plotting.Figure, error) {
	f, err := pendulumStates(fmt.Sprintf("Swing-up with T = %d (%.1f s), r = %s", s.T, float64(s.T)*s.Problem.System.Dt(), strconv.FormatFloat(s.R, 'g', 3, 64)),
		s.Problem, Run{"iLQR", s.Result})
	if err != nil {
		return nil, err
	}
	for i := range f.NumPanels() {
		if err := f.XRange(i, 0, float64(SwingUpMaxT)*s.Problem.System.Dt()); err != nil {
			return nil, err
		}
	}
	return f, nil
}

// SwingUpRender is the render function of lesson 01's controls (see
// SwingUpControls): the swing-up SwingUpAt solves for the sliders' T and
// r, drawn by SwingUpLive.Figure with SwingUpLive.Text under it.
func SwingUpRender(ctx context.Context, v live.Values, progress live.Progress) (live.View, error) {
	s, err := SwingUpAt(ctx, v.Int("T"), v.Float("r"), progress)
	if err != nil {
		return live.View{}, err
	}
	fig, err := s.Figure()
	return live.View{Figure: fig, Text: s.Text()}, err
}

// stopSignal carries a cancelled context's error out of a library loop,
// through the progress callback that loop calls (untilCancelled).
type stopSignal struct{ err error }

// untilCancelled runs a library loop that knows no context but calls a
// callback every iteration: run passes stop to that callback, and stop
// unwinds the loop (by a panic that untilCancelled recovers) once ctx is
// cancelled, so that untilCancelled returns ctx's error within one
// iteration. Other panics pass through.
func untilCancelled[T any](ctx context.Context, run func(stop func()) (T, error)) (out T, err error) {
	if err := ctx.Err(); err != nil {
		return out, err
	}
	defer func() {
		if r := recover(); r != nil {
			s, ok := r.(stopSignal)
			if !ok {
				panic(r)
			}
			var zero T
			out, err = zero, s.err
		}
	}()
	return run(func() {
		if err := ctx.Err(); err != nil {
			panic(stopSignal{err})
		}
	})
}

// panelCacheSize is how many results a live panel keeps.
const panelCacheSize = 32

// panelCache keeps the results a live panel computed, by their settings, so
// that the cell can print the result the final figure shows without
// computing it again, and moving a control back is instant. It keeps the
// newest panelCacheSize results. It is safe for concurrent use.
type panelCache[T any] struct {
	mu    sync.Mutex
	byKey map[string]T
	order []string // oldest first
}

func newPanelCache[T any]() *panelCache[T] {
	return &panelCache[T]{byKey: map[string]T{}}
}

func (c *panelCache[T]) get(key string) (T, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	v, ok := c.byKey[key]
	return v, ok
}

func (c *panelCache[T]) put(key string, v T) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.byKey[key]; !ok {
		c.order = append(c.order, key)
	}
	c.byKey[key] = v
	for len(c.order) > panelCacheSize {
		delete(c.byKey, c.order[0])
		c.order = c.order[1:]
	}
}
