package main

import (
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/rlcontrol/rlcontrol/lessons"
	"github.com/rlcontrol/rlcontrol/rl/env"
	"github.com/rlcontrol/rlcontrol/rl/trpo"
)

func main() {
	seeds := flag.Int("seeds", 5, "number of seeds (1, 2, …)")
	dir := flag.String("dir", "lessons/results", "results: where the stored results go")
	flag.Parse()
	if flag.NArg() < 1 || (flag.Arg(0) != "results" && flag.NArg() != 1) {
		fmt.Fprintln(os.Stderr, "usage: experiments [-seeds N] samplesaving|trpo|cartpole\n       experiments [-dir D] results [NAME...]")
		os.Exit(2)
	}
	var err error
	switch flag.Arg(0) {
	case "samplesaving":
		err = sampleSaving(*seeds)
	case "trpo":
		err = trpoPendulum(*seeds)
	case "cartpole":
		err = trpoCartPole(*seeds)
	case "results":
		err = storedResults(*dir, flag.Args()[1:])
	default:
		err = fmt.Errorf("unknown experiment %q (want samplesaving, trpo, cartpole or results)", flag.Arg(0))
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "experiments:", err)
		os.Exit(1)
	}
}

func sampleSaving(nSeeds int) error {
	seeds, err := seedList(nSeeds)
	if err != nil {
		return err
	}
	Ns := []int{5, 6, 7, 8, 10, 12, 15, 20, 30, 40}
	for _, task := range []lessons.Task{lessons.PointMassTask(), lessons.ArmTask()} {
		start := time.Now()
		s, err := lessons.SampleSaving(task, 5, Ns, seeds)
		if err != nil {
			return err
		}
		fmt.Printf("%s: GMM prior with %d rollouts/iteration: final cost %.3f ± %.3f over %d seeds\n", task.Name, s.PriorRollouts, s.Prior.Mean, s.Prior.Std, len(seeds))
		for _, p := range s.LeastSquares {
			fmt.Printf("%s: least squares with %2d rollouts/iteration: final cost %.3f ± %.3f (%d failed)\n", task.Name, p.Rollouts, p.Mean, p.Std, p.Failures)
		}
		if s.Needed > 0 {
			fmt.Printf("%s: least squares needs %d rollouts/iteration to come within %.0f%% of the prior's cost: %.1f× the samples\n", task.Name, s.Needed, 100*s.Tolerance, s.Saving)
		} else {
			fmt.Printf("%s: least squares does not come within %.0f%% of the prior's cost with up to %d rollouts/iteration: > %.1f× the samples\n", task.Name, 100*s.Tolerance, Ns[len(Ns)-1], s.Saving)
		}
		fmt.Printf("%s: time %.0f s\n", task.Name, time.Since(start).Seconds())
	}
	return nil
}

func seedList(n int) ([]uint64, error) {
	if n < 1 {
		return nil, fmt.Errorf("-seeds = %d, want ≥ 1", n)
	}
	var seeds []uint64
	for s := 1; s <= n; s++ {
		seeds = append(seeds, uint64(s))
	}
	return seeds, nil
}

// trpoPendulum trains TRPO on the Gym pendulum for 100k steps per seed and
// reports the mean return over the last 10 iterations of each.
func trpoPendulum(n int) error {
	seeds, err := seedList(n)
	if err != nil {
		return err
	}
	cfg := lessons.PendulumTRPOConfig(0)
	start := time.Now()
	c, err := lessons.LearningCurve("TRPO", cfg, seeds, nil)
	if err != nil {
		return err
	}
	good := 0
	for i, r := range c.PerSeed {
		fmt.Printf("trpo pendulum seed %d: mean return over the last 10 iterations after %d steps: %.1f\n", seeds[i], cfg.TotalSteps, r)
		if r >= -250 {
			good++
		}
	}
	fmt.Printf("trpo pendulum: %d of %d seeds ≥ −250; mean %.1f\n", good, len(seeds), c.Final)
	fmt.Printf("trpo pendulum: wall time %.1f s per 100k-step run\n", time.Since(start).Seconds()/float64(len(seeds)))
	return nil
}

// trpoCartPole trains TRPO on the continuous cart-pole and runs each
// trained policy's mean for one episode.
func trpoCartPole(n int) error {
	seeds, err := seedList(n)
	if err != nil {
		return err
	}
	for _, seed := range seeds {
		res, err := trpo.Train(func() env.Env { return env.NewCartPole() }, lessons.CartPoleTRPOConfig(seed))
		if err != nil {
			return err
		}
		steps, err := lessons.BalanceSteps(res.Policy, seed)
		if err != nil {
			return err
		}
		fmt.Printf("trpo cartpole seed %d: last-10 return %.1f; the mean policy balances %d of 200 steps\n", seed, lessons.LastMean(res.History, 10), steps)
	}
	return nil
}

// storedResults recomputes the lessons' stored full-run results (all, or
// those named) and writes them to dir.
func storedResults(dir string, names []string) error {
	start := time.Now()
	err := lessons.WriteResults(dir, names, func(name string) {
		fmt.Printf("results: %s (%.0f s so far)\n", name, time.Since(start).Seconds())
	})
	if err == nil {
		fmt.Printf("results: done in %.0f s; commit %s\n", time.Since(start).Seconds(), dir)
	}
	return err
}
