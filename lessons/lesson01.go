package lessons

import (
	"fmt"
	"os"

	"github.com/rlcontrol/rlcontrol/plotting"
	"github.com/rlcontrol/rlcontrol/rl/ilqr"
	"github.com/rlcontrol/rlcontrol/rl/system"
	"gonum.org/v1/gonum/mat"
)

// Lesson01 is everything lesson 01 computes with its default settings: the
// swing-up with and without a line search, the cart-pole plan and its MPC
// execution.
type Lesson01 struct {
	SwingUp, Balance         *Problem
	Swing, SwingNoLineSearch *ilqr.Result
	Plan                     *ilqr.Result
	MPC                      *ilqr.MPCResult
}

// RunLesson01 solves the lesson's problems with the given settings.
func RunLesson01(s SwingUp, b Balance) (*Lesson01, error) {
	l := &Lesson01{}
	var err error
	if l.SwingUp, err = s.Problem(); err != nil {
		return nil, err
	}
	if l.Balance, err = b.Problem(); err != nil {
		return nil, err
	}
	if l.Swing, err = l.SwingUp.Solve(ilqr.Config{}); err != nil {
		return nil, fmt.Errorf("lessons: swing-up: %w", err)
	}
	if l.SwingNoLineSearch, err = l.SwingUp.Solve(ilqr.Config{AlwaysAccept: true, MaxIter: len(l.Swing.History)}); err != nil {
		return nil, fmt.Errorf("lessons: swing-up without line search: %w", err)
	}
	if l.Plan, err = l.Balance.Solve(ilqr.Config{}); err != nil {
		return nil, fmt.Errorf("lessons: cart-pole: %w", err)
	}
	p := l.Balance
	if l.MPC, err = ilqr.MPC(p.System, p.Cost, p.X0, p.U0, ilqr.MPCConfig{Horizon: p.T, Steps: p.T}); err != nil {
		return nil, fmt.Errorf("lessons: cart-pole MPC: %w", err)
	}
	return l, nil
}

// Figures returns the lesson's figures in the order the notebook shows them.
func (l *Lesson01) Figures() ([]NamedFigure, error) {
	var out []NamedFigure
	add := func(name string, f *plotting.Figure, err error) error {
		if err != nil {
			return fmt.Errorf("lessons: figure %s: %w", name, err)
		}
		out = append(out, NamedFigure{Name: name, Figure: f})
		return nil
	}
	mpcRun := &ilqr.Result{Trajectory: l.MPC.Trajectory}
	steps := []struct {
		name string
		fn   func() (*plotting.Figure, error)
	}{
		{"01-linesearch", func() (*plotting.Figure, error) {
			return ConvergenceFigure("Swing-up: why a line search",
				Run{"with line search", l.Swing}, Run{"full steps, no line search", l.SwingNoLineSearch})
		}},
		{"01-swingup-states", func() (*plotting.Figure, error) {
			return StatesFigure("Pendulum swing-up (iLQR)", l.SwingUp, Run{"iLQR", l.Swing})
		}},
		{"01-swingup-regularisation", func() (*plotting.Figure, error) {
			return RegularizationFigure("Swing-up: regularisation and line search", Run{"iLQR", l.Swing})
		}},
		{"01-cartpole-states", func() (*plotting.Figure, error) {
			return StatesFigure("Cart-pole balance: plan and MPC", l.Balance, Run{"iLQR plan", l.Plan}, Run{"MPC, replanning every step", mpcRun})
		}},
	}
	for _, s := range steps {
		f, err := s.fn()
		if err := add(s.name, f, err); err != nil {
			return nil, err
		}
	}
	return out, nil
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

// FigureDir is where notebooks save exported figures: $RLCONTROL_FIGURES if
// set, else "figures" next to the notebook.
func FigureDir() string {
	if d := os.Getenv("RLCONTROL_FIGURES"); d != "" {
		return d
	}
	return "figures"
}

func figures01(bool) ([]NamedFigure, error) {
	l, err := RunLesson01(SwingUp{}, Balance{})
	if err != nil {
		return nil, err
	}
	return l.Figures()
}

func init() {
	register("01", legacyScenario(figures01), "01-linesearch", "01-swingup-states", "01-swingup-regularisation", "01-cartpole-states")
}
