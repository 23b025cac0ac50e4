package plotting

import (
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func zoomPair(t *testing.T) (full, zoom *Figure) {
	t.Helper()
	n := 60
	x, y := make([]float64, n), make([]float64, n)
	for i := range n {
		x[i] = float64(i) / 10
		y[i] = math.Exp(-x[i]) * math.Cos(3*x[i])
	}
	var err error
	if full, err = Lines("θ over time", "t [s]", "θ [rad]", x, Series{Name: "θ", Y: y}); err != nil {
		t.Fatal(err)
	}
	if zoom, err = Lines("last 2 s", "t [s]", "θ [rad]", x, Series{Name: "θ", Y: y}); err != nil {
		t.Fatal(err)
	}
	return full, zoom
}

func TestRanges(t *testing.T) {
	full, zoom := zoomPair(t)
	if err := zoom.XRange(0, 4, 6); err != nil {
		t.Fatal(err)
	}
	if err := zoom.YRange(0, -0.02, 0.02); err != nil {
		t.Fatal(err)
	}
	if p := zoom.Plot(0); p.X.Min != 4 || p.X.Max != 6 || p.Y.Min != -0.02 || p.Y.Max != 0.02 {
		t.Errorf("ranges x [%g, %g] y [%g, %g]", p.X.Min, p.X.Max, p.Y.Min, p.Y.Max)
	}
	if err := zoom.HLine(0, 0, "goal"); err != nil {
		t.Fatal(err)
	}
	fig, err := Combine("Swing-up, full and zoomed", 2, full, zoom)
	if err != nil {
		t.Fatal(err)
	}
	if r, c := fig.Layout(); r != 1 || c != 2 || fig.Plot(1) != zoom.Plot(0) {
		t.Errorf("layout %d×%d", r, c)
	}
	fig.WithStyle(Slide)
	if w := fig.panels[1].lines[0].ls.Width; w != Slide.LineWidth {
		t.Errorf("line width after WithStyle(Slide) = %v, want %v", w, Slide.LineWidth)
	}
	svg := string(fig.mustSVG(t))
	for _, s := range []string{"Swing-up, full and zoomed", "last 2 s", "goal"} {
		if !strings.Contains(svg, s) {
			t.Errorf("combined SVG lacks %q", s)
		}
	}
	if dir := os.Getenv("PLOTTING_TEST_OUT"); dir != "" {
		fig.WithStyle(Notebook).Save(filepath.Join(dir, "combine.png"))
	}
	// Three figures in two columns: a second row with an empty cell.
	a, b := zoomPair(t)
	c, _ := zoomPair(t)
	g, err := Combine("three", 2, a, b, c)
	if err != nil {
		t.Fatal(err)
	}
	if r, k := g.Layout(); r != 2 || k != 2 || g.Plot(3) != nil {
		t.Errorf("three figures: layout %d×%d", r, k)
	}
	if _, err := g.Render(PNG); err != nil {
		t.Fatal(err)
	}
}

func TestRangeErrors(t *testing.T) {
	full, _ := zoomPair(t)
	logFig, err := figLines()
	if err != nil {
		t.Fatal(err)
	}
	ts, err := figTimeSeries()
	if err != nil {
		t.Fatal(err)
	}
	two, err := Grid("two", 1, 2, full.Plot(0), full.Plot(0))
	if err != nil {
		t.Fatal(err)
	}
	_, errCombineNone := Combine("x", 1)
	_, errCombineCols := Combine("x", 0, full)
	_, errCombineNil := Combine("x", 2, full, nil)
	_, errCombineStack := Combine("x", 2, full, ts)
	_, errCombineTwo := Combine("x", 2, two, full)
	for _, c := range []struct {
		name string
		err  error
		want string
	}{
		{"panel", full.XRange(1, 0, 1), "panel 1"},
		{"NaN", full.YRange(0, math.NaN(), 1), "NaN"},
		{"Inf", full.XRange(0, 0, math.Inf(1)), "+Inf"},
		{"empty", full.YRange(0, 1, 1), "[1, 1] is empty"},
		{"reversed", full.YRange(0, 2, 1), "[2, 1]"},
		{"log", logFig.YRange(0, 0, 1), "lo = 0"},
		{"combine none", errCombineNone, "no figures"},
		{"combine cols", errCombineCols, "cols = 0"},
		{"combine nil", errCombineNil, "figure 1 is nil"},
		{"combine stack", errCombineStack, "figure 1"},
		{"combine two panels", errCombineTwo, "figure 0"},
	} {
		if c.err == nil || !strings.Contains(c.err.Error(), c.want) {
			t.Errorf("%s: error %v; want one naming %q", c.name, c.err, c.want)
		}
	}
}
