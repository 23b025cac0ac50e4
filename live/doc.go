// Package live puts a lesson's key settings on controls in a GoNB notebook
// cell: sliders (linear, integer or logarithmic, showing the value they
// stand for), selects and a Done button, above a figure that is recomputed
// and redrawn in place whenever a control moves.
//
// A cell calls Show with its controls and a Render function that computes
// the figure for some values:
//
//	v, view, err := live.Show("Swing-up", []live.Control{
//		live.IntSlider("T", "horizon T (steps)", 50, 400, 25, 300),
//		live.LogSlider("r", "control cost r", 1e-4, 1, 4, 0.01),
//	}, func(ctx context.Context, v live.Values, progress live.Progress) (live.View, error) {
//		…compute with v.Int("T") and v.Float("r")…
//	})
//
// In a notebook with a browser the controls are live: the figure is a
// transient output that each move redraws (the newest move supersedes a
// recomputation still running, and long ones show their progress), and
// Done ends the cell, leaving the last figure as the cell's persistent
// output and returning the values it was drawn with.
//
// In a headless run — RLCONTROL_HEADLESS=1 (the test runner and `make
// figures` set it), outside a notebook, or when no browser answers within
// ReadyTimeout — the controls keep their defaults: Show renders once,
// displays the figure and returns, so the cell ends by itself.
//
// A value that arrives from the browser outside a control's range (a
// tampered or stale message) is ignored with a message; it never reaches
// Render and never stops the cell.
package live
