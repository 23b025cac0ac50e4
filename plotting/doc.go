// Package plotting makes the figures of the lessons: it builds them with
// gonum/plot, shows them inline in GoNB notebooks, and exports them as SVG,
// PDF or PNG for slides and papers.
//
// # Building a figure
//
// Each builder takes the data of one kind of figure, checks it, and returns a
// *Figure or an error that names the bad value (a NaN, a length mismatch, an
// empty input); builders never panic.
//
//	Lines / LinesLogY  several named series against a shared x
//	                   (cost, KL and eta against iteration)
//	Bands / BandsLogY  mean curves with shaded ±σ bands
//	                   (trajectory distributions, cost over seeds)
//	Trajectories       paths in the plane with start and goal markers and
//	                   filled circular obstacles
//	Heatmap            a matrix (gains, covariances) with a colour bar
//	HeatmapLabeled     the same with rows and columns labelled by value
//	                   and, optionally, the entries printed in the cells
//	                   (a sweep of horizon T against weight r)
//	ImageGrid          a grid of grayscale images (Embed to Control)
//	Stack, TimeSeries  panels stacked on a shared time axis: states and
//	                   controls over time, one panel per component
//
// A notebook cell reads:
//
//	fig, err := plotting.Lines("Cost per iteration", "iteration", "cost", x,
//		plotting.Series{Name: "cost", Y: costs})
//	if err != nil {
//		return err
//	}
//	fig.Show()                       // inline SVG in GoNB; no-op elsewhere
//	fig.Save("figures/cost.pdf")     // format from the extension
//
// or, where a panic is an acceptable way to report an error,
// plotting.Must(plotting.Lines(...)).Show().
//
// # Styles
//
// A Style fixes the size, fonts and line weights. Figures start in Notebook
// style; WithStyle switches them, e.g. to Slide (16:9, 10in×5.625in, 20pt
// labels, 2.5pt lines, 1920×1080 PNG) or Paper (3.5in single column, 8pt
// fonts). Series take colours in order from the colour-blind-safe Okabe–Ito
// palette (Color); Style.Dashes adds dash patterns (Dashes) for black and
// white print. All text is set in Liberation Sans, which gonum/plot embeds,
// so rendering needs no system fonts and works offline. Unicode sub- and
// superscripts ("log₁₀ η", "Σ⁻¹") are set as small raised or lowered
// characters and combining accents (θ̇, p̄) are centred over their letter;
// CheckText and Figure.CheckText report characters the font lacks (∇, say),
// which would otherwise be drawn as nothing.
//
// Stacks (Stack, TimeSeries) are laid out for the size they are drawn at.
// Notebook and Paper grow the figure to give each panel MinPanelHeight;
// Slide keeps its 16:9 size, so when one column would make the panels
// shorter than Style.StackPanelHeight (1in on a slide) they go into two or
// more columns, each with its own time axis, and a shared legend moves to
// the empty cell under the last column, or to a row under the title when
// it would cover much of the top panel. Tick labels are thinned so that
// they never overlap.
//
// A legend goes in the inside corner of its panel that covers the least
// data; when every corner covers some, it goes outside, right of or below
// the panel. Figure.LegendOutside puts every legend outside.
//
// In every figure, a y label longer than its panel is set smaller or
// broken onto two lines to fit along it; the panel keeps its height.
//
// # Customising
//
// Figure.HLine and Figure.VLine add labelled dashed reference lines (torque
// limits, goals, optima, KL bounds) that widen the axis range to show them.
// Figure.Plot returns the underlying *plot.Plot of a panel, to which any
// gonum/plot plotter can be added; FromPlot and Grid wrap plots built by
// hand. Apply a style before customising fonts, since WithStyle resets them.
//
// # Animations
//
// Animation draws a moving system (rods, discs, rectangles, fixed lines, in
// world coordinates) as a self-contained animated SVG (SMIL, no
// JavaScript) that loops in a browser and in a notebook cell: NewAnimation,
// Segment, Circle, Rect, Static, then Show, ShowAs or Save (.svg, .html).
//
// # Output
//
// Render returns the encoded bytes, Save writes a file atomically (temporary
// file and rename, so a failed save never leaves a partial file), and Show
// and ShowPNG display the figure in a GoNB cell. Output is deterministic:
// the same data give byte-identical files in every format, so figures can be
// checked by golden tests and regenerated from a seed.
package plotting
