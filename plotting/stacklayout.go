package plotting

import (
	"fmt"
	"math"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// stackInfo marks a figure built by Stack or TimeSeries. Its panels are laid
// out when the figure is drawn, for the size it is drawn at: in one column
// when every panel gets Style.StackPanelHeight that way, else in as few
// columns as give them that, each column with its own x axis.
type stackInfo struct {
	// sharedLegend: the legend of panel 0 names the series of every panel
	// (TimeSeries), so it may be drawn outside that panel.
	sharedLegend bool
}

// legendPlace says where a stack's shared legend is drawn.
type legendPlace int

const (
	legendInPanel legendPlace = iota // inside the top panel (as built)
	legendInCell                     // in the empty cell under the last column
	legendAbove                      // in a row between the title and the panels
)

// stackLayout is where the panels of a stack go on a given area.
type stackLayout struct {
	rows, cols int
	h, w       vg.Length      // size of every panel's plotting area
	plots      []*plot.Plot   // shallow copies of the panels' plots, adjusted
	cells      []vg.Rectangle // where each plot is drawn
	data       []vg.Rectangle // the plotting area of each plot
	legend     legendPlace
	legendArea vg.Rectangle // for legendInCell and legendAbove
}

// spacing is the room a plot takes around its plotting area: axes, labels.
type spacing struct{ l, r, b, t vg.Length }

// measure returns the spacing of p when drawn on a canvas of the given size.
func measure(p *plot.Plot, size vg.Point) spacing {
	dc := dataCanvas(p, draw.Canvas{Rectangle: vg.Rectangle{Max: size}})
	return spacing{l: dc.Min.X, r: size.X - dc.Max.X, b: dc.Min.Y, t: size.Y - dc.Max.Y}
}

// stackPanelHeight is the least height of a stack panel's plotting area.
func (s Style) stackPanelHeight() vg.Length {
	if s.StackPanelHeight > 0 {
		return s.StackPanelHeight
	}
	return 4.5 * s.TickSize
}

// layoutStack lays the panels of a stack figure out on area (the figure less
// its margins and title). It takes the fewest columns that give every panel
// a plotting area of Style.StackPanelHeight, as long as the columns stay at
// least twice as wide as that; if none does, the layout with the
// tallest panels.
func (f *Figure) layoutStack(area vg.Rectangle) stackLayout {
	n := len(f.panels)
	minH := f.style.stackPanelHeight()
	var best stackLayout
	found := false
	for cols := 1; cols <= n; cols++ {
		rows := (n + cols - 1) / cols
		if (n+rows-1)/rows != cols {
			continue // the same rows as a layout with fewer columns
		}
		l := f.tryStack(area, rows, cols)
		if cols > 1 && l.w < 2*minH {
			break
		}
		if !found || l.h > best.h {
			best, found = l, true
		}
		if l.h >= minH {
			best = l
			break
		}
	}
	return best
}

// tryStack lays the stack out in rows×cols panels, column by column.
func (f *Figure) tryStack(area vg.Rectangle, rows, cols int) stackLayout {
	s := f.style
	n := len(f.panels)
	l := stackLayout{rows: rows, cols: cols, plots: make([]*plot.Plot, n)}
	xlabel := f.panels[n-1].plot.X.Label.Text
	ylabels := make([]string, n)
	for i, pn := range f.panels {
		p := *pn.plot
		base := p.X.Tick.Marker
		if u, ok := base.(unlabelled); ok {
			base = u.Ticker
		}
		if i%rows == rows-1 || i == n-1 { // bottom of its column
			p.X.Tick.Marker, p.X.Label.Text = base, xlabel
		} else {
			p.X.Tick.Marker, p.X.Label.Text = unlabelled{base}, ""
		}
		// Measure without the y labels: gonum shortens a panel whose label
		// is longer than it, and the labels are fitted to the panels below.
		ylabels[i], p.Y.Label.Text = p.Y.Label.Text, ""
		l.plots[i] = &p
	}
	probe := vg.Point{X: (area.Max.X - area.Min.X) / vg.Length(cols), Y: (area.Max.Y - area.Min.Y) / vg.Length(rows)}
	l.place(area, probe, s)

	// The shared legend: in the empty cell if there is one, else in the top
	// panel if it takes less than half its height and width, else in a row
	// above the panels.
	pn0 := f.panels[0]
	l.legend = legendInPanel
	if f.stack.sharedLegend && len(pn0.legendNames) > 0 {
		lw, lh := legendSize(&pn0.plot.Legend, pn0.legendNames)
		free := l.freeCell(area, s)
		switch {
		case rows*cols > n && free.Max.X-free.Min.X >= lw && free.Max.Y-free.Min.Y >= lh:
			l.legend, l.legendArea = legendInCell, free
		case lw <= 0.5*l.w && lh <= 0.45*l.h && !f.legendOutside:
		default:
			strip := drawLegendRow(draw.Canvas{}, area, &pn0.plot.Legend, pn0.legendNames, nil, false)
			strip += s.LegendSize * 0.6
			l.legend = legendAbove
			l.legendArea = area
			l.legendArea.Min.Y = area.Max.Y - strip
			area.Max.Y -= strip
			l.place(area, probe, s)
		}
	}

	// Fit the y labels to the panels' height, then thin out tick labels
	// that would overlap, and lay out again with the final axes.
	for i, p := range l.plots {
		// A little slack: the final layout may be a hair shorter.
		p.Y.Label.Text, p.Y.Label.TextStyle.Font.Size = fitLabel(ylabels[i], p.Y.Label.TextStyle, 0.97*l.h, s.TickSize)
	}
	l.place(area, probe, s)
	for _, p := range l.plots {
		spaceTicks(&p.X, l.w, false)
		spaceTicks(&p.Y, l.h, true)
	}
	l.place(area, probe, s)
	if l.legend == legendInCell {
		l.legendArea = l.freeCell(area, s)
	}
	return l
}

// place computes the plotting areas and cells of l.plots on area. Rows line
// up across columns and every plotting area has the same size. The spacings
// are measured on the cells of the last call, or on canvases of size probe
// in the first: gonum's padding depends a little on the size.
func (l *stackLayout) place(area vg.Rectangle, probe vg.Point, s Style) {
	n, rows, cols := len(l.plots), l.rows, l.cols
	padX, padY := s.LabelSize, s.LabelSize*0.5
	top := make([]vg.Length, rows)   // room above row r
	below := make([]vg.Length, rows) // room under row r, for panels with one below them
	left := make([]vg.Length, cols)
	right := make([]vg.Length, cols)
	axis := make([]vg.Length, cols) // room under the bottom panel of column j
	count := make([]int, cols)
	sp := make([]spacing, n)
	for i, p := range l.plots {
		r, j := i%rows, i/rows
		if len(l.cells) == n {
			sp[i] = measure(p, l.cells[i].Size())
		} else {
			sp[i] = measure(p, probe)
		}
		top[r] = max(top[r], sp[i].t)
		left[j] = max(left[j], sp[i].l)
		right[j] = max(right[j], sp[i].r)
		if r == rows-1 || i == n-1 {
			axis[j] = sp[i].b
		} else {
			below[r] = max(below[r], sp[i].b)
		}
		count[j]++
	}
	h := vg.Length(math.Inf(1))
	for j := range cols {
		need := axis[j] + padY*vg.Length(count[j]-1)
		for r := range count[j] {
			need += top[r]
			if r < count[j]-1 {
				need += below[r]
			}
		}
		h = min(h, (area.Max.Y-area.Min.Y-need)/vg.Length(count[j]))
	}
	w := area.Max.X - area.Min.X - padX*vg.Length(cols-1)
	for j := range cols {
		w -= left[j] + right[j]
	}
	w /= vg.Length(cols)
	l.h, l.w = h, w

	colX := make([]vg.Length, cols) // left edge of column j's plotting areas
	x := area.Min.X
	for j := range cols {
		colX[j] = x + left[j]
		x += left[j] + w + right[j] + padX
	}
	rowY := make([]vg.Length, rows) // top edge of row r's plotting areas
	y := area.Max.Y
	for r := range rows {
		rowY[r] = y - top[r]
		y -= top[r] + h + below[r] + padY
	}
	l.data = make([]vg.Rectangle, n)
	l.cells = make([]vg.Rectangle, n)
	for i := range n {
		r, j := i%rows, i/rows
		d := vg.Rectangle{
			Min: vg.Point{X: colX[j], Y: rowY[r] - h},
			Max: vg.Point{X: colX[j] + w, Y: rowY[r]},
		}
		l.data[i] = d
		l.cells[i] = vg.Rectangle{
			Min: vg.Point{X: d.Min.X - sp[i].l, Y: d.Min.Y - sp[i].b},
			Max: vg.Point{X: d.Max.X + sp[i].r, Y: d.Max.Y + sp[i].t},
		}
	}
}

// freeCell returns the empty area under the bottom panel of the last
// column, below its x axis, or an empty rectangle if that column is full.
func (l *stackLayout) freeCell(area vg.Rectangle, s Style) vg.Rectangle {
	n := len(l.plots)
	if l.rows*l.cols == n || n == 0 {
		return vg.Rectangle{}
	}
	last := l.cells[n-1]
	first := l.cells[(l.cols-1)*l.rows] // top panel of the last column
	return vg.Rectangle{
		Min: vg.Point{X: first.Min.X, Y: area.Min.Y},
		Max: vg.Point{X: first.Max.X, Y: last.Min.Y - s.LabelSize*0.5},
	}
}

// drawStack draws the panels of a stack figure on c, the figure less its
// margins and title.
func (f *Figure) drawStack(c draw.Canvas) {
	s := f.style
	l := f.layoutStack(c.Rectangle)
	pn0 := f.panels[0]
	if pn0.box != nil {
		pn0.box.hidden = l.legend != legendInPanel
		defer func() { pn0.box.hidden = false }()
	}
	for i, pn := range f.panels {
		cc := c
		cc.Rectangle = l.cells[i]
		pn.drawPlot(l.plots[i], cc, s)
	}
	switch l.legend {
	case legendInCell:
		drawLegendAt(c, l.legendArea, pn0.plot.Legend, pn0.legendNames, s.AxisWidth)
	case legendAbove:
		drawLegendRow(c, l.legendArea, &pn0.plot.Legend, pn0.legendNames, pn0.legendIcons, true)
	}
}

// stackLayoutFor returns the layout of a stack figure at its current size.
func (f *Figure) stackLayoutFor() (l stackLayout, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("plotting: layout failed: %v", r)
		}
	}()
	w, h := f.Size()
	return f.layoutStack(f.bodyArea(w, h)), nil
}

// fitLabel returns the text and font size of a y label of style sty that
// runs at most avail along its axis: the label's own size if it fits, else
// a smaller one, no smaller than floor, on one line or broken at a space
// onto two, whichever allows the larger font. A label too long even so is
// set smaller still, down to half of floor, and then cut short with "…":
// a label longer than its panel would make gonum shorten the panel.
func fitLabel(label string, sty text.Style, avail, floor vg.Length) (string, vg.Length) {
	size := sty.Font.Size
	if label == "" || !(avail > 0) {
		return label, size
	}
	floor = min(floor, size)
	width := func(t string, sz vg.Length) vg.Length {
		st := sty
		st.Font.Size = sz
		return st.Width(t)
	}
	if width(label, size) <= avail {
		return label, size
	}
	// largest returns the largest size in [lo, size] at which t fits, or 0
	// if there is none.
	largest := func(t string, lo vg.Length) vg.Length {
		sz := min(size, size*avail/width(t, size)) // widths grow with the size
		for sz >= lo {
			if width(t, sz) <= avail {
				return sz
			}
			sz *= 0.97
		}
		return 0
	}
	two := splitInTwo(label, func(t string) vg.Length { return width(t, size) })
	for _, lo := range []vg.Length{floor, floor / 2} {
		one := largest(label, lo)
		if one >= 0.85*size {
			return label, one
		}
		if two != "" {
			if sz := largest(two, lo); sz > one {
				return two, sz
			}
		}
		if one > 0 {
			return label, one
		}
	}
	// Cut the lines short at half the floor size.
	t := label
	if two != "" {
		t = two
	}
	size = floor / 2
	var lines []string
	for _, line := range strings.Split(t, "\n") {
		r := []rune(line)
		for n := len(r); width(line, size) > avail; n-- {
			if n == 0 {
				line = ""
				break
			}
			line = string(r[:n-1]) + "…"
		}
		if line != "" {
			lines = append(lines, line)
		}
	}
	return strings.Join(lines, "\n"), size
}

// splitInTwo breaks t at the space that makes the longer of the two lines
// shortest, or returns "" if t has no space inside it.
func splitInTwo(t string, width func(string) vg.Length) string {
	best, bestW := "", vg.Length(math.Inf(1))
	for i, r := range t {
		if r != ' ' || i == 0 || i == len(t)-1 {
			continue
		}
		a, b := t[:i], t[i+1:]
		if w := max(width(a), width(b)); w < bestW {
			best, bestW = a+"\n"+b, w
		}
	}
	return best
}
