package plotting

import (
	"fmt"
	"image/color"
	"math"

	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Point is a point in the plane of a state-space plot.
type Point struct{ X, Y float64 }

// Circle is a round obstacle, centred at (X, Y) with radius R, in data units.
type Circle struct{ X, Y, R float64 }

// Path is one trajectory in the plane: (X[t], Y[t]) for t = 0, 1, …
type Path struct {
	// Name is the legend label; empty leaves the path out of the legend.
	Name string
	// X and Y hold the coordinates, same length (at least 1), all finite.
	X, Y []float64
}

// Scene is what Trajectories draws: paths, goals and obstacles.
type Scene struct {
	// Paths are drawn in palette order; the first point of each is marked
	// with a filled dot in its colour (the start).
	Paths []Path
	// Goals are marked with a black star. Optional.
	Goals []Point
	// Obstacles are drawn as filled grey discs under the paths. Optional.
	Obstacles []Circle
	// EqualAspect makes one unit as long on x as on y, so that circles look
	// round. Use it when both axes are positions; leave it off for phase
	// portraits such as (angle, angular velocity).
	EqualAspect bool
	// StartLabel and GoalLabel name the start dots and the goal stars in
	// the legend (defaults "start" and "goal").
	StartLabel, GoalLabel string
}

// Trajectories draws 2-D paths (x against y) with start and goal markers and
// filled circular obstacles: for example point-mass trajectories around an
// obstacle, or a pendulum's phase portrait. It fails, naming the bad value,
// if there is no path, a path is empty or has X and Y of different lengths,
// or any coordinate or radius is NaN, infinite or (radius) not positive.
func Trajectories(title, xlabel, ylabel string, scene Scene) (*Figure, error) {
	const fn = "Trajectories"
	if len(scene.Paths) == 0 {
		return nil, fmt.Errorf("plotting: %s: no paths to plot", fn)
	}
	for i, p := range scene.Paths {
		name := seriesName("path", i, p.Name)
		if len(p.X) == 0 {
			return nil, fmt.Errorf("plotting: %s: %s is empty", fn, name)
		}
		if len(p.X) != len(p.Y) {
			return nil, fmt.Errorf("plotting: %s: %s has %d X values but %d Y values", fn, name, len(p.X), len(p.Y))
		}
		if err := checkFinite(fn, name+" X", p.X); err != nil {
			return nil, err
		}
		if err := checkFinite(fn, name+" Y", p.Y); err != nil {
			return nil, err
		}
	}
	for i, g := range scene.Goals {
		if !finite(g.X) || !finite(g.Y) {
			return nil, fmt.Errorf("plotting: %s: goal %d = (%g, %g) is not finite", fn, i, g.X, g.Y)
		}
	}
	for i, o := range scene.Obstacles {
		if !finite(o.X) || !finite(o.Y) || !finite(o.R) || o.R <= 0 {
			return nil, fmt.Errorf("plotting: %s: obstacle %d = {X: %g, Y: %g, R: %g}; want finite values and R > 0", fn, i, o.X, o.Y, o.R)
		}
	}

	f, pn := singlePanel(title, xlabel, ylabel)
	pn.equalAspect = scene.EqualAspect
	const segments = 72
	for _, o := range scene.Obstacles {
		xs := make([]float64, segments)
		ys := make([]float64, segments)
		for k := range segments {
			a := 2 * math.Pi * float64(k) / segments
			xs[k] = o.X + o.R*math.Cos(a)
			ys[k] = o.Y + o.R*math.Sin(a)
		}
		pn.addFill(&fill{xs: xs, ys: ys, color: color.Gray{Y: 0xB4}})
		ring := append(xs[:len(xs):len(xs)], xs[0])
		ringY := append(ys[:len(ys):len(ys)], ys[0])
		pn.addLine(ring, ringY, -1, "", color.Gray{Y: 0x60})
		pn.lines[len(pn.lines)-1].scale = 0.5 // a thin outline
	}
	for i, p := range scene.Paths {
		pn.addLine(p.X, p.Y, i, p.Name, Color(i))
	}
	for i, p := range scene.Paths {
		s := pn.addMarker(p.X[0], p.Y[0], draw.CircleGlyph{}, Color(i), 1)
		if i == 0 && len(scene.Paths) > 1 {
			// Starts have the colours of their paths; the legend shows a
			// neutral black dot.
			pn.legend(orDefault(scene.StartLabel, "start"), &marker{color: color.Black, of: &s.GlyphStyle})
		} else if i == 0 {
			pn.legend(orDefault(scene.StartLabel, "start"), s)
		}
	}
	for i, g := range scene.Goals {
		s := pn.addMarker(g.X, g.Y, starGlyph{}, color.Black, 1.8)
		if i == 0 {
			pn.legend(orDefault(scene.GoalLabel, "goal"), s)
		}
	}
	pn.finish()
	return f.WithStyle(f.style), nil
}

// addMarker adds one glyph at (x, y) whose radius is scale × MarkerRadius.
func (pn *panel) addMarker(x, y float64, shape draw.GlyphDrawer, c color.Color, scale float64) *plotter.Scatter {
	s := &plotter.Scatter{
		XYs:        plotter.XYs{{X: x, Y: y}},
		GlyphStyle: draw.GlyphStyle{Color: c, Radius: 1, Shape: shape},
	}
	pn.plot.Add(s)
	pn.glyphs = append(pn.glyphs, glyphHook{gs: &s.GlyphStyle, scale: scale})
	pn.shapes = append(pn.shapes, dataShape{kind: shapePoints, xs: []float64{x}, ys: []float64{y}})
	return s
}

// marker is a legend thumbnail: the glyph of another marker, in a different
// colour.
type marker struct {
	color color.Color
	of    *draw.GlyphStyle
}

// Thumbnail implements plot.Thumbnailer.
func (m *marker) Thumbnail(c *draw.Canvas) {
	g := *m.of
	g.Color = m.color
	c.DrawGlyph(g, c.Center())
}

// starGlyph is a filled five-pointed star.
type starGlyph struct{}

// DrawGlyph implements draw.GlyphDrawer.
func (starGlyph) DrawGlyph(c *draw.Canvas, sty draw.GlyphStyle, pt vg.Point) {
	var p vg.Path
	for k := range 10 {
		r := sty.Radius
		if k%2 == 1 {
			r *= 0.42
		}
		a := math.Pi/2 + float64(k)*math.Pi/5
		q := vg.Point{X: pt.X + r*vg.Length(math.Cos(a)), Y: pt.Y + r*vg.Length(math.Sin(a))}
		if k == 0 {
			p.Move(q)
		} else {
			p.Line(q)
		}
	}
	p.Close()
	c.SetColor(sty.Color)
	c.Fill(p)
}

// orDefault returns s, or def when s is empty.
func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
