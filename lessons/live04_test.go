package lessons

import (
	"bytes"
	"context"
	"math"
	"strings"
	"testing"

	"github.com/rlcontrol/rlcontrol/live"
	"github.com/rlcontrol/rlcontrol/plotting"
	"github.com/rlcontrol/rlcontrol/rl/trpo"
)

// showPanelHeadless shows a panel headless, as the notebook runner does, and
// returns its values, view and printed line.
func showPanelHeadless(t *testing.T, title string, controls []live.Control, render live.RenderFunc) (live.Values, live.View, string) {
	t.Helper()
	t.Setenv(live.HeadlessEnv, "1")
	var out bytes.Buffer
	v, view, err := live.Panel{Title: title, Controls: controls, Render: render, Out: &out}.Show()
	if err != nil {
		t.Fatal(err)
	}
	return v, view, out.String()
}

// figureSVG renders a figure to SVG.
func figureSVG(t *testing.T, f *plotting.Figure) string {
	t.Helper()
	b, err := f.Render(plotting.SVG)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestTRPODeltaDefault: the δ control starts at the lesson's δ, and the
// view is TRPOStepAt's update there, which stays inside δ whole.
func TestTRPODeltaDefault(t *testing.T) {
	v, view, line := showPanelHeadless(t, "δ", []live.Control{TRPODeltaControl()}, TRPODeltaRender)
	if d := v.Float("delta"); d != TRPODeltaDefault || d != PendulumTRPOConfig(1).MaxKL {
		t.Errorf("default δ = %v, want the lesson's 0.02", d)
	}
	st, err := TRPOStepAt(context.Background(), 0.02, nil)
	if err != nil {
		t.Fatal(err)
	}
	if view.Text != st.Text() || !strings.HasPrefix(line, "delta=0.02: "+st.Text()) {
		t.Errorf("shown %q (printed %q), want TRPOStepAt(0.02)'s %q", view.Text, line, st.Text())
	}
	if st.Backtracks != 0 || st.NaturalKL > st.Delta || st.Accepted != 1 {
		t.Errorf("at δ = 0.02: %s; want the full step taken, within δ", st.Text())
	}
}

// TestTRPODeltaMoves: another δ draws another update — δ = 0.2 overshoots
// and TRPO backtracks — and its figure and text differ from the default's.
func TestTRPODeltaMoves(t *testing.T) {
	def, err := TRPOStepAt(context.Background(), TRPODeltaDefault, nil)
	if err != nil {
		t.Fatal(err)
	}
	big, err := TRPOStepAt(context.Background(), 0.2, nil)
	if err != nil {
		t.Fatal(err)
	}
	if big.Text() == def.Text() {
		t.Errorf("δ = 0.2 and 0.02 give the same text %q", big.Text())
	}
	f1, err := def.Figure()
	if err != nil {
		t.Fatal(err)
	}
	f2, err := big.Figure()
	if err != nil {
		t.Fatal(err)
	}
	if figureSVG(t, f1) == figureSVG(t, f2) {
		t.Error("δ = 0.2 and 0.02 draw the same figure")
	}
	if !(big.NaturalKL > big.Delta) || big.Backtracks < 1 || big.TRPOKL > big.Delta {
		t.Errorf("at δ = 0.2: %s; want natural PG outside δ, TRPO backtracking to within it", big.Text())
	}
}

// TestTRPOStepMatchesLibrary: the lesson's line search along the step is
// trpo.Updater.Step's: the same backtracks, KL and surrogate gain.
func TestTRPOStepMatchesLibrary(t *testing.T) {
	for _, delta := range []float64{0.02, 0.2, 2} {
		st, err := TRPOStepAt(context.Background(), delta, nil)
		if err != nil {
			t.Fatal(err)
		}
		base := trpoStepCache.base
		cfg := base.cfg
		cfg.MaxKL = delta
		u, err := trpo.NewUpdater(base.pol.Clone(), cfg)
		if err != nil {
			t.Fatal(err)
		}
		lib, err := u.Step(base.data)
		if err != nil {
			t.Fatal(err)
		}
		close := func(a, b float64) bool { return math.Abs(a-b) <= 1e-9*math.Max(1, math.Abs(b)) }
		if lib.Backtracks != st.Backtracks || !close(st.TRPOKL, lib.KL) || !close(st.TRPOGain, lib.SurrogateGain) {
			t.Errorf("δ = %g: lesson %d backtracks, KL %v, gain %v; trpo.Updater.Step %d, %v, %v",
				delta, st.Backtracks, st.TRPOKL, st.TRPOGain, lib.Backtracks, lib.KL, lib.SurrogateGain)
		}
	}
}

// TestTRPOStepBadInput: a bad δ or a cancelled context is an error, not a
// panic or a figure.
func TestTRPOStepBadInput(t *testing.T) {
	for _, d := range []float64{0, -0.1, math.NaN(), math.Inf(1)} {
		if _, err := TRPOStepAt(context.Background(), d, nil); err == nil {
			t.Errorf("δ = %v: no error", d)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := TRPOStepAt(ctx, 0.0123, nil); err == nil {
		t.Error("a cancelled context computed a step")
	}
}
