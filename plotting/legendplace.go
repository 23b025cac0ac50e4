package plotting

import (
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// shapeKind says how a drawn shape counts when a legend is placed.
type shapeKind int

const (
	shapeLine   shapeKind = iota // a polyline: the length inside the legend counts
	shapePoints                  // markers: each one inside counts
	shapeArea                    // a filled polygon: the part of the legend it covers counts
)

// dataShape is something a builder drew on a panel, in data coordinates,
// that a legend should not cover.
type dataShape struct {
	kind   shapeKind
	xs, ys []float64
}

// legendCorner is one of the four inside corners of a panel's plotting area.
type legendCorner int

// The corners in order of preference: when several are free of data the
// first wins.
const (
	cornerTopRight legendCorner = iota
	cornerTopLeft
	cornerBottomRight
	cornerBottomLeft
)

// String names the corner, for test messages.
func (k legendCorner) String() string {
	return [...]string{"top right", "top left", "bottom right", "bottom left"}[k]
}

// legendInset is the gap between a legend's frame and the plotting area's
// edges.
func legendInset(l *plot.Legend) (dx, dy vg.Length) {
	return vg.Length(math.Abs(float64(l.XOffs))), vg.Length(math.Abs(float64(l.YOffs)))
}

// cornerRect returns the frame of a w×h legend in corner k of area, inset
// by dx and dy.
func cornerRect(area vg.Rectangle, w, h, dx, dy vg.Length, k legendCorner) vg.Rectangle {
	var r vg.Rectangle
	if k == cornerTopLeft || k == cornerBottomLeft {
		r.Min.X = area.Min.X + dx
	} else {
		r.Min.X = area.Max.X - dx - w
	}
	if k == cornerTopRight || k == cornerTopLeft {
		r.Min.Y = area.Max.Y - dy - h
	} else {
		r.Min.Y = area.Min.Y + dy
	}
	r.Max = vg.Point{X: r.Min.X + w, Y: r.Min.Y + h}
	return r
}

// chooseLegendCorner returns the inside corner of plotting area dc of p in
// which a legend with the given entries covers the least of the panel's
// data, and whether that corner is free of data altogether. Lines count by
// the length of them under the legend, markers by the number, filled areas
// by the part of the legend they cover; reference lines (HLine, VLine)
// count a twentieth as much as data, and their labels as 50pt of data, but
// never make a corner "not free".
func chooseLegendCorner(p *plot.Plot, dc draw.Canvas, pn *panel) (best legendCorner, free bool) {
	w, h := legendSize(&p.Legend, pn.legendNames)
	dx, dy := legendInset(&p.Legend)
	trX, trY := p.Transforms(&dc)
	bestScore := math.Inf(1)
	for k := cornerTopRight; k <= cornerBottomLeft; k++ {
		r := cornerRect(dc.Rectangle, w, h, dx, dy, k)
		data := 0.0
		for _, s := range pn.shapes {
			data += shapeOverlap(s, r, trX, trY)
		}
		refs := 0.0
		for _, rl := range pn.refs {
			refs += shapeOverlap(rl.shape(p), r, trX, trY)
			if lr, ok := rl.labelRect(dc, trX, trY); ok && rectsMeet(lr, r) {
				refs += 20 * 50 // as bad as 50pt of data
			}
		}
		score := data + refs/20
		if score < bestScore {
			best, bestScore, free = k, score, data == 0
		}
	}
	return best, free
}

// shapeOverlap measures how much of s lies in r, with trX and trY taking
// data to canvas coordinates: the length of a line in r (in points), 10 for
// each marker in r, and for an area 1 for each of 8×8 sample points of r
// that it covers.
func shapeOverlap(s dataShape, r vg.Rectangle, trX, trY func(float64) vg.Length) float64 {
	n := min(len(s.xs), len(s.ys))
	pt := func(i int) (float64, float64) { return float64(trX(s.xs[i])), float64(trY(s.ys[i])) }
	total := 0.0
	switch s.kind {
	case shapeLine:
		for i := 1; i < n; i++ {
			x0, y0 := pt(i - 1)
			x1, y1 := pt(i)
			total += clippedLength(x0, y0, x1, y1, r)
		}
	case shapePoints:
		for i := range n {
			x, y := pt(i)
			if inRect(x, y, r) {
				total += 10
			}
		}
	case shapeArea:
		if n < 3 {
			return 0
		}
		xs, ys := make([]float64, n), make([]float64, n)
		for i := range n {
			xs[i], ys[i] = pt(i)
		}
		const g = 8
		for a := range g {
			for b := range g {
				x := float64(r.Min.X) + (float64(a)+0.5)/g*float64(r.Max.X-r.Min.X)
				y := float64(r.Min.Y) + (float64(b)+0.5)/g*float64(r.Max.Y-r.Min.Y)
				if inPolygon(x, y, xs, ys) {
					total++
				}
			}
		}
	}
	return total
}

// rectsMeet reports whether rectangles a and b share some area.
func rectsMeet(a, b vg.Rectangle) bool {
	return a.Min.X < b.Max.X && b.Min.X < a.Max.X && a.Min.Y < b.Max.Y && b.Min.Y < a.Max.Y
}

func inRect(x, y float64, r vg.Rectangle) bool {
	return x >= float64(r.Min.X) && x <= float64(r.Max.X) && y >= float64(r.Min.Y) && y <= float64(r.Max.Y)
}

// clippedLength returns the length of the segment (x0, y0)–(x1, y1) inside
// r (Liang–Barsky clipping). Segments with a NaN end (a value a log axis
// cannot show) count nothing.
func clippedLength(x0, y0, x1, y1 float64, r vg.Rectangle) float64 {
	dx, dy := x1-x0, y1-y0
	t0, t1 := 0.0, 1.0
	for _, e := range [4][2]float64{
		{-dx, x0 - float64(r.Min.X)},
		{dx, float64(r.Max.X) - x0},
		{-dy, y0 - float64(r.Min.Y)},
		{dy, float64(r.Max.Y) - y0},
	} {
		p, q := e[0], e[1]
		if p == 0 {
			if q < 0 {
				return 0
			}
			continue
		}
		t := q / p
		if p < 0 {
			t0 = math.Max(t0, t)
		} else {
			t1 = math.Min(t1, t)
		}
	}
	if !(t1 > t0) {
		if t0 == t1 && dx == 0 && dy == 0 && inRect(x0, y0, r) {
			return 1 // a single point: count it a little
		}
		return 0
	}
	return (t1 - t0) * math.Hypot(dx, dy)
}

// inPolygon reports whether (x, y) lies inside the polygon (even–odd rule).
func inPolygon(x, y float64, xs, ys []float64) bool {
	in := false
	for i, j := 0, len(xs)-1; i < len(xs); j, i = i, i+1 {
		if (ys[i] > y) != (ys[j] > y) && x < (xs[j]-xs[i])*(y-ys[i])/(ys[j]-ys[i])+xs[i] {
			in = !in
		}
	}
	return in
}

// legendOut says where a legend that no inside corner can take is drawn.
type legendOut int

const (
	legendInside legendOut = iota // in a corner of the plotting area
	legendRight                   // right of the panel, which is narrowed
	legendBelow                   // below the panel, which is shortened
)

// outsideLegends decides, for each panel of a grid figure laid out as
// plots on cells, whether its legend goes outside, and returns the extra
// room each panel then needs to its right and below.
func (f *Figure) outsideLegends(plots []*plot.Plot, cells []draw.Canvas) (out []legendOut, right, below []vg.Length) {
	out = make([]legendOut, len(plots))
	right = make([]vg.Length, len(plots))
	below = make([]vg.Length, len(plots))
	s := f.style
	for i, pn := range f.panels {
		if pn == nil || plots[i] == nil || len(pn.legendNames) == 0 {
			continue
		}
		p := plots[i]
		dc := dataCanvas(p, cells[i])
		if !f.legendOutside {
			if _, free := chooseLegendCorner(p, dc, pn); free {
				continue
			}
		}
		lw, _ := legendSize(&pn.plot.Legend, pn.legendNames)
		gap := s.LegendSize * 0.5
		if lw+gap <= 0.3*(cells[i].Max.X-cells[i].Min.X) {
			out[i], right[i] = legendRight, lw+gap
			continue
		}
		area := dc.Rectangle
		rowH := drawLegendRow(draw.Canvas{}, area, &pn.plot.Legend, pn.legendNames, nil, false)
		out[i], below[i] = legendBelow, rowH+2*gap
	}
	return out, right, below
}

// drawOutsideLegend draws the legend of pn outside its plot p, drawn on
// cell c, where where says.
func (pn *panel) drawOutsideLegend(c draw.Canvas, p *plot.Plot, where legendOut, s Style) {
	dc := dataCanvas(p, c)
	gap := s.LegendSize * 0.5
	l := pn.plot.Legend
	switch where {
	case legendRight:
		w, h := legendSize(&l, pn.legendNames)
		area := vg.Rectangle{
			Min: vg.Point{X: c.Max.X + gap, Y: dc.Max.Y - h},
			Max: vg.Point{X: c.Max.X + gap + w, Y: dc.Max.Y},
		}
		drawLegendAt(c, area, l, pn.legendNames, s.AxisWidth)
	case legendBelow:
		area := vg.Rectangle{
			Min: vg.Point{X: dc.Min.X, Y: c.Min.Y - 2*gap - (c.Max.Y - c.Min.Y)},
			Max: vg.Point{X: dc.Max.X, Y: c.Min.Y - gap},
		}
		drawLegendRow(c, area, &l, pn.legendNames, pn.legendIcons, true)
	}
}

// LegendOutside puts the legend of every panel outside its plotting area,
// right of the panel (which is narrowed to make room) or, for a legend too
// wide for that, below it. Without it a legend goes in the inside corner
// of its panel that covers the least data, and outside only when every
// corner covers some. In a TimeSeries the shared legend goes in a free
// cell or a row above the panels; the legends of a Stack's panels stay
// inside. It returns f for chaining.
func (f *Figure) LegendOutside() *Figure {
	if f == nil {
		return nil
	}
	f.legendOutside = true
	return f
}
