package lessons

import (
	"context"
	"math"
	"strings"
	"testing"
)

// TestImitationLiveDefault: the controls start at the lesson's β decay and
// the arm's λ; the view is DAggerLive's and PLATOLive's runs there, PLATO
// never executes its learner, DAgger does, and both learners end far below
// round 0 (behaviour cloning from two demonstrations).
func TestImitationLiveDefault(t *testing.T) {
	v, view, line := showPanelHeadless(t, "β and λ", ImitationControls(), ImitationLiveRender)
	s := DefaultImitationSettings(false)
	if p, l := v.Float("P"), v.Float("lambda"); p != s.P || l != s.Lambda["arm"] || p != DAggerPDefault || l != PLATOLambdaDefault {
		t.Errorf("defaults P = %v, λ = %v; want the lesson's %v and %v", p, l, s.P, s.Lambda["arm"])
	}
	d, err := DAggerLive(context.Background(), DAggerPDefault, nil)
	if err != nil {
		t.Fatal(err)
	}
	p, err := PLATOLive(context.Background(), PLATOLambdaDefault, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(line, "P=0.5 lambda=0.01: ") || !strings.Contains(view.Text, "DAgger (P = 0.5)") || !strings.Contains(view.Text, "PLATO (λ = 0.01)") {
		t.Errorf("shown %q (printed %q)", view.Text, line)
	}
	if len(d.Cost) != ImitationLiveRounds || len(p.Cost) != ImitationLiveRounds {
		t.Fatalf("%d and %d rounds, want %d", len(d.Cost), len(p.Cost), ImitationLiveRounds)
	}
	if p.Executions != 0 || d.Executions == 0 || d.Steps != ImitationLiveRounds*s.Rollouts*100 {
		t.Errorf("PLATO executed its learner %d times (want 0), DAgger %d of %d steps (want some of %d)", p.Executions, d.Executions, d.Steps, ImitationLiveRounds*s.Rollouts*100)
	}
	if !(d.Final() < d.Cost[0]/5) || !(p.Final() < p.Cost[0]/5) {
		t.Errorf("held-out cost DAgger %v, PLATO %v: want the last round 5× below round 0", d.Cost, p.Cost)
	}
}

// TestImitationLiveMoves: P = 1 (the expert at every step: behaviour
// cloning with DAgger's labels) executes no learner action and ends above
// the default's DAgger, with another text and figure.
func TestImitationLiveMoves(t *testing.T) {
	def, err := DAggerLive(context.Background(), DAggerPDefault, nil)
	if err != nil {
		t.Fatal(err)
	}
	bc, err := DAggerLive(context.Background(), 1, nil)
	if err != nil {
		t.Fatal(err)
	}
	p, err := PLATOLive(context.Background(), PLATOLambdaDefault, nil)
	if err != nil {
		t.Fatal(err)
	}
	if bc.Executions != 0 || !(bc.Final() > 1.5*def.Final()) {
		t.Errorf("P = 1: %d learner executions, final cost %.1f; want 0 and above 1.5 × P = 0.5's %.1f", bc.Executions, bc.Final(), def.Final())
	}
	a, b := &ImitationLiveView{DAgger: def, PLATO: p, Expert: 55}, &ImitationLiveView{DAgger: bc, PLATO: p, Expert: 55}
	if a.Text() == b.Text() {
		t.Errorf("P = 0.5 and 1 give the same text %q", a.Text())
	}
	fa, err := a.Figure()
	if err != nil {
		t.Fatal(err)
	}
	fb, err := b.Figure()
	if err != nil {
		t.Fatal(err)
	}
	if figureSVG(t, fa) == figureSVG(t, fb) {
		t.Error("P = 0.5 and 1 draw the same figure")
	}
}

// TestImitationLiveBadInput: a setting outside its range or a cancelled
// context is an error.
func TestImitationLiveBadInput(t *testing.T) {
	for _, p := range []float64{-0.1, 1.5, math.NaN()} {
		if _, err := DAggerLive(context.Background(), p, nil); err == nil {
			t.Errorf("P = %v: no error", p)
		}
	}
	for _, l := range []float64{-1, math.Inf(1), math.NaN()} {
		if _, err := PLATOLive(context.Background(), l, nil); err == nil {
			t.Errorf("λ = %v: no error", l)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := DAggerLive(ctx, 0.3, nil); err == nil {
		t.Error("DAgger ran with a cancelled context")
	}
	if _, err := PLATOLive(ctx, 0.3, nil); err == nil {
		t.Error("PLATO ran with a cancelled context")
	}
}
