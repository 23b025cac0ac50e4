package plotting

import (
	"image/color"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Style sets the size, fonts and line weights of a figure. The zero value of
// any field means "take it from Notebook", so a partly filled Style is valid.
// Start from a preset and change a field to make a variant:
//
//	st := plotting.Paper
//	st.Dashes = true // black-and-white print
//	fig.WithStyle(st)
type Style struct {
	// Name identifies the style in messages; it has no effect on drawing.
	Name string

	// Width and Height are the size of the whole figure (all panels).
	// Typical values are 3–10 inches (vg.Inch).
	Width, Height vg.Length

	// MinPanelHeight, when positive, grows Height so that each row of
	// panels gets at least this much room (useful for tall panel stacks in
	// a notebook). Zero keeps Height fixed, which is what slides need.
	MinPanelHeight vg.Length

	// StackPanelHeight is the least height of the plotting area of each
	// panel of a Stack or TimeSeries. When the figure is too short to give
	// every panel that much in one column (five panels on a slide, say),
	// the panels are laid out in two or more columns, top to bottom and
	// then left to right, each column with its own x axis. Zero means 4.5
	// times TickSize: 1in for Slide, 0.625in for Notebook.
	StackPanelHeight vg.Length

	// DPI is the resolution of PNG output, in dots per inch. SVG and PDF are
	// vector formats and ignore it. 96 gives screen size; 192 gives a sharp
	// 1920×1080 image for a 10-inch slide; 300 is print quality.
	DPI int

	// TitleSize, LabelSize, TickSize and LegendSize are font sizes (points)
	// of the figure title, axis labels, tick labels and legend entries.
	TitleSize, LabelSize, TickSize, LegendSize vg.Length

	// LineWidth is the width of data lines; other strokes (outlines,
	// reference lines) are drawn relative to it. 1–3 points is sensible.
	LineWidth vg.Length

	// AxisWidth is the width of the axis lines and tick marks.
	AxisWidth vg.Length

	// MarkerRadius is the radius of point markers (start and goal markers).
	MarkerRadius vg.Length

	// Dashes, when true, gives every series a dash pattern as well as a
	// colour (series i gets Dashes(i, LineWidth)), so that figures stay
	// readable when printed in black and white.
	Dashes bool
}

// Preset styles. They are variables so that a notebook can adjust one for a
// whole session, but the usual way is to copy one and change a field.
var (
	// Notebook is the default style: a moderate 6.4in×4in figure for inline
	// display in a notebook.
	Notebook = Style{
		Name:           "notebook",
		Width:          6.4 * vg.Inch,
		Height:         4 * vg.Inch,
		MinPanelHeight: 1.4 * vg.Inch,
		DPI:            96,
		TitleSize:      13,
		LabelSize:      12,
		TickSize:       10,
		LegendSize:     10,
		LineWidth:      1.75,
		AxisWidth:      0.75,
		MarkerRadius:   3.5,
	}

	// Slide is a 16:9 figure that fills a 10in×5.625in slide, with fonts
	// readable from the back of a lecture hall (20pt labels, 16pt ticks)
	// and thick 2.5pt lines. Its PNG output is 1920×1080 pixels.
	Slide = Style{
		Name:         "slide",
		Width:        10 * vg.Inch,
		Height:       5.625 * vg.Inch,
		DPI:          192,
		TitleSize:    24,
		LabelSize:    20,
		TickSize:     16,
		LegendSize:   16,
		LineWidth:    2.5,
		AxisWidth:    1.5,
		MarkerRadius: 6,
	}

	// Paper is a single-column journal figure, 3.5in wide with 8pt fonts.
	Paper = Style{
		Name:           "paper",
		Width:          3.5 * vg.Inch,
		Height:         2.6 * vg.Inch,
		MinPanelHeight: 1.1 * vg.Inch,
		DPI:            300,
		TitleSize:      9,
		LabelSize:      8,
		TickSize:       7,
		LegendSize:     7,
		LineWidth:      1,
		AxisWidth:      0.5,
		MarkerRadius:   2,
	}
)

// withDefaults fills the zero fields of s from Notebook.
func (s Style) withDefaults() Style {
	d := Notebook
	if s.Name == "" {
		s.Name = "custom"
	}
	setLen := func(v *vg.Length, def vg.Length) {
		if !(*v > 0) { // also replaces NaN
			*v = def
		}
	}
	setLen(&s.Width, d.Width)
	setLen(&s.Height, d.Height)
	setLen(&s.TitleSize, d.TitleSize)
	setLen(&s.LabelSize, d.LabelSize)
	setLen(&s.TickSize, d.TickSize)
	setLen(&s.LegendSize, d.LegendSize)
	setLen(&s.LineWidth, d.LineWidth)
	setLen(&s.AxisWidth, d.AxisWidth)
	setLen(&s.MarkerRadius, d.MarkerRadius)
	if !(s.MinPanelHeight >= 0) {
		s.MinPanelHeight = 0
	}
	if !(s.StackPanelHeight >= 0) || math.IsInf(float64(s.StackPanelHeight), 0) {
		s.StackPanelHeight = 0
	}
	if s.DPI <= 0 {
		s.DPI = d.DPI
	}
	return s
}

// okabeIto is the Okabe–Ito colour-blind-safe palette, ordered so that the
// first colours are the most distinct on white (yellow comes last).
var okabeIto = [...]color.RGBA{
	{R: 0x00, G: 0x72, B: 0xB2, A: 0xFF}, // blue
	{R: 0xD5, G: 0x5E, B: 0x00, A: 0xFF}, // vermillion
	{R: 0x00, G: 0x9E, B: 0x73, A: 0xFF}, // bluish green
	{R: 0xCC, G: 0x79, B: 0xA7, A: 0xFF}, // reddish purple
	{R: 0xE6, G: 0x9F, B: 0x00, A: 0xFF}, // orange
	{R: 0x56, G: 0xB4, B: 0xE9, A: 0xFF}, // sky blue
	{R: 0x00, G: 0x00, B: 0x00, A: 0xFF}, // black
	{R: 0xF0, G: 0xE4, B: 0x42, A: 0xFF}, // yellow
}

// NumColors is the number of distinct colours in the series palette; Color
// repeats after this many.
const NumColors = len(okabeIto)

// Color returns the colour of series i in the Okabe–Ito colour-blind-safe
// palette (blue, vermillion, bluish green, reddish purple, orange, sky blue,
// black, yellow), wrapping around after NumColors. Negative i counts from
// the end.
func Color(i int) color.RGBA {
	n := len(okabeIto)
	return okabeIto[((i%n)+n)%n]
}

// dashUnits are dash patterns in multiples of the line width.
var dashUnits = [][]float64{
	nil,                      // solid
	{4, 2},                   // dashed
	{1, 1.5},                 // dotted
	{4, 1.5, 1, 1.5},         // dash-dot
	{8, 3},                   // long dash
	{4, 1.5, 1, 1.5, 1, 1.5}, // dash-dot-dot
}

// Dashes returns the dash pattern of series i for a line of the given width:
// solid, dashed, dotted, dash-dot, long dash, dash-dot-dot, then repeating.
// A nil result means a solid line. The pattern scales with width so that
// thick slide lines keep the same look.
func Dashes(i int, width vg.Length) []vg.Length {
	n := len(dashUnits)
	u := dashUnits[((i%n)+n)%n]
	if u == nil {
		return nil
	}
	if !(width > 0) {
		width = 1
	}
	out := make([]vg.Length, len(u))
	for k, v := range u {
		out[k] = vg.Length(v) * width
	}
	return out
}

// sans is the font family of every text in a figure. Liberation Sans is
// embedded in gonum/plot and metric-compatible with Arial/Helvetica, so SVG
// viewers that lack it substitute a font of the same widths.
var sans = font.Font{Typeface: "Liberation", Variant: "Sans"}

// textStyle returns a black text style of the given size.
func textStyle(size vg.Length, xa draw.XAlignment, ya draw.YAlignment) text.Style {
	return text.Style{
		Color:   color.Black,
		Font:    font.From(sans, size),
		XAlign:  xa,
		YAlign:  ya,
		Handler: textHandler,
	}
}

// useRichText makes sty drawn by textHandler, unless it has a handler of
// its own other than gonum's default.
func useRichText(sty *text.Style) {
	if sty.Handler == nil || sty.Handler == plot.DefaultTextHandler {
		sty.Handler = textHandler
	}
}

// styleAxes applies the fonts and axis weights of s to p, keeping the
// alignment and handlers already set on p.
func styleAxes(p *plot.Plot, s Style) {
	for _, sty := range []*text.Style{&p.Title.TextStyle, &p.X.Label.TextStyle, &p.Y.Label.TextStyle, &p.X.Tick.Label, &p.Y.Tick.Label, &p.Legend.TextStyle} {
		useRichText(sty)
	}
	p.Title.TextStyle.Font = font.From(sans, s.TitleSize)
	p.Title.Padding = s.TitleSize * 0.4
	for _, a := range []*plot.Axis{&p.X, &p.Y} {
		a.Label.TextStyle.Font = font.From(sans, s.LabelSize)
		a.Label.Padding = s.LabelSize * 0.25
		a.Tick.Label.Font = font.From(sans, s.TickSize)
		a.Tick.Width = s.AxisWidth
		if a.Width == 0 && a.Tick.Length == 0 {
			continue // hidden (plot.HideX and friends): keep it hidden
		}
		a.Width = s.AxisWidth
		a.Tick.Length = s.TickSize * 0.4
		if a.Padding != 0 {
			a.Padding = s.TickSize * 0.3
		}
	}
	p.Legend.TextStyle.Font = font.From(sans, s.LegendSize)
	p.Legend.ThumbnailWidth = s.LegendSize * 2.5
	p.Legend.Padding = s.LegendSize * 0.15
	p.Legend.XOffs = -s.LegendSize * 0.5
	p.Legend.YOffs = -s.LegendSize * 0.4
}

// lineHook records a line whose weight follows the style.
type lineHook struct {
	ls    *draw.LineStyle
	scale float64 // width = scale × Style.LineWidth
	index int     // series index for Style.Dashes; -1 for never dashed
}

// glyphHook records a marker whose size follows the style.
type glyphHook struct {
	gs    *draw.GlyphStyle
	scale float64 // radius = scale × Style.MarkerRadius
}

// restyle applies s to the panel: axes and fonts of its plots, and the
// weights of the lines and markers that the builders created.
func (pn *panel) restyle(s Style) {
	styleAxes(pn.plot, s)
	if pn.smallTitle {
		pn.plot.Title.TextStyle.Font.Size = s.LabelSize
		pn.plot.Title.Padding = s.LabelSize * 0.25
	}
	if pn.colorbar != nil {
		styleAxes(pn.colorbar, s)
	}
	for _, h := range pn.lines {
		h.ls.Width = vg.Length(h.scale) * s.LineWidth
		h.ls.Dashes = nil
		if s.Dashes && h.index >= 0 {
			h.ls.Dashes = Dashes(h.index, h.ls.Width)
		}
	}
	for _, h := range pn.glyphs {
		h.gs.Radius = vg.Length(h.scale) * s.MarkerRadius
	}
	for _, h := range pn.styleHooks {
		h(s)
	}
}
