package lessons

import (
	"encoding/xml"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/rlcontrol/rlcontrol/rl/system"
)

// firstAttrs returns the attributes of the first element named name in svg.
func firstAttrs(t *testing.T, svg []byte, name string) map[string]float64 {
	t.Helper()
	d := xml.NewDecoder(strings.NewReader(string(svg)))
	for {
		tok, err := d.Token()
		if err != nil {
			t.Fatalf("no <%s> in the SVG: %v", name, err)
		}
		if se, ok := tok.(xml.StartElement); ok && se.Name.Local == name {
			out := map[string]float64{}
			for _, a := range se.Attr {
				if v, err := strconv.ParseFloat(a.Value, 64); err == nil {
					out[a.Name.Local] = v
				}
			}
			return out
		}
	}
}

// animates counts the <animate> elements that move parts (not the time
// readout) and checks each has frames values.
func animates(t *testing.T, svg []byte, frames int) int {
	t.Helper()
	d := xml.NewDecoder(strings.NewReader(string(svg)))
	n := 0
	for {
		tok, err := d.Token()
		if err != nil {
			return n
		}
		se, ok := tok.(xml.StartElement)
		if !ok || se.Name.Local != "animate" {
			continue
		}
		var attr, values string
		for _, a := range se.Attr {
			switch a.Name.Local {
			case "attributeName":
				attr = a.Value
			case "values":
				values = a.Value
			}
		}
		if attr == "visibility" {
			continue
		}
		n++
		if got := len(strings.Split(values, ";")); got != frames {
			t.Errorf("animate of %s has %d values, want %d", attr, got, frames)
		}
	}
}

func TestPendulumAnimation(t *testing.T) {
	p := system.NewPendulum()
	var X [][]float64
	for k := range 120 {
		X = append(X, []float64{math.Pi * float64(k) / 119, 0}) // hanging to upright
	}
	a, err := PendulumAnimation(p, X, p.TimeStep)
	if err != nil {
		t.Fatal(err)
	}
	if a.Frames() != len(X) {
		t.Errorf("%d frames, want %d", a.Frames(), len(X))
	}
	svg, err := a.SVG()
	if err != nil {
		t.Fatal(err)
	}
	if n := animates(t, svg, len(X)); n != 6 { // rod x1 y1 x2 y2, bob cx cy
		t.Errorf("%d animates, want 6", n)
	}
	// θ = 0 hangs down: the bob starts below the pivot (SVG y grows down).
	c := firstAttrs(t, svg, "circle")
	rod := findRod(t, svg)
	if !(c["cy"] > rod["y1"]) || math.Abs(c["cx"]-rod["x1"]) > 0.5 {
		t.Errorf("bob at (%g, %g), pivot at (%g, %g): not hanging below", c["cx"], c["cy"], rod["x1"], rod["y1"])
	}
	if dir := os.Getenv("LESSONS_TEST_OUT"); dir != "" {
		a.Save(filepath.Join(dir, "pendulum.html"))
	}
}

// findRod returns the attributes of the first animated line (the static
// ones have no stroke-linecap).
func findRod(t *testing.T, svg []byte) map[string]float64 {
	t.Helper()
	i := strings.Index(string(svg), `stroke-linecap="round"`)
	j := strings.LastIndex(string(svg[:max(i, 0)]), "<line")
	if i < 0 || j < 0 {
		t.Fatal("no moving line")
	}
	return firstAttrs(t, svg[j:], "line")
}

func TestCartPoleAnimation(t *testing.T) {
	cp := system.NewCartPole()
	var X [][]float64
	for k := range 400 {
		s := float64(k) * cp.TimeStep
		X = append(X, []float64{0.5 * math.Sin(s), 0.2 * math.Exp(-s), 0, 0})
	}
	X[0][1] = 0 // upright at the start
	a, err := CartPoleAnimation(cp, X, cp.TimeStep)
	if err != nil {
		t.Fatal(err)
	}
	if a.Frames() != 400 {
		t.Errorf("%d frames", a.Frames())
	}
	svg, err := a.SVG()
	if err != nil {
		t.Fatal(err)
	}
	// 400 frames are thinned to 200 (every second one).
	if n := animates(t, svg, 200); n != 6 { // cart x y, pole x1 y1 x2 y2
		t.Errorf("%d animates, want 6", n)
	}
	// θ = 0 is upright: the pole's tip is straight above its hinge.
	pole := findRod(t, svg)
	if !(pole["y2"] < pole["y1"]) || math.Abs(pole["x2"]-pole["x1"]) > 0.5 {
		t.Errorf("pole from (%g, %g) to (%g, %g): not upright", pole["x1"], pole["y1"], pole["x2"], pole["y2"])
	}
	if dir := os.Getenv("LESSONS_TEST_OUT"); dir != "" {
		a.Save(filepath.Join(dir, "cartpole.svg"))
	}
}

func TestAnimationBadInput(t *testing.T) {
	p, cp := system.NewPendulum(), system.NewCartPole()
	ok2, ok4 := [][]float64{{0, 0}, {0.1, 0}}, [][]float64{{0, 0, 0, 0}, {0.1, 0.1, 0, 0}}
	for _, c := range []struct {
		name string
		err  error
		want string
	}{
		{"nil pendulum", animErr(PendulumAnimation(nil, ok2, 0.05)), "nil pendulum"},
		{"no states", animErr(PendulumAnimation(p, nil, 0.05)), "no states"},
		{"short state", animErr(PendulumAnimation(p, [][]float64{{0, 0}, {1}}, 0.05)), "X[1] has 1 entries"},
		{"NaN θ", animErr(PendulumAnimation(p, [][]float64{{0, 0}, {math.NaN(), 0}}, 0.05)), "X[1][0] (θ) is NaN"},
		{"dt", animErr(PendulumAnimation(p, ok2, 0)), "dt = 0"},
		{"bad length", animErr(PendulumAnimation(&system.Pendulum{}, ok2, 0.05)), "Length = 0"},
		{"nil cart-pole", animErr(CartPoleAnimation(nil, ok4, 0.02)), "nil cart-pole"},
		{"cart short state", animErr(CartPoleAnimation(cp, ok2, 0.02)), "X[0] has 2 entries; want 4"},
		{"cart Inf x", animErr(CartPoleAnimation(cp, [][]float64{{math.Inf(1), 0, 0, 0}}, 0.02)), "X[0][0] (x) is +Inf"},
		{"cart NaN θ", animErr(CartPoleAnimation(cp, [][]float64{{0, math.NaN(), 0, 0}}, 0.02)), "(θ) is NaN"},
		{"cart dt", animErr(CartPoleAnimation(cp, ok4, math.NaN())), "dt = NaN"},
	} {
		if c.err == nil || !strings.Contains(c.err.Error(), c.want) {
			t.Errorf("%s: error %v; want one naming %q", c.name, c.err, c.want)
		}
	}
}

func animErr[T any](_ T, err error) error { return err }
