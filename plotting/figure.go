package plotting

import (
	"errors"
	"fmt"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
)

// Figure is one or more gonum/plot panels laid out on a grid, with a Style
// that sets the size, fonts and line weights. Build one with a builder
// (Lines, Bands, Trajectories, Heatmap, ImageGrid, Stack, TimeSeries) or wrap
// your own plots with FromPlot or Grid; then Show, Save or Render it.
//
// The panels are ordinary *plot.Plot values (see Plot), so anything gonum/plot
// can do can be added to them. A Figure is not safe for concurrent use.
type Figure struct {
	title      string
	titleAbove bool // draw title above the grid (else it is the panel's own title)
	rows, cols int
	panels     []*panel // row-major, len rows*cols; nil marks an empty cell
	style      Style
	width      vg.Length // size override (WithSize); 0 means "from style"
	height     vg.Length
	stack      *stackInfo // set for Stack and TimeSeries figures
	// legendOutside: every legend goes outside its panel (LegendOutside).
	legendOutside bool
}

// panel is one cell of a figure: the plot and what restyling needs to know.
type panel struct {
	plot        *plot.Plot
	colorbar    *plot.Plot // drawn to the right of plot; nil for none
	colorLabel  string     // written along the colour bar, on its right
	equalAspect bool       // one data unit is as long on x as on y
	shrink      bool       // get equalAspect by shrinking the panel, not by widening a range
	smallTitle  bool       // the panel title is a caption, at label size
	lines       []lineHook
	legendNames []string             // legend entries added by the builders
	legendIcons [][]plot.Thumbnailer // their thumbnails
	box         *legendBox           // draws the legend; nil without one
	glyphs      []glyphHook
	shapes      []dataShape   // the data drawn, which a legend should not cover
	styleHooks  []func(Style) // other things that follow the style
	refs        []*refLine    // reference lines (HLine, VLine)
	refPlot     *refPlotter   // draws refs; nil until the first one
}

// newFigure returns an empty figure with rows×cols cells and Notebook style.
func newFigure(title string, rows, cols int) *Figure {
	return &Figure{
		title:  title,
		rows:   rows,
		cols:   cols,
		panels: make([]*panel, rows*cols),
		style:  Notebook.withDefaults(),
	}
}

// newPanel returns a panel around a fresh plot.
func newPanel() *panel {
	p := plot.New()
	p.Legend.Top = true
	p.X.Tick.Marker = niceTicks{}
	p.Y.Tick.Marker = niceTicks{}
	return &panel{plot: p}
}

// FromPlot wraps a plot you built yourself in a one-panel Figure, so that it
// can be shown, saved and restyled (fonts and axes; your own line widths are
// kept). A nil p gives a figure with an empty plot.
func FromPlot(p *plot.Plot) *Figure {
	if p == nil {
		p = plot.New()
	}
	f := newFigure("", 1, 1)
	f.panels[0] = &panel{plot: p}
	return f.WithStyle(f.style)
}

// Grid wraps plots you built yourself in a rows×cols Figure, filled row by
// row; a nil plot leaves its cell empty. The title is drawn above all panels.
// It fails unless len(plots) == rows*cols and at least one plot is non-nil.
func Grid(title string, rows, cols int, plots ...*plot.Plot) (*Figure, error) {
	if rows < 1 || cols < 1 {
		return nil, fmt.Errorf("plotting: Grid: need rows, cols >= 1, got %d×%d", rows, cols)
	}
	if len(plots) != rows*cols {
		return nil, fmt.Errorf("plotting: Grid: %d×%d grid needs %d plots, got %d", rows, cols, rows*cols, len(plots))
	}
	f := newFigure(title, rows, cols)
	f.titleAbove = true
	found := false
	for i, p := range plots {
		if p != nil {
			f.panels[i] = &panel{plot: p}
			found = true
		}
	}
	if !found {
		return nil, errors.New("plotting: Grid: all plots are nil")
	}
	return f.WithStyle(f.style), nil
}

// Must returns fig, and panics if err is not nil. It is meant for notebook
// cells, where a panic shows the message right away:
//
//	plotting.Must(plotting.Lines("Cost", "iteration", "cost", x, s)).Show()
func Must(fig *Figure, err error) *Figure {
	if err != nil {
		panic(err)
	}
	return fig
}

// Title returns the title given to the figure's builder.
func (f *Figure) Title() string {
	if f == nil {
		return ""
	}
	return f.title
}

// Layout returns the number of rows and columns of panels. A Stack or
// TimeSeries is laid out for the size it is drawn at (see
// Style.StackPanelHeight), so its layout depends on the style and size: 5
// panels are 5×1 in Notebook style but 3×2 on a Slide, the last column
// holding 2 panels and the legend.
func (f *Figure) Layout() (rows, cols int) {
	if f == nil {
		return 0, 0
	}
	if f.stack != nil {
		if l, err := f.stackLayoutFor(); err == nil && l.rows > 0 {
			return l.rows, l.cols
		}
	}
	return f.rows, f.cols
}

// NumPanels returns the number of panel cells (rows × cols), empty ones
// included; for a Stack or TimeSeries, the number of panels.
func (f *Figure) NumPanels() int {
	if f == nil {
		return 0
	}
	return len(f.panels)
}

// Plot returns the underlying gonum plot of panel i, counting row by row
// from the top left (for a Stack or TimeSeries, in stack order: top to
// bottom, then the next column), for customisation. It returns nil if i is
// out of range or the cell is empty. A heatmap's colour bar is a separate
// plot, not returned here. The size of long y labels, the number of tick
// labels and, in a stack, which panels show x tick labels are decided when
// the figure is drawn.
func (f *Figure) Plot(i int) *plot.Plot {
	if f == nil || i < 0 || i >= len(f.panels) || f.panels[i] == nil {
		return nil
	}
	return f.panels[i].plot
}

// Style returns the figure's style, with zero fields filled in.
func (f *Figure) Style() Style {
	if f == nil {
		return Notebook
	}
	return f.style
}

// WithStyle applies s (for example Slide or Paper) to the figure: its size,
// fonts, line widths and marker sizes. Zero fields of s are taken from
// Notebook. Changes you made to fonts and axes through Plot are overwritten,
// so apply the style first and customise after. It returns f for chaining.
func (f *Figure) WithStyle(s Style) *Figure {
	if f == nil {
		return nil
	}
	f.style = s.withDefaults()
	for _, pn := range f.panels {
		if pn != nil {
			pn.restyle(f.style)
		}
	}
	return f
}

// WithSize overrides the style's figure size; zero (or negative) w or h
// returns to the style's size. It returns f for chaining.
func (f *Figure) WithSize(w, h vg.Length) *Figure {
	if f == nil {
		return nil
	}
	f.width, f.height = w, h
	return f
}

// Size returns the size the figure is rendered at: the WithSize override if
// any, else the style's size, with the height grown to give every row
// Style.MinPanelHeight.
func (f *Figure) Size() (w, h vg.Length) {
	if f == nil {
		return 0, 0
	}
	w, h = f.style.Width, f.style.Height
	if minH := f.style.MinPanelHeight * vg.Length(f.rows); minH > h {
		h = minH
	}
	if f.width > 0 {
		w = f.width
	}
	if f.height > 0 {
		h = f.height
	}
	return w, h
}
