package plotting

import (
	"fmt"

	"gonum.org/v1/plot"
)

// XRange sets the x range of panel i (counted as for Plot) to [lo, hi],
// for a zoomed view: data outside it are clipped. It fails, naming the
// value, on a bad or empty panel, a NaN or infinite bound, lo ≥ hi, or
// lo ≤ 0 on a log axis. A later VLine outside the range widens it again.
func (f *Figure) XRange(panel int, lo, hi float64) error {
	return f.setRange("XRange", panel, false, lo, hi)
}

// YRange sets the y range of panel i to [lo, hi]; see XRange.
func (f *Figure) YRange(panel int, lo, hi float64) error {
	return f.setRange("YRange", panel, true, lo, hi)
}

func (f *Figure) setRange(fn string, i int, y bool, lo, hi float64) error {
	pn, err := f.panelAt(fn, i)
	if err != nil {
		return err
	}
	axis := &pn.plot.X
	if y {
		axis = &pn.plot.Y
	}
	switch {
	case !finite(lo) || !finite(hi):
		return fmt.Errorf("plotting: %s: panel %d: range [%v, %v] is not finite", fn, i, lo, hi)
	case lo >= hi:
		return fmt.Errorf("plotting: %s: panel %d: range [%g, %g] is empty; want lo < hi", fn, i, lo, hi)
	}
	if _, ok := axis.Scale.(plot.LogScale); ok && lo <= 0 {
		return fmt.Errorf("plotting: %s: panel %d: lo = %g is not positive, which a log axis cannot show", fn, i, lo)
	}
	axis.Min, axis.Max = lo, hi
	return nil
}

// Combine lays the panels of one-panel figures out side by side, cols to a
// row and as many rows as needed, under title: a zoomed view next to the
// full one, say. Each panel keeps its lines, legend, reference lines and
// title, and the result takes the style of figs[0]. The panels are shared
// with figs, not copied, so restyling or changing one changes the other;
// build fresh figures for Combine rather than reuse ones shown already.
// It fails, naming the figure, when figs is empty, cols < 1, or a figure
// is nil, has more than one panel, or is a Stack or TimeSeries.
func Combine(title string, cols int, figs ...*Figure) (*Figure, error) {
	if cols < 1 {
		return nil, fmt.Errorf("plotting: Combine: cols = %d; want >= 1", cols)
	}
	if len(figs) == 0 {
		return nil, fmt.Errorf("plotting: Combine: no figures")
	}
	for i, g := range figs {
		switch {
		case g == nil:
			return nil, fmt.Errorf("plotting: Combine: figure %d is nil", i)
		case g.stack != nil:
			return nil, fmt.Errorf("plotting: Combine: figure %d (%q) is a Stack or TimeSeries; want a one-panel figure", i, g.title)
		case len(g.panels) != 1 || g.panels[0] == nil:
			return nil, fmt.Errorf("plotting: Combine: figure %d (%q) has %d panels; want one", i, g.title, len(g.panels))
		}
	}
	cols = min(cols, len(figs))
	rows := (len(figs) + cols - 1) / cols
	f := newFigure(title, rows, cols)
	f.titleAbove = true
	for i, g := range figs {
		f.panels[i] = g.panels[0]
		f.legendOutside = f.legendOutside || g.legendOutside
	}
	return f.WithStyle(figs[0].style), nil
}
