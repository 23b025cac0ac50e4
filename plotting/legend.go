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
// area) instead of by plot.Plot.Draw; see panel.draw. The box is sized for
// the entry names given by the builder.
type legendBox struct {
	legend *plot.Legend // the legend of the panel's plot
	names  []string
}

// Plot implements plot.Plotter.
func (lb *legendBox) Plot(c draw.Canvas, p *plot.Plot) {
	n := len(lb.names)
	if n == 0 {
		return
	}
	l := *lb.legend
	defer lb.legend.Draw(c)
	sty := l.TextStyle
	var enth, maxW vg.Length
	for _, s := range lb.names {
		if h := sty.Rectangle(s).Max.Y; h > enth {
			enth = h
		}
		if w := sty.Width(s); w > maxW {
			maxW = w
		}
	}
	em := sty.Rectangle(" ").Max.X
	descent := sty.FontExtents().Descent
	width := l.ThumbnailWidth + em + maxW

	var left, right vg.Length
	if l.Left {
		left = c.Min.X + l.XOffs
		right = left + width
	} else {
		right = c.Max.X + l.XOffs
		left = right - width
	}
	var first vg.Length // bottom of the first (top) entry
	if l.Top {
		first = c.Max.Y - enth - descent + l.YOffs
	} else {
		first = c.Min.Y + (enth+l.Padding)*vg.Length(n-1) + l.YOffs
	}
	top := first + enth
	bottom := first - (enth+l.Padding)*vg.Length(n-1)

	m := em
	r := vg.Rectangle{
		Min: vg.Point{X: max(left-m, c.Min.X), Y: max(bottom-m/2, c.Min.Y)},
		Max: vg.Point{X: min(right+m, c.Max.X), Y: min(top+m, c.Max.Y)},
	}
	if r.Min.X >= r.Max.X || r.Min.Y >= r.Max.Y {
		return
	}
	c.SetColor(color.NRGBA{R: 255, G: 255, B: 255, A: 220})
	c.Fill(r.Path())
	w := vg.Length(math.Max(float64(p.X.Width)*0.6, 0.3))
	c.StrokeLines(draw.LineStyle{Color: color.Gray{Y: 190}, Width: w}, []vg.Point{
		r.Min, {X: r.Max.X, Y: r.Min.Y}, r.Max, {X: r.Min.X, Y: r.Max.Y}, r.Min,
	})
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
