package imitation_test

import (
	"fmt"
	"log"

	"github.com/rlcontrol/rlcontrol/rl/imitation"
	"github.com/rlcontrol/rlcontrol/rl/nn"
)

// short settings for the examples: a small net, few epochs.
var exampleLearner = imitation.LearnerConfig{Observer: imitation.FullState{}, Hidden: []int{16, 16},
	Fit: nn.FitConfig{Epochs: 10, LearningRate: 3e-3}, Seed: 1}

// Behaviour cloning from two expert demonstrations on the arm: T = 100
// expert labels each, all on the expert's own states.
func ExampleBehaviourCloning() {
	e, err := imitation.NewExpert(imitation.ArmReach(), imitation.ExpertConfig{})
	if err != nil {
		log.Fatal(err)
	}
	bc, err := imitation.BehaviourCloning(e, imitation.BCConfig{LearnerConfig: exampleLearner, Demos: 2})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%d expert labels, %d pairs from expert demos\n", bc.ExpertQueries, bc.Data.Count(imitation.ExpertDemo))
	// Output: 200 expert labels, 200 pairs from expert demos
}

// DAgger on the arm, three rounds of one rollout with β = {1, 0, 0}: round
// 0 is an expert demonstration, rounds 1 and 2 run the learner, whose
// visited states the expert labels.
func ExampleDAgger() {
	e, err := imitation.NewExpert(imitation.ArmReach(), imitation.ExpertConfig{})
	if err != nil {
		log.Fatal(err)
	}
	d, err := imitation.RunDAgger(e, imitation.DAggerConfig{LearnerConfig: exampleLearner, Rounds: 3, Rollouts: 1, Beta: []float64{1, 0, 0}})
	if err != nil {
		log.Fatal(err)
	}
	for _, r := range d.Rounds() {
		fmt.Printf("round %d: β = %.0f, |D| = %d, expert queries %d, policy executions %d\n", r.Index, r.Beta, r.DataSize, r.TotalQueries, r.TotalExecutions)
	}
	// Output:
	// round 0: β = 1, |D| = 100, expert queries 100, policy executions 0
	// round 1: β = 0, |D| = 200, expert queries 200, policy executions 100
	// round 2: β = 0, |D| = 300, expert queries 300, policy executions 200
}

// PLATO on the arm, the learner seeing positions over two frames: the
// adaptive teacher acts, the un-adapted MPC labels, and the learner's own
// action is never executed.
func ExamplePLATO() {
	k := imitation.ArmReach()
	e, err := imitation.NewExpert(k, imitation.ExpertConfig{})
	if err != nil {
		log.Fatal(err)
	}
	lc := exampleLearner
	lc.Observer = k.Observer()
	p, err := imitation.RunPLATO(e, imitation.PLATOConfig{LearnerConfig: lc, Rounds: 2, Rollouts: 1, Lambda: 1})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("learner sees %s: %d expert queries, %d policy executions\n", p.Observer().Name(), p.ExpertQueries(), p.PolicyExecutions())
	// Output: learner sees positions, two frames: 200 expert queries, 0 policy executions
}
