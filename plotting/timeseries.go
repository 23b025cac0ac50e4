package plotting

import (
	"fmt"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
)

// Panel is one panel of a Stack: series against the stack's shared x.
type Panel struct {
	// YLabel labels the panel's y axis, e.g. "θ [rad]".
	YLabel string
	// Series are drawn in palette order: series i has colour Color(i) in
	// every panel, so the same index means the same thing throughout.
	Series []Series
	// Step draws the series as a zero-order hold: y[k] is held from x[k]
	// to x[k+1]. Use it for controls applied over a time step.
	Step bool
}

// Stack draws panels on top of each other, sharing the x axis: x tick labels
// and xlabel appear only under the bottom panel. It fails, naming the bad
// value, if x is empty, there are no panels, a panel has no series, or a
// series has the wrong length or a NaN or infinite value.
func Stack(title, xlabel string, x []float64, panels ...Panel) (*Figure, error) {
	return stack("Stack", title, xlabel, x, panels, false)
}

func stack(fn, title, xlabel string, x []float64, panels []Panel, legendOnTopOnly bool) (*Figure, error) {
	if err := checkX(fn, x); err != nil {
		return nil, err
	}
	if len(panels) == 0 {
		return nil, fmt.Errorf("plotting: %s: no panels", fn)
	}
	for k, pl := range panels {
		pname := seriesName("panel", k, pl.YLabel)
		if len(pl.Series) == 0 {
			return nil, fmt.Errorf("plotting: %s: %s has no series", fn, pname)
		}
		for i, s := range pl.Series {
			what := pname + " " + seriesName("series", i, s.Name) + " Y"
			if err := checkLen(fn, what, s.Y, len(x)); err != nil {
				return nil, err
			}
			if err := checkFinite(fn, what, s.Y); err != nil {
				return nil, err
			}
		}
	}
	f := newFigure(title, len(panels), 1)
	f.titleAbove = true
	f.stack = &stackInfo{sharedLegend: legendOnTopOnly}
	for k, pl := range panels {
		pn := newPanel()
		p := pn.plot
		p.Y.Label.Text = pl.YLabel
		if len(panels) > 2 {
			p.Y.Tick.Marker = niceTicks{n: 3} // short panels: fewer labels
		}
		if k == len(panels)-1 {
			p.X.Label.Text = xlabel
		} else {
			p.X.Tick.Marker = unlabelled{niceTicks{}}
		}
		for i, s := range pl.Series {
			name := s.Name
			if legendOnTopOnly && k > 0 {
				name = ""
			}
			l := pn.addLine(x, s.Y, i, name, Color(i))
			if pl.Step {
				l.StepStyle = plotter.PostStep
			}
		}
		pn.finish()
		f.panels[k] = pn
	}
	return f.WithStyle(f.style), nil
}

// unlabelled keeps the tick marks of a Ticker but drops their labels.
type unlabelled struct{ plot.Ticker }

// Ticks implements plot.Ticker.
func (u unlabelled) Ticks(lo, hi float64) []plot.Tick {
	ts := u.Ticker.Ticks(lo, hi)
	for i := range ts {
		ts[i].Label = ""
	}
	return ts
}

// Trace is one rollout of a controlled system: states and controls over
// time, as collected by a simulation loop.
type Trace struct {
	// Name is the legend label (e.g. "iLQR", "learned policy"); may be empty.
	Name string
	// States[k] is the state vector at time t[k]; len(States) == len(t).
	// It may be nil when the figure shows no states.
	States [][]float64
	// Controls[k] is the control applied at time t[k]. A control per time
	// step, len(t)-1 of them, is the usual case; len(t) is accepted too. It
	// may be nil when the figure shows no controls. Controls are drawn as a
	// zero-order hold.
	Controls [][]float64
}

// TimeSeries draws states and controls over time, one panel per component
// (states first, then controls) sharing the time axis. stateNames and
// controlNames label the panels; nil names are made up from the widths of
// the first trace ("x[0]", "u[0]", …). Several traces (e.g. planned and
// executed, or rollouts from several seeds) are overlaid in palette order,
// named in a legend on the top panel. It fails, naming the trace, time and
// component, on missing or mismatched data or a NaN or infinite value.
func TimeSeries(title, xlabel string, t []float64, stateNames, controlNames []string, traces ...Trace) (*Figure, error) {
	const fn = "TimeSeries"
	if err := checkX(fn, t); err != nil {
		return nil, err
	}
	if len(traces) == 0 {
		return nil, fmt.Errorf("plotting: %s: no traces", fn)
	}
	T := len(t)
	stateNames = componentNames(stateNames, "x", traces[0].States)
	controlNames = componentNames(controlNames, "u", traces[0].Controls)
	if len(stateNames)+len(controlNames) == 0 {
		return nil, fmt.Errorf("plotting: %s: nothing to plot: no state or control components", fn)
	}
	for i, tr := range traces {
		name := seriesName("trace", i, tr.Name)
		if err := checkRows(fn, name+" States", tr.States, len(stateNames), T, T); err != nil {
			return nil, err
		}
		if err := checkRows(fn, name+" Controls", tr.Controls, len(controlNames), T-1, T); err != nil {
			return nil, err
		}
	}
	var panels []Panel
	for j, label := range stateNames {
		pl := Panel{YLabel: label}
		for _, tr := range traces {
			y := make([]float64, T)
			for k := range T {
				y[k] = tr.States[k][j]
			}
			pl.Series = append(pl.Series, Series{Name: tr.Name, Y: y})
		}
		panels = append(panels, pl)
	}
	for j, label := range controlNames {
		pl := Panel{YLabel: label, Step: true}
		for _, tr := range traces {
			y := make([]float64, T)
			for k := range T {
				y[k] = tr.Controls[min(k, len(tr.Controls)-1)][j]
			}
			pl.Series = append(pl.Series, Series{Name: tr.Name, Y: y})
		}
		panels = append(panels, pl)
	}
	return stack(fn, title, xlabel, t, panels, true)
}

// componentNames returns names, or if it is nil, prefix[0], prefix[1], … for
// the width of the first row of rows.
func componentNames(names []string, prefix string, rows [][]float64) []string {
	if names != nil || len(rows) == 0 {
		return names
	}
	out := make([]string, len(rows[0]))
	for i := range out {
		out[i] = fmt.Sprintf("%s[%d]", prefix, i)
	}
	return out
}

// checkRows validates a [time][component] table: width columns, between
// minRows and maxRows rows (or nil when width is 0), all finite.
func checkRows(fn, what string, rows [][]float64, width, minRows, maxRows int) error {
	if width == 0 {
		if len(rows) != 0 && len(rows[0]) != 0 {
			return fmt.Errorf("plotting: %s: %s has %d components but no names were given for them", fn, what, len(rows[0]))
		}
		return nil
	}
	if len(rows) < minRows || len(rows) > maxRows || len(rows) == 0 {
		want := fmt.Sprint(maxRows)
		if minRows != maxRows {
			want = fmt.Sprintf("%d or %d", minRows, maxRows)
		}
		return fmt.Errorf("plotting: %s: %s has %d time steps; want %s to match t", fn, what, len(rows), want)
	}
	for k, r := range rows {
		if len(r) != width {
			return fmt.Errorf("plotting: %s: %s[%d] has %d components; want %d", fn, what, k, len(r), width)
		}
		if i, d, bad := badValue(r); bad {
			return fmt.Errorf("plotting: %s: %s[%d][%d] is %s", fn, what, k, i, d)
		}
	}
	return nil
}
