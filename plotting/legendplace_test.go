package plotting

import (
	"os"
	"path/filepath"
	"testing"

	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/recorder"
)

// zigzag returns a dense zigzag filling [x0, x1]×[y0, y1].
func zigzag(x0, x1, y0, y1 float64, n int) (xs, ys []float64) {
	for i := range n {
		xs = append(xs, x0+(x1-x0)*float64(i)/float64(n-1))
		if i%2 == 0 {
			ys = append(ys, y0)
		} else {
			ys = append(ys, y1)
		}
	}
	return xs, ys
}

// testCanvas is a 400×300pt plotting area.
var testCanvas = draw.Canvas{Rectangle: vg.Rectangle{Max: vg.Point{X: 400, Y: 300}}}

func TestLegendAvoidsData(t *testing.T) {
	// Data fill the top right corner; a second series pins the ranges.
	xs, ys := zigzag(0.6, 1, 0.6, 1, 41)
	fig, err := Lines("corner", "x", "y", []float64{0, 1},
		Series{Name: "dense", X: xs, Y: ys},
		Series{Name: "diagonal", Y: []float64{0, 0.3}})
	if err != nil {
		t.Fatal(err)
	}
	pn := fig.panels[0]
	k, free := chooseLegendCorner(pn.plot, testCanvas, pn)
	if k == cornerTopRight || !free {
		t.Errorf("legend in the %s (free %v); want a free corner other than the top right", k, free)
	}
	// The chosen corner really is free of the dense series.
	trX, trY := pn.plot.Transforms(&testCanvas)
	w, h := legendSize(&pn.plot.Legend, pn.legendNames)
	dx, dy := legendInset(&pn.plot.Legend)
	r := cornerRect(testCanvas.Rectangle, w, h, dx, dy, k)
	if o := shapeOverlap(pn.shapes[0], r, trX, trY); o != 0 {
		t.Errorf("legend in the %s covers %.1fpt of the dense series", k, o)
	}
	if o := shapeOverlap(pn.shapes[0], cornerRect(testCanvas.Rectangle, w, h, dx, dy, cornerTopRight), trX, trY); o == 0 {
		t.Error("test is wrong: the dense series misses the top right corner")
	}
	// The figure keeps the legend inside.
	if _, _, out := fig.layoutGrid(newRecorderCanvas(fig)); out[0] != legendInside {
		t.Errorf("legend placed outside (%d) though a corner is free", out[0])
	}
}

func newRecorderCanvas(fig *Figure) draw.Canvas {
	w, h := fig.Size()
	c := draw.NewCanvas(&recorder.Canvas{}, w, h)
	c.Rectangle = fig.bodyArea(w, h)
	return c
}

func TestLegendOutsideWhenCornersCovered(t *testing.T) {
	xs, ys := zigzag(0, 1, 0, 1, 61)
	fig, err := Lines("everywhere", "x", "y", xs, Series{Name: "noise", Y: ys}, Series{Name: "flat", Y: make([]float64, len(xs))})
	if err != nil {
		t.Fatal(err)
	}
	pn := fig.panels[0]
	if _, free := chooseLegendCorner(pn.plot, testCanvas, pn); free {
		t.Fatal("a corner is free of a zigzag that fills the panel")
	}
	plots, cells, out := fig.layoutGrid(newRecorderCanvas(fig))
	if out[0] == legendInside {
		t.Fatal("legend kept inside although every corner covers data")
	}
	// The plotting area is narrowed to make room for the legend.
	dc := dataCanvas(plots[0], cells[0])
	w, _ := fig.Size()
	lw, _ := legendSize(&pn.plot.Legend, pn.legendNames)
	if out[0] == legendRight && dc.Max.X > w-lw {
		t.Errorf("plotting area reaches x = %.1f of %.1f; the legend (%.1f wide) needs room", dc.Max.X, w, lw)
	}
	if _, err := fig.Render(SVG); err != nil {
		t.Fatal(err)
	}
	if dir := os.Getenv("PLOTTING_TEST_OUT"); dir != "" {
		fig.Save(filepath.Join(dir, "legend_outside.png"))
	}
}

func TestLegendOutsideForced(t *testing.T) {
	fig, err := Lines("forced", "x", "y", []float64{0, 1}, Series{Name: "a", Y: []float64{0, 1}})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, out := fig.layoutGrid(newRecorderCanvas(fig)); out[0] != legendInside {
		t.Fatal("legend of a diagonal line not inside")
	}
	if fig.LegendOutside() != fig {
		t.Fatal("LegendOutside does not return its figure")
	}
	if _, _, out := fig.layoutGrid(newRecorderCanvas(fig)); out[0] != legendRight {
		t.Errorf("LegendOutside: legend at %d, want right of the panel", out[0])
	}
	if (*Figure)(nil).LegendOutside() != nil {
		t.Error("nil figure")
	}
	// Stacks: the shared legend leaves the panels.
	ts, err := figTimeSeries()
	if err != nil {
		t.Fatal(err)
	}
	l, err := ts.LegendOutside().stackLayoutFor()
	if err != nil {
		t.Fatal(err)
	}
	if l.legend == legendInPanel {
		t.Error("TimeSeries with LegendOutside: shared legend still in the top panel")
	}
	if _, err := ts.Render(PNG); err != nil {
		t.Fatal(err)
	}
}
