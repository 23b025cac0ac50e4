package main

import (
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/rlcontrol/rlcontrol/lessons"
)

func main() {
	seeds := flag.Int("seeds", 5, "number of seeds (1, 2, …)")
	flag.Parse()
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: experiments [-seeds N] samplesaving")
		os.Exit(2)
	}
	var err error
	switch flag.Arg(0) {
	case "samplesaving":
		err = sampleSaving(*seeds)
	default:
		err = fmt.Errorf("unknown experiment %q (want samplesaving)", flag.Arg(0))
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "experiments:", err)
		os.Exit(1)
	}
}

func sampleSaving(nSeeds int) error {
	if nSeeds < 1 {
		return fmt.Errorf("-seeds = %d, want ≥ 1", nSeeds)
	}
	var seeds []uint64
	for s := 1; s <= nSeeds; s++ {
		seeds = append(seeds, uint64(s))
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
