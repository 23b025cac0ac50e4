package plotting

import (
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

func TestRefLines(t *testing.T) {
	x := []float64{0, 1, 2, 3, 4}
	fig, err := Lines("Torque", "time [s]", "u [N m]", x, Series{Name: "u", Y: []float64{0, 1, 1.5, 1, 0}})
	if err != nil {
		t.Fatal(err)
	}
	if err := fig.HLine(0, 2, "torque limit"); err != nil {
		t.Fatal(err)
	}
	if err := fig.HLine(0, -2, "−limit"); err != nil {
		t.Fatal(err)
	}
	if err := fig.VLine(0, 2.5, "switch"); err != nil {
		t.Fatal(err)
	}
	p := fig.Plot(0)
	if p.Y.Min > -2 || p.Y.Max < 2 || p.X.Max < 4 {
		t.Errorf("ranges x [%g, %g], y [%g, %g] do not show the lines", p.X.Min, p.X.Max, p.Y.Min, p.Y.Max)
	}
	pn := fig.panels[0]
	w := pn.refs[0].ls.Width
	if w != 0.5*Notebook.LineWidth || len(pn.refs[0].ls.Dashes) == 0 {
		t.Errorf("reference line width %v dashes %v", w, pn.refs[0].ls.Dashes)
	}
	fig.WithStyle(Slide)
	if got := pn.refs[0].ls.Width; got != 0.5*Slide.LineWidth || len(pn.refs[0].ls.Dashes) == 0 {
		t.Errorf("after WithStyle(Slide): width %v (want %v), dashes %v", got, 0.5*Slide.LineWidth, pn.refs[0].ls.Dashes)
	}
	fig.WithStyle(Notebook)
	if k, _ := chooseLegendCorner(p, testCanvas, pn); k == cornerTopRight {
		t.Error("legend covers the label of the torque limit, in the top right")
	}
	svg, err := fig.Render(SVG)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"torque limit", "switch"} {
		if !strings.Contains(string(svg), s) {
			t.Errorf("SVG lacks the label %q", s)
		}
	}
	if dir := os.Getenv("PLOTTING_TEST_OUT"); dir != "" {
		fig.Save(filepath.Join(dir, "reflines.png"))
	}

	// On a heatmap (no legend) and on a stack.
	ts, err := figTimeSeries()
	if err != nil {
		t.Fatal(err)
	}
	if err := ts.HLine(2, 1.5, "u max"); err != nil {
		t.Fatal(err)
	}
	hm, err := figHeatmap()
	if err != nil {
		t.Fatal(err)
	}
	if err := hm.VLine(0, 2.5, ""); err != nil {
		t.Fatal(err)
	}
	for _, f := range []*Figure{ts, hm} {
		if _, err := f.Render(PNG); err != nil {
			t.Fatal(err)
		}
	}
}

func TestRefLineErrors(t *testing.T) {
	fig, err := figLines() // log y
	if err != nil {
		t.Fatal(err)
	}
	g, err := Grid("two", 1, 2, fig.Plot(0), nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		err  error
		want string
	}{
		{"negative panel", fig.HLine(-1, 1, ""), "panel -1"},
		{"panel past end", fig.VLine(3, 1, ""), "panel 3"},
		{"empty cell", g.HLine(1, 1, ""), "panel 1"},
		{"NaN", fig.HLine(0, math.NaN(), ""), "y = NaN"},
		{"Inf", fig.VLine(0, math.Inf(1), ""), "x = +Inf"},
		{"log", fig.HLine(0, 0, ""), "y = 0"},
		{"nil", (*Figure)(nil).HLine(0, 1, ""), "nil figure"},
	} {
		if c.err == nil || !strings.Contains(c.err.Error(), c.want) {
			t.Errorf("%s: error %v; want one naming %q", c.name, c.err, c.want)
		}
	}
}

// TestRefLineLabelAvoidsData: data just above a line's right end moves the
// label off the default spot (right end, above) to one that covers no data.
func TestRefLineLabelAvoidsData(t *testing.T) {
	x := []float64{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10}
	y := []float64{-1, -1, -1, -1, -1, 0, 0.9, 1.0, 1.05, 1.1, 1.05}
	fig, err := Lines("", "x", "y", x, Series{Y: y})
	if err != nil {
		t.Fatal(err)
	}
	if err := fig.HLine(0, 1, "a bound with a long label"); err != nil {
		t.Fatal(err)
	}
	p, pn := fig.Plot(0), fig.panels[0]
	trX, trY := p.Transforms(&testCanvas)
	box, ok := pn.refs[0].labelRect(testCanvas, trX, trY)
	if !ok {
		t.Fatal("no label box")
	}
	sty := textStyle(pn.refs[0].size, draw.XRight, draw.YBottom)
	def := labelBox(sty, vg.Point{X: testCanvas.Max.X - 0.3*pn.refs[0].size, Y: trY(1) + 0.3*pn.refs[0].size}, pn.refs[0].label)
	if shapeOverlap(pn.shapes[0], def, trX, trY) == 0 {
		t.Fatal("the test's data does not cover the default label spot")
	}
	if got := shapeOverlap(pn.shapes[0], box, trX, trY); got != 0 {
		t.Errorf("label covers %v of data", got)
	}
}
