package plotting_test

import (
	"fmt"
	"math"

	"github.com/rlcontrol/rlcontrol/plotting"
)

func ExampleFigure_HLine() {
	t := []float64{0, 0.5, 1, 1.5, 2}
	u := []float64{2, 2, 1.2, 0.4, 0}
	fig := plotting.Must(plotting.Lines("Torque", "time [s]", "u [N m]", t, plotting.Series{Name: "u", Y: u}))
	fmt.Println(fig.HLine(0, 2.5, "torque limit"))
	fmt.Println(fig.VLine(0, 1, "switch to LQR"))
	fmt.Println(fig.HLine(0, math.NaN(), "bad"))
	fmt.Println(fig.HLine(2, 0, "bad"))
	// Output:
	// <nil>
	// <nil>
	// plotting: HLine: panel 0: y = NaN; want a finite value
	// plotting: HLine: panel 2 out of range; the figure has 1 panels
}

func ExampleCombine() {
	t := make([]float64, 50)
	theta := make([]float64, 50)
	for i := range t {
		t[i] = float64(i) * 0.1
		theta[i] = math.Exp(-t[i]) * math.Cos(3*t[i])
	}
	full := plotting.Must(plotting.Lines("θ", "t [s]", "θ [rad]", t, plotting.Series{Y: theta}))
	zoom := plotting.Must(plotting.Lines("θ, last second", "t [s]", "θ [rad]", t, plotting.Series{Y: theta}))
	if err := zoom.XRange(0, 4, 4.9); err != nil {
		fmt.Println(err)
		return
	}
	if err := zoom.YRange(0, -0.03, 0.03); err != nil {
		fmt.Println(err)
		return
	}
	fig, err := plotting.Combine("Settling", 2, full, zoom)
	if err != nil {
		fmt.Println(err)
		return
	}
	fig.Show()
	fmt.Println(fig.Layout())
	fmt.Println(zoom.YRange(0, 1, -1))
	// Output:
	// 1 2
	// plotting: YRange: panel 0: range [1, -1] is empty; want lo < hi
}
