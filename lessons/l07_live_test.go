package lessons

import (
	"context"
	"io"
	"testing"

	"github.com/rlcontrol/rlcontrol/live"
)

// TestE2CLivePanel: the panel's defaults are the small live set-up's, and
// λ does what lesson 07's text says: at 0.02 the predicted next code
// drifts from the encoder (transition KL over 100× that at 2000).
func TestE2CLivePanel(t *testing.T) {
	t.Setenv(QuickEnv, "1")
	p := live.Panel{Controls: E2CControls(), Render: E2CLiveView, Out: io.Discard}
	v, view, err := p.Show() // outside a notebook: headless, the defaults
	if err != nil {
		t.Fatal(err)
	}
	s := E2CLive(true)
	if v.Float("lambda") != s.Lambda || v.Int("latent") != s.Latent || view.Figure == nil {
		t.Fatalf("defaults %v, want λ %g and latent %d", v, s.Lambda, s.Latent)
	}
	r, err := E2CLiveResultFor(v)
	if err != nil {
		t.Fatal(err)
	}
	if !(r.Final.Trans < 1) || !(r.R2 < 0.3) {
		t.Errorf("defaults: transition KL %v, R² %v; the lesson says below 1 and 0.3", r.Final.Trans, r.R2)
	}
	lo, err := E2CLiveRun(context.Background(), 0.02, 8, nil)
	if err != nil {
		t.Fatal(err)
	}
	hi, err := E2CLiveRun(context.Background(), 2000, 8, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !(lo.Final.Trans > 100*hi.Final.Trans) {
		t.Errorf("transition KL at λ = 0.02: %v, at 2000: %v; want over 100× apart", lo.Final.Trans, hi.Final.Trans)
	}
	// A cancelled context stops the training.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := E2CLiveRun(ctx, 200, 8, nil); err == nil {
		t.Error("a cancelled context did not stop the run")
	}
}
