package lessons

import (
	"math"
	"testing"
)

// TestPointMassGMMPrior is the acceptance check: with T = 100, 5
// rollouts per iteration and the GMM prior, the point mass ends within 0.2
// of its goal by iteration 10 on at least 4 of 5 seeds (the mean final
// position of that iteration's rollouts).
func TestPointMassGMMPrior(t *testing.T) {
	task := PointMassTask()
	goal := task.System.Goal()
	reached := 0
	for seed := uint64(1); seed <= 5; seed++ {
		res, err := RunTask(task, FitGMMPrior, 5, 0.2, seed)
		if err != nil {
			t.Fatalf("seed %d: %v", seed, err)
		}
		h := res.History[9]
		d := math.Hypot(h.FinalState[0]-goal[0], h.FinalState[1]-goal[1])
		t.Logf("seed %d: distance to goal at iteration 10: %.4f, cost %.3f", seed, d, h.MeanCost)
		if d <= 0.2 {
			reached++
		}
	}
	if reached < 4 {
		t.Errorf("reached the goal on %d of 5 seeds, want ≥ 4", reached)
	}
}
