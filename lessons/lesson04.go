package lessons

import (
	"fmt"
	"math"

	"github.com/rlcontrol/rlcontrol/plotting"
	"github.com/rlcontrol/rlcontrol/rl/tabular"
	"github.com/rlcontrol/rlcontrol/rl/trpo"
)

// Lesson 04's scenarios, in notebook order: conservative policy iteration
// on the corridor, one TRPO run on the pendulum, TRPO against natural and
// vanilla policy gradient, and a large trust region.

func init() {
	register("04", CPIScenario{}, "04-cpi")
	register("04", TRPORunScenario{}, "04-trpo-run")
	register("04", ComparisonScenario{}, "04-trpo-npg-vpg")
	register("04", LargeDeltaScenario{}, "04-large-delta")
}

// CPIScenario runs Kakade and Langford's conservative policy iteration
// from the uniform policy on the 5-state corridor (slip 0.1, γ = 0.9),
// with the guaranteed step α*, against policy iteration.
type CPIScenario struct {
	// MaxIter bounds the CPI steps (default 3000).
	MaxIter int
}

// CPIOutcome is CPI's η per step and policy iteration's optimum.
type CPIOutcome struct {
	Etas      []float64 // η after each CPI step (η(π₀) first)
	Eta       float64   // CPI's final η
	Steps     int       // CPI steps taken
	OptEta    float64   // policy iteration's η
	OptSteps  int       // policy-iteration steps
	FirstStep float64   // CPI's first α*
}

// Run runs both.
func (c CPIScenario) Run() (Outcome, error) {
	if c.MaxIter == 0 {
		c.MaxIter = 3000
	}
	m, err := tabular.Chain(5, 0.1, 0.9)
	if err != nil {
		return nil, err
	}
	pi := tabular.Uniform(m.S, m.A)
	cpi, err := tabular.ConservativePolicyIteration(m, pi, tabular.CPIConfig{MaxIter: c.MaxIter})
	if err != nil {
		return nil, err
	}
	pit, err := tabular.ConservativePolicyIteration(m, pi, tabular.CPIConfig{Alpha: 1})
	if err != nil {
		return nil, err
	}
	o := &CPIOutcome{Etas: cpi.Etas(), Eta: cpi.Eta, Steps: len(cpi.Steps), OptEta: pit.Eta, OptSteps: len(pit.Steps)}
	if len(cpi.Steps) > 0 {
		o.FirstStep = cpi.Steps[0].Alpha
	}
	return o, nil
}

// Figures draws η against the CPI step with the optimum as a line.
func (o *CPIOutcome) Figures() ([]NamedFigure, error) {
	return collect(step{"04-cpi", func() (*plotting.Figure, error) {
		every := max(1, len(o.Etas)/200)
		var x, y []float64
		for k := 0; k < len(o.Etas); k += every {
			x, y = append(x, float64(k)), append(y, o.Etas[k])
		}
		fig, err := plotting.Lines("Conservative policy iteration on the corridor", "CPI step", "η (expected discounted cost)", x,
			plotting.Series{Name: "CPI with the guaranteed α*", Y: y})
		if err != nil {
			return nil, err
		}
		return fig, fig.HLine(0, o.OptEta, fmt.Sprintf("optimum η* = %.3f (policy iteration)", o.OptEta))
	}})
}

// TRPORunScenario is one TRPO run on the pendulum (PendulumTRPOConfig,
// seed 1). With the lesson's δ = 0.02 it is seed 1 of the stored
// comparison (04-comparison); another δ trains now (100k steps, 20k in
// quick mode).
type TRPORunScenario struct {
	// Delta is the trust-region size δ (default 0.02).
	Delta float64
}

// TRPORunOutcome is the run and where it came from.
type TRPORunOutcome struct {
	Run    PendulumRun
	Delta  float64
	Source Source
}

// Run loads or trains the run.
func (s TRPORunScenario) Run() (Outcome, error) {
	if s.Delta == 0 {
		s.Delta = 0.02
	}
	if s.Delta == comparisonAlgs[0].delta {
		all, src, err := comparisonRuns.Get()
		if err != nil {
			return nil, err
		}
		return &TRPORunOutcome{Run: all[0].Runs[0], Delta: s.Delta, Source: src}, nil
	}
	steps := PendulumTRPOConfig(0).TotalSteps
	if Quick() {
		steps = 20000
	}
	r, err := TrainPendulum(trpo.TRPO, s.Delta, []uint64{1}, steps, nil)
	if err != nil {
		return nil, err
	}
	return &TRPORunOutcome{Run: r.Runs[0], Delta: s.Delta, Source: Source{Quick: Quick()}}, nil
}

// Figures: the return and the measured KL per iteration, with δ.
func (o *TRPORunOutcome) Figures() ([]NamedFigure, error) {
	return collect(step{"04-trpo-run", func() (*plotting.Figure, error) {
		r := o.Run
		ret, err := plotting.Lines("return per iteration", stepsLabel, returnLabel, r.Steps, plotting.Series{Y: r.Return})
		if err != nil {
			return nil, err
		}
		kl, err := plotting.Lines("measured KL of each update", stepsLabel, klLabel, r.Steps, plotting.Series{Y: r.KL})
		if err != nil {
			return nil, err
		}
		if err := kl.HLine(0, o.Delta, fmt.Sprintf("δ = %g", o.Delta)); err != nil {
			return nil, err
		}
		return plotting.Combine(QuickTitle(fmt.Sprintf("TRPO on the pendulum (δ = %g, seed %d)", o.Delta, r.Seed), o.Source.Quick), 2, ret, kl)
	}})
}

// ComparisonScenario loads (or, with RLCONTROL_RECOMPUTE=1, trains) TRPO,
// natural PG and vanilla PG on the pendulum, three seeds each.
type ComparisonScenario struct{}

// RunsOutcome is a set of stored pendulum runs: one PendulumRuns per
// update rule, with its learning curve.
type RunsOutcome struct {
	Runs   []PendulumRuns
	Curves []*Curve
	Source Source
	figs   func(*RunsOutcome) ([]NamedFigure, error)
}

// Figures returns the scenario's figures.
func (o *RunsOutcome) Figures() ([]NamedFigure, error) {
	if o.figs == nil {
		return nil, nil
	}
	return o.figs(o)
}

func loadRuns(s Stored[[]PendulumRuns], figs func(*RunsOutcome) ([]NamedFigure, error)) (*RunsOutcome, error) {
	all, src, err := s.Get()
	if err != nil {
		return nil, err
	}
	o := &RunsOutcome{Runs: all, Source: src, figs: figs}
	for _, r := range all {
		c, err := r.Curve()
		if err != nil {
			return nil, err
		}
		o.Curves = append(o.Curves, c)
	}
	return o, nil
}

// Run loads the runs (a *RunsOutcome).
func (ComparisonScenario) Run() (Outcome, error) {
	return loadRuns(comparisonRuns, comparisonFigures)
}

// VPGSweepScenario loads vanilla PG's step-size sweep on seed 1 (no
// figure: the lesson prints it).
type VPGSweepScenario struct{}

// Run loads the runs (a *RunsOutcome).
func (VPGSweepScenario) Run() (Outcome, error) { return loadRuns(vpgSweep, nil) }

// comparisonFigures: the three learning curves.
func comparisonFigures(o *RunsOutcome) ([]NamedFigure, error) {
	return collect(step{"04-trpo-npg-vpg", func() (*plotting.Figure, error) {
		title := fmt.Sprintf("Pendulum: TRPO vs natural vs vanilla policy gradient (%d seeds)", len(o.Runs[0].Runs))
		fig, err := CurvesFigure(QuickTitle(title, o.Source.Quick), o.Curves...)
		if err != nil {
			return nil, err
		}
		return fig.LegendOutside(), nil
	}})
}

// LargeDeltaScenario loads TRPO and natural PG at δ = 0.2.
type LargeDeltaScenario struct{}

// Run loads the runs (a *RunsOutcome: TRPO, then natural PG).
func (LargeDeltaScenario) Run() (Outcome, error) {
	return loadRuns(largeDeltaRuns, largeDeltaFigures)
}

// largeDeltaFigures: measured KL per update against δ, TRPO's backtracks
// per update, and the learning curves.
func largeDeltaFigures(o *RunsOutcome) ([]NamedFigure, error) {
	return collect(step{"04-large-delta", func() (*plotting.Figure, error) {
		trpoR, npg := o.Runs[0], o.Runs[1]
		steps := trpoR.Runs[0].Steps
		largest := func(p PendulumRuns) []float64 {
			out := make([]float64, len(p.Runs[0].KL))
			for _, r := range p.Runs {
				for i, k := range r.KL {
					out[i] = math.Max(out[i], k)
				}
			}
			return out
		}
		kl, err := plotting.Lines("KL per update", stepsLabel, "KL, worst seed (nats)", steps,
			plotting.Series{Name: npg.Name, Y: largest(npg)}, plotting.Series{Name: trpoR.Name, Y: largest(trpoR)})
		if err != nil {
			return nil, err
		}
		if err := kl.HLine(0, npg.Delta, fmt.Sprintf("δ = %g", npg.Delta)); err != nil {
			return nil, err
		}
		bt := trpoR.meanOverSeeds(func(r PendulumRun, i int) float64 { return float64(max(r.Backtracks[i], 0)) })
		back, err := plotting.Lines("TRPO line search", stepsLabel, "backtracks (seed mean)", steps,
			plotting.Series{Name: "", Y: bt})
		if err != nil {
			return nil, err
		}
		curves, err := CurvesFigure("return", o.Curves[0], o.Curves[1])
		if err != nil {
			return nil, err
		}
		title := fmt.Sprintf("Pendulum at δ = %g (%d seeds)", npg.Delta, len(npg.Runs))
		fig, err := plotting.Combine(QuickTitle(title, o.Source.Quick), 3, kl, back, curves)
		if err != nil {
			return nil, err
		}
		return fig.LegendOutside(), nil
	}})
}
