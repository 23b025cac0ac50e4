"""Lesson 03 — Trust regions for trajectory optimisation. Builds notebooks/03-trust-regions.ipynb."""
from nbgen import code, md, write

md(r"""
# Lesson 03 — Trust regions for trajectory optimisation

With learned local models, iLQR's step-size problem gets worse: both the quadratic cost expansion **and the fitted
dynamics** are only valid near the samples they came from. Lesson 01 kept each step small with a line search on $\alpha$;
here the step is measured where it matters, as a change of the **trajectory distribution**:

$$\min_{p}\ \mathbb E_{p(\tau)}\Big[\sum_t c(x_t, u_t)\Big] \quad\text{s.t.}\quad D_{\mathrm{KL}}\big(p(\tau)\,\|\,\bar p(\tau)\big) \le \epsilon,$$

where $\bar p$ is the controller that produced the samples. This lesson covers why the controller is stochastic and why
$\Sigma = \tilde Q_{uu}^{-1}$; the identity that turns a KL between trajectory distributions into one between controllers
(checked by Monte Carlo); dual gradient descent on $\eta$, step by step; what $\epsilon$ does (a setting to move); and the
digression on dual gradient descent and the augmented Lagrangian.
""")

code(r"""
import (
	"flag"
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/rlcontrol/rlcontrol/lessons"
	"github.com/rlcontrol/rlcontrol/plotting"
	"github.com/rlcontrol/rlcontrol/rl/constrained"
	"github.com/rlcontrol/rlcontrol/rl/dynfit"
	"github.com/rlcontrol/rlcontrol/rl/lqr"
	"github.com/rlcontrol/rlcontrol/rl/trajopt"
	"gonum.org/v1/gonum/mat"
)

// must returns v, or stops the cell with err's message; check stops it on
// an error; show displays a figure inline (SVG).
func must[T any](v T, err error) T { lessons.Check(err); return v }
func check(err error)               { lessons.Check(err) }
func show(fig *plotting.Figure, err error) { lessons.Show(fig, err) }

// setup samples the point mass with its first, exploratory controller and
// returns that controller, the fitted local dynamics and the cost expansion:
// everything one KL-constrained update needs.
func setup() (lessons.Task, *lqr.Controller, *lqr.Dynamics, *lqr.QuadraticCost) {
	task := lessons.PointMassTask()
	n, m := task.System.StateDim(), task.System.ActionDim()
	prev := must(lqr.NewConstantController(n, m, task.T, nil, 1))
	s := must(system.Rollouts(task.System, prev, task.X0, 0.05, 10, task.T, rand.New(rand.NewPCG(1, 2))))
	dyn := must(dynfit.LeastSquares(s, 1e-6))
	q := must(lqr.Expand(task.Cost, s))
	return task, prev, dyn, q
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

For linear-Gaussian controllers each term has a closed form in the mean and covariance of $x_t$ under $p$, which a forward pass
through the linear-Gaussian dynamics gives (`lqr.Forward`, `lqr.KL`). Check it against a Monte-Carlo estimate: sample trajectories
from $p$ and average $\sum_t \log p(u_t|x_t) - \log\bar p(u_t|x_t)$.
""")

code(r"""
%%
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
		lp := must(up.Controller.LogProb(t, tr.X[t], u))
		lq := must(prev.LogProb(t, tr.X[t], u))
		vals[i] += lp - lq
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
fmt.Printf("analytic KL = %.3f;  Monte Carlo (%d trajectories) = %.3f ± %.3f\n", kl, N, mean, se)
if math.Abs(mean-kl) > 5*se {
	panic("the KL identity fails the Monte-Carlo check")
}
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
$\log\eta$, which needs no step size. Both below, iteration by iteration, for $\epsilon = 20$ nats over the 100 steps; the
dual gradient loop is written out in the cell, with `SolveAtEta` as step 1, and checked against the library's version.
""")

code(r"""
%%
_, prev, dyn, q := setup()
const eps = 20.0
fmt.Println("bracketing search (the library's default, trajopt.KLUpdate):")
br := must(trajopt.KLUpdate(prev, dyn, q, eps, trajopt.KLConfig{
	Progress: func(s trajopt.EtaStep) { fmt.Printf("  η = %10.4g   KL = %8.3f   KL − ε = %+8.3f\n", s.Eta, s.KL, s.KL-eps) },
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

// KL(η) over many decades, one x-step per η on a reused workspace: it falls
// monotonically, which is what makes the one-dimensional search safe.
u := must(trajopt.NewUpdater(4, 2, len(q.Czz)))
var logEta, kls []float64
for e := -6.0; e <= 2.0; e += 0.5 {
	s, err := u.SolveAtEta(prev, dyn, q, math.Pow(10, e))
	if lqr.IsNotPD(err) {
		continue // no minimiser at this η: Q̃uu is not positive definite
	}
	check(err)
	if n := len(kls); n > 0 && s.KL > kls[n-1] {
		panic("KL(η) rose as η grew")
	}
	logEta, kls = append(logEta, e), append(kls, s.KL)
}
bound := make([]float64, len(kls))
for i := range bound {
	bound[i] = eps
}
show(plotting.LinesLogY("KL of the η-solution against η", "log₁₀ η", "D_KL(p ‖ p̄)", logEta,
	plotting.Series{Name: "KL(η)", Y: kls}, plotting.Series{Name: "ε = 20", Y: bound}))
""")

md(r"""
## 4. Your turn: move $\epsilon$

The next cell runs the whole loop — sample 5 rollouts, fit with the GMM prior, KL-constrained update — on the
**pendulum swing-up**, once for every $\epsilon$ (per time step) in the list, with the step-size adaptation switched off so that
$\epsilon$ is what every update gets. Change `--eps` on the `%%` line (comma-separated) and rerun.

* **Small $\epsilon$** (0.02): timid, safe updates; the cost creeps down.
* **Medium** (0.5–2): fast and reliable.
* **Large** (50): the first update trusts the fitted model far outside where it was fitted; the new trajectory lands where the
  model is wrong, and the loop stalls at a poor cost.
""")

code(r"""
var flagEps = flag.String("eps", "0.02,0.5,2,50", "comma-separated KL bounds per time step")

%% --eps=0.02,0.5,2,50
epsilons := must(lessons.ParseFloats("eps", *flagEps, 1e-4, 1e4))
task := lessons.PendulumTask()
if lessons.Quick() {
	task.Iterations = 8
}
runs := must(lessons.EpsilonSweep(task, epsilons, 1))
for _, r := range runs {
	h := r.Result.History
	fmt.Printf("ε = %-5g cost after iteration 1: %8.1f   after %d: %8.1f\n", r.Epsilon, h[0].MeanCost, len(h), h[len(h)-1].MeanCost)
}
show(lessons.EpsilonFigure("Pendulum swing-up: cost per iteration for several ε", runs))
""")



md(r"""
## 5. Adapting $\epsilon$: compare predicted with actual improvement

Guided policy search does not fix $\epsilon$: after each iteration it compares the improvement the old model **predicted** for
the new controller with the improvement the new samples **show** (both under the Laplace, i.e. quadratic, approximation).
Modelling the improvement as $I(\mathrm{KL}) = a\,\mathrm{KL} - b\,\mathrm{KL}^2$ and maximising gives the new multiplier
$\text{pred}/(2(\text{pred} - \text{actual}))$, clipped to $[0.1, 5]$: when the prediction held, the step grows; when the model
broke, it shrinks. Below, the default loop on the pendulum: the KL of each update against its bound, $\eta$, the step
multiplier, and the one-step error of the previous model on the new samples.
""")

code(r"""
%%
task := lessons.PendulumTask()
if lessons.Quick() {
	task.Iterations = 8
}
f := must(lessons.FitGMMPrior.Fitter(1))
res := must(trajopt.Run(task.System, task.Cost, task.X0, task.T, trajopt.Config{
	Iterations: task.Iterations, Rollouts: 5, Fitter: f, Seed: 1,
	Progress: func(s trajopt.IterStats) {
		fmt.Printf("iteration %2d: cost %8.2f   KL %7.2f / bound %7.2f   η %.3g   step ×%.2f   final θ = %.3f\n",
			s.Iter, s.MeanCost, s.KL, s.Bound, s.Eta, s.StepMult, s.FinalState[0])
	},
}))
show(lessons.HistoryFigure("Pendulum: the trust region at work", res))
""")

md(r"""
## 6. Digression: dual gradient descent and the augmented Lagrangian

The same machinery for a general problem $\min_x f(x)$ s.t. $C(x) = 0$ (guided policy search will use it to make a neural-network policy
agree with the trajectories): with $\mathcal L(x, \lambda) = f(x) + \lambda^\top C(x)$ and dual function $g(\lambda) = \min_x \mathcal L(x, \lambda)$,

1. $x^\star \leftarrow \arg\min_x \mathcal L(x, \lambda)$,  2. $\frac{dg}{d\lambda} = C(x^\star)$,  3. $\lambda \leftarrow \lambda + \alpha\frac{dg}{d\lambda}$.

The **augmented Lagrangian** $\bar{\mathcal L}(x, \lambda) = f(x) + \lambda^\top C(x) + \rho\|C(x)\|^2$ adds a penalty that makes each $x$-step
better conditioned and lets the multiplier step be large ($\lambda \leftarrow \lambda + 2\rho\,C(x^\star)$). On a 2-D quadratic with one
linear constraint, whose answer we know in closed form:
""")

code(r"""
%%
toy := constrained.EqualityToy()
xStar, lamStar, err := toy.Solution()
check(err)
p := must(toy.Problem(true))
dgd := must(constrained.DualGradientDescent(p, constrained.DGDConfig{}))
al := must(constrained.AugmentedLagrangian(p, constrained.ALConfig{}))
fmt.Printf("closed form:            x* = (%.4f, %.4f), λ* = %.4f\n", xStar[0], xStar[1], lamStar)
fmt.Printf("dual gradient descent:  x  = (%.4f, %.4f), λ  = %.4f after %d iterations\n", dgd.X[0], dgd.X[1], dgd.Lambda[0], len(dgd.History))
fmt.Printf("augmented Lagrangian:   x  = (%.4f, %.4f), λ  = %.4f after %d iterations\n", al.X[0], al.X[1], al.Lambda[0], len(al.History))
n := len(dgd.History)
x := make([]float64, n)
v1, v2 := make([]float64, n), make([]float64, n)
for i := range x {
	x[i] = float64(i + 1)
	v1[i] = math.Max(dgd.History[i].Violation, 1e-16)
	v2[i] = math.Max(al.History[min(i, len(al.History)-1)].Violation, 1e-16)
}
show(plotting.LinesLogY("Constraint violation ‖C(x)‖ per iteration", "iteration", "‖C(x*)‖", x,
	plotting.Series{Name: "dual gradient descent", Y: v1}, plotting.Series{Name: "augmented Lagrangian (held after convergence)", Y: v2}))
""")

md(r"""
## Summary

* Fitted models are local, so each update is a **trust-region** step: $D_{\mathrm{KL}}(p(\tau)\|\bar p(\tau)) \le \epsilon$.
* Because dynamics and initial state are shared, that KL is a sum over time of expected KLs between controllers — computable in
  closed form for linear-Gaussian controllers, and checked here by Monte Carlo.
* The constrained problem is solved by dual gradient descent on $\eta$: each $\eta$ is a maximum-entropy LQR on $c/\eta - \log\bar p$.
* $\epsilon$ trades speed for safety; guided policy search adapts it from predicted versus actual improvement.

**Exercises.** 1. Set `trajopt.KLConfig{Method: trajopt.DualGradient, DualStep: ...}` with a step ten times too large: what happens
to $\eta$? 2. Run section 4 with the least-squares fitter and 10 rollouts: at which $\epsilon$ does the model break? 3. Replace the
equality toy by `constrained.BallToy()` (an inequality): how does the multiplier behave while the constraint is inactive?
""")

write(__file__)
