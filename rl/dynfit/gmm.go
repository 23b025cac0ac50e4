package dynfit

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/rlcontrol/rlcontrol/rl/internal/config"
	"github.com/rlcontrol/rlcontrol/rl/internal/limits"
	"github.com/rlcontrol/rlcontrol/rl/internal/small"
	"gonum.org/v1/gonum/mat"
)

// GMMInit selects how FitGMM initialises EM.
type GMMInit int

const (
	// InitKMeansPP (the default) picks K centres among the points by
	// k-means++ seeding (each next centre drawn with probability ∝ its
	// squared distance to the nearest centre so far, in coordinates scaled
	// by each dimension's standard deviation), assigns every point to its
	// nearest centre and starts from those clusters' moments.
	InitKMeansPP GMMInit = iota
	// InitRandom assigns every point to a uniformly random cluster and
	// starts from those clusters' moments, as GPS's gmm.py does. All initial
	// means are then near the global mean, and EM needs more iterations to
	// separate them.
	InitRandom
)

// GMMConfig holds the settings of EM for a Gaussian mixture. The zero value
// of every field selects the default given in its comment.
type GMMConfig struct {
	// MaxIter caps the EM iterations (E-step + M-step) after the
	// initialisation (default 100; ≥ 1).
	MaxIter int
	// Tol stops EM when an iteration raises the log-likelihood ℓ by less
	// than Tol·|ℓ| (relative; default 1e-5, the value GPS's gmm.py means to
	// use — its test compares with 1e-5·ℓ without the absolute value and so
	// never stops early; > 0).
	Tol float64
	// Reg is the smallest variance a cluster may have in any direction
	// (default 1e-6, GPS's value; > 0): every
	// eigenvalue of every cluster covariance is kept ≥ Reg. Without it a
	// cluster collapses onto a few points, or onto the exact linear relation
	// x_{t+1} = f(x_t, u_t) that noise-free simulator data obey. Use a value
	// small compared with the data's variance in every dimension.
	Reg float64
	// Init selects the initialisation (default InitKMeansPP).
	Init GMMInit
}

// WithDefaults returns c with its zero fields set to the defaults in their
// comments, or an error naming the first invalid field and its value.
func (c GMMConfig) WithDefaults() (GMMConfig, error) {
	config.Or(&c.MaxIter, 100)
	config.Or(&c.Tol, 1e-5)
	config.Or(&c.Reg, 1e-6)
	const fn = "dynfit: GMMConfig"
	switch {
	case c.MaxIter < 0:
		return c, fmt.Errorf("%s.MaxIter = %d, want ≥ 1", fn, c.MaxIter)
	case !config.Positive(c.Tol):
		return c, fmt.Errorf("%s.Tol = %v, want a finite value > 0", fn, c.Tol)
	case !config.Positive(c.Reg):
		return c, fmt.Errorf("%s.Reg = %v, want a finite value > 0", fn, c.Reg)
	case c.Init != InitKMeansPP && c.Init != InitRandom:
		return c, fmt.Errorf("%s.Init = %d, want InitKMeansPP or InitRandom", fn, c.Init)
	}
	return c, nil
}

// EMStep records one EM iteration of a GMM fit (step 0 is the
// initialisation).
type EMStep struct {
	// LogLik is the data log-likelihood Σ_i log Σ_k π_k N(z_i | μ_k, Σ_k)
	// of the parameters after this step. It never decreases from one step
	// to the next, except after a step that rebooted a cluster.
	LogLik float64
	// Reboots counts the clusters restarted in this step because they had
	// (almost) no points left.
	Reboots int
	// Frozen counts the clusters with weight 0 after this step: clusters
	// that emptied again after their reboot.
	Frozen int
}

// GMM is a Gaussian mixture p(z) = Σ_k π_k N(z | μ_k, Σ_k) over
// D-dimensional points, fitted by expectation–maximisation (FitGMM). In
// this package it is the global model of all (x_t, u_t, x_{t+1}) samples
// behind GMMPrior, but it is a general GMM.
//
// EM is computed in the log domain (log-sum-exp over clusters), so points
// far from every cluster do not underflow. With responsibilities r_ik, the
// M-step is
//
//	N_k = Σ_i r_ik,  π_k = N_k/N,  μ_k = Σ_i r_ik z_i / N_k,
//	Σ_k = floor_Reg( Σ_i r_ik (z_i − μ_k)(z_i − μ_k)ᵀ / N_k ),
//
// where floor_Reg raises every eigenvalue below Reg to Reg. That is the
// exact maximiser of the EM lower bound over covariances with eigenvalues
// ≥ Reg, so the log-likelihood never decreases (up to rounding, and the
// responsibilities below 1e-13 that the M-step skips). GPS adds 1e-6·I to
// the diagonal instead, which is not the exact maximiser, and its gmm.py
// notes that the log-likelihood sometimes decreases. For the well-excited
// directions the two agree; they differ where the data are (nearly)
// degenerate, as noise-free simulator transitions are.
//
// A cluster whose responsibilities sum to less than 1e-4·N/K points (GPS's
// threshold) is rebooted once per fit: its mean moves to the point the
// mixture explains worst, its covariance becomes the weighted average of
// the live clusters', and its weight becomes 1/N (one point's worth; then
// all weights are renormalised). If it empties again it is frozen with
// weight 0, so EM can converge. A reboot may lower the log-likelihood by
// at most about one nat; History records them.
//
// A GMM keeps scratch buffers: it is not safe for concurrent use.
type GMM struct {
	k, dim int
	logw   []float64 // K: log π_k (−Inf for a frozen cluster)
	mu     []float64 // K×D
	sigma  []float64 // K×D×D, full
	linv   []float64 // K×D×D: L_k⁻¹ (lower) with Σ_k = L_k L_kᵀ
	lnorm  []float64 // K: log π_k − ½(D log 2π + log|Σ_k|)

	// History records every EM step of the last fit (FitGMM or Refit).
	History []EMStep
	// Converged reports whether the last fit stopped on Tol rather than
	// MaxIter.
	Converged bool

	rebooted []bool // clusters rebooted in the current fit

	// EM statistics, relative to the current means: N_k, Σ r d, Σ r d dᵀ
	// (upper triangle) with d = z − μ_k.
	nk, s1, s2 []float64

	lp, lse, row, diffs, lbuf, ebuf []float64 // scratch
}

// respCut: responsibilities below e^respCut ≈ 1e-13 are left out of the
// M-step statistics (they change them by less than rounding would).
const respCut = -30

// FitGMM fits a K-component Gaussian mixture to the rows of data (N×D) by
// EM, initialised from rng (same rng state, same fit). It needs N ≥ K,
// finite data and K·D² ≤ limits.MaxElements (checked before allocating);
// moments of the data or of a cluster that overflow float64 (values near
// 1e154 and above) are errors naming where.
func FitGMM(data *mat.Dense, K int, cfg GMMConfig, rng *rand.Rand) (*GMM, error) {
	const fn = "dynfit: FitGMM"
	c, err := cfg.WithDefaults()
	if err != nil {
		return nil, config.Nested(fn, err)
	}
	if rng == nil {
		return nil, fmt.Errorf("%s: rng is nil; pass e.g. rand.New(rand.NewPCG(seed, 0))", fn)
	}
	z, N, D, err := flatData(fn, data)
	if err != nil {
		return nil, err
	}
	if K < 1 {
		return nil, fmt.Errorf("%s: K = %d clusters, want ≥ 1", fn, K)
	}
	if K > N {
		return nil, fmt.Errorf("%s: K = %d clusters for only N = %d points; want K ≤ N", fn, K, N)
	}
	if err := limits.Check(fn, "K × D × D", K, D, D); err != nil {
		return nil, err
	}
	g := &GMM{k: K, dim: D,
		logw: make([]float64, K), mu: make([]float64, K*D), sigma: make([]float64, K*D*D),
		linv: make([]float64, K*D*D), lnorm: make([]float64, K), rebooted: make([]bool, K),
		nk: make([]float64, K), s1: make([]float64, K*D), s2: make([]float64, K*D*D)}
	g.scratch(N)
	if err := g.initStats(z, N, c.Init, rng); err != nil {
		return nil, fmt.Errorf("%s: %w", fn, err)
	}
	reboots, err := g.update(z, N, c.Reg)
	if err != nil {
		return nil, fmt.Errorf("%s: after initialisation: %w", fn, err)
	}
	if err := g.em(z, N, c, reboots); err != nil {
		return nil, fmt.Errorf("%s: %w", fn, err)
	}
	return g, nil
}

// Refit runs EM again on data, starting from the current parameters (a
// warm start: GPS refits its dynamics prior this way every iteration, as
// the data set grows). data must have the GMM's dimension and at least K
// rows. History and Converged describe the new fit; frozen clusters get a
// new reboot. If it fails, the GMM's parameters are unspecified.
func (g *GMM) Refit(data *mat.Dense, cfg GMMConfig) error {
	const fn = "dynfit: GMM.Refit"
	if g == nil {
		return errors.New(fn + ": nil *GMM")
	}
	c, err := cfg.WithDefaults()
	if err != nil {
		return config.Nested(fn, err)
	}
	z, N, D, err := flatData(fn, data)
	if err != nil {
		return err
	}
	if D != g.dim {
		return fmt.Errorf("%s: data has %d columns, the GMM has dimension %d", fn, D, g.dim)
	}
	if N < g.k {
		return fmt.Errorf("%s: N = %d points for K = %d clusters; want N ≥ K", fn, N, g.k)
	}
	g.scratch(N)
	for k := range g.rebooted {
		g.rebooted[k] = false
	}
	if err := g.em(z, N, c, 0); err != nil {
		return fmt.Errorf("%s: %w", fn, err)
	}
	return nil
}

// em runs EM from the current (factored) parameters: each pass over the
// data computes the log-likelihood of the current parameters (recorded in
// History) together with the statistics of the next M-step. It stops when
// the log-likelihood rose by less than Tol·|ℓ| since the previous pass
// (keeping the parameters of that pass), or after MaxIter M-steps.
func (g *GMM) em(z []float64, N int, c GMMConfig, reboots int) error {
	g.History = g.History[:0]
	g.Converged = false
	prev := math.NaN()
	for it := 0; ; it++ {
		ll := g.pass(z, N, nil, true)
		g.History = append(g.History, EMStep{LogLik: ll, Reboots: reboots, Frozen: g.frozen()})
		if !finite(ll) {
			return fmt.Errorf("EM step %d: the log-likelihood is %v", it, ll)
		}
		if it > 0 && reboots == 0 && ll-prev <= c.Tol*math.Abs(ll) {
			g.Converged = true
			return nil
		}
		if it == c.MaxIter {
			return nil
		}
		var err error
		if reboots, err = g.update(z, N, c.Reg); err != nil {
			return fmt.Errorf("EM step %d: %w", it+1, err)
		}
		prev = ll
	}
}

// frozen counts the clusters of weight 0.
func (g *GMM) frozen() int {
	f := 0
	for _, lw := range g.logw {
		if math.IsInf(lw, -1) {
			f++
		}
	}
	return f
}

func (g *GMM) scratch(N int) {
	K, D := g.k, g.dim
	if len(g.lse) < N {
		g.lse = make([]float64, N)
	}
	if len(g.row) < K {
		g.row = make([]float64, K)
		g.diffs = make([]float64, K*D)
	}
	if len(g.lbuf) < D*D {
		g.lbuf = make([]float64, D*D)
		g.ebuf = make([]float64, D*D+D)
	}
}

// pass computes, for every point, lp_ik = log π_k + log N(z_i | μ_k, Σ_k)
// (into lp, N×K, if it is not nil) and log p(z_i) = log Σ_k exp(lp_ik)
// (into g.lse), and returns Σ_i log p(z_i). If acc is set it also
// accumulates the M-step statistics with responsibilities
// r_ik = exp(lp_ik − log p(z_i)) into g.nk, g.s1, g.s2.
func (g *GMM) pass(z []float64, N int, lp []float64, acc bool) float64 {
	K, D := g.k, g.dim
	if acc {
		clear(g.nk)
		clear(g.s1)
		clear(g.s2)
	}
	total := 0.0
	for i := 0; i < N; i++ {
		zi := z[i*D : i*D+D]
		row := g.row[:K]
		if lp != nil {
			row = lp[i*K : i*K+K]
		}
		for k := 0; k < K; k++ {
			if math.IsInf(g.logw[k], -1) {
				row[k] = math.Inf(-1)
				continue
			}
			mk := g.mu[k*D : k*D+D]
			d := g.diffs[k*D : k*D+D]
			for j := range d {
				d[j] = zi[j] - mk[j]
			}
			li := g.linv[k*D*D : (k+1)*D*D]
			q := 0.0
			for a := 0; a < D; a++ { // ‖L⁻¹(z − μ)‖², L⁻¹ lower triangular
				la := li[a*D : a*D+a+1]
				s := 0.0
				for b, v := range la {
					s += v * d[b]
				}
				q += s * s
			}
			row[k] = g.lnorm[k] - 0.5*q
		}
		lse := logSumExp(row)
		g.lse[i] = lse
		total += lse
		if !acc {
			continue
		}
		for k, v := range row {
			t := v - lse
			if !(t > respCut) {
				continue
			}
			g.accumulate(k, math.Exp(t), g.diffs[k*D:k*D+D])
		}
	}
	return total
}

// accumulate adds a point with responsibility r and offset d = z − μ_k
// to cluster k's statistics.
func (g *GMM) accumulate(k int, r float64, d []float64) {
	D := g.dim
	g.nk[k] += r
	s1 := g.s1[k*D : k*D+D]
	s2 := g.s2[k*D*D : (k+1)*D*D]
	for a, da := range d {
		s1[a] += r * da
		rda := r * da
		if rda == 0 {
			continue
		}
		sa := s2[a*D : a*D+D]
		for b := a; b < D; b++ {
			sa[b] += rda * d[b]
		}
	}
}

// logSumExp returns log Σ exp(v) without overflow; −Inf if all are −Inf.
func logSumExp(v []float64) float64 {
	mx := math.Inf(-1)
	for _, x := range v {
		if x > mx {
			mx = x
		}
	}
	if math.IsInf(mx, 0) {
		return mx
	}
	s := 0.0
	for _, x := range v {
		s += math.Exp(x - mx)
	}
	return mx + math.Log(s)
}

// update is the M-step: it sets the weights, means and covariances from
// the accumulated statistics, reboots or freezes dead clusters (using
// g.lse, log p(z_i) under the previous parameters, to find the
// worst-explained points) and refactors. It returns the number of
// reboots.
func (g *GMM) update(z []float64, N int, reg float64) (int, error) {
	K, D := g.k, g.dim
	dead := 1e-4 * float64(N) / float64(K)
	var deadList []int
	for k := 0; k < K; k++ {
		nk := g.nk[k]
		if !(nk >= dead) {
			if g.rebooted[k] { // emptied again: freeze with weight 0
				g.logw[k] = math.Inf(-1)
			} else {
				deadList = append(deadList, k)
			}
			continue
		}
		mk := g.mu[k*D : k*D+D]
		sk := g.sigma[k*D*D : (k+1)*D*D]
		s1 := g.s1[k*D : k*D+D]
		s2 := g.s2[k*D*D : (k+1)*D*D]
		for a := 0; a < D; a++ {
			da := s1[a] / nk // mean shift
			for b := a; b < D; b++ {
				v := s2[a*D+b]/nk - da*s1[b]/nk
				sk[a*D+b], sk[b*D+a] = v, v
			}
		}
		for a := 0; a < D; a++ {
			mk[a] += s1[a] / nk
		}
		if err := checkMoments("", -1, mk, sk, clusterName(k)); err != nil {
			return 0, err
		}
		g.floorEigen(sk, reg)
		g.logw[k] = math.Log(nk / float64(N))
	}
	if len(deadList) > 0 {
		g.reboot(deadList, z, N)
	}
	// Renormalise (responsibilities below e^respCut were left out).
	lz := logSumExp(g.logw)
	for k := range g.logw {
		g.logw[k] -= lz
	}
	return len(deadList), g.factor()
}

// floorEigen replaces the D×D covariance s by V·diag(max(λ, reg))·Vᵀ.
func (g *GMM) floorEigen(s []float64, reg float64) {
	D := g.dim
	// Most covariances need no change; find out cheaply. A diagonal entry
	// below reg proves an eigenvalue below reg; otherwise a Cholesky
	// factorisation of s − reg·I succeeds iff every eigenvalue exceeds reg.
	low := false
	for a := 0; a < D; a++ {
		if s[a*D+a] < reg {
			low = true
			break
		}
	}
	v, w := g.ebuf[:D*D], g.ebuf[D*D:D*D+D]
	a := g.lbuf[:D*D]
	copy(a, s)
	if !low {
		for j := 0; j < D; j++ {
			a[j*D+j] -= reg
		}
		if small.Cholesky(a, a, D) {
			return
		}
		copy(a, s)
	}
	small.SymEigen(a, v, w, D)
	for j := range w {
		w[j] = math.Max(w[j], reg)
	}
	for p := 0; p < D; p++ {
		for q := p; q < D; q++ {
			x := 0.0
			for j := 0; j < D; j++ {
				x += v[p*D+j] * w[j] * v[q*D+j]
			}
			s[p*D+q], s[q*D+p] = x, x
		}
	}
}

// reboot restarts the clusters in dead: mean at the worst-explained points
// (lowest g.lse), covariance the weighted average of the live clusters'
// (or the data covariance if none is alive), weight 1/N; then it
// renormalises the weights.
func (g *GMM) reboot(dead []int, z []float64, N int) {
	K, D := g.k, g.dim
	isDead := make([]bool, K)
	for _, k := range dead {
		isDead[k] = true
	}
	pooled := make([]float64, D*D)
	wsum := 0.0
	for k := 0; k < K; k++ {
		if isDead[k] || math.IsInf(g.logw[k], -1) {
			continue
		}
		w := math.Exp(g.logw[k])
		wsum += w
		sk := g.sigma[k*D*D : (k+1)*D*D]
		for j, v := range sk {
			pooled[j] += w * v
		}
	}
	if wsum > 0 {
		for j := range pooled {
			pooled[j] /= wsum
		}
	} else {
		mean := make([]float64, D)
		small.Moments(mean, pooled, z, N, D)
		for a := 0; a < D; a++ {
			pooled[a*D+a] += 1e-6
		}
	}
	used := make(map[int]bool, len(dead))
	for _, k := range dead {
		worst := -1
		for i := 0; i < N; i++ {
			if used[i] {
				continue
			}
			if worst < 0 || g.lse[i] < g.lse[worst] {
				worst = i
			}
		}
		used[worst] = true
		copy(g.mu[k*D:k*D+D], z[worst*D:worst*D+D])
		copy(g.sigma[k*D*D:(k+1)*D*D], pooled)
		g.logw[k] = -math.Log(float64(N))
		g.rebooted[k] = true
	}
	lz := logSumExp(g.logw)
	for k := range g.logw {
		g.logw[k] -= lz
	}
}

// factor computes, for every cluster, L_k⁻¹, log|Σ_k| and the
// log normaliser; it fails if a covariance is not positive definite.
func (g *GMM) factor() error {
	K, D := g.k, g.dim
	if len(g.lbuf) < D*D {
		g.lbuf = make([]float64, D*D)
	}
	l := g.lbuf[:D*D]
	for k := 0; k < K; k++ {
		sk := g.sigma[k*D*D : (k+1)*D*D]
		if !small.Cholesky(l, sk, D) {
			return fmt.Errorf("the covariance of cluster %d is not positive definite (raise GMMConfig.Reg)", k)
		}
		li := g.linv[k*D*D : (k+1)*D*D]
		small.InvLower(li, l, D)
		logdet := 0.0
		for j := 0; j < D; j++ {
			logdet += 2 * math.Log(l[j*D+j])
		}
		g.lnorm[k] = g.logw[k] - 0.5*(float64(D)*math.Log(2*math.Pi)+logdet)
	}
	return nil
}

// initStats sets reference means and accumulates the statistics of a hard
// initial assignment of the points to clusters (and a badness score into
// g.lse, lower = further from its centre, for reboots). It fails if the
// data's moments overflow.
func (g *GMM) initStats(z []float64, N int, init GMMInit, rng *rand.Rand) error {
	K, D := g.k, g.dim
	clear(g.nk)
	clear(g.s1)
	clear(g.s2)
	mean, cov := make([]float64, D), make([]float64, D*D)
	small.Moments(mean, cov, z, N, D)
	if err := checkMoments("", -1, mean, cov, dataName); err != nil {
		return err
	}
	d := make([]float64, D)
	add := func(i, k int) {
		zi, mk := z[i*D:i*D+D], g.mu[k*D:k*D+D]
		for j := range d {
			d[j] = zi[j] - mk[j]
		}
		g.accumulate(k, 1, d)
	}
	if init == InitRandom {
		for k := 0; k < K; k++ {
			copy(g.mu[k*D:k*D+D], mean)
		}
		for i := 0; i < N; i++ {
			add(i, rng.IntN(K))
			g.lse[i] = 0
		}
		return nil
	}
	// k-means++ on coordinates scaled by each dimension's spread.
	inv := make([]float64, D)
	for j := range inv {
		if v := cov[j*D+j]; v > 0 {
			inv[j] = 1 / v
		} else {
			inv[j] = 1
		}
	}
	dist := func(a, b []float64) float64 {
		s := 0.0
		for j := range a {
			e := a[j] - b[j]
			s += e * e * inv[j]
		}
		return s
	}
	best := make([]float64, N) // scaled squared distance to the nearest centre
	owner := make([]int, N)
	first := rng.IntN(N)
	copy(g.mu[:D], z[first*D:first*D+D])
	total := 0.0
	for i := 0; i < N; i++ {
		best[i] = dist(z[i*D:i*D+D], g.mu[:D])
		total += best[i]
	}
	for k := 1; k < K; k++ {
		var next int
		if total > 0 {
			u := rng.Float64() * total
			next = N - 1
			for i := 0; i < N; i++ {
				u -= best[i]
				if u < 0 {
					next = i
					break
				}
			}
		} else { // fewer distinct points than clusters
			next = rng.IntN(N)
		}
		ck := g.mu[k*D : k*D+D]
		copy(ck, z[next*D:next*D+D])
		total = 0
		for i := 0; i < N; i++ {
			if e := dist(z[i*D:i*D+D], ck); e < best[i] {
				best[i], owner[i] = e, k
			}
			total += best[i]
		}
	}
	for i := 0; i < N; i++ {
		add(i, owner[i])
		g.lse[i] = -best[i]
	}
	return nil
}

// dataName names column j of the data a GMM is fitted to.
func dataName(j int) string { return fmt.Sprintf("data column %d", j) }

// clusterName names component j of cluster k's mean and covariance.
func clusterName(k int) func(j int) string {
	return func(j int) string { return fmt.Sprintf("cluster %d's column %d", k, j) }
}

// flatData validates data and returns its rows as one row-major slice.
func flatData(fn string, data *mat.Dense) ([]float64, int, int, error) {
	if data == nil || data.IsEmpty() {
		return nil, 0, 0, fmt.Errorf("%s: data is nil or empty", fn)
	}
	N, D := data.Dims()
	raw := data.RawMatrix()
	z := raw.Data
	if raw.Stride != D {
		z = make([]float64, N*D)
		for i := 0; i < N; i++ {
			copy(z[i*D:i*D+D], raw.Data[i*raw.Stride:i*raw.Stride+D])
		}
	}
	for i := 0; i < N; i++ {
		for j, v := range z[i*D : i*D+D] {
			if !finite(v) {
				return nil, 0, 0, fmt.Errorf("%s: data[%d,%d] = %v is not finite", fn, i, j, v)
			}
		}
	}
	return z[:N*D], N, D, nil
}

// K returns the number of clusters (0 for a nil GMM).
func (g *GMM) K() int {
	if g == nil {
		return 0
	}
	return g.k
}

// Dim returns the dimension D of the points (0 for a nil GMM).
func (g *GMM) Dim() int {
	if g == nil {
		return 0
	}
	return g.dim
}

// Weight returns the mixing weight π_k. It panics if g is nil or k is not
// in [0, K).
func (g *GMM) Weight(k int) float64 {
	g.mustCluster("Weight", k)
	return math.Exp(g.logw[k])
}

// Mean returns a copy of μ_k. It panics if g is nil or k is not in [0, K).
func (g *GMM) Mean(k int) *mat.VecDense {
	g.mustCluster("Mean", k)
	return mat.NewVecDense(g.dim, append([]float64(nil), g.mu[k*g.dim:(k+1)*g.dim]...))
}

// mustCluster panics, naming the method and k, unless g is not nil and k
// is a cluster.
func (g *GMM) mustCluster(method string, k int) {
	if g == nil {
		panic("dynfit: GMM." + method + ": nil *GMM")
	}
	if k < 0 || k >= g.k {
		panic(fmt.Sprintf("dynfit: GMM.%s: cluster k = %d, want 0 ≤ k < K = %d", method, k, g.k))
	}
}

// Cov returns a copy of Σ_k. It panics if g is nil or k is not in [0, K).
func (g *GMM) Cov(k int) *mat.SymDense {
	g.mustCluster("Cov", k)
	D := g.dim
	return mat.NewSymDense(D, append([]float64(nil), g.sigma[k*D*D:(k+1)*D*D]...))
}

// evalLogs validates pts and fills the scratch lp (N×K) and lse (N). It
// fails, naming the point, if a point is so far from every cluster that
// its log-likelihood is −Inf (the squared distances overflow).
func (g *GMM) evalLogs(fn string, pts *mat.Dense) (N int, err error) {
	if g == nil {
		return 0, errors.New(fn + ": nil *GMM")
	}
	z, N, D, err := flatData(fn, pts)
	if err != nil {
		return 0, err
	}
	if D != g.dim {
		return 0, fmt.Errorf("%s: points have %d columns, the GMM has dimension %d", fn, D, g.dim)
	}
	if err := limits.Check(fn, "N × K", N, g.k); err != nil {
		return 0, err
	}
	g.scratch(N)
	if len(g.lp) < N*g.k {
		g.lp = make([]float64, N*g.k)
	}
	g.pass(z, N, g.lp[:N*g.k], false)
	for i, v := range g.lse[:N] {
		if !finite(v) {
			return 0, fmt.Errorf("%s: point %d has log-likelihood %v under every cluster: it is too far from the mixture (its squared distances overflow float64)", fn, i, v)
		}
	}
	return N, nil
}

// LogLikelihood returns Σ_i log p(z_i) over the rows of data.
func (g *GMM) LogLikelihood(data *mat.Dense) (float64, error) {
	N, err := g.evalLogs("dynfit: GMM.LogLikelihood", data)
	if err != nil {
		return 0, err
	}
	s := 0.0
	for _, v := range g.lse[:N] {
		s += v
	}
	return s, nil
}

// Responsibilities returns the N×K posterior cluster probabilities
// r_ik = π_k N(z_i | μ_k, Σ_k) / p(z_i) of the rows of pts.
func (g *GMM) Responsibilities(pts *mat.Dense) (*mat.Dense, error) {
	N, err := g.evalLogs("dynfit: GMM.Responsibilities", pts)
	if err != nil {
		return nil, err
	}
	K := g.k
	out := mat.NewDense(N, K, nil)
	raw := out.RawMatrix().Data
	for i := 0; i < N; i++ {
		for k := 0; k < K; k++ {
			raw[i*K+k] = math.Exp(g.lp[i*K+k] - g.lse[i])
		}
	}
	return out, nil
}

// MixtureWeights returns the responsibilities of the rows of pts averaged
// over the rows, w_k = (1/N) Σ_i r_ik: how much each cluster explains these
// points (GPS's clusterwts). They sum to 1.
func (g *GMM) MixtureWeights(pts *mat.Dense) ([]float64, error) {
	N, err := g.evalLogs("dynfit: GMM.MixtureWeights", pts)
	if err != nil {
		return nil, err
	}
	K := g.k
	w := make([]float64, K)
	lp, lse := g.lp[:N*K], g.lse[:N]
	for i := 0; i < N; i++ {
		for k := 0; k < K; k++ {
			w[k] += math.Exp(lp[i*K+k] - lse[i])
		}
	}
	for k := range w {
		w[k] /= float64(N)
	}
	return w, nil
}

// Moments returns the mean and covariance of the mixture with weights w
// (K non-negative values summing to 1) over the GMM's components, the
// single Gaussian that matches its first two moments:
//
//	μ = Σ_k w_k μ_k,   Σ = Σ_k w_k (Σ_k + (μ_k − μ)(μ_k − μ)ᵀ).
func (g *GMM) Moments(w []float64) (*mat.VecDense, *mat.SymDense, error) {
	if g == nil {
		return nil, nil, errors.New("dynfit: GMM.Moments: nil *GMM")
	}
	K, D := g.k, g.dim
	if len(w) != K {
		return nil, nil, fmt.Errorf("dynfit: GMM.Moments: %d weights for %d clusters", len(w), K)
	}
	sum := 0.0
	for k, v := range w {
		if !(v >= 0) || !finite(v) {
			return nil, nil, fmt.Errorf("dynfit: GMM.Moments: w[%d] = %v, want a finite value ≥ 0", k, v)
		}
		sum += v
	}
	if math.Abs(sum-1) > 1e-9 {
		return nil, nil, fmt.Errorf("dynfit: GMM.Moments: the weights sum to %v, want 1", sum)
	}
	mu, sig := make([]float64, D), make([]float64, D*D)
	g.moments(mu, sig, w)
	if err := checkMoments("dynfit: GMM.Moments", -1, mu, sig, colName); err != nil {
		return nil, nil, err
	}
	return mat.NewVecDense(D, mu), mat.NewSymDense(D, sig), nil
}

func (g *GMM) moments(mu, sig, w []float64) {
	K, D := g.k, g.dim
	for j := range mu {
		mu[j] = 0
	}
	for j := range sig {
		sig[j] = 0
	}
	for k := 0; k < K; k++ {
		mk := g.mu[k*D : k*D+D]
		for j, v := range mk {
			mu[j] += w[k] * v
		}
	}
	for k := 0; k < K; k++ {
		if w[k] == 0 {
			continue
		}
		mk := g.mu[k*D : k*D+D]
		sk := g.sigma[k*D*D : (k+1)*D*D]
		for a := 0; a < D; a++ {
			da := mk[a] - mu[a]
			for b := a; b < D; b++ {
				sig[a*D+b] += w[k] * (sk[a*D+b] + da*(mk[b]-mu[b]))
			}
		}
	}
	for a := 0; a < D; a++ {
		for b := a + 1; b < D; b++ {
			sig[b*D+a] = sig[a*D+b]
		}
	}
}
