package lessons

import (
	"fmt"
	"math"

	"github.com/rlcontrol/rlcontrol/plotting"
	"github.com/rlcontrol/rlcontrol/rl/env"
	"github.com/rlcontrol/rlcontrol/rl/trpo"
	"gonum.org/v1/gonum/stat"
)

// Lesson 04's pendulum training runs. A 100k-step run takes about 40 s on
// two cores, so the runs the lesson compares (three updates × three seeds,
// and two updates at a large δ) are stored full runs, made by
// `go run ./cmd/experiments results 04-comparison 04-large-delta`.

// PendulumRun is one training run on the pendulum, iteration by iteration.
type PendulumRun struct {
	Seed uint64
	// Steps are the environment steps after each iteration.
	Steps []float64
	// Return is the mean return of the episodes that ended in the
	// iteration (0 where Episodes is 0).
	Return   []float64
	Episodes []int
	// KL is the measured mean KL(π_old ‖ π_new) of each update (nats).
	KL []float64
	// Backtracks counts each update's line-search cuts Δθ ← 0.8Δθ (TRPO;
	// 0 for the updates without a line search, −1 when TRPO took no step).
	Backtracks []int
	// StepNorm is ‖Δθ‖ of the full step before any backtracking: the
	// natural step's length in parameter space, or the Euclidean step's.
	StepNorm []float64
	// Final is the mean return over the last 10 iterations.
	Final float64
}

// PendulumRuns are the runs of one update rule at one δ over several seeds.
type PendulumRuns struct {
	Name      string // for legends, e.g. "TRPO"
	Algorithm string // trpo.Algorithm's String
	Delta     float64
	Runs      []PendulumRun
}

// pendulumSetup is the plain-data set-up of stored pendulum runs: every
// setting they depend on.
type pendulumSetup struct {
	Algorithms   []string
	Deltas       []float64
	Seeds        []uint64
	TotalSteps   int
	StepsPerIter int
	Envs         int
	Gamma        float64
	Lambda       float64
}

// pendulumAlgs lists an update rule and its δ.
type pendulumAlg struct {
	alg   trpo.Algorithm
	delta float64
}

// EuclideanDelta is the size of vanilla PG's Euclidean ball ½‖Δθ‖² ≤ δ in
// lesson 04's comparison: the best of the stored sweep 04-vpg-sweep on
// seed 1 (the lesson asserts it).
const EuclideanDelta = 2e-3

func newPendulumSetup(algs []pendulumAlg, seeds []uint64) pendulumSetup {
	cfg := PendulumTRPOConfig(0)
	s := pendulumSetup{Seeds: seeds, TotalSteps: cfg.TotalSteps, StepsPerIter: cfg.StepsPerIter, Envs: cfg.Envs, Gamma: cfg.Gamma, Lambda: cfg.Lambda}
	for _, a := range algs {
		s.Algorithms, s.Deltas = append(s.Algorithms, a.alg.String()), append(s.Deltas, a.delta)
	}
	return s
}

// TrainPendulum trains alg with trust-region (or ball) size delta — the
// learning rate α for trpo.VanillaPG — on the pendulum (PendulumTRPOConfig) for every seed, for steps environment
// steps each; progress, if not nil, sees every iteration.
func TrainPendulum(alg trpo.Algorithm, delta float64, seeds []uint64, steps int, progress func(seed uint64, s trpo.IterStats)) (PendulumRuns, error) {
	out := PendulumRuns{Name: alg.String(), Algorithm: alg.String(), Delta: delta}
	for _, seed := range seeds {
		cfg := PendulumTRPOConfig(seed)
		cfg.Algorithm, cfg.MaxKL, cfg.TotalSteps = alg, delta, steps
		if alg == trpo.VanillaPG { // delta is the learning rate α
			cfg.LearningRate, cfg.MaxKL = delta, 0
		}
		r := PendulumRun{Seed: seed}
		cfg.Progress = func(s trpo.IterStats) {
			ret := s.MeanReturn
			if s.Episodes == 0 || math.IsNaN(ret) {
				ret = 0
			}
			r.Steps = append(r.Steps, float64(s.EnvSteps))
			r.Return, r.Episodes = append(r.Return, ret), append(r.Episodes, s.Episodes)
			r.KL, r.Backtracks = append(r.KL, s.Step.KL), append(r.Backtracks, s.Step.Backtracks)
			r.StepNorm = append(r.StepNorm, s.Step.StepNorm)
			if progress != nil {
				progress(seed, s)
			}
		}
		res, err := trpo.Train(func() env.Env { return env.NewPendulum() }, cfg)
		if err != nil {
			return out, fmt.Errorf("lessons: %s, δ = %g, seed %d: %w", alg, delta, seed, err)
		}
		r.Final = LastMean(res.History, 10)
		out.Runs = append(out.Runs, r)
	}
	return out, nil
}

func trainAll(algs []pendulumAlg, seeds []uint64, steps int) ([]PendulumRuns, error) {
	var out []PendulumRuns
	for _, a := range algs {
		r, err := TrainPendulum(a.alg, a.delta, seeds, steps, nil)
		if err != nil {
			return nil, err
		}
		switch a.alg {
		case trpo.VanillaPG:
			r.Name = fmt.Sprintf("vanilla PG, α = %g", a.delta)
		case trpo.EuclideanPG:
			r.Name = fmt.Sprintf("vanilla PG, ½‖Δθ‖² ≤ %g", a.delta)
		}
		out = append(out, r)
	}
	return out, nil
}

var (
	comparisonAlgs  = []pendulumAlg{{trpo.TRPO, 0.02}, {trpo.NaturalPG, 0.02}, {trpo.EuclideanPG, EuclideanDelta}}
	largeDeltaAlgs  = []pendulumAlg{{trpo.TRPO, 0.2}, {trpo.NaturalPG, 0.2}}
	comparisonSeeds = []uint64{1, 2, 3}
	vpgSweepAlgs    = []pendulumAlg{{trpo.VanillaPG, 0.01}, {trpo.VanillaPG, 0.1}, {trpo.VanillaPG, 1},
		{trpo.EuclideanPG, 2e-4}, {trpo.EuclideanPG, 2e-3}, {trpo.EuclideanPG, 2e-2}}
)

// vpgSweep: vanilla PG's step on seed 1, a fixed learning rate α against
// the lecture's Euclidean ball ½‖Δθ‖² ≤ δ of three sizes.
var vpgSweep = registerStored(Stored[[]PendulumRuns]{
	Name:  "04-vpg-sweep",
	Setup: newPendulumSetup(vpgSweepAlgs, []uint64{1}),
	Compute: func(quick bool) ([]PendulumRuns, error) {
		if quick {
			return trainAll(vpgSweepAlgs, []uint64{1}, 10000)
		}
		return trainAll(vpgSweepAlgs, []uint64{1}, PendulumTRPOConfig(0).TotalSteps)
	},
})

// comparisonRuns: TRPO, natural PG (both δ = 0.02) and vanilla PG with the
// lecture's Euclidean step, three seeds of 100k steps each.
var comparisonRuns = registerStored(Stored[[]PendulumRuns]{
	Name:  "04-comparison",
	Setup: newPendulumSetup(comparisonAlgs, comparisonSeeds),
	Compute: func(quick bool) ([]PendulumRuns, error) {
		if quick {
			return trainAll(comparisonAlgs, []uint64{1}, 10000)
		}
		return trainAll(comparisonAlgs, comparisonSeeds, PendulumTRPOConfig(0).TotalSteps)
	},
})

// largeDeltaRuns: TRPO and natural PG at δ = 0.2, three seeds.
var largeDeltaRuns = registerStored(Stored[[]PendulumRuns]{
	Name:  "04-large-delta",
	Setup: newPendulumSetup(largeDeltaAlgs, comparisonSeeds),
	Compute: func(quick bool) ([]PendulumRuns, error) {
		if quick {
			return trainAll(largeDeltaAlgs, []uint64{1}, 10000)
		}
		return trainAll(largeDeltaAlgs, comparisonSeeds, PendulumTRPOConfig(0).TotalSteps)
	},
})

// Curve returns the runs' learning curve: mean ± std over seeds of the
// per-iteration return, and each seed's last-10-iteration mean.
func (p PendulumRuns) Curve() (*Curve, error) {
	if len(p.Runs) == 0 {
		return nil, fmt.Errorf("lessons: %s: no runs", p.Name)
	}
	c := &Curve{Name: p.Name}
	for _, r := range p.Runs {
		c.PerSeed = append(c.PerSeed, r.Final)
	}
	c.Final = stat.Mean(c.PerSeed, nil)
	for i := range p.Runs[0].Steps {
		var v []float64
		for _, r := range p.Runs {
			if i < len(r.Episodes) && r.Episodes[i] > 0 {
				v = append(v, r.Return[i])
			}
		}
		if len(v) == 0 {
			continue
		}
		m, s := stat.MeanStdDev(v, nil)
		if len(v) == 1 {
			s = 0
		}
		c.Steps = append(c.Steps, p.Runs[0].Steps[i])
		c.Mean, c.Std = append(c.Mean, m), append(c.Std, s)
	}
	return c, nil
}

// MaxKL is the largest measured KL of any update of any seed.
func (p PendulumRuns) MaxKL() float64 {
	m := 0.0
	for _, r := range p.Runs {
		for _, k := range r.KL {
			m = math.Max(m, k)
		}
	}
	return m
}

// OverDelta counts the updates whose measured KL exceeds δ, and all updates.
func (p PendulumRuns) OverDelta() (over, all int) {
	for _, r := range p.Runs {
		for _, k := range r.KL {
			if k > p.Delta {
				over++
			}
			all++
		}
	}
	return over, all
}

// BacktrackCount sums the line-search backtracks of all updates, and
// counts the updates that backtracked at least once and those that took no
// step (−1).
func (p PendulumRuns) BacktrackCount() (total, updates, rejected int) {
	for _, r := range p.Runs {
		for _, b := range r.Backtracks {
			switch {
			case b > 0:
				total += b
				updates++
			case b < 0:
				rejected++
			}
		}
	}
	return total, updates, rejected
}

// meanOverSeeds returns x[i] averaged over the runs, for each iteration.
func (p PendulumRuns) meanOverSeeds(x func(r PendulumRun, i int) float64) []float64 {
	out := make([]float64, len(p.Runs[0].Steps))
	for i := range out {
		for _, r := range p.Runs {
			out[i] += x(r, i)
		}
		out[i] /= float64(len(p.Runs))
	}
	return out
}

// returnLabel and the other axis labels of lesson 04's pendulum figures.
const (
	returnLabel = "return (sum of rewards)"
	stepsLabel  = "environment steps"
	klLabel     = "KL(π_old ‖ π_new) (nats)"
)

// CurvesFigure draws learning curves (mean ± std over seeds) on one axis;
// the curves must share their x values.
func CurvesFigure(title string, curves ...*Curve) (*plotting.Figure, error) {
	if len(curves) == 0 {
		return nil, fmt.Errorf("lessons: CurvesFigure: no curves")
	}
	var bands []plotting.Band
	for i, c := range curves {
		if c == nil {
			return nil, fmt.Errorf("lessons: CurvesFigure: curve %d is nil", i)
		}
		if len(c.Steps) != len(curves[0].Steps) {
			return nil, fmt.Errorf("lessons: CurvesFigure: curve %q has %d points, %q has %d", c.Name, len(c.Steps), curves[0].Name, len(curves[0].Steps))
		}
		bands = append(bands, plotting.Band{Name: c.Name, Mean: c.Mean, Std: c.Std})
	}
	return plotting.Bands(title, stepsLabel, returnLabel, curves[0].Steps, bands...)
}
