package trajopt

import (
	"math"
	"testing"

	"github.com/rlcontrol/rlcontrol/rl/cost"
	"github.com/rlcontrol/rlcontrol/rl/dynfit"
	"github.com/rlcontrol/rlcontrol/rl/internal/badtest"
	"github.com/rlcontrol/rlcontrol/rl/lqr"
	"github.com/rlcontrol/rlcontrol/rl/system"
	"gonum.org/v1/gonum/mat"
)

// TestInvalidInput: every class of bad input to the package's exported
// functions is an error naming the bad argument and value, not a panic or
// a NaN passed on.
func TestInvalidInput(t *testing.T) {
	nan := math.NaN()
	prev, dyn, q := problem(t, 4)
	pm := system.NewPointMass()
	pmCost := pointMassCost(t)
	c2, err := cost.Diagonal([]float64{1, 1}, []float64{1}, []float64{1, 1}, []float64{0, 0})
	if err != nil {
		t.Fatal(err)
	}
	errOf := func(_ any, err error) error { return err }
	batch := func(N, T int, v float64) system.Batch {
		b := make(system.Batch, N)
		for i := range b {
			b[i] = system.NewTrajectory(2, 1, T)
			for _, x := range b[i].X {
				x[0], x[1] = v, -v
			}
		}
		return b
	}
	u, err := NewUpdater(2, 1, 4)
	if err != nil {
		t.Fatal(err)
	}
	huge := func() *lqr.QuadraticCost {
		_, _, q := problem(t, 4)
		for i := range q.C0 {
			q.C0[i] = 1e308
		}
		q.Final.C0 = 1e308
		return q
	}

	big := 1 << 40
	badtest.Run(t, []badtest.Case{
		badtest.Err("nan", "SampleCosts NaN state", func() error {
			b := batch(3, 4, 1)
			b[1].X[2][0] = nan
			return errOf(SampleCosts(c2, b))
		}, "trajectory 1: X[2][0] = NaN"),
		badtest.Err("nan", "ModelError NaN sample", func() error {
			b := batch(3, 4, 1)
			b[2].X[0][0] = nan
			return errOf(ModelError(dyn, b))
		}, "X[0][0] = NaN"),
		badtest.Err("nan", "KLUpdate NaN cost", func() error {
			_, _, q := problem(t, 4)
			q.Cz[1].SetVec(0, nan)
			return errOf(KLUpdate(prev, dyn, q, 1, KLConfig{}))
		}, "q.Cz[1][0] = NaN"),
		badtest.Err("nan", "ModifiedCost NaN η", func() error { return errOf(ModifiedCost(prev, q, nan)) }, "η = NaN"),
		badtest.Err("blowup", "ModelError overflow", func() error { return errOf(ModelError(dyn, batch(3, 4, 1e200))) }, "overflows"),
		badtest.Err("blowup", "ModifiedCost overflow", func() error { return errOf(ModifiedCost(prev, huge(), 1e-300)) }, "overflows"),
		badtest.Err("blowup", "SolveAtEta overflow", func() error { return errOf(SolveAtEta(prev, dyn, huge(), 1)) }, "overflows"),
		badtest.Err("blowup", "KLUpdate overflow", func() error { return errOf(KLUpdate(prev, dyn, huge(), 1, KLConfig{})) }, "overflows"),
		badtest.Err("blowup", "SampleCosts overflow", func() error { return errOf(SampleCosts(c2, batch(2, 4, 1e200))) }, "stage cost at t = 0 is +Inf"),
		badtest.Err("nil", "SampleCosts nil cost", func() error { return errOf(SampleCosts(nil, batch(2, 4, 1))) }, "nil cost"),
		badtest.Err("nil", "SampleCosts typed-nil cost", func() error { return errOf(SampleCosts((*cost.Quadratic)(nil), batch(2, 4, 1))) }, "nil cost"),
		badtest.Err("nil", "MeanCost nil cost", func() error {
			ctrl, _ := lqr.NewConstantController(4, 2, 5, nil, 1)
			return errOf(MeanCost(pm, nil, ctrl, make([]float64, 4)))
		}, "nil cost"),
		badtest.Err("nil", "MeanCost typed-nil system", func() error {
			ctrl, _ := lqr.NewConstantController(4, 2, 5, nil, 1)
			return errOf(MeanCost((*system.PointMass)(nil), pmCost, ctrl, make([]float64, 4)))
		}, "nil *system.PointMass"),
		badtest.Err("nil", "MeanCost nil controller", func() error { return errOf(MeanCost(pm, pmCost, nil, make([]float64, 4))) }, "nil Controller"),
		badtest.Err("nil", "ModelError nil dynamics", func() error { return errOf(ModelError(nil, batch(2, 4, 1))) }, "nil Dynamics"),
		badtest.Err("nil", "Update nil updater", func() error { return errOf((*Updater)(nil).Update(prev, dyn, q, 1, KLConfig{})) }, "nil Updater"),
		badtest.Err("nil", "SolveAtEta nil updater", func() error { return errOf((*Updater)(nil).SolveAtEta(prev, dyn, q, 1)) }, "nil Updater"),
		badtest.Err("nil", "SolveAtEta zero updater", func() error { return errOf((&Updater{}).SolveAtEta(prev, dyn, q, 1)) }, "NewUpdater"),
		badtest.Err("nil", "KLUpdate nil cost", func() error { return errOf(KLUpdate(prev, dyn, nil, 1, KLConfig{})) }, "nil QuadraticCost"),
		badtest.Err("nil", "KLUpdate nil controller", func() error { return errOf(KLUpdate(nil, dyn, q, 1, KLConfig{})) }, "nil Controller"),
		badtest.Err("nil", "SolveAtEta nil dynamics", func() error { return errOf(SolveAtEta(prev, nil, q, 1)) }, "nil Dynamics"),
		badtest.Err("nil", "ModifiedCost nil final cost", func() error {
			_, _, q := problem(t, 4)
			q.Final.Cxx = nil
			return errOf(ModifiedCost(prev, q, 1))
		}, "Final.Cxx is nil"),
		badtest.Err("nil", "Run typed-nil system", func() error { return errOf(Run((*system.PointMass)(nil), pmCost, make([]float64, 4), 5, Config{})) }, "nil *system.PointMass"),
		badtest.Err("nil", "Run typed-nil cost", func() error { return errOf(Run(pm, (*cost.Quadratic)(nil), make([]float64, 4), 5, Config{})) }, "nil cost"),
		badtest.Err("nil", "WithPrior typed-nil prior", func() error { return errOf(WithPrior{Prior: (*dynfit.GMMPrior)(nil)}.Fit(batch(3, 4, 1))) }, "nil prior"),
		badtest.Err("ragged", "SampleCosts ragged batch", func() error {
			b := batch(3, 4, 1)
			b[1] = system.NewTrajectory(2, 1, 3)
			return errOf(SampleCosts(c2, b))
		}, "trajectory 1 has (n, m, T) = (2, 1, 3)"),
		badtest.Err("ragged", "SampleCosts cost size", func() error { return errOf(SampleCosts(pmCost, batch(2, 4, 1))) }, "n=4, m=2"),
		badtest.Err("ragged", "SampleCosts empty batch", func() error { return errOf(SampleCosts(c2, nil)) }, "empty batch"),
		badtest.Err("ragged", "MeanCost cost size", func() error {
			ctrl, _ := lqr.NewConstantController(4, 2, 5, nil, 1)
			return errOf(MeanCost(pm, c2, ctrl, make([]float64, 4)))
		}, "n=2, m=1"),
		badtest.Err("ragged", "ModelError horizon", func() error { return errOf(ModelError(dyn, batch(2, 3, 1))) }, "T=4) and samples (n=2, m=1, T=3)"),
		badtest.Err("ragged", "KLUpdate short Cz", func() error {
			_, _, q := problem(t, 4)
			q.Cz = q.Cz[:3]
			return errOf(KLUpdate(prev, dyn, q, 1, KLConfig{}))
		}, "q.Cz has 3 entries, want T = 4"),
		badtest.Err("ragged", "SolveAtEta wrong size", func() error {
			p5, d5, q5 := problem(t, 5)
			return errOf(u.SolveAtEta(p5, d5, q5, 1))
		}, "and updater (n=2, m=1, T=4) differ"),
		badtest.Err("ragged", "ModifiedCost Czz size", func() error {
			_, _, q := problem(t, 4)
			q.Czz[2] = mat.NewSymDense(2, nil)
			return errOf(ModifiedCost(prev, q, 1))
		}, "Czz[2] is 2×2, want 3×3"),
		badtest.Err("oversized", "NewUpdater T", func() error { return errOf(NewUpdater(2, 1, big)) }, "n × m × T = 2 × 1 × 1099511627776 is too large"),
		badtest.Err("oversized", "NewUpdater n", func() error { return errOf(NewUpdater(1<<14, 1, 1)) }, "is too large"),
		badtest.Err("oversized", "NewUpdater m", func() error { return errOf(NewUpdater(1, 1<<40, 1)) }, "is too large"),
		badtest.Err("oversized", "Run T", func() error { return errOf(Run(pm, pmCost, make([]float64, 4), big, Config{})) }, "is too large"),
		badtest.Err("oversized", "Run rollouts", func() error { return errOf(Run(pm, pmCost, make([]float64, 4), 10, Config{Rollouts: big})) }, "is too large"),
	})
}
