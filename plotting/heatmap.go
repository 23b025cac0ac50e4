package plotting

import (
	"fmt"
	"image/color"
	"math"
	"strconv"
	"strings"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/palette"
	"gonum.org/v1/plot/palette/moreland"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Heatmap draws matrix m as a grid of coloured cells, row 0 at the top and
// column 0 at the left as a matrix is written, with a colour bar on the
// right. Rows and columns are labelled by index; HeatmapLabeled labels them
// by value and can print the entries in the cells. Matrices with both signs
// (gains, covariances, weights) get a diverging blue–white–red scale centred
// on zero; others get a sequential (Kindlmann) scale. It fails, naming the
// entry, on an empty matrix or a NaN or infinite entry.
func Heatmap(title, xlabel, ylabel string, m mat.Matrix) (*Figure, error) {
	return heatmap("Heatmap", title, xlabel, ylabel, m, HeatmapOptions{})
}

// HeatmapOptions are the extras of HeatmapLabeled. The zero value gives the
// same figure as Heatmap.
type HeatmapOptions struct {
	// RowLabels label the rows (the y axis) top to bottom, ColLabels the
	// columns (the x axis) left to right: the values of a swept parameter,
	// say. Nil labels by index; otherwise there must be one label per row
	// (column). Labels that would overlap are thinned out when drawn.
	RowLabels, ColLabels []string

	// Values, when not empty, is a fmt format for one float64 (e.g. "%.3f"
	// or "%.2g") with which each entry is printed in its cell, in black or
	// white, whichever reads better on the cell's colour. The text shrinks
	// to fit the cells, down to a few points; cells too small for that get
	// no text.
	Values string

	// ColorLabel, when not empty, is written along the colour bar, on its
	// right, reading upwards: what the colours mean, with units (e.g.
	// "final angle error (rad)"). A label longer than the bar is set
	// smaller or broken onto two lines, like a y label.
	ColorLabel string
}

// HeatmapLabeled is Heatmap with row and column labels and, optionally, the
// entries printed in the cells; see HeatmapOptions. For a sweep of a horizon
// T (rows) against a weight r (columns):
//
//	fig, err := plotting.HeatmapLabeled("Final cost", "r", "T", costs,
//		plotting.HeatmapOptions{
//			RowLabels: []string{"100", "150", "200", "300"},
//			ColLabels: []string{"0.001", "0.01", "0.1", "1"},
//			Values:    "%.3g",
//		})
//
// Besides the errors of Heatmap it fails, naming the mismatch, when the
// number of labels does not match the matrix, and when Values is not a
// format for one number.
func HeatmapLabeled(title, xlabel, ylabel string, m mat.Matrix, opts HeatmapOptions) (*Figure, error) {
	return heatmap("HeatmapLabeled", title, xlabel, ylabel, m, opts)
}

func heatmap(fn, title, xlabel, ylabel string, m mat.Matrix, opts HeatmapOptions) (*Figure, error) {
	if m == nil {
		return nil, fmt.Errorf("plotting: %s: nil matrix", fn)
	}
	r, c := m.Dims()
	if r == 0 || c == 0 {
		return nil, fmt.Errorf("plotting: %s: matrix is empty (%d×%d)", fn, r, c)
	}
	lo, hi := math.Inf(1), math.Inf(-1)
	for i := range r {
		for j := range c {
			v := m.At(i, j)
			if !finite(v) {
				return nil, fmt.Errorf("plotting: %s: entry (%d, %d) is %v", fn, i, j, v)
			}
			lo, hi = math.Min(lo, v), math.Max(hi, v)
		}
	}

	var cm palette.ColorMap
	if lo < 0 && hi > 0 {
		a := math.Max(-lo, hi)
		d := moreland.SmoothBlueRed()
		d.SetMin(-a)
		d.SetMax(a)
		d.SetConvergePoint(0)
		cm = d
	} else {
		if lo == hi { // a constant matrix still needs a non-empty range
			d := math.Max(math.Abs(lo)*0.5, 0.5)
			lo, hi = lo-d, hi+d
		}
		cm = moreland.Kindlmann()
		cm.SetMin(lo)
		cm.SetMax(hi)
	}
	if math.IsInf(cm.Max()-cm.Min(), 0) {
		return nil, fmt.Errorf("plotting: %s: value range [%g, %g] is too wide to colour", fn, lo, hi)
	}
	for _, l := range []struct {
		what   string
		labels []string
		n      int
	}{{"row", opts.RowLabels, r}, {"column", opts.ColLabels, c}} {
		if l.labels != nil && len(l.labels) != l.n {
			return nil, fmt.Errorf("plotting: %s: %d %s labels for a %d×%d matrix; want %d", fn, len(l.labels), l.what, r, c, l.n)
		}
	}
	if opts.Values != "" {
		if s := fmt.Sprintf(opts.Values, 1.5); strings.Contains(s, "%!") {
			return nil, fmt.Errorf("plotting: %s: Values format %q does not print one float64 (it gives %q)", fn, opts.Values, s)
		}
	}

	f, pn := singlePanel(title, xlabel, ylabel)
	p := pn.plot
	hm := plotter.NewHeatMap(matGrid{m}, cm.Palette(256))
	hm.Min, hm.Max = cm.Min(), cm.Max()
	p.Add(hm)
	p.X.Padding, p.Y.Padding = 0, 0
	p.Y.Scale = plot.InvertedScale{Normalizer: plot.LinearScale{}}
	p.X.Tick.Marker = intTicks{}
	p.Y.Tick.Marker = intTicks{}
	if opts.ColLabels != nil {
		p.X.Tick.Marker = labelTicks(opts.ColLabels)
	}
	if opts.RowLabels != nil {
		p.Y.Tick.Marker = labelTicks(opts.RowLabels)
	}
	if opts.Values != "" {
		cv := &cellValues{m: m, format: opts.Values, cm: cm}
		p.Add(cv)
		pn.styleHooks = append(pn.styleHooks, func(s Style) { cv.size = s.TickSize })
	}
	// No axis lines or tick marks, only labels: the cells are the frame.
	p.X.Width, p.Y.Width = 0, 0
	p.X.Tick.Length, p.Y.Tick.Length = 0, 0

	bar := plot.New()
	bar.Add(&plotter.ColorBar{ColorMap: cm, Vertical: true, Colors: 256})
	bar.HideX()
	bar.Y.Padding = 0
	bar.Y.Tick.Marker = niceTicks{}
	pn.colorbar = bar
	pn.colorLabel = opts.ColorLabel
	return f.WithStyle(f.style), nil
}

// matGrid shows a matrix as a plotter.GridXYZ: column j at x = j, row i at
// y = i.
type matGrid struct{ m mat.Matrix }

func (g matGrid) Dims() (c, r int)   { r, c = g.m.Dims(); return c, r }
func (g matGrid) Z(c, r int) float64 { return g.m.At(r, c) }
func (g matGrid) X(c int) float64    { return float64(c) }
func (g matGrid) Y(r int) float64    { return float64(r) }

// intTicks marks integer positions (matrix indices), at most about eight
// labelled ones, at steps of 1, 2, 5, 10, 20, 50, …
type intTicks struct{}

// Ticks implements plot.Ticker.
func (intTicks) Ticks(lo, hi float64) []plot.Tick {
	first, last := math.Ceil(lo), math.Floor(hi)
	if !(last >= first) || math.IsInf(last-first, 0) {
		return nil
	}
	step := 1.0
	for k := 0; (last-first)/step > 8; k++ {
		step *= []float64{2, 2.5, 2}[k%3] // 1, 2, 5, 10, 20, 50, …
	}
	var ticks []plot.Tick
	for v := math.Ceil(first/step) * step; v <= last; v += step {
		if v == 0 {
			v = 0 // no "-0"
		}
		ticks = append(ticks, plot.Tick{Value: v, Label: strconv.FormatFloat(v, 'f', -1, 64)})
	}
	return ticks
}

// labelTicks puts label i at position i: the rows or columns of a heatmap.
type labelTicks []string

// Ticks implements plot.Ticker.
func (l labelTicks) Ticks(lo, hi float64) []plot.Tick {
	var ticks []plot.Tick
	for i, s := range l {
		if v := float64(i); v >= lo && v <= hi {
			ticks = append(ticks, plot.Tick{Value: v, Label: s})
		}
	}
	return ticks
}

// cellValues is a plotter that prints the entries of a heatmap's matrix in
// its cells.
type cellValues struct {
	m      mat.Matrix
	format string
	cm     palette.ColorMap // the heatmap's colours, to pick the text colour
	size   vg.Length        // largest font size (the style's tick size)
}

// Plot implements plot.Plotter.
func (cv *cellValues) Plot(c draw.Canvas, p *plot.Plot) {
	r, k := cv.m.Dims()
	trX, trY := p.Transforms(&c)
	cellW := vg.Length(math.Abs(float64(trX(1) - trX(0))))
	cellH := vg.Length(math.Abs(float64(trY(1) - trY(0))))
	texts := make([]string, 0, r*k)
	for i := range r {
		for j := range k {
			texts = append(texts, fmt.Sprintf(cv.format, cv.m.At(i, j)))
		}
	}
	// One size for every cell: the largest at which the widest text fits.
	sty := textStyle(cv.size, draw.XCenter, draw.YCenter)
	var widest, tallest vg.Length
	for _, s := range texts {
		widest = max(widest, sty.Width(s))
		tallest = max(tallest, sty.Height(s))
	}
	size := cv.size
	if widest > 0 {
		size = min(size, cv.size*cellW*0.9/widest)
	}
	if tallest > 0 {
		size = min(size, cv.size*cellH*0.8/tallest)
	}
	const minSize = 4 // points; smaller text is unreadable
	if size < minSize {
		return
	}
	sty.Font.Size = size
	for i := range r {
		for j := range k {
			sty.Color = inkOn(cv.cm, cv.m.At(i, j))
			c.FillText(sty, vg.Point{X: trX(float64(j)), Y: trY(float64(i))}, texts[i*k+j])
		}
	}
}

// inkOn returns black or white, whichever contrasts more with the colour
// that cm gives v.
func inkOn(cm palette.ColorMap, v float64) color.Color {
	bg, err := cm.At(min(max(v, cm.Min()), cm.Max()))
	if err != nil {
		return color.Black
	}
	// Relative luminance (WCAG), from sRGB.
	lin := func(u uint32) float64 {
		x := float64(u) / 0xffff
		if x <= 0.04045 {
			return x / 12.92
		}
		return math.Pow((x+0.055)/1.055, 2.4)
	}
	cr, cg, cb, _ := bg.RGBA()
	y := 0.2126*lin(cr) + 0.7152*lin(cg) + 0.0722*lin(cb)
	// Black on bg has contrast (y+0.05)/0.05, white (1.05)/(y+0.05); they
	// are equal at y ≈ 0.179.
	if y > 0.179 {
		return color.Black
	}
	return color.White
}
