package lessons

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/rlcontrol/rlcontrol/live"
)

// The ε control's default is section 4's ε = 2 run (same costs, same
// torque; bound active, within the limit); ε = 200 draws another figure and
// text: the bound inactive and the torque far over the limit. Quick mode
// keeps it short (8 iterations, as the quick notebook run).
func TestEpsilonLive(t *testing.T) {
	t.Setenv(QuickEnv, "1")
	v, view, line := showHeadless(t, EpsilonControls(), EpsilonRender)
	if v.String() != "eps=2" {
		t.Errorf("defaults %q, want eps=2", v)
	}
	got, err := EpsilonAt(context.Background(), 2, nil)
	if err != nil {
		t.Fatal(err)
	}
	out, err := EpsilonScenario{Epsilons: []float64{2}}.Run()
	if err != nil {
		t.Fatal(err)
	}
	want := out.(*EpsilonOutcome)
	gh, wh := got.Result.History, want.Runs[0].Result.History
	if len(gh) != len(wh) || !got.Quick {
		t.Fatalf("live default: %d iterations (quick %v), section 4: %d", len(gh), got.Quick, len(wh))
	}
	for i := range gh {
		if gh[i].MeanCost != wh[i].MeanCost || gh[i].Eta != wh[i].Eta {
			t.Errorf("iteration %d: live cost %v, η %v; section 4 cost %v, η %v", i+1, gh[i].MeanCost, gh[i].Eta, wh[i].MeanCost, wh[i].Eta)
		}
	}
	if got.MaxTorque != want.MaxTorque[0] || got.SigmaEnd != want.SigmaEnd[0] {
		t.Errorf("live max |τ| %v, Σ %v; section 4: %v, %v", got.MaxTorque, got.SigmaEnd, want.MaxTorque[0], want.SigmaEnd[0])
	}
	if !got.BoundActive() || got.MaxTorque > 5.5 || view.Text != got.Text() || !strings.Contains(line, "(active)") {
		t.Errorf("default: bound active %v, max |τ| %.2f, view text %q, printed %q", got.BoundActive(), got.MaxTorque, view.Text, line)
	}

	v2, view2, line2 := showHeadless(t, []live.Control{live.LogSlider("eps", "ε", 0.002, 200, 4, 200)}, EpsilonRender)
	e2, err := EpsilonAt(context.Background(), 200, nil)
	if err != nil {
		t.Fatal(err)
	}
	if v2.String() != "eps=200" || view2.Text == view.Text || svgOf(t, view) == svgOf(t, view2) || e2.BoundActive() || e2.MaxTorque < 10 {
		t.Errorf("ε = 200: values %q, text %q, bound active %v, max |τ| %.2f; want another text and figure, inactive, far over 5 N·m",
			v2, view2.Text, e2.BoundActive(), e2.MaxTorque)
	}
	t.Logf("default: %s\nε = 200: %s", line, line2)
}

// A cancelled context stops the run within an iteration; a bad ε is an
// error naming it.
func TestEpsilonLiveCancelAndBadInput(t *testing.T) {
	t.Setenv(QuickEnv, "1")
	ctx, cancel := context.WithCancel(context.Background())
	calls := 0
	_, err := EpsilonAt(ctx, 0.2, func(string, ...any) { calls++; cancel() })
	if !errors.Is(err, context.Canceled) || calls != 1 {
		t.Errorf("cancelled at the first iteration: %v after %d progress calls, want context.Canceled after 1", err, calls)
	}
	for _, eps := range []float64{0, -1, math.Inf(1), math.NaN()} {
		if _, err := EpsilonAt(context.Background(), eps, nil); err == nil || !strings.Contains(err.Error(), fmt.Sprintf("ε = %v", eps)) {
			t.Errorf("EpsilonAt(%v): %v, want an error naming it", eps, err)
		}
	}
}
