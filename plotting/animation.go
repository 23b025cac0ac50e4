package plotting

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"image/color"
	"math"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/rlcontrol/rlcontrol/internal/atomicfile"
)

// MaxAnimationFrames is the most frames an Animation writes: longer
// trajectories are thinned (every k-th frame kept) to keep files small.
const MaxAnimationFrames = 300

// Animation is a moving drawing of a system (a pendulum swinging up, a
// cart-pole balancing) written as a self-contained animated SVG: plain SVG
// with SMIL <animate> elements that loop forever, no JavaScript, so it plays
// in a browser and in a Jupyter/GoNB cell shown as HTML. Build one with
// NewAnimation, add moving parts (Segment, Circle, Rect), one value per
// frame, and fixed lines (Static), then Show, ShowAs, Save or SVG it. A
// time readout "t = 1.24 s" advances in the top left corner.
//
// Coordinates are world coordinates (metres, say) with y up; one unit is as
// long on x as on y. An Animation is not safe for concurrent use.
type Animation struct {
	title                  string
	dt                     float64
	xmin, xmax, ymin, ymax float64
	frames                 int // frames of every moving part; 0 before the first
	parts                  []animPart
}

type animKind int

const (
	animSegment animKind = iota
	animCircle
	animRect
	animStatic
)

// animPart is one element: a, b, c, d are per-frame series (x1, y1, x2, y2
// of a segment; x, y of a circle or a rectangle's centre), size its width,
// radius or w×h, all in world units.
type animPart struct {
	kind       animKind
	a, b, c, d []float64
	w, h       float64
	color      color.RGBA
}

// NewAnimation returns an empty animation of the world box [xmin, xmax] ×
// [ymin, ymax] with dt seconds per frame. It fails, naming the value, unless
// dt > 0 and the box bounds are finite with xmin < xmax and ymin < ymax.
func NewAnimation(title string, dt float64, xmin, xmax, ymin, ymax float64) (*Animation, error) {
	if !finite(dt) || dt <= 0 {
		return nil, fmt.Errorf("plotting: NewAnimation: dt = %v; want a finite value > 0", dt)
	}
	for _, v := range []struct {
		name string
		v    float64
	}{{"xmin", xmin}, {"xmax", xmax}, {"ymin", ymin}, {"ymax", ymax}} {
		if !finite(v.v) {
			return nil, fmt.Errorf("plotting: NewAnimation: %s = %v; want a finite value", v.name, v.v)
		}
	}
	if !(xmin < xmax) || !finite(xmax-xmin) {
		return nil, fmt.Errorf("plotting: NewAnimation: x range [%g, %g]; want xmin < xmax", xmin, xmax)
	}
	if !(ymin < ymax) || !finite(ymax-ymin) {
		return nil, fmt.Errorf("plotting: NewAnimation: y range [%g, %g]; want ymin < ymax", ymin, ymax)
	}
	return &Animation{title: title, dt: dt, xmin: xmin, xmax: xmax, ymin: ymin, ymax: ymax}, nil
}

// Frames returns the number of frames of the moving parts (0 before the
// first is added).
func (a *Animation) Frames() int {
	if a == nil {
		return 0
	}
	return a.frames
}

// checkSeries checks that every series of a moving part has the
// animation's frame count and finite values, and the sizes are finite and
// positive.
func (a *Animation) checkSeries(fn string, names []string, series [][]float64, sizes map[string]float64) error {
	if a == nil {
		return fmt.Errorf("plotting: Animation.%s: nil animation", fn)
	}
	for _, name := range []string{"width", "r", "w", "h"} {
		if v, ok := sizes[name]; ok && (!finite(v) || v <= 0) {
			return fmt.Errorf("plotting: Animation.%s: %s = %v; want a finite value > 0", fn, name, v)
		}
	}
	n := a.frames
	for i, s := range series {
		if len(s) == 0 {
			return fmt.Errorf("plotting: Animation.%s: %s is empty", fn, names[i])
		}
		if n == 0 {
			n = len(s)
		}
		if len(s) != n {
			if a.frames > 0 {
				return fmt.Errorf("plotting: Animation.%s: %s has %d frames, the animation has %d", fn, names[i], len(s), n)
			}
			return fmt.Errorf("plotting: Animation.%s: %s has %d frames, %s has %d", fn, names[i], len(s), names[0], n)
		}
		if err := checkFinite("Animation."+fn, names[i], s); err != nil {
			return err
		}
	}
	a.frames = n
	return nil
}

// Segment adds a moving line from (x1[k], y1[k]) to (x2[k], y2[k]) in frame
// k, width world units wide with round ends: a pendulum rod, a pole. All
// series of an animation must have the same number of frames. It fails,
// naming the series, on a length mismatch or a NaN or infinite value, and
// on a width that is not finite and positive.
func (a *Animation) Segment(x1, y1, x2, y2 []float64, width float64) error {
	if err := a.checkSeries("Segment", []string{"x1", "y1", "x2", "y2"}, [][]float64{x1, y1, x2, y2}, map[string]float64{"width": width}); err != nil {
		return err
	}
	a.parts = append(a.parts, animPart{kind: animSegment, a: x1, b: y1, c: x2, d: y2, w: width, color: color.RGBA{R: 0x33, G: 0x33, B: 0x33, A: 0xFF}})
	return nil
}

// Circle adds a moving filled disc of radius r centred on (x[k], y[k]) in
// frame k: a pendulum bob. Discs and rectangles take the palette colours
// in order (Color). It fails as Segment does.
func (a *Animation) Circle(x, y []float64, r float64) error {
	if err := a.checkSeries("Circle", []string{"x", "y"}, [][]float64{x, y}, map[string]float64{"r": r}); err != nil {
		return err
	}
	a.parts = append(a.parts, animPart{kind: animCircle, a: x, b: y, w: r, color: Color(a.filled())})
	return nil
}

// Rect adds a moving filled w×h rectangle centred on (xc[k], yc[k]) in
// frame k: a cart. It fails as Segment does.
func (a *Animation) Rect(xc, yc []float64, w, h float64) error {
	if err := a.checkSeries("Rect", []string{"xc", "yc"}, [][]float64{xc, yc}, map[string]float64{"w": w, "h": h}); err != nil {
		return err
	}
	a.parts = append(a.parts, animPart{kind: animRect, a: xc, b: yc, w: w, h: h, color: Color(a.filled())})
	return nil
}

// filled counts the discs and rectangles so far.
func (a *Animation) filled() int {
	n := 0
	for _, p := range a.parts {
		if p.kind == animCircle || p.kind == animRect {
			n++
		}
	}
	return n
}

// Static adds a fixed grey line from (x1, y1) to (x2, y2): the ground, a
// rail. It fails, naming the value, on a NaN or infinite coordinate.
func (a *Animation) Static(x1, y1, x2, y2 float64) error {
	if a == nil {
		return errors.New("plotting: Animation.Static: nil animation")
	}
	if err := checkFinite("Animation.Static", "(x1, y1, x2, y2)", []float64{x1, y1, x2, y2}); err != nil {
		return err
	}
	a.parts = append(a.parts, animPart{kind: animStatic, a: []float64{x1}, b: []float64{y1}, c: []float64{x2}, d: []float64{y2}, color: color.RGBA{R: 0x99, G: 0x99, B: 0x99, A: 0xFF}})
	return nil
}

// animation layout, in SVG pixels.
const (
	animSize   = 480.0 // the longer side of the world box
	animHeader = 28.0  // room above the world box for the title and the time
)

// SVG returns the animation as a standalone SVG document. Every moving
// attribute gets one <animate> with a values list of one entry per written
// frame (at most MaxAnimationFrames: longer animations keep every k-th
// frame, each then shown for k·dt), looping with repeatCount="indefinite".
// It fails on an animation without moving parts.
func (a *Animation) SVG() ([]byte, error) {
	if a == nil {
		return nil, errors.New("plotting: Animation.SVG: nil animation")
	}
	if a.frames == 0 {
		return nil, errors.New("plotting: Animation.SVG: no moving parts (add a Segment, Circle or Rect)")
	}
	stride := (a.frames + MaxAnimationFrames - 1) / MaxAnimationFrames
	var keep []int
	for k := 0; k < a.frames; k += stride {
		keep = append(keep, k)
	}
	n := len(keep)
	dur := fmt.Sprintf("%ss", num(float64(n*stride)*a.dt))

	scale := animSize / math.Max(a.xmax-a.xmin, a.ymax-a.ymin)
	W := (a.xmax - a.xmin) * scale
	H := (a.ymax-a.ymin)*scale + animHeader
	X := func(x float64) float64 { return (x - a.xmin) * scale }
	Y := func(y float64) float64 { return animHeader + (a.ymax-y)*scale }
	values := func(v []float64, tr func(float64) float64, off float64) string {
		var b strings.Builder
		for i, k := range keep {
			if i > 0 {
				b.WriteByte(';')
			}
			b.WriteString(num(tr(v[k]) + off))
		}
		return b.String()
	}
	anim := func(b *bytes.Buffer, attr, vals string) {
		fmt.Fprintf(b, `<animate attributeName="%s" dur="%s" repeatCount="indefinite" calcMode="discrete" values="%s"/>`, attr, dur, vals)
	}
	rgb := func(c color.RGBA) string { return fmt.Sprintf("#%02x%02x%02x", c.R, c.G, c.B) }

	var b bytes.Buffer
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%s" height="%s" viewBox="0 0 %s %s">`, num(W), num(H), num(W), num(H))
	b.WriteString("\n")
	fmt.Fprintf(&b, `<rect width="%s" height="%s" fill="white"/>`+"\n", num(W), num(H))
	if a.title != "" {
		fmt.Fprintf(&b, `<text x="%s" y="18" text-anchor="middle" font-family="Liberation Sans, Arial, Helvetica, sans-serif" font-size="14">%s</text>`+"\n", num(W/2), escapeXML(a.title))
	}
	for _, p := range a.parts {
		switch p.kind {
		case animStatic:
			fmt.Fprintf(&b, `<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s" stroke-width="2"/>`+"\n",
				num(X(p.a[0])), num(Y(p.b[0])), num(X(p.c[0])), num(Y(p.d[0])), rgb(p.color))
		case animSegment:
			k := keep[0]
			fmt.Fprintf(&b, `<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s" stroke-width="%s" stroke-linecap="round">`,
				num(X(p.a[k])), num(Y(p.b[k])), num(X(p.c[k])), num(Y(p.d[k])), rgb(p.color), num(math.Max(p.w*scale, 0.5)))
			anim(&b, "x1", values(p.a, X, 0))
			anim(&b, "y1", values(p.b, Y, 0))
			anim(&b, "x2", values(p.c, X, 0))
			anim(&b, "y2", values(p.d, Y, 0))
			b.WriteString("</line>\n")
		case animCircle:
			k := keep[0]
			fmt.Fprintf(&b, `<circle cx="%s" cy="%s" r="%s" fill="%s">`, num(X(p.a[k])), num(Y(p.b[k])), num(p.w*scale), rgb(p.color))
			anim(&b, "cx", values(p.a, X, 0))
			anim(&b, "cy", values(p.b, Y, 0))
			b.WriteString("</circle>\n")
		case animRect:
			k := keep[0]
			w, h := p.w*scale, p.h*scale
			fmt.Fprintf(&b, `<rect x="%s" y="%s" width="%s" height="%s" fill="%s" stroke="#333333" stroke-width="1">`,
				num(X(p.a[k])-w/2), num(Y(p.b[k])-h/2), num(w), num(h), rgb(p.color))
			anim(&b, "x", values(p.a, X, -w/2))
			anim(&b, "y", values(p.b, Y, -h/2))
			b.WriteString("</rect>\n")
		}
	}
	// The time readout: one text per written frame, visible during its
	// own slot of the loop.
	b.WriteString(`<g font-family="Liberation Mono, Courier New, monospace" font-size="12" fill="#555555">` + "\n")
	for i, k := range keep {
		vis := "hidden"
		if i == 0 {
			vis = "visible"
		}
		fmt.Fprintf(&b, `<text x="6" y="18" visibility="%s">t = %.2f s`, vis, float64(k)*a.dt)
		from, to := float64(i)/float64(n), float64(i+1)/float64(n)
		switch {
		case n == 1:
		case i == 0:
			fmt.Fprintf(&b, `<animate attributeName="visibility" dur="%s" repeatCount="indefinite" calcMode="discrete" values="visible;hidden" keyTimes="0;%s"/>`, dur, num(to))
		default:
			fmt.Fprintf(&b, `<animate attributeName="visibility" dur="%s" repeatCount="indefinite" calcMode="discrete" values="hidden;visible;hidden" keyTimes="0;%s;%s"/>`, dur, keyTime(from), keyTime(to))
		}
		b.WriteString("</text>\n")
	}
	b.WriteString("</g>\n</svg>\n")
	return b.Bytes(), nil
}

// num formats a coordinate or time compactly (two decimals at most).
func num(v float64) string {
	s := strconv.FormatFloat(v, 'f', 2, 64)
	s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	if s == "-0" || s == "" {
		s = "0"
	}
	return s
}

// keyTime formats a fraction of the loop for keyTimes, precisely enough to
// keep 300 slots apart.
func keyTime(v float64) string {
	if v >= 1 {
		return "1"
	}
	return strconv.FormatFloat(v, 'f', 6, 64)
}

func escapeXML(s string) string {
	var b strings.Builder
	xml.EscapeText(&b, []byte(s))
	return b.String()
}

// html returns the animation as a minimal HTML page.
func (a *Animation) html() ([]byte, error) {
	svg, err := a.SVG()
	if err != nil {
		return nil, err
	}
	body := inlineSVG(string(svg))
	return []byte("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>" + escapeXML(a.title) +
		"</title></head>\n<body style=\"margin:0\">\n" + body + "</body></html>\n"), nil
}

// inlineSVG drops the XML prolog, which is not allowed inside HTML.
func inlineSVG(svg string) string {
	if i := strings.Index(svg, "<svg"); i > 0 {
		return svg[i:]
	}
	return svg
}

// Save writes the animation to path, as an SVG document (.svg) or a
// minimal HTML page holding it (.html), atomically like Figure.Save. Other
// extensions are an error naming them.
func (a *Animation) Save(path string) error {
	var b []byte
	var err error
	switch ext := strings.ToLower(filepath.Ext(path)); ext {
	case ".svg":
		b, err = a.SVG()
	case ".html":
		b, err = a.html()
	default:
		return fmt.Errorf("plotting: Animation.Save: unsupported file extension %q in %q; want .svg or .html", ext, path)
	}
	if err != nil {
		return fmt.Errorf("plotting: save %q: %w", path, err)
	}
	if err := atomicfile.Write(path, b); err != nil {
		return fmt.Errorf("plotting: save %q: %w", path, err)
	}
	return nil
}

// Show plays the animation inline in a GoNB notebook cell (as HTML). Outside
// a notebook it does nothing and returns nil.
func (a *Animation) Show() error {
	if !inNotebook() {
		return nil
	}
	svg, err := a.SVG()
	if err != nil {
		return err
	}
	return a.display("", inlineSVG(string(svg)))
}

// ShowAs plays the animation inline under its export name, in a <figure
// data-figure="name"> with a caption giving the name, as Figure.ShowAs
// does (see NamedHTML and CheckFigureName). Outside a notebook it checks
// name and does nothing else.
func (a *Animation) ShowAs(name string) error {
	if err := CheckFigureName(name); err != nil {
		return err
	}
	if !inNotebook() {
		return nil
	}
	svg, err := a.SVG()
	if err != nil {
		return err
	}
	html, err := NamedHTML(name, string(svg))
	if err != nil {
		return err
	}
	return a.display(name, html)
}

func (a *Animation) display(name, html string) error {
	displayHTML(html)
	if err := displayError(); err != nil {
		if name != "" {
			return fmt.Errorf("plotting: show animation %s: %w", name, err)
		}
		return fmt.Errorf("plotting: show animation: %w", err)
	}
	syncDisplay()
	return nil
}
