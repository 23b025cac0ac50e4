"""Lesson 07 — Embed to Control. Builds notebooks/07-embed-to-control.ipynb."""
from nbgen import code, exercise, md, write

md(r"""
# Lesson 07 — Embed to Control: optimal control from raw images

The lecture ends with **Embed to Control** (E2C; Watter, Springenberg, Boedecker & Riedmiller 2015). Everything so far
assumed that we see the state $x$. Here the controller sees only **images** $x_t$ (pixels), and iLQR needs a model in which
the dynamics are locally linear. E2C learns a low-dimensional **latent space** whose points $z$ must

1. reconstruct the image they came from,
2. predict the next latent point, and through it the next image,
3. do so with a **locally linear** model $\hat z_{t+1} = A_t z_t + B_t u_t + o_t$,

so that iLQR can plan in it (lessons 01–03) with $A(z), B(z), o(z)$ and a quadratic cost to the goal image's latent point.

The plan:

1. the model and the settings of the runs;
2. the data: image transitions of the planar task and of the pendulum;
3. **the objective, term by term, on one batch**, each term a cell, checked against the library's loss;
4. training: a small model live, and the stored full runs (E2C and the VAE and AE baselines);
5. the latent space, coloured by the true position;
6. multi-step predictions, decoded, beside the real frames;
7. planning from images: one closed-loop episode, and success rates against the baselines;
8. the pendulum from images;
9. an exercise.

**Stored runs.** Training the full planar models (E2C, VAE, AE) and the pendulum model takes longer than a class, so they are
stored full runs made by `make results` (the next cells print where each result came from); the trained planar E2C model
ships inside the stored result and the lesson loads it. What runs live: the objective on a batch, a small model's training,
the encodings, predictions, one episode and part of the evaluation. `%env RLCONTROL_QUICK=1` (commented out in the next
cell) shortens the live parts.

**Controls.** Section 4 has a panel with two controls: **λ**, the weight of the transition term, and the **latent
dimension**; each move retrains the small live model and redraws its loss terms. Press *Done* to keep the last figure.
""")

code(r"""
// %env RLCONTROL_QUICK=1

import (
	"fmt"
	"math"
	"os"
	"slices"

	"github.com/rlcontrol/rlcontrol/lessons"
	"github.com/rlcontrol/rlcontrol/live"
	"github.com/rlcontrol/rlcontrol/rl/e2c"
	"github.com/rlcontrol/rlcontrol/rl/system"
	"gonum.org/v1/gonum/mat"
)

// must returns v, or stops the cell with err's message.
func must[T any](v T, err error) T { lessons.Check(err); return v }
func must2[A, B any](a A, b B, err error) (A, B) {
	lessons.Check(err)
	return a, b
}
""")

md(r"""
## 1. The model

* an **encoder** maps an image to a Gaussian $q(z \mid x) = \mathcal N(\mu, \operatorname{diag}\sigma^2)$;
* a **transition network** $h(z)$ gives, at each latent point, $v, r, B, o$ with $A = I + v r^\top$ (a rank-one change of the
  identity: few parameters, and a determinant in closed form);
* a **decoder** maps a latent point to a Bernoulli image: one probability per pixel.

The planar task (the paper's): an agent, a disc, moves with velocity $u$ among six obstacles on a field seen from above as
a small image; the goal is a fixed position. The paper's planar latent space has two dimensions; the stored run's has the
number printed below. Its settings:
""")

code(r"""
%%
s := lessons.E2CPlanar(false)
m, src := must2(lessons.E2CPlanarModel())
fmt.Println(src)
c := m.Config()
fmt.Printf("images %d×%d, latent dimension %d, hidden layers: encoder %v, decoder %v, transition %v (ReLU), λ = %g, β = %g\n",
	c.Width, c.Height, c.Latent, c.EncoderHidden, c.DecoderHidden, c.TransitionHidden, c.Lambda, c.Beta)
fmt.Printf("training: %d transitions, %d Adam steps of %d, learning rate %g decaying to %g; %d parameters\n",
	s.Samples, s.Steps, s.BatchSize, s.LearningRate, s.FinalLearningRate, m.NumParams())
fmt.Printf("evaluation: %d random starts, planner horizon %d, Q = %g, R = %g\n", s.Starts, s.Horizon, s.Q, s.R)
task := must(s.Task())
sys := task.Sys.(*system.Planar)
fmt.Printf("task: %d obstacles, agent radius %.1f m, goal (%.1f, %.1f) m, %d steps of at most %.1f m/s along each axis\n",
	len(sys.Obstacles), sys.AgentRadius, task.Goal[0], task.Goal[1], task.T, sys.MaxSpeed)
""")

md(r"""
## 2. The data

A transition is $(x_t, u_t, x_{t+1})$: an image, an action, the next image. The planar images show the agent (white) and
the obstacles (gray); a pendulum image is **two stacked frames** (the previous and the current), since one frame shows
the angle but not the velocity. The true states are kept beside the images **for evaluation only**: the model never sees
them. The figure shows three transitions of each task (for the pendulum, the newest frame of $x_t$ and of $x_{t+1}$).
""")

code(r"""
%%
out := must(lessons.E2CDataScenario{}.Run()).(*lessons.E2CDataOutcome)
for i, st := range out.Planar.State {
	fmt.Printf("planar %d: x = (%.2f, %.2f) m, u = (%.2f, %.2f) m/s → (%.2f, %.2f) m\n", i, st[0], st[1],
		out.Planar.U[i][0], out.Planar.U[i][1], out.Planar.StateNext[i][0], out.Planar.StateNext[i][1])
}
for i, st := range out.Pendulum.State {
	fmt.Printf("pendulum %d: θ = %.2f rad, θ̇ = %.2f rad/s, τ = %.2f N·m → θ = %.2f rad\n", i, st[0], st[1],
		out.Pendulum.U[i][0], out.Pendulum.StateNext[i][0])
}
fmt.Printf("image sizes: planar %d×%d×%d, pendulum %d×%d×%d (width×height×frames)\n", out.Planar.Width, out.Planar.Height,
	out.Planar.Frames, out.Pendulum.Width, out.Pendulum.Height, out.Pendulum.Frames)
lessons.ShowFigures(out.Figures())
""")

md(r"""
## 3. The objective, term by term

For one transition the E2C loss is

$$L = \underbrace{-\log p(x_t \mid z_t)}_{\text{reconstruction}} \;\underbrace{-\log p(x_{t+1} \mid \hat z_{t+1})}_{\text{prediction}}
\;+\; \beta\,\underbrace{\mathrm{KL}\big(q(z_t \mid x_t)\,\|\,\mathcal N(0, I)\big)}_{\text{prior}}
\;+\; \lambda\,\underbrace{\mathrm{KL}\big(\hat q(\hat z_{t+1} \mid z_t, u_t)\,\|\,q(z_{t+1} \mid x_{t+1})\big)}_{\text{transition}},$$

with $z_t = \mu_t + \sigma_t \odot \varepsilon$ one reparameterised sample. The paper's bound has $\beta = 1$; this
project's planar model uses $\beta = 0.1$ (printed in section 1): the prior then pulls the codes less hard into its unit
ball, so the map of the square field can stay flat instead of curling up inside it, and distances between codes keep
following distances on the field, which the planner relies on (section 5 measures how flat the map is). We compute every term in plain Go on **one batch**
of held-out planar transitions with the shipped model, and at the end compare the sum with the library's
`Model.TermsWithNoise`, which computes the same loss in one GoMLX graph (the one training differentiates).

### Encode and sample

The encoder gives $\mu$ and $\log\sigma^2$; with noise $\varepsilon \sim \mathcal N(0, I)$ (drawn once, `e2c.Noise`),
$z = \mu + \sigma\odot\varepsilon$. Writing the sample this way makes $z$ a differentiable function of the encoder's outputs.
""")

code(r"""
// batch returns the shipped model and one batch: 32 held-out planar
// transitions with the noise ε of their samples (seed 1).
func batch() (*e2c.Model, *lessons.E2CBatch) {
	m, _ := must2(lessons.E2CPlanarModel())
	return m, must(lessons.E2CObjectiveBatch(32, m.LatentDim(), 1))
}

// encode returns the mean and log-variance of q(z|x) and the sample
// z = μ + σ ⊙ ε of every image.
func encode(m *e2c.Model, x, eps [][]float64) (mu, logVar, z [][]float64) {
	mu, logVar = must2(m.EncodeDist(x))
	for i := range mu {
		zi := make([]float64, len(mu[i]))
		for j := range zi {
			zi[j] = mu[i][j] + math.Exp(logVar[i][j]/2)*eps[i][j]
		}
		z = append(z, zi)
	}
	return mu, logVar, z
}

%%
m, b := batch()
mu, logVar, z := encode(m, b.X, b.Eps)
fmt.Printf("%d transitions, images of %d pixels, latent dimension %d\n", len(b.X), len(b.X[0]), m.LatentDim())
fmt.Printf("first image (agent at (%.2f, %.2f) m):\n  μ      = %.3f\n  log σ² = %.3f\n  ε      = %.3f\n  z      = %.3f\n",
	b.State[0][0], b.State[0][1], mu[0], logVar[0], b.Eps[0], z[0])
""")

md(r"""
### Reconstruction: $-\log p(x_t \mid z_t)$

The decoder gives a probability $p_i$ for each pixel; the image's negative log-likelihood under independent Bernoulli pixels is

$$-\log p(x \mid z) = -\sum_i \big[x_i \log p_i + (1 - x_i)\log(1 - p_i)\big],$$

in nats per image (the gray obstacle pixels, $x_i = 0.5$, cost at least $\log 2$ each whatever $p_i$: the loss has a floor).
""")

code(r"""
// bernoulliNLL is −log p(x | p) = −Σ_i [x_i log p_i + (1 − x_i) log(1 − p_i)].
func bernoulliNLL(x, p []float64) float64 {
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

// meanNLL is the batch mean of −log p(x | z) with the decoder's p at z.
func meanNLL(m *e2c.Model, x, z [][]float64) float64 {
	p := must(m.Decode(z))
	s := 0.0
	for i := range x {
		s += bernoulliNLL(x[i], p[i])
	}
	return s / float64(len(x))
}

%%
m, b := batch()
_, _, z := encode(m, b.X, b.Eps)
rec := meanNLL(m, b.X, z)
fmt.Printf("reconstruction −log p(x_t | z_t) = %.2f nats per image, %.4f per pixel\n", rec, rec/float64(len(b.X[0])))
fmt.Printf("for scale: a decoder that says p = ½ everywhere costs %.1f nats per image\n", float64(len(b.X[0]))*math.Ln2)
gray := 0
for _, v := range b.X[0] {
	if v == 0.5 {
		gray++
	}
}
fmt.Printf("the first image has %d obstacle pixels (x = 0.5): a floor of %d·log 2 = %.1f nats that no decoder goes below\n", gray, gray, float64(gray)*math.Ln2)
""")

md(r"""
### Transition and prediction: $-\log p(x_{t+1} \mid \hat z_{t+1})$

At the sample $z_t$ the transition network gives $v, r, B, o$ (`TransitionAt`), and the model's prediction is

$$\hat z_{t+1} = A_t z_t + B_t u_t + o_t, \qquad A_t = I + v_t r_t^\top .$$

Decoding $\hat z_{t+1}$ must give the next image: the same Bernoulli loss, now against $x_{t+1}$.
""")

code(r"""
// predict returns ẑ_{t+1} = A z + B u + o of every transition, with A, B
// and o from the transition network at z.
func predict(m *e2c.Model, z, u [][]float64) [][]float64 {
	out := make([][]float64, len(z))
	for i := range z {
		tr := must(m.TransitionAt(z[i]))
		var az, bu mat.VecDense
		az.MulVec(tr.A, mat.NewVecDense(len(z[i]), slices.Clone(z[i])))
		bu.MulVec(tr.B, mat.NewVecDense(len(u[i]), slices.Clone(u[i])))
		out[i] = make([]float64, len(z[i]))
		for j := range out[i] {
			out[i][j] = az.AtVec(j) + bu.AtVec(j) + tr.O[j]
		}
	}
	return out
}

%%
m, b := batch()
_, _, z := encode(m, b.X, b.Eps)
tr := must(m.TransitionAt(z[0]))
k := m.LatentDim()
var vr mat.Dense
vr.Outer(1, mat.NewVecDense(k, slices.Clone(tr.V)), mat.NewVecDense(k, slices.Clone(tr.R)))
worst := 0.0
for i := range k {
	for j := range k {
		id := 0.0
		if i == j {
			id = 1
		}
		worst = math.Max(worst, math.Abs(tr.A.At(i, j)-(id+vr.At(i, j))))
	}
}
fmt.Printf("first transition: max |A − (I + v rᵀ)| = %.1e; B (%d×%d) =\n%.3f\n", worst, k, m.ActionDim(), mat.Formatted(tr.B, mat.Squeeze()))
pred := meanNLL(m, b.XNext, predict(m, z, b.U))
fmt.Printf("prediction −log p(x_{t+1} | ẑ_{t+1}) = %.2f nats per image\n", pred)
""")

md(r"""
### The KL to the prior

As in a VAE, $q(z \mid x)$ is pulled toward $\mathcal N(0, I)$, which keeps the latent space at a known scale (the planner's
$Q$ is set in these units). For diagonal Gaussians it is a closed form:

$$\mathrm{KL}\big(\mathcal N(\mu, \operatorname{diag}\sigma^2)\,\|\,\mathcal N(0, I)\big) = \tfrac12 \sum_j \big(\mu_j^2 + \sigma_j^2 - 1 - \log\sigma_j^2\big).$$
""")

code(r"""
// klPrior is KL(N(μ, diag σ²) ‖ N(0, I)) = ½ Σ_j (μ_j² + σ_j² − 1 − log σ_j²).
func klPrior(mu, logVar []float64) float64 {
	s := 0.0
	for j := range mu {
		s += mu[j]*mu[j] + math.Exp(logVar[j]) - 1 - logVar[j]
	}
	return s / 2
}

%%
m, b := batch()
mu, logVar, _ := encode(m, b.X, b.Eps)
s := 0.0
for i := range mu {
	s += klPrior(mu[i], logVar[i]) / float64(len(mu))
}
fmt.Printf("KL(q(z_t | x_t) ‖ N(0, I)) = %.3f nats (batch mean)\n", s)
""")

md(r"""
### The transition KL, and log det C by the determinant lemma

Pushing $q(z_t \mid x_t) = \mathcal N(\mu_t, \Sigma_t)$ through the local linear model gives the Gaussian
$\hat q(\hat z_{t+1} \mid z_t, u_t) = \mathcal N(A_t\mu_t + B_t u_t + o_t,\; C_t = A_t \Sigma_t A_t^\top)$. E2C asks it to agree with
the encoding of the next image, $q(z_{t+1} \mid x_{t+1}) = \mathcal N(\mu', \operatorname{diag}\sigma'^2)$:

$$\mathrm{KL}(\hat q\,\|\,q) = \tfrac12\Big[\operatorname{tr}(\Sigma'^{-1}C) + (\mu' - \hat m)^\top\Sigma'^{-1}(\mu' - \hat m) - k
+ \log\det\Sigma' - \log\det C\Big].$$

The log-determinant needs no factorisation: $\det C = \det(A)^2\det\Sigma$ and, by the matrix determinant lemma,
$\det(I + v r^\top) = 1 + r^\top v$, so

$$\log\det C = \sum_j \log\sigma_j^2 + 2\log\lvert 1 + v^\top r\rvert .$$

The cell builds $C$ with gonum, takes $\log\det C$ by LU, and checks the lemma on every transition of the batch.
""")

code(r"""
// klTransition returns KL(q̂ ‖ q) of one transition, q̂ = N(A μ + B u + o,
// C = A Σ Aᵀ) with A, B, o of tr and q = N(μ', diag σ'²), and log det C by
// LU and by the determinant lemma.
func klTransition(tr *e2c.Transition, mu, logVar, u, muNext, logVarNext []float64) (kl, logDetLU, logDetLemma float64) {
	k := len(mu)
	sigma := mat.NewDiagDense(k, nil)
	vr := 0.0
	for j := range k {
		sigma.SetDiag(j, math.Exp(logVar[j]))
		vr += tr.V[j] * tr.R[j]
		logDetLemma += logVar[j]
	}
	logDetLemma += 2 * math.Log(math.Abs(1+vr))
	var as, C mat.Dense
	as.Mul(tr.A, sigma)
	C.Mul(&as, tr.A.T()) // C = A Σ Aᵀ
	var lu mat.LU
	lu.Factorize(&C)
	logDetLU, _ = lu.LogDet()
	var am, bu mat.VecDense // the mean m̂ = A μ + B u + o
	am.MulVec(tr.A, mat.NewVecDense(k, slices.Clone(mu)))
	bu.MulVec(tr.B, mat.NewVecDense(len(u), slices.Clone(u)))
	kl = -float64(k) - logDetLU
	for j := range k {
		d := muNext[j] - (am.AtVec(j) + bu.AtVec(j) + tr.O[j])
		kl += (C.At(j, j)+d*d)/math.Exp(logVarNext[j]) + logVarNext[j]
	}
	return kl / 2, logDetLU, logDetLemma
}

%%
m, b := batch()
mu, logVar, z := encode(m, b.X, b.Eps)
muN, logVarN := must2(m.EncodeDist(b.XNext))
trans, worst := 0.0, 0.0
for i := range z {
	kl, lu, lemma := klTransition(must(m.TransitionAt(z[i])), mu[i], logVar[i], b.U[i], muN[i], logVarN[i])
	trans += kl / float64(len(z))
	worst = math.Max(worst, math.Abs(lu-lemma))
}
fmt.Printf("log det C by LU and by the lemma: largest difference over the batch %.1e\n", worst)
lessons.Assert(worst < 1e-9, "the determinant lemma gives LU's log det C (to 1e-9)")
fmt.Printf("KL(q̂(ẑ_{t+1} | z_t, u_t) ‖ q(z_{t+1} | x_{t+1})) = %.4f nats (batch mean)\n", trans)
""")

md(r"""
### The sum, against the library

With the model's $\beta$ and $\lambda$ the four terms add up to the loss; the library computes the same in one graph, from the decoder's
logits $\ell$ ($-\log p = \operatorname{softplus}(\ell) - x\ell$) where we took the log of $p = \operatorname{sigmoid}(\ell)$,
which rounds a little where $p$ is close to 0 or 1. So we ask for agreement to a relative $10^{-6}$, far above that rounding
and far below any mistake in a term.
""")

code(r"""
%%
m, b := batch()
mu, logVar, z := encode(m, b.X, b.Eps)
muN, logVarN := must2(m.EncodeDist(b.XNext))
n := float64(len(z))
var klp, trans float64
for i := range z {
	klp += klPrior(mu[i], logVar[i]) / n
	kl, _, _ := klTransition(must(m.TransitionAt(z[i])), mu[i], logVar[i], b.U[i], muN[i], logVarN[i])
	trans += kl / n
}
rec, pred := meanNLL(m, b.X, z), meanNLL(m, b.XNext, predict(m, z, b.U))
beta, lambda := m.Config().Beta, m.Config().Lambda
total := rec + pred + beta*klp + lambda*trans
lib := must(m.TermsWithNoise(b.X, b.U, b.XNext, b.Eps))
fmt.Printf("%-24s %14s %14s %10s\n", "term", "by hand", "library", "rel. diff")
worst := 0.0
for _, r := range []struct {
	name      string
	hand, lib float64
}{{"reconstruction", rec, lib.Rec}, {"prediction", pred, lib.Pred}, {"KL prior", klp, lib.KLPrior},
	{"KL transition", trans, lib.Trans}, {fmt.Sprintf("total (β = %g, λ = %g)", beta, lambda), total, lib.Total}} {
	d := math.Abs(r.hand-r.lib) / math.Abs(r.lib)
	worst = math.Max(worst, d)
	fmt.Printf("%-24s %14.6f %14.6f %10.1e\n", r.name, r.hand, r.lib, d)
}
lessons.Assert(worst < 1e-6, "every term by hand equals the library's to a relative 1e-6 (worst %.1e)", worst)
""")

md(r"""
## 4. Training

Adam on minibatches of transitions, fresh $\varepsilon$ every step. First a **small** model from scratch, live: the same
loss, one hidden layer per network, a few hundred steps at most, with the trainer's progress lines (step, the terms averaged
since the last line, steps per second, time left). ⏱ about 8 s.
""")

code(r"""
%%
fmt.Println(lessons.ModeLine())
s := lessons.E2CLive(lessons.Quick())
fmt.Printf("small model: hidden layers %v/%v/%v, latent %d, %d transitions, %d steps of %d, learning rate %g decaying to %g\n",
	s.Encoder, s.Decoder, s.Transition, s.Latent, s.Samples, s.Steps, s.BatchSize, s.LearningRate, s.FinalLearningRate)
out := must(lessons.E2CTrainScenario{Progress: os.Stdout}.Run()).(*lessons.E2CTrainOutcome)
blocks := out.Block(10)
first, last := blocks[0], blocks[len(blocks)-1]
fmt.Printf("trained in %.1f s; mean loss over the first 10 steps %.1f, over the last 10 %.1f\n", out.Seconds, first.Total, last.Total)
lessons.Assert(last.Total < first.Total && last.Rec < first.Rec && last.Pred < first.Pred, "the loss, reconstruction and prediction fall")
fmt.Printf("KL to the prior %.3f → %.3f, transition KL %.3f → %.3f nats (first and last 10 steps)\n", first.KLPrior, last.KLPrior, first.Trans, last.Trans)
lessons.Assert(last.KLPrior > first.KLPrior && last.Trans > first.Trans, "both KL terms grow from their start")
for i, l := range out.History {
	lessons.Assert(!math.IsNaN(l.KLPrior+l.Trans) && !math.IsInf(l.KLPrior+l.Trans, 0) && l.KLPrior >= 0 && l.Trans >= 0,
		"the KL terms stay finite and non-negative (step %d: %v)", i, l)
}
lessons.ShowFigures(out.Figures())
""")

md(r"""
### Your turn: λ and the latent size

The panel retrains the same small model from scratch with your **λ** (the weight of KL$(\hat q\,\|\,q)$, the price of a
predicted next code that disagrees with the encoded next image) and **latent dimension**, and redraws its loss terms
(⏱ about 10 s per setting; the status line shows the trainer's progress). Compare the transition KL at λ = 0.02, 200 and
2000: a small λ lets the prediction drift away from the encoder, a large one holds them together and the reconstruction
pays for it. At the defaults the transition KL of the last ten steps stays below one nat; but no model this small and this
short has learned yet to hold the agent's position: the $R^2$ of a linear read-out of its codes (section 5 explains it)
stays below 0.3. The stored full run below trains the paper's networks far longer for that.
""")

code(r"""
%%
v, _ := must2(live.Show("Lesson 07: retrain the small model", lessons.E2CControls(), lessons.E2CLiveView))
r := must(lessons.E2CLiveResultFor(v))
if v.String() == "lambda=200 latent=8" {
	lessons.Assert(r.Final.Trans < 1 && r.R2 < 0.3, "at the defaults the transition KL is below 1 nat and R² below 0.3")
}
""")

md(r"""
The reconstruction and prediction terms fall first (the decoder learns the background and the obstacles, which are the same in
every image); the two KL terms **grow** from near zero at the start: an untrained encoder puts every image at the prior's
centre, which costs no KL but explains nothing, and the model pays KL for a latent space that tells images apart.

The **stored full run** trained the planar E2C model and the two baselines with the paper's networks, which cannot shape
their latent space by the dynamics:

* **VAE**: reconstruction and KL to the prior only; the transition is fitted afterwards on top of its latent space
  (same KL$(\hat q\|q)$, the encoder held fixed);
* **AE**: a deterministic autoencoder, $z = \mu$; the transition fitted on top by $\tfrac12\lVert\hat z_{t+1} - \mu_{t+1}\rVert^2$.
""")

code(r"""
%%
out := must(lessons.E2CCurvesScenario{}.Run()).(*lessons.E2CRunsOutcome)
fmt.Println(out.Source)
steps := lessons.E2CPlanar(false).Steps
for _, r := range out.Runs {
	fmt.Printf("%-3s: %d Adam steps in %.0f s (%.2f steps/s); last block: %v\n", r.Kind, steps, r.Seconds, r.StepsPerSecond, r.Curve[len(r.Curve)-1])
}
lessons.ShowFigures(out.Figures())
""")

md(r"""
## 5. The latent space

Encode held-out images (never trained on) and colour each latent point by the **true** position of the agent, $x$ in the top
row and $y$ in the bottom one. When the latent space has more than two dimensions, the figure shows its first two principal
components. A latent space in which planning works should be a smooth map of the field: neighbouring positions at neighbouring
points, colours changing gradually. The E2C encodings are computed now with the shipped model; the VAE's and AE's are stored.
As a number: how much of the true position a **linear** read-out of $z$ explains ($R^2$ of a least-squares fit, 1 is perfect).
E2C's latent space holds the position almost linearly, and it is flat: its first two principal components hold over 95% of
the latent variance, so the 8-dimensional codes lie close to a plane. The VAE's and the AE's, shaped by reconstruction
alone, do not hold the position: their points are organised by whatever makes images easy to redraw, and neighbouring
positions can land far apart.
""")

code(r"""
%%
out := must(lessons.E2CLatentScenario{}.Run()).(*lessons.E2CLatentOutcome)
fmt.Println(out.Source)
for i, k := range out.Kinds {
	fmt.Printf("%-3s: R² of a linear read-out of the true position %.3f; the first two principal components hold %.0f%% of the latent variance\n",
		k, out.R2[i], 100*(out.Explained[i][0]+out.Explained[i][1]))
}
lessons.Assert(out.R2[0] > 0.9 && out.R2[1] < 0.5 && out.R2[2] < 0.5, "E2C's R² is above 0.9, the baselines' below 0.5")
lessons.Assert(out.Explained[0][0]+out.Explained[0][1] > 0.95, "E2C's first two principal components hold over 95%% of its latent variance")
lessons.ShowFigures(out.Figures())
""")

md(r"""
## 6. Multi-step predictions

From one start, apply an action sequence (four steps right at full speed, then four up) to the **true** system, rendering each
frame, and to the **model**: encode the first image once, roll $\hat z_{k+1} = A(\hat z_k)\hat z_k + B(\hat z_k)u_k + o(\hat z_k)$
forward without looking at any later image, and decode each $\hat z_k$: nothing corrects the prediction on the way. The printout
locates the agent in each decoded image (the centroid of its bright pixels) and compares it with the true position.
""")

code(r"""
%%
out := must(lessons.E2CPredictionScenario{}.Run()).(*lessons.E2CPredictionOutcome)
fmt.Println(out.Source)
for k, st := range out.States {
	fmt.Printf("k = %d: true (%5.2f, %5.2f) m, decoded agent at (%5.2f, %5.2f) m, %.2f m off\n",
		k, st[0], st[1], out.DecodedPos[k][0], out.DecodedPos[k][1], out.PosErr[k])
}
lessons.ShowFigures(out.Figures())
""")

md(r"""
## 7. Planning from images

The goal is an image (the agent at the goal position). The planner encodes it once, $z_{\text{goal}}$; at every step it encodes
the current image, $z_t$, runs iLQR in the latent space on $A(z), B(z), o(z)$ with the cost

$$J = \sum_{t<H}\big[\tfrac12 Q\lVert z_t - z_{\text{goal}}\rVert^2 + \tfrac12 R\lVert u_t\rVert^2\big] + \tfrac12 Q_{\text{final}}\lVert z_H - z_{\text{goal}}\rVert^2,$$

applies the first action and re-plans (MPC). It never sees a true position: those only judge the result. The figure shows
one episode: the executed true path, and where the agent is in the decoded images of the **first plan's** predicted latents.
""")

code(r"""
%%
out := must(lessons.E2CEpisodeScenario{}.Run()).(*lessons.E2CEpisodeOutcome)
fmt.Println(out.Source)
s := lessons.E2CPlanar(false)
ep := out.Episode
x0, xT := ep.X[0], ep.X[len(ep.X)-1]
plans := 0
for _, p := range ep.Planned {
	if p != nil {
		plans++
	}
}
fmt.Printf("start (%.2f, %.2f) m → after %d steps (%.2f, %.2f) m, %.2f m from the goal (success within %.1f m): %v\n",
	x0[0], x0[1], len(ep.U), xT[0], xT[1], out.FinalDistance, out.Task.Tol, out.Success)
fmt.Printf("%d plans of %d steps, %d steps where iLQR found no plan, %.1f s\n", plans, s.Horizon, len(ep.PlanErrors), out.Seconds)
lessons.ShowFigures(out.Figures())
""")

md(r"""
### Success rates

The set-up's random starts, all at least a metre from the goal; an episode succeeds when the agent ends within the tolerance
of the goal. The stored run evaluated all of them for E2C and both baselines; here the shipped E2C model runs again, live,
on the first third of those starts (⏱ about 12 s), and must succeed on exactly the starts the stored run did (same model, same
starts, same planner). The paper reports E2C at 100% on this task and the baselines far lower. Here E2C succeeds from
**at least 90%** of the starts, this project's bar, and over three times as often as either baseline; the baselines' latent
maps are not organised by position (section 5), so descending the latent distance to the goal leads them astray.
""")

code(r"""
%%
fmt.Println(lessons.ModeLine())
out := must(lessons.E2CSuccessScenario{}.Run()).(*lessons.E2CSuccessOutcome)
fmt.Println(out.Source)
task := must(lessons.E2CPlanar(false).Task())
fmt.Printf("starts at least %.1f m from the goal; success: the final position within %.1f m of it\n", task.MinStartDistance, task.Tol)
fmt.Printf("live: %d starts in %.1f s\n\n", len(out.Live.Successes), out.Seconds)
fmt.Print(out.Table())
fmt.Println("\nlive successes equal the stored run's on the same starts:", out.StoredAgree)
lessons.Assert(out.StoredAgree, "the live evaluation repeats the stored one on its starts")
lessons.Assert(out.Runs[0].Kind == "E2C" && out.Runs[0].SuccessRate > 3*max(out.Runs[1].SuccessRate, out.Runs[2].SuccessRate),
	"E2C succeeds over three times as often as either baseline")
for _, r := range out.Runs {
	if r.Kind == "E2C" {
		fmt.Printf("E2C: %.0f%% of %d starts; the project's bar is 90%%\n", 100*r.SuccessRate, len(r.Successes))
		lessons.Assert(r.SuccessRate >= 0.9, "the stored E2C run succeeds from at least 90%% of the starts (%.0f%%)", 100*r.SuccessRate)
	}
}
lessons.ShowFigures(out.Figures())
""")

md(r"""
## 8. The pendulum from images

The paper's second task: swing the pendulum up and balance it, seeing only two stacked frames. It is harder than the
planar task: the dynamics are nonlinear everywhere, a swing-up must first move away from the goal to gain energy, and
balancing upright needs a precise latent velocity. The stored run trained one E2C model and evaluated the closed-loop planner
from starts near hanging down; success means the last states of the episode all within the tolerance of upright.

**Honestly: this project's pendulum model does not swing up.** The paper reports E2C swinging the pendulum up from images;
with the settings printed below, the stored run succeeded from none of its starts; its mean cost is printed beside that of
the pendulum left hanging at zero torque from the same starts. The planner itself is not the obstacle: with the true
pendulum dynamics in place of the learned model, the same planner settings swing up from each of the four starts of
package `e2c`'s test `TestDefaultsSwingUpPendulum`. The learned latent dynamics are not accurate enough for it, and finding
settings that make them so was left open.
""")

code(r"""
%%
runs, src := must2(lessons.E2CPendulumRuns())
fmt.Println(src)
s, t := lessons.E2CPendulum(false), e2c.PendulumTask()
fmt.Printf("set-up: %d×%d images of %d frames, latent dimension %d, %d transitions, %d Adam steps of %d, planner horizon %d\n",
	t.Width, t.Height, t.Frames, s.Latent, s.Samples, s.Steps, s.BatchSize, s.Horizon)
fmt.Printf("task: %d steps of %.2f s; success: the last %d states within %.1f rad of upright\n", t.T, t.Sys.Dt(), t.Hold, t.Tol)
for _, r := range runs {
	fmt.Printf("%s: trained in %.0f s (%.2f steps/s); success %.0f%% of %d starts, mean cost %.1f\n",
		r.Kind, r.Seconds, r.StepsPerSecond, 100*r.SuccessRate, len(r.Successes), r.MeanCost)
}
// The same starts left hanging: zero torque for T steps.
hang := 0.0
starts := must(t.Starts(s.Starts, s.StartSeed))
for _, x0 := range starts {
	xs, us := [][]float64{x0}, [][]float64{}
	for range t.T {
		next := make([]float64, 2)
		lessons.Check(t.Sys.Step(next, xs[len(xs)-1], []float64{0}))
		xs, us = append(xs, next), append(us, []float64{0})
	}
	hang += must(t.Cost(xs, us)) / float64(len(starts))
}
fmt.Printf("zero torque from the same starts: mean cost %.1f\n", hang)
""")

exercise(
    "the rank-one prediction",
    r"""
$A = I + v r^\top$ need never be formed: $A z = z + v\,(r^\top z)$ costs $O(k)$ instead of $O(k^2)$. Write the prediction
$\hat z' = A z + B u + o$ that way. The check compares it with `Model.Next` at a few latent points of a small model.
""",
    r"""
// next returns ẑ' = z + v (rᵀz) + B u + o.
func next(v, r []float64, B *mat.Dense, o, z, u []float64) []float64 {
	return z // TODO
}
""",
    r"""
%%
lessons.Grade("Exercise: the rank-one prediction", lessons.CheckRankOneNext(next))
""",
    r"""
// next returns ẑ' = z + v (rᵀz) + B u + o.
func next(v, r []float64, B *mat.Dense, o, z, u []float64) []float64 {
	rz := 0.0
	for j := range r {
		rz += r[j] * z[j]
	}
	out := make([]float64, len(z))
	for j := range z {
		out[j] = z[j] + v[j]*rz + o[j]
		for k := range u {
			out[j] += B.At(j, k) * u[k]
		}
	}
	return out
}
""")

md(r"""
## References

* M. Watter, J. T. Springenberg, J. Boedecker and M. Riedmiller. Embed to Control: a locally linear latent dynamics model for
  control from raw images. *Advances in Neural Information Processing Systems 28 (NIPS 2015)*, 2015.
* D. P. Kingma and M. Welling. Auto-encoding variational Bayes. *International Conference on Learning Representations
  (ICLR)*, 2014.
* W. Li and E. Todorov. Iterative linear quadratic regulator design for nonlinear biological movement systems.
  *ICINCO*, 2004.
""")

write(__file__)
