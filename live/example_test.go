package live_test

import (
	"context"
	"fmt"
	"math"

	"github.com/rlcontrol/rlcontrol/live"
	"github.com/rlcontrol/rlcontrol/plotting"
)

// A damped oscillation with its damping ratio on a slider and its
// frequency on a logarithmic one. Outside a notebook (and in a headless
// run) Show draws the defaults once and prints them.
func ExampleShow() {
	v, view, err := live.Show("Damped oscillation", []live.Control{
		live.Slider("zeta", "damping ratio ζ", 0, 1, 0.05, 0.2),
		live.LogSlider("f", "frequency f (Hz)", 0.1, 10, 4, 1),
	}, func(ctx context.Context, v live.Values, progress live.Progress) (live.View, error) {
		zeta, f := v.Float("zeta"), v.Float("f")
		t := make([]float64, 200)
		y := make([]float64, len(t))
		for i := range t {
			t[i] = float64(i) * 0.02
			y[i] = math.Exp(-zeta*2*math.Pi*f*t[i]) * math.Cos(2*math.Pi*f*t[i])
		}
		fig, err := plotting.Lines("Damped oscillation", "t (s)", "y", t, plotting.Series{Name: "y", Y: y})
		return live.View{Figure: fig, Text: fmt.Sprintf("y(4 s) = %.3f", y[len(y)-1])}, err
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(v.Float("zeta"), view.Figure != nil)
	// Output:
	// zeta=0.2 f=1: y(4 s) = 0.007
	// 0.2 true
}
