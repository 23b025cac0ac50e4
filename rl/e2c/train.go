package e2c

import (
	"context"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"

	"github.com/rlcontrol/rlcontrol/rl/internal/config"
	"github.com/rlcontrol/rlcontrol/rl/internal/nilcheck"
	"github.com/rlcontrol/rlcontrol/rl/mlx"
)

// TrainConfig configures Trainer.Train. The zero value of every field
// selects the default given in its comment.
type TrainConfig struct {
	// Steps is the total number of Adam steps the trainer should have made
	// when Train returns (default 2000; ≥ 1). A resumed trainer continues
	// from the step its checkpoint recorded.
	Steps int
	// BatchSize is the number of transitions per step (default 128; ≥ 1;
	// capped at the data set's size).
	BatchSize int
	// LearningRate is Adam's step size (default 5e-4; > 0).
	LearningRate float64
	// FinalLearningRate, if > 0, makes the step size decay geometrically
	// from LearningRate at the first step to FinalLearningRate at step
	// Steps (default 0: constant), so that training settles at the end.
	FinalLearningRate float64
	// Beta1, Beta2 and Epsilon are Adam's constants (defaults 0.9, 0.999,
	// 1e-8).
	Beta1, Beta2, Epsilon float64
	// Progress, if not nil, receives a line every ProgressEvery steps and
	// at the end: step, the loss terms averaged since the last line,
	// steps per second and the time left.
	Progress io.Writer
	// ProgressEvery is the number of steps between progress lines
	// (default: Steps/20, at least 1).
	ProgressEvery int
	// Checkpoint, if not empty, is a file the trainer saves itself to
	// (atomically) every CheckpointEvery steps and at the end; LoadTrainer
	// resumes from it.
	Checkpoint string
	// CheckpointEvery is the number of steps between checkpoints (default:
	// ProgressEvery·5).
	CheckpointEvery int
	// Context, if not nil, stops the training between two steps once it
	// is cancelled: Train returns an error wrapping its Err, and the
	// trainer holds the steps made so far (Train resumes from there).
	Context context.Context
}

// WithDefaults returns c with its zero fields set to their defaults, or an
// error naming the first invalid field.
func (c TrainConfig) WithDefaults() (TrainConfig, error) {
	const fn = "e2c: TrainConfig"
	config.Or(&c.Steps, 2000)
	config.Or(&c.BatchSize, 128)
	config.Or(&c.LearningRate, 5e-4)
	config.Or(&c.Beta1, 0.9)
	config.Or(&c.Beta2, 0.999)
	config.Or(&c.Epsilon, 1e-8)
	config.Or(&c.ProgressEvery, max(1, c.Steps/20))
	config.Or(&c.CheckpointEvery, 5*c.ProgressEvery)
	switch {
	case c.Steps < 1:
		return c, fmt.Errorf("%s.Steps = %d, want ≥ 1", fn, c.Steps)
	case c.BatchSize < 1:
		return c, fmt.Errorf("%s.BatchSize = %d, want ≥ 1", fn, c.BatchSize)
	case c.ProgressEvery < 1:
		return c, fmt.Errorf("%s.ProgressEvery = %d, want ≥ 1", fn, c.ProgressEvery)
	case c.CheckpointEvery < 1:
		return c, fmt.Errorf("%s.CheckpointEvery = %d, want ≥ 1", fn, c.CheckpointEvery)
	}
	return c, mlx.CheckAdam(fn, c.LearningRate, c.FinalLearningRate, c.Beta1, c.Beta2, c.Epsilon)
}

// Trainer trains a Model with Adam and keeps everything a resumed run
// needs: Adam's moments, the step count, the random stream (minibatches
// and the reparameterisation noise) and the loss history. A run stopped
// and resumed from a checkpoint ends with the same θ, bit for bit, as one
// that never stopped.
type Trainer struct {
	// Model is the model being trained.
	Model *Model
	// History holds the loss terms of every step so far (before its
	// update).
	History []Losses

	mom, vel []float64
	step     int
	pcg      *rand.PCG
	rng      *rand.Rand
	// perm and pos are the current epoch's shuffled order and position.
	perm []int
	pos  int
}

// NewTrainer returns a trainer for m whose minibatches and noise are drawn
// with seed. It returns an error if m is nil.
func NewTrainer(m *Model, seed uint64) (*Trainer, error) {
	if err := m.check("NewTrainer"); err != nil {
		return nil, err
	}
	pcg := rand.NewPCG(seed, 0x5e2c7a11)
	return &Trainer{Model: m, mom: make([]float64, m.NumParams()), vel: make([]float64, m.NumParams()),
		pcg: pcg, rng: rand.New(pcg)}, nil
}

// Step returns the number of Adam steps made so far.
func (t *Trainer) Step() int { return t.step }

// trainExec takes θ, m, v, x, u, xn, ε and Adam's hyper-parameters
// (mlx.AdamHyper) and returns the new θ, m, v and the five loss terms
// before the step.
func (m *Model) trainExec() *graph.Exec {
	return m.exec("train", func(in []*graph.Node) []*graph.Node {
		theta, mom, vel := in[0], in[1], in[2]
		terms := m.lossTerms(theta, in[3], in[4], in[5], in[6])
		theta, mom, vel = mlx.AdamStep(theta, mom, vel, graph.Gradient(terms[0], theta)[0], in[7])
		return append([]*graph.Node{theta, mom, vel}, terms...)
	})
}

// checkData returns an error if d is not a usable data set for m.
func (m *Model) checkData(fn string, d *Dataset) error {
	if d == nil {
		return fmt.Errorf("e2c: %s: nil Dataset", fn)
	}
	c := m.cfg
	if d.Width != c.Width || d.Height != c.Height || d.Frames != c.Frames {
		return fmt.Errorf("e2c: %s: the data set's images are %d×%d×%d frames, the model's %d×%d×%d",
			fn, d.Width, d.Height, d.Frames, c.Width, c.Height, c.Frames)
	}
	if d.Len() == 0 {
		return fmt.Errorf("e2c: %s: the data set is empty", fn)
	}
	if len(d.U) != d.Len() || len(d.XNext) != d.Len() {
		return fmt.Errorf("e2c: %s: the data set has %d images, %d actions and %d next images, want equal numbers", fn, d.Len(), len(d.U), len(d.XNext))
	}
	if err := checkRows(fn, "data set image", d.X, c.Pixels()); err != nil {
		return err
	}
	if err := checkRows(fn, "data set next image", d.XNext, c.Pixels()); err != nil {
		return err
	}
	return checkRows(fn, "data set action", d.U, c.Action)
}

// next returns the index of the next transition of the shuffled epoch.
func (t *Trainer) next(n int) int {
	if len(t.perm) != n || t.pos == n {
		if len(t.perm) != n {
			t.perm = make([]int, n)
		}
		for i := range t.perm {
			t.perm[i] = i
		}
		t.rng.Shuffle(n, func(i, j int) { t.perm[i], t.perm[j] = t.perm[j], t.perm[i] })
		t.pos = 0
	}
	t.pos++
	return t.perm[t.pos-1]
}

// Train runs Adam on d until the trainer has made cfg.Steps steps (so a
// resumed trainer finishes the run it was part of), writing progress lines
// and checkpoints as cfg asks. Each step draws a minibatch (epochs of
// shuffled transitions) and fresh noise ε.
//
// It returns an error, with the model as it was after the last good step,
// if the data do not fit the model, cfg is invalid, the loss becomes NaN
// or infinite (lower LearningRate), or a checkpoint cannot be written.
func (t *Trainer) Train(d *Dataset, cfg TrainConfig) error {
	if t == nil || t.Model == nil {
		return fmt.Errorf("e2c: Train: nil Trainer (make one with NewTrainer)")
	}
	m := t.Model
	if err := m.check("Train"); err != nil {
		return err
	}
	cfg, err := cfg.WithDefaults()
	if err != nil {
		return err
	}
	if err := m.checkData("Train", d); err != nil {
		return err
	}
	if cfg.Progress != nil && nilcheck.IsNil(cfg.Progress) {
		return fmt.Errorf("e2c: Train: TrainConfig.Progress is a nil %T", cfg.Progress)
	}
	P, nz, nu := m.cfg.Pixels(), m.cfg.Latent, m.cfg.Action
	B := min(cfg.BatchSize, d.Len())
	xb, xnb, ub, eb := make([]float64, B*P), make([]float64, B*P), make([]float64, B*nu), make([]float64, B*nz)
	hyper := make([]float64, 6)
	thetaT := m.thetaTensor()
	momT := tensors.FromFlatDataAndDimensions(slices.Clone(t.mom), len(t.mom))
	velT := tensors.FromFlatDataAndDimensions(slices.Clone(t.vel), len(t.vel))
	exec := m.trainExec()

	// sync copies the state of the tensors back into the trainer and model.
	sync := func() error {
		th, err := tensors.CopyFlatData[float64](thetaT)
		if err != nil {
			return err
		}
		if err := finiteVec("Train", "trained parameters", th); err != nil {
			return err
		}
		if t.mom, err = tensors.CopyFlatData[float64](momT); err != nil {
			return err
		}
		if t.vel, err = tensors.CopyFlatData[float64](velT); err != nil {
			return err
		}
		m.mu.Lock()
		copy(m.theta, th)
		m.mu.Unlock()
		return nil
	}
	start, startStep := time.Now(), t.step
	var window Losses
	nWindow := 0
	for t.step < cfg.Steps {
		if cfg.Context != nil && cfg.Context.Err() != nil {
			if err := sync(); err != nil {
				return err
			}
			return fmt.Errorf("e2c: Train: stopped after step %d of %d: %w", t.step, cfg.Steps, context.Cause(cfg.Context))
		}
		for b := 0; b < B; b++ {
			i := t.next(d.Len())
			copy(xb[b*P:], d.X[i])
			copy(xnb[b*P:], d.XNext[i])
			copy(ub[b*nu:], d.U[i])
		}
		for k := range eb {
			eb[k] = t.rng.NormFloat64()
		}
		lr := mlx.DecayedRate(cfg.LearningRate, cfg.FinalLearningRate, t.step, cfg.Steps)
		mlx.AdamHyper(hyper, lr, cfg.Beta1, cfg.Beta2, cfg.Epsilon, t.step+1)
		outs, err := exec.Call(thetaT, momT, velT,
			tensors.FromFlatDataAndDimensions(xb, B, P), tensors.FromFlatDataAndDimensions(ub, B, nu),
			tensors.FromFlatDataAndDimensions(xnb, B, P), tensors.FromFlatDataAndDimensions(eb, B, nz),
			tensors.FromFlatDataAndDimensions(hyper, 6))
		if err != nil {
			return fmt.Errorf("e2c: Train: step %d: %w", t.step+1, err)
		}
		l := lossesFrom(outs, 3)
		if math.IsNaN(l.Total) || math.IsInf(l.Total, 0) {
			for _, o := range outs[:3] {
				_ = o.FinalizeAll()
			}
			if err := sync(); err != nil {
				return err
			}
			return fmt.Errorf("e2c: Train: the loss became %v at step %d (learning rate %g): training diverged; lower LearningRate", l.Total, t.step+1, cfg.LearningRate)
		}
		for _, old := range []*tensors.Tensor{thetaT, momT, velT} {
			_ = old.FinalizeAll()
		}
		thetaT, momT, velT = outs[0], outs[1], outs[2]
		t.step++
		t.History = append(t.History, l)
		window = addLosses(window, l)
		nWindow++
		last := t.step == cfg.Steps
		if cfg.Progress != nil && (t.step%cfg.ProgressEvery == 0 || last) {
			elapsed := time.Since(start).Seconds()
			rate := float64(t.step-startStep) / elapsed
			left := time.Duration(float64(cfg.Steps-t.step) / rate * float64(time.Second)).Round(time.Second)
			fmt.Fprintf(cfg.Progress, "step %d/%d  %v  %.1f steps/s  %v left\n",
				t.step, cfg.Steps, scaleLosses(window, 1/float64(nWindow)), rate, left)
			window, nWindow = Losses{}, 0
		}
		if cfg.Checkpoint != "" && (t.step%cfg.CheckpointEvery == 0 || last) {
			if err := sync(); err != nil {
				return err
			}
			if err := t.Save(cfg.Checkpoint); err != nil {
				return fmt.Errorf("e2c: Train: checkpoint: %w", err)
			}
		}
	}
	return sync()
}

// addLosses returns a + b term by term.
func addLosses(a, b Losses) Losses {
	return Losses{a.Total + b.Total, a.Rec + b.Rec, a.Pred + b.Pred, a.KLPrior + b.KLPrior, a.Trans + b.Trans}
}

// scaleLosses returns s·a term by term.
func scaleLosses(a Losses, s float64) Losses {
	return Losses{s * a.Total, s * a.Rec, s * a.Pred, s * a.KLPrior, s * a.Trans}
}
