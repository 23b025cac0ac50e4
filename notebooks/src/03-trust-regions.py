"""Lesson 03 — Trust regions for trajectory optimisation. Builds notebooks/03-trust-regions.ipynb."""
from nbgen import code, exercise, md, write

md(r"""
# Lesson 03 — Trust regions for trajectory optimisation

With learned local models, iLQR's step-size problem gets worse: both the quadratic cost expansion **and the fitted
dynamics** are only valid near the samples they came from. Lesson 01 kept each step small with a line search on $\alpha$;
here the step is measured where it matters, as a change of the **trajectory distribution**:

$$\min_{p}\ \mathbb E_{p(\tau)}\Big[\sum_t c(x_t, u_t)\Big] \quad\text{s.t.}\quad D_{\mathrm{KL}}\big(p(\tau)\,\|\,\bar p(\tau)\big) \le \epsilon,$$

where $\bar p$ is the controller that produced the samples. This lesson covers why the controller is stochastic and why
$\Sigma = \tilde Q_{uu}^{-1}$; the identity that turns a KL between trajectory distributions into one between controllers
(checked on whole-trajectory densities); dual gradient descent on $\eta$, step by step, and why the dual function's slope is the
constraint violation; what $\epsilon$ does (a setting to move); how guided policy search adapts the step; and the digression on
dual gradient descent and the augmented Lagrangian. Three short exercises have check cells.

**Controls:** the KL bound per step $\epsilon$, on a logarithmic slider in section 4.

Every figure is a `lessons` scenario's, the same one `make figures` exports. The whole lesson runs live in well under a minute;
a cell `%env RLCONTROL_QUICK=1` shortens the pendulum runs of sections 4 and 5 (their outputs and figures then say "quick mode").
A cell with controls keeps running while you move them, redrawing its figure in place; press **Done** to keep the last
figure and let the next cells run. In a headless run the controls keep their defaults and the cell ends by itself.
""")

code(r"""
import (
	"cmp"
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"github.com/rlcontrol/rlcontrol/lessons"
	"github.com/rlcontrol/rlcontrol/live"
	"github.com/rlcontrol/rlcontrol/rl/lqr"
	"github.com/rlcontrol/rlcontrol/rl/trajopt"
	"gonum.org/v1/gonum/mat"
)

// must returns v, or stops the cell with err's message; check stops it on
// an error.
func must[T any](v T, err error) T { lessons.Check(err); return v }
func check(err error)              { lessons.Check(err) }

// setup samples the point mass 10 times with its first, exploratory
// controller N(0, I) and returns that controller, the fitted local dynamics
// and the cost expansion: everything one KL-constrained update needs
// (lessons.PointMassUpdate).
func setup() (lessons.Task, *lqr.Controller, *lqr.Dynamics, *lqr.QuadraticCost) {
	p := must(lessons.PointMassUpdate())
	return p.Task, p.Prev, p.Dyn, p.Cost
}
""")

md(r"""
## 1. Why a stochastic controller, and why $\Sigma = \tilde Q_{uu}^{-1}$

We need noise to fit the dynamics (lesson 02), but how much? Add an entropy bonus to the cost and ask for the controller that
is **as random as possible while minimising the cost**:

$$\min_p \sum_t \mathbb E_{p(x_t, u_t)}\big[c(x_t, u_t) - \mathcal H(p(u_t \mid x_t))\big].$$

With a quadratic Q-function, for a Gaussian $p(u \mid x) = \mathcal N(Kx + k, \Sigma)$ the $\Sigma$-dependent part of step $t$'s objective is
$\tfrac12 \mathrm{tr}(\tilde Q_{uu}\Sigma) - \tfrac12 \log\det\Sigma$; its gradient $\tfrac12(\tilde Q_{uu} - \Sigma^{-1})$ vanishes at
$\Sigma = \tilde Q_{uu}^{-1}$ — the same mean as LQR, and noise that is large where the cost is flat and small where it is
steep. (This is the maximum-entropy idea of MaxEnt IOC: be as random as possible while matching what matters.)
Below: the LQR solution of the point mass's local problem, and the objective for $\Sigma = s\,\tilde Q_{uu}^{-1}$.
""")

code(r"""
%%
_, _, dyn, q := setup()
p := must(q.Problem(dyn, 1, nil, nil))
sol := must(lqr.Solve(p))
ctrl := must(lqr.MaxEntropyController(sol))
const t = 20
Quu := mat.NewSymDense(2, nil)
for i := 0; i < 2; i++ {
	for j := i; j < 2; j++ {
		Quu.SetSym(i, j, sol.Quu[t].At(i, j))
	}
}
fmt.Printf("t = %d: Q̃uu = %.3f, Σ = Q̃uu⁻¹ = %.4f\n", t, mat.Formatted(Quu, mat.Squeeze()), mat.Formatted(ctrl.Cov[t], mat.Squeeze()))
objective := func(s float64) float64 {
	var S mat.SymDense
	S.ScaleSym(s, ctrl.Cov[t])
	var QS mat.Dense
	QS.Mul(Quu, &S)
	var ch mat.Cholesky
	ch.Factorize(&S)
	return 0.5*mat.Trace(&QS) - 0.5*ch.LogDet()
}
for _, s := range []float64{0.25, 0.5, 0.9, 1, 1.1, 2, 4} {
	fmt.Printf("Σ = %.2f·Q̃uu⁻¹: ½tr(Q̃uuΣ) − ½log det Σ = %.4f\n", s, objective(s))
}
if objective(1) > objective(0.9) || objective(1) > objective(1.1) {
	panic("Σ = Q̃uu⁻¹ is not the minimiser")
}
""")

md(r"""
## 2. The KL between trajectory distributions is a KL between controllers

$p(\tau) = p(x_1)\prod_t p(u_t \mid x_t)\,p(x_{t+1} \mid x_t, u_t)$ and $\bar p(\tau)$ share the initial state distribution and the dynamics,
so in $\log p(\tau) - \log \bar p(\tau)$ those terms cancel:

$$D_{\mathrm{KL}}(p(\tau)\,\|\,\bar p(\tau)) = \sum_t \mathbb E_{p(x_t, u_t)}\big[\log p(u_t \mid x_t) - \log \bar p(u_t \mid x_t)\big].$$

For linear-Gaussian controllers each term of the right-hand side has a closed form in the mean and covariance of $x_t$ under $p$,
which a forward pass through the linear-Gaussian dynamics gives (`lqr.Forward`, `lqr.KL`). The first cell checks **that closed form**
against a Monte-Carlo average of the right-hand side: sample trajectories from $p$ and average
$\sum_t \log p(u_t|x_t) - \log\bar p(u_t|x_t)$. It takes the cancellation for granted.
""")

code(r"""
%%
fmt.Println(lessons.ModeLine())
_, prev, dyn, q := setup()
up := must(trajopt.KLUpdate(prev, dyn, q, 20, trajopt.KLConfig{}))
dist := must(lqr.Forward(up.Controller, dyn))
kl, _, err := lqr.KL(up.Controller, prev, dist)
check(err)
N := 4000
if lessons.Quick() {
	N = 1000
}
samples := must(lqr.SampleLinear(up.Controller, dyn, N, rand.New(rand.NewPCG(7, 7))))
vals := make([]float64, N)
for i, tr := range samples {
	for t, u := range tr.U {
		vals[i] += must(up.Controller.LogProb(t, tr.X[t], u)) - must(prev.LogProb(t, tr.X[t], u))
	}
}
mean, sd := 0.0, 0.0
for _, v := range vals {
	mean += v / float64(N)
}
for _, v := range vals {
	sd += (v - mean) * (v - mean) / float64(N-1)
}
se := math.Sqrt(sd / float64(N))
fmt.Printf("closed form Σ_t E[KL(p(u|x) ‖ p̄(u|x))] = %.3f;  Monte Carlo of the same sum (%d trajectories) = %.3f ± %.3f\n", kl, N, mean, se)
lessons.Assert(math.Abs(mean-kl) <= 5*se, "the closed form (%.3f) is within 5 standard errors of Monte Carlo (%.3f ± %.3f)", kl, mean, se)
""")

md(r"""
**Now the cancellation itself.** Write each trajectory distribution out as what it is, one Gaussian over the whole stacked
trajectory $\tau = (x_0, u_0, x_1, \dots, x_T)$ — initial state, controller and dynamics densities all included — built by
propagating $p$ and $\bar p$ each through the dynamics (`lessons.TrajectoryGaussian`: $\tau = \mu + A\xi$ with one noise block per
variable). Then compute $D_{\mathrm{KL}}(p(\tau)\|\bar p(\tau))$ of those two big Gaussians in closed form, and by Monte Carlo of
$\log p(\tau) - \log \bar p(\tau)$ with the full densities. Nothing in this computation drops the dynamics terms; if the identity
is right, it gives the controllers' KL above. The point mass starts at a fixed state and is deterministic (fitted noise of order
$10^{-11}$), so the whole-trajectory density would not exist or be too ill-conditioned for double precision: both distributions
get the same start spread and noise floor (`lessons.WithNoise`). Last, $\bar p$ under **other** dynamics (its actuator gain
$F_u$ scaled): then nothing cancels and the identity fails.
""")

code(r"""
%%
fmt.Println(lessons.ModeLine())
_, prev, dyn0, q := setup()
dyn := lessons.WithNoise(dyn0, 0.01, 1e-6) // shared by p and p̄
p := must(trajopt.KLUpdate(prev, dyn, q, 20, trajopt.KLConfig{})).Controller
klCtrl, _, err := lqr.KL(p, prev, must(lqr.Forward(p, dyn)))
check(err)
mu, S, err := lessons.TrajectoryGaussian(p, dyn) // p(τ): start, controller, dynamics
check(err)
muBar, SBar, err := lessons.TrajectoryGaussian(prev, dyn) // p̄(τ)
check(err)
klJoint := must(lessons.GaussianKL(mu, S, muBar, SBar))
var ch, chBar mat.Cholesky
ch.Factorize(S)
chBar.Factorize(SBar)
N := 1000
if lessons.Quick() {
	N = 300
}
var sum, sum2 float64
for _, tr := range must(lqr.SampleLinear(p, dyn, N, rand.New(rand.NewPCG(3, 3)))) {
	z := lessons.Stack(tr)
	d := must(lessons.GaussianLogDensity(z, mu, &ch)) - must(lessons.GaussianLogDensity(z, muBar, &chBar))
	sum, sum2 = sum+d, sum2+d*d
}
mc := sum / float64(N)
se := math.Sqrt((sum2/float64(N) - mc*mc) / float64(N))
muO, SO, err := lessons.TrajectoryGaussian(prev, lessons.WithActuatorGain(dyn, 1.5))
check(err)
klOther := must(lessons.GaussianKL(mu, S, muO, SO))
fmt.Printf("τ has %d numbers\n", len(mu))
fmt.Printf("controllers' KL Σ_t E[KL(p(u|x) ‖ p̄(u|x))]        = %.6f\n", klCtrl)
fmt.Printf("KL of the whole-trajectory Gaussians, closed form = %.6f\n", klJoint)
fmt.Printf("Monte Carlo of log p(τ) − log p̄(τ), %d samples   = %.3f ± %.3f\n", N, mc, se)
fmt.Printf("p̄ under other dynamics (Fu × 1.5)                = %.1f\n", klOther)
lessons.Assert(math.Abs(klJoint-klCtrl) <= 1e-8*klCtrl, "the joint KL (%.9f) equals the controllers' KL (%.9f)", klJoint, klCtrl)
lessons.Assert(math.Abs(mc-klCtrl) <= 5*se, "Monte Carlo (%.3f ± %.3f) agrees with it", mc, se)
lessons.Assert(klOther > 10*klCtrl, "with other dynamics the KL (%.1f) is no longer the controllers' KL", klOther)
""")

md(r"""
## 3. Dual gradient descent on $\eta$

The Lagrangian of the constrained problem is $\mathcal L(p, \eta) = \mathbb E_p[c] + \eta\,(D_{\mathrm{KL}}(p\|\bar p) - \epsilon)$. For fixed $\eta$,
dividing by $\eta$ and writing the KL out,

$$\min_p \mathcal L(p,\eta) \iff \min_p \sum_t \mathbb E_p\big[\tilde c(x_t,u_t) - \mathcal H(p(u_t|x_t))\big],\qquad \tilde c(x,u) = \frac{c(x,u)}{\eta} - \log \bar p(u \mid x),$$

which is exactly the maximum-entropy LQR of section 1 on the modified cost $\tilde c$ (still quadratic; `trajopt.ModifiedCost`
builds it, `trajopt.SolveAtEta` solves it). Then **dual gradient descent**: the derivative of the dual function is the
constraint violation, so

1. $p^\star \leftarrow \arg\min_p \mathcal L(p, \eta)$ (LQR on $\tilde c$, $\Sigma = \tilde Q_{uu}^{-1}$);
2. $\eta \leftarrow \eta + \alpha\,(D_{\mathrm{KL}}(p^\star\|\bar p) - \epsilon)$;

until the KL meets the bound. A small $\eta$ lets the cost dominate (big step, large KL); a large one keeps $p \approx \bar p$.
The plain step needs a good $\alpha$ (it has units of $\eta$ per nat); the library's default instead **brackets** $\eta$ and bisects
$\log\eta$, which needs no step size. Both below, iteration by iteration, for $\epsilon = 20$ nats over the $T = 100$ steps; the
dual gradient loop is written out in the cell, with `SolveAtEta` as step 1, and checked against the library's version. Both stop
when $|\mathrm{KL} - \epsilon| \le \mathrm{Tol}\cdot\epsilon$ (the printed tolerance), so the KL they land on may sit a little above
$\epsilon$ as well as below it. The figure: $\mathrm{KL}(\eta)$ over many decades falls monotonically, which is what makes the
one-dimensional search safe.
""")

code(r"""
%%
_, prev, dyn, q := setup()
const eps = 20.0
fmt.Printf("tolerance: both searches stop at |KL − ε| ≤ %.2g·ε\n", must(trajopt.KLConfig{}.WithDefaults()).Tol)
fmt.Println("bracketing search (the library's default, trajopt.KLUpdate):")
br := must(trajopt.KLUpdate(prev, dyn, q, eps, trajopt.KLConfig{
	Progress: func(s trajopt.EtaStep) {
		fmt.Printf("  η = %10.4g   KL = %8.3f   KL − ε = %+8.3f\n", s.Eta, s.KL, s.KL-eps)
	},
}))
fmt.Printf("  → η = %.4g, KL = %.3f in %d solves; status: %v\n", br.Eta, br.KL, len(br.History), br.Status)

// The lecture's dual gradient descent, written out. trajopt.SolveAtEta is step 1:
// LQR on c̃ = c/η − log p̄ (trajopt.ModifiedCost) with Σ = Q̃uu⁻¹, then the KL.
alpha := br.Eta / eps // about the inverse slope of KL(η) at the solution
fmt.Printf("\ndual gradient descent, α = %.3g, from η = 0.1:\n", alpha)
eta := 0.1
var sol *trajopt.EtaSolution
for k := 1; k <= 50; k++ {
	sol = must(trajopt.SolveAtEta(prev, dyn, q, eta)) // 1. p⋆ = argmin_p L(p, η)
	fmt.Printf("  η = %10.4g   KL = %8.3f   KL − ε = %+8.3f\n", eta, sol.KL, sol.KL-eps)
	if math.Abs(sol.KL-eps) <= 0.1*eps {
		fmt.Printf("  → η = %.4g, KL = %.3f in %d solves\n", eta, sol.KL, k)
		break
	}
	eta = math.Max(eta+alpha*(sol.KL-eps), 1e-8) // 2. η ← η + α(KL(p⋆‖p̄) − ε)
}
// The library's DualGradient method is the same loop: same η, same KL.
dg := must(trajopt.KLUpdate(prev, dyn, q, eps, trajopt.KLConfig{Method: trajopt.DualGradient, DualStep: alpha, Eta0: 0.1}))
if dg.Eta != sol.Eta || math.Abs(dg.KL-sol.KL) > 1e-12*eps {
	panic(fmt.Sprintf("the loop above (η = %v, KL = %v) and KLUpdate (η = %v, KL = %v) disagree", sol.Eta, sol.KL, dg.Eta, dg.KL))
}
fmt.Printf("trajopt.KLUpdate with Method: DualGradient agrees: η = %.4g, KL = %.3f in %d solves\n", dg.Eta, dg.KL, len(dg.History))
slow := must(trajopt.KLUpdate(prev, dyn, q, eps, trajopt.KLConfig{Method: trajopt.DualGradient, DualStep: alpha / 10, Eta0: 0.1, MaxIter: 500}))
fmt.Printf("with α ten times smaller the dual gradient steps need %d solves; status: %v\n", len(slow.History), slow.Status)

klEta := must(lessons.KLOfEta{Epsilon: eps}.Run()).(*lessons.KLOfEtaOutcome)
lessons.Assert(slices.IsSortedFunc(klEta.KLs, func(a, b float64) int { return cmp.Compare(b, a) }), "KL(η) falls as η grows")
lessons.ShowFigures(klEta.Figures())
""")

md(r"""
**Why the dual step is $\mathrm{KL} - \epsilon$.** The dual function is $g(\eta) = \min_p \mathcal L(p, \eta) = \mathcal L(p^\star(\eta), \eta)$.
Differentiate through the minimiser: $\frac{dg}{d\eta} = \partial_\eta \mathcal L + \partial_p \mathcal L \cdot \frac{dp^\star}{d\eta}$, and the
second term vanishes because $p^\star$ minimises $\mathcal L$ ($\partial_p\mathcal L = 0$ there, the envelope theorem). What is left is
$\partial_\eta \mathcal L = D_{\mathrm{KL}}(p^\star(\eta)\|\bar p) - \epsilon$: the constraint value at the minimiser, as the lecture's
$\frac{dg}{d\lambda} = C(x^\star(\lambda))$ says. Check it numerically: $g(\eta)$ is the expected cost of the $\eta$-solution under the
model plus $\eta(\mathrm{KL} - \epsilon)$; a central finite difference over $\eta$ should match $\mathrm{KL}(\eta) - \epsilon$.
""")

code(r"""
%%
_, prev, dyn, q := setup()
const eps = 20.0
g := func(eta float64) (float64, *trajopt.EtaSolution) {
	s := must(trajopt.SolveAtEta(prev, dyn, q, eta)) // p⋆(η) = argmin_p L(p, η)
	return s.ExpectedCost + eta*(s.KL-eps), s
}
for _, eta := range []float64{0.3, 1.334, 5} {
	h := 1e-4 * eta
	gp, _ := g(eta + h)
	gm, _ := g(eta - h)
	g0, s := g(eta)
	fd := (gp - gm) / (2 * h)
	fmt.Printf("η = %5.3g: g(η) = %9.3f   (g(η+h) − g(η−h))/2h = %+9.4f   KL(p⋆) − ε = %+9.4f\n", eta, g0, fd, s.KL-eps)
	lessons.Assert(math.Abs(fd-(s.KL-eps)) <= 1e-3*math.Max(1, math.Abs(s.KL-eps)), "dg/dη (%.5f) = KL − ε (%.5f) at η = %g", fd, s.KL-eps, eta)
}
""")

md(r"""
## 4. Your turn: move $\epsilon$

The next cell runs the whole loop — sample 5 rollouts, fit with the GMM prior, KL-constrained update — on the
**pendulum swing-up**, once for each of four values of $\epsilon$ (nats per time step, so the bound on each update is $\epsilon T$ with
$T = 150$), with the step-size adaptation switched off so that $\epsilon$ is what every update gets. After it, a slider moves
$\epsilon$ over five decades.

The pendulum has lesson 01's 5 N·m torque limit. Lesson 01's iLQR clips its actions; a linear-Gaussian controller cannot be clipped
without hiding the applied torque from the fitted model, so here the limit is a steep penalty $\tfrac12\,w\,(|\tau| - \tau_{\max})_+^2$ in the
cost (`cost.LimitPenalty`, $w = 100$): zero inside the limit, so a run that respects it has exactly lesson 01's cost. Each run prints the largest torque its final
controller asks for, its first update's $\eta$, KL and bound, and the controller's variance $\Sigma$ (mean over steps; the first
controller has $\Sigma = 1$).
""")

code(r"""
%%
fmt.Println(lessons.ModeLine())
epsilons := []float64{0.02, 0.5, 2, 50}
out := must(lessons.EpsilonScenario{Epsilons: epsilons}.Run()).(*lessons.EpsilonOutcome)
for i, r := range out.Runs {
	h := r.Result.History
	fmt.Printf("ε = %-5g cost: iteration 1 %8.1f, 2 %9.1f, %d %9.1f   max |τ| %5.2f N·m   update 1: η %.3g, KL %7.2f / bound %7.1f   Σ after update 1 %.2g, at the end %.2g\n",
		r.Epsilon, h[0].MeanCost, h[1].MeanCost, len(h), h[len(h)-1].MeanCost, out.MaxTorque[i], h[0].Eta, h[0].KL, h[0].Bound, out.Sigma1[i], out.SigmaEnd[i])
}
if i := slices.Index(epsilons, 50); i >= 0 {
	h := out.Runs[i].Result.History
	lessons.Assert(h[0].Eta <= 1e-8 && h[0].KL < h[0].Bound, "ε = 50: the first update's constraint is inactive (η = %g at its floor, KL %.1f < %.1f)", h[0].Eta, h[0].KL, h[0].Bound)
	lessons.Assert(out.Sigma1[i] < 1e-4 && out.SigmaEnd[i] < 1e-4, "ε = 50: Σ collapses (%.3g, %.3g)", out.Sigma1[i], out.SigmaEnd[i])
	lessons.Assert(h[len(h)-1].MeanCost > 10*h[0].MeanCost && out.MaxTorque[i] > 5.5, "ε = 50 ends far worse than it started, over the torque limit")
}
if i := slices.Index(epsilons, 2); i >= 0 {
	lessons.Assert(out.MaxTorque[i] < 5.5 && out.Runs[i].Result.History[0].Eta > 1e-8, "ε = 2: constrained, within the torque limit")
}
lessons.ShowFigures(out.Figures())
""")

md(r"""
* **Small $\epsilon$** (0.02): timid, safe updates; the cost creeps down.
* **Medium** (0.5–2): fast and reliable, and the final controllers stay near the 5 N·m limit (the printed max $|\tau|$).
* **Large** (50): a stall, and the printout says why. The first update's bound $\epsilon T = 7500$ nats is **not active**: $\eta$
  sits at its floor ($10^{-8}$) with a KL of 4071 nats, so the update is plain LQR on a model and cost expansion fitted around 5
  rollouts of $\mathcal N(0, 1)$ torques — which never exceeded the limit, so the expansion does not even contain the penalty. The new
  controllers ask for far more than the limit (42.42 N·m at the end) and the cost jumps from 5008.8 to 293789.1. Worse, $\Sigma = \tilde Q_{uu}^{-1}$ with
  $\tilde Q_{uu} \approx Q_{uu}/\eta$: at $\eta = 10^{-8}$ the exploration noise collapses from 1 to about $9.3\cdot 10^{-7}$. And it cannot come
  back: $\tilde c$ contains $-\log\bar p$, so $\tilde Q_{uu} \succeq \bar\Sigma^{-1}$ and each new $\Sigma$ is at most the old one. With no exploration
  the fitted models see nothing new, and the later updates (now at the bound) only shave the cost to 290771.9.
""")

md(r"""
**Now move $\epsilon$ yourself.** The slider spans $\epsilon$ from $0.002$ to $200$ nats per step on a logarithmic scale, four
positions per decade, showing the value each stands for. Every move runs the loop above once more for that $\epsilon$ ($15$
iterations, $8$ in quick mode; one to two seconds on 2 cores, with the iteration shown under the figure while it computes)
and redraws in place: the cost per iteration on a fixed log axis, and the final controller's noise-free swing — the angle
against upright and the torque against its limits. The line under the figure gives the first update's $\eta$ and KL against
its bound, and says whether that bound was active. Press **Done** to keep the last figure.

Things to try: walk $\epsilon$ down a decade at a time from the default, then up. What to watch: at which $\epsilon$ the first
update's bound stops being active ($\eta$ drops to its floor), where the torque leaves the ±5 N·m band, and where the cost
curve stops falling.

The slider starts at $\epsilon = 2$, the sweep's run above that stays within the torque limit: the same run, its first bound
active, its final controller within the limit.
""")

code(r"""
%%
v, _, err := live.Show("Pendulum swing-up: the KL bound ε", lessons.EpsilonControls(), lessons.EpsilonRender)
check(err)
run := must(lessons.EpsilonAt(context.Background(), v.Float("eps"), nil)) // the run the figure shows (kept, not run again)
h := run.Result.History
fmt.Printf("%s: cost %.1f → %.1f, max |τ| %.2f N·m, update 1: η %.3g, bound active: %v\n", v, h[0].MeanCost, h[len(h)-1].MeanCost, run.MaxTorque, h[0].Eta, run.BoundActive())
if v.String() == "eps=2" { // the default (a headless run keeps it)
	sweep := must(lessons.EpsilonScenario{Epsilons: []float64{2}}.Run()).(*lessons.EpsilonOutcome).Runs[0].Result.History
	lessons.Assert(h[len(h)-1].MeanCost == sweep[len(sweep)-1].MeanCost, "the default is the sweep's ε = 2 run")
	lessons.Assert(run.BoundActive() && run.MaxTorque < 5.5, "ε = 2: the first bound active, the torque within the limit (%.2f N·m)", run.MaxTorque)
}
""")

md(r"""
## 5. Adapting $\epsilon$: compare predicted with actual improvement

Guided policy search does not fix $\epsilon$: after each iteration it compares the improvement the old model **predicted** for
the new controller with the improvement the new samples **show** (both under the Laplace, i.e. quadratic, approximation).
Modelling the improvement as $I(\mathrm{KL}) = a\,\mathrm{KL} - b\,\mathrm{KL}^2$ and maximising gives the factor
$f = \text{pred}/(2(\text{pred} - \text{actual}))$. `rl/trajopt` clips $f$ to $[0.1, 5]$ and multiplies it into a **cumulative** step
multiplier, itself kept in $[0.01, 10]$; the bound of the next update is $\epsilon\,T\cdot\text{mult}$. When the prediction held ($f > 1$) the
multiplier grows; when the model broke ($f < 1$) it shrinks. Below, the default loop on the pendulum ($\epsilon = 0.2$ per step, so a
bound of $30\cdot\text{mult}$ nats): each iteration's raw factor, the multiplier, the KL of the update against its bound, $\eta$, and the
one-step error of the previous model on the new samples. The KL may exceed the bound by up to the search's tolerance.
""")

code(r"""
%%
fmt.Println(lessons.ModeLine())
out := must(lessons.TrustRegionScenario{}.Run()).(*lessons.TrustRegionOutcome)
tol := must(trajopt.KLConfig{}.WithDefaults()).Tol
h := out.Result.History
shrinks, capped, worst := 0, 0, 0.0
for i, s := range h {
	fmt.Printf("iteration %2d: cost %8.2f   factor %8.3g → step ×%5.2f   KL %7.2f / bound %7.2f nats   η %8.3g   model error %6.3f\n",
		s.Iter, s.MeanCost, out.Factor[i], s.StepMult, s.KL, s.Bound, s.Eta, s.ModelError)
	if i > 0 && s.StepMult < h[i-1].StepMult {
		shrinks++
	}
	if s.StepMult == 10 {
		capped++
	}
	worst = math.Max(worst, s.KL/s.Bound)
}
fmt.Printf("the multiplier shrank at %d iterations and sat at its cap ×10 at %d; largest KL/bound = %.3f (tolerance %.2g)\n", shrinks, capped, worst, tol)
lessons.Assert(shrinks > 0 && capped > 0, "the multiplier both shrinks and hits its cap")
lessons.Assert(worst <= 1+tol, "every KL is within the bound plus the tolerance")
lessons.ShowFigures(out.Figures())
""")

md(r"""
Read the printout from the top (what follows describes the full run; quick mode stops after fewer iterations): while the model's predictions hold, the factor is large (often above its clip at 5) and the
multiplier climbs to its cap of 10 — a bound of 300 nats — within two iterations. A KL such as 315.17 against that bound is the
search stopping within its tolerance, not a violation. When an update moves the controller where the previous model is wrong
(the model error jumps), the actual improvement falls short of the prediction, the factor drops below 1 and the multiplier
shrinks, down to a fraction of 1 near the end, where small corrections are all that is left.
""")

md(r"""
## 6. Digression: dual gradient descent and the augmented Lagrangian

The same machinery for a general problem $\min_x f(x)$ s.t. $C(x) = 0$ (guided policy search will use it to make a neural-network policy
agree with the trajectories): with $\mathcal L(x, \lambda) = f(x) + \lambda^\top C(x)$ and dual function $g(\lambda) = \min_x \mathcal L(x, \lambda)$,

1. $x^\star \leftarrow \arg\min_x \mathcal L(x, \lambda)$,  2. $\frac{dg}{d\lambda} = C(x^\star)$ (the envelope step of section 3),  3. $\lambda \leftarrow \lambda + \alpha\frac{dg}{d\lambda}$.

The **augmented Lagrangian** $\bar{\mathcal L}(x, \lambda) = f(x) + \lambda^\top C(x) + \rho\|C(x)\|^2$ adds a penalty that makes each $x$-step
better conditioned and lets the multiplier step be large ($\lambda \leftarrow \lambda + 2\rho\,C(x^\star)$). On a 2-D quadratic with one
linear constraint, whose answer we know in closed form:
""")

code(r"""
%%
out := must(lessons.DualToy{}.Run()).(*lessons.DualToyOutcome)
dgd, al := out.DGD, out.AL
fmt.Printf("closed form:            x* = (%.4f, %.4f), λ* = %.4f\n", out.XStar[0], out.XStar[1], out.LamStar)
fmt.Printf("dual gradient descent:  x  = (%.4f, %.4f), λ  = %.4f after %d iterations\n", dgd.X[0], dgd.X[1], dgd.Lambda[0], len(dgd.History))
fmt.Printf("augmented Lagrangian:   x  = (%.4f, %.4f), λ  = %.4f after %d iterations\n", al.X[0], al.X[1], al.Lambda[0], len(al.History))
lessons.Assert(len(al.History) < len(dgd.History)/5, "the augmented Lagrangian needs far fewer iterations")
lessons.ShowFigures(out.Figures())
""")

md(r"""
## Exercises
""")

exercise(
    "the KL between two 1-D linear-Gaussian controllers",
    r"""
For a scalar state $x \sim \mathcal N(\mu, v)$ and controllers $p(u|x) = \mathcal N(Kx + k, \sigma^2)$, $\bar p(u|x) = \mathcal N(\bar K x + \bar k, \bar\sigma^2)$, write
$\mathbb E_x\big[D_{\mathrm{KL}}(p(u|x)\|\bar p(u|x))\big]$ in closed form. Hint: for fixed $x$ it is
$\tfrac12\big[\sigma^2/\bar\sigma^2 + (\Delta\mu)^2/\bar\sigma^2 - 1 + \log(\bar\sigma^2/\sigma^2)\big]$ with $\Delta\mu = (K - \bar K)x + (k - \bar k)$; take the expectation
of $(\Delta\mu)^2$ over $x$. The check compares it with `lqr.KL` (one step of section 2's sum).
""",
    r"""
// klController1D returns E_{x~N(mu, v)} KL(N(K x + k, s2) ‖ N(Kb x + kb, sb2)).
func klController1D(K, k, s2, Kb, kb, sb2, mu, v float64) float64 {
	return 0 // TODO
}
""",
    r"""
%%
lessons.Grade("Exercise: controller KL", lessons.CheckControllerKL1D(klController1D))
""",
    r"""
func klController1D(K, k, s2, Kb, kb, sb2, mu, v float64) float64 {
	dK, dm := K-Kb, (K-Kb)*mu+(k-kb) // E[Δμ] = dm, Var[Δμ] = dK² v
	return 0.5 * (s2/sb2 + (dm*dm+dK*dK*v)/sb2 - 1 + math.Log(sb2/s2))
}
""")

exercise(
    "one dual gradient step on $\\eta$",
    r"""
Write one step of section 3's dual gradient descent: $\eta \leftarrow \max(\eta + \alpha(\mathrm{KL}(\eta) - \epsilon),\ \eta_{\min})$ with
$\eta_{\min}$ = `lessons.DualStepMinEta` (the library's floor; $\eta$ must stay positive). `klAt(eta)` solves the point mass's update at
that $\eta$ (`trajopt.SolveAtEta`) and returns its KL. Which way does $\eta$ move when the KL is above $\epsilon$, and why?
""",
    r"""
// dualStep returns η after one dual gradient step.
func dualStep(eta, eps, alpha float64, klAt func(eta float64) float64) float64 {
	return eta // TODO
}
""",
    r"""
%%
lessons.Grade("Exercise: dual step", lessons.CheckDualStep(dualStep))
""",
    r"""
func dualStep(eta, eps, alpha float64, klAt func(eta float64) float64) float64 {
	// KL above ε: η grows, which weights the KL more and pulls p back towards p̄.
	return math.Max(eta+alpha*(klAt(eta)-eps), lessons.DualStepMinEta)
}
""")

exercise(
    "the modified cost $\\tilde c = c/\\eta - \\log\\bar p$ for a scalar action",
    r"""
One step, no state, action cost $c(u) = \tfrac12 r u^2$ and old controller $\bar p(u) = \mathcal N(\bar m, \bar\sigma^2)$. Write $\tilde c(u) = c(u)/\eta - \log\bar p(u)$ as
$\tfrac12 a u^2 + b u + \text{const}$ and return $a$ and $b$. The check compares them with `trajopt.ModifiedCost`. Then the new controller is
$\mathcal N(-b/a,\ 1/a)$: what happens to its mean and variance as $\eta \to 0$ and as $\eta \to \infty$? (Compare with section 4's $\epsilon = 50$.)
""",
    r"""
// modifiedCost1D returns the curvature a and slope b of c̃(u) = ½ r u²/η − log N(u; mbar, sbar2).
func modifiedCost1D(r, eta, mbar, sbar2 float64) (a, b float64) {
	return 0, 0 // TODO
}
""",
    r"""
%%
lessons.Grade("Exercise: modified cost", lessons.CheckModifiedCost1D(modifiedCost1D))
if a, b := modifiedCost1D(0.01, 1, 2, 1); a > 0 {
	fmt.Printf("r = 0.01, η = 1, p̄ = N(2, 1): new controller N(%.4g, %.4g)\n", -b/a, 1/a)
}
""",
    r"""
func modifiedCost1D(r, eta, mbar, sbar2 float64) (a, b float64) {
	// −log N(u; m̄, σ̄²) = (u − m̄)²/(2σ̄²) + const = ½ u²/σ̄² − (m̄/σ̄²) u + const
	return r/eta + 1/sbar2, -mbar / sbar2
}
""")

md(r"""
## Summary

* Fitted models are local, so each update is a **trust-region** step: $D_{\mathrm{KL}}(p(\tau)\|\bar p(\tau)) \le \epsilon$.
* Because dynamics and initial state are shared, that KL is a sum over time of expected KLs between controllers — computable in
  closed form for linear-Gaussian controllers; checked here on the whole-trajectory densities, where it fails as soon as the
  dynamics differ.
* The constrained problem is solved by dual gradient descent on $\eta$: each $\eta$ is a maximum-entropy LQR on $c/\eta - \log\bar p$,
  and the dual function's slope is the constraint value $\mathrm{KL} - \epsilon$ (envelope theorem).
* $\epsilon$ trades speed for safety; too large a bound is not just risky but inactive, and at $\eta$'s floor the exploration noise
  collapses for good. Guided policy search adapts the bound from predicted versus actual improvement.

**Further questions.** Set `trajopt.KLConfig{Method: trajopt.DualGradient, DualStep: ...}` with a step ten times too large: what
happens to $\eta$? Run section 4 with the least-squares fitter: at which $\epsilon$ does the model break? Replace the equality toy by
`constrained.BallToy()` (an inequality): how does the multiplier behave while the constraint is inactive?
""")

md(r"""
## References

* S. Levine and V. Koltun. Guided policy search. *Proceedings of the 30th International Conference on Machine Learning (ICML)*,
  PMLR 28(3):1–9, 2013.
* S. Levine and P. Abbeel. Learning neural network policies with guided policy search under unknown dynamics. *Advances in
  Neural Information Processing Systems 27 (NIPS)*, 1071–1079, 2014.
* S. Levine, C. Finn, T. Darrell and P. Abbeel. End-to-end training of deep visuomotor policies. *Journal of Machine Learning
  Research* 17(39):1–40, 2016.
* J. Peters, K. Mülling and Y. Altün. Relative entropy policy search. *Proceedings of the 24th AAAI Conference on Artificial
  Intelligence*, 1607–1612, 2010.
* S. Boyd and L. Vandenberghe. *Convex Optimization.* Cambridge University Press, 2004 (chapter 5, duality; dual ascent).
* B. D. Ziebart, A. Maas, J. A. Bagnell and A. K. Dey. Maximum entropy inverse reinforcement learning. *Proceedings of the 23rd
  AAAI Conference on Artificial Intelligence*, 1433–1438, 2008.
""")

write(__file__)
