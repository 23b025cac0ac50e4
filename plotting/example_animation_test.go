package plotting_test

import (
	"fmt"
	"math"

	"github.com/rlcontrol/rlcontrol/plotting"
)

func ExampleNewAnimation() {
	const n, dt = 100, 0.02
	px, py, bx, by := make([]float64, n), make([]float64, n), make([]float64, n), make([]float64, n)
	for k := range n {
		th := 0.8 * math.Cos(2*math.Pi*float64(k)/n) // θ = 0 hangs down
		bx[k], by[k] = math.Sin(th), -math.Cos(th)
	}
	a, err := plotting.NewAnimation("Pendulum", dt, -1.2, 1.2, -1.2, 0.3)
	if err != nil {
		fmt.Println(err)
		return
	}
	a.Static(-0.3, 0, 0.3, 0) // the ceiling
	if err := a.Segment(px, py, bx, by, 0.03); err != nil {
		fmt.Println(err)
		return
	}
	if err := a.Circle(bx, by, 0.08); err != nil {
		fmt.Println(err)
		return
	}
	a.ShowAs("pendulum-swing") // plays inline in GoNB; does nothing here
	svg, _ := a.SVG()
	fmt.Println(a.Frames(), len(svg) < 100_000)
	fmt.Println(a.Circle(bx[:10], by[:10], 0.08))
	// Output:
	// 100 true
	// plotting: Animation.Circle: x has 10 frames, the animation has 100
}
