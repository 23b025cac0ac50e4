package policy_test

import (
	"fmt"
	"math/rand/v2"

	"github.com/rlcontrol/rlcontrol/rl/env"
	"github.com/rlcontrol/rlcontrol/rl/policy"
)

// Sample a batch from 16 pendulums with a fresh Gaussian policy, then
// compute the values GAE needs.
func ExampleRollouts() {
	pi, err := policy.NewGaussian(policy.GaussianConfig{ObsDim: 3, ActDim: 1, InitStd: 1, Seed: 1})
	if err != nil {
		fmt.Println(err)
		return
	}
	vec, err := env.NewVec(func() env.Env { return env.NewPendulum() }, 16, 1)
	if err != nil {
		fmt.Println(err)
		return
	}
	b, err := policy.Rollouts(pi, vec, 16*250, rand.New(rand.NewPCG(1, 2)))
	if err != nil {
		fmt.Println(err)
		return
	}
	mean, n := b.MeanReturn()
	fmt.Printf("%d transitions, %d episodes, mean return below −500: %v\n", b.Len(), n, mean < -500)
	fmt.Println("bootstrap observations (16 truncations + 16 cuts):", len(b.BootIndex()))

	v := policy.MustNewValue(policy.ValueConfig{ObsDim: 3, Seed: 1})
	values, next, err := v.Evaluate(b)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(len(values), len(next))
	// Output:
	// 4000 transitions, 16 episodes, mean return below −500: true
	// bootstrap observations (16 truncations + 16 cuts): 32
	// 4000 4000
}

// The policy's parameters are one flat vector: the mean network's weights
// followed by log σ (here the default, log DefaultInitStd = −0.5).
func ExampleGaussian_Params() {
	pi := policy.MustNewGaussian(policy.GaussianConfig{ObsDim: 3, ActDim: 1})
	th := pi.Params()
	fmt.Println("parameters:", pi.NumParams(), "= 3·64+64 + 64·64+64 + 64·1+1 + 1")
	fmt.Println("log σ:", th[len(th)-1])
	// Output:
	// parameters: 4482 = 3·64+64 + 64·64+64 + 64·1+1 + 1
	// log σ: -0.5
}
