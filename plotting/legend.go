package plotting

import (
	"image/color"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// legendBox is a plotter, added after the data, that draws the panel's
// legend on a translucent white box so that lines do not run through the
// legend text. When a panel has one, the legend is drawn here (on the data
// area) instead of by plot.Plot.Draw; see panel.drawPlot. The box goes in
// the inside corner that covers the least data (chooseLegendCorner); a
// legend that no corner can take is hidden here and drawn outside the
// panel by the figure (see outsideLegends).
type legendBox struct {
	pn     *panel
	hidden bool // the figure draws the legend elsewhere
}

// Plot implements plot.Plotter.
func (lb *legendBox) Plot(c draw.Canvas, p *plot.Plot) {
	names := lb.pn.legendNames
	if len(names) == 0 || lb.hidden {
		return
	}
	l := lb.pn.plot.Legend
	k, _ := chooseLegendCorner(p, c, lb.pn)
	w, h := legendSize(&l, names)
	dx, dy := legendInset(&l)
	drawLegendAt(c, cornerRect(c.Rectangle, w, h, dx, dy, k), l, names, p.X.Width)
}

// legendMetrics measures a legend with the given entries: the width of the
// entries (thumbnail, space, longest name), the height of one entry, the
// width of a space and the font's descent.
func legendMetrics(l *plot.Legend, names []string) (width, enth, em, descent vg.Length) {
	sty := l.TextStyle
	var maxW vg.Length
	for _, s := range names {
		if h := sty.Rectangle(s).Max.Y; h > enth {
			enth = h
		}
		if w := sty.Width(s); w > maxW {
			maxW = w
		}
	}
	em = sty.Rectangle(" ").Max.X
	descent = sty.FontExtents().Descent
	return l.ThumbnailWidth + em + maxW, enth, em, descent
}

// legendSize returns the size of the framed legend that legendBox draws.
func legendSize(l *plot.Legend, names []string) (w, h vg.Length) {
	if len(names) == 0 {
		return 0, 0
	}
	width, enth, em, _ := legendMetrics(l, names)
	n := vg.Length(len(names))
	return width + 2*em, enth*n + l.Padding*(n-1) + 1.5*em
}

// drawLegendAt draws legend l, framed like legendBox draws it, with its
// frame centred in area.
func drawLegendAt(c draw.Canvas, area vg.Rectangle, l plot.Legend, names []string, axisWidth vg.Length) {
	w, h := legendSize(&l, names)
	if w == 0 {
		return
	}
	ctr := vg.Point{X: (area.Min.X + area.Max.X) / 2, Y: (area.Min.Y + area.Max.Y) / 2}
	box := vg.Rectangle{
		Min: vg.Point{X: ctr.X - w/2, Y: ctr.Y - h/2},
		Max: vg.Point{X: ctr.X + w/2, Y: ctr.Y + h/2},
	}
	legendFrame(c, box, axisWidth)
	_, _, em, descent := legendMetrics(&l, names)
	l.Top, l.Left = true, false
	l.XOffs, l.YOffs = 0, 0
	inner := c
	inner.Rectangle = vg.Rectangle{
		Min: vg.Point{X: box.Min.X + em, Y: box.Min.Y},
		Max: vg.Point{X: box.Max.X - em, Y: box.Max.Y - em + descent},
	}
	l.Draw(inner)
}

// legendFrame fills r with translucent white and outlines it in light grey.
func legendFrame(c draw.Canvas, r vg.Rectangle, axisWidth vg.Length) {
	if r.Min.X >= r.Max.X || r.Min.Y >= r.Max.Y {
		return
	}
	c.SetColor(color.NRGBA{R: 255, G: 255, B: 255, A: 220})
	c.Fill(r.Path())
	w := vg.Length(math.Max(float64(axisWidth)*0.6, 0.3))
	c.StrokeLines(draw.LineStyle{Color: color.Gray{Y: 190}, Width: w}, []vg.Point{
		r.Min, {X: r.Max.X, Y: r.Min.Y}, r.Max, {X: r.Min.X, Y: r.Max.Y}, r.Min,
	})
}

// drawLegendRow draws legend entries side by side, wrapping onto more rows
// when they do not fit the width of area, centred at the top of area. It
// returns the height used; with paint false it only measures.
func drawLegendRow(c draw.Canvas, area vg.Rectangle, l *plot.Legend, names []string, icons [][]plot.Thumbnailer, paint bool) vg.Length {
	if len(names) == 0 {
		return 0
	}
	_, enth, em, descent := legendMetrics(l, names)
	sty := l.TextStyle
	sty.XAlign, sty.YAlign = draw.XLeft, draw.YBottom
	gap := 2 * em
	entryW := func(i int) vg.Length { return l.ThumbnailWidth + em + sty.Width(names[i]) }
	// Break the entries into rows.
	var rows [][]int
	var cur []int
	var curW vg.Length
	for i := range names {
		w := entryW(i)
		if len(cur) > 0 && curW+gap+w > area.Max.X-area.Min.X {
			rows = append(rows, cur)
			cur, curW = nil, 0
		}
		if len(cur) > 0 {
			curW += gap
		}
		cur = append(cur, i)
		curW += w
	}
	rows = append(rows, cur)
	rowH := enth + l.Padding
	if paint {
		y := area.Max.Y - enth
		for _, row := range rows {
			var total vg.Length
			for k, i := range row {
				if k > 0 {
					total += gap
				}
				total += entryW(i)
			}
			x := (area.Min.X+area.Max.X)/2 - total/2
			for _, i := range row {
				icon := c
				icon.Rectangle = vg.Rectangle{
					Min: vg.Point{X: x, Y: y},
					Max: vg.Point{X: x + l.ThumbnailWidth, Y: y + enth},
				}
				if i < len(icons) {
					for _, t := range icons[i] {
						t.Thumbnail(&icon)
					}
				}
				c.FillText(sty, vg.Point{X: x + l.ThumbnailWidth + em, Y: y + descent}, names[i])
				x += entryW(i) + gap
			}
			y -= rowH
		}
	}
	return rowH*vg.Length(len(rows)) - l.Padding
}

// fill is a plotter that fills a closed polygon, given in data coordinates,
// without stroking it. It is the shaded part of a band and the inside of an
// obstacle.
type fill struct {
	xs, ys []float64
	color  color.Color
}

// Plot implements plot.Plotter.
func (f *fill) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	pts := make([]vg.Point, len(f.xs))
	for i := range f.xs {
		pts[i] = vg.Point{X: trX(f.xs[i]), Y: trY(f.ys[i])}
	}
	pts = c.ClipPolygonXY(pts)
	if len(pts) < 3 {
		return
	}
	c.FillPolygon(f.color, pts)
}

// DataRange implements plot.DataRanger.
func (f *fill) DataRange() (xmin, xmax, ymin, ymax float64) {
	xmin, ymin = math.Inf(1), math.Inf(1)
	xmax, ymax = math.Inf(-1), math.Inf(-1)
	for i := range f.xs {
		xmin, xmax = math.Min(xmin, f.xs[i]), math.Max(xmax, f.xs[i])
		ymin, ymax = math.Min(ymin, f.ys[i]), math.Max(ymax, f.ys[i])
	}
	return xmin, xmax, ymin, ymax
}

// Thumbnail implements plot.Thumbnailer: a filled box.
func (f *fill) Thumbnail(c *draw.Canvas) {
	c.FillPolygon(f.color, []vg.Point{
		c.Min, {X: c.Max.X, Y: c.Min.Y}, c.Max, {X: c.Min.X, Y: c.Max.Y},
	})
}
