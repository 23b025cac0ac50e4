package trpo

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"time"

	"github.com/rlcontrol/rlcontrol/rl/env"
	"github.com/rlcontrol/rlcontrol/rl/policy"
	"gonum.org/v1/gonum/stat"
)

// Result is a trained policy, its value baseline and the learning curve.
type Result struct {
	Policy  *policy.Gaussian
	Value   *policy.Value
	History []IterStats
}

// Train runs policy optimisation on copies of the environment newEnv makes:
//
//	repeat for TotalSteps / StepsPerIter iterations:
//	  collect StepsPerIter steps with the current policy (Envs copies,
//	    one graph call per vector step);
//	  advantages by GAE(γ, λ) with the value baseline, normalised;
//	  one policy update (cfg.Algorithm: TRPO, natural PG or vanilla PG);
//	  fit the value function to the λ-returns.
//
// The same Seed gives the same run, bit for bit.
//
// It returns an error if newEnv is nil or makes nil environments, cfg is
// invalid, the copies, batch or networks would exceed limits.MaxElements
// (see env.NewVec, policy.Rollouts and nn.New), and when an iteration
// fails: the environment returns a non-finite observation or reward, or
// an advantage, the update or the value fit overflows (the error names
// the iteration and the value).
func Train(newEnv func() env.Env, cfg Config) (*Result, error) {
	if newEnv == nil {
		return nil, errors.New("trpo: nil environment constructor")
	}
	cfg, err := cfg.WithDefaults()
	if err != nil {
		return nil, err
	}
	vec, err := env.NewVec(newEnv, cfg.Envs, cfg.Seed)
	if err != nil {
		return nil, err
	}
	pol, err := policy.NewGaussian(policy.GaussianConfig{ObsDim: vec.ObsDim(), ActDim: vec.ActDim(), Hidden: cfg.Hidden,
		InitStd: cfg.InitStd, Seed: cfg.Seed})
	if err != nil {
		return nil, err
	}
	val, err := policy.NewValue(policy.ValueConfig{ObsDim: vec.ObsDim(), Hidden: cfg.Hidden, Seed: cfg.Seed + 1})
	if err != nil {
		return nil, err
	}
	u, err := newUpdater(pol, &cfg)
	if err != nil {
		return nil, err
	}
	rng := rand.New(rand.NewPCG(cfg.Seed, 0x7270))
	res := &Result{Policy: pol, Value: val}
	iters := cfg.TotalSteps / cfg.StepsPerIter
	if iters == 0 {
		return nil, fmt.Errorf("trpo: TotalSteps = %d is less than one batch of StepsPerIter = %d", cfg.TotalSteps, cfg.StepsPerIter)
	}
	for it := 1; it <= iters; it++ {
		start := time.Now()
		st, err := iterate(u, pol, val, vec, &cfg, rng, it)
		if err != nil {
			return nil, fmt.Errorf("trpo: iteration %d: %w", it, err)
		}
		st.EnvSteps = it * cfg.StepsPerIter
		st.Seconds = time.Since(start).Seconds()
		res.History = append(res.History, st)
		if cfg.Progress != nil {
			cfg.Progress(st)
		}
	}
	return res, nil
}

// iterate is one sample–estimate–update–fit round.
func iterate(u *Updater, pol *policy.Gaussian, val *policy.Value, vec *env.Vec, cfg *Config, rng *rand.Rand, it int) (IterStats, error) {
	st := IterStats{Iter: it}
	b, err := policy.Rollouts(pol, vec, cfg.StepsPerIter, rng)
	if err != nil {
		return st, err
	}
	st.Episodes = len(b.EpReturns)
	st.MeanReturn, st.StdReturn = math.NaN(), math.NaN()
	if st.Episodes > 0 {
		st.MeanReturn, st.StdReturn = stat.MeanStdDev(b.EpReturns, nil)
		if st.Episodes == 1 {
			st.StdReturn = 0 // gonum's n−1 std of one value is NaN
		}
	}
	values, next, err := val.Evaluate(b)
	if err != nil {
		return st, err
	}
	adv, ret, err := GAE(b.Rew, values, next, b.End, b.Terminal, cfg.Gamma, cfg.gaeLambda())
	if err != nil {
		return st, err
	}
	if err := normalize(adv); err != nil {
		return st, err
	}
	st.Step, err = u.step(&Data{Obs: b.Obs, Act: b.Act, Adv: adv, LogpOld: b.Logp, OldMean: b.Mean, OldLogStd: b.LogStd})
	if err != nil {
		return st, err
	}
	vcfg := cfg.Value
	vcfg.Seed = cfg.Seed + uint64(it)
	losses, err := val.Fit(b.Obs, ret, vcfg)
	if err != nil {
		return st, err
	}
	if len(losses) > 0 {
		st.ValueLoss = losses[len(losses)-1]
	}
	st.LogStd = pol.LogStd()
	return st, nil
}
