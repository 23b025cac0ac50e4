package lessons

import (
	"context"
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/rlcontrol/rlcontrol/live"
)

// The prior-loop controls' default is seed 1 of section 5's stored sweep at
// N = 5 (both fitters' final costs equal the stored ones); a weak prior
// with fewer rollouts draws another figure and text.
func TestPriorLoopLive(t *testing.T) {
	t.Setenv(RecomputeEnv, "")
	v, view, line := showHeadless(t, PriorLoopControls(), PriorLoopRender)
	if v.String() != "N=5 strength=1" {
		t.Errorf("defaults %q, want N=5 strength=1", v)
	}
	got, err := PriorLoopAt(context.Background(), 5, 1, nil)
	if err != nil {
		t.Fatal(err)
	}
	stored, err := SamplesPerIterationScenario{}.Get()
	if err != nil {
		t.Fatal(err)
	}
	if stored.Ns[0] != 5 || stored.Seeds[0] != PriorLoopSeed {
		t.Fatalf("the stored sweep starts at N = %d, seed %d; the test expects 5 and %d", stored.Ns[0], stored.Seeds[0], PriorLoopSeed)
	}
	for _, c := range []struct {
		name      string
		got, want float64
	}{
		{"GMM prior", got.PriorCost(), stored.Prior[0].PerSeed[0]},
		{"least squares", got.LeastSquaresCost(), stored.LeastSquares[0].PerSeed[0]},
		{"optimum", got.Optimum, stored.Optimum},
	} {
		if math.Abs(c.got-c.want) > 1e-9*math.Abs(c.want) {
			t.Errorf("%s: live default %.12g, stored sweep %.12g", c.name, c.got, c.want)
		}
	}
	if view.Text != got.Text() || !strings.HasPrefix(line, "N=5 strength=1: final cost with the GMM prior 44.12") {
		t.Errorf("default: view text %q, printed %q", view.Text, line)
	}

	controls := replaced(t, PriorLoopControls(), live.IntSlider("N", "N", 2, 40, 1, 2))
	controls = replaced(t, controls, live.LogSlider("strength", "strength", 0.01, 100, 4, 0.01))
	v2, view2, line2 := showHeadless(t, controls, PriorLoopRender)
	if v2.String() != "N=2 strength=0.01" || view2.Text == view.Text || svgOf(t, view) == svgOf(t, view2) {
		t.Errorf("N = 2, strength 0.01: values %q, text %q; want another text and figure", v2, view2.Text)
	}
	t.Logf("default: %s\nother: %s", line, line2)
}

// A cancelled context stops both runs; bad settings are errors naming
// the value.
func TestPriorLoopCancelAndBadInput(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	_, err := PriorLoopAt(ctx, 3, 0.1, func(string, ...any) { cancel() })
	if !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled at the first iteration: %v, want context.Canceled", err)
	}
	if _, ok := priorLoopKept.get("N=3 strength=0.1"); ok {
		t.Error("a cancelled run was kept")
	}
	for _, c := range []struct {
		N        int
		strength float64
		want     string
	}{{0, 1, "N = 0"}, {MaxRollouts + 1, 1, "10001"}, {5, 0, "strength = 0"}, {5, math.NaN(), "NaN"}} {
		if _, err := PriorLoopAt(context.Background(), c.N, c.strength, nil); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("PriorLoopAt(%d, %v): %v, want an error naming %q", c.N, c.strength, err, c.want)
		}
	}
}
