package plotting

import (
	"bytes"
	"errors"
	"fmt"
	"image/color"
	"math"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/rlcontrol/rlcontrol/internal/atomicfile"

	"codeberg.org/go-pdf/fpdf"
	"github.com/janpfeifer/gonb/gonbui"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
	"gonum.org/v1/plot/vg/vgpdf"
	"gonum.org/v1/plot/vg/vgsvg"
)

// Format is an output format for Render.
type Format string

// The output formats. SVG and PDF are vector formats; PNG is rendered at the
// style's DPI.
const (
	SVG Format = "svg"
	PNG Format = "png"
	PDF Format = "pdf"
)

// FormatOf returns the format named by the extension of path (.svg, .pdf or
// .png, in any letter case), or an error naming the extension.
func FormatOf(path string) (Format, error) {
	ext := filepath.Ext(path)
	switch strings.ToLower(ext) {
	case ".svg":
		return SVG, nil
	case ".pdf":
		return PDF, nil
	case ".png":
		return PNG, nil
	case "":
		return "", fmt.Errorf("plotting: %q has no file extension; want .svg, .pdf or .png", path)
	}
	return "", fmt.Errorf("plotting: unsupported file extension %q in %q; want .svg, .pdf or .png", ext, path)
}

// maxPixels bounds the size of a PNG, to turn an absurd size into an error
// instead of an out-of-memory crash.
const maxPixels = 100_000_000

// Render draws the figure and returns it encoded in the given format.
// The same figure gives byte-identical output every time (PDF dates are
// fixed), which makes golden tests and "same seed, same figure" possible.
func (f *Figure) Render(format Format) (out []byte, err error) {
	if f == nil {
		return nil, errors.New("plotting: Render: nil figure")
	}
	w, h := f.Size()
	if !(w > 0 && h > 0) || math.IsInf(float64(w), 0) || math.IsInf(float64(h), 0) {
		return nil, fmt.Errorf("plotting: Render: invalid figure size %v×%v points", float64(w), float64(h))
	}
	var c vg.CanvasWriterTo
	switch format {
	case SVG:
		c = vgsvg.New(w, h)
	case PDF:
		c = newPDF(w, h)
	case PNG:
		dpi := f.style.DPI
		px := w.Dots(float64(dpi)) * h.Dots(float64(dpi))
		if px > maxPixels {
			return nil, fmt.Errorf("plotting: Render: PNG of %v×%v points at %d dpi is %.3g pixels, more than %d", float64(w), float64(h), dpi, px, maxPixels)
		}
		c = vgimg.PngCanvas{Canvas: vgimg.NewWith(vgimg.UseWH(w, h), vgimg.UseDPI(dpi), vgimg.UseBackgroundColor(color.White))}
	default:
		return nil, fmt.Errorf("plotting: Render: unsupported format %q; want svg, pdf or png", string(format))
	}
	// gonum/plot panics on some impossible layouts (say, fonts larger than the
	// figure); report those as errors rather than crash a notebook kernel.
	defer func() {
		if r := recover(); r != nil {
			out, err = nil, fmt.Errorf("plotting: Render %s: drawing failed: %v", format, r)
		}
	}()
	f.draw(draw.New(c))
	var buf bytes.Buffer
	if _, err := c.WriteTo(&buf); err != nil {
		return nil, fmt.Errorf("plotting: Render %s: %w", format, err)
	}
	if format == SVG {
		return bytes.ReplaceAll(buf.Bytes(), []byte(svgFontFrom), []byte(svgFontTo)), nil
	}
	return buf.Bytes(), nil
}

// An SVG is drawn by the viewer's browser with the viewer's fonts, and
// gonum/plot names only Liberation Sans, the font it measured the text with.
// A browser without it (common on Linux, where the default sans font is
// wider) put labels over the plot. svgFontTo names the fonts of the same
// widths (Arimo on ChromeOS, Arial on Windows and macOS, Helvetica) before
// the generic family, so text keeps its measured width wherever one exists.
const (
	svgFontFrom = "font-family:Liberation Sans;"
	svgFontTo   = "font-family:'Liberation Sans',Arimo,Arial,Helvetica,sans-serif;"
)

// pdfDate is the creation date written into every PDF, so that PDFs are
// reproducible.
var pdfDate = time.Date(2000, time.January, 1, 0, 0, 0, 0, time.UTC)

// pdfMu guards the package-level defaults of fpdf that newPDF sets.
var pdfMu sync.Mutex

// newPDF returns a PDF canvas whose output does not depend on the clock or on
// map order. vgpdf offers no access to its document, so the fpdf defaults are
// set while the document is created and restored right after.
func newPDF(w, h vg.Length) *vgpdf.Canvas {
	pdfMu.Lock()
	defer pdfMu.Unlock()
	fpdf.SetDefaultCatalogSort(true)
	fpdf.SetDefaultCreationDate(pdfDate)
	fpdf.SetDefaultModificationDate(pdfDate)
	defer func() {
		fpdf.SetDefaultCatalogSort(false)
		fpdf.SetDefaultCreationDate(time.Time{})
		fpdf.SetDefaultModificationDate(time.Time{})
	}()
	return vgpdf.New(w, h)
}

// draw draws the whole figure on c.
func (f *Figure) draw(c draw.Canvas) {
	s := f.style
	c.SetColor(color.White)
	c.Fill(c.Rectangle.Path())
	m := s.TickSize * 0.5
	c = draw.Crop(c, m, -m, m, -m)

	if f.title != "" && f.titleAbove {
		ts := textStyle(s.TitleSize, draw.XCenter, draw.YTop)
		descent := ts.FontExtents().Descent
		c.FillText(ts, vg.Point{X: c.Center().X, Y: c.Max.Y + descent}, f.title)
		c.Max.Y -= f.titleSpace()
	}
	if f.stack != nil {
		f.drawStack(c)
		return
	}

	plots, cells, out := f.layoutGrid(c)
	for i, pn := range f.panels {
		if pn == nil {
			continue
		}
		if out[i] != legendInside && pn.box != nil {
			pn.box.hidden = true
			pn.drawPlot(plots[i], cells[i], s)
			pn.box.hidden = false
			pn.drawOutsideLegend(cells[i], plots[i], out[i], s)
			continue
		}
		pn.drawPlot(plots[i], cells[i], s)
	}
}

// layoutGrid lays the panels of a figure that is not a stack out on c, the
// figure less its margins and title. It returns shallow copies of the
// panels' plots (nil for empty cells) whose y labels are fitted to the
// height of their plotting areas, the canvas of each, with the plotting
// areas aligned across rows and columns, and where each panel's legend goes
// (see outsideLegends): room for the legends outside their panels is kept
// right of or below those panels.
func (f *Figure) layoutGrid(c draw.Canvas) ([]*plot.Plot, []draw.Canvas, []legendOut) {
	s := f.style
	plots := make([]*plot.Plot, len(f.panels))
	for i, pn := range f.panels {
		if pn != nil {
			p := *pn.plot
			plots[i] = &p
		}
	}
	tiles := draw.Tiles{
		Rows: f.rows, Cols: f.cols,
		PadX: s.LabelSize, PadY: s.LabelSize * 0.5,
	}
	cells := alignPlots(plots, f.rows, f.cols, tiles, c, nil, nil)
	// A y label longer than its plotting area is shrunk or broken onto two
	// lines; the area never shrinks for the label. A label on two lines is
	// wider, so align again.
	refit := false
	for i, p := range plots {
		if p == nil || p.Y.Label.Text == "" {
			continue
		}
		dc := dataCanvas(p, cells[i])
		lab := p.Y.Label
		p.Y.Label.Text, p.Y.Label.TextStyle.Font.Size = fitLabel(lab.Text, lab.TextStyle, dc.Max.Y-dc.Min.Y, s.TickSize)
		refit = refit || p.Y.Label.Text != lab.Text || p.Y.Label.TextStyle.Font.Size != lab.TextStyle.Font.Size
	}
	if refit {
		cells = alignPlots(plots, f.rows, f.cols, tiles, c, nil, nil)
	}
	out, right, below := f.outsideLegends(plots, cells)
	for i := range out {
		if out[i] != legendInside {
			cells = alignPlots(plots, f.rows, f.cols, tiles, c, right, below)
			break
		}
	}
	return plots, cells, out
}

// alignPlots places rows×cols plots (row-major, nil for an empty cell) on
// the tiles of c so that the plotting areas line up across each row and
// column and all have the same size. It is gonum's plot.Align, measuring
// the plotting areas with dataCanvas: gonum's own measure may shorten a
// panel for its y label. Plot i gets extraRight[i] more room on its right
// and extraBelow[i] more below, outside its canvas (nil slices mean none):
// room for a legend outside the panel.
func alignPlots(plots []*plot.Plot, rows, cols int, t draw.Tiles, c draw.Canvas, extraRight, extraBelow []vg.Length) []draw.Canvas {
	tiles := make([]draw.Canvas, len(plots))
	for i := range plots {
		tiles[i] = t.At(c, i%cols, i/cols)
	}
	// The most room any plot of column k needs left (l) and right (r) of
	// its plotting area, and any plot of row r below (b) and above (t).
	left, right := make([]vg.Length, cols), make([]vg.Length, cols)
	below, above := make([]vg.Length, rows), make([]vg.Length, rows)
	for i, p := range plots {
		if p == nil {
			continue
		}
		r, k := i/cols, i%cols
		cc, dc := tiles[i], dataCanvas(p, tiles[i])
		var er, eb vg.Length
		if extraRight != nil {
			er = extraRight[i]
		}
		if extraBelow != nil {
			eb = extraBelow[i]
		}
		left[k] = max(left[k], dc.Min.X-cc.Min.X)
		right[k] = max(right[k], cc.Max.X-dc.Max.X+er)
		below[r] = max(below[r], dc.Min.Y-cc.Min.Y+eb)
		above[r] = max(above[r], cc.Max.Y-dc.Max.Y)
	}
	spaceX := t.PadX*vg.Length(cols-1) + t.PadLeft + t.PadRight
	for k := range cols {
		spaceX += left[k] + right[k]
	}
	spaceY := t.PadY*vg.Length(rows-1) + t.PadTop + t.PadBottom
	for r := range rows {
		spaceY += below[r] + above[r]
	}
	w := (c.Max.X - c.Min.X - spaceX) / vg.Length(cols)
	h := (c.Max.Y - c.Min.Y - spaceY) / vg.Length(rows)

	// Every plotting area is w×h, at the left of column k's room and the
	// top of row r's.
	out := make([]draw.Canvas, len(plots))
	x := c.Min.X + t.PadLeft
	colX := make([]vg.Length, cols) // left edge of column k's plotting areas
	for k := range cols {
		colX[k] = x + left[k]
		x += left[k] + w + right[k] + t.PadX
	}
	y := c.Max.Y - t.PadTop
	rowY := make([]vg.Length, rows) // top edge of row r's plotting areas
	for r := range rows {
		rowY[r] = y - above[r]
		y -= above[r] + h + below[r] + t.PadY
	}
	for i, p := range plots {
		r, k := i/cols, i%cols
		want := vg.Rectangle{
			Min: vg.Point{X: colX[k], Y: rowY[r] - h},
			Max: vg.Point{X: colX[k] + w, Y: rowY[r]},
		}
		cc := tiles[i]
		cc.Rectangle = vg.Rectangle{
			Min: vg.Point{X: want.Min.X - left[k], Y: want.Min.Y - below[r]},
			Max: vg.Point{X: want.Max.X + right[k], Y: want.Max.Y + above[r]},
		}
		if p != nil {
			// Move the edges of the cell so that p's own margins put its
			// plotting area on want.
			dc := dataCanvas(p, cc)
			cc.Min.X += want.Min.X - dc.Min.X
			cc.Max.X += want.Max.X - dc.Max.X
			cc.Min.Y += want.Min.Y - dc.Min.Y
			cc.Max.Y += want.Max.Y - dc.Max.Y
		}
		out[i] = cc
	}
	return out
}

// titleSpace is the height that a title above the panels takes.
func (f *Figure) titleSpace() vg.Length {
	if f.title == "" || !f.titleAbove {
		return 0
	}
	s := f.style
	ts := textStyle(s.TitleSize, draw.XCenter, draw.YTop)
	return ts.Rectangle(f.title).Size().Y + s.TitleSize*0.5
}

// bodyArea is the part of a w×h figure in which draw lays out the panels:
// all of it less the margins and the title.
func (f *Figure) bodyArea(w, h vg.Length) vg.Rectangle {
	m := f.style.TickSize * 0.5
	return vg.Rectangle{
		Min: vg.Point{X: m, Y: m},
		Max: vg.Point{X: w - m, Y: h - m - f.titleSpace()},
	}
}

// drawPlot draws p, a shallow copy of the panel's plot that the caller may
// have adjusted, on c.
func (pn *panel) drawPlot(p *plot.Plot, c draw.Canvas, s Style) {
	if len(pn.legendNames) > 0 {
		// The legend box plotter draws the legend; keep Draw from drawing
		// it a second time.
		p.Legend = plot.NewLegend()
	}
	if pn.colorbar != nil {
		bar := *pn.colorbar
		barW := s.TickSize
		gap := s.TickSize
		// The bar's tick labels sit on its left; measure them.
		lw := dataCanvas(&bar, c).Min.X - c.Min.X
		// The colour label, right of the bar: fitted to the height of the
		// plotting area as measured before the bar takes its room.
		var labText string
		var labSty text.Style
		var labW vg.Length
		if pn.colorLabel != "" {
			labSty = textStyle(s.LabelSize*0.9, draw.XCenter, draw.YTop)
			h0 := dataCanvas(p, c)
			labText, labSty.Font.Size = fitLabel(pn.colorLabel, labSty, h0.Max.Y-h0.Min.Y, s.TickSize)
			labW = labSty.Height(labText) + gap*0.5
		}
		c.Max.X -= lw + barW + gap + labW
		dc := dataCanvas(p, c)
		bc := c
		bc.Min.X = c.Max.X + gap
		bc.Max.X = bc.Min.X + lw + barW
		bc.Min.Y, bc.Max.Y = dc.Min.Y, dc.Max.Y
		spaceTicks(&bar.Y, bc.Max.Y-bc.Min.Y, true)
		bar.Draw(bc)
		if labText != "" {
			labSty.Rotation = math.Pi / 2
			c.FillText(labSty, vg.Point{X: bc.Max.X + gap*0.5, Y: (bc.Min.Y + bc.Max.Y) / 2}, labText)
		}
	}
	switch {
	case pn.equalAspect && pn.shrink:
		c = shrinkToAspect(p, c)
	case pn.equalAspect:
		equalAspect(p, c)
	}
	dc := dataCanvas(p, c)
	spaceTicks(&p.X, dc.Max.X-dc.Min.X, false)
	spaceTicks(&p.Y, dc.Max.Y-dc.Min.Y, true)
	drawWithYLabel(p, c)
}

// yLabelRoom is the width that the y label of p takes left of its axis:
// what gonum sets aside for it.
func yLabelRoom(p *plot.Plot) vg.Length {
	lab := p.Y.Label
	if lab.Text == "" {
		return 0
	}
	return lab.TextStyle.FontExtents().Descent + lab.TextStyle.Height(lab.Text) + lab.Padding
}

// dataCanvas returns the plotting area of p when drawWithYLabel draws it on
// c. It differs from p.DataCanvas in ignoring the length of the y label:
// gonum shortens the plotting area to make room for a y label longer than
// the axis and, on a log axis, for one of any length, as it measures the
// label about the linear midpoint of the range, near the top of a log axis.
func dataCanvas(p *plot.Plot, c draw.Canvas) draw.Canvas {
	if p.Y.Label.Text == "" {
		return p.DataCanvas(c)
	}
	q := *p
	c.Min.X += yLabelRoom(p)
	q.Y.Label.Text = ""
	return q.DataCanvas(c)
}

// drawWithYLabel draws p on c as p.Draw does, except that it draws the y
// label itself, centred on the plotting area that dataCanvas gives, so that
// the label never changes the size of that area.
func drawWithYLabel(p *plot.Plot, c draw.Canvas) {
	if p.Y.Label.Text == "" {
		p.Draw(c)
		return
	}
	q := *p
	lab := q.Y.Label
	q.Y.Label.Text = ""
	// The title is centred over the whole canvas, label included, and the
	// background covers it all: draw them here as gonum would.
	if q.BackgroundColor != nil {
		c.SetColor(q.BackgroundColor)
		c.Fill(c.Rectangle.Path())
		q.BackgroundColor = nil
	}
	if q.Title.Text != "" {
		descent := q.Title.TextStyle.FontExtents().Descent
		c.FillText(q.Title.TextStyle, vg.Point{X: c.Center().X, Y: c.Max.Y + descent}, q.Title.Text)
		rect := q.Title.TextStyle.Rectangle(q.Title.Text)
		c.Max.Y -= rect.Size().Y
		c.Max.Y -= q.Title.Padding
		q.Title.Text = ""
	}
	body := c
	body.Min.X += yLabelRoom(p)
	q.Draw(body)

	dc := q.DataCanvas(body)
	y := (dc.Min.Y + dc.Max.Y) / 2
	if lab.Position == draw.PosTop {
		y = dc.Max.Y - lab.TextStyle.Width(lab.Text)/2
	}
	sty := lab.TextStyle
	sty.Rotation += math.Pi / 2
	x := c.Min.X + lab.TextStyle.Height(lab.Text) - lab.TextStyle.FontExtents().Descent
	c.FillText(sty, vg.Point{X: x, Y: y}, lab.Text)
}

// shrinkToAspect returns c narrowed or shortened, about its centre, so that
// one data unit of p has the same length on both axes. It suits panels
// without axes (images), where white margins would be wasted space between
// a title and its image.
func shrinkToAspect(p *plot.Plot, c draw.Canvas) draw.Canvas {
	xr, yr := p.X.Max-p.X.Min, p.Y.Max-p.Y.Min
	if !(xr > 0 && yr > 0) || math.IsInf(xr, 0) || math.IsInf(yr, 0) {
		return c
	}
	dc := dataCanvas(p, c)
	w, h := dc.Max.X-dc.Min.X, dc.Max.Y-dc.Min.Y
	if !(w > 0 && h > 0) {
		return c
	}
	if want := h * vg.Length(xr/yr); want < w {
		d := (w - want) / 2
		c.Min.X += d
		c.Max.X -= d
	} else {
		d := (h - w*vg.Length(yr/xr)) / 2
		c.Min.Y += d
		c.Max.Y -= d
	}
	return c
}

// equalAspect widens the x or y range of p so that one data unit has the
// same length on both axes when p is drawn on c. Only linear axes are
// changed.
func equalAspect(p *plot.Plot, c draw.Canvas) {
	if _, ok := p.X.Scale.(plot.LinearScale); !ok {
		return
	}
	if _, ok := p.Y.Scale.(plot.LinearScale); !ok {
		return
	}
	for range 2 { // a second pass absorbs the change in tick-label width
		xr, yr := p.X.Max-p.X.Min, p.Y.Max-p.Y.Min
		if !(xr > 0 && yr > 0) || math.IsInf(xr, 0) || math.IsInf(yr, 0) {
			return
		}
		dc := dataCanvas(p, c)
		w, h := float64(dc.Max.X-dc.Min.X), float64(dc.Max.Y-dc.Min.Y)
		if !(w > 0 && h > 0) {
			return
		}
		if xr/w > yr/h {
			mid, half := (p.Y.Min+p.Y.Max)/2, xr/w*h/2
			p.Y.Min, p.Y.Max = mid-half, mid+half
		} else {
			mid, half := (p.X.Min+p.X.Max)/2, yr/h*w/2
			p.X.Min, p.X.Max = mid-half, mid+half
		}
	}
}

// Save renders the figure in the format named by the extension of path
// (.svg, .pdf or .png) and writes it to path atomically: the bytes go to a
// temporary file in the same directory, which is then renamed, so a failed
// save never leaves a partial file behind. The directory must exist.
func (f *Figure) Save(path string) error {
	format, err := FormatOf(path)
	if err != nil {
		return err
	}
	b, err := f.Render(format)
	if err != nil {
		return fmt.Errorf("plotting: save %q: %w", path, err)
	}
	if err := atomicfile.Write(path, b); err != nil {
		return fmt.Errorf("plotting: save %q: %w", path, err)
	}
	return nil
}

// The notebook hooks; tests replace them.
var (
	inNotebook   = func() bool { return gonbui.IsNotebook }
	displaySVG   = gonbui.DisplaySvg
	displayPNG   = gonbui.DisplayPng
	displayHTML  = gonbui.DisplayHtml
	displayError = gonbui.Error
	// syncDisplay waits until the kernel has taken every display message:
	// a cell's program can otherwise exit before its last figure is sent,
	// and the figure never appears.
	syncDisplay = gonbui.Sync
)

// Show displays the figure inline in a GoNB notebook cell as SVG (sharp at
// any zoom). Outside a notebook it does nothing and returns nil, so lesson
// code can call it unconditionally.
func (f *Figure) Show() error {
	return f.show(SVG)
}

// ShowPNG displays the figure inline as a PNG at the style's DPI. Use it for
// figures with very many elements (large heatmaps), where SVG gets heavy.
// Outside a notebook it does nothing and returns nil.
func (f *Figure) ShowPNG() error {
	return f.show(PNG)
}

func (f *Figure) show(format Format) error {
	if !inNotebook() {
		return nil
	}
	b, err := f.Render(format)
	if err != nil {
		return err
	}
	if format == PNG {
		displayPNG(b)
	} else {
		displaySVG(string(b))
	}
	if err := displayError(); err != nil {
		return fmt.Errorf("plotting: show: %w", err)
	}
	syncDisplay()
	return nil
}

// ShowAs displays the figure inline as SVG under its export name: the
// output is an HTML <figure data-figure="name"> with a small caption giving
// the name, so a reader knows which file `make figures` writes for it and the
// notebook runner can check that every figure a lesson shows is exported.
// name must be a file name stem of lower-case letters, digits and '-'
// (e.g. "01-swingup-states"). Outside a notebook it checks name and does
// nothing else.
func (f *Figure) ShowAs(name string) error {
	if err := CheckFigureName(name); err != nil {
		return err
	}
	if !inNotebook() {
		return nil
	}
	b, err := f.Render(SVG)
	if err != nil {
		return err
	}
	html, err := NamedHTML(name, string(b))
	if err != nil {
		return err
	}
	displayHTML(html)
	if err := displayError(); err != nil {
		return fmt.Errorf("plotting: show %s: %w", name, err)
	}
	syncDisplay()
	return nil
}

// CheckFigureName reports whether name is a valid export name: 1–80
// characters, lower-case ASCII letters, digits and '-', not starting with '-'.
func CheckFigureName(name string) error {
	ok := len(name) > 0 && len(name) <= 80 && name[0] != '-'
	for _, r := range name {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-') {
			ok = false
		}
	}
	if !ok {
		return fmt.Errorf("plotting: figure name %q: want 1–80 lower-case letters, digits and '-', not starting with '-'", name)
	}
	return nil
}

// NamedHTML wraps an inline SVG (a figure or an animation) as the HTML a
// notebook shows for a named figure: <figure data-figure="name"> with a
// caption naming the exported file.
func NamedHTML(name, svg string) (string, error) {
	if err := CheckFigureName(name); err != nil {
		return "", err
	}
	if i := strings.Index(svg, "<svg"); i > 0 {
		svg = svg[i:] // drop the XML prolog, which is not allowed inside HTML
	}
	return fmt.Sprintf(`<figure data-figure="%s" style="margin:0">%s<figcaption style="font:11px sans-serif;color:#888">%s · exported by make figures</figcaption></figure>`,
		name, svg, name), nil
}

// Show displays fig inline in a GoNB notebook as SVG; see Figure.Show.
func Show(fig *Figure) error { return fig.Show() }

// ShowPNG displays fig inline in a GoNB notebook as PNG; see Figure.ShowPNG.
func ShowPNG(fig *Figure) error { return fig.ShowPNG() }

// Save writes fig to path in the format named by its extension; see
// Figure.Save.
func Save(fig *Figure, path string) error { return fig.Save(path) }
