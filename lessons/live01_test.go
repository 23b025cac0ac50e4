package lessons

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/rlcontrol/rlcontrol/live"
	"github.com/rlcontrol/rlcontrol/plotting"
)

// showHeadless shows a panel as a headless notebook run does (its
// defaults, once) and returns what Show returns with the line it printed.
func showHeadless(t *testing.T, controls []live.Control, render live.RenderFunc) (live.Values, live.View, string) {
	t.Helper()
	t.Setenv(live.HeadlessEnv, "1")
	var out bytes.Buffer
	v, view, err := live.Panel{Title: "test", Controls: controls, Render: render, Out: &out}.Show()
	if err != nil {
		t.Fatal(err)
	}
	return v, view, strings.TrimSpace(out.String())
}

// replaced returns controls with the one called c.Name replaced by c: the
// same panel starting elsewhere, to render a setting other than the
// default through the render function.
func replaced(t *testing.T, controls []live.Control, c live.Control) []live.Control {
	t.Helper()
	out := append([]live.Control(nil), controls...)
	for i := range out {
		if out[i].Name == c.Name {
			out[i] = c
			return out
		}
	}
	t.Fatalf("no control %q", c.Name)
	return nil
}

// svgOf renders a view's figure to SVG.
func svgOf(t *testing.T, view live.View) string {
	t.Helper()
	b, err := view.Figure.Render(plotting.SVG)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// The swing-up controls' default is section 5's swing-up (same cost, same
// final state, upright); another horizon draws another figure and text,
// and a short one does not swing up.
func TestSwingUpLive(t *testing.T) {
	v, view, line := showHeadless(t, SwingUpControls(), SwingUpRender)
	if v.String() != "T=300 r=0.01" {
		t.Errorf("defaults %q, want T=300 r=0.01", v)
	}
	out, err := SwingUp{}.Run()
	if err != nil {
		t.Fatal(err)
	}
	want := out.(*SwingUpOutcome).Result
	got, err := SwingUpAt(context.Background(), 300, 0.01, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got.Result.Cost != want.Cost || len(got.Result.History) != len(want.History) || got.Result.X[300][0] != want.X[300][0] {
		t.Errorf("live default: cost %v after %d iterations, θ_T %v; section 5: %v after %d, θ_T %v",
			got.Result.Cost, len(got.Result.History), got.Result.X[300][0], want.Cost, len(want.History), want.X[300][0])
	}
	if !got.Upright || view.Text != got.Text() || !strings.HasPrefix(line, "T=300 r=0.01: ") || !strings.HasSuffix(line, ": upright") {
		t.Errorf("default: upright %v, view text %q, printed %q", got.Upright, view.Text, line)
	}
	again, err := SwingUpAt(context.Background(), 300, 0.01, nil)
	if err != nil || again != got {
		t.Errorf("a second call for the same setting computed again (%p, %p, %v)", again, got, err)
	}

	v2, view2, line2 := showHeadless(t, replaced(t, SwingUpControls(), live.IntSlider("T", "horizon", 50, SwingUpMaxT, 25, 100)), SwingUpRender)
	if v2.String() != "T=100 r=0.01" || view2.Text == view.Text || !strings.HasSuffix(line2, ": not upright") {
		t.Errorf("T = 100: values %q, text %q, printed %q; want another text ending not upright", v2, view2.Text, line2)
	}
	if svgOf(t, view) == svgOf(t, view2) {
		t.Error("T = 100 draws the same figure as T = 300")
	}
	t.Logf("default: %s\nT = 100: %s", line, line2)
}

// A cancelled context stops the solve within an iteration; bad settings
// are errors naming the value.
func TestSwingUpLiveCancelAndBadInput(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	calls := 0
	start := time.Now()
	_, err := SwingUpAt(ctx, 375, 1e-4, func(string, ...any) { // 200 iterations if not stopped
		calls++
		cancel()
	})
	if !errors.Is(err, context.Canceled) || calls != 1 {
		t.Errorf("cancelled at the first iteration: err %v after %d progress calls, want context.Canceled after 1", err, calls)
	}
	t.Logf("stopped after %v", time.Since(start))
	if _, ok := swingUpKept.get("T=375 r=0.0001"); ok {
		t.Error("a cancelled run was kept")
	}
	for _, c := range []struct {
		T    int
		r    float64
		want string
	}{{0, 0.01, "T = 0"}, {300, 0, "r = 0"}, {-5, 0.01, "T = -5"}, {MaxHorizon + 1, 0.01, fmt.Sprint(MaxHorizon + 1)}, {300, -1, "-1"}} {
		if _, err := SwingUpAt(context.Background(), c.T, c.r, nil); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("SwingUpAt(%d, %v): %v, want an error naming %q", c.T, c.r, err, c.want)
		}
	}
}

// untilCancelled passes other panics through; panelCache keeps the newest
// panelCacheSize results.
func TestLiveHelpers(t *testing.T) {
	func() {
		defer func() {
			if r := recover(); r != "other" {
				t.Errorf("recovered %v, want the panic \"other\" passed through", r)
			}
		}()
		_, _ = untilCancelled(context.Background(), func(stop func()) (int, error) { panic("other") })
	}()
	c := newPanelCache[int]()
	for i := range panelCacheSize + 3 {
		c.put(fmt.Sprint(i), i)
	}
	if _, ok := c.get("2"); ok {
		t.Error("the cache kept more than panelCacheSize results")
	}
	if v, ok := c.get(fmt.Sprint(panelCacheSize + 2)); !ok || v != panelCacheSize+2 {
		t.Error("the cache lost its newest result")
	}
}
