package gps

import (
	"errors"
	"fmt"
	"math"

	"github.com/rlcontrol/rlcontrol/rl/imitation"
	"github.com/rlcontrol/rlcontrol/rl/lqr"
	"github.com/rlcontrol/rlcontrol/rl/system"
)

// Nearest is the non-parametric policy of the dexterous-manipulation
// slide: run the local controller whose training start is nearest
// (Euclidean distance in the state) to the run's start. It is the baseline
// the global policy must beat: it needs no network, but it only knows the
// training starts.
type Nearest struct {
	starts [][]float64
	ctrls  []*lqr.Controller
}

// NewNearest returns the nearest-neighbour policy over the starts and
// their controllers (copied by reference; they must not change while it
// is used). It returns an error for no starts, mismatched counts, or a
// start or controller whose sizes differ from the first.
func NewNearest(starts [][]float64, ctrls []*lqr.Controller) (*Nearest, error) {
	if len(starts) == 0 {
		return nil, errors.New("gps: nearest-neighbour policy with no training conditions")
	}
	if len(ctrls) != len(starts) {
		return nil, fmt.Errorf("gps: %d starts but %d controllers", len(starts), len(ctrls))
	}
	n, _, T, err := ctrls[0].Dims()
	if err != nil {
		return nil, fmt.Errorf("gps: controller 0: %w", err)
	}
	for i, c := range ctrls {
		cn, _, cT, err := c.Dims()
		if err != nil {
			return nil, fmt.Errorf("gps: controller %d: %w", i, err)
		}
		if cn != n || cT != T {
			return nil, fmt.Errorf("gps: controller %d has n = %d, T = %d, controller 0 n = %d, T = %d", i, cn, cT, n, T)
		}
	}
	if err := imitation.CheckStarts("gps: nearest-neighbour starts", starts, n); err != nil {
		return nil, err
	}
	return &Nearest{starts: starts, ctrls: ctrls}, nil
}

// Index returns the index of the training start nearest to x0.
func (p *Nearest) Index(x0 []float64) (int, error) {
	if err := system.CheckVec("gps: start", x0, len(p.starts[0])); err != nil {
		return 0, err
	}
	best, bd := 0, math.Inf(1)
	for i, s := range p.starts {
		d := 0.0
		for j := range s {
			d += (s[j] - x0[j]) * (s[j] - x0[j])
		}
		if d < bd {
			best, bd = i, d
		}
	}
	return best, nil
}

// Policy returns the policy for a run from x0: the nearest start's local
// controller (noise-free with a nil random source).
func (p *Nearest) Policy(x0 []float64) (system.Policy, error) {
	i, err := p.Index(x0)
	if err != nil {
		return nil, err
	}
	return p.ctrls[i], nil
}

// Evaluate runs the nearest-neighbour policy from each start (the task's
// held-out Test starts when starts is nil).
func (p *Nearest) Evaluate(task *imitation.Task, starts [][]float64) (*imitation.Evaluation, error) {
	if task == nil {
		return nil, errors.New("gps: nil task")
	}
	if starts == nil {
		starts = task.Test
	}
	return imitation.Evaluate(task, func(i int) (system.Policy, error) { return p.Policy(starts[i]) }, starts)
}

// Nearest returns the nearest-neighbour policy over the current local
// controllers.
func (g *GPS) Nearest() (*Nearest, error) {
	starts := make([][]float64, len(g.conds))
	for i, c := range g.conds {
		starts[i] = c.X0
	}
	return NewNearest(starts, g.Controllers())
}

// MaxAction returns the largest |u_j| over the evaluation's runs.
func MaxAction(ev *imitation.Evaluation) float64 {
	mx := 0.0
	for _, tr := range ev.Trajectories {
		for _, u := range tr.U {
			for _, v := range u {
				mx = math.Max(mx, math.Abs(v))
			}
		}
	}
	return mx
}
