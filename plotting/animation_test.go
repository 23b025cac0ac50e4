package plotting

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// svgStats parses an SVG with encoding/xml and returns, for each animated
// attribute of a moving part, the number of values of its <animate>, and
// the number of time readouts.
func svgStats(t *testing.T, svg []byte) (values map[string][]int, readouts int) {
	t.Helper()
	values = map[string][]int{}
	d := xml.NewDecoder(bytes.NewReader(svg))
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("SVG does not parse: %v", err)
		}
		se, ok := tok.(xml.StartElement)
		if !ok || se.Name.Local != "animate" {
			continue
		}
		attr := map[string]string{}
		for _, a := range se.Attr {
			attr[a.Name.Local] = a.Value
		}
		if attr["repeatCount"] != "indefinite" {
			t.Errorf("animate of %s does not loop", attr["attributeName"])
		}
		if attr["attributeName"] == "visibility" {
			readouts++
			continue
		}
		values[attr["attributeName"]] = append(values[attr["attributeName"]], len(strings.Split(attr["values"], ";")))
	}
	return values, readouts
}

// pendulumFrames returns n frames of a swinging rod of length 1.
func pendulumFrames(n int) (x0, y0, x1, y1 []float64) {
	for k := range n {
		th := math.Pi * float64(k) / float64(n)
		x0, y0 = append(x0, 0), append(y0, 0)
		x1, y1 = append(x1, math.Sin(th)), append(y1, -math.Cos(th))
	}
	return
}

func TestAnimation(t *testing.T) {
	for _, c := range []struct{ frames, written int }{{50, 50}, {300, 300}, {1000, 250}, {1, 1}} {
		a, err := NewAnimation("Pendulum <swing-up>", 0.02, -1.2, 1.2, -1.2, 1.2)
		if err != nil {
			t.Fatal(err)
		}
		x0, y0, x1, y1 := pendulumFrames(c.frames)
		if err := a.Static(-1.2, 0, 1.2, 0); err != nil {
			t.Fatal(err)
		}
		if err := a.Segment(x0, y0, x1, y1, 0.04); err != nil {
			t.Fatal(err)
		}
		if err := a.Circle(x1, y1, 0.08); err != nil {
			t.Fatal(err)
		}
		if err := a.Rect(x0, y0, 0.3, 0.1); err != nil {
			t.Fatal(err)
		}
		if a.Frames() != c.frames {
			t.Errorf("Frames() = %d, want %d", a.Frames(), c.frames)
		}
		svg, err := a.SVG()
		if err != nil {
			t.Fatal(err)
		}
		values, readouts := svgStats(t, svg)
		for attr, want := range map[string]int{"x1": 1, "y1": 1, "x2": 1, "y2": 1, "cx": 1, "cy": 1, "x": 1, "y": 1} {
			if got := len(values[attr]); got != want {
				t.Errorf("%d frames: %d animates of %s, want %d", c.frames, got, attr, want)
			}
			for _, n := range values[attr] {
				if n != c.written {
					t.Errorf("%d frames: animate of %s has %d values, want %d", c.frames, attr, n, c.written)
				}
			}
		}
		if c.written > 1 && readouts != c.written {
			t.Errorf("%d frames: %d time readouts, want %d", c.frames, readouts, c.written)
		}
		s := string(svg)
		if !strings.Contains(s, "t = 0.00 s") || strings.Contains(s, "<script") || !strings.Contains(s, "Pendulum &lt;swing-up&gt;") {
			t.Errorf("%d frames: SVG lacks the readout or the escaped title, or has a script", c.frames)
		}
		if c.frames == 1000 && !strings.Contains(s, `dur="20s"`) {
			t.Error("thinned animation does not last 1000 × 0.02 s")
		}
	}
}

func TestAnimationBadInput(t *testing.T) {
	good := []float64{0, 1, 2}
	for _, c := range []struct {
		name string
		err  func() error
		want string
	}{
		{"dt", func() error { _, err := NewAnimation("", 0, 0, 1, 0, 1); return err }, "dt = 0"},
		{"NaN box", func() error { _, err := NewAnimation("", 0.1, math.NaN(), 1, 0, 1); return err }, "xmin = NaN"},
		{"empty box", func() error { _, err := NewAnimation("", 0.1, 0, 1, 2, 2); return err }, "y range [2, 2]"},
		{"length", func() error {
			a, _ := NewAnimation("", 0.1, 0, 1, 0, 1)
			return a.Segment(good, good, good, good[:2], 0.1)
		}, "y2 has 2 frames, x1 has 3"},
		{"length across parts", func() error {
			a, _ := NewAnimation("", 0.1, 0, 1, 0, 1)
			a.Circle(good, good, 0.1)
			return a.Rect(good[:1], good[:1], 1, 1)
		}, "xc has 1 frames, the animation has 3"},
		{"NaN", func() error {
			a, _ := NewAnimation("", 0.1, 0, 1, 0, 1)
			return a.Circle(good, []float64{0, math.NaN(), 0}, 0.1)
		}, "y[1] is NaN"},
		{"radius", func() error {
			a, _ := NewAnimation("", 0.1, 0, 1, 0, 1)
			return a.Circle(good, good, -1)
		}, "r = -1"},
		{"empty", func() error {
			a, _ := NewAnimation("", 0.1, 0, 1, 0, 1)
			return a.Segment(nil, nil, nil, nil, 1)
		}, "x1 is empty"},
		{"static", func() error {
			a, _ := NewAnimation("", 0.1, 0, 1, 0, 1)
			return a.Static(0, math.Inf(1), 1, 0)
		}, "+Inf"},
		{"no parts", func() error {
			a, _ := NewAnimation("", 0.1, 0, 1, 0, 1)
			a.Static(0, 0, 1, 0)
			_, err := a.SVG()
			return err
		}, "no moving parts"},
		{"nil", func() error { return (*Animation)(nil).Circle(good, good, 1) }, "nil animation"},
		{"save ext", func() error {
			a, _ := NewAnimation("", 0.1, 0, 1, 0, 1)
			a.Circle(good, good, 0.1)
			return a.Save(filepath.Join(t.TempDir(), "a.png"))
		}, `".png"`},
		{"show name", func() error {
			a, _ := NewAnimation("", 0.1, 0, 1, 0, 1)
			return a.ShowAs("Bad Name")
		}, "Bad Name"},
	} {
		if err := c.err(); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v; want one naming %q", c.name, err, c.want)
		}
	}
}

func TestAnimationSaveShow(t *testing.T) {
	a, err := NewAnimation("swing", 0.05, -1, 1, -1, 1)
	if err != nil {
		t.Fatal(err)
	}
	x0, y0, x1, y1 := pendulumFrames(20)
	if err := a.Segment(x0, y0, x1, y1, 0.05); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for _, name := range []string{"a.svg", "a.html"} {
		if err := a.Save(filepath.Join(dir, name)); err != nil {
			t.Fatal(err)
		}
		b, _ := os.ReadFile(filepath.Join(dir, name))
		if !bytes.Contains(b, []byte("<animate")) {
			t.Errorf("%s lacks the animation", name)
		}
		if strings.HasSuffix(name, ".html") && (bytes.Contains(b, []byte("<?xml")) || !bytes.HasPrefix(b, []byte("<!DOCTYPE html>"))) {
			t.Errorf("%s is not an HTML page with inline SVG", name)
		}
	}

	var shown []string
	oldIn, oldHTML, oldErr, oldSync := inNotebook, displayHTML, displayError, syncDisplay
	t.Cleanup(func() { inNotebook, displayHTML, displayError, syncDisplay = oldIn, oldHTML, oldErr, oldSync })
	in := false
	inNotebook = func() bool { return in }
	displayHTML = func(s string) { shown = append(shown, s) }
	displayError = func() error { return nil }
	syncDisplay = func() { shown = append(shown, "sync") }
	if err := a.Show(); err != nil || len(shown) != 0 {
		t.Fatalf("Show outside a notebook: %v, displayed %d", err, len(shown))
	}
	in = true
	if err := a.ShowAs("01-swing"); err != nil {
		t.Fatal(err)
	}
	if len(shown) != 2 || shown[1] != "sync" ||
		!strings.HasPrefix(shown[0], `<figure data-figure="01-swing" style="margin:0"><svg`) ||
		!strings.HasSuffix(shown[0], `<figcaption style="font:11px sans-serif;color:#888">01-swing · exported by make figures</figcaption></figure>`) {
		t.Errorf("ShowAs displayed %q", shown)
	}
	if err := a.Show(); err != nil || len(shown) != 4 || !strings.HasPrefix(shown[2], "<svg") {
		t.Errorf("Show: %v, displayed %d", err, len(shown))
	}
	displayError = func() error { return errors.New("pipe closed") }
	if err := a.Show(); err == nil || !strings.Contains(err.Error(), "pipe closed") {
		t.Errorf("Show with a broken pipe: %v", err)
	}
}
