package env_test

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/rlcontrol/rlcontrol/rl/env"
	"github.com/rlcontrol/rlcontrol/rl/system"
)

// One episode of Gym's Pendulum-v1 under zero torque: it lasts 200 steps and
// is truncated, not terminated.
func ExamplePendulum() {
	p := env.NewPendulum()
	obs := p.Reset(rand.New(rand.NewPCG(1, 2)))
	fmt.Printf("obs has %d components: [cos φ, sin φ, θ̇]\n", len(obs))
	total, steps := 0.0, 0
	for {
		_, r, done, err := p.Step([]float64{0})
		if err != nil {
			fmt.Println(err)
			return
		}
		total += r
		steps++
		if done {
			break
		}
	}
	fmt.Printf("steps %d, truncated %v, return below −100: %v\n", steps, p.Truncated(), total < -100)

	// Upright at rest (θ = π, Gym's φ = 0), no torque: the best reward, 0.
	if _, err := p.SetState([]float64{math.Pi, 0}); err != nil {
		fmt.Println(err)
		return
	}
	_, r, _, _ := p.Step([]float64{0})
	fmt.Println("upright reward is 0:", r == 0)
	// Output:
	// obs has 3 components: [cos φ, sin φ, θ̇]
	// steps 200, truncated true, return below −100: true
	// upright reward is 0: true
}

// The state is in package system's convention, so system's renderer draws
// the environment: here upright, the rod from the centre to the top.
func ExamplePendulum_State() {
	p := env.NewPendulum()
	if _, err := p.SetState([]float64{math.Pi, 0}); err != nil {
		fmt.Println(err)
		return
	}
	const w, h = 9, 9
	img := make([]float64, w*h)
	if err := system.NewPendulum().Render(img, w, h, p.State()); err != nil {
		fmt.Println(err)
		return
	}
	for i := 0; i < h; i++ {
		for j := 0; j < w; j++ {
			c := "."
			if img[i*w+j] > 0.5 {
				c = "#"
			}
			fmt.Print(c)
		}
		fmt.Println()
	}
	// Output:
	// .........
	// ....#....
	// ....#....
	// ....#....
	// ....#....
	// .........
	// .........
	// .........
	// .........
}

// Sixteen cart-poles stepped together; copies that fall restart at once
// and their finished episodes are reported by Ended.
func ExampleVec() {
	v, err := env.NewVec(func() env.Env { return env.NewCartPole() }, 16, 1)
	if err != nil {
		fmt.Println(err)
		return
	}
	obs := v.Reset()
	fmt.Println("copies:", len(obs), "obs dim:", len(obs[0]))
	push := make([][]float64, v.N())
	finished := 0
	for t := 0; t < 100; t++ {
		for i := range push {
			push[i] = []float64{1} // always push right: the pole falls
		}
		_, _, dones, truncated, err := v.Step(push)
		if err != nil {
			fmt.Println(err)
			return
		}
		for i, d := range dones {
			if d && truncated[i] {
				fmt.Println("unexpected truncation")
			}
		}
		finished += len(v.Ended())
	}
	fmt.Println("every copy fell at least once:", finished >= 16)
	// Output:
	// copies: 16 obs dim: 4
	// every copy fell at least once: true
}
