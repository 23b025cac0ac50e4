package plotting_test

import (
	"bytes"
	"fmt"
	"image/png"
	"os"
	"path/filepath"

	"gonum.org/v1/gonum/mat"

	"github.com/rlcontrol/rlcontrol/plotting"
)

func ExampleLines() {
	x := []float64{0, 1, 2, 3, 4}
	cost := []float64{10, 6, 4, 3.2, 3}
	kl := []float64{0, 0.8, 0.5, 0.3, 0.2}
	fig, err := plotting.Lines("Cost per iteration", "iteration", "value", x,
		plotting.Series{Name: "cost", Y: cost},
		plotting.Series{Name: "KL", Y: kl})
	if err != nil {
		fmt.Println(err)
		return
	}
	fig.Show() // inline in a GoNB notebook; does nothing here
	fmt.Println(fig.Title(), fig.NumPanels())

	// Bad data are reported, not drawn.
	_, err = plotting.Lines("", "", "", x, plotting.Series{Name: "cost", Y: cost[:3]})
	fmt.Println(err)
	// Output:
	// Cost per iteration 1
	// plotting: Lines: series 0 ("cost") Y has 3 values, x has 5
}

func ExampleLinesLogY() {
	x := []float64{1, 2, 3}
	_, err := plotting.LinesLogY("KL", "iteration", "KL", x, plotting.Series{Y: []float64{0.1, 0, 0.01}})
	fmt.Println(err)
	// Output:
	// plotting: LinesLogY: series 0 Y[1] = 0 is not positive, which a log y axis cannot show
}

func ExampleFigure_Save() {
	x := []float64{0, 1, 2}
	fig := plotting.Must(plotting.Lines("", "t", "y", x, plotting.Series{Y: []float64{0, 1, 4}}))

	dir, _ := os.MkdirTemp("", "plotting-example")
	defer os.RemoveAll(dir)
	for _, name := range []string{"fig.pdf", "fig.svg", "fig.png"} {
		path := filepath.Join(dir, name)
		if err := fig.Save(path); err != nil {
			fmt.Println(err)
			return
		}
		b, _ := os.ReadFile(path)
		format, _ := plotting.FormatOf(path)
		fmt.Printf("%s: %q\n", format, b[:4])
	}
	fmt.Println(fig.Save(filepath.Join(dir, "fig.jpg")) != nil)
	// Output:
	// pdf: "%PDF"
	// svg: "<?xm"
	// png: "\x89PNG"
	// true
}

func ExampleFigure_WithStyle() {
	x := []float64{0, 1, 2}
	fig := plotting.Must(plotting.Lines("", "t", "y", x, plotting.Series{Y: []float64{0, 1, 4}}))
	b, err := fig.WithStyle(plotting.Slide).Render(plotting.PNG)
	if err != nil {
		fmt.Println(err)
		return
	}
	cfg, _ := png.DecodeConfig(bytes.NewReader(b))
	fmt.Printf("slide PNG: %d×%d\n", cfg.Width, cfg.Height)

	// Variants start from a preset.
	st := plotting.Paper
	st.Dashes = true // black-and-white print
	w, h := fig.WithStyle(st).Size()
	fmt.Printf("paper: %.1fin × %.1fin\n", w/72, h/72)
	// Output:
	// slide PNG: 1920×1080
	// paper: 3.5in × 2.6in
}

func ExampleShow() {
	fig := plotting.Must(plotting.Lines("", "", "", []float64{0, 1}, plotting.Series{Y: []float64{1, 2}}))
	// Outside a GoNB notebook Show does nothing and reports no error.
	fmt.Println(plotting.Show(fig))
	// Output:
	// <nil>
}

func ExampleBands() {
	t := []float64{0, 0.1, 0.2, 0.3}
	fig, err := plotting.Bands("Pendulum angle", "time [s]", "θ [rad]", t,
		plotting.Band{Name: "before", Mean: []float64{0, 0.2, 0.5, 0.9}, Std: []float64{0, 0.05, 0.1, 0.2}},
		plotting.Band{Name: "after", Mean: []float64{0, 0.3, 0.7, 1.2}, Std: []float64{0, 0.02, 0.04, 0.05}, Sigmas: 2})
	fmt.Println(fig != nil, err)
	// Output:
	// true <nil>
}

func ExampleBandsLogY() {
	iter := []float64{0, 1, 2, 3}
	// Cost over seeds: early on the spread exceeds the mean, so the lower
	// edge of the band is clipped to a tenth of the mean there.
	fig, err := plotting.BandsLogY("Cost over seeds", "iteration", "cost", iter,
		plotting.Band{Name: "iLQR", Mean: []float64{900, 200, 60, 40}, Std: []float64{1200, 150, 10, 2}})
	fmt.Println(fig != nil, err)

	_, err = plotting.BandsLogY("", "", "", iter, plotting.Band{Name: "bad", Mean: []float64{1, 0, 1, 1}, Std: []float64{0, 0, 0, 0}})
	fmt.Println(err)
	// Output:
	// true <nil>
	// plotting: BandsLogY: band 0 ("bad") Mean[1] = 0 is not positive, which a log y axis cannot show
}

func ExampleTrajectories() {
	fig, err := plotting.Trajectories("Point mass", "x [m]", "y [m]", plotting.Scene{
		Paths: []plotting.Path{
			{Name: "iLQR", X: []float64{0, 0.2, 0.6, 1}, Y: []float64{0, 0.5, 0.9, 1}},
		},
		Goals:       []plotting.Point{{X: 1, Y: 1}},
		Obstacles:   []plotting.Circle{{X: 0.5, Y: 0.4, R: 0.2}},
		EqualAspect: true,
	})
	fmt.Println(fig != nil, err)
	// Output:
	// true <nil>
}

func ExampleHeatmap() {
	K := mat.NewDense(1, 2, []float64{-3.2, -1.1}) // a 1×2 LQR gain
	fig, err := plotting.Heatmap("Gain K", "state", "control", K)
	fmt.Println(fig != nil, err)
	// Output:
	// true <nil>
}

func ExampleHeatmapLabeled() {
	// Final cost of a sweep: horizon T (rows) against control weight r
	// (columns), with each value printed in its cell.
	cost := mat.NewDense(2, 3, []float64{
		0.41, 0.38, 0.52,
		0.35, 0.31, 0.47,
	})
	fig, err := plotting.HeatmapLabeled("Final cost", "r", "T", cost, plotting.HeatmapOptions{
		RowLabels: []string{"100", "200"},
		ColLabels: []string{"0.01", "0.1", "1"},
		Values:    "%.2f",
	})
	fmt.Println(fig != nil, err)

	// Labels must match the matrix.
	_, err = plotting.HeatmapLabeled("", "", "", cost, plotting.HeatmapOptions{RowLabels: []string{"100"}})
	fmt.Println(err)
	// Output:
	// true <nil>
	// plotting: HeatmapLabeled: 1 row labels for a 2×3 matrix; want 2
}

func ExampleImageGrid() {
	const w, h = 4, 4
	var frames []plotting.Image
	for k := range 3 {
		im := plotting.Image{Title: fmt.Sprint("t=", k), W: w, H: h, Pix: make([]float64, w*h)}
		im.Pix[k*w+k] = 1 // a white pixel moving along the diagonal
		frames = append(frames, im)
	}
	fig := plotting.Must(plotting.ImageGrid("Observations", 0, frames...))
	fmt.Println(fig.Layout())
	// Output:
	// 2 2
}

func ExampleTimeSeries() {
	t := []float64{0, 0.1, 0.2, 0.3}
	run := plotting.Trace{
		Name:     "iLQR",
		States:   [][]float64{{0, 0}, {0.1, 1}, {0.3, 2}, {0.6, 3}}, // (θ, ω) at each time
		Controls: [][]float64{{1}, {0.5}, {0.2}},                    // one per step
	}
	fig, err := plotting.TimeSeries("Swing-up", "time [s]", t,
		[]string{"θ [rad]", "ω [rad/s]"}, []string{"torque [N m]"}, run)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(fig.Layout())
	// On a slide the panels must be at least Style.StackPanelHeight tall;
	// three fit in one column.
	fmt.Println(fig.WithStyle(plotting.Slide).Layout())
	// Output:
	// 3 1
	// 3 1
}

func ExampleStack() {
	x := []float64{0, 1, 2, 3}
	fig, err := plotting.Stack("Dual descent", "iteration", x,
		plotting.Panel{YLabel: "KL", Series: []plotting.Series{{Y: []float64{2, 1, 0.5, 0.4}}}},
		plotting.Panel{YLabel: "η", Series: []plotting.Series{{Y: []float64{1, 2, 3, 3.5}}}, Step: true})
	fmt.Println(fig.NumPanels(), err)
	// Output:
	// 2 <nil>
}

func ExampleColor() {
	fmt.Println(plotting.Color(0), plotting.Color(plotting.NumColors) == plotting.Color(0))
	fmt.Println(plotting.Dashes(0, 2), plotting.Dashes(1, 2))
	// Output:
	// {0 114 178 255} true
	// [] [8 4]
}

func ExampleFormatOf() {
	for _, p := range []string{"cost.pdf", "slides/kl.SVG", "cost.jpg"} {
		if f, err := plotting.FormatOf(p); err != nil {
			fmt.Println(err)
		} else {
			fmt.Println(f)
		}
	}
	// Output:
	// pdf
	// svg
	// plotting: unsupported file extension ".jpg" in "cost.jpg"; want .svg, .pdf or .png
}
