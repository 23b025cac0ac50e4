package trpo

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/rlcontrol/rlcontrol/rl/env"
)

func pendulum() env.Env { return env.NewPendulum() }

// TestTrainReproducible: the same seed gives the same learning curve and
// parameters, bit for bit; every accepted step respects the trust region.
func TestTrainReproducible(t *testing.T) {
	cfg := Config{TotalSteps: 2000, StepsPerIter: 1000, Envs: 4, Hidden: []int{16, 16}, Seed: 9}
	a, err := Train(pendulum, cfg)
	if err != nil {
		t.Fatal(err)
	}
	b, err := Train(pendulum, cfg)
	if err != nil {
		t.Fatal(err)
	}
	for i := range a.History {
		sa, sb := a.History[i], b.History[i]
		if sa.MeanReturn != sb.MeanReturn || sa.Step.KL != sb.Step.KL {
			t.Errorf("iteration %d differs: %+v vs %+v", i+1, sa.Step, sb.Step)
		}
		if sa.Step.Backtracks >= 0 && sa.Step.KL > defaulted(t, cfg).MaxKL {
			t.Errorf("iteration %d: accepted KL %v > δ", i+1, sa.Step.KL)
		}
	}
	pa, pb := a.Policy.Params(), b.Policy.Params()
	for i := range pa {
		if pa[i] != pb[i] {
			t.Fatalf("parameter %d differs: %v vs %v", i, pa[i], pb[i])
		}
	}
}

func defaulted(t *testing.T, c Config) Config {
	t.Helper()
	c, err := c.WithDefaults()
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// nanEnv returns NaN observations after a few steps.
type nanEnv struct {
	env.Env
	steps int
}

func (e *nanEnv) Reset(rng *rand.Rand) []float64 { e.steps = 0; return e.Env.Reset(rng) }
func (e *nanEnv) Step(a []float64) ([]float64, float64, bool, error) {
	obs, r, done, err := e.Env.Step(a)
	e.steps++
	if e.steps == 5 {
		obs[1] = math.NaN()
	}
	return obs, r, done, err
}

func TestTrainBadInput(t *testing.T) {
	check := func(name string, err error, want string) {
		t.Helper()
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: err = %v, want it to mention %q", name, err, want)
		}
	}
	_, err := Train(nil, Config{})
	check("nil env", err, "nil environment")
	_, err = Train(pendulum, Config{MaxKL: -0.01})
	check("δ < 0", err, "MaxKL = -0.01")
	_, err = Train(pendulum, Config{Gamma: 1.5})
	check("γ > 1", err, "Gamma = 1.5")
	_, err = Train(pendulum, Config{Gamma: math.NaN()})
	check("γ NaN", err, "Gamma = NaN")
	_, err = Train(pendulum, Config{Lambda: 1.5})
	check("λ > 1", err, "Lambda = 1.5")
	_, err = Train(pendulum, Config{StepsPerIter: 1001, Envs: 4})
	check("batch", err, "not a multiple of Envs = 4")
	_, err = Train(pendulum, Config{Hidden: []int{16, 0}})
	check("hidden", err, "Hidden[1] = 0")
	_, err = Train(pendulum, Config{TotalSteps: 10, StepsPerIter: 100, Envs: 4})
	check("too few steps", err, "less than one batch")
	_, err = Train(func() env.Env { return &nanEnv{Env: env.NewPendulum()} }, Config{TotalSteps: 400, StepsPerIter: 400, Envs: 4, Hidden: []int{8}})
	check("NaN observation", err, "NaN")
}
