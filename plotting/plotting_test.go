package plotting

import (
	"bytes"
	"errors"
	"fmt"
	"image/color"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/palette/moreland"
	"gonum.org/v1/plot/vg"
)

var formats = []Format{SVG, PNG, PDF}

// TestDeterministic checks that the same data give byte-identical output in
// every format, both when one figure is rendered twice and when it is built
// twice.
func TestDeterministic(t *testing.T) {
	for _, g := range goldenFigures {
		f1, err := g.build()
		if err != nil {
			t.Fatal(err)
		}
		f2, _ := g.build()
		for _, format := range formats {
			a, err := f1.Render(format)
			if err != nil {
				t.Fatalf("%s %s: %v", g.name, format, err)
			}
			c, _ := f2.Render(format)
			if !bytes.Equal(a, c) {
				t.Errorf("%s %s: output differs between builds", g.name, format)
			}
			// Map-order bugs show up only sometimes: render a few times.
			for range 4 {
				if b, _ := f1.Render(format); !bytes.Equal(a, b) {
					t.Errorf("%s %s: output differs between renders", g.name, format)
					break
				}
			}
		}
	}
}

func TestRenderFormats(t *testing.T) {
	fig, err := figLines()
	if err != nil {
		t.Fatal(err)
	}
	magic := map[Format]string{SVG: "<?xml", PNG: "\x89PNG", PDF: "%PDF-"}
	for _, format := range formats {
		b, err := fig.Render(format)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.HasPrefix(b, []byte(magic[format])) {
			t.Errorf("%s output starts with %q", format, b[:min(len(b), 8)])
		}
	}
	pdf, _ := fig.Render(PDF)
	if !bytes.Contains(pdf, []byte("/CreationDate (D:20000101000000)")) {
		t.Error("PDF creation date is not the fixed one")
	}
	if _, err := fig.Render("jpg"); err == nil || !strings.Contains(err.Error(), `"jpg"`) {
		t.Errorf("Render(jpg) error = %v; want one naming the format", err)
	}
	var nilFig *Figure
	if _, err := nilFig.Render(SVG); err == nil {
		t.Error("nil figure rendered without error")
	}
}

func TestFormatOf(t *testing.T) {
	for path, want := range map[string]Format{
		"a.svg": SVG, "dir/b.PDF": PDF, "/x/y/c.png": PNG, "d.Svg": SVG,
	} {
		got, err := FormatOf(path)
		if err != nil || got != want {
			t.Errorf("FormatOf(%q) = %q, %v; want %q", path, got, err, want)
		}
	}
	for path, bad := range map[string]string{
		"a.jpg": `".jpg"`, "b.eps": `".eps"`, "noext": "no file extension", "c.svg.gz": `".gz"`,
	} {
		if _, err := FormatOf(path); err == nil || !strings.Contains(err.Error(), bad) {
			t.Errorf("FormatOf(%q) error = %v; want one containing %s", path, err, bad)
		}
	}
}

// TestSave writes every format and checks content, permissions and that no
// temporary file is left behind.
func TestSave(t *testing.T) {
	fig, _ := figTrajectories()
	dir := t.TempDir()
	for _, name := range []string{"f.svg", "f.pdf", "f.png"} {
		path := filepath.Join(dir, name)
		if err := Save(fig, path); err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		format, _ := FormatOf(path)
		want, _ := fig.Render(format)
		if !bytes.Equal(got, want) {
			t.Errorf("%s: saved bytes differ from Render", name)
		}
		if st, _ := os.Stat(path); st.Mode().Perm() != 0o644 {
			t.Errorf("%s: mode %v; want 0644", name, st.Mode().Perm())
		}
	}
	assertFiles(t, dir, "f.pdf", "f.png", "f.svg")
}

func TestSaveErrors(t *testing.T) {
	fig, _ := figLines()
	dir := t.TempDir()

	// Unknown extension: error names it, nothing written.
	err := fig.Save(filepath.Join(dir, "f.jpg"))
	if err == nil || !strings.Contains(err.Error(), ".jpg") {
		t.Errorf("Save(.jpg) error = %v", err)
	}

	// Directory does not exist: error names the path.
	missing := filepath.Join(dir, "no", "such", "dir", "f.png")
	if err := fig.Save(missing); err == nil || !strings.Contains(err.Error(), missing) {
		t.Errorf("Save(%q) error = %v; want one naming the path", missing, err)
	}

	// A file system that refuses new files.
	if _, err := os.Stat("/proc/self"); err == nil {
		p := "/proc/plotting-test.svg"
		if err := fig.Save(p); err == nil || !strings.Contains(err.Error(), p) {
			t.Errorf("Save(%q) error = %v; want one naming the path", p, err)
		}
		if _, err := os.Stat(p); err == nil {
			t.Errorf("%s exists after a failed save", p)
		}
	}

	// A failed render leaves an existing file untouched and no temp file.
	old := filepath.Join(dir, "old.png")
	if err := os.WriteFile(old, []byte("previous figure"), 0o644); err != nil {
		t.Fatal(err)
	}
	huge, _ := figLines()
	huge.WithSize(1000*vg.Inch, 1000*vg.Inch)
	if err := huge.Save(old); err == nil || !strings.Contains(err.Error(), old) {
		t.Errorf("Save of an oversized PNG: error = %v; want one naming the path", err)
	}
	if b, _ := os.ReadFile(old); string(b) != "previous figure" {
		t.Errorf("failed save changed the existing file to %q", b)
	}

	// Saving over a directory fails in the rename; the temp file is removed.
	sub := filepath.Join(dir, "taken.svg")
	if err := os.Mkdir(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := fig.Save(sub); err == nil {
		t.Error("saving over a directory succeeded")
	}
	assertFiles(t, dir, "old.png", "taken.svg")

	var nilFig *Figure
	if err := nilFig.Save(filepath.Join(dir, "nil.svg")); err == nil {
		t.Error("saving a nil figure succeeded")
	}
	assertFiles(t, dir, "old.png", "taken.svg")
}

// assertFiles checks that dir holds exactly the named entries.
func assertFiles(t *testing.T, dir string, names ...string) {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range ents {
		got = append(got, e.Name())
	}
	if strings.Join(got, " ") != strings.Join(names, " ") {
		t.Errorf("%s holds %v; want %v", dir, got, names)
	}
}

// fakeNotebook replaces the GoNB hooks for one test.
// Each display is recorded with the number of syncs that preceded it, and
// a sync appends "sync" to the SVG list, so a test sees their order.
func fakeNotebook(t *testing.T, in bool, showErr error) (svgs *[]string, pngs *[][]byte) {
	svgs, pngs = new([]string), new([][]byte)
	oldIn, oldSVG, oldPNG, oldErr, oldSync := inNotebook, displaySVG, displayPNG, displayError, syncDisplay
	t.Cleanup(func() {
		inNotebook, displaySVG, displayPNG, displayError, syncDisplay = oldIn, oldSVG, oldPNG, oldErr, oldSync
	})
	inNotebook = func() bool { return in }
	displaySVG = func(s string) { *svgs = append(*svgs, s) }
	displayPNG = func(b []byte) { *pngs = append(*pngs, b) }
	displayError = func() error { return showErr }
	syncDisplay = func() { *svgs = append(*svgs, "sync") }
	return svgs, pngs
}

func TestShowOutsideNotebook(t *testing.T) {
	svgs, pngs := fakeNotebook(t, false, nil)
	fig, _ := figBands()
	var nilFig *Figure
	for _, err := range []error{Show(fig), ShowPNG(fig), fig.Show(), nilFig.Show()} {
		if err != nil {
			t.Errorf("show outside a notebook returned %v", err)
		}
	}
	if len(*svgs)+len(*pngs) != 0 {
		t.Error("show outside a notebook displayed something")
	}
}

func TestShowInNotebook(t *testing.T) {
	svgs, pngs := fakeNotebook(t, true, nil)
	fig, _ := figBands()
	if err := fig.Show(); err != nil {
		t.Fatal(err)
	}
	// The display is synced before Show returns, or a cell's program may
	// exit before the kernel has taken its last figure.
	if len(*svgs) != 2 || !strings.Contains((*svgs)[0], "<svg") || (*svgs)[1] != "sync" {
		t.Errorf("Show displayed %d SVGs and syncs, want an SVG then a sync", len(*svgs))
	}
	if err := fig.ShowPNG(); err != nil {
		t.Fatal(err)
	}
	if len(*svgs) != 3 || (*svgs)[2] != "sync" {
		t.Errorf("ShowPNG did not sync")
	}
	if len(*pngs) != 1 || !bytes.HasPrefix((*pngs)[0], []byte("\x89PNG")) {
		t.Errorf("ShowPNG displayed %d PNGs", len(*pngs))
	}
	var nilFig *Figure
	if err := nilFig.Show(); err == nil {
		t.Error("showing a nil figure in a notebook succeeded")
	}

	fakeNotebook(t, true, errors.New("pipe closed"))
	if err := fig.Show(); err == nil || !strings.Contains(err.Error(), "pipe closed") {
		t.Errorf("Show with a broken pipe: %v", err)
	}
}

func TestStyles(t *testing.T) {
	fig, _ := figLines()
	for _, c := range []struct {
		st   Style
		w, h int
	}{
		{Slide, 1920, 1080},
		{Paper, 1050, 780},
		{Notebook, 614, 384},
		{Style{}, 614, 384}, // zero value: Notebook
	} {
		b, err := fig.WithStyle(c.st).Render(PNG)
		if err != nil {
			t.Fatal(err)
		}
		cfg, err := png.DecodeConfig(bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		if cfg.Width != c.w || cfg.Height != c.h {
			t.Errorf("style %q: PNG is %d×%d; want %d×%d", c.st.Name, cfg.Width, cfg.Height, c.w, c.h)
		}
	}
	if s := fig.WithStyle(Slide).Plot(0).X.Label.TextStyle.Font.Size; s != 20 {
		t.Errorf("slide label font %v; want 20", s)
	}
	st := Slide
	st.Dashes = true
	fig.WithStyle(st)
	if d := fig.panels[0].lines[1].ls.Dashes; len(d) != 2 || d[0] != 4*2.5 {
		t.Errorf("dashed style: series 1 dashes %v", d)
	}
	fig.WithStyle(Slide)
	if d := fig.panels[0].lines[1].ls.Dashes; d != nil {
		t.Errorf("undashed style: series 1 dashes %v", d)
	}

	// MinPanelHeight grows tall stacks; WithSize overrides.
	ts, _ := figTimeSeries()
	if _, h := ts.Size(); h != 3*Notebook.MinPanelHeight {
		t.Errorf("3-panel notebook stack height %v; want %v", h, 3*Notebook.MinPanelHeight)
	}
	if _, h := ts.WithStyle(Slide).Size(); h != Slide.Height {
		t.Errorf("slide stack height %v; want %v", h, Slide.Height)
	}
	if w, h := ts.WithSize(100, 50).Size(); w != 100 || h != 50 {
		t.Errorf("WithSize: %v×%v", w, h)
	}
}

// TestOddSizesDoNotPanic renders figures far too small for their text.
func TestOddSizesDoNotPanic(t *testing.T) {
	for _, g := range goldenFigures {
		fig, _ := g.build()
		for _, sz := range [][2]vg.Length{{1, 1}, {5, 300}, {300, 5}} {
			fig.WithSize(sz[0], sz[1])
			fig.Render(SVG) // an error is fine, a panic is not
		}
		fig.WithSize(vg.Length(math.NaN()), 10)
		fig.Render(PNG)
	}
}

func TestPalette(t *testing.T) {
	if c := Color(0); c.R != 0x00 || c.G != 0x72 || c.B != 0xB2 {
		t.Errorf("Color(0) = %v; want Okabe–Ito blue", c)
	}
	if Color(NumColors) != Color(0) || Color(-1) != Color(NumColors-1) {
		t.Error("Color does not wrap around")
	}
	if Dashes(0, 2) != nil {
		t.Error("series 0 is not solid")
	}
	if d := Dashes(1, 2); len(d) != 2 || d[0] != 8 || d[1] != 4 {
		t.Errorf("Dashes(1, 2) = %v", d)
	}
	if d := Dashes(7, 1); len(d) != 2 {
		t.Errorf("Dashes does not wrap around: %v", d)
	}
}

func TestPlotAccess(t *testing.T) {
	fig, _ := figTimeSeries()
	if r, c := fig.Layout(); r != 3 || c != 1 || fig.NumPanels() != 3 {
		t.Errorf("layout %d×%d", r, c)
	}
	if fig.Plot(0) == nil || fig.Plot(3) != nil || fig.Plot(-1) != nil {
		t.Error("Plot index handling")
	}
	if fig.Title() != "Pendulum swing-up" {
		t.Errorf("title %q", fig.Title())
	}

	p := plot.New()
	p.Title.Text = "mine"
	own := FromPlot(p)
	if own.Plot(0) != p {
		t.Error("FromPlot does not keep the plot")
	}
	if _, err := own.Render(SVG); err != nil {
		t.Error(err)
	}
	if _, err := FromPlot(nil).Render(PNG); err != nil {
		t.Error(err)
	}
	g, err := Grid("two", 1, 2, p, nil)
	if err != nil || g.Plot(0) != p || g.Plot(1) != nil {
		t.Fatalf("Grid: %v", err)
	}
	if _, err := g.Render(PDF); err != nil {
		t.Error(err)
	}
	for _, c := range []struct {
		r, c  int
		plots []*plot.Plot
		want  string
	}{
		{0, 1, nil, "rows, cols"},
		{2, 2, []*plot.Plot{p}, "needs 4 plots, got 1"},
		{1, 1, []*plot.Plot{nil}, "all plots are nil"},
	} {
		if _, err := Grid("", c.r, c.c, c.plots...); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Grid(%d, %d): %v; want %q", c.r, c.c, err, c.want)
		}
	}

	var nilFig *Figure
	if nilFig.WithStyle(Slide) != nil || nilFig.Plot(0) != nil || nilFig.NumPanels() != 0 {
		t.Error("nil figure methods")
	}
}

func TestMust(t *testing.T) {
	fig, err := figLines()
	if Must(fig, err) != fig {
		t.Error("Must changed the figure")
	}
	defer func() {
		if recover() == nil {
			t.Error("Must did not panic on error")
		}
	}()
	Must(Lines("", "", "", nil))
}

func TestTicks(t *testing.T) {
	labels := func(tk plot.Ticker, lo, hi float64) string {
		var out []string
		for _, t := range tk.Ticks(lo, hi) {
			if t.Label != "" {
				out = append(out, t.Label)
			}
		}
		return strings.Join(out, " ")
	}
	for _, c := range []struct {
		tk     plot.Ticker
		lo, hi float64
		want   string
	}{
		{niceTicks{}, 0, 29, "0 5 10 15 20 25"},
		{niceTicks{}, -1.2, 1.1, "-1.0 -0.5 0.0 0.5 1.0"},
		{niceTicks{n: 3}, 0, 2.7, "0 1 2"},
		{logTicks{}, 0.1, 100, "0.1 1 10 100"},
		{logTicks{}, 1.5, 40, "2 5 10 20"},
		{logTicks{}, 1e-30, 1e30, "1e-24 1e-16 1e-08 1 1e+08 1e+16 1e+24"},
		{intTicks{}, -0.5, 4.5, "0 1 2 3 4"},
		{intTicks{}, -0.5, 99.5, "0 20 40 60 80"},
	} {
		if got := labels(c.tk, c.lo, c.hi); got != c.want {
			t.Errorf("%T%v on [%g, %g]: %q; want %q", c.tk, c.tk, c.lo, c.hi, got, c.want)
		}
	}
	if (niceTicks{}).Ticks(1, 1) != nil || (logTicks{}).Ticks(-1, 1) != nil {
		t.Error("degenerate ranges should give no ticks")
	}
}

// TestBadInput checks that every builder rejects bad data with an error that
// names the bad value, and never panics.
func TestBadInput(t *testing.T) {
	nan, inf := math.NaN(), math.Inf(1)
	x := []float64{0, 1, 2}
	good := []float64{1, 2, 3}
	img := func(w, h int, pix ...float64) Image { return Image{W: w, H: h, Pix: pix} }
	traj := func(s Scene) func() (*Figure, error) {
		return func() (*Figure, error) { return Trajectories("", "", "", s) }
	}
	ts := func(sn, cn []string, tr ...Trace) func() (*Figure, error) {
		return func() (*Figure, error) { return TimeSeries("", "t", x, sn, cn, tr...) }
	}
	row := func(v ...float64) []float64 { return v }
	states := [][]float64{row(0, 1), row(1, 2), row(2, 3)}
	cases := []struct {
		name  string
		build func() (*Figure, error)
		want  string
	}{
		{"lines empty x", func() (*Figure, error) { return Lines("", "", "", nil, Series{Y: nil}) }, "x is empty"},
		{"lines NaN x", func() (*Figure, error) { return Lines("", "", "", []float64{0, nan}, Series{Y: row(1, 2)}) }, "x[1] is NaN"},
		{"lines no series", func() (*Figure, error) { return Lines("", "", "", x) }, "no series"},
		{"lines short", func() (*Figure, error) { return Lines("", "", "", x, Series{Name: "cost", Y: row(1, 2)}) }, `series 0 ("cost") Y has 2 values, x has 3`},
		{"lines NaN", func() (*Figure, error) {
			return Lines("", "", "", x, Series{Y: good}, Series{Name: "KL", Y: row(1, nan, 3)})
		}, `series 1 ("KL") Y[1] is NaN`},
		{"lines Inf", func() (*Figure, error) { return Lines("", "", "", x, Series{Y: row(1, 2, inf)}) }, "Y[2] is +Inf"},
		{"log nonpositive", func() (*Figure, error) { return LinesLogY("", "", "", x, Series{Y: row(1, 0, 3)}) }, "Y[1] = 0 is not positive"},
		{"bands none", func() (*Figure, error) { return Bands("", "", "", x) }, "no bands"},
		{"bands std length", func() (*Figure, error) { return Bands("", "", "", x, Band{Mean: good, Std: row(1)}) }, "band 0 Std has 1 values"},
		{"bands mean NaN", func() (*Figure, error) { return Bands("", "", "", x, Band{Name: "p", Mean: row(nan, 1, 1), Std: good}) }, `band 0 ("p") Mean[0] is NaN`},
		{"bands negative std", func() (*Figure, error) { return Bands("", "", "", x, Band{Mean: good, Std: row(1, -1, 1)}) }, "Std[1] = -1 is negative"},
		{"bands sigmas", func() (*Figure, error) { return Bands("", "", "", x, Band{Mean: good, Std: good, Sigmas: nan}) }, "Sigmas = NaN"},
		{"bands log nonpositive", func() (*Figure, error) {
			return BandsLogY("", "", "", x, Band{Mean: good, Std: good}, Band{Name: "ls", Mean: row(1, 2, -0.5), Std: good})
		}, `BandsLogY: band 1 ("ls") Mean[2] = -0.5 is not positive`},
		{"bands log NaN", func() (*Figure, error) { return BandsLogY("", "", "", x, Band{Mean: good, Std: row(1, nan, 1)}) }, "BandsLogY: band 0 Std[1] is NaN"},
		{"traj none", traj(Scene{}), "no paths"},
		{"traj empty", traj(Scene{Paths: []Path{{Name: "a"}}}), `path 0 ("a") is empty`},
		{"traj lengths", traj(Scene{Paths: []Path{{X: good, Y: row(1)}}}), "3 X values but 1 Y values"},
		{"traj NaN", traj(Scene{Paths: []Path{{X: good, Y: row(1, 2, nan)}}}), "path 0 Y[2] is NaN"},
		{"traj goal", traj(Scene{Paths: []Path{{X: good, Y: good}}, Goals: []Point{{X: inf}}}), "goal 0 = (+Inf, 0)"},
		{"traj radius", traj(Scene{Paths: []Path{{X: good, Y: good}}, Obstacles: []Circle{{R: 0}}}), "obstacle 0"},
		{"traj centre", traj(Scene{Paths: []Path{{X: good, Y: good}}, Obstacles: []Circle{{X: nan, R: 1}}}), "X: NaN"},
		{"heatmap nil", func() (*Figure, error) { return Heatmap("", "", "", nil) }, "nil matrix"},
		{"heatmap empty", func() (*Figure, error) { return Heatmap("", "", "", &mat.Dense{}) }, "empty (0×0)"},
		{"heatmap NaN", func() (*Figure, error) { return Heatmap("", "", "", mat.NewDense(2, 2, []float64{1, 2, nan, 4})) }, "entry (1, 0) is NaN"},
		{"heatmap wide", func() (*Figure, error) {
			return Heatmap("", "", "", mat.NewDense(1, 2, []float64{-math.MaxFloat64, math.MaxFloat64}))
		}, "too wide"},
		{"heatmap row labels", func() (*Figure, error) {
			return HeatmapLabeled("", "", "", mat.NewDense(2, 3, nil), HeatmapOptions{RowLabels: []string{"a"}})
		}, "1 row labels for a 2×3 matrix; want 2"},
		{"heatmap column labels", func() (*Figure, error) {
			return HeatmapLabeled("", "", "", mat.NewDense(2, 3, nil), HeatmapOptions{RowLabels: []string{"a", "b"}, ColLabels: []string{}})
		}, "0 column labels for a 2×3 matrix; want 3"},
		{"heatmap values format", func() (*Figure, error) {
			return HeatmapLabeled("", "", "", mat.NewDense(1, 1, nil), HeatmapOptions{Values: "%d"})
		}, `Values format "%d" does not print one float64`},
		{"heatmap values extra", func() (*Figure, error) {
			return HeatmapLabeled("", "", "", mat.NewDense(1, 1, nil), HeatmapOptions{Values: "cost"})
		}, `Values format "cost"`},
		{"heatmap labeled NaN", func() (*Figure, error) {
			return HeatmapLabeled("", "", "", mat.NewDense(1, 1, []float64{nan}), HeatmapOptions{})
		}, "HeatmapLabeled: entry (0, 0) is NaN"},
		{"images none", func() (*Figure, error) { return ImageGrid("", 0) }, "no images"},
		{"images size", func() (*Figure, error) { return ImageGrid("", 0, img(0, 2)) }, "size 0×2"},
		{"images pix", func() (*Figure, error) { return ImageGrid("", 0, img(2, 2, 0, 0, 0)) }, "4 pixels but has 3 values"},
		{"images range", func() (*Figure, error) { return ImageGrid("", 0, img(2, 1, 0, 1.5)) }, "Pix[1] (row 0, column 1) is 1.5"},
		{"images NaN", func() (*Figure, error) {
			return ImageGrid("", 0, img(1, 1, 0), Image{Title: "b", W: 1, H: 1, Pix: row(nan)})
		}, `image 1 ("b") Pix[0]`},
		{"stack none", func() (*Figure, error) { return Stack("", "", x) }, "no panels"},
		{"stack empty panel", func() (*Figure, error) { return Stack("", "", x, Panel{YLabel: "θ"}) }, `panel 0 ("θ") has no series`},
		{"stack NaN", func() (*Figure, error) { return Stack("", "", x, Panel{Series: []Series{{Y: row(1, inf, 2)}}}) }, "panel 0 series 0 Y[1] is +Inf"},
		{"ts none", ts(nil, nil), "no traces"},
		{"ts nothing", ts(nil, nil, Trace{}), "nothing to plot"},
		{"ts states short", ts(nil, nil, Trace{Name: "a", States: states[:2]}), `trace 0 ("a") States has 2 time steps; want 3`},
		{"ts width", ts([]string{"a", "b", "c"}, nil, Trace{States: states}), "States[0] has 2 components; want 3"},
		{"ts NaN", ts(nil, nil, Trace{States: [][]float64{row(0, 1), row(1, nan), row(2, 3)}}), "States[1][1] is NaN"},
		{"ts controls", ts(nil, []string{"u"}, Trace{States: states, Controls: [][]float64{row(1)}}), "Controls has 1 time steps; want 2 or 3"},
		{"ts unnamed", ts([]string{}, []string{"u"}, Trace{States: states, Controls: states}), "States has 2 components but no names"},
		{"ts second trace", ts(nil, nil, Trace{States: states}, Trace{Name: "b", States: [][]float64{row(1)}}), `trace 1 ("b") States has 1 time steps`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			fig, err := c.build()
			if err == nil {
				t.Fatalf("no error; want one containing %q", c.want)
			}
			if fig != nil {
				t.Error("non-nil figure with an error")
			}
			if !strings.Contains(err.Error(), c.want) || !strings.HasPrefix(err.Error(), "plotting: ") {
				t.Errorf("error %q; want one containing %q", err, c.want)
			}
		})
	}
}

// TestEdgeCases renders unusual but valid input.
func TestEdgeCases(t *testing.T) {
	one := []float64{1}
	build := []func() (*Figure, error){
		func() (*Figure, error) { return Lines("one point", "", "", one, Series{Y: one}) },
		func() (*Figure, error) { return Lines("flat", "", "", []float64{0, 1}, Series{Y: []float64{2, 2}}) },
		func() (*Figure, error) {
			return LinesLogY("", "", "", []float64{0, 1}, Series{Y: []float64{1e-300, 1e300}})
		},
		func() (*Figure, error) { return Bands("", "", "", one, Band{Mean: one, Std: []float64{0}}) },
		func() (*Figure, error) {
			return BandsLogY("", "", "", []float64{0, 1}, Band{Mean: []float64{5e-324, 1e300}, Std: []float64{1, 1e301}})
		},
		func() (*Figure, error) {
			return Trajectories("", "", "", Scene{Paths: []Path{{X: one, Y: one}}, EqualAspect: true})
		},
		func() (*Figure, error) { return Heatmap("", "", "", mat.NewDense(1, 1, []float64{0})) },
		func() (*Figure, error) {
			return Heatmap("", "", "", mat.NewDense(2, 3, []float64{-5, -5, -5, -5, -5, -5}))
		},
		func() (*Figure, error) { return ImageGrid("", 10, Image{W: 1, H: 1, Pix: []float64{1}}) },
		func() (*Figure, error) {
			return TimeSeries("", "", one, nil, []string{"u"}, Trace{Controls: [][]float64{{3}}})
		},
	}
	for i, b := range build {
		fig, err := b()
		if err != nil {
			t.Fatalf("case %d: %v", i, err)
		}
		for _, f := range formats {
			if _, err := fig.Render(f); err != nil {
				t.Errorf("case %d %s: %v", i, f, err)
			}
		}
	}
}

// TestHeatmapLabeled checks the tick labels and the in-cell values of a
// labelled heatmap.
func TestHeatmapLabeled(t *testing.T) {
	fig, err := figHeatmapLabeled()
	if err != nil {
		t.Fatal(err)
	}
	p := fig.Plot(0)
	labels := func(a plot.Axis) string {
		var out []string
		for _, tk := range a.Tick.Marker.Ticks(a.Min, a.Max) {
			out = append(out, tk.Label)
		}
		return strings.Join(out, " ")
	}
	if got := labels(p.X); got != "0.001 0.01 0.1 1" {
		t.Errorf("column labels %q", got)
	}
	if got := labels(p.Y); got != "100 150 200 300" {
		t.Errorf("row labels %q", got)
	}
	for _, st := range []Style{Slide, Paper, Notebook} {
		if !bytes.Contains(fig.WithStyle(st).mustSVG(t), []byte(">0.267<")) {
			t.Errorf("%s: SVG lacks the value 0.267", st.Name)
		}
	}
	// Dark cells get white text, light cells black.
	cm := moreland.Kindlmann()
	cm.SetMin(0)
	cm.SetMax(1)
	if inkOn(cm, 0.05) != color.White || inkOn(cm, 0.95) != color.Black {
		t.Errorf("ink on dark and light cells: %v, %v", inkOn(cm, 0.05), inkOn(cm, 0.95))
	}
	div := moreland.SmoothBlueRed()
	div.SetMin(-1)
	div.SetMax(1)
	if inkOn(div, 0) != color.Black || inkOn(div, 5) != color.White {
		t.Errorf("ink on white and (beyond the range) dark red: %v, %v", inkOn(div, 0), inkOn(div, 5))
	}
	// The zero options give Heatmap's figure.
	m := mat.NewDense(2, 2, []float64{1, -2, 3, 4})
	a, _ := Heatmap("K", "x", "u", m)
	b, _ := HeatmapLabeled("K", "x", "u", m, HeatmapOptions{})
	ra, _ := a.Render(SVG)
	rb, _ := b.Render(SVG)
	if !bytes.Equal(ra, rb) {
		t.Error("HeatmapLabeled with zero options differs from Heatmap")
	}
	// Cells too small for text get none; many labels are thinned out.
	big := mat.NewDense(60, 80, nil)
	var rows, cols []string
	for i := range 80 {
		if i < 60 {
			rows = append(rows, fmt.Sprint("row ", i))
		}
		cols = append(cols, fmt.Sprint(i*1000))
	}
	f, err := HeatmapLabeled("big", "", "", big, HeatmapOptions{RowLabels: rows, ColLabels: cols, Values: "%.3f"})
	if err != nil {
		t.Fatal(err)
	}
	svg := f.mustSVG(t)
	if bytes.Contains(svg, []byte(">0.000<")) {
		t.Error("values drawn in cells too small for them")
	}
	if n := bytes.Count(svg, []byte(">row ")); n < 3 || n > 30 {
		t.Errorf("%d of 60 row labels drawn; want them thinned", n)
	}
}

func (f *Figure) mustSVG(t *testing.T) []byte {
	t.Helper()
	b, err := f.Render(SVG)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestSeriesOwnX: a series with its own x values draws over its own range,
// and a length mismatch with its own x names the series.
func TestSeriesOwnX(t *testing.T) {
	x := []float64{1, 2, 3, 4}
	fig, err := LinesLogY("t", "x", "y", x,
		Series{Name: "full", Y: []float64{1, 2, 3, 4}},
		Series{Name: "late", X: []float64{3, 4}, Y: []float64{10, 20}})
	if err != nil {
		t.Fatal(err)
	}
	p := fig.Plot(0)
	if p.X.Min > 1 || p.X.Max < 4 || p.Y.Max < 20 {
		t.Errorf("axes [%v, %v] × [%v, %v] do not cover both series", p.X.Min, p.X.Max, p.Y.Min, p.Y.Max)
	}
	_, err = Lines("t", "x", "y", x, Series{Name: "late", X: []float64{3, 4}, Y: []float64{1}})
	if err == nil || !strings.Contains(err.Error(), `"late"`) {
		t.Errorf("length mismatch: err = %v", err)
	}
}

// TestBandsLogYClip: on a log axis the lower edge of a band is clipped to a
// tenth of the mean where Mean − Sigmas·Std would fall below it, and is
// left alone elsewhere; the upper edge is never clipped.
func TestBandsLogYClip(t *testing.T) {
	x := []float64{0, 1, 2}
	mean := []float64{10, 10, 10}
	std := []float64{1, 10, 30}
	fig, err := BandsLogY("t", "x", "y", x, Band{Name: "b", Mean: mean, Std: std})
	if err != nil {
		t.Fatal(err)
	}
	sh, ok := fig.panels[0].legendIcons[0][0].(*fill)
	if !ok {
		t.Fatal("no band drawn")
	}
	// The fill runs along the upper edge, then back along the lower one.
	want := []float64{11, 20, 40, 1, 1, 9}
	for i, y := range sh.ys {
		if math.Abs(y-want[i]) > 1e-12 {
			t.Errorf("band edges %v; want %v", sh.ys, want)
			break
		}
	}
	if _, ok := fig.Plot(0).Y.Scale.(plot.LogScale); !ok {
		t.Errorf("y scale %T; want plot.LogScale", fig.Plot(0).Y.Scale)
	}
	if p := fig.Plot(0); p.Y.Min != 1 || p.Y.Max != 40 {
		t.Errorf("y range [%v, %v]; want [1, 40]", p.Y.Min, p.Y.Max)
	}
}

// TestSVGFontFallbacks checks that an SVG names, after Liberation Sans, the
// fonts of the same widths, and that no text is left naming Liberation Sans
// alone (which a browser without it draws in a wider font).
func TestSVGFontFallbacks(t *testing.T) {
	fig, err := Heatmap("K", "x", "u", mat.NewDense(2, 2, []float64{1, -2, 3, 4}))
	if err != nil {
		t.Fatal(err)
	}
	svg := fig.mustSVG(t)
	if n := bytes.Count(svg, []byte(svgFontTo)); n == 0 {
		t.Errorf("SVG has no %q", svgFontTo)
	}
	if bytes.Contains(svg, []byte(svgFontFrom)) {
		t.Errorf("SVG still has %q", svgFontFrom)
	}
	if !bytes.Contains(svg, []byte("font-family:")) {
		t.Error("SVG has no font-family at all: the check above checks nothing")
	}
}
