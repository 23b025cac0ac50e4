package lessons

import (
	"errors"
	"fmt"
	"image/color"
	"io"
	"math"
	"slices"
	"time"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/palette/moreland"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/rlcontrol/rlcontrol/plotting"
	"github.com/rlcontrol/rlcontrol/rl/e2c"
	"github.com/rlcontrol/rlcontrol/rl/system"
)

// Lesson 07: Embed to Control. Its scenarios, in notebook order: the image
// data; a small model trained live; the stored full run's training
// curves; the latent spaces of E2C, VAE and AE; decoded multi-step
// predictions; one closed-loop episode; success rates. The trained planar
// model and the baselines are the stored run 07-e2c-planar (l07_e2c.go);
// the objective term by term is computed in the notebook's cells and by
// E2CObjectiveByHand, which the tests check against the library.

func init() {
	register("07", E2CDataScenario{}, "07-data")
	register("07", E2CTrainScenario{}, "07-train-live")
	register("07", E2CCurvesScenario{}, "07-train-stored")
	register("07", E2CLatentScenario{}, "07-latent")
	register("07", E2CPredictionScenario{}, "07-predictions")
	register("07", E2CEpisodeScenario{}, "07-plan")
	register("07", E2CSuccessScenario{}, "07-success")
}

// ---------------------------------------------------------------- data

// E2CDataScenario renders a few transitions of both tasks: planar images
// (x_t, x_{t+1}) and pendulum images, each two stacked frames.
type E2CDataScenario struct {
	// N is the number of transitions of each task shown (default 3).
	N int
}

// E2CDataOutcome holds the transitions shown.
type E2CDataOutcome struct {
	Planar, Pendulum *e2c.Dataset
}

// Run renders the transitions (seed 5, not the training data's).
func (c E2CDataScenario) Run() (Outcome, error) {
	if c.N == 0 {
		c.N = 3
	}
	if c.N < 1 || c.N > 10 {
		return nil, fmt.Errorf("lessons: E2CDataScenario.N = %d, want 1 to 10", c.N)
	}
	pt, err := E2CPlanar(false).Task()
	if err != nil {
		return nil, err
	}
	o := &E2CDataOutcome{}
	if o.Planar, err = pt.Data(c.N, 5); err != nil {
		return nil, err
	}
	if o.Pendulum, err = e2c.PendulumTask().Data(c.N, 5); err != nil {
		return nil, err
	}
	return o, nil
}

// Figures shows the planar pairs (x_t, x_{t+1}) on the first row and the
// pendulum's images (the two frames of x_t, then those of x_{t+1}) below.
func (o *E2CDataOutcome) Figures() ([]NamedFigure, error) {
	var ims []plotting.Image
	d := o.Planar
	for i := range d.X {
		ims = append(ims,
			plotting.Image{Title: "t", W: d.Width, H: d.Height, Pix: d.X[i]},
			plotting.Image{Title: "t + 1", W: d.Width, H: d.Height, Pix: d.XNext[i]})
	}
	p := o.Pendulum
	n := p.Width * p.Height
	for i := range p.X {
		if len(p.X[i]) < 2*n {
			return nil, fmt.Errorf("lessons: pendulum image %d has %d pixels, want two frames of %d", i, len(p.X[i]), n)
		}
		ims = append(ims,
			plotting.Image{Title: "t", W: p.Width, H: p.Height, Pix: p.X[i][n:]},
			plotting.Image{Title: "t + 1", W: p.Width, H: p.Height, Pix: p.XNext[i][n:]})
	}
	f, err := plotting.ImageGrid("Image pairs at t and t + 1: planar (top), pendulum (bottom)", 2*len(d.X), ims...)
	if err != nil {
		return nil, err
	}
	return []NamedFigure{{Name: "07-data", Figure: f}}, nil
}

// ------------------------------------------------- the objective by hand

// E2CBatch is one batch of planar transitions with the noise ε of the
// reparameterised samples, for computing the loss term by term.
type E2CBatch struct {
	// X, U and XNext are the transitions (held-out data, never trained
	// on); State the true positions behind X (for evaluation only).
	X, U, XNext, State [][]float64
	// Eps is ε, one standard normal row per transition (e2c.Noise).
	Eps [][]float64
}

// E2CObjectiveBatch returns n held-out planar transitions of the lesson's
// set-up and n noise rows of length latent drawn with seed.
func E2CObjectiveBatch(n, latent int, seed uint64) (*E2CBatch, error) {
	if n < 1 || n > 10000 {
		return nil, fmt.Errorf("lessons: E2CObjectiveBatch: n = %d, want 1 to 10000", n)
	}
	if latent < 1 {
		return nil, fmt.Errorf("lessons: E2CObjectiveBatch: latent = %d, want ≥ 1", latent)
	}
	d, err := E2CPlanar(false).heldOut(n)
	if err != nil {
		return nil, err
	}
	return &E2CBatch{X: d.X, U: d.U, XNext: d.XNext, State: d.State, Eps: e2c.Noise(n, latent, seed)}, nil
}

// E2CHandTerms are the loss terms of E2CObjectiveByHand, batch means in
// nats, with the log-determinants of C of every transition both ways.
type E2CHandTerms struct {
	e2c.Losses
	// LogDetLU is log det C from an LU factorisation of C = A Σ Aᵀ;
	// LogDetLemma is Σ log σ² + 2 log|1 + vᵀ r|.
	LogDetLU, LogDetLemma []float64
}

// BernoulliNLL is −log p(x | p) = −Σ_i [x_i log p_i + (1 − x_i) log(1 − p_i)]
// for pixel probabilities p (terms with a zero weight are left out, so a
// certain pixel that is right costs nothing).
func BernoulliNLL(x, p []float64) float64 {
	s := 0.0
	for i := range x {
		if x[i] > 0 {
			s -= x[i] * math.Log(p[i])
		}
		if x[i] < 1 {
			s -= (1 - x[i]) * math.Log1p(-p[i])
		}
	}
	return s
}

// KLToPrior is KL(N(μ, diag e^{logVar}) ‖ N(0, I)) = ½ Σ (μ² + σ² − 1 − log σ²).
func KLToPrior(mu, logVar []float64) float64 {
	s := 0.0
	for i := range mu {
		s += mu[i]*mu[i] + math.Exp(logVar[i]) - 1 - logVar[i]
	}
	return s / 2
}

// GaussKL is KL(N(m0, C0) ‖ N(m1, diag s1)) for a full covariance C0 and a
// diagonal one with variances s1, with log det C0 given:
// ½ [tr(S1⁻¹ C0) + (m1 − m0)ᵀ S1⁻¹ (m1 − m0) − k + log det S1 − log det C0].
func GaussKL(m0 []float64, c0 *mat.Dense, logDetC0 float64, m1, s1 []float64) float64 {
	s := -float64(len(m0)) - logDetC0
	for i := range m0 {
		d := m1[i] - m0[i]
		s += (c0.At(i, i)+d*d)/s1[i] + math.Log(s1[i])
	}
	return s / 2
}

// E2CObjectiveByHand computes the E2C loss of m on the batch term by term
// in plain Go with gonum, as the lesson's cells do: encode x_t and x_{t+1}
// (EncodeDist), z = μ + σ ⊙ ε, the reconstruction from Decode(z), the
// transition at z (TransitionAt) and ẑ_{t+1} = A z + B u + o, the
// prediction from Decode(ẑ), the KL to the prior, and KL(q̂ ‖ q) with
// q̂ = N(A μ + B u + o, C = A Σ Aᵀ), log det C by LU. Total weighs the
// prior KL by the model's β and the transition KL by its λ, as e2c.E2C
// does.
func E2CObjectiveByHand(m *e2c.Model, x, u, xNext, eps [][]float64) (E2CHandTerms, error) {
	var h E2CHandTerms
	if m == nil {
		return h, errors.New("lessons: E2CObjectiveByHand: nil model")
	}
	if m.Config().Kind != e2c.E2C {
		return h, fmt.Errorf("lessons: E2CObjectiveByHand: a %v model, want E2C", m.Config().Kind)
	}
	n, k := len(x), m.LatentDim()
	if n == 0 || len(u) != n || len(xNext) != n || len(eps) != n {
		return h, fmt.Errorf("lessons: E2CObjectiveByHand: %d images, %d actions, %d next images, %d noise rows: want equal, non-zero", n, len(u), len(xNext), len(eps))
	}
	mu, lv, err := m.EncodeDist(x)
	if err != nil {
		return h, err
	}
	muN, lvN, err := m.EncodeDist(xNext)
	if err != nil {
		return h, err
	}
	z := make([][]float64, n)
	for i := range z {
		if len(eps[i]) != k {
			return h, fmt.Errorf("lessons: E2CObjectiveByHand: eps[%d] has length %d, want %d", i, len(eps[i]), k)
		}
		z[i] = make([]float64, k)
		for j := range z[i] {
			z[i][j] = mu[i][j] + math.Exp(lv[i][j]/2)*eps[i][j]
		}
	}
	p, err := m.Decode(z)
	if err != nil {
		return h, err
	}
	zHat := make([][]float64, n)
	for i := range z {
		tr, err := m.TransitionAt(z[i])
		if err != nil {
			return h, err
		}
		// ẑ = A z + B u + o (sampled) and m̂ = A μ + B u + o (the mean of q̂).
		zh, mh := affine(tr, z[i], u[i]), affine(tr, mu[i], u[i])
		zHat[i] = zh
		// C = A Σ Aᵀ.
		sigma := mat.NewDiagDense(k, nil)
		for j := range k {
			sigma.SetDiag(j, math.Exp(lv[i][j]))
		}
		var as, c mat.Dense
		as.Mul(tr.A, sigma)
		c.Mul(&as, tr.A.T())
		var lu mat.LU
		lu.Factorize(&c)
		ld, sign := lu.LogDet()
		if sign <= 0 {
			return h, fmt.Errorf("lessons: E2CObjectiveByHand: C of transition %d has determinant sign %v", i, sign)
		}
		lemma := 2 * tr.LogDetA()
		for j := range k {
			lemma += lv[i][j]
		}
		h.LogDetLU = append(h.LogDetLU, ld)
		h.LogDetLemma = append(h.LogDetLemma, lemma)
		s1 := make([]float64, k)
		for j := range s1 {
			s1[j] = math.Exp(lvN[i][j])
		}
		h.Trans += GaussKL(mh, &c, ld, muN[i], s1) / float64(n)
		h.Rec += BernoulliNLL(x[i], p[i]) / float64(n)
		h.KLPrior += KLToPrior(mu[i], lv[i]) / float64(n)
	}
	pn, err := m.Decode(zHat)
	if err != nil {
		return h, err
	}
	for i := range pn {
		h.Pred += BernoulliNLL(xNext[i], pn[i]) / float64(n)
	}
	h.Total = h.Rec + h.Pred + m.Config().Beta*h.KLPrior + m.Config().Lambda*h.Trans
	return h, nil
}

// affine returns A z + B u + o of the transition tr.
func affine(tr *e2c.Transition, z, u []float64) []float64 {
	var az, bu mat.VecDense
	az.MulVec(tr.A, mat.NewVecDense(len(z), slices.Clone(z)))
	bu.MulVec(tr.B, mat.NewVecDense(len(u), slices.Clone(u)))
	out := make([]float64, len(z))
	for j := range out {
		out[j] = az.AtVec(j) + bu.AtVec(j) + tr.O[j]
	}
	return out
}

// ---------------------------------------------------- live training

// E2CLive is the small set-up lesson 07 trains live in class: the planar
// set-up's task and latent dimension with one hidden layer of 32 units in
// each network, 1000 training transitions, 150 Adam steps of 32 at a
// learning rate of 10⁻³ (quick: 500 transitions and 80 steps).
func E2CLive(quick bool) E2CSetup {
	s := E2CPlanar(false)
	s.Samples, s.Steps, s.BatchSize, s.LearningRate = 1000, 150, 32, 1e-3
	s.Encoder, s.Decoder, s.Transition = []int{32}, []int{32}, []int{32}
	if quick {
		s.Samples, s.Steps = 500, 80
	}
	return s
}

// E2CTrainScenario trains E2CLive's small model from scratch, writing its
// progress lines to Progress.
type E2CTrainScenario struct {
	// Progress receives the trainer's progress lines (nil: none).
	Progress io.Writer
}

// E2CTrainOutcome is the live training run.
type E2CTrainOutcome struct {
	Setup E2CSetup
	// History holds the loss terms of every step.
	History []e2c.Losses
	// Seconds is the training time (data generation not included).
	Seconds float64
	Model   *e2c.Model
	quick   bool
}

// Run generates the data and trains.
func (c E2CTrainScenario) Run() (Outcome, error) {
	s := E2CLive(Quick())
	d, err := s.Data()
	if err != nil {
		return nil, err
	}
	t0 := time.Now()
	tr, err := s.Train(e2c.E2C, d, c.Progress)
	if err != nil {
		return nil, err
	}
	return &E2CTrainOutcome{Setup: s, History: tr.History, Seconds: time.Since(t0).Seconds(), Model: tr.Model, quick: Quick()}, nil
}

// Block averages the loss history over blocks of every steps.
func (o *E2CTrainOutcome) Block(every int) []e2c.Losses { return lossCurve(o.History, every) }

// Figures plots the loss terms against the step, averaged over blocks of
// 10 steps.
func (o *E2CTrainOutcome) Figures() ([]NamedFigure, error) {
	every := max(1, min(10, len(o.History)/10))
	f, err := curveFigure(QuickTitle(fmt.Sprintf("Small E2C model trained live (%d steps of %d)", len(o.History), o.Setup.BatchSize), o.quick),
		e2c.E2C, lossCurve(o.History, every), every)
	if err != nil {
		return nil, err
	}
	return []NamedFigure{{Name: "07-train-live", Figure: f}}, nil
}

// curveFigure plots the loss terms a model of kind trains on against the
// step (log scale), each point the mean over a block of every steps.
func curveFigure(title string, kind e2c.Kind, curve []e2c.Losses, every int) (*plotting.Figure, error) {
	if len(curve) == 0 {
		return nil, fmt.Errorf("lessons: %s: empty loss curve", title)
	}
	x := make([]float64, len(curve))
	pick := func(f func(e2c.Losses) float64) []float64 {
		y := make([]float64, len(curve))
		for i, l := range curve {
			y[i] = f(l)
		}
		return y
	}
	for i := range x {
		x[i] = float64(i*every) + float64(every)/2
	}
	series := []plotting.Series{
		{Name: "total", Y: pick(func(l e2c.Losses) float64 { return l.Total })},
		{Name: "rec. −log p(x|z)", Y: pick(func(l e2c.Losses) float64 { return l.Rec })},
	}
	switch kind {
	case e2c.E2C:
		series = append(series,
			plotting.Series{Name: "pred. −log p(x′|ẑ′)", Y: pick(func(l e2c.Losses) float64 { return l.Pred })},
			plotting.Series{Name: "KL prior", Y: pick(func(l e2c.Losses) float64 { return l.KLPrior })},
			plotting.Series{Name: "KL(q̂‖q)", Y: pick(func(l e2c.Losses) float64 { return l.Trans })})
	case e2c.VAE:
		series = append(series,
			plotting.Series{Name: "KL prior", Y: pick(func(l e2c.Losses) float64 { return l.KLPrior })},
			plotting.Series{Name: "KL(q̂‖q), on top", Y: pick(func(l e2c.Losses) float64 { return l.Trans })})
	default:
		series = append(series,
			plotting.Series{Name: "½‖ẑ′ − μ′‖²", Y: pick(func(l e2c.Losses) float64 { return l.Trans })})
	}
	// A log axis cannot show a term that is 0 (an untrained model's exact
	// zero, say): such a series is left out rather than failing the figure.
	kept := series[:0]
	for _, s := range series {
		if !slices.ContainsFunc(s.Y, func(v float64) bool { return !(v > 0) }) {
			kept = append(kept, s)
		}
	}
	return plotting.LinesLogY(title, "Adam step", "nats per transition", x, kept...)
}

// -------------------------------------------------- stored curves

// E2CCurvesScenario loads the stored full run's training curves.
type E2CCurvesScenario struct{}

// E2CRunsOutcome is the stored planar runs (E2C, VAE, AE) and their source.
type E2CRunsOutcome struct {
	Runs   []E2CRun
	Source Source
}

// Run loads the stored planar runs.
func (E2CCurvesScenario) Run() (Outcome, error) {
	runs, src, err := E2CPlanarRuns()
	if err != nil {
		return nil, err
	}
	return &E2CRunsOutcome{Runs: runs, Source: src}, nil
}

// Run returns the run of the given kind ("E2C", "VAE", "AE").
func (o *E2CRunsOutcome) Run(kind string) (E2CRun, error) {
	return findRun(o.Runs, kind)
}

// findRun returns the run of the given kind.
func findRun(runs []E2CRun, kind string) (E2CRun, error) {
	for _, r := range runs {
		if r.Kind == kind {
			return r, nil
		}
	}
	return E2CRun{}, fmt.Errorf("lessons: no %s run among the stored planar runs", kind)
}

// Figures plots each model's training curves, one panel per model.
func (o *E2CRunsOutcome) Figures() ([]NamedFigure, error) {
	var figs []*plotting.Figure
	for _, k := range []e2c.Kind{e2c.E2C, e2c.VAE, e2c.AE} {
		r, err := o.Run(k.String())
		if err != nil {
			return nil, err
		}
		f, err := curveFigure(r.Kind, k, r.Curve, r.CurveEvery)
		if err != nil {
			return nil, err
		}
		figs = append(figs, f)
	}
	f, err := plotting.Combine(QuickTitle("Training the planar models (stored full run)", o.Source.Quick), 3, figs...)
	if err != nil {
		return nil, err
	}
	return []NamedFigure{{Name: "07-train-stored", Figure: f.LegendOutside()}}, nil
}

// ---------------------------------------------------- latent space

// PCA2 projects the rows of z onto their first two principal components
// (centred; each component's sign chosen so that its largest loading is
// positive, for reproducible plots) and returns the projections and the
// fraction of the variance each component explains. Rows of length 1 or 2
// are returned centred, unrotated, with their fractions of the variance.
// It returns an error for fewer than 2 rows, rows of unequal length or a
// value that is not finite.
func PCA2(z [][]float64) ([][]float64, [2]float64, error) {
	var frac [2]float64
	if len(z) < 2 {
		return nil, frac, fmt.Errorf("lessons: PCA2: %d points, want ≥ 2", len(z))
	}
	k := len(z[0])
	if k < 1 {
		return nil, frac, errors.New("lessons: PCA2: empty rows")
	}
	X := mat.NewDense(len(z), k, nil)
	for i, r := range z {
		if len(r) != k {
			return nil, frac, fmt.Errorf("lessons: PCA2: row %d has length %d, want %d", i, len(r), k)
		}
		for j, v := range r {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, frac, fmt.Errorf("lessons: PCA2: z[%d][%d] = %v", i, j, v)
			}
		}
		X.SetRow(i, r)
	}
	means := make([]float64, k)
	for j := range k {
		means[j] = stat.Mean(mat.Col(nil, j, X), nil)
	}
	out := make([][]float64, len(z))
	if k <= 2 {
		tot, vars := 0.0, make([]float64, k)
		for j := range k {
			vars[j] = stat.Variance(mat.Col(nil, j, X), nil)
			tot += vars[j]
		}
		for j := range k {
			frac[j] = vars[j] / math.Max(tot, 1e-300)
		}
		for i, r := range z {
			out[i] = []float64{r[0] - means[0], 0}
			if k == 2 {
				out[i][1] = r[1] - means[1]
			}
		}
		return out, frac, nil
	}
	var pc stat.PC
	if !pc.PrincipalComponents(X, nil) {
		return nil, frac, errors.New("lessons: PCA2: the principal components did not converge")
	}
	var vecs mat.Dense
	pc.VectorsTo(&vecs)
	vars := pc.VarsTo(nil)
	tot := 0.0
	for _, v := range vars {
		tot += v
	}
	for c := range 2 {
		frac[c] = vars[c] / math.Max(tot, 1e-300)
		big := 0
		for j := range k {
			if math.Abs(vecs.At(j, c)) > math.Abs(vecs.At(big, c)) {
				big = j
			}
		}
		if vecs.At(big, c) < 0 {
			for j := range k {
				vecs.Set(j, c, -vecs.At(j, c))
			}
		}
	}
	for i, r := range z {
		out[i] = make([]float64, 2)
		for c := range 2 {
			for j := range k {
				out[i][c] += (r[j] - means[j]) * vecs.At(j, c)
			}
		}
	}
	return out, frac, nil
}

// LinearR2 fits the true states y by least squares as an affine function
// of the latents z, y ≈ W [z; 1], and returns R², 1 − Σ residual² / Σ (y −
// ȳ)², summed over the state's components: the fraction of the states'
// variance a linear read-out of z explains (1: the latent space holds the
// position linearly). Latent components that do not vary are ignored. It
// returns an error for fewer rows than unknowns,
// rows of unequal lengths or states without variance.
func LinearR2(z, y [][]float64) (float64, error) {
	n := len(z)
	if n == 0 || len(y) != n {
		return 0, fmt.Errorf("lessons: LinearR2: %d latents, %d states", n, len(y))
	}
	k, d := len(z[0]), len(y[0])
	if n <= k+1 || d == 0 {
		return 0, fmt.Errorf("lessons: LinearR2: %d rows for %d unknowns per component", n, k+1)
	}
	X := mat.NewDense(n, k+1, nil)
	Y := mat.NewDense(n, d, nil)
	for i := range n {
		if len(z[i]) != k || len(y[i]) != d {
			return 0, fmt.Errorf("lessons: LinearR2: row %d has lengths %d and %d, want %d and %d", i, len(z[i]), len(y[i]), k, d)
		}
		X.SetRow(i, append(slices.Clone(z[i]), 1))
		Y.SetRow(i, y[i])
	}
	// Least squares by the SVD, dropping directions with singular values
	// below 1e-12 of the largest: a latent component a model left unused
	// (constant over the data) makes X rank-deficient, and the fit then
	// ignores it instead of failing.
	var svd mat.SVD
	if !svd.Factorize(X, mat.SVDThin) {
		return 0, errors.New("lessons: LinearR2: the SVD of the latents failed")
	}
	var W, fit mat.Dense
	svd.SolveTo(&W, Y, svd.Rank(1e-12))
	fit.Mul(X, &W)
	res, tot := 0.0, 0.0
	for j := range d {
		col := mat.Col(nil, j, Y)
		mean := stat.Mean(col, nil)
		for i := range n {
			res += math.Pow(Y.At(i, j)-fit.At(i, j), 2)
			tot += math.Pow(col[i]-mean, 2)
		}
	}
	if !(tot > 0) {
		return 0, errors.New("lessons: LinearR2: the states do not vary")
	}
	return 1 - res/tot, nil
}

// E2CLatentScenario encodes held-out planar images with the shipped E2C
// model (live) and loads the stored VAE's and AE's encodings of the same
// images.
type E2CLatentScenario struct {
	// N is the number of held-out images encoded live (default 300, the
	// stored runs' number).
	N int
}

// E2CLatentOutcome holds the latent points of each model and the true
// positions behind them.
type E2CLatentOutcome struct {
	// Kinds are "E2C", "VAE", "AE"; Latent[i] and State[i] are that
	// model's encodings and the true positions.
	Kinds         []string
	Latent, State [][][]float64
	// Projected are the latents on their first two principal components
	// (themselves, centred, when the latent space is 2-D), Explained the
	// variance fractions of the two.
	Projected [][][]float64
	Explained [][2]float64
	// R2 is each model's LinearR2: how much of the true position a linear
	// map of its latent explains.
	R2     []float64
	Source Source
	Dim    int
}

// Run encodes and projects.
func (c E2CLatentScenario) Run() (Outcome, error) {
	if c.N == 0 {
		c.N = 300
	}
	if c.N < 2 {
		return nil, fmt.Errorf("lessons: E2CLatentScenario.N = %d, want ≥ 2", c.N)
	}
	m, src, err := E2CPlanarModel()
	if err != nil {
		return nil, err
	}
	runs, _, err := E2CPlanarRuns()
	if err != nil {
		return nil, err
	}
	held, err := E2CPlanar(false).heldOut(c.N)
	if err != nil {
		return nil, err
	}
	z, err := m.Encode(held.X)
	if err != nil {
		return nil, err
	}
	o := &E2CLatentOutcome{Kinds: []string{"E2C"}, Latent: [][][]float64{z}, State: [][][]float64{held.State}, Source: src, Dim: m.LatentDim()}
	for _, k := range []string{"VAE", "AE"} {
		r, err := findRun(runs, k)
		if err != nil {
			return nil, err
		}
		o.Kinds = append(o.Kinds, k)
		o.Latent = append(o.Latent, r.Latent)
		o.State = append(o.State, r.State)
	}
	for i, z := range o.Latent {
		p, f, err := PCA2(z)
		if err != nil {
			return nil, err
		}
		o.Projected = append(o.Projected, p)
		o.Explained = append(o.Explained, f)
		r2, err := LinearR2(z, o.State[i])
		if err != nil {
			return nil, fmt.Errorf("%s: %w", o.Kinds[i], err)
		}
		o.R2 = append(o.R2, r2)
	}
	return o, nil
}

// Figures draws each model's latent points coloured by the true x (top
// row) and y (bottom row), with a colour bar at the end of each row.
func (o *E2CLatentOutcome) Figures() ([]NamedFigure, error) {
	cols := len(o.Kinds) + 1
	plots := make([]*plot.Plot, 0, 2*cols)
	axis := "z"
	if o.Dim > 2 {
		axis = "PC"
	}
	for c, name := range []string{"x", "y"} {
		for i, k := range o.Kinds {
			p := plot.New()
			if c == 0 {
				p.Title.Text = k
			}
			p.X.Label.Text = axis + "₁"
			p.Y.Label.Text = axis + "₂"
			if err := latentScatter(p, o.Projected[i], o.State[i], c); err != nil {
				return nil, fmt.Errorf("%s: %w", k, err)
			}
			plots = append(plots, p)
		}
		plots = append(plots, colourBar(fmt.Sprintf("true %s (m)", name)))
	}
	title := fmt.Sprintf("Latent spaces (%d-D) of held-out images, colour: true x (top), y (bottom)", o.Dim)
	if o.Dim > 2 {
		title = fmt.Sprintf("Latent spaces (%d-D: 2 PCs), colour: true x (top), y (bottom)", o.Dim)
	}
	f, err := plotting.Grid(title, 2, cols, plots...)
	if err != nil {
		return nil, err
	}
	return []NamedFigure{{Name: "07-latent", Figure: f}}, nil
}

// latentWorld is the colour scale of the latent plots: the planar World.
const latentWorldMin, latentWorldMax = -2.0, 2.0

// latentScatter adds the points pts coloured by component c of the true
// states.
func latentScatter(p *plot.Plot, pts, states [][]float64, c int) error {
	if len(pts) != len(states) {
		return fmt.Errorf("%d latent points, %d states", len(pts), len(states))
	}
	xy := make(plotter.XYs, len(pts))
	for i, q := range pts {
		xy[i].X, xy[i].Y = q[0], q[1]
	}
	s, err := plotter.NewScatter(xy)
	if err != nil {
		return err
	}
	cm := moreland.SmoothBlueRed()
	cm.SetMin(latentWorldMin)
	cm.SetMax(latentWorldMax)
	s.GlyphStyleFunc = func(i int) draw.GlyphStyle {
		v := math.Max(latentWorldMin, math.Min(latentWorldMax, states[i][c]))
		col, err := cm.At(v)
		if err != nil {
			col = color.Black
		}
		return draw.GlyphStyle{Color: col, Radius: vg.Points(2), Shape: draw.CircleGlyph{}}
	}
	p.Add(s)
	return nil
}

// colourBar is a vertical colour bar over the planar World with label.
func colourBar(label string) *plot.Plot {
	cm := moreland.SmoothBlueRed()
	cm.SetMin(latentWorldMin)
	cm.SetMax(latentWorldMax)
	p := plot.New()
	p.Add(&plotter.ColorBar{ColorMap: cm, Vertical: true})
	p.HideX()
	p.Y.Label.Text = label
	return p
}

// ------------------------------------------------ multi-step predictions

// E2CPredictionScenario applies one action sequence from a held-out start
// to the true planar system (rendered frames) and to the shipped model
// (encode the first image once, roll Next forward, Decode).
type E2CPredictionScenario struct {
	// Steps is the number of predicted steps k (default 8).
	Steps int
}

// E2CPredictionOutcome holds the true and the predicted frames.
type E2CPredictionOutcome struct {
	// Start is the true start position, U the actions.
	Start []float64
	U     [][]float64
	// States are the true positions x_0 … x_K; True their images,
	// Decoded the model's images Decode(ẑ_k) (k = 0: the reconstruction).
	States        [][]float64
	True, Decoded [][]float64
	// DecodedPos is the centroid of the agent in each decoded image (m),
	// PosErr its distance from the true position.
	DecodedPos [][]float64
	PosErr     []float64
	W, H       int
	Source     Source
}

// E2CPredictionActions is the lesson's action sequence: right at full
// speed, then up, k steps in all (half each).
func E2CPredictionActions(k int, speed float64) [][]float64 {
	u := make([][]float64, k)
	for i := range u {
		if i < k/2 {
			u[i] = []float64{speed, 0}
		} else {
			u[i] = []float64{0, speed}
		}
	}
	return u
}

// E2CPredictionStart is the start of lesson 07's multi-step predictions,
// (−0.5, 0.5) m: room to move right and then up without touching an
// obstacle.
func E2CPredictionStart() []float64 { return []float64{-0.5, 0.5} }

// Run predicts from E2CPredictionStart with E2CPredictionActions.
func (c E2CPredictionScenario) Run() (Outcome, error) {
	if c.Steps == 0 {
		c.Steps = 8
	}
	if c.Steps < 1 || c.Steps > 40 {
		return nil, fmt.Errorf("lessons: E2CPredictionScenario.Steps = %d, want 1 to 40", c.Steps)
	}
	m, src, err := E2CPlanarModel()
	if err != nil {
		return nil, err
	}
	t, err := E2CPlanar(false).Task()
	if err != nil {
		return nil, err
	}
	sys, ok := t.Sys.(*system.Planar)
	if !ok {
		return nil, fmt.Errorf("lessons: the planar task's system is a %T", t.Sys)
	}
	o := &E2CPredictionOutcome{Start: E2CPredictionStart(), U: E2CPredictionActions(c.Steps, sys.MaxSpeed), W: t.Width, H: t.Height, Source: src}
	x := slices.Clone(o.Start)
	o.States = [][]float64{slices.Clone(x)}
	for _, u := range o.U {
		nx := make([]float64, 2)
		if err := sys.Step(nx, x, u); err != nil {
			return nil, err
		}
		x = nx
		o.States = append(o.States, slices.Clone(x))
	}
	for i, s := range o.States {
		img, err := t.Observe(s, s)
		if err != nil {
			return nil, fmt.Errorf("lessons: rendering step %d: %w", i, err)
		}
		o.True = append(o.True, img)
	}
	z0, err := m.Encode(o.True[:1])
	if err != nil {
		return nil, err
	}
	zs := [][]float64{z0[0]}
	for _, u := range o.U {
		nz, err := m.Next(zs[len(zs)-1], u)
		if err != nil {
			return nil, err
		}
		zs = append(zs, nz)
	}
	if o.Decoded, err = m.Decode(zs); err != nil {
		return nil, err
	}
	for k, img := range o.Decoded {
		p := AgentCentroid(img, t.Width, t.Height, sys.World)
		o.DecodedPos = append(o.DecodedPos, p)
		o.PosErr = append(o.PosErr, math.Hypot(p[0]-o.States[k][0], p[1]-o.States[k][1]))
	}
	return o, nil
}

// Figures shows the true frames (top) above the decoded predictions.
func (o *E2CPredictionOutcome) Figures() ([]NamedFigure, error) {
	var ims []plotting.Image
	for k, img := range o.True {
		ims = append(ims, plotting.Image{Title: fmt.Sprintf("k = %d", k), W: o.W, H: o.H, Pix: img})
	}
	for k, img := range o.Decoded {
		ims = append(ims, plotting.Image{Title: fmt.Sprintf("model %d", k), W: o.W, H: o.H, Pix: clamp01(img)})
	}
	f, err := plotting.ImageGrid("True frames (top), decoded latent predictions (bottom)", len(o.True), ims...)
	if err != nil {
		return nil, err
	}
	return []NamedFigure{{Name: "07-predictions", Figure: f}}, nil
}

// clamp01 returns p with every value clamped into [0, 1].
func clamp01(p []float64) []float64 {
	out := make([]float64, len(p))
	for i, v := range p {
		out[i] = math.Max(0, math.Min(1, v))
	}
	return out
}

// AgentCentroid returns the planar agent's position (m) seen in a w×h
// image over world: the mean position of the pixels brighter than 0.75
// (the agent is white, obstacles 0.5 gray), weighted by brightness, or the
// brightest pixel's centre when none is.
func AgentCentroid(img []float64, w, h int, world system.Rect) []float64 {
	sx, sy, sw := 0.0, 0.0, 0.0
	best, bi := -1.0, 0
	for i, v := range img {
		if v > best {
			best, bi = v, i
		}
		if v > 0.75 {
			sx += v * float64(i%w)
			sy += v * float64(i/w)
			sw += v
		}
	}
	cx, cy := float64(bi%w), float64(bi/w)
	if sw > 0 {
		cx, cy = sx/sw, sy/sw
	}
	return []float64{
		world.XMin + (cx+0.5)*(world.XMax-world.XMin)/float64(w),
		world.YMax - (cy+0.5)*(world.YMax-world.YMin)/float64(h),
	}
}

// ----------------------------------------------------- planning

// E2CEpisodeScenario runs one closed-loop episode of the planar task from
// images with the shipped model.
type E2CEpisodeScenario struct {
	// Start is the index of the set-up's start (default 0).
	Start int
}

// E2CEpisodeOutcome is the episode, with the first plan decoded.
type E2CEpisodeOutcome struct {
	Task    *e2c.Task
	Episode *e2c.Episode
	// Success and FinalDistance judge the episode (m).
	Success       bool
	FinalDistance float64
	// PlanPos are the positions of the agent in the decoded images of the
	// first plan's predicted latents (AgentCentroid).
	PlanPos [][]float64
	Seconds float64
	Source  Source
}

// Run plays the episode.
func (c E2CEpisodeScenario) Run() (Outcome, error) {
	m, src, err := E2CPlanarModel()
	if err != nil {
		return nil, err
	}
	s := E2CPlanar(false)
	t, err := s.Task()
	if err != nil {
		return nil, err
	}
	starts, err := t.Starts(s.Starts, s.StartSeed)
	if err != nil {
		return nil, err
	}
	if c.Start < 0 || c.Start >= len(starts) {
		return nil, fmt.Errorf("lessons: E2CEpisodeScenario.Start = %d, want 0 to %d", c.Start, len(starts)-1)
	}
	t0 := time.Now()
	ep, err := e2c.RunTask(m, t, starts[c.Start], s.PlanConfig())
	if err != nil {
		return nil, err
	}
	o := &E2CEpisodeOutcome{Task: t, Episode: ep, Seconds: time.Since(t0).Seconds(), Source: src}
	if o.Success, err = t.Success(ep.X); err != nil {
		return nil, err
	}
	if o.FinalDistance, err = t.Distance(ep.X[len(ep.X)-1]); err != nil {
		return nil, err
	}
	if len(ep.Planned) > 0 && ep.Planned[0] != nil {
		imgs, err := m.Decode(ep.Planned[0])
		if err != nil {
			return nil, err
		}
		sys := t.Sys.(*system.Planar)
		for _, img := range imgs {
			o.PlanPos = append(o.PlanPos, AgentCentroid(img, t.Width, t.Height, sys.World))
		}
	}
	return o, nil
}

// Figures draws the executed true path and the first plan, decoded, on
// the field with the obstacles.
func (o *E2CEpisodeOutcome) Figures() ([]NamedFigure, error) {
	sys, ok := o.Task.Sys.(*system.Planar)
	if !ok {
		return nil, fmt.Errorf("lessons: the planar task's system is a %T", o.Task.Sys)
	}
	ex := plotting.Path{Name: "executed (true positions)"}
	for _, x := range o.Episode.X {
		ex.X, ex.Y = append(ex.X, x[0]), append(ex.Y, x[1])
	}
	sc := plotting.Scene{Paths: []plotting.Path{ex}, Goals: []plotting.Point{{X: o.Task.Goal[0], Y: o.Task.Goal[1]}}, EqualAspect: true}
	if len(o.PlanPos) > 0 {
		pl := plotting.Path{Name: "first plan (decoded latents)"}
		for _, p := range o.PlanPos {
			pl.X, pl.Y = append(pl.X, p[0]), append(pl.Y, p[1])
		}
		sc.Paths = append(sc.Paths, pl)
	}
	for _, c := range sys.Obstacles {
		sc.Obstacles = append(sc.Obstacles, plotting.Circle{X: c.X, Y: c.Y, R: c.R})
	}
	verdict := "missed"
	if o.Success {
		verdict = "reached"
	}
	f, err := plotting.Trajectories(fmt.Sprintf("Latent iLQR from images: %s, %.2f m from the goal", verdict, o.FinalDistance),
		"x (m)", "y (m)", sc)
	if err != nil {
		return nil, err
	}
	w := sys.World
	if err := f.XRange(0, w.XMin, w.XMax); err != nil {
		return nil, err
	}
	if err := f.YRange(0, w.YMin, w.YMax); err != nil {
		return nil, err
	}
	return []NamedFigure{{Name: "07-plan", Figure: f.LegendOutside()}}, nil
}

// E2CSuccessScenario evaluates the shipped model live on the first starts
// of the set-up and sets it beside the stored runs' success rates.
type E2CSuccessScenario struct {
	// Starts is the number of the set-up's starts evaluated live (default
	// 16, a third of the 48 of the stored evaluation, about 10 s on 2
	// cores; quick 4).
	Starts int
}

// E2CSuccessOutcome is the live evaluation and the stored rates.
type E2CSuccessOutcome struct {
	// Live is the shipped model's evaluation on the first starts; Seconds
	// its time.
	Live    *e2c.Evaluation
	Seconds float64
	// Runs are the stored runs (E2C, VAE, AE) on all the set-up's starts.
	Runs   []E2CRun
	Source Source
	// StoredAgree says whether the live successes equal the stored E2C
	// run's on the same starts.
	StoredAgree bool
	quick       bool
}

// Run evaluates.
func (c E2CSuccessScenario) Run() (Outcome, error) {
	s := E2CPlanar(false)
	if c.Starts == 0 {
		c.Starts = min(16, s.Starts)
		if Quick() {
			c.Starts = min(4, s.Starts)
		}
	}
	if c.Starts < 1 || c.Starts > s.Starts {
		return nil, fmt.Errorf("lessons: E2CSuccessScenario.Starts = %d, want 1 to %d", c.Starts, s.Starts)
	}
	m, src, err := E2CPlanarModel()
	if err != nil {
		return nil, err
	}
	runs, _, err := E2CPlanarRuns()
	if err != nil {
		return nil, err
	}
	t, err := s.Task()
	if err != nil {
		return nil, err
	}
	starts, err := t.Starts(c.Starts, s.StartSeed)
	if err != nil {
		return nil, err
	}
	t0 := time.Now()
	ev, err := e2c.EvaluateTask(m, t, starts, s.PlanConfig())
	if err != nil {
		return nil, err
	}
	o := &E2CSuccessOutcome{Live: ev, Seconds: time.Since(t0).Seconds(), Runs: runs, Source: src, quick: Quick()}
	if r, err := findRun(runs, "E2C"); err == nil && len(r.Successes) >= len(ev.Successes) {
		o.StoredAgree = slices.Equal(r.Successes[:len(ev.Successes)], ev.Successes)
	}
	return o, nil
}

// Table is the success-rate table: the live evaluation and the stored runs.
func (o *E2CSuccessOutcome) Table() string {
	var b []byte
	b = fmt.Appendf(b, "%-28s %8s %10s %12s\n", "model", "starts", "success", "mean cost")
	b = fmt.Appendf(b, "%-28s %8d %9.0f%% %12.1f\n", "E2C (shipped, live)", len(o.Live.Successes), 100*o.Live.SuccessRate, o.Live.MeanCost)
	for _, r := range o.Runs {
		b = fmt.Appendf(b, "%-28s %8d %9.0f%% %12.1f\n", r.Kind+" (stored run)", len(r.Successes), 100*r.SuccessRate, r.MeanCost)
	}
	return string(b)
}

// Figures draws the success rates as bars.
func (o *E2CSuccessOutcome) Figures() ([]NamedFigure, error) {
	vals := plotter.Values{100 * o.Live.SuccessRate}
	names := []string{fmt.Sprintf("E2C live (%d)", len(o.Live.Successes))}
	for _, r := range o.Runs {
		vals = append(vals, 100*r.SuccessRate)
		names = append(names, fmt.Sprintf("%s stored (%d)", r.Kind, len(r.Successes)))
	}
	p := plot.New()
	p.Title.Text = QuickTitle("Success from images (starts in brackets)", o.quick)
	p.Y.Label.Text = "success rate (%)"
	p.X.Label.Text = "model"
	bars, err := plotter.NewBarChart(vals, vg.Points(40))
	if err != nil {
		return nil, err
	}
	bars.Color = plotting.Color(0)
	bars.LineStyle.Width = 0
	p.Add(bars)
	p.NominalX(names...)
	p.Y.Min, p.Y.Max = 0, 105
	f := plotting.FromPlot(p)
	if err := f.HLine(0, 90, "90%"); err != nil {
		return nil, err
	}
	return []NamedFigure{{Name: "07-success", Figure: f}}, nil
}
