package plotting

import (
	"strings"
	"testing"

	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/recorder"
)

// yAxisLength draws fig and returns the length of the longest vertical
// line drawn, which for a one-panel figure is its y axis: the height of
// the plotting area.
func yAxisLength(t *testing.T, fig *Figure) vg.Length {
	t.Helper()
	w, h := fig.Size()
	var rec recorder.Canvas
	fig.draw(draw.NewCanvas(&rec, w, h))
	var best vg.Length
	for _, a := range rec.Actions {
		s, ok := a.(*recorder.Stroke)
		if !ok || len(s.Path) != 2 {
			continue
		}
		p, q := s.Path[0].Pos, s.Path[1].Pos
		if p.X == q.X {
			best = max(best, q.Y-p.Y, p.Y-q.Y)
		}
	}
	if best == 0 {
		t.Fatal("no y axis drawn")
	}
	return best
}

// TestLongYLabel: a y label long for its panel never shortens a one-panel
// figure's plotting area (gonum does that, and on a log axis it reserves
// room for the label about the linear midpoint of the range, near the top),
// and a label longer than the panel is shrunk or broken to fit it.
func TestLongYLabel(t *testing.T) {
	x := []float64{1, 2, 3, 4, 5, 6, 7, 8}
	y := []float64{5000, 3000, 1700, 1000, 500, 300, 200, 140}
	build := func(logY bool, ylabel string) *Figure {
		t.Helper()
		f, err := lines("test", "Pendulum swing-up: cost per iteration", "iteration", ylabel, x, []Series{{Name: "ε = 0.5", Y: y}}, logY)
		if err != nil {
			t.Fatal(err)
		}
		return f
	}
	labels := []string{
		"cost of the mean controller",
		"final cost of the mean controller (mean ± std over ten seeds)",
		strings.Repeat("unbreakable", 8),
	}
	for _, st := range []Style{Notebook, Slide, Paper} {
		for _, logY := range []bool{true, false} {
			short := yAxisLength(t, build(logY, "cost").WithStyle(st))
			for _, lab := range labels {
				fig := build(logY, lab).WithStyle(st)
				if got := yAxisLength(t, fig); got < short-3 || got > short+3 {
					t.Errorf("%s, log %v, y label %q: plotting area %.1fpt tall; with a short label %.1fpt", st.Name, logY, lab, got, short)
				}
				// The label as drawn fits along the plotting area.
				w, h := fig.Size()
				c := draw.NewCanvas(&recorder.Canvas{}, w, h)
				c.Rectangle = fig.bodyArea(w, h)
				plots, cells, _ := fig.layoutGrid(c)
				dc := dataCanvas(plots[0], cells[0])
				l := plots[0].Y.Label
				if lw := l.TextStyle.Width(l.Text); l.Text == "" || lw > dc.Max.Y-dc.Min.Y {
					t.Errorf("%s, log %v: y label %q drawn as %q, %.1fpt long on a %.1fpt axis", st.Name, logY, lab, l.Text, lw, dc.Max.Y-dc.Min.Y)
				}
			}
		}
	}
}
