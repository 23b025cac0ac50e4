package plotting

import (
	"fmt"
	"math"
	"strconv"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/palette"
	"gonum.org/v1/plot/palette/moreland"
	"gonum.org/v1/plot/plotter"
)

// Heatmap draws matrix m as a grid of coloured cells, row 0 at the top and
// column 0 at the left as a matrix is written, with a colour bar on the
// right. Matrices with both signs (gains, covariances, weights) get a
// diverging blue–white–red scale centred on zero; others get a sequential
// (Kindlmann) scale. It fails, naming the entry, on an empty matrix or a NaN
// or infinite entry.
func Heatmap(title, xlabel, ylabel string, m mat.Matrix) (*Figure, error) {
	const fn = "Heatmap"
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

	f, pn := singlePanel(title, xlabel, ylabel)
	p := pn.plot
	hm := plotter.NewHeatMap(matGrid{m}, cm.Palette(256))
	hm.Min, hm.Max = cm.Min(), cm.Max()
	p.Add(hm)
	p.X.Padding, p.Y.Padding = 0, 0
	p.Y.Scale = plot.InvertedScale{Normalizer: plot.LinearScale{}}
	p.X.Tick.Marker = intTicks{}
	p.Y.Tick.Marker = intTicks{}
	// No axis lines or tick marks, only labels: the cells are the frame.
	p.X.Width, p.Y.Width = 0, 0
	p.X.Tick.Length, p.Y.Tick.Length = 0, 0

	bar := plot.New()
	bar.Add(&plotter.ColorBar{ColorMap: cm, Vertical: true, Colors: 256})
	bar.HideX()
	bar.Y.Padding = 0
	bar.Y.Tick.Marker = niceTicks{}
	pn.colorbar = bar
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
