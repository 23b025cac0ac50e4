package trpo

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/rlcontrol/rlcontrol/rl/env"
	"github.com/rlcontrol/rlcontrol/rl/policy"

	"github.com/rlcontrol/rlcontrol/rl/internal/badtest"
)

// stepErr runs one update of a fresh updater on a copy of d changed by
// edit.
func stepErr(t *testing.T, cfg Config, edit func(d *Data)) func() error {
	return func() error {
		p := newTestPolicy(t, 3, 2)
		u, err := NewUpdater(p, cfg)
		if err != nil {
			return err
		}
		d := batch(t, p, 16, rand.New(rand.NewPCG(5, 5)))
		edit(d)
		_, err = u.Step(d)
		return err
	}
}

func identity(v []float64) ([]float64, error) { return append([]float64(nil), v...), nil }

// rewardEnv is a pendulum whose reward is r.
type rewardEnv struct {
	*env.Pendulum
	r float64
}

func (e *rewardEnv) Step(a []float64) ([]float64, float64, bool, error) {
	o, _, d, err := e.Pendulum.Step(a)
	return o, e.r, d, err
}

// TestBadInputNonFinite: non-finite data and blow-ups of finite data are
// errors naming the value.
func TestBadInputNonFinite(t *testing.T) {
	nan, inf := math.NaN(), math.Inf(1)
	r := []float64{1, 2, 3, 4}
	v := []float64{0, 0, 0, 0}
	done := []bool{false, false, false, true}
	with := func(x []float64, i int, val float64) []float64 {
		y := append([]float64(nil), x...)
		y[i] = val
		return y
	}
	gaeErr := func(r, v, next []float64) func() error {
		return func() error { _, _, err := GAE(r, v, next, done, done, 0.99, 0.97); return err }
	}
	badtest.Run(t, []badtest.Case{
		badtest.Err("nan", "Step Obs NaN", stepErr(t, Config{}, func(d *Data) { d.Obs[2][1] = nan }), "Obs[2][1] = NaN"),
		badtest.Err("nan", "Step Act Inf", stepErr(t, Config{}, func(d *Data) { d.Act[0][0] = inf }), "Act[0][0] = +Inf"),
		badtest.Err("nan", "Step Adv NaN", stepErr(t, Config{}, func(d *Data) { d.Adv[3] = nan }), "Adv[3] = NaN"),
		badtest.Err("nan", "Step LogpOld -Inf", stepErr(t, Config{}, func(d *Data) { d.LogpOld[0] = -inf }), "LogpOld[0] = -Inf"),
		badtest.Err("nan", "Step OldMean NaN", stepErr(t, Config{}, func(d *Data) { d.OldMean[1][0] = nan }), "OldMean[1][0] = NaN"),
		badtest.Err("nan", "Step OldLogStd NaN", stepErr(t, Config{}, func(d *Data) { d.OldLogStd[1] = nan }), "OldLogStd[1] = NaN"),
		badtest.Err("nan", "Step OldLogStd 1000", stepErr(t, Config{}, func(d *Data) { d.OldLogStd[0] = 1000 }), "OldLogStd[0] = 1000"),
		badtest.Err("nan", "Step NaturalPG Adv NaN", stepErr(t, Config{Algorithm: NaturalPG}, func(d *Data) { d.Adv[0] = nan }), "Adv[0] = NaN"),
		badtest.Err("nan", "Step VanillaPG Obs Inf", stepErr(t, Config{Algorithm: VanillaPG}, func(d *Data) { d.Obs[0][0] = inf }), "Obs[0][0] = +Inf"),
		badtest.Err("nan", "Step surrogate overflows", stepErr(t, Config{}, func(d *Data) {
			for i := range d.Adv {
				d.Adv[i], d.LogpOld[i] = 1, -1e300
			}
		}), "L(θ) = +Inf"),
		badtest.Err("nan", "CG b NaN", func() error { _, _, err := ConjugateGradient(identity, []float64{1, nan}, 5, 0); return err }, "b[1] = NaN"),
		badtest.Err("nan", "CG product NaN", func() error {
			_, _, err := ConjugateGradient(func(v []float64) ([]float64, error) { return []float64{nan, 1}, nil }, []float64{1, 1}, 5, 0)
			return err
		}, "Av(p)[0] = NaN"),
		badtest.Err("nan", "CG tol NaN", func() error { _, _, err := ConjugateGradient(identity, []float64{1, 1}, 5, nan); return err }, "tol = NaN"),
		badtest.Err("nan", "GAE rewards NaN", gaeErr(with(r, 3, nan), v, v), "rewards[3] = NaN"),
		badtest.Err("nan", "GAE values Inf", gaeErr(r, with(v, 0, inf), v), "values[0] = +Inf"),
		badtest.Err("nan", "GAE next NaN", gaeErr(r, v, with(v, 2, nan)), "next[2] = NaN"),
		badtest.Err("nan", "GAE overflows", func() error {
			_, _, err := GAE([]float64{1e308, 1e308, 1e308}, []float64{0, 0, 0}, []float64{0, 0, 0}, []bool{false, false, true}, []bool{false, false, true}, 1, 1)
			return err
		}, "adv[1] = +Inf"),
		badtest.Err("nan", "Train NaN reward", func() error {
			_, err := Train(func() env.Env { return &rewardEnv{Pendulum: env.NewPendulum(), r: nan} }, Config{TotalSteps: 400, StepsPerIter: 400, Envs: 4, Hidden: []int{8}})
			return err
		}, "reward = NaN"),
		badtest.Panic("nan", "Normalize NaN (documented panic)", func() { Normalize([]float64{1, nan, 2}) }, "v[1] = NaN"),
		badtest.Panic("nan", "Normalize overflow (documented panic)", func() { Normalize([]float64{1e300, -1e300}) }, "overflows"),
		badtest.Err("nan", "Train NaN observation", func() error {
			_, err := Train(func() env.Env { return &nanEnv{Env: env.NewPendulum()} }, Config{TotalSteps: 400, StepsPerIter: 400, Envs: 4, Hidden: []int{8}})
			return err
		}, "NaN"),
	})
}

// TestBadInputNil: nil operators, policies, data and environments are
// errors.
func TestBadInputNil(t *testing.T) {
	var nilU *Updater
	badtest.Run(t, []badtest.Case{
		badtest.Err("nil", "CG nil operator", func() error { _, _, err := ConjugateGradient(nil, []float64{1}, 5, 0); return err }, "Av is nil"),
		badtest.Err("nil", "NewUpdater nil", func() error { _, err := NewUpdater(nil, Config{}); return err }, "nil policy"),
		badtest.Err("nil", "NewUpdater typed nil", func() error { _, err := NewUpdater((*policy.Gaussian)(nil), Config{}); return err }, "nil policy"),
		badtest.Err("nil", "Step nil data", func() error {
			u, err := NewUpdater(newTestPolicy(t, 3, 2), Config{})
			if err != nil {
				return err
			}
			_, err = u.Step(nil)
			return err
		}, "data is nil"),
		badtest.Err("nil", "Step nil old log σ", stepErr(t, Config{}, func(d *Data) { d.OldLogStd = nil }), "OldLogStd has length 0, want 2"),
		badtest.Err("nil", "Step nil row", stepErr(t, Config{}, func(d *Data) { d.Obs[4] = nil }), "Obs[4] has length 0, want 3"),
		badtest.Err("nil", "nil Updater", func() error { _, err := nilU.Step(&Data{}); return err }, "nil Updater"),
		badtest.Err("nil", "Train nil constructor", func() error { _, err := Train(nil, Config{}); return err }, "nil environment"),
		badtest.Err("nil", "Train constructor returns typed nil", func() error {
			_, err := Train(func() env.Env { return (*env.Pendulum)(nil) }, Config{})
			return err
		}, "returned nil"),
	})
}

// TestBadInputRagged: ragged rows and mismatched counts are errors naming
// them.
func TestBadInputRagged(t *testing.T) {
	badtest.Run(t, []badtest.Case{
		badtest.Err("ragged", "Step Obs row", stepErr(t, Config{}, func(d *Data) { d.Obs[3] = d.Obs[3][:2] }), "Obs[3] has length 2, want 3"),
		badtest.Err("ragged", "Step Act row", stepErr(t, Config{}, func(d *Data) { d.Act[5] = d.Act[5][:1] }), "Act[5] has length 1, want 2"),
		badtest.Err("ragged", "Step OldMean row", stepErr(t, Config{}, func(d *Data) { d.OldMean[0] = []float64{1, 2, 3} }), "OldMean[0] has length 3, want 2"),
		badtest.Err("ragged", "Step obs width", stepErr(t, Config{}, func(d *Data) {
			for i := range d.Obs {
				d.Obs[i] = []float64{1, 2, 3, 4}
			}
		}), "Obs[0] has length 4, want 3"),
		badtest.Err("ragged", "Step counts", stepErr(t, Config{}, func(d *Data) { d.Adv = d.Adv[:10] }), "16 observations, 16 actions, 10 advantages"),
		badtest.Err("ragged", "CG product length", func() error {
			_, _, err := ConjugateGradient(func(v []float64) ([]float64, error) { return v[:1], nil }, []float64{1, 1}, 5, 0)
			return err
		}, "product has length 1, want 2"),
		badtest.Err("ragged", "GAE lengths", func() error {
			_, _, err := GAE([]float64{1, 2}, []float64{0}, []float64{0, 0}, []bool{false, true}, []bool{false, true}, 0.9, 0.9)
			return err
		}, "lengths 2, 1, 2, 2, 2"),
	})
}

// TestBadInputOversized: sizes beyond limits.MaxElements are errors naming
// them, before anything is allocated.
func TestBadInputOversized(t *testing.T) {
	pend := func() env.Env { return env.NewPendulum() }
	badtest.Run(t, []badtest.Case{
		badtest.Err("oversized", "Train Envs", func() error {
			_, err := Train(pend, Config{Envs: 1 << 40, StepsPerIter: 1 << 40, TotalSteps: 1 << 40})
			return err
		}, "n × (ObsDim + ActDim + 32) = 1099511627776 × 36 is too large"),
		badtest.Err("oversized", "Train StepsPerIter", func() error {
			_, err := Train(pend, Config{StepsPerIter: 1 << 40, TotalSteps: 1 << 40, Hidden: []int{4}})
			return err
		}, "steps × (ObsDim + 2·ActDim + 2) = 1099511627776 × 7 is too large"),
		badtest.Err("oversized", "Train Hidden", func() error {
			_, err := Train(pend, Config{Hidden: []int{1 << 20, 1 << 20}})
			return err
		}, "Hidden[0] × Hidden[1] = 1048576 × 1048576 is too large"),
	})
}
