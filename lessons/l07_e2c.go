package lessons

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/rlcontrol/rlcontrol/rl/e2c"
	"github.com/rlcontrol/rlcontrol/rl/system"
)

// E2CSetup is everything one of lesson 07's Embed to Control runs depends
// on: the task, the data, the networks, the training and the planner. A
// stored result made with another E2CSetup is refused.
type E2CSetup struct {
	// System is "planar" or "pendulum".
	System string
	// AgentRadius overrides the planar agent's radius in m (0: the
	// system's default).
	AgentRadius float64 `json:",omitempty"`
	// Samples is the number of training transitions, drawn with DataSeed.
	Samples  int
	DataSeed uint64
	// Latent, Encoder, Decoder, Transition and Lambda configure the model
	// (e2c.Config).
	Latent                       int
	Encoder, Decoder, Transition []int
	Lambda                       float64
	// Beta weighs the KL prior term (e2c.Config.Beta; 0: its default 1).
	Beta float64 `json:",omitempty"`
	// Steps, BatchSize, LearningRate (decaying geometrically to
	// FinalLearningRate) and TrainSeed configure Adam.
	Steps, BatchSize                int
	LearningRate, FinalLearningRate float64
	TrainSeed                       uint64
	// Horizon, Q, R and Correction configure the latent planner
	// (e2c.PlanConfig).
	Horizon    int
	Q, R       float64
	Correction float64
	// Starts random starts drawn with StartSeed are the evaluation.
	Starts    int
	StartSeed uint64
}

// E2CPlanar is the planar set-up of lesson 07 (quick: a short run for
// tests and RLCONTROL_QUICK=1). Beta = 0.1 weighs the KL prior term (the
// baselines' too): at the paper's 1 the prior curled the latent map of
// the field so that its lower corners lay nearer the goal's code than its
// middle, and the planner headed there.
func E2CPlanar(quick bool) E2CSetup {
	s := E2CSetup{System: "planar", Samples: 5000, DataSeed: 1,
		Latent: 8, Encoder: []int{150, 150}, Decoder: []int{200, 200}, Transition: []int{100, 100}, Lambda: 200, Beta: 0.1,
		Steps: 6000, BatchSize: 32, LearningRate: 1e-3, FinalLearningRate: 1e-4, TrainSeed: 1,
		Horizon: 10, Q: 1, R: 0.1, Correction: 0.5, Starts: 48, StartSeed: 11}
	if quick {
		s.Samples, s.Steps, s.Starts = 1000, 100, 6
		s.Encoder, s.Decoder, s.Transition = []int{32}, []int{32}, []int{16}
	}
	return s
}

// Task returns the closed-loop task of the set-up.
func (s E2CSetup) Task() (*e2c.Task, error) {
	switch s.System {
	case "planar":
		t := e2c.PlanarTask()
		if s.AgentRadius > 0 {
			p, ok := t.Sys.(*system.Planar)
			if !ok {
				return nil, fmt.Errorf("lessons: E2CSetup: the planar task's system is a %T", t.Sys)
			}
			p.AgentRadius = s.AgentRadius
		}
		return t, t.Validate()
	case "pendulum":
		return e2c.PendulumTask(), nil
	}
	return nil, fmt.Errorf("lessons: E2CSetup.System = %q, want \"planar\" or \"pendulum\"", s.System)
}

// Data returns the training transitions.
//
// The data are cached on disk (e2c.Cached), in $RLCONTROL_CACHE or the
// user's cache folder under rlcontrol/e2c, named by the task, the number
// of samples, the seed and the agent radius; where no cache folder can be
// written they are generated each time (a second or two).
func (s E2CSetup) Data() (*e2c.Dataset, error) {
	t, err := s.Task()
	if err != nil {
		return nil, err
	}
	gen := func() (*e2c.Dataset, error) { return t.Data(s.Samples, s.DataSeed) }
	dir := os.Getenv("RLCONTROL_CACHE")
	if dir == "" {
		base, err := os.UserCacheDir()
		if err != nil {
			return gen()
		}
		dir = filepath.Join(base, "rlcontrol")
	}
	name := fmt.Sprintf("%s-n%d-seed%d-r%g.e2cdata", s.System, s.Samples, s.DataSeed, s.AgentRadius)
	d, err := e2c.Cached(filepath.Join(dir, "e2c"), name, gen)
	if err != nil {
		return gen() // e.g. a read-only cache folder; gen's own errors come back
	}
	return d, nil
}

// Config returns the model configuration for kind.
func (s E2CSetup) Config(kind e2c.Kind) (e2c.Config, error) {
	t, err := s.Task()
	if err != nil {
		return e2c.Config{}, err
	}
	return e2c.Config{Width: t.Width, Height: t.Height, Frames: t.Frames, Latent: s.Latent,
		Action: t.Sys.ActionDim(), EncoderHidden: s.Encoder, DecoderHidden: s.Decoder,
		TransitionHidden: s.Transition, Kind: kind, Lambda: s.Lambda, Beta: s.Beta, Seed: s.TrainSeed}.WithDefaults()
}

// TrainConfig returns the training configuration, with progress lines to
// w (nil: none).
func (s E2CSetup) TrainConfig(w io.Writer) e2c.TrainConfig {
	return e2c.TrainConfig{Steps: s.Steps, BatchSize: s.BatchSize, LearningRate: s.LearningRate,
		FinalLearningRate: s.FinalLearningRate, Progress: w}
}

// PlanConfig returns the planner's configuration.
func (s E2CSetup) PlanConfig() e2c.PlanConfig {
	return e2c.PlanConfig{Horizon: s.Horizon, Q: s.Q, R: s.R, Correction: s.Correction}
}

// Train trains a model of the given kind on d from scratch, with progress
// lines to w (nil: none).
func (s E2CSetup) Train(kind e2c.Kind, d *e2c.Dataset, w io.Writer) (*e2c.Trainer, error) {
	return s.trainWith(kind, d, s.TrainConfig(w))
}

// trainWith trains a model of the given kind on d from scratch with the
// training settings tc.
func (s E2CSetup) trainWith(kind e2c.Kind, d *e2c.Dataset, tc e2c.TrainConfig) (*e2c.Trainer, error) {
	cfg, err := s.Config(kind)
	if err != nil {
		return nil, err
	}
	m, err := e2c.New(cfg)
	if err != nil {
		return nil, err
	}
	tr, err := e2c.NewTrainer(m, s.TrainSeed)
	if err != nil {
		return nil, err
	}
	return tr, tr.Train(d, tc)
}

// Evaluate runs the closed-loop latent planner from the set-up's starts.
func (s E2CSetup) Evaluate(m e2c.LatentModel) (*e2c.Evaluation, error) {
	t, err := s.Task()
	if err != nil {
		return nil, err
	}
	starts, err := t.Starts(s.Starts, s.StartSeed)
	if err != nil {
		return nil, err
	}
	return e2c.EvaluateTask(m, t, starts, s.PlanConfig())
}

// E2CRun is one trained model's record in a stored result.
type E2CRun struct {
	// Kind is "E2C", "VAE" or "AE".
	Kind string
	// Seconds is the training time; StepsPerSecond the Adam steps per
	// second.
	Seconds, StepsPerSecond float64
	// Curve holds the loss terms averaged over each block of CurveEvery
	// steps.
	Curve      []e2c.Losses
	CurveEvery int
	// SuccessRate and MeanCost are the closed-loop results from the
	// set-up's starts; Successes says which starts succeeded.
	SuccessRate, MeanCost float64
	Successes             []bool
	// Latent and State are encodings of held-out images and their true
	// states, for plots of the latent space.
	Latent, State [][]float64
	// Model is the trained model's checkpoint (only where a lesson loads
	// the model itself).
	Model []byte `json:",omitempty"`
}

// e2cRun trains and evaluates one kind of model on s.
func e2cRun(s E2CSetup, kind e2c.Kind, d *e2c.Dataset, keepModel bool, w io.Writer) (E2CRun, error) {
	start := time.Now()
	tr, err := s.Train(kind, d, w)
	if err != nil {
		return E2CRun{}, err
	}
	run := E2CRun{Kind: kind.String(), Seconds: time.Since(start).Seconds()}
	run.StepsPerSecond = float64(s.Steps) / run.Seconds
	run.CurveEvery = max(1, s.Steps/100)
	run.Curve = lossCurve(tr.History, run.CurveEvery)
	ev, err := s.Evaluate(tr.Model)
	if err != nil {
		return E2CRun{}, err
	}
	run.SuccessRate, run.MeanCost, run.Successes = ev.SuccessRate, ev.MeanCost, ev.Successes
	held, err := s.heldOut(300)
	if err != nil {
		return E2CRun{}, err
	}
	if run.Latent, err = tr.Model.Encode(held.X); err != nil {
		return E2CRun{}, err
	}
	run.State = held.State
	if keepModel {
		var buf bytes.Buffer
		if _, err := tr.Model.WriteTo(&buf); err != nil {
			return E2CRun{}, err
		}
		run.Model = buf.Bytes()
	}
	return run, nil
}

// heldOut returns n transitions never trained on (another seed).
func (s E2CSetup) heldOut(n int) (*e2c.Dataset, error) {
	t, err := s.Task()
	if err != nil {
		return nil, err
	}
	return t.Data(n, s.DataSeed+1000)
}

// lossCurve averages the history over blocks of every steps.
func lossCurve(h []e2c.Losses, every int) []e2c.Losses {
	var out []e2c.Losses
	for i := 0; i < len(h); i += every {
		var acc e2c.Losses
		n := 0
		for _, l := range h[i:min(i+every, len(h))] {
			acc.Total += l.Total
			acc.Rec += l.Rec
			acc.Pred += l.Pred
			acc.KLPrior += l.KLPrior
			acc.Trans += l.Trans
			n++
		}
		f := 1 / float64(n)
		out = append(out, e2c.Losses{Total: f * acc.Total, Rec: f * acc.Rec, Pred: f * acc.Pred, KLPrior: f * acc.KLPrior, Trans: f * acc.Trans})
	}
	return out
}

// e2cPlanarRuns stores the planar E2C run (with its model, which the
// lesson loads) and e2cBaselineRuns the VAE and AE baselines, all trained
// and evaluated with E2CPlanar(false). Two files, so that each is written
// as soon as it is made.
var e2cPlanarRuns = registerStored(Stored[[]E2CRun]{
	Name:    "07-e2c-planar",
	Setup:   E2CPlanar(false),
	Compute: func(quick bool) ([]E2CRun, error) { return e2cPlanarKinds(quick, e2c.E2C) },
})

var e2cBaselineRuns = registerStored(Stored[[]E2CRun]{
	Name:    "07-e2c-baselines",
	Setup:   E2CPlanar(false),
	Compute: func(quick bool) ([]E2CRun, error) { return e2cPlanarKinds(quick, e2c.VAE, e2c.AE) },
})

// e2cPlanarKinds trains and evaluates the given kinds on the planar
// set-up; E2C's run keeps its model.
func e2cPlanarKinds(quick bool, kinds ...e2c.Kind) ([]E2CRun, error) {
	s := E2CPlanar(quick)
	d, err := s.Data()
	if err != nil {
		return nil, err
	}
	var runs []E2CRun
	for _, k := range kinds {
		r, err := e2cRun(s, k, d, k == e2c.E2C, progressTo())
		if err != nil {
			return nil, fmt.Errorf("%v: %w", k, err)
		}
		fmt.Fprintf(progressTo(), "%v: %.0f%% success from %d starts, mean cost %.2f, trained in %.0f s\n",
			k, 100*r.SuccessRate, len(r.Successes), r.MeanCost, r.Seconds)
		runs = append(runs, r)
	}
	return runs, nil
}

// E2CPlanarRuns returns the stored planar runs, E2C then the VAE and AE
// baselines, and where they came from.
func E2CPlanarRuns() ([]E2CRun, Source, error) {
	runs, src, err := e2cPlanarRuns.Get()
	if err != nil {
		return nil, src, err
	}
	base, _, err := e2cBaselineRuns.Get()
	if err != nil {
		return nil, src, err
	}
	return append(runs, base...), src, nil
}

// E2CPlanarModel returns the stored run's trained E2C model.
func E2CPlanarModel() (*e2c.Model, Source, error) {
	runs, src, err := E2CPlanarRuns()
	if err != nil {
		return nil, src, err
	}
	for _, r := range runs {
		if r.Model != nil {
			m, err := e2c.ReadModel(bytes.NewReader(r.Model))
			return m, src, err
		}
	}
	return nil, src, fmt.Errorf("lessons: the stored planar runs hold no model")
}

// progressTo is where stored runs print their training progress: the
// terminal of `make results`, or the notebook when a lesson recomputes.
func progressTo() io.Writer { return os.Stdout }

// E2CPendulum is the pendulum set-up of lesson 07: swing-up from two
// stacked 48×48 frames (quick: a short run for tests).
func E2CPendulum(quick bool) E2CSetup {
	s := E2CSetup{System: "pendulum", Samples: 5000, DataSeed: 2,
		Latent: 3, Encoder: []int{150, 150}, Decoder: []int{200, 200}, Transition: []int{100, 100}, Lambda: 200,
		Steps: 2000, BatchSize: 32, LearningRate: 1e-3, FinalLearningRate: 1e-4, TrainSeed: 1,
		Horizon: 40, Q: 1, R: 0.1, Correction: 0.3, Starts: 20, StartSeed: 8}
	if quick {
		s.Samples, s.Steps, s.Starts = 500, 50, 2
		s.Encoder, s.Decoder, s.Transition = []int{32}, []int{32}, []int{16}
	}
	return s
}

// e2cPendulumRuns is the stored pendulum result: E2C trained and evaluated
// with E2CPendulum(false).
var e2cPendulumRuns = registerStored(Stored[[]E2CRun]{
	Name:  "07-e2c-pendulum",
	Setup: E2CPendulum(false),
	Compute: func(quick bool) ([]E2CRun, error) {
		s := E2CPendulum(quick)
		d, err := s.Data()
		if err != nil {
			return nil, err
		}
		r, err := e2cRun(s, e2c.E2C, d, false, progressTo())
		if err != nil {
			return nil, err
		}
		return []E2CRun{r}, nil
	},
})

// E2CPendulumRuns returns the stored pendulum run and where it came from.
func E2CPendulumRuns() ([]E2CRun, Source, error) { return e2cPendulumRuns.Get() }
