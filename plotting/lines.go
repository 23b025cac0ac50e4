package plotting

import (
	"fmt"
	"image/color"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg/draw"
)

// Series is one named curve against a shared x.
type Series struct {
	// Name is the legend label; an empty name leaves the series out of the
	// legend.
	Name string
	// Y holds one finite value per x.
	Y []float64
	// X, if not nil, gives this series its own x values (same length as Y,
	// finite) instead of the figure's shared x: for a curve that starts
	// later or is sampled elsewhere, e.g. a fitter that has no model below
	// some number of samples. Only Lines and LinesLogY read it.
	X []float64
}

// Band is a mean curve with a shaded band of ± Sigmas standard deviations
// around it, for example the distribution of a state over time under a
// linear-Gaussian controller.
type Band struct {
	// Name is the legend label; empty leaves the band out of the legend.
	Name string
	// Mean holds one finite value per x.
	Mean []float64
	// Std holds one finite, non-negative standard deviation per x.
	Std []float64
	// Sigmas is the half-width of the band in standard deviations; zero
	// means 1. Use 2 for a ~95% band of a Gaussian.
	Sigmas float64
}

// Lines plots several named series against a shared x on one axis, each in
// the next palette colour: for example cost, KL and eta against iteration.
// It fails, naming the bad value, if x is empty, a series is missing or has
// the wrong length, or any value is NaN or infinite.
func Lines(title, xlabel, ylabel string, x []float64, series ...Series) (*Figure, error) {
	return lines("Lines", title, xlabel, ylabel, x, series, false)
}

// LinesLogY is Lines with a logarithmic y axis, for quantities that fall over
// orders of magnitude (cost, KL divergence, gradient norm). Every y value
// must be positive.
func LinesLogY(title, xlabel, ylabel string, x []float64, series ...Series) (*Figure, error) {
	return lines("LinesLogY", title, xlabel, ylabel, x, series, true)
}

func lines(fn, title, xlabel, ylabel string, x []float64, series []Series, logY bool) (*Figure, error) {
	if err := checkX(fn, x); err != nil {
		return nil, err
	}
	if len(series) == 0 {
		return nil, fmt.Errorf("plotting: %s: no series to plot", fn)
	}
	for i, s := range series {
		what := seriesName("series", i, s.Name) + " Y"
		n := len(x)
		if s.X != nil {
			if err := checkX(fn+" "+seriesName("series", i, s.Name), s.X); err != nil {
				return nil, err
			}
			n = len(s.X)
		}
		if err := checkLen(fn, what, s.Y, n); err != nil {
			return nil, err
		}
		if err := checkFinite(fn, what, s.Y); err != nil {
			return nil, err
		}
		if logY {
			for k, v := range s.Y {
				if v <= 0 {
					return nil, fmt.Errorf("plotting: %s: %s[%d] = %g is not positive, which a log y axis cannot show", fn, what, k, v)
				}
			}
		}
	}
	f, pn := singlePanel(title, xlabel, ylabel)
	for i, s := range series {
		sx := x
		if s.X != nil {
			sx = s.X
		}
		pn.addLine(sx, s.Y, i, s.Name, Color(i))
	}
	if logY {
		pn.plot.Y.Scale = plot.LogScale{}
		pn.plot.Y.Tick.Marker = logTicks{}
	}
	pn.finish()
	return f.WithStyle(f.style), nil
}

// Bands plots one or more mean curves with shaded ± Sigmas·Std bands against
// a shared x, each in the next palette colour. It fails, naming the bad
// value, on empty or mismatched input, NaN or infinite values, or a negative
// Std.
func Bands(title, xlabel, ylabel string, x []float64, bands ...Band) (*Figure, error) {
	return bandsFigure("Bands", title, xlabel, ylabel, x, bands, false)
}

// logBandFloor is the least lower edge of a band of BandsLogY, as a
// fraction of the mean.
const logBandFloor = 0.1

// BandsLogY is Bands with a logarithmic y axis, for the spread of a
// quantity that spans orders of magnitude, such as the cost over seeds.
// Every Mean must be positive. A log axis cannot show Mean − Sigmas·Std ≤ 0,
// so the lower edge of a band is clipped to a tenth of the mean wherever it
// would fall below that: a band whose lower edge runs exactly one decade
// under its curve may reach further down than drawn. Upper edges are never
// clipped. It fails, naming the bad value, as Bands does and on a Mean ≤ 0.
func BandsLogY(title, xlabel, ylabel string, x []float64, bands ...Band) (*Figure, error) {
	return bandsFigure("BandsLogY", title, xlabel, ylabel, x, bands, true)
}

func bandsFigure(fn, title, xlabel, ylabel string, x []float64, bands []Band, logY bool) (*Figure, error) {
	if err := checkX(fn, x); err != nil {
		return nil, err
	}
	if len(bands) == 0 {
		return nil, fmt.Errorf("plotting: %s: no bands to plot", fn)
	}
	for i, b := range bands {
		name := seriesName("band", i, b.Name)
		for _, v := range []struct {
			what string
			y    []float64
		}{{name + " Mean", b.Mean}, {name + " Std", b.Std}} {
			if err := checkLen(fn, v.what, v.y, len(x)); err != nil {
				return nil, err
			}
			if err := checkFinite(fn, v.what, v.y); err != nil {
				return nil, err
			}
		}
		for k, s := range b.Std {
			if s < 0 {
				return nil, fmt.Errorf("plotting: %s: %s Std[%d] = %g is negative", fn, name, k, s)
			}
		}
		if !finite(b.Sigmas) || b.Sigmas < 0 {
			return nil, fmt.Errorf("plotting: %s: %s Sigmas = %g; want a finite value >= 0", fn, name, b.Sigmas)
		}
		if logY {
			for k, m := range b.Mean {
				if m <= 0 {
					return nil, fmt.Errorf("plotting: %s: %s Mean[%d] = %g is not positive, which a log y axis cannot show", fn, name, k, m)
				}
			}
		}
	}
	f, pn := singlePanel(title, xlabel, ylabel)
	// Shades first, so that every mean line is drawn on top of every band.
	shades := make([]*fill, len(bands))
	for i, b := range bands {
		k := b.Sigmas
		if k == 0 {
			k = 1
		}
		n := len(x)
		xs := make([]float64, 0, 2*n)
		ys := make([]float64, 0, 2*n)
		for j := range n {
			xs = append(xs, x[j])
			ys = append(ys, b.Mean[j]+k*b.Std[j])
		}
		for j := n - 1; j >= 0; j-- {
			lo := b.Mean[j] - k*b.Std[j]
			if floor := logBandFloor * b.Mean[j]; logY && lo < floor {
				lo = floor
				if !(lo > 0) { // a tenth of the least positive float
					lo = b.Mean[j]
				}
			}
			xs = append(xs, x[j])
			ys = append(ys, lo)
		}
		c := Color(i)
		shades[i] = &fill{xs: xs, ys: ys, color: color.NRGBA{R: c.R, G: c.G, B: c.B, A: 0x45}}
		pn.addFill(shades[i])
	}
	for i, b := range bands {
		l := pn.addLine(x, b.Mean, i, "", Color(i))
		if b.Name != "" {
			pn.legend(b.Name, shades[i], l)
		}
	}
	if logY {
		pn.plot.Y.Scale = plot.LogScale{}
		pn.plot.Y.Tick.Marker = logTicks{}
	}
	pn.finish()
	return f.WithStyle(f.style), nil
}

// singlePanel returns a one-panel figure whose panel carries the title and
// axis labels.
func singlePanel(title, xlabel, ylabel string) (*Figure, *panel) {
	f := newFigure(title, 1, 1)
	pn := newPanel()
	pn.plot.Title.Text = title
	pn.plot.X.Label.Text = xlabel
	pn.plot.Y.Label.Text = ylabel
	f.panels[0] = pn
	return f, pn
}

// addLine adds a solid line through (x[i], y[i]) in colour c, whose width
// (and dashes, for series index idx) follow the style, with a legend entry
// if name is not empty. The data must already be validated.
func (pn *panel) addLine(x, y []float64, idx int, name string, c color.Color) *plotter.Line {
	xys := make(plotter.XYs, len(x))
	for i := range x {
		xys[i] = plotter.XY{X: x[i], Y: y[i]}
	}
	l := &plotter.Line{XYs: xys, LineStyle: draw.LineStyle{Color: c, Width: 1}}
	pn.plot.Add(l)
	pn.lines = append(pn.lines, lineHook{ls: &l.LineStyle, scale: 1, index: idx})
	pn.shapes = append(pn.shapes, dataShape{kind: shapeLine, xs: x, ys: y})
	if name != "" {
		pn.legend(name, l)
	}
	return l
}

// addFill adds a filled polygon.
func (pn *panel) addFill(f *fill) {
	pn.plot.Add(f)
	pn.shapes = append(pn.shapes, dataShape{kind: shapeArea, xs: f.xs, ys: f.ys})
}

// legend adds a legend entry and remembers its name for the legend box.
func (pn *panel) legend(name string, thumbs ...plot.Thumbnailer) {
	pn.plot.Legend.Add(name, thumbs...)
	pn.legendNames = append(pn.legendNames, name)
	pn.legendIcons = append(pn.legendIcons, thumbs)
}

// finish adds the plotter of reference lines and the legend, after all
// data.
func (pn *panel) finish() {
	pn.refPlot = &refPlotter{pn: pn}
	pn.plot.Add(pn.refPlot)
	if len(pn.legendNames) > 0 {
		pn.box = &legendBox{pn: pn}
		pn.plot.Add(pn.box)
	}
}
