package nn

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/rlcontrol/rlcontrol/rl/internal/config"
	"github.com/rlcontrol/rlcontrol/rl/internal/limits"
	"github.com/rlcontrol/rlcontrol/rl/mlx"
)

// FitConfig configures MLP.Fit. The zero value of every field selects the
// default given in its comment.
type FitConfig struct {
	// Epochs is the number of passes over the data (default 50; 1 to
	// limits.MaxElements = 2^27, the length of the loss history).
	Epochs int
	// BatchSize is the minibatch size of each Adam step (default 128;
	// ≥ 1; capped at the number of samples, so a large value gives
	// full-batch Adam). One minibatch is one graph call. On the pure-Go
	// backend a step of a 64×64 network with batch 128 takes about 1.8 ms
	// on 2 cores, 10,000 samples about 0.15 s per epoch. Small batches add
	// gradient noise that a constant LearningRate does not average out:
	// for precise fits of small data sets use larger batches or
	// FinalLearningRate.
	BatchSize int
	// LearningRate is Adam's step size α (default 1e-3; > 0). 1e-3 is the
	// usual choice; try 3e-3 for small nets and few epochs.
	LearningRate float64
	// FinalLearningRate, if > 0, makes the step size decay geometrically
	// over the epochs, from LearningRate in the first to FinalLearningRate
	// in the last (default 0: constant LearningRate). Decaying to about
	// LearningRate/100 lets the fit settle instead of jittering around the
	// minimum, for precise regression such as dynamics models.
	FinalLearningRate float64
	// Beta1 and Beta2 are Adam's moment decay rates (defaults 0.9 and
	// 0.999; in (0, 1), as 0 selects the default).
	Beta1, Beta2 float64
	// Epsilon is Adam's denominator guard (default 1e-8; > 0).
	Epsilon float64
	// KeepNormalizer keeps the model's current normaliser. By default
	// (false) Fit sets it to the means and standard deviations of X and Y;
	// if the model already had one (from an earlier Fit), the weights are
	// re-expressed in the new units so training continues from the same
	// function (see SetNormalizer).
	KeepNormalizer bool
	// Seed seeds the shuffling of the samples before each epoch: the same
	// model, data and FitConfig give the same weights, bit for bit.
	Seed uint64
	// Progress, if set, is called after every epoch with the epoch index
	// (from 0) and its mean training loss; returning true stops the fit
	// early (the model keeps the weights reached so far).
	Progress func(epoch int, loss float64) (stop bool)
}

// WithDefaults returns c with its zero fields set to their defaults, or an
// error naming the first invalid field.
func (c FitConfig) WithDefaults() (FitConfig, error) {
	const fn = "nn: Fit: FitConfig"
	config.Or(&c.Epochs, 50)
	config.Or(&c.BatchSize, 128)
	config.Or(&c.LearningRate, 1e-3)
	config.Or(&c.Beta1, 0.9)
	config.Or(&c.Beta2, 0.999)
	config.Or(&c.Epsilon, 1e-8)
	switch {
	case c.Epochs < 1 || c.Epochs > limits.MaxElements:
		return c, fmt.Errorf("%s.Epochs = %d, want 1 to %d", fn, c.Epochs, limits.MaxElements)
	case c.BatchSize < 1:
		return c, fmt.Errorf("%s.BatchSize = %d, want ≥ 1", fn, c.BatchSize)
	}
	return c, mlx.CheckAdam(fn, c.LearningRate, c.FinalLearningRate, c.Beta1, c.Beta2, c.Epsilon)
}

// trainExec takes (θ, Adam's m and v, a minibatch of normalised inputs
// [B, In] and targets [B, Out], row weights w [B], and
// [α, β₁, β₂, ε, 1/(1−β₁ᵗ), 1/(1−β₂ᵗ)]) and returns the new θ, m, v and the
// minibatch loss before the step,
//
//	L(θ) = Σ_b w_b ‖N̂(x_b; θ) − y_b‖² / (Out · Σ_b w_b),
//
// the mean squared error in normalised units (N̂ is the network without
// the normaliser). Padding rows have weight 0. The Adam step is
//
//	m ← β₁m + (1−β₁)g,  v ← β₂v + (1−β₂)g²,
//	θ ← θ − α (m/(1−β₁ᵗ)) / (√(v/(1−β₂ᵗ)) + ε).
func (m *MLP) trainExec() *graph.Exec {
	if m.execs.train == nil {
		out := m.cfg.Out
		m.execs.train = graph.MustNewExec(mlx.Backend(), func(in []*graph.Node) []*graph.Node {
			theta, mom, vel, x, y, w, h := in[0], in[1], in[2], in[3], in[4], in[5], in[6]
			d := graph.Sub(m.net(theta, x), y)
			perRow := graph.ReduceSum(graph.Mul(d, d), 1)
			loss := graph.Div(graph.ReduceAllSum(graph.Mul(perRow, w)),
				graph.MulScalar(graph.ReduceAllSum(w), float64(out)))
			theta, mom, vel = mlx.AdamStep(theta, mom, vel, graph.Gradient(loss, theta)[0], h)
			return []*graph.Node{theta, mom, vel, loss}
		}).SetMaxCache(-1)
	}
	return m.execs.train
}

// Fit trains the model on the pairs (X[i], Y[i]) by minimising the mean
// squared error with Adam, and returns the mean training loss of every
// epoch (the loss of each minibatch before its step, averaged over the
// epoch's samples, in normalised output units: 1 is about as good as
// predicting the mean of Y).
//
// Unless cfg.KeepNormalizer is set, the normaliser is first set from the
// data (keeping the function of a model that had one, so a second Fit on
// more data continues training). Each epoch shuffles the samples with
// cfg.Seed and takes ⌈N/BatchSize⌉ Adam steps, one graph call each; Adam's
// moments start from zero at every Fit. On error the model is left as it
// was: a non-finite loss (divergence; lower LearningRate) is an error.
//
// The model is updated after every epoch, so Progress may call Predict to
// watch the fit; Fits of one model run one at a time.
//
// It returns an error, changing nothing, if m is nil, cfg is invalid, X
// and Y are empty, differ in length, hold a row of the wrong length or a
// non-finite value, or are so large that their means or standard
// deviations, the normalised data or the re-expressed weights overflow
// float64 (rescale the data).
func (m *MLP) Fit(X, Y [][]float64, cfg FitConfig) ([]float64, error) {
	if err := m.check("Fit"); err != nil {
		return nil, err
	}
	cfg, err := cfg.WithDefaults()
	if err != nil {
		return nil, err
	}
	in, out := m.cfg.In, m.cfg.Out
	N := len(X)
	if N == 0 {
		return nil, fmt.Errorf("nn: Fit: no samples")
	}
	if len(Y) != N {
		return nil, fmt.Errorf("nn: Fit: %d inputs but %d targets", N, len(Y))
	}
	if err := nnCheckRows("Fit", "X", X, in); err != nil {
		return nil, err
	}
	if err := nnCheckRows("Fit", "Y", Y, out); err != nil {
		return nil, err
	}
	m.fitMu.Lock()
	defer m.fitMu.Unlock()
	m.mu.Lock()
	theta := append([]float64(nil), m.theta...)
	norm, normSet := m.norm.clone(), m.normSet
	m.mu.Unlock()
	oldTheta, oldNorm, oldNormSet := append([]float64(nil), theta...), norm.clone(), normSet
	// publish writes the current parameters into the model, so Progress
	// (and concurrent Predicts) see the model as of the last epoch.
	publish := func(th []float64, nm Normalizer, set bool) {
		m.mu.Lock()
		copy(m.theta, th)
		m.norm, m.normSet = nm.clone(), set
		m.mu.Unlock()
	}
	fail := func(err error) ([]float64, error) {
		publish(oldTheta, oldNorm, oldNormSet)
		return nil, err
	}
	if !cfg.KeepNormalizer {
		var fresh Normalizer
		if fresh.InMean, fresh.InStd, err = nnMomentsChecked("Fit", "X", X, in); err != nil {
			return nil, err
		}
		if fresh.OutMean, fresh.OutStd, err = nnMomentsChecked("Fit", "Y", Y, out); err != nil {
			return nil, err
		}
		if normSet {
			if err := renormalize("Fit", theta, m.sizes, norm, fresh); err != nil {
				return nil, err
			}
		}
		norm, normSet = fresh, true
	}
	// Normalised data, row-major.
	xs, err := nnNormalized("X", X, in, norm.InMean, norm.InStd)
	if err != nil {
		return nil, err
	}
	ys, err := nnNormalized("Y", Y, out, norm.OutMean, norm.OutStd)
	if err != nil {
		return nil, err
	}

	B := min(cfg.BatchSize, N)
	steps := (N + B - 1) / B
	perm := make([]int, N)
	for i := range perm {
		perm[i] = i
	}
	rng := rand.New(rand.NewPCG(cfg.Seed, 0xda3e39cb94b95bdb))
	exec := m.trainExec()
	thetaT := tensors.FromFlatDataAndDimensions(theta, m.nP)
	momT := tensors.FromFlatDataAndDimensions(make([]float64, m.nP), m.nP)
	velT := tensors.FromFlatDataAndDimensions(make([]float64, m.nP), m.nP)
	xb, yb, wb := make([]float64, B*in), make([]float64, B*out), make([]float64, B)
	hyper := make([]float64, 6)
	history := make([]float64, 0, cfg.Epochs)
	t := 0
	for epoch := 0; epoch < cfg.Epochs; epoch++ {
		rng.Shuffle(N, func(i, j int) { perm[i], perm[j] = perm[j], perm[i] })
		lr := mlx.DecayedRate(cfg.LearningRate, cfg.FinalLearningRate, epoch, cfg.Epochs)
		sum := 0.0
		for s := 0; s < steps; s++ {
			rows := perm[s*B : min((s+1)*B, N)]
			for b := 0; b < B; b++ {
				r, w := perm[0], 0.0 // padding: any real row, weight 0
				if b < len(rows) {
					r, w = rows[b], 1
				}
				copy(xb[b*in:(b+1)*in], xs[r*in:(r+1)*in])
				copy(yb[b*out:(b+1)*out], ys[r*out:(r+1)*out])
				wb[b] = w
			}
			t++
			mlx.AdamHyper(hyper, lr, cfg.Beta1, cfg.Beta2, cfg.Epsilon, t)
			outs, err := exec.Call(thetaT, momT, velT,
				tensors.FromFlatDataAndDimensions(xb, B, in),
				tensors.FromFlatDataAndDimensions(yb, B, out),
				tensors.FromFlatDataAndDimensions(wb, B),
				tensors.FromFlatDataAndDimensions(hyper, len(hyper)))
			if err != nil {
				return fail(fmt.Errorf("nn: Fit: %w", err))
			}
			for _, old := range []*tensors.Tensor{thetaT, momT, velT} {
				_ = old.FinalizeAll()
			}
			thetaT, momT, velT = outs[0], outs[1], outs[2]
			loss := tensors.ToScalar[float64](outs[3])
			_ = outs[3].FinalizeAll()
			sum += loss * float64(len(rows))
		}
		epochLoss := sum / float64(N)
		if math.IsNaN(epochLoss) || math.IsInf(epochLoss, 0) {
			return fail(fmt.Errorf("nn: Fit: the loss became %v in epoch %d (learning rate %g): training diverged; lower LearningRate", epochLoss, epoch, cfg.LearningRate))
		}
		cur, err := tensors.CopyFlatData[float64](thetaT)
		if err != nil {
			return fail(fmt.Errorf("nn: Fit: %w", err))
		}
		if err := nnFiniteVec("Fit", "trained parameters", cur); err != nil {
			return fail(err)
		}
		publish(cur, norm, normSet)
		history = append(history, epochLoss)
		if cfg.Progress != nil && cfg.Progress(epoch, epochLoss) {
			break
		}
	}
	return history, nil
}

// nnNormalized returns rows normalised by (v − mean) ⊘ std, row-major, or
// an error naming the first entry whose normalised value overflows.
func nnNormalized(what string, rows [][]float64, dim int, mean, std []float64) ([]float64, error) {
	z := make([]float64, len(rows)*dim)
	for i, r := range rows {
		for j, v := range r {
			z[i*dim+j] = (v - mean[j]) / std[j]
			if !finite(z[i*dim+j]) {
				return nil, fmt.Errorf("nn: Fit: %s[%d][%d] = %v overflows when normalised by mean %v and std %v", what, i, j, v, mean[j], std[j])
			}
		}
	}
	return z, nil
}
