package plotting

import (
	"math"
	"strings"
	"testing"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
)

// checkStack checks the layout of a stack figure at its current style and
// size: the panels are at least minH tall and do not overlap, no two tick
// labels on an axis overlap, and every y label fits along its panel.
func checkStack(t *testing.T, fig *Figure, minH vg.Length) stackLayout {
	t.Helper()
	l, err := fig.stackLayoutFor()
	if err != nil {
		t.Fatal(err)
	}
	w, h := fig.Size()
	for i, d := range l.data {
		if got := d.Max.Y - d.Min.Y; got < minH {
			t.Errorf("panel %d is %.1fpt tall; want at least %.1fpt", i, got, minH)
		}
		c := l.cells[i]
		if c.Min.X < 0 || c.Min.Y < 0 || c.Max.X > w || c.Max.Y > h {
			t.Errorf("panel %d cell %v is outside the %v×%v figure", i, c, w, h)
		}
		for k := range i {
			if overlaps(d, l.data[k]) {
				t.Errorf("panels %d and %d overlap: %v, %v", k, i, l.data[k], d)
			}
		}
		p := l.plots[i]
		for _, a := range []struct {
			axis     plot.Axis
			length   vg.Length
			vertical bool
		}{{p.X, d.Max.X - d.Min.X, false}, {p.Y, d.Max.Y - d.Min.Y, true}} {
			ticks := a.axis.Tick.Marker.Ticks(a.axis.Min, a.axis.Max)
			chk := spacedTicks{length: a.length, label: a.axis.Tick.Label, vertical: a.vertical, scale: a.axis.Scale}
			if chk.crowded(a.axis.Min, a.axis.Max, ticks) {
				t.Errorf("panel %d: tick labels overlap: %v", i, ticks)
			}
		}
		if lab := p.Y.Label; lab.Text != "" {
			if lw := lab.TextStyle.Width(lab.Text); lw > d.Max.Y-d.Min.Y {
				t.Errorf("panel %d: y label %q is %.1fpt long, panel %.1fpt", i, lab.Text, lw, d.Max.Y-d.Min.Y)
			}
		}
	}
	return l
}

func overlaps(a, b vg.Rectangle) bool {
	return a.Min.X < b.Max.X && b.Min.X < a.Max.X && a.Min.Y < b.Max.Y && b.Min.Y < a.Max.Y
}

// TestStackSlide checks that a five-panel TimeSeries on a slide is laid out
// in two columns of panels at least Style.StackPanelHeight tall, with the
// legend in the free cell, and that the same figure stays one column in the
// notebook and paper styles, whose height grows.
func TestStackSlide(t *testing.T) {
	fig, err := figCartPole()
	if err != nil {
		t.Fatal(err)
	}
	minH := Slide.withDefaults().stackPanelHeight()
	if minH != 72 {
		t.Errorf("slide StackPanelHeight %v; want 1in", minH)
	}
	l := checkStack(t, fig, minH)
	if r, c := fig.Layout(); r != 3 || c != 2 || l.rows != 3 || l.cols != 2 {
		t.Errorf("slide layout %d×%d; want 3×2", r, c)
	}
	if l.legend != legendInCell {
		t.Errorf("slide legend place %d; want the free cell", l.legend)
	}
	lw, lh := legendSize(&fig.panels[0].plot.Legend, fig.panels[0].legendNames)
	if a := l.legendArea; a.Max.X-a.Min.X < lw || a.Max.Y-a.Min.Y < lh {
		t.Errorf("legend %v×%v does not fit the free cell %v", lw, lh, a)
	}
	for i := range l.data {
		if overlaps(l.legendArea, l.cells[i]) {
			t.Errorf("legend area %v overlaps panel %d (%v)", l.legendArea, i, l.cells[i])
		}
	}
	// Rows line up across columns; each column has its own x axis.
	if l.data[0].Max.Y != l.data[3].Max.Y || l.data[1].Min.Y != l.data[4].Min.Y {
		t.Error("rows are not aligned across columns")
	}
	for i, p := range l.plots {
		wantLabel := i == 2 || i == 4
		if got := p.X.Label.Text != ""; got != wantLabel {
			t.Errorf("panel %d: x label %q", i, p.X.Label.Text)
		}
	}
	// Drawing it must not leave the legend hidden for the next style.
	if _, err := fig.Render(PNG); err != nil {
		t.Fatal(err)
	}
	if fig.panels[0].box.hidden {
		t.Error("legend box left hidden after drawing")
	}

	for _, st := range []Style{Notebook, Paper} {
		fig.WithStyle(st)
		l := checkStack(t, fig, st.withDefaults().stackPanelHeight())
		if l.cols != 1 || l.legend != legendInPanel {
			t.Errorf("%s: %d columns, legend place %d; want 1 column, legend in the top panel", st.Name, l.cols, l.legend)
		}
	}

	// A shorter figure needs more columns; a custom minimum is obeyed.
	st := Slide
	st.StackPanelHeight = 0.4 * vg.Inch
	fig.WithStyle(st)
	if r, c := fig.Layout(); c != 1 || r != 5 {
		t.Errorf("slide with 0.4in panels: layout %d×%d; want 5×1", r, c)
	}
	checkStack(t, fig, st.StackPanelHeight)
}

// TestStackShapes lays out stacks of 1 to 8 panels at slide size and checks
// that panels never overlap and tick labels never collide.
func TestStackShapes(t *testing.T) {
	x := []float64{0, 1, 2, 3, 4, 5}
	for n := 1; n <= 8; n++ {
		var panels []Panel
		for k := range n {
			y := make([]float64, len(x))
			for i := range y {
				y[i] = math.Sin(float64(i+k)) * float64(k+1)
			}
			panels = append(panels, Panel{YLabel: "a rather long label " + strings.Repeat("x", k), Series: []Series{{Name: "s", Y: y}}})
		}
		fig, err := Stack("stack", "t", x, panels...)
		if err != nil {
			t.Fatal(err)
		}
		fig.WithStyle(Slide)
		l := checkStack(t, fig, 0)
		if n <= 4 && l.h < Slide.withDefaults().stackPanelHeight() {
			t.Errorf("%d panels: panels %.1fpt tall", n, l.h)
		}
		if _, err := fig.Render(SVG); err != nil {
			t.Errorf("%d panels: %v", n, err)
		}
	}
}

// TestStackLegendAbove checks that a legend too tall for the top panel of a
// one-column stack goes in a row above the panels.
func TestStackLegendAbove(t *testing.T) {
	x := []float64{0, 1, 2}
	var traces []Trace
	for k := range 4 {
		traces = append(traces, Trace{Name: strings.Repeat("run ", k+1), States: [][]float64{{0, float64(k)}, {1, 2}, {2, 0}}})
	}
	fig, err := TimeSeries("runs", "t", x, []string{"a", "b"}, nil, traces...)
	if err != nil {
		t.Fatal(err)
	}
	fig.WithStyle(Slide)
	l := checkStack(t, fig, Slide.withDefaults().stackPanelHeight())
	if l.legend != legendAbove || l.cols != 1 {
		t.Fatalf("legend place %d, %d columns; want above, 1 column", l.legend, l.cols)
	}
	for i := range l.data {
		if overlaps(l.legendArea, l.cells[i]) {
			t.Errorf("legend row %v overlaps panel %d (%v)", l.legendArea, i, l.cells[i])
		}
	}
	if _, err := fig.Render(PNG); err != nil {
		t.Fatal(err)
	}
}

func TestFitLabel(t *testing.T) {
	sty := textStyle(20, 0, 0)
	w := sty.Width("actual / expected")
	if got, size := fitLabel("x [m]", sty, 100, 16); got != "x [m]" || size != 20 {
		t.Errorf("short label: %q at %v", got, size)
	}
	got, size := fitLabel("actual / expected", sty, w*0.6, 16)
	if got != "actual /\nexpected" || size < 16 || size > 20 {
		t.Errorf("long label: %q at %v", got, size)
	}
	st := sty
	st.Font.Size = size
	if st.Width(got) > w*0.6 {
		t.Errorf("fitted label is %v long; want at most %v", st.Width(got), w*0.6)
	}
	if got, size := fitLabel("actual / expected", sty, w*0.95, 16); got != "actual / expected" || size >= 20 || size < 17 {
		t.Errorf("slightly long label: %q at %v; want one line, a little smaller", got, size)
	}
	// Too long even at half the floor size: cut short.
	got, size = fitLabel("unbreakable", sty, 30, 16)
	st.Font.Size = size
	if !strings.HasSuffix(got, "…") || size != 8 || st.Width(got) > 30 {
		t.Errorf("hopeless label: %q at %v (%.1fpt long); want it cut short at 8pt", got, size, st.Width(got))
	}
	if got, _ := fitLabel("long one", sty, 0.1, 16); got != "" {
		t.Errorf("no room: %q; want no label", got)
	}
}

func TestSpacedTicks(t *testing.T) {
	lab := textStyle(16, 0, 0)
	labels := func(ts []plot.Tick) []string {
		var out []string
		for _, t := range ts {
			if t.Label != "" {
				out = append(out, t.Label)
			}
		}
		return out
	}
	// A short y axis gets fewer nice labels, all round numbers.
	s := spacedTicks{Ticker: niceTicks{}, length: 40, label: lab, vertical: true}
	got := labels(s.Ticks(0, 10))
	if len(got) < 2 || len(got) > 3 || s.crowded(0, 10, s.Ticks(0, 10)) {
		t.Errorf("40pt y axis: labels %v", got)
	}
	if l := labels(spacedTicks{Ticker: niceTicks{}, length: 400, label: lab, vertical: true}.Ticks(0, 10)); len(l) < 5 {
		t.Errorf("400pt y axis: labels %v; want them all", l)
	}
	// Category labels are thinned, keeping the first.
	var cats labelTicks
	for i := range 50 {
		cats = append(cats, strings.Repeat("w", 1+i%3))
	}
	s = spacedTicks{Ticker: cats, length: 200, label: lab, vertical: false}
	ts := s.Ticks(-0.5, 49.5)
	if len(ts) != 50 || ts[0].Label == "" || s.crowded(-0.5, 49.5, ts) || len(labels(ts)) < 3 {
		t.Errorf("thinned labels: %d ticks, labels %v", len(ts), labels(ts))
	}
	// Inverted scales (heatmap rows) work as well.
	s = spacedTicks{Ticker: labelTicks(cats), length: 100, label: lab, vertical: true, scale: plot.InvertedScale{Normalizer: plot.LinearScale{}}}
	if ts := s.Ticks(-0.5, 49.5); s.crowded(-0.5, 49.5, ts) || ts[0].Label == "" {
		t.Errorf("inverted: labels %v", labels(ts))
	}
	var _ text.Style = lab
}
