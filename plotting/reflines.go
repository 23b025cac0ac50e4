package plotting

import (
	"fmt"
	"image/color"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// refLine is a horizontal or vertical reference line across a panel: a
// torque limit, a goal, an optimum, a KL bound.
type refLine struct {
	pn       *panel // the panel, whose data the label avoids
	vertical bool
	at       float64 // y of a horizontal line, x of a vertical one
	label    string
	ls       draw.LineStyle
	size     vg.Length // label font size
}

// shape returns the line, across the ranges of p, in data coordinates.
func (r *refLine) shape(p *plot.Plot) dataShape {
	if r.vertical {
		return dataShape{kind: shapeLine, xs: []float64{r.at, r.at}, ys: []float64{p.Y.Min, p.Y.Max}}
	}
	return dataShape{kind: shapeLine, xs: []float64{p.X.Min, p.X.Max}, ys: []float64{r.at, r.at}}
}

// refPlotter draws the reference lines of a panel, under its legend.
type refPlotter struct{ pn *panel }

// Plot implements plot.Plotter.
func (rp *refPlotter) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	for _, r := range rp.pn.refs {
		a, b, sty, pt, ok := r.layout(c, trX, trY)
		if !ok {
			continue
		}
		c.StrokeLine2(r.ls, a.X, a.Y, b.X, b.Y)
		if r.label != "" {
			// On a translucent white box, so the label stays readable
			// where no side of the line is free of data.
			box := labelBox(sty, pt, r.label)
			m := r.size * 0.05
			c.FillPolygon(color.NRGBA{R: 255, G: 255, B: 255, A: 170}, []vg.Point{
				{X: box.Min.X - m, Y: box.Min.Y - m}, {X: box.Max.X + m, Y: box.Min.Y - m},
				{X: box.Max.X + m, Y: box.Max.Y + m}, {X: box.Min.X - m, Y: box.Max.Y + m},
			})
			c.FillText(sty, pt, r.label)
		}
	}
}

// layout returns where r is drawn on plotting area c: the ends of the line,
// and the style and position of its label; ok is false when the line is
// outside c. The label goes at whichever end of the line, and on whichever
// side of it, covers the least of the panel's data (ties: the right end
// above a horizontal line, the top end left of a vertical one).
func (r *refLine) layout(c draw.Canvas, trX, trY func(float64) vg.Length) (a, b vg.Point, sty text.Style, pt vg.Point, ok bool) {
	sty = textStyle(r.size, draw.XRight, draw.YBottom)
	sty.Color = color.Gray{Y: 0x50}
	pad := r.size * 0.3
	type spot struct {
		pt     vg.Point
		xa     draw.XAlignment
		ya     draw.YAlignment
		inside bool // the label fits in c here
	}
	var spots []spot
	if r.vertical {
		x := trX(r.at)
		if math.IsNaN(float64(x)) || x < c.Min.X-0.5 || x > c.Max.X+0.5 {
			return a, b, sty, pt, false
		}
		a, b = vg.Point{X: x, Y: c.Min.Y}, vg.Point{X: x, Y: c.Max.Y}
		// Reading upwards along the line: at its top or bottom end, left
		// (YBottom after the turn) or right (YTop) of it.
		sty.Rotation = math.Pi / 2
		h, w := sty.Height(r.label), sty.Width(r.label)
		left, right := x-pad-h >= c.Min.X, x+pad+h <= c.Max.X
		spots = []spot{
			{vg.Point{X: x - pad*0.5, Y: c.Max.Y - pad}, draw.XRight, draw.YBottom, left},
			{vg.Point{X: x + pad*0.5, Y: c.Max.Y - pad}, draw.XRight, draw.YTop, right},
			{vg.Point{X: x - pad*0.5, Y: c.Min.Y + pad + w}, draw.XRight, draw.YBottom, left},
			{vg.Point{X: x + pad*0.5, Y: c.Min.Y + pad + w}, draw.XRight, draw.YTop, right},
		}
	} else {
		y := trY(r.at)
		if math.IsNaN(float64(y)) || y < c.Min.Y-0.5 || y > c.Max.Y+0.5 {
			return a, b, sty, pt, false
		}
		a, b = vg.Point{X: c.Min.X, Y: y}, vg.Point{X: c.Max.X, Y: y}
		h := sty.Height(r.label)
		above, below := y+pad+h <= c.Max.Y, y-pad-h >= c.Min.Y // pad: the gap to the line
		spots = []spot{
			{vg.Point{X: c.Max.X - pad, Y: y + pad}, draw.XRight, draw.YBottom, above},
			{vg.Point{X: c.Max.X - pad, Y: y - pad}, draw.XRight, draw.YTop, below},
			{vg.Point{X: c.Min.X + pad, Y: y + pad}, draw.XLeft, draw.YBottom, above},
			{vg.Point{X: c.Min.X + pad, Y: y - pad}, draw.XLeft, draw.YTop, below},
		}
	}
	best, bestScore := -1, math.Inf(1)
	for i, sp := range spots {
		if !sp.inside {
			continue
		}
		st := sty
		st.XAlign, st.YAlign = sp.xa, sp.ya
		score := 0.0
		if r.pn != nil && r.label != "" {
			box := labelBox(st, sp.pt, r.label)
			for _, s := range r.pn.shapes {
				score += shapeOverlap(s, box, trX, trY)
			}
		}
		if score < bestScore {
			best, bestScore = i, score
		}
	}
	if best < 0 { // no side has room: above the line's right end, or left of its top
		best = 0
	}
	sty.XAlign, sty.YAlign = spots[best].xa, spots[best].ya
	return a, b, sty, spots[best].pt, true
}

// labelRect returns the box of r's label on plotting area c, or ok false
// when there is none.
func (r *refLine) labelRect(c draw.Canvas, trX, trY func(float64) vg.Length) (vg.Rectangle, bool) {
	_, _, sty, pt, ok := r.layout(c, trX, trY)
	if !ok || r.label == "" {
		return vg.Rectangle{}, false
	}
	return labelBox(sty, pt, r.label), true
}

// labelBox returns the box a label drawn with sty at pt covers.
func labelBox(sty text.Style, pt vg.Point, label string) vg.Rectangle {
	w, h := sty.Width(label), sty.Height(label)
	// The unrotated box, placed by the alignment, then turned.
	x0 := pt.X + w*vg.Length(sty.XAlign)
	y0 := pt.Y + h*vg.Length(sty.YAlign)
	box := vg.Rectangle{Min: vg.Point{X: x0, Y: y0}, Max: vg.Point{X: x0 + w, Y: y0 + h}}
	if sty.Rotation != 0 { // a quarter turn about pt
		box = vg.Rectangle{
			Min: vg.Point{X: pt.X - (box.Max.Y - pt.Y), Y: pt.Y + (box.Min.X - pt.X)},
			Max: vg.Point{X: pt.X - (box.Min.Y - pt.Y), Y: pt.Y + (box.Max.X - pt.X)},
		}
	}
	return box
}

// HLine draws a thin dashed grey line across panel i at y, labelled at its
// right end (leave label empty for none): a torque limit, a goal, a KL
// bound. If the line lies outside the y range, the range grows to show it
// with a small margin. The line and label follow WithStyle. Panels count as for Plot. It
// fails, naming the value, on a bad or empty panel, a y that is NaN or
// infinite, or a y ≤ 0 on a log axis.
func (f *Figure) HLine(panel int, y float64, label string) error {
	return f.refLine("HLine", panel, false, y, label)
}

// VLine draws a thin dashed grey line down panel i at x, labelled along
// its top end (leave label empty for none): an optimum, the time a controller
// switches. The x range grows to show the line. It fails as HLine does.
func (f *Figure) VLine(panel int, x float64, label string) error {
	return f.refLine("VLine", panel, true, x, label)
}

func (f *Figure) refLine(fn string, i int, vertical bool, v float64, label string) error {
	pn, err := f.panelAt(fn, i)
	if err != nil {
		return err
	}
	axis, name := &pn.plot.Y, "y"
	if vertical {
		axis, name = &pn.plot.X, "x"
	}
	if !finite(v) {
		return fmt.Errorf("plotting: %s: panel %d: %s = %v; want a finite value", fn, i, name, v)
	}
	if _, ok := axis.Scale.(plot.LogScale); ok && v <= 0 {
		return fmt.Errorf("plotting: %s: panel %d: %s = %g is not positive, which a log axis cannot show", fn, i, name, v)
	}
	growToShow(axis, v)
	if pn.refPlot == nil {
		pn.refPlot = &refPlotter{pn: pn}
		pn.plot.Add(pn.refPlot)
	}
	r := &refLine{pn: pn, vertical: vertical, at: v, label: label}
	pn.refs = append(pn.refs, r)
	hook := func(s Style) {
		w := 0.5 * s.LineWidth
		r.ls = draw.LineStyle{Color: color.Gray{Y: 0x80}, Width: w, Dashes: []vg.Length{6 * w, 4 * w}}
		r.size = s.TickSize * 0.9
	}
	hook(f.style)
	pn.styleHooks = append(pn.styleHooks, hook)
	return nil
}

// growToShow widens the range of axis, if needed, to show v with a margin
// of 5% of the range beyond it (on a log axis, 5% of the decades), so that
// a reference line does not lie on the axis itself.
func growToShow(axis *plot.Axis, v float64) {
	lo, hi := math.Min(axis.Min, v), math.Max(axis.Max, v)
	if lo == axis.Min && hi == axis.Max {
		return
	}
	_, logAxis := axis.Scale.(plot.LogScale)
	if logAxis {
		m := 0.05 * (math.Log(hi) - math.Log(lo))
		if v < axis.Min {
			lo = v * math.Exp(-m)
		} else {
			hi = v * math.Exp(m)
		}
	} else {
		m := 0.05 * (hi - lo)
		if v < axis.Min {
			lo = v - m
		} else {
			hi = v + m
		}
	}
	if finite(lo) && finite(hi) {
		axis.Min, axis.Max = lo, hi
	} else {
		axis.Min, axis.Max = math.Min(axis.Min, v), math.Max(axis.Max, v)
	}
}

// panelAt returns panel i, or an error naming i when it is out of range or
// the cell is empty.
func (f *Figure) panelAt(fn string, i int) (*panel, error) {
	if f == nil {
		return nil, fmt.Errorf("plotting: %s: nil figure", fn)
	}
	if i < 0 || i >= len(f.panels) {
		return nil, fmt.Errorf("plotting: %s: panel %d out of range; the figure has %d panels", fn, i, len(f.panels))
	}
	if f.panels[i] == nil {
		return nil, fmt.Errorf("plotting: %s: panel %d is an empty cell", fn, i)
	}
	return f.panels[i], nil
}
