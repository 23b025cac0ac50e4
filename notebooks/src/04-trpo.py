"""Lesson 04 — TRPO. Builds notebooks/04-trpo.ipynb."""
from nbgen import code, exercise, md, write

md(r"""
# Lesson 04 — Trust Region Policy Optimization

Lessons 02–03 kept each update of a *trajectory distribution* inside a KL trust region. TRPO does the same for a
**neural-network policy** $\pi_\theta(u \mid x)$ trained by policy gradients, with no model at all.

Why is that needed? A supervised learner can take any gradient step: its data do not move. In RL **the data come from
the policy**: a step that is too large changes the states the policy visits, the gradient estimated on the old states
says nothing about the new ones, and learning can collapse. TRPO asks: how big a step can we take and still be sure to
improve?

The plan, as in the lecture:

1. a neat identity that writes a new policy's cost through the old one's advantages — checked to machine precision on a
   small MDP;
2. the surrogate $L_\pi(\tilde\pi)$, its bound $\eta(\tilde\pi) \le L_\pi(\tilde\pi) + C\,D^{\max}_{\mathrm{KL}}$ (with Pinsker's inequality, which
   makes the lecture's constant valid), the Kakade–Langford mixture update, and the importance-sampling form of the surrogate;
3. the practical algorithm: mean KL, trust region, the Fisher matrix through Fisher-vector products, conjugate gradient
   (each checked against an explicit computation on a tiny network), line search; the natural gradient as $\delta \to 0$;
4. TRPO on the pendulum, and TRPO against natural and vanilla policy gradient: what the line search does.

**Costs, then rewards.** Sections 1–3 follow the lecture and **minimise** an expected discounted cost
$\eta(\pi) = \mathbb E[\sum_t \gamma^t c(s_t)]$: "improvement" means $\eta$ goes down and every bound is an upper bound. From
section 4 on we train on the Gym pendulum, which reports **rewards** $r = -c$, and we **maximise** the return (the sum of
rewards): the same theory with the signs flipped, as in the TRPO paper.

**Controls.** δ, the trust-region size, on a slider in section 6: it redraws one TRPO update as you move it.

**Modes.** The long pendulum runs (minutes each) are stored full runs: the cells load them and say so, and
`%env RLCONTROL_RECOMPUTE=1` recomputes them. `%env RLCONTROL_QUICK=1` (commented out in the next cell) shortens whatever is
computed live.
""")

code(r"""
// %env RLCONTROL_QUICK=1

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/rlcontrol/rlcontrol/lessons"
	"github.com/rlcontrol/rlcontrol/live"
	"github.com/rlcontrol/rlcontrol/rl/tabular"
	"github.com/rlcontrol/rlcontrol/rl/trpo"
	"gonum.org/v1/gonum/mat"
)

// must returns v, or stops the cell with err's message; check stops it on
// an error.
func must[T any](v T, err error) T { lessons.Check(err); return v }
func check(err error)              { lessons.Check(err) }
""")

md(r"""
## 1. A neat identity

With the advantage $A_\pi(s,a) = Q_\pi(s,a) - V_\pi(s)$ and the (unnormalised) discounted visitation
$\rho_\pi(s) = P(s_0 = s) + \gamma P(s_1 = s) + \gamma^2 P(s_2 = s) + \dots$,

$$\eta(\tilde\pi) = \eta(\pi) + \sum_s \rho_{\tilde\pi}(s) \sum_a \tilde\pi(a \mid s)\, A_\pi(s, a).$$

(Proof sketch: $\mathbb E_{\tau\sim\tilde\pi}[\sum_t \gamma^t A_\pi(s_t,a_t)] = \mathbb E_{\tau\sim\tilde\pi}[\sum_t \gamma^t (c(s_t) + \gamma V_\pi(s_{t+1}) - V_\pi(s_t))] = \eta(\tilde\pi) - \eta(\pi)$,
the sum telescopes.) On a small MDP everything is exact — values by a linear solve, visitation by another — so we can
check it to machine precision on random policy pairs. The MDP: a 5-state corridor, actions left/right, cost 1 per step
until the goal at the right end, a 10% chance of slipping, $\gamma = 0.9$.
""")

code(r"""
%%
m := must(tabular.Chain(5, 0.1, 0.9))
rng := rand.New(rand.NewPCG(1, 2))
worst := 0.0
for i := 0; i < 100; i++ {
	pi := tabular.RandomPolicy(m.S, m.A, 1, rng)
	piNew := tabular.RandomPolicy(m.S, m.A, 1, rng)
	eta := must(tabular.Eta(m, piNew))
	rhs := must(tabular.Identity(m, pi, piNew))
	worst = math.Max(worst, math.Abs(eta-rhs))
	if i < 3 {
		fmt.Printf("pair %d: η(π̃) = %.12f   η(π) + Σ ρ_π̃ Σ π̃ A_π = %.12f\n", i, eta, rhs)
	}
}
fmt.Printf("largest difference over 100 random pairs: %.1e\n", worst)
lessons.Assert(worst < 1e-10, "the identity holds to round-off (largest difference %.1e)", worst)
""")

md(r"""
## 2. The surrogate, its bound, and conservative policy iteration

$\rho_{\tilde\pi}$ depends on $\tilde\pi$ in a complicated way. Replace it by the old visitation:

$$L_\pi(\tilde\pi) = \eta(\pi) + \sum_s \rho_\pi(s) \sum_a \tilde\pi(a \mid s) A_\pi(s, a).$$

$L$ matches $\eta$ to first order at $\tilde\pi = \pi$, so a small enough step that improves $L$ improves $\eta$. How small?
Everything hinges on how much $\tilde\pi$ differs from $\pi$. With $\alpha = D^{\max}_{\mathrm{TV}}(\pi,\tilde\pi) = \max_s \tfrac12\sum_a|\pi(a\mid s) - \tilde\pi(a\mid s)|$
the two policies can be **coupled** so that their actions differ with probability at most $\alpha$ per step, and that gives three
upper bounds on $\eta(\tilde\pi)$, from tightest to loosest — the columns of the table below:

* **coupling bound**: $L_\pi(\tilde\pi) + \dfrac{2\bar\epsilon\gamma\alpha}{(1-\gamma)(1-\gamma(1-\alpha))}$, with $\bar\epsilon = \max_s\big|\sum_a \tilde\pi(a\mid s)A_\pi(s,a)\big|$;
* **TV bound** (Schulman et al. 2015, Theorem 1 in its total-variation form): $L_\pi(\tilde\pi) + \dfrac{4\epsilon\gamma}{(1-\gamma)^2}\,\alpha^2$, with $\epsilon = \max_{s,a}|A_\pi(s,a)|$
  (using $\bar\epsilon \le 2\alpha\epsilon$ and $1 - \gamma(1-\alpha) \ge 1-\gamma$);
* **KL bound** (Theorem 1): $L_\pi(\tilde\pi) + C\, D^{\max}_{\mathrm{KL}}(\pi, \tilde\pi)$, $C = \dfrac{4\epsilon\gamma}{(1-\gamma)^2}$, because $\alpha^2 \le D^{\max}_{\mathrm{KL}}$.

The lecture's constant $2\epsilon\gamma/(1-\gamma)^2$ with $\epsilon = \max_s|\mathbb E_{a\sim\pi'}A_\pi(s,a)|$ is the earlier **Kakade–Langford**
result for *mixture* policies $\pi_{\text{new}} = (1-\alpha)\pi + \alpha\pi'$ (penalty $\propto\alpha^2$); the next cell but one shows when the
same constant is valid with the KL.
""")

code(r"""
%%
m := must(tabular.Chain(5, 0.1, 0.9))
rng := rand.New(rand.NewPCG(3, 4))
violations := 0
fmt.Println("   η(π̃)      L_π(π̃)   coupling bd   TV bound    KL bound")
for i := 0; i < 200; i++ {
	pi := tabular.RandomPolicy(m.S, m.A, 1, rng)
	dir := tabular.RandomPolicy(m.S, m.A, 1, rng)
	piNew := must(tabular.Mix(pi, dir, 0.05+0.9*rng.Float64()))
	c := must(tabular.Compare(m, pi, piNew))
	if c.EtaNew > c.BoundCoupling+1e-12 || c.BoundCoupling > c.BoundTV+1e-12 || c.BoundTV > c.BoundKL+1e-12 {
		violations++
	}
	if i < 4 {
		fmt.Printf("%9.4f  %9.4f  %11.4f  %9.4f  %10.4f\n", c.EtaNew, c.Surrogate, c.BoundCoupling, c.BoundTV, c.BoundKL)
	}
}
fmt.Printf("pairs where η ≤ coupling ≤ TV ≤ KL bound fails, of 200: %d\n", violations)
lessons.Assert(violations == 0, "the three bounds hold and nest on every pair")
""")

md(r"""
**Pinsker's inequality and the lecture's constant.** In every state $D_{\mathrm{TV}}(p, q)^2 \le \tfrac12 D_{\mathrm{KL}}(p\,\|\,q)$ (Pinsker; the TRPO paper
uses the weaker $D_{\mathrm{TV}}^2 \le D_{\mathrm{KL}}$). With the ½, the TV bound's $4\epsilon\gamma\alpha^2/(1-\gamma)^2$ is at most
$\dfrac{2\epsilon\gamma}{(1-\gamma)^2} D^{\max}_{\mathrm{KL}}$: the slide's constant **is** valid with the KL — when $\epsilon = \max_{s,a}|A_\pi(s,a)|$. Read with
$\epsilon = \max_s|\mathbb E_{a\sim\tilde\pi}A_\pi(s,a)|$ for a general step it is not a bound: that $\epsilon$ is itself of the order of the step, so the
penalty is third order while $\eta - L$ is second order, and small steps break it. The cell checks all three claims on small random
steps (mixtures with weight below 0.01).
""")

code(r"""
%%
m := must(tabular.Chain(5, 0.1, 0.9))
rng := rand.New(rand.NewPCG(5, 6))
C := 2 * m.Gamma / ((1 - m.Gamma) * (1 - m.Gamma)) // 2γ/(1−γ)², times ε
worstRatio, slide, literal := 0.0, 0, 0
for i := 0; i < 200; i++ {
	pi := tabular.RandomPolicy(m.S, m.A, 1, rng)
	piNew := must(tabular.Mix(pi, tabular.RandomPolicy(m.S, m.A, 1, rng), 0.01*rng.Float64()))
	for s := range pi {
		tv, kl := tabular.TV(pi[s], piNew[s]), tabular.KL(pi[s], piNew[s])
		worstRatio = math.Max(worstRatio, tv*tv/(kl/2))
	}
	c := must(tabular.Compare(m, pi, piNew))
	if c.EtaNew > c.Surrogate+C*c.EpsMax*c.MaxKL+1e-12 { // ε = max_{s,a} |A|
		slide++
	}
	if c.EtaNew > c.Surrogate+C*c.EpsNew*c.MaxKL+1e-12 { // ε = max_s |E_π̃ A|
		literal++
	}
}
fmt.Printf("largest D_TV² / (½ D_KL) over all states of 200 pairs: %.6f\n", worstRatio)
fmt.Printf("η > L + 2εγ/(1−γ)²·KLmax with ε = max|A|: %d of 200;  with ε = max_s|E_π̃ A|: %d of 200\n", slide, literal)
lessons.Assert(worstRatio <= 1 && slide == 0 && literal > 0, "Pinsker holds, the slide's constant is a bound with ε = max|A| and not with the misread ε")
""")

md(r"""
**Conservative policy iteration.** Kakade and Langford mix a little of the greedy policy $\pi' = \arg\min_a A_\pi$ into $\pi$:
$\pi_{\text{new}} = (1-\alpha)\pi + \alpha\pi'$ with the $\alpha^*$ that maximises the *guaranteed* improvement of the mixture bound.
First the gap $\eta - L$ along the mixture path towards the greedy policy, which shrinks like $t^2$ (the ratio settles to a
constant); then CPI from the uniform policy against policy iteration (which takes $\alpha = 1$).
""")

code(r"""
%%
m := must(tabular.Chain(5, 0.1, 0.9))
pi := tabular.Uniform(m.S, m.A)
greedy := tabular.Greedy(tabular.MustEvaluate(m, pi).Q)
for _, t := range []float64{0.1, 0.03, 0.01, 0.003, 0.001} {
	pt := must(tabular.Mix(pi, greedy, t))
	gap := must(tabular.Eta(m, pt)) - must(tabular.Surrogate(m, pi, pt))
	fmt.Printf("t = %.3f: η − L = %+.3e,  (η − L)/t² = %+.4f\n", t, gap, gap/(t*t))
}
out := must(lessons.CPIScenario{}.Run()).(*lessons.CPIOutcome)
fmt.Printf("conservative policy iteration: first α* = %.4f, %d steps to η = %.4f\n", out.FirstStep, out.Steps, out.Eta)
fmt.Printf("policy iteration: %d step(s) to η* = %.4f\n", out.OptSteps, out.OptEta)
lessons.Assert(out.Steps > 100*out.OptSteps, "CPI's guaranteed steps are tiny: %d steps against %d", out.Steps, out.OptSteps)
lessons.ShowFigures(out.Figures())
""")

md(r"""
### The surrogate as an importance-sampled expectation

$L_\pi$ sums over the actions of the **new** policy, but our samples come from the **old** one. Importance sampling
rewrites the inner sum as an expectation under $\pi_{\text{old}}$, so one batch from $\pi_{\text{old}}$ estimates $L$ for every candidate $\theta$:

$$\sum_a \pi_\theta(a\mid s) A(s,a) = \mathbb E_{a\sim\pi_{\text{old}}}\Big[\frac{\pi_\theta(a\mid s)}{\pi_{\text{old}}(a\mid s)} A(s,a)\Big] = \mathbb E_{a\sim\pi_\theta}[A(s,a)].$$

And at $\theta = \theta_{\text{old}}$ its gradient is the policy gradient: $\nabla_\theta \frac{\pi_\theta}{\pi_{\text{old}}}\big|_{\theta_{\text{old}}} = \nabla_\theta \log\pi_\theta$, so
$\nabla_\theta L = \sum_s\rho_\pi(s)\,\mathbb E_{a\sim\pi}[\nabla_\theta\log\pi_\theta(a\mid s)A_\pi(s,a)] = \nabla_\theta\eta$. Both on the corridor with a softmax
policy: a Monte Carlo estimate from old-policy actions against the exact new-policy sum, then finite differences of
$L_{\pi_{\text{old}}}(\pi_\theta)$ against the exact policy gradient $\nabla_\theta\eta$ (`tabular.SoftmaxGradient`).
""")

code(r"""
%%
m := must(tabular.Chain(5, 0.1, 0.9))
rng := rand.New(rand.NewPCG(7, 8))
thOld := [][]float64{{0.3, 0}, {0, 0}, {0, 0.2}, {0.1, 0}, {0, 0}}
th := [][]float64{{0.8, 0}, {0, 0.5}, {-0.4, 0.2}, {0.1, 0.6}, {0, -0.3}}
piOld, piNew := tabular.MustSoftmax(thOld), tabular.MustSoftmax(th)
A := tabular.MustEvaluate(m, piOld).Adv
const N = 200000
worst := 0.0
for s := 0; s < m.S; s++ {
	exact, sum := piNew[s][0]*A[s][0]+piNew[s][1]*A[s][1], 0.0
	for i := 0; i < N; i++ {
		a := 0 // a ~ π_old(·|s)
		if rng.Float64() > piOld[s][0] {
			a = 1
		}
		sum += piNew[s][a] / piOld[s][a] * A[s][a]
	}
	fmt.Printf("state %d: E_π_old[ratio·A] ≈ %+.4f (%d samples)   Σ_a π_θ A = %+.4f\n", s, sum/N, N, exact)
	worst = math.Max(worst, math.Abs(sum/N-exact))
}
lessons.Assert(worst < 0.01, "the importance-sampled average matches the new policy's expectation (largest gap %.4f)", worst)
""")

code(r"""
%%
m := must(tabular.Chain(5, 0.1, 0.9))
thOld := [][]float64{{0.3, 0}, {0, 0}, {0, 0.2}, {0.1, 0}, {0, 0}}
piOld := tabular.MustSoftmax(thOld)
grad := must(tabular.SoftmaxGradient(m, thOld)) // ∇_θ η at θ_old, exact
const h = 1e-6
worst := 0.0
for s := range thOld {
	for a := range thOld[s] {
		thOld[s][a] += h
		Lp := must(tabular.Surrogate(m, piOld, tabular.MustSoftmax(thOld)))
		thOld[s][a] -= 2 * h
		Lm := must(tabular.Surrogate(m, piOld, tabular.MustSoftmax(thOld)))
		thOld[s][a] += h
		fd := (Lp - Lm) / (2 * h)
		fmt.Printf("θ[%d][%d]: ∂L/∂θ = %+.7f   ∂η/∂θ = %+.7f\n", s, a, fd, grad[s][a])
		worst = math.Max(worst, math.Abs(fd-grad[s][a]))
	}
}
lessons.Assert(worst < 1e-6, "∇L = ∇η at θ_old (largest difference %.1e)", worst)
""")

exercise(
    "the surrogate on the corridor",
    r"""
Write `mySurrogate`, the lecture's $L_\pi(\tilde\pi) = \eta(\pi) + \sum_s \rho_\pi(s) \sum_a \tilde\pi(a\mid s) A_\pi(s,a)$, from the exact evaluation
of the old policy: `ev := tabular.MustEvaluate(m, pi)` has `ev.Eta` $=\eta(\pi)$, `ev.Rho[s]` $=\rho_\pi(s)$ and `ev.Adv[s][a]` $= A_\pi(s,a)$.
The check compares it with `tabular.Surrogate` on random policy pairs on the corridor and on a random MDP.
""",
    r"""
// mySurrogate returns L_π(π̃) = η(π) + Σ_s ρ_π(s) Σ_a π̃(a|s) A_π(s, a).
func mySurrogate(m *tabular.MDP, pi, piNew tabular.Policy) float64 {
	return 0 // TODO
}
""",
    r"""
%%
lessons.Grade("Exercise: the surrogate", lessons.CheckSurrogate(mySurrogate))
""",
    r"""
func mySurrogate(m *tabular.MDP, pi, piNew tabular.Policy) float64 {
	ev := tabular.MustEvaluate(m, pi)
	L := ev.Eta
	for s := range piNew {
		for a := range piNew[s] {
			L += ev.Rho[s] * piNew[s][a] * ev.Adv[s][a]
		}
	}
	return L
}
""")

md(r"""
## 3. From the bound to an algorithm

Minimising $L_\pi(\tilde\pi) + C D^{\max}_{\mathrm{KL}}$ guarantees improvement but takes tiny steps ($C$ is huge for $\gamma$ near 1),
and the max over states cannot be estimated from samples. TRPO instead solves a **trust-region** problem with the **mean** KL
under the old visitation, which samples estimate (written for rewards, as we will train):

$$\max_\theta\ \hat{\mathbb E}\Big[\frac{\pi_\theta(a\mid s)}{\pi_{\text{old}}(a\mid s)}\hat A(s,a)\Big]\quad\text{s.t.}\quad \hat{\mathbb E}\big[D_{\mathrm{KL}}(\pi_{\text{old}}(\cdot\mid s)\,\|\,\pi_\theta(\cdot\mid s))\big] \le \delta.$$

Linearise the objective ($g$) and quadratise the constraint (the Fisher matrix $F$, the Hessian of the mean KL): the step is
$\Delta\theta = \sqrt{2\delta / g^\top F^{-1} g}\; F^{-1} g$ — the **natural gradient**, scaled so that the quadratic model $\tfrac12\Delta\theta^\top F\Delta\theta$ equals $\delta$.
Because the quadratic model is only a model, a backtracking line search accepts the step only if the measured KL is at most $\delta$
and the surrogate improved. (Natural policy gradient = the same step, always taken. The lecture's *vanilla* policy gradient
solves the same problem with the Euclidean ball $\tfrac12\|\Delta\theta\|^2 \le \delta$ instead: $\Delta\theta = \sqrt{2\delta/\|g\|^2}\,g$.)

As $\delta \to 0$ the exact KL-constrained step *is* the natural-gradient step. On the corridor with a softmax policy:
""")

code(r"""
%%
m := must(tabular.Chain(5, 0.1, 0.9))
theta := [][]float64{{0.3, 0}, {0, 0}, {0, 0.2}, {0.1, 0}, {0, 0}}
pi := tabular.MustSoftmax(theta)
var rel []float64
for _, delta := range []float64{1e-1, 1e-2, 1e-3, 1e-4, 1e-5} {
	st := must(tabular.KLConstrainedStep(m, pi, delta))
	dth := must(tabular.LogitChange(pi, st.Policy))
	nat := must(tabular.NaturalStep(m, theta, delta))
	diff, norm := 0.0, 0.0
	for s := range nat {
		for a := range nat[s] {
			diff += (dth[s][a] - nat[s][a]) * (dth[s][a] - nat[s][a])
			norm += nat[s][a] * nat[s][a]
		}
	}
	rel = append(rel, math.Sqrt(diff/norm))
	fmt.Printf("δ = %.0e: exact KL-constrained step vs natural-gradient step: relative difference %.4f\n", delta, rel[len(rel)-1])
}
lessons.Assert(rel[4] < rel[0]/100, "the difference vanishes as δ → 0")
""")

md(r"""
### Fisher-vector products and conjugate gradient, on a network small enough to look at

With a network's thousands of parameters $F$ is never formed: conjugate gradient solves $F s = g$ using only products
$Fv = \nabla_\theta\big(\nabla_\theta \bar D_{\mathrm{KL}}(\theta)\cdot v\big)$ at $\theta_{\text{old}}$, computed by double backpropagation (`trpo.Updater.FisherVectorProduct`). On a
2→4→1 Gaussian policy (18 parameters) and a batch of 256 random states we can check both. First the product: it is the
directional derivative of the KL gradient, so central differences $(\nabla\bar D_{\mathrm{KL}}(\theta+hv) - \nabla\bar D_{\mathrm{KL}}(\theta-hv))/2h$ must approach it as $h \to 0$
(with an $O(h^2)$ error).
""")

code(r"""
%%
p := must(lessons.NewFisherProblem())
n := len(p.Theta)
fmt.Printf("2→4→1 policy: %d parameters, a batch of %d states\n", n, p.Batch)
rng := rand.New(rand.NewPCG(5, 6))
v := make([]float64, n)
for i := range v {
	v[i] = rng.NormFloat64()
}
Fv := must(p.Fv(v))
var errs []float64
for _, h := range []float64{1e-1, 1e-2, 1e-3} {
	plus, minus := must(p.KLGrad(p.Shift(h, v))), must(p.KLGrad(p.Shift(-h, v)))
	fd := make([]float64, n)
	for i := range fd {
		fd[i] = (plus[i] - minus[i]) / (2 * h)
	}
	errs = append(errs, lessons.RelErr(fd, Fv))
	fmt.Printf("h = %.0e: ‖finite difference − Fv‖ / ‖Fv‖ = %.1e\n", h, errs[len(errs)-1])
}
lessons.Assert(errs[2] < 1e-5 && errs[1] < errs[0]/50, "the FVP is the limit of the finite differences, error O(h²)")
""")

md(r"""
Now the solve. Building $F$ explicitly takes one product per parameter, $F e_j$ is column $j$. With TRPO's damping
($F + 0.1 I$, which keeps CG stable where $F$ is nearly singular) we solve exactly by Cholesky and compare with
`trpo.ConjugateGradient` stopped after $k$ iterations: the error of $x_k$ and the residual $\|(F + 0.1I)x_k - g\|$.
""")

code(r"""
%%
p := must(lessons.NewFisherProblem())
n, damping := len(p.Theta), 0.1
A := mat.NewSymDense(n, nil) // F + damping·I, column j from F e_j
for j := 0; j < n; j++ {
	e := make([]float64, n)
	e[j] = 1
	col := must(p.Fv(e))
	for i := 0; i <= j; i++ {
		A.SetSym(i, j, col[i]+damping*e[i])
	}
}
var chol mat.Cholesky
lessons.Assert(chol.Factorize(A), "F + 0.1 I is positive definite")
var exact mat.VecDense
check(chol.SolveVecTo(&exact, mat.NewVecDense(n, p.G)))
fmt.Printf("condition number of F + 0.1 I: %.0f\n", chol.Cond())
Av := func(v []float64) ([]float64, error) { // (F + 0.1 I) v, by double backpropagation
	y, err := p.Fv(v)
	for i := range y {
		y[i] += damping * v[i]
	}
	return y, err
}
var errs []float64
for _, k := range []int{1, 2, 5, 10, n} {
	x, _, err := trpo.ConjugateGradient(Av, p.G, k, 0)
	check(err)
	r := must(Av(x))
	errs = append(errs, lessons.RelErr(x, exact.RawVector().Data))
	fmt.Printf("CG, %2d iterations: ‖x − x*‖/‖x*‖ = %.1e   ‖(F+0.1I)x − g‖/‖g‖ = %.1e\n", k, errs[len(errs)-1], lessons.RelErr(r, p.G))
}
lessons.Assert(errs[len(errs)-1] < 1e-6, "CG with as many iterations as parameters reaches the exact solve")
""")

exercise(
    "the step to the edge of the trust region",
    r"""
Given the search direction $s$ (CG's approximation of $F^{-1}g$) and the Fisher matrix $F$, TRPO scales the step so that the
quadratic model of the KL equals $\delta$: $\tfrac12\Delta\theta^\top F\Delta\theta = \delta$ with $\Delta\theta = \beta s$. Write `trustRegionStep` returning
$\Delta\theta = \sqrt{2\delta / s^\top F s}\; s$. The check tries random positive-definite $F$ and three values of $\delta$.
""",
    r"""
// trustRegionStep returns Δθ = √(2δ / sᵀFs)·s.
func trustRegionStep(s []float64, F [][]float64, delta float64) []float64 {
	return nil // TODO
}
""",
    r"""
%%
lessons.Grade("Exercise: the trust-region step", lessons.CheckTrustRegionStep(trustRegionStep))
""",
    r"""
func trustRegionStep(s []float64, F [][]float64, delta float64) []float64 {
	sFs := 0.0
	for i := range s {
		for j := range s {
			sFs += s[i] * F[i][j] * s[j]
		}
	}
	beta := math.Sqrt(2 * delta / sFs)
	step := make([]float64, len(s))
	for i := range s {
		step[i] = beta * s[i]
	}
	return step
}
""")

md(r"""
## 4. TRPO on the pendulum

**From here on: rewards.** The Gym pendulum reports the reward $r = -(\theta^2 + 0.1\dot\theta^2 + 0.001u^2)$ per step (torque $|u| \le 2$,
speed $|\dot\theta| \le 8$, $\Delta t = 0.05$, episodes of $200$ steps from a random start), and we **maximise** the return, the sum of
rewards of an episode; a policy that swings up and balances loses little per step, a random one a lot.

Our set-up (`lessons.PendulumTRPOConfig`, printed by the cell): Gaussian MLP policy (64×64 tanh, state-independent $\log\sigma$), a value
baseline of the same size, GAE advantages, $\delta = 0.02$, conjugate gradient with damping, batches from several environment copies
stepped together. (The pendulum's reward is dense and its useful horizon short: $\gamma = 0.9$ learns much faster in this budget than
the generic 0.99.) A full run takes minutes, so the cell loads the stored run (seed 1 of the comparison in section 5); the
end of section 6 puts $\delta$ on a slider, on one update.
""")

code(r"""
%%
cfg := must(lessons.PendulumTRPOConfig(1).WithDefaults()) // γ = 0.9 here; the generic choice is 0.99
fmt.Printf("networks %v tanh; set-up: batches of %d steps from %d copies, γ = %g, GAE λ = %g, %d steps in all, δ = %g\n",
	cfg.Hidden, cfg.StepsPerIter, cfg.Envs, cfg.Gamma, cfg.Lambda, cfg.TotalSteps, cfg.MaxKL)
out := must(lessons.TRPORunScenario{}.Run()).(*lessons.TRPORunOutcome)
fmt.Println(out.Source)
r := out.Run
for i := 0; i < len(r.Steps); i += 10 {
	fmt.Printf("  %6.0f steps: mean return %8.1f   KL %.4f   backtracks %2d\n", r.Steps[i], r.Return[i], r.KL[i], r.Backtracks[i])
}
fmt.Printf("first iteration (the initial policy): %.1f; mean over the last 10 iterations: %.1f\n", r.Return[0], r.Final)
lessons.ShowFigures(out.Figures())
""")

md(r"""
The return climbs from the initial policy's to the final one printed above, and every accepted update's measured KL stays
at or below the dashed $\delta$ line — that is what the line search enforces.
""")

exercise(
    "generalized advantage estimation",
    r"""
TRPO's advantages are GAE($\gamma, \lambda$): $\delta_t = r_t + \gamma V(s_{t+1}) - V(s_t)$ and $\hat A_t = \sum_{l\ge0}(\gamma\lambda)^l\delta_{t+l}$, computed backwards as
$\hat A_t = \delta_t + \gamma\lambda\hat A_{t+1}$. Write `gae` for one stretch of an episode with no termination inside: `values[t]` $= V(s_t)$,
`next[t]` $= V(s_{t+1})$ (the last entry is the bootstrap value where the stretch is cut). The check compares with `trpo.GAE`
for $\gamma = 0.9$ and $\lambda \in \{0.95, 0, 1\}$, starting with rewards $(1, 0, -1, 2)$.
""",
    r"""
// gae returns Â_t = Σ_l (γλ)^l δ_{t+l}, δ_t = r_t + γ next[t] − values[t].
func gae(rewards, values, next []float64, gamma, lambda float64) []float64 {
	return make([]float64, len(rewards)) // TODO
}
""",
    r"""
%%
lessons.Grade("Exercise: GAE", lessons.CheckGAE(gae))
""",
    r"""
func gae(rewards, values, next []float64, gamma, lambda float64) []float64 {
	adv := make([]float64, len(rewards))
	acc := 0.0
	for t := len(rewards) - 1; t >= 0; t-- {
		delta := rewards[t] + gamma*next[t] - values[t]
		acc = delta + gamma*lambda*acc
		adv[t] = acc
	}
	return adv
}
""")

md(r"""
## 5. TRPO against natural and vanilla policy gradient

Same sampling, advantages and baseline; only the update differs. Natural PG takes the trust-region-scaled natural step
without a line search. For **vanilla** PG we need a step size, and a bad one makes a strawman. The stored sweep below
(seed 1, full budget) tries a fixed learning rate, $\Delta\theta = \alpha g$ on normalised advantages, and the lecture's Euclidean
ball, $\Delta\theta = \sqrt{2\delta/\|g\|^2}\,g$ — a step of fixed length $\sqrt{2\delta}$ in parameter space.
""")

code(r"""
%%
out := must(lessons.VPGSweepScenario{}.Run()).(*lessons.RunsOutcome)
fmt.Println(out.Source)
best, bestReturn := 0.0, math.Inf(-1)
for _, r := range out.Runs {
	fmt.Printf("%-28s last-10 return %8.1f   largest KL of an update %8.3f nats\n", r.Name, r.Runs[0].Final, r.MaxKL())
	if r.Algorithm == trpo.EuclideanPG.String() && r.Runs[0].Final > bestReturn {
		best, bestReturn = r.Delta, r.Runs[0].Final
	}
}
fmt.Printf("best Euclidean ball: ½‖Δθ‖² ≤ %g (return %.1f); the comparison uses ½‖Δθ‖² ≤ %g\n", best, bestReturn, lessons.EuclideanDelta)
lessons.Assert(best == lessons.EuclideanDelta, "the comparison uses the best ball of the sweep")
for _, r := range out.Runs {
	lessons.Assert(r.Runs[0].Final < -1100, "%s does not learn within the budget (%.1f)", r.Name, r.Runs[0].Final)
}
""")

md(r"""
No step size makes vanilla PG learn the swing-up within this budget. The fixed $\alpha = 0.01$ barely moves the policy (its
largest update changes the policy by a KL of 0.001 nats) and ends at −1214.4; the best is the lecture's Euclidean ball
$\tfrac12\|\Delta\theta\|^2 \le 0.002$, at −1114.8; larger steps ($\alpha = 1$, or the ball $0.02$) make updates whose KL reaches 117.387 and
4.154 nats, far outside any trust region. A fixed length in parameter space is too long in some directions of $\theta$ and too
short in others; measuring the step by the KL, as the natural gradient does, removes that. The comparison uses the best ball.
""")

code(r"""
%%
out := must(lessons.ComparisonScenario{}.Run()).(*lessons.RunsOutcome)
fmt.Println(out.Source)
for i, r := range out.Runs {
	over, all := r.OverDelta()
	bt, upd, _ := r.BacktrackCount()
	fmt.Printf("%-26s last-10 return %7.1f (per seed %.1f)\n", r.Name, out.Curves[i].Final, out.Curves[i].PerSeed)
	if r.Algorithm == trpo.EuclideanPG.String() { // its δ bounds ½‖Δθ‖², not the KL
		fmt.Printf("%-26s largest KL of an update %.3f nats\n", "", r.MaxKL())
		continue
	}
	fmt.Printf("%-26s KL > δ in %d of %d updates (largest %.4f nats, δ = %g); %d backtracks in %d updates\n", "", over, all, r.MaxKL(), r.Delta, bt, upd)
}
tr, npg, vpg := out.Curves[0].Final, out.Curves[1].Final, out.Curves[2].Final
lessons.Assert(math.Abs(tr-npg) < 10 && vpg < npg-500, "TRPO (%.1f) and natural PG (%.1f) end close, vanilla PG (%.1f) far below", tr, npg, vpg)
lessons.ShowFigures(out.Figures())
""")

md(r"""
At $\delta = 0.02$ the two natural-gradient methods end close — TRPO at −186.7 and natural PG at −190.7, means over three seeds
whose per-seed values show the spread — and vanilla PG stays far below at −1116.1. At this $\delta$ the quadratic model of the KL is
good: natural PG's measured KL exceeds $\delta$ in 19 of its 150 updates and never goes beyond 0.0252 nats, and TRPO's line search
backtracks in 19 of its 150 updates, once each. Here the line search changes little. It matters when $\delta$ is large.

## 6. A large trust region: what the line search does

### One update: move $\delta$ yourself

Whole runs take minutes; one update does not. The control below takes **one** update of a fixed pendulum policy — the
set-up of section 4 after 10 TRPO iterations at $\delta = 0.02$ (stored) — on one batch of 2000 steps, and redraws it as $\delta$ moves.
The search direction $s = (F + 0.1I)^{-1}g$ does not depend on $\delta$, only the step's length $\sqrt{2\delta / s^\top F s}$ does.
Left: the measured mean KL along the step against its quadratic model $\delta f^2$ ($f = 1$ is the full natural step, where the model
says $\delta$); middle: the surrogate gain against its linear prediction; right: the policy's mean torque at rest before and after
the step. The dashed vertical line is where TRPO's line search stops; natural PG always stops at $f = 1$.

**Try** 0.2 (the $\delta$ of the runs below), then 2, then 0.002. **Watch** the measured KL leave its model as $\delta$ grows, the surrogate
gain bend over, and TRPO's line move left as it backtracks. At the lesson's $\delta = 0.02$ (the default) the model is good: the
full step reaches 0.94 $\delta$ and TRPO takes it whole. A move answers in a second or two. The cell then prints the same update at
four values of $\delta$.
""")

code(r"""
%%
fmt.Printf("fixed policy: %d TRPO iterations at δ = %g (stored); one batch of %d steps\n", lessons.TRPOStepIters, lessons.TRPODeltaDefault, must(lessons.PendulumTRPOConfig(1).WithDefaults()).StepsPerIter)
v, _, err := live.Show("TRPO: one update of the pendulum policy", []live.Control{lessons.TRPODeltaControl()}, lessons.TRPODeltaRender)
check(err)
fmt.Println("      δ | natural PG: KL     = ·δ   gain | TRPO: backtracks  KL       = ·δ   gain")
var steps []*lessons.TRPOStep
for _, d := range []float64{0.002, 0.02, 0.2, 2} {
	st := must(lessons.TRPOStepAt(context.Background(), d, nil))
	steps = append(steps, st)
	fmt.Printf("%7g | %13.4g %6.2f %6.4f | %15d %8.4g %5.2f %6.4f\n", d, st.NaturalKL, st.NaturalKL/d, st.NaturalGain, st.Backtracks, st.TRPOKL, st.TRPOKL/d, st.TRPOGain)
}
if v.Float("delta") == lessons.TRPODeltaDefault {
	st := steps[1]
	lessons.Assert(st.NaturalKL <= st.Delta && st.Backtracks == 0, "at δ = 0.02 the full step stays within δ (%.2f δ) and TRPO takes it whole", st.NaturalKL/st.Delta)
}
for i, st := range steps {
	lessons.Assert(st.Backtracks >= 0 && st.TRPOKL <= st.Delta, "TRPO's step stays within δ = %g", st.Delta)
	if i >= 2 {
		lessons.Assert(st.NaturalKL/st.Delta > steps[i-1].NaturalKL/steps[i-1].Delta && st.NaturalKL > st.Delta && st.Backtracks > 0,
			"at δ = %g natural PG overshoots more than at δ = %g, and TRPO backtracks", st.Delta, steps[i-1].Delta)
	}
}
big := steps[3]
lessons.Assert(big.NaturalGain < big.TRPOGain, "at δ = 2 the full step gains less surrogate than TRPO's shorter one")
""")

md(r"""
Along this one update the quadratic model is good up to $\delta = 0.02$. At $\delta = 0.2$ natural PG's step reaches 1.39 $\delta$ and TRPO
backtracks once; at $\delta = 2$ it reaches 4.16 $\delta$, and its surrogate gain, 0.0524, is below the 0.1974 that TRPO gets after 3 backtracks:
past the surrogate's peak the full step is not only outside the trust region but worse on its own objective. The stored runs below measure
the same over whole runs.

### Whole runs

The same two methods at $\delta = 0.2$, ten times larger than the lesson's (stored runs, three seeds). The figure shows each
update's measured KL against $\delta$ (dashed line), the number of times TRPO's line search cut its step
($\Delta\theta \leftarrow 0.8\,\Delta\theta$) in each update, and the returns.
""")

code(r"""
%%
out := must(lessons.LargeDeltaScenario{}.Run()).(*lessons.RunsOutcome)
fmt.Println(out.Source)
tr, npg := out.Runs[0], out.Runs[1]
for i, r := range out.Runs {
	over, all := r.OverDelta()
	bt, upd, rej := r.BacktrackCount()
	fmt.Printf("%-11s δ = %g: last-10 return %7.1f (per seed %.1f)\n", r.Name, r.Delta, out.Curves[i].Final, out.Curves[i].PerSeed)
	fmt.Printf("            KL > δ in %d of %d updates, largest %.3f = %.1f δ; %d backtracks in %d updates, %d rejected\n",
		over, all, r.MaxKL(), r.MaxKL()/r.Delta, bt, upd, rej)
}
fmt.Println("seed 1, first iterations:  natural PG KL   TRPO KL   TRPO backtracks")
for i := 0; i < 8; i++ {
	fmt.Printf("  iteration %d:              %8.3f  %8.3f   %d\n", i+1, npg.Runs[0].KL[i], tr.Runs[0].KL[i], tr.Runs[0].Backtracks[i])
}
trOver, _ := tr.OverDelta()
npgOver, _ := npg.OverDelta()
trBack, _, _ := tr.BacktrackCount()
lessons.Assert(npgOver > 0 && npg.MaxKL() > 2*npg.Delta && trOver == 0 && trBack > 0, "natural PG overshoots δ, TRPO backtracks instead")
lessons.Assert(out.Curves[0].Final > out.Curves[1].Final, "TRPO ends above natural PG at δ = 0.2")
lessons.ShowFigures(out.Figures())
""")

md(r"""
At $\delta = 0.2$ the quadratic model of the KL is no longer accurate. Natural PG always takes the model's step and overshoots:
its measured KL exceeds $\delta$ in 65 of its 150 updates, by up to 6.0 times (1.207 nats). TRPO measures the KL of every trial
step and cuts back instead — 92 backtracks spread over 65 of its updates — so no accepted update leaves the trust region. It
ends at −345.2 against natural PG's −603.8 (means over the three seeds). Both are below what they reached at the smaller $\delta$ of
section 5: on the pendulum the line search makes a large $\delta$ much less harmful, but the smaller trust region is still the better one.
""")

md(r"""
## Summary

* The identity $\eta(\tilde\pi) = \eta(\pi) + \sum_s\rho_{\tilde\pi}\sum_a\tilde\pi A_\pi$ is exact; the surrogate swaps in the old visitation, is right to
  first order (its gradient at $\theta_{\text{old}}$ is the policy gradient), and importance sampling estimates it from old-policy actions.
* Improvement is guaranteed inside a KL ball (Theorem 1, with Pinsker's ½ the lecture's constant) — a trust region. TRPO makes it
  practical: mean KL, a quadratic model, conjugate gradient with Fisher-vector products, and a line search that checks the real KL.
* As $\delta \to 0$ TRPO's step is the natural gradient; the line search is what keeps a step inside the trust region when the
  quadratic model is off: at $\delta = 0.2$ natural PG's KL reached 6.0 times $\delta$ and it ended at −603.8, while TRPO
  backtracked instead and ended at −345.2.

**Further exercises.** 1. Turn the damping off (`cfg.Damping = -1`: a zero field selects the default, a negative one no damping)
and raise it to 1: what happens to the conjugate-gradient solution and to learning? 2. Replace GAE's $\lambda = 0.95$ (our set-up; the
package default is $0.97$) by 0 (`cfg.Lambda = -1`, likewise) and by 1. 3. Train on `env.NewCartPole()` with `trpo.Train` and
`lessons.CartPoleTRPOConfig` — how many steps until it balances for a whole episode (`lessons.BalanceSteps`)?
""")

md(r"""
## References

* S. Kakade. A natural policy gradient. *Advances in Neural Information Processing Systems 14 (NIPS 2001)*, 2002.
* S. Kakade and J. Langford. Approximately optimal approximate reinforcement learning. *Proceedings of the 19th International
  Conference on Machine Learning (ICML)*, 2002.
* J. Schulman, S. Levine, P. Moritz, M. Jordan and P. Abbeel. Trust region policy optimization. *Proceedings of the 32nd International
  Conference on Machine Learning (ICML)*, 2015.
* J. Schulman, P. Moritz, S. Levine, M. Jordan and P. Abbeel. High-dimensional continuous control using generalized advantage
  estimation. *International Conference on Learning Representations (ICLR)*, 2016.
* J. Peters and S. Schaal. Natural actor-critic. *Neurocomputing* 71(7–9):1180–1190, 2008.
* R. J. Williams. Simple statistical gradient-following algorithms for connectionist reinforcement learning. *Machine Learning*
  8:229–256, 1992.
* M. S. Pinsker. *Information and Information Stability of Random Variables and Processes*. Holden-Day, 1964 (Russian original 1960);
  the constant ½ is due to I. Csiszár, Information-type measures of difference of probability distributions and indirect
  observations, *Studia Scientiarum Mathematicarum Hungarica* 2:299–318, 1967.
* G. Brockman et al. OpenAI Gym. arXiv:1606.01540, 2016 (the pendulum task).
""")

write(__file__)
