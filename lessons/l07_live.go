package lessons

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/rlcontrol/rlcontrol/live"
	"github.com/rlcontrol/rlcontrol/plotting"
	"github.com/rlcontrol/rlcontrol/rl/e2c"
)

// E2CControls are lesson 07's live controls: λ, the weight of the
// transition term KL(q̂ ‖ q) (a log slider over 0.02 … 2000, default the
// set-up's 200), and the latent dimension (2 … 8, default 8) of the small
// model E2CLiveView trains.
func E2CControls() []live.Control {
	s := E2CLive(false)
	return []live.Control{
		live.LogSlider("lambda", "λ, weight of KL(q̂ ‖ q)", 0.02, 2000, 1, s.Lambda),
		live.IntSlider("latent", "latent dimension", 2, 8, 1, s.Latent),
	}
}

// E2CLiveResult is what E2CLiveRun measured.
type E2CLiveResult struct {
	Setup E2CSetup
	// R2 is how much of the true position a linear read-out of the latent
	// codes of 300 held-out images explains (LinearR2).
	R2 float64
	// Final is the loss averaged over the last 10 steps.
	Final e2c.Losses
	// Seconds is the training time.
	Seconds float64
	// Figure shows the loss terms against the step.
	Figure *plotting.Figure
}

// E2CLiveRun trains E2CLive(Quick()) from scratch with the given λ and
// latent dimension, reporting the trainer's progress lines to progress (nil:
// none) and stopping early with ctx's error once ctx is cancelled, and
// measures how well the latent codes of held-out images hold the position.
func E2CLiveRun(ctx context.Context, lambda float64, latent int, progress live.Progress) (*E2CLiveResult, error) {
	s := E2CLive(Quick())
	s.Lambda, s.Latent = lambda, latent
	d, err := s.Data()
	if err != nil {
		return nil, err
	}
	tc := s.TrainConfig(nil)
	tc.Context = ctx
	if progress != nil {
		tc.Progress, tc.ProgressEvery = progressLines(progress), 10
	}
	t0 := time.Now()
	tr, err := s.trainWith(e2c.E2C, d, tc)
	if err != nil {
		return nil, err
	}
	res := &E2CLiveResult{Setup: s, Seconds: time.Since(t0).Seconds()}
	blocks := lossCurve(tr.History, 10)
	res.Final = blocks[len(blocks)-1]
	held, err := s.heldOut(300)
	if err != nil {
		return nil, err
	}
	z, err := tr.Model.Encode(held.X)
	if err != nil {
		return nil, err
	}
	if res.R2, err = LinearR2(z, held.State); err != nil {
		return nil, err
	}
	every := max(1, min(10, len(tr.History)/10))
	title := fmt.Sprintf("Small E2C model, λ = %g, latent %d (%d steps of %d)", lambda, latent, len(tr.History), s.BatchSize)
	if res.Figure, err = curveFigure(QuickTitle(title, Quick()), e2c.E2C, lossCurve(tr.History, every), every); err != nil {
		return nil, err
	}
	return res, nil
}

// e2cLiveRuns keeps E2CLiveView's results by the values they were drawn
// for (Values.String), for E2CLiveResultFor.
var e2cLiveRuns sync.Map

// E2CLiveView is the render function of lesson 07's live panel
// (E2CControls): E2CLiveRun with the panel's λ and latent dimension.
func E2CLiveView(ctx context.Context, v live.Values, progress live.Progress) (live.View, error) {
	r, err := E2CLiveRun(ctx, v.Float("lambda"), v.Int("latent"), progress)
	if err != nil {
		return live.View{}, err
	}
	e2cLiveRuns.Store(v.String(), r)
	return live.View{Figure: r.Figure, Text: fmt.Sprintf("last 10 steps: transition KL %.2f, KL to the prior %.1f nats; R² of a linear read-out of the position %.2f; %.0f s",
		r.Final.Trans, r.Final.KLPrior, r.R2, r.Seconds)}, nil
}

// progressLines is an io.Writer that hands each line written to it to a
// live.Progress.
type progressLines live.Progress

func (p progressLines) Write(b []byte) (int, error) {
	for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		if line != "" {
			p("%s", line)
		}
	}
	return len(b), nil
}

// E2CLiveResultFor returns the run E2CLiveView made for the values v (the
// values live.Show returns), or an error if it made none.
func E2CLiveResultFor(v live.Values) (*E2CLiveResult, error) {
	r, ok := e2cLiveRuns.Load(v.String())
	if !ok {
		return nil, fmt.Errorf("lessons: no live E2C run for %s", v)
	}
	return r.(*E2CLiveResult), nil
}
