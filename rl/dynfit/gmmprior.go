package dynfit

import (
	"errors"
	"fmt"
	"math/rand/v2"

	"github.com/rlcontrol/rlcontrol/rl/internal/config"
	"github.com/rlcontrol/rlcontrol/rl/internal/small"
	"github.com/rlcontrol/rlcontrol/rl/system"
	"gonum.org/v1/gonum/mat"
)

// GMMPriorConfig holds the settings of a GMMPrior. The zero value of every
// field selects the default given in its comment; the defaults are those of
// GPS's box2d examples.
type GMMPriorConfig struct {
	// MaxClusters caps the number of clusters K (default 20; ≥ 1).
	MaxClusters int
	// MinSamplesPerCluster sets K = min(MaxClusters, ⌊points /
	// MinSamplesPerCluster⌋), at least 1, so every cluster is fitted on
	// about this many (x_t, u_t, x_{t+1}) points or more (default 40; ≥ 1).
	MinSamplesPerCluster int
	// MaxSamples is how many rollouts the prior keeps: Update appends the
	// new rollouts and drops the oldest beyond this count (default 20; ≥ 1).
	// Older rollouts came from older policies, in other parts of the state
	// space; a cap keeps the prior local to where the policy now goes and
	// the refit cheap.
	MaxSamples int
	// Strength multiplies the prior's weight: the prior counts as Strength
	// points in FitWithPrior (m = Strength, n₀ ≈ Strength; default 1, as
	// GPS; > 0). Raise it when the current rollouts are few and the prior
	// is trusted.
	Strength float64
	// EM configures the GMM fits (zero fields: GMMConfig's defaults).
	EM GMMConfig
	// ColdStart refits the GMM from a fresh initialisation at every Update.
	// By default (false) Update warm-starts EM from the previous GMM when
	// K has not changed, as GPS does, which is faster and keeps clusters
	// stable across iterations.
	ColdStart bool
	// Seed seeds the random initialisations: the same seed and the same
	// sequence of Updates give the same prior.
	Seed uint64
}

// WithDefaults returns c with its zero fields set to the defaults in their
// comments (EM's included), or an error naming the first invalid field and
// its value.
func (c GMMPriorConfig) WithDefaults() (GMMPriorConfig, error) {
	config.Or(&c.MaxClusters, 20)
	config.Or(&c.MinSamplesPerCluster, 40)
	config.Or(&c.MaxSamples, 20)
	config.Or(&c.Strength, 1)
	const fn = "dynfit: GMMPriorConfig"
	switch {
	case c.MaxClusters < 1:
		return c, fmt.Errorf("%s.MaxClusters = %d, want ≥ 1", fn, c.MaxClusters)
	case c.MinSamplesPerCluster < 1:
		return c, fmt.Errorf("%s.MinSamplesPerCluster = %d, want ≥ 1", fn, c.MinSamplesPerCluster)
	case c.MaxSamples < 1:
		return c, fmt.Errorf("%s.MaxSamples = %d, want ≥ 1", fn, c.MaxSamples)
	case !config.Positive(c.Strength):
		return c, fmt.Errorf("%s.Strength = %v, want a finite value > 0", fn, c.Strength)
	}
	var err error
	if c.EM, err = c.EM.WithDefaults(); err != nil {
		return c, config.Nested(fn+".EM", err)
	}
	return c, nil
}

// GMMPrior is the GMM dynamics prior of GPS (Levine, Finn et al. 2016,
// appendix A.3; DynamicsPriorGMM): a Gaussian mixture over all
// (x_t, u_t, x_{t+1}) points of the rollouts seen so far, across
// iterations and time steps, turned into a normal-inverse-Wishart prior for
// one time step of FitWithPrior. It implements Prior and
// InitialStatePrior. It is not safe for concurrent use.
type GMMPrior struct {
	cfg      GMMPriorConfig
	rng      *rand.Rand
	n, m     int
	rollouts [][]float64 // each T_i×D, rows [x_t, u_t, x_{t+1}]
	x0       [][]float64 // the initial state of each kept rollout
	points   int
	gmm      *GMM
}

// NewGMMPrior returns an empty prior; call Update before Eval.
func NewGMMPrior(cfg GMMPriorConfig) (*GMMPrior, error) {
	cfg, err := cfg.WithDefaults()
	if err != nil {
		return nil, config.Nested("dynfit: NewGMMPrior", err)
	}
	return &GMMPrior{cfg: cfg, rng: rand.New(rand.NewPCG(cfg.Seed, 0x5851f42d4c957f2d))}, nil
}

// Update adds the rollouts of s to the data set (dropping the oldest beyond
// MaxSamples) and refits the GMM on all their (x_t, u_t, x_{t+1}) points
// with K = max(1, min(MaxClusters, ⌊points/MinSamplesPerCluster⌋))
// clusters. The samples must have the n and m of earlier updates (T may
// differ) and, in total, more than 2n+m+2 points. s is copied. If the fit
// fails the data set is left as it was, and a warm-started GMM is dropped
// (the next Update starts afresh).
func (p *GMMPrior) Update(s system.Batch) error {
	const fn = "GMMPrior.Update"
	if p == nil {
		return errors.New("dynfit: " + fn + ": nil *GMMPrior")
	}
	n, m, T, N, err := checkSamples(fn, s)
	if err != nil {
		return err
	}
	if p.rollouts != nil && (n != p.n || m != p.m) {
		return fmt.Errorf("dynfit: %s: samples have n = %d, m = %d; earlier updates had n = %d, m = %d", fn, n, m, p.n, p.m)
	}
	// Build into new slices, so a failed fit leaves the data set as it was.
	D := 2*n + m
	rollouts := append(append([][]float64(nil), p.rollouts...), transitions(s, N, T, n, m)...)
	x0 := append([][]float64(nil), p.x0...)
	for i := 0; i < N; i++ {
		x0 = append(x0, append([]float64(nil), s[i].X[0]...))
	}
	if drop := len(rollouts) - p.cfg.MaxSamples; drop > 0 {
		rollouts, x0 = rollouts[drop:], x0[drop:]
	}
	points := 0
	for _, r := range rollouts {
		points += len(r) / D
	}
	if points <= D+2 {
		return fmt.Errorf("dynfit: %s: %d points of dimension 2n+m = %d; the prior needs more than 2n+m+2 = %d", fn, points, D, D+2)
	}
	data := mat.NewDense(points, D, nil)
	raw := data.RawMatrix().Data
	off := 0
	for _, r := range rollouts {
		off += copy(raw[off:], r)
	}
	K := max(1, min(p.cfg.MaxClusters, points/p.cfg.MinSamplesPerCluster))
	var g *GMM
	if !p.cfg.ColdStart && p.gmm != nil && p.gmm.K() == K && p.gmm.Dim() == D {
		g = p.gmm
		if err := g.Refit(data, p.cfg.EM); err != nil {
			p.gmm = nil // the warm start's parameters are no longer valid
			return fmt.Errorf("dynfit: %s: %w", fn, err)
		}
	} else {
		g, err = FitGMM(data, K, p.cfg.EM, p.rng)
		if err != nil {
			return fmt.Errorf("dynfit: %s: %w", fn, err)
		}
	}
	p.gmm, p.rollouts, p.x0, p.points, p.n, p.m = g, rollouts, x0, points, n, m
	return nil
}

// GMM returns the fitted mixture (nil before the first Update and for a
// nil prior). It is the prior's own: refitting or evaluating it changes
// the prior.
func (p *GMMPrior) GMM() *GMM {
	if p == nil {
		return nil
	}
	return p.gmm
}

// Rollouts returns how many rollouts the data set holds (0 for a nil
// prior).
func (p *GMMPrior) Rollouts() int {
	if p == nil {
		return 0
	}
	return len(p.rollouts)
}

// Points returns how many (x_t, u_t, x_{t+1}) points the GMM was fitted on
// (0 for a nil prior).
func (p *GMMPrior) Points() int {
	if p == nil {
		return 0
	}
	return p.points
}

// Eval returns the normal-inverse-Wishart prior for the points pts
// (rows [x_t, u_t, x_{t+1}]) of one time step, as GPS does:
//
//  1. the cluster responsibilities of the points, averaged over the points,
//     give mixture weights w_k (GMM.MixtureWeights);
//  2. the moment-matched Gaussian of the clusters under w gives
//     μ₀ = Σ_k w_k μ_k and Σ₀ = Σ_k w_k (Σ_k + (μ_k − μ₀)(μ_k − μ₀)ᵀ);
//  3. with s = Strength and P the number of points in the GMM's data set,
//     m = s, n₀ = s·(P − 2 − D)/P, Φ = s·Σ₀.
//
// So the prior counts as about s points, with covariance guess Φ/n₀ ≈ Σ₀.
// (GPS computes m = P and n₀ = P − 2 − D, the NIW parameters that would
// describe the whole data set, then divides both by P and multiplies by
// the strength.) Errors name the bad value: a nil prior, bad points (see
// GMM.MixtureWeights), and moments that overflow float64.
func (p *GMMPrior) Eval(pts *mat.Dense) (mu0 *mat.VecDense, Phi *mat.SymDense, m, n0 float64, err error) {
	if p == nil {
		return nil, nil, 0, 0, errors.New("dynfit: GMMPrior.Eval: nil *GMMPrior")
	}
	if p.gmm == nil {
		return nil, nil, 0, 0, fmt.Errorf("dynfit: GMMPrior.Eval: the prior has no data; call Update first")
	}
	w, err := p.gmm.MixtureWeights(pts)
	if err != nil {
		return nil, nil, 0, 0, fmt.Errorf("dynfit: GMMPrior.Eval: %w", err)
	}
	D := p.gmm.Dim()
	mu, sig := make([]float64, D), make([]float64, D*D)
	p.gmm.moments(mu, sig, w)
	s := p.cfg.Strength
	for j := range sig {
		sig[j] *= s
	}
	if err := checkMoments("dynfit: GMMPrior.Eval", -1, mu, sig, zName(p.n, p.m)); err != nil {
		return nil, nil, 0, 0, err
	}
	P := float64(p.points)
	return mat.NewVecDense(D, mu), mat.NewSymDense(D, sig), s, s * (P - 2 - float64(D)) / P, nil
}

// InitialState returns the prior on x_0 that GPS uses
// (DynamicsPriorGMM.initial_state): μ₀ the mean of the kept rollouts'
// initial states, m = n₀ = n·Strength and Φ = n₀·diag(variances), a
// diagonal covariance guess worth n·Strength points. A nil prior and
// moments that overflow float64 are errors.
func (p *GMMPrior) InitialState() (mu0 *mat.VecDense, Phi *mat.SymDense, m, n0 float64, err error) {
	if p == nil {
		return nil, nil, 0, 0, errors.New("dynfit: GMMPrior.InitialState: nil *GMMPrior")
	}
	if p.gmm == nil {
		return nil, nil, 0, 0, fmt.Errorf("dynfit: GMMPrior.InitialState: the prior has no data; call Update first")
	}
	n, N := p.n, len(p.x0)
	z := make([]float64, N*n)
	for i, x := range p.x0 {
		copy(z[i*n:], x)
	}
	mu, cov := make([]float64, n), make([]float64, n*n)
	small.Moments(mu, cov, z, N, n)
	s := float64(n) * p.cfg.Strength
	for i := range cov {
		cov[i] *= s
	}
	if err := checkMoments("dynfit: GMMPrior.InitialState", -1, mu, cov, x0Name); err != nil {
		return nil, nil, 0, 0, err
	}
	Phi = mat.NewSymDense(n, nil)
	for i := 0; i < n; i++ {
		Phi.SetSym(i, i, cov[i*n+i])
	}
	return mat.NewVecDense(n, mu), Phi, s, s, nil
}
