package live

import (
	"fmt"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// maxPositions bounds the number of positions of one control, so that a
// slider stays usable and its labels stay small in the page.
const maxPositions = 1000

// Control is one setting on a panel: a slider or a select. Build it with
// Slider, IntSlider, LogSlider or Select; a constructor given bad arguments
// returns a Control that carries the error, and Show reports it.
//
// A control has a finite list of positions, each standing for one value
// (a slider's grid of numbers, a select's options), and a default position.
type Control struct {
	// Name identifies the control in Values (letters, digits and '_',
	// starting with a letter).
	Name string
	// Label is the text shown beside the control, e.g. "horizon T (steps)".
	Label string

	kind   controlKind
	values []float64 // the number each position stands for (sliders)
	labels []string  // the text each position shows
	def    int       // the default position
	err    error
}

type controlKind int

const (
	sliderKind controlKind = iota
	selectKind
)

var nameRE = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_]{0,39}$`)

// Positions returns the number of positions of c.
func (c Control) Positions() int { return len(c.labels) }

// Default returns c's default position.
func (c Control) Default() int { return c.def }

// Label of position i: the value it stands for, as the control shows it.
func (c Control) label(i int) string { return c.labels[i] }

// check returns c's construction error, or an error for a control built
// without a constructor.
func (c Control) check() error {
	if c.err != nil {
		return c.err
	}
	if !nameRE.MatchString(c.Name) {
		return fmt.Errorf("live: control name %q: want a letter, then up to 39 letters, digits or '_'", c.Name)
	}
	if len(c.labels) == 0 || c.def < 0 || c.def >= len(c.labels) {
		return fmt.Errorf("live: control %q has no positions: build it with Slider, IntSlider, LogSlider or Select", c.Name)
	}
	return nil
}

// fail returns a Control carrying err, prefixed with the control's name.
func fail(name, label string, format string, args ...any) Control {
	return Control{Name: name, Label: label, err: fmt.Errorf("live: control %q: %s", name, fmt.Sprintf(format, args...))}
}

// Slider is a linear slider from lo to hi in steps of step (hi is the last
// grid point not beyond it), starting at def, which must lie on the grid.
func Slider(name, label string, lo, hi, step, def float64) Control {
	if !finite(lo) || !finite(hi) || !finite(step) || !finite(def) {
		return fail(name, label, "lo = %v, hi = %v, step = %v, default = %v: want finite numbers", lo, hi, step, def)
	}
	if !(hi > lo) || !(step > 0) {
		return fail(name, label, "range [%v, %v] in steps of %v: want lo < hi and step > 0", lo, hi, step)
	}
	n := int(math.Floor((hi-lo)/step+1e-9)) + 1
	if n > maxPositions {
		return fail(name, label, "range [%v, %v] in steps of %v has %d positions, more than %d", lo, hi, step, n, maxPositions)
	}
	vals := make([]float64, n)
	for i := range vals {
		vals[i] = lo + float64(i)*step
	}
	return grid(name, label, vals, def, func(v float64) string { return strconv.FormatFloat(v, 'g', 6, 64) })
}

// IntSlider is a slider over the integers lo, lo+step, … ≤ hi, starting at
// def, which must be one of them.
func IntSlider(name, label string, lo, hi, step, def int) Control {
	if hi <= lo || step <= 0 {
		return fail(name, label, "range [%d, %d] in steps of %d: want lo < hi and step > 0", lo, hi, step)
	}
	if (hi-lo)/step+1 > maxPositions {
		return fail(name, label, "range [%d, %d] in steps of %d has more than %d positions", lo, hi, step, maxPositions)
	}
	var vals []float64
	for v := lo; v <= hi; v += step {
		vals = append(vals, float64(v))
	}
	return grid(name, label, vals, float64(def), func(v float64) string { return strconv.Itoa(int(v)) })
}

// LogSlider is a logarithmic slider for a setting that spans decades: the
// values lo·10^(k/perDecade) from lo to hi (both > 0, hi/lo a whole number
// of steps), each shown as the number it stands for. def must be one of
// them (to 1e-9 relative).
func LogSlider(name, label string, lo, hi float64, perDecade int, def float64) Control {
	if !finite(lo) || !finite(hi) || !finite(def) || !(lo > 0) || !(hi > lo) {
		return fail(name, label, "range [%v, %v]: want 0 < lo < hi, finite", lo, hi)
	}
	if perDecade < 1 || perDecade > 100 {
		return fail(name, label, "%d steps per decade: want 1 to 100", perDecade)
	}
	steps := math.Log10(hi/lo) * float64(perDecade)
	n := int(math.Round(steps))
	if math.Abs(steps-float64(n)) > 1e-6 {
		return fail(name, label, "range [%v, %v] is %.4g steps of 1/%d decade, want a whole number", lo, hi, steps, perDecade)
	}
	if n+1 > maxPositions {
		return fail(name, label, "range [%v, %v] has %d positions, more than %d", lo, hi, n+1, maxPositions)
	}
	vals := make([]float64, n+1)
	for i := range vals {
		vals[i] = lo * math.Pow(10, float64(i)/float64(perDecade))
	}
	vals[n] = hi
	return grid(name, label, vals, def, func(v float64) string { return strconv.FormatFloat(v, 'g', 3, 64) })
}

// grid builds a slider over vals with the default def (matched to 1e-9
// relative) and labels from format.
func grid(name, label string, vals []float64, def float64, format func(float64) string) Control {
	at := slices.IndexFunc(vals, func(v float64) bool { return math.Abs(v-def) <= 1e-9*math.Max(1, math.Abs(def)) })
	if at < 0 {
		return fail(name, label, "default %v is not one of the slider's values %s … %s", def, format(vals[0]), format(vals[len(vals)-1]))
	}
	vals[at] = def // exactly the default the lesson gave
	labels := make([]string, len(vals))
	for i, v := range vals {
		labels[i] = format(v)
	}
	return Control{Name: name, Label: label, kind: sliderKind, values: vals, labels: labels, def: at}
}

// Select is a drop-down list of options (distinct, non-empty), starting at
// def, which must be one of them.
func Select(name, label string, options []string, def string) Control {
	if len(options) == 0 || len(options) > maxPositions {
		return fail(name, label, "%d options, want 1 to %d", len(options), maxPositions)
	}
	for i, o := range options {
		if strings.TrimSpace(o) == "" {
			return fail(name, label, "option %d is empty", i)
		}
		if slices.Index(options, o) != i {
			return fail(name, label, "option %q appears twice", o)
		}
	}
	at := slices.Index(options, def)
	if at < 0 {
		return fail(name, label, "default %q is not one of the options %q", def, options)
	}
	return Control{Name: name, Label: label, kind: selectKind, labels: slices.Clone(options), def: at}
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

// Values are the settings of a panel's controls at one moment, as Render
// receives them and Show returns them.
type Values struct {
	controls []Control
	pos      []int
}

// find returns the index of the control called name; an unknown name is a
// bug in the cell's code, reported by a panic that Show turns into an
// error naming it.
func (v Values) find(name string, kind controlKind) int {
	for i, c := range v.controls {
		if c.Name == name {
			if c.kind != kind {
				panic(usageError{fmt.Errorf("live: control %q is a %s, not a %s", name, kindName(c.kind), kindName(kind))})
			}
			return i
		}
	}
	names := make([]string, len(v.controls))
	for i, c := range v.controls {
		names[i] = c.Name
	}
	panic(usageError{fmt.Errorf("live: no control %q (the panel has %q)", name, names)})
}

func kindName(k controlKind) string {
	if k == selectKind {
		return "select"
	}
	return "slider"
}

// usageError is a misuse of Values inside Render (an unknown control
// name), recovered by Show.
type usageError struct{ error }

// Float returns the value of the slider called name.
func (v Values) Float(name string) float64 {
	i := v.find(name, sliderKind)
	return v.controls[i].values[v.pos[i]]
}

// Int returns the value of the slider called name, rounded to an integer.
func (v Values) Int(name string) int { return int(math.Round(v.Float(name))) }

// Choice returns the option chosen on the select called name.
func (v Values) Choice(name string) string {
	i := v.find(name, selectKind)
	return v.controls[i].labels[v.pos[i]]
}

// String lists the settings as "name=value" pairs separated by spaces, in
// the panel's order, e.g. "T=300 r=0.01".
func (v Values) String() string {
	parts := make([]string, len(v.controls))
	for i, c := range v.controls {
		parts[i] = c.Name + "=" + c.label(v.pos[i])
	}
	return strings.Join(parts, " ")
}

// equal reports whether v and w are the same settings.
func (v Values) equal(w Values) bool { return slices.Equal(v.pos, w.pos) }

// with returns a copy of v with control i at position p.
func (v Values) with(i, p int) Values {
	pos := slices.Clone(v.pos)
	pos[i] = p
	return Values{controls: v.controls, pos: pos}
}

// defaults returns the default values of controls.
func defaults(controls []Control) Values {
	pos := make([]int, len(controls))
	for i, c := range controls {
		pos[i] = c.def
	}
	return Values{controls: controls, pos: pos}
}

// event is one message from the browser: "ready", "done", or
// "set NAME POSITION".
type event struct {
	kind string // "ready", "done" or "set"
	ctl  int    // the control's index (set)
	pos  int    // its new position (set)
}

// parseEvent checks a message from the browser against the controls. A
// message that is not one of the three forms, names no control, or gives a
// position outside the control's range is an error that names it.
func parseEvent(msg string, controls []Control) (event, error) {
	f := strings.Fields(msg)
	switch {
	case len(f) == 1 && (f[0] == "ready" || f[0] == "done"):
		return event{kind: f[0]}, nil
	case len(f) == 3 && f[0] == "set":
		i := slices.IndexFunc(controls, func(c Control) bool { return c.Name == f[1] })
		if i < 0 {
			return event{}, fmt.Errorf("live: ignored a value for %q: no such control", clip(f[1]))
		}
		p, err := strconv.Atoi(f[2])
		if err != nil || p < 0 || p >= controls[i].Positions() {
			return event{}, fmt.Errorf("live: ignored position %q for control %q: want a whole number from 0 to %d", clip(f[2]), f[1], controls[i].Positions()-1)
		}
		return event{kind: "set", ctl: i, pos: p}, nil
	}
	return event{}, fmt.Errorf("live: ignored the message %q from the browser: want ready, done or set NAME POSITION", clip(msg))
}

// clip shortens s for an error message.
func clip(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}
