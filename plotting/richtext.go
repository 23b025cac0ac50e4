package plotting

import (
	"fmt"
	"math"
	"strings"

	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
)

// Liberation Sans, the font of every figure, has the Greek letters, ±, ²,
// ≤, ·, — and the subscript digits, but draws "log₁₀" with a gap inside the
// subscript, puts combining accents (θ̇) beside their letter rather than
// over it, and lacks ⁰, ⁹, ⁺ and ⁻ (they vanish). richText draws every
// text of a figure: it sets runs of Unicode sub- and superscripts as
// smaller ordinary characters below or above the baseline and centres
// combining accents (dot, double dot, tilde, bar, hat, check) over their
// letter. Everything else is drawn as text.Plain draws it.
type richText struct{ text.Plain }

// textHandler is the text handler of every figure.
var textHandler = richText{Plain: text.Plain{Fonts: font.DefaultCache}}

// script is the kind of a piece of text.
type script int

const (
	normal script = iota
	sub
	super
	accent // a spacing accent centred over the piece before it
)

type piece struct {
	s    string
	kind script
}

// subs and supers map Unicode sub- and superscripts to the characters they
// are drawn as.
var (
	subs   = map[rune]rune{'₀': '0', '₁': '1', '₂': '2', '₃': '3', '₄': '4', '₅': '5', '₆': '6', '₇': '7', '₈': '8', '₉': '9', '₊': '+', '₋': '−', '₌': '=', '₍': '(', '₎': ')'}
	supers = map[rune]rune{'⁰': '0', 'ⁱ': 'i', '⁴': '4', '⁵': '5', '⁶': '6', '⁷': '7', '⁸': '8', '⁹': '9', '⁺': '+', '⁻': '−', '⁼': '=', '⁽': '(', '⁾': ')', 'ⁿ': 'n'}
	// accents maps combining marks to spacing ones.
	accents = map[rune]rune{'\u0307': '˙', '\u0308': '¨', '\u0303': '˜', '\u0304': '¯', '\u0302': 'ˆ', '\u030C': 'ˇ'}
)

// pieces splits one line of text into pieces.
func pieces(line string) []piece {
	var out []piece
	add := func(r rune, k script) {
		if n := len(out); n > 0 && out[n-1].kind == k && k != accent {
			out[n-1].s += string(r)
			return
		}
		if k == accent && len(out) > 0 {
			// The accent goes over the last character alone.
			last := &out[len(out)-1]
			rs := []rune(last.s)
			if len(rs) > 1 {
				last.s = string(rs[:len(rs)-1])
				out = append(out, piece{s: string(rs[len(rs)-1]), kind: last.kind})
			}
		}
		out = append(out, piece{s: string(r), kind: k})
	}
	for _, r := range line {
		switch {
		case subs[r] != 0:
			add(subs[r], sub)
		case supers[r] != 0: // not ¹²³, which the font has
			add(supers[r], super)
		case accents[r] != 0:
			add(accents[r], accent)
		default:
			add(r, normal)
		}
	}
	return out
}

// scriptSize is the size of sub- and superscripts relative to the text.
const scriptSize = 0.7

// pieceFont returns the font piece k is drawn in.
func pieceFont(fnt font.Font, k script) font.Font {
	if k == sub || k == super {
		fnt.Size *= scriptSize
	}
	return fnt
}

// width returns the width of one line.
func (h richText) width(line string, fnt font.Font) vg.Length {
	var w vg.Length
	for _, p := range pieces(line) {
		if p.kind != accent {
			f := pieceFont(fnt, p.kind)
			face := h.Fonts.Lookup(f, f.Size)
			w += face.Width(p.s)
		}
	}
	return w
}

// Box implements text.Handler.
func (h richText) Box(txt string, fnt font.Font) (width, height, depth vg.Length) {
	_, height, depth = h.Plain.Box(txt, fnt)
	return h.width(txt, fnt), height, depth
}

// Draw implements text.Handler: text.Plain's Draw, piece by piece.
func (h richText) Draw(c vg.Canvas, txt string, sty text.Style, pt vg.Point) {
	txt = strings.TrimRight(txt, "\n")
	if len(txt) == 0 {
		return
	}
	fnt := h.Fonts.Lookup(sty.Font, sty.Font.Size)
	c.SetColor(sty.Color)
	if sty.Rotation != 0 {
		c.Push()
		c.Rotate(sty.Rotation)
	}
	sin64, cos64 := math.Sincos(sty.Rotation)
	cos, sin := vg.Length(cos64), vg.Length(sin64)
	pt.X, pt.Y = pt.Y*sin+pt.X*cos, pt.Y*cos-pt.X*sin

	lines := h.Lines(txt)
	ht := sty.Height(txt)
	pt.Y += ht*vg.Length(sty.YAlign) - fnt.Extents().Ascent
	size := sty.Font.Size
	for i, line := range lines {
		x := pt.X + vg.Length(sty.XAlign)*h.width(line, sty.Font)
		y := pt.Y + vg.Length(len(lines)-i)*size
		var prevX, prevW vg.Length
		var prev string
		for _, p := range pieces(line) {
			f := pieceFont(sty.Font, p.kind)
			face := h.Fonts.Lookup(f, f.Size)
			w := face.Width(p.s)
			switch p.kind {
			case accent:
				lift := vg.Length(0)
				if !strings.ContainsAny(prev, "acegmnopqrsuvwxyzαεηικνοπρστυχω") {
					lift = 0.22 * size // over a tall letter
				}
				c.FillString(face, vg.Point{X: prevX + (prevW-w)/2, Y: y + lift}, p.s)
				continue
			case sub:
				c.FillString(face, vg.Point{X: x, Y: y - 0.16*size}, p.s)
			case super:
				c.FillString(face, vg.Point{X: x, Y: y + 0.38*size}, p.s)
			default:
				c.FillString(face, vg.Point{X: x, Y: y}, p.s)
			}
			prevX, prevW, prev = x, w, p.s
			x += w
		}
	}
	if sty.Rotation != 0 {
		c.Pop()
	}
}

// missingGlyphs returns the characters of txt that the font cannot draw,
// after richText's substitutions; none for a text it draws in full.
func missingGlyphs(txt string, fnt font.Font) []rune {
	var out []rune
	for _, line := range textHandler.Lines(txt) {
		for _, p := range pieces(line) {
			f := pieceFont(fnt, p.kind)
			face := textHandler.Fonts.Lookup(f, f.Size)
			ff := face.FontFace(72)
			for _, r := range p.s {
				if r == ' ' || r == '\t' {
					continue
				}
				if _, ok := ff.GlyphAdvance(r); !ok {
					out = append(out, r)
				}
			}
		}
	}
	return out
}

// CheckText reports whether the figure's font can draw txt: nil if it can,
// else an error naming each character it cannot (which would be drawn as
// nothing). Sub- and superscript digits, Greek letters, ±, ≤, ·, — and
// combining accents such as the dot of θ̇ are all drawn; ∇, for one, is not.
func CheckText(txt string) error {
	if miss := missingGlyphs(txt, sans); len(miss) > 0 {
		var names []string
		for _, r := range miss {
			names = append(names, fmt.Sprintf("%q (%U)", r, r))
		}
		return fmt.Errorf("plotting: the figure font cannot draw %s in %q", strings.Join(names, ", "), txt)
	}
	return nil
}

// CheckText checks every text of the figure (titles, axis labels, legend
// entries, reference-line and colour-bar labels) with the package function
// CheckText, and returns the first error, naming the panel.
func (f *Figure) CheckText() error {
	if f == nil {
		return nil
	}
	check := func(where, s string) error {
		if err := CheckText(s); err != nil {
			return fmt.Errorf("%s: %w", where, err)
		}
		return nil
	}
	if err := check("figure title", f.title); err != nil {
		return err
	}
	for i, pn := range f.panels {
		if pn == nil {
			continue
		}
		p := pn.plot
		texts := []string{p.Title.Text, p.X.Label.Text, p.Y.Label.Text, pn.colorLabel}
		texts = append(texts, pn.legendNames...)
		for _, r := range pn.refs {
			texts = append(texts, r.label)
		}
		for _, s := range texts {
			if err := check(fmt.Sprintf("panel %d", i), s); err != nil {
				return err
			}
		}
	}
	return nil
}
