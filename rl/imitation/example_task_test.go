package imitation_test

import (
	"fmt"

	"github.com/rlcontrol/rlcontrol/rl/imitation"
)

// The expert of the arm-reaching task, MPC with iLQR on the known model,
// run from four of the held-out starts: the reference every learner is
// measured against.
func ExampleExpert_Evaluate() {
	task := imitation.ArmReach()
	expert, err := imitation.NewExpert(task, imitation.ExpertConfig{})
	if err != nil {
		fmt.Println(err)
		return
	}
	ev, err := expert.Evaluate(task.Test[:4])
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%d of %d held-out starts reached within %.1f m\n", ev.Successes(), len(ev.Outcomes), task.Tol)
	// Output: 4 of 4 held-out starts reached within 0.1 m
}
