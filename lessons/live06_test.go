package lessons

import (
	"context"
	"math"
	"strings"
	"testing"
)

// TestGPSLiveDefault: the controls start at the lesson's ρ₀ and ε, the
// view is GPSLive's run there, and the mismatch falls over the run.
func TestGPSLiveDefault(t *testing.T) {
	v, view, line := showPanelHeadless(t, "ρ₀ and ε", GPSControls(), GPSLiveRender)
	c := GPSConfig("arm", 1)
	if r, e := v.Float("rho"), v.Float("eps"); r != c.Rho0 || e != c.Epsilon || r != 0.1 || e != 0.5 {
		t.Errorf("defaults ρ₀ = %v, ε = %v; want the lesson's %v and %v", r, e, c.Rho0, c.Epsilon)
	}
	r, err := GPSLive(context.Background(), c.Rho0, c.Epsilon, nil)
	if err != nil {
		t.Fatal(err)
	}
	if view.Text != r.Text() || !strings.HasPrefix(line, "rho=0.1 eps=0.5: "+r.Text()) {
		t.Errorf("shown %q (printed %q), want %q", view.Text, line, r.Text())
	}
	if len(r.Cost) != GPSLiveIterations || !(r.Fall() > 3) || !(r.Cost[len(r.Cost)-1] < r.Cost[0]/2) {
		t.Errorf("default run: %s; want %d iterations, the mismatch falling over 3×, the cost halving", r.Text(), GPSLiveIterations)
	}
}

// TestGPSLiveMoves: a large ρ₀ holds the controllers closer to the policy
// (a smaller mismatch at the end) at the price of their cost, with
// another text and figure.
func TestGPSLiveMoves(t *testing.T) {
	c := GPSConfig("arm", 1)
	def, err := GPSLive(context.Background(), c.Rho0, c.Epsilon, nil)
	if err != nil {
		t.Fatal(err)
	}
	big, err := GPSLive(context.Background(), 10, c.Epsilon, nil)
	if err != nil {
		t.Fatal(err)
	}
	n := len(def.Cost) - 1
	if !(big.Mismatch[n] < def.Mismatch[n]) || !(big.Cost[n] > def.Cost[n]) {
		t.Errorf("ρ₀ = 10: %s; ρ₀ = 0.1: %s; want a smaller mismatch and a higher cost", big.Text(), def.Text())
	}
	if big.Text() == def.Text() {
		t.Errorf("ρ₀ = 10 and 0.1 give the same text %q", def.Text())
	}
	fa, err := def.Figure()
	if err != nil {
		t.Fatal(err)
	}
	fb, err := big.Figure()
	if err != nil {
		t.Fatal(err)
	}
	if figureSVG(t, fa) == figureSVG(t, fb) {
		t.Error("ρ₀ = 10 and 0.1 draw the same figure")
	}
}

// TestGPSLiveBadInput: a setting outside its range or a cancelled context
// is an error.
func TestGPSLiveBadInput(t *testing.T) {
	for _, c := range [][2]float64{{0, 0.5}, {-1, 0.5}, {0.1, 0}, {0.1, math.Inf(1)}, {math.NaN(), 0.5}} {
		if _, err := GPSLive(context.Background(), c[0], c[1], nil); err == nil {
			t.Errorf("ρ₀ = %v, ε = %v: no error", c[0], c[1])
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := GPSLive(ctx, 0.3, 0.3, nil); err == nil {
		t.Error("GPS ran with a cancelled context")
	}
}
