package lessons

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/rlcontrol/rlcontrol/rl/dynfit"
	"github.com/rlcontrol/rlcontrol/rl/env"
	"github.com/rlcontrol/rlcontrol/rl/ilqr"
	"github.com/rlcontrol/rlcontrol/rl/lqr"
	"github.com/rlcontrol/rlcontrol/rl/policy"
	"github.com/rlcontrol/rlcontrol/rl/system"
	"github.com/rlcontrol/rlcontrol/rl/trajopt"
	"github.com/rlcontrol/rlcontrol/rl/trpo"
)

// Bench is one of the project's headline benchmarks: `go test -bench` runs
// it through lessons' Benchmark functions, and `make bench` (cmd/bench)
// prints its figures.
type Bench struct {
	Name string
	Run  func(b *testing.B)
}

// Benchmarks lists the headline benchmarks in the order `make bench`
// prints them.
func Benchmarks() []Bench {
	return []Bench{
		{"ilqr_pendulum_swingup_T300", func(b *testing.B) { benchILQR(b, must(SwingUp{}.Problem())) }},
		{"ilqr_cartpole_balance_T150", func(b *testing.B) { benchILQR(b, must(Balance{}.Problem())) }},
		{"kl_update_pointmass_T100", func(b *testing.B) { benchKLUpdate(b, true) }},
		{"kl_update_pointmass_T100_one_call", func(b *testing.B) { benchKLUpdate(b, false) }},
		{"gmm_prior_fit_pointmass", benchGMMPrior},
		{"local_model_loop_pointmass_5iter", benchIteration},
		{"rollouts_pendulum_16envs", benchRollouts},
		{"trpo_update_batch4000", func(b *testing.B) { benchTRPOUpdate(b, 1) }},
		{"trpo_pendulum_100k_steps", benchTRPOPendulum},
		{"trpo_update_batch4000_fisher_subsample5", func(b *testing.B) { benchTRPOUpdate(b, 5) }},
		{"gps_iteration_arm", benchGPSIteration},
		{"dagger_round_arm", benchDAggerRound},
		{"e2c_train_step_planar", benchE2CTrainStep},
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err) // benchmark set-up of fixed scenarios: cannot fail
	}
	return v
}

// benchILQR times whole iLQR solves with a reused solver and reports the
// iterations per solve and the time and allocations per iteration.
func benchILQR(b *testing.B, p *Problem) {
	s, err := ilqr.New(p.System, p.Cost, p.T, ilqr.Config{})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	iters := 0
	for b.Loop() {
		res, err := s.Solve(p.X0, p.U0)
		if err != nil {
			b.Fatal(err)
		}
		iters += len(res.History)
	}
	b.ReportMetric(float64(iters)/float64(b.N), "iterations/solve")
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(iters)/1e3, "µs/iteration")
}

// pointMassData is 5 rollouts of the loop's first, exploratory controller
// on the point-mass task, with the controller and cost expansion.
func pointMassData() (Task, *lqr.Controller, system.Batch, *lqr.QuadraticCost, error) {
	task := PointMassTask()
	ctrl, err := lqr.NewConstantController(4, 2, task.T, nil, 1)
	if err != nil {
		return task, nil, nil, nil, err
	}
	s, err := system.Rollouts(task.System, ctrl, task.X0, 0.05, 5, task.T, rand.New(rand.NewPCG(1, 1)))
	if err != nil {
		return task, nil, nil, nil, err
	}
	q, err := lqr.Expand(task.Cost, s)
	return task, ctrl, s, q, err
}

// benchKLUpdate times one KL-constrained update (bracketing η search, ε = 20
// nats over T = 100) on the point mass (n = 4, m = 2): with a reused
// trajopt.Updater (the loop's hot path) or the one-call trajopt.KLUpdate,
// which also allocates the workspace and copies the result. It reports the
// η evaluations (backward + forward passes) per update.
func benchKLUpdate(b *testing.B, reuse bool) {
	_, ctrl, s, q, err := pointMassData()
	if err != nil {
		b.Fatal(err)
	}
	dyn, err := dynfit.LeastSquares(s, 1e-6)
	if err != nil {
		b.Fatal(err)
	}
	u, err := trajopt.NewUpdater(4, 2, len(q.Czz))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	evals := 0
	for b.Loop() {
		var res *trajopt.KLResult
		if reuse {
			res, err = u.Update(ctrl, dyn, q, 20, trajopt.KLConfig{})
		} else {
			res, err = trajopt.KLUpdate(ctrl, dyn, q, 20, trajopt.KLConfig{})
		}
		if err != nil {
			b.Fatal(err)
		}
		evals += len(res.History)
	}
	b.ReportMetric(float64(evals)/float64(b.N), "eta_evaluations/update")
}

// benchGMMPrior times one GMM-prior step of the loop in steady state: the
// prior holds 20 rollouts (its cap), is updated with 5 new ones (EM
// warm-started, at most 20 iterations as the lessons use) and the dynamics
// are fitted with it.
func benchGMMPrior(b *testing.B) {
	task, ctrl, _, _, err := pointMassData()
	if err != nil {
		b.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(2, 2))
	var batches []system.Batch
	for i := 0; i < 5; i++ {
		s, err := system.Rollouts(task.System, ctrl, task.X0, 0.05, 5, task.T, rng)
		if err != nil {
			b.Fatal(err)
		}
		batches = append(batches, s)
	}
	b.ReportAllocs()
	for b.Loop() {
		b.StopTimer()
		prior, err := dynfit.NewGMMPrior(dynfit.GMMPriorConfig{Seed: 1, EM: dynfit.GMMConfig{MaxIter: 20}})
		if err != nil {
			b.Fatal(err)
		}
		for _, s := range batches[:4] {
			if err := prior.Update(s); err != nil {
				b.Fatal(err)
			}
		}
		b.StartTimer()
		if err := prior.Update(batches[4]); err != nil {
			b.Fatal(err)
		}
		if _, err := dynfit.FitWithPrior(batches[4], prior, 1e-6); err != nil {
			b.Fatal(err)
		}
	}
}

// benchIteration times the local-model loop on the point mass (5 rollouts,
// GMM-prior update and fit, cost expansion, KL-constrained update per
// iteration) over 5 iterations, and reports the time per iteration: later
// iterations cost more than the first, as the prior's data set fills.
func benchIteration(b *testing.B) {
	task := PointMassTask()
	const iters = 5
	b.ReportAllocs()
	for b.Loop() {
		f, err := FitGMMPrior.Fitter(1)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := trajopt.Run(task.System, task.Cost, task.X0, task.T, trajopt.Config{Iterations: iters, Fitter: f, Seed: 1}); err != nil {
			b.Fatal(fmt.Errorf("local-model iterations: %w", err))
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*iters)/1e6, "ms/iteration")
	b.ReportMetric(iters, "iterations/run")
}

// benchRollouts measures environment steps per second of vectorised
// sampling: the pendulum, 16 copies, a 64×64 policy, 4000 steps per batch.
func benchRollouts(b *testing.B) {
	pol, err := policy.NewGaussian(policy.GaussianConfig{ObsDim: 3, ActDim: 1, InitStd: 1, Seed: 1})
	if err != nil {
		b.Fatal(err)
	}
	vec, err := env.NewVec(func() env.Env { return env.NewPendulum() }, 16, 1)
	if err != nil {
		b.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 1))
	const steps = 4000
	b.ReportAllocs()
	for b.Loop() {
		if _, err := policy.Rollouts(pol, vec, steps, rng); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N*steps)/b.Elapsed().Seconds(), "steps/s")
}

// benchTRPOUpdate times one TRPO policy update (gradient, 10 CG iterations
// of Fisher-vector products on every k-th sample, line search) on a
// 4000-step pendulum batch.
func benchTRPOUpdate(b *testing.B, k int) {
	pol, err := policy.NewGaussian(policy.GaussianConfig{ObsDim: 3, ActDim: 1, Seed: 1, InitStd: policy.DefaultInitStd})
	if err != nil {
		b.Fatal(err)
	}
	vec, err := env.NewVec(func() env.Env { return env.NewPendulum() }, 8, 1)
	if err != nil {
		b.Fatal(err)
	}
	bt, err := policy.Rollouts(pol, vec, 4000, rand.New(rand.NewPCG(1, 1)))
	if err != nil {
		b.Fatal(err)
	}
	val, err := policy.NewValue(policy.ValueConfig{ObsDim: 3, Seed: 2})
	if err != nil {
		b.Fatal(err)
	}
	values, next, err := val.Evaluate(bt)
	if err != nil {
		b.Fatal(err)
	}
	adv, _, err := trpo.GAE(bt.Rew, values, next, bt.End, bt.Terminal, 0.99, 0.97)
	if err != nil {
		b.Fatal(err)
	}
	trpo.Normalize(adv)
	data := &trpo.Data{Obs: bt.Obs, Act: bt.Act, Adv: adv, LogpOld: bt.Logp, OldMean: bt.Mean, OldLogStd: bt.LogStd}
	theta := pol.Params()
	u, err := trpo.NewUpdater(pol, trpo.Config{FisherSubsample: k})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if err := pol.SetParams(theta); err != nil {
			b.Fatal(err)
		}
		if _, err := u.Step(data); err != nil {
			b.Fatal(err)
		}
	}
}

// benchTRPOPendulum is the wall time of one full 100k-step TRPO run on the
// pendulum with lesson 04's set-up.
func benchTRPOPendulum(b *testing.B) {
	for b.Loop() {
		if _, err := trpo.Train(func() env.Env { return env.NewPendulum() }, PendulumTRPOConfig(1)); err != nil {
			b.Fatal(err)
		}
	}
}
