"""Lesson 04 — TRPO. Builds notebooks/04-trpo.ipynb."""
from nbgen import code, md, write

md(r"""
# Lesson 04 — Trust Region Policy Optimization

Lessons 02–03 kept each update of a *trajectory distribution* inside a KL trust region. TRPO does the same for a
**neural-network policy** $\pi_\theta(u \mid x)$ trained by policy gradients, with no model at all.

Why is that needed? A supervised learner can take any gradient step: its data do not move. In RL **the data come from
the policy**: a step that is too large changes the states the policy visits, the gradient estimated on the old states
says nothing about the new ones, and learning can collapse. TRPO asks: how big a step can we take and still be sure to
improve?

The plan, as in the lecture (which **minimises** a cost $\eta(\pi) = \mathbb E[\sum_t \gamma^t c(s_t)]$):

1. a neat identity that writes a new policy's cost through the old one's advantages — checked to machine precision on a
   small MDP;
2. the surrogate $L_\pi(\tilde\pi)$, its bound $\eta(\tilde\pi) \le L_\pi(\tilde\pi) + C\,D^{\max}_{\mathrm{KL}}$ — checked on random policy pairs;
   and the Kakade–Langford mixture update;
3. the practical algorithm: mean KL, trust region, conjugate gradient, line search; the natural gradient as $\delta \to 0$;
4. TRPO on the pendulum: learning curves, a $\delta$ to move, and TRPO against natural and vanilla policy gradient.
""")

code(r"""
import (
	"flag"
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/rlcontrol/rlcontrol/lessons"
	"github.com/rlcontrol/rlcontrol/plotting"
	"github.com/rlcontrol/rlcontrol/rl/tabular"
	"github.com/rlcontrol/rlcontrol/rl/trpo"
)

// must returns v, or stops the cell with err's message; check stops it on
// an error; show displays a figure inline (SVG).
func must[T any](v T, err error) T { lessons.Check(err); return v }
func check(err error)               { lessons.Check(err) }
func show(fig *plotting.Figure, err error) { lessons.Show(fig, err) }
""")

md(r"""
## 1. A neat identity

With the advantage $A_\pi(s,a) = Q_\pi(s,a) - V_\pi(s)$ and the (unnormalised) discounted visitation
$\rho_\pi(s) = P(s_0 = s) + \gamma P(s_1 = s) + \gamma^2 P(s_2 = s) + \dots$,

$$\eta(\tilde\pi) = \eta(\pi) + \sum_s \rho_{\tilde\pi}(s) \sum_a \tilde\pi(a \mid s)\, A_\pi(s, a).$$

(Proof sketch: $\mathbb E_{\tau\sim\tilde\pi}[\sum_t \gamma^t A_\pi(s_t,a_t)] = \mathbb E_{\tau\sim\tilde\pi}[\sum_t \gamma^t (c(s_t) + \gamma V_\pi(s_{t+1}) - V_\pi(s_t))] = \eta(\tilde\pi) - \eta(\pi)$,
the sum telescopes.) On a small MDP everything is exact — values by a linear solve, visitation by another — so we can
check it to machine precision on random policy pairs. The MDP: a 5-state corridor, actions left/right, cost 1 per step
until the goal at the right end, a 10% chance of slipping.
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
if worst > 1e-10 {
	panic("the identity does not hold")
}
""")

md(r"""
## 2. The surrogate, its bound, and conservative policy iteration

$\rho_{\tilde\pi}$ depends on $\tilde\pi$ in a complicated way. Replace it by the old visitation:

$$L_\pi(\tilde\pi) = \eta(\pi) + \sum_s \rho_\pi(s) \sum_a \tilde\pi(a \mid s) A_\pi(s, a).$$

$L$ matches $\eta$ to first order at $\tilde\pi = \pi$, so a small enough step that improves $L$ improves $\eta$. How small?
Schulman et al. (2015, Theorem 1), for costs:

$$\eta(\tilde\pi) \le L_\pi(\tilde\pi) + C\, D^{\max}_{\mathrm{KL}}(\pi, \tilde\pi),\qquad C = \frac{4\epsilon\gamma}{(1-\gamma)^2},\quad \epsilon = \max_{s,a} |A_\pi(s,a)|.$$

The lecture's constant $2\epsilon\gamma/(1-\gamma)^2$ belongs to the earlier **Kakade–Langford** result for *mixture* policies
$\pi_{\text{new}} = (1-\alpha)\pi + \alpha\pi'$ (with $\epsilon$ from $\pi'$ and the penalty $\alpha^2$): conservative policy iteration picks the
$\alpha$ that maximises that guaranteed improvement. (Read literally for a general step the lecture's line is not a bound — the
package's tests find violations — so we state the two theorems separately.) Below: the bound on random pairs, and the gap
$\eta - L$ along the mixture path towards the greedy policy, which shrinks like $t^2$ (the ratio settles to a constant).
""")

code(r"""
%%
m := must(tabular.Chain(5, 0.1, 0.9))
rng := rand.New(rand.NewPCG(3, 4))
violations := 0
fmt.Println("   η(π̃)      L_π(π̃)   L + C·KLmax   (TV bound)  (coupling bound)")
for i := 0; i < 200; i++ {
	pi := tabular.RandomPolicy(m.S, m.A, 1, rng)
	dir := tabular.RandomPolicy(m.S, m.A, 1, rng)
	piNew := must(tabular.Mix(pi, dir, 0.05+0.9*rng.Float64()))
	c := must(tabular.Compare(m, pi, piNew))
	if c.EtaNew > c.BoundKL+1e-12 || c.EtaNew > c.BoundTV+1e-12 || c.EtaNew > c.BoundCoupling+1e-12 {
		violations++
	}
	if i < 4 {
		fmt.Printf("%9.4f  %9.4f  %11.4f  %11.4f  %11.4f\n", c.EtaNew, c.Surrogate, c.BoundKL, c.BoundTV, c.BoundCoupling)
	}
}
fmt.Printf("bound violations in 200 random pairs: %d\n", violations)
if violations > 0 {
	panic("an improvement bound failed")
}

// η − L along the mixture path π_t = (1 − t)π + t·greedy.
pi := tabular.Uniform(m.S, m.A)
greedy := tabular.Greedy(tabular.MustEvaluate(m, pi).Q)
for _, t := range []float64{0.1, 0.03, 0.01, 0.003, 0.001} {
	pt := must(tabular.Mix(pi, greedy, t))
	eta := must(tabular.Eta(m, pt))
	L := must(tabular.Surrogate(m, pi, pt))
	fmt.Printf("t = %.3f: η − L = %+.3e,  (η − L)/t² = %+.4f\n", t, eta-L, (eta-L)/(t*t))
}

cpi := must(tabular.ConservativePolicyIteration(m, pi, tabular.CPIConfig{MaxIter: 3000}))
pit := must(tabular.ConservativePolicyIteration(m, pi, tabular.CPIConfig{Alpha: 1}))
etas := cpi.Etas()
x := make([]float64, 0, 60)
y, star := []float64{}, []float64{}
for k := 0; k < len(etas); k += len(etas) / 50 {
	x, y, star = append(x, float64(k)), append(y, etas[k]), append(star, pit.Eta)
}
fmt.Printf("conservative policy iteration: %d steps to η = %.4f; policy iteration: %d step\n", len(cpi.Steps), cpi.Eta, len(pit.Steps))
show(plotting.Lines("Conservative policy iteration on the corridor", "step", "η (expected discounted cost)", x,
	plotting.Series{Name: "CPI with the guaranteed α*", Y: y}, plotting.Series{Name: "optimum (policy iteration)", Y: star}))
""")

md(r"""
## 3. From the bound to an algorithm

Minimising $L_\pi(\tilde\pi) + C D^{\max}_{\mathrm{KL}}$ guarantees improvement but takes tiny steps ($C$ is huge for $\gamma$ near 1),
and the max over states cannot be estimated from samples. TRPO instead solves a **trust-region** problem with the **mean** KL
under the old visitation, which samples estimate:

$$\max_\theta\ \hat{\mathbb E}\Big[\frac{\pi_\theta(a\mid s)}{\pi_{\text{old}}(a\mid s)}\hat A(s,a)\Big]\quad\text{s.t.}\quad \hat{\mathbb E}\big[D_{\mathrm{KL}}(\pi_{\text{old}}(\cdot\mid s)\,\|\,\pi_\theta(\cdot\mid s))\big] \le \delta.$$

Linearise the objective ($g$) and quadratise the constraint (the Fisher matrix $F$, the Hessian of the mean KL): the step is
$\Delta\theta = \sqrt{2\delta / g^\top F^{-1} g}\; F^{-1} g$ — the **natural gradient**, scaled to the trust region. With a network's
thousands of parameters $F$ is never formed: conjugate gradient solves $F s = g$ using only products $Fv = \nabla_\theta(\nabla_\theta \bar D_{\mathrm{KL}}\cdot v)$,
by double backpropagation. Because the quadratic model is only a model, a backtracking line search accepts the step only
if the measured KL is at most $\delta$ and the surrogate improved. (Natural policy gradient = the same step, always taken.)

As $\delta \to 0$ the exact KL-constrained step *is* the natural-gradient step. On the corridor with a softmax policy:
""")

code(r"""
%%
m := must(tabular.Chain(5, 0.1, 0.9))
theta := [][]float64{{0.3, 0}, {0, 0}, {0, 0.2}, {0.1, 0}, {0, 0}}
pi := tabular.MustSoftmax(theta)
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
	fmt.Printf("δ = %.0e: exact KL-constrained step vs natural-gradient step: relative difference %.4f\n", delta, math.Sqrt(diff/norm))
}
""")

md(r"""
## 4. TRPO on the pendulum

The Gym pendulum: torque $|u| \le 2$, speed $|\dot\theta| \le 8$, $\Delta t = 0.05$, reward $-(\theta^2 + 0.1\dot\theta^2 + 0.001u^2)$, 200 steps from
a random start. A random policy scores about $-1200$ per episode; swinging up and balancing scores about $-150$.
Our set-up (`lessons.PendulumTRPOConfig`): Gaussian MLP policy (64×64 tanh, state-independent $\log\sigma$), value
baseline of the same size, GAE($\gamma = 0.9$, $\lambda = 0.95$), batches of 2000 steps from 4 environment copies, $\delta = 0.02$,
10 conjugate-gradient iterations, damping 0.1, 100 000 steps in all. Every graph call handles all copies at once. (The pendulum's
reward is dense and its useful horizon short: $\gamma = 0.9$ learns much faster in 100k steps than the generic 0.99.)

**Measured (full run, `go run ./cmd/experiments trpo`, 5 seeds, 100k steps each, about 32 s per run on 2 cores):** mean return
over the last 10 iterations −184.8, −159.4, −216.0, −295.7, −243.7 (mean −220; 4 of 5 seeds at −250 or better; public TRPO results
are about −175 ± 130 at 100k). The test run trains for fewer steps and one seed. Move `--delta` on the `%%` line to see the trust region's effect (0.001: timid; 0.2: large steps that the
line search must cut back).
""")

code(r"""
var flagDelta = flag.Float64("delta", 0.02, "trust-region size δ (mean KL per update)")

%% --delta=0.02
cfg := lessons.PendulumTRPOConfig(1)
cfg.MaxKL = *flagDelta
if lessons.Quick() {
	cfg.TotalSteps = 20000
}
fmt.Printf("TRPO, δ = %g, %d steps:\n", cfg.MaxKL, cfg.TotalSteps)
curve := must(lessons.LearningCurve("TRPO", cfg, []uint64{1}, func(_ uint64, s trpo.IterStats) {
	if s.Iter%10 == 0 {
		fmt.Printf("  %6d steps: mean return %8.1f   KL %.4f   backtracks %2d   σ = %.2f\n",
			s.EnvSteps, s.MeanReturn, s.Step.KL, s.Step.Backtracks, math.Exp(s.LogStd[0]))
	}
}))
fmt.Printf("mean return over the last 10 iterations: %.1f\n", curve.Final)
show(lessons.CurvesFigure(fmt.Sprintf("TRPO on the pendulum (δ = %g)", cfg.MaxKL), curve))
""")

md(r"""
## 5. TRPO against natural and vanilla policy gradient

Same sampling, advantages and baseline; only the update differs. Vanilla PG takes $\Delta\theta = \alpha g$ (here $\alpha = 0.01$ on
normalised advantages), natural PG the trust-region-scaled natural step without a line search.
""")

code(r"""
%%
steps, seeds := 100000, []uint64{1, 2, 3}
if lessons.Quick() {
	steps, seeds = 10000, []uint64{1}
}
var curves []*lessons.Curve
for _, alg := range []trpo.Algorithm{trpo.TRPO, trpo.NaturalPG, trpo.VanillaPG} {
	cfg := lessons.PendulumTRPOConfig(0)
	cfg.Algorithm, cfg.TotalSteps = alg, steps
	c := must(lessons.LearningCurve(alg.String(), cfg, seeds, func(seed uint64, s trpo.IterStats) {
		if s.EnvSteps == cfg.TotalSteps { // one line per finished run: the full comparison takes minutes
			fmt.Printf("  %s, seed %d: %d steps, last return %.1f\n", alg, seed, s.EnvSteps, s.MeanReturn)
		}
	}))
	fmt.Printf("%-11s last-10-iteration return over %d seed(s): %.1f (per seed %.1f)\n", alg, len(seeds), c.Final, c.PerSeed)
	curves = append(curves, c)
}
show(lessons.CurvesFigure("Pendulum: TRPO vs natural vs vanilla policy gradient", curves...))
""")

md(r"""
## Summary

* The identity $\eta(\tilde\pi) = \eta(\pi) + \sum_s\rho_{\tilde\pi}\sum_a\tilde\pi A_\pi$ is exact; the surrogate swaps in the old visitation and is right to
  first order.
* Improvement is guaranteed inside a KL ball (Theorem 1) — a trust region. TRPO makes it practical: mean KL, a quadratic model,
  conjugate gradient with Fisher-vector products, and a line search that checks the real KL.
* As $\delta \to 0$ TRPO's step is the natural gradient; the line search is what lets $\delta$ be large enough to be useful.

**Exercises.** 1. Turn the damping off (`cfg.Damping = -1`: a zero field selects the default 0.1, a negative one no damping)
and raise it to 1: what happens to the conjugate-gradient solution? 2. Replace GAE's $\lambda = 0.97$ by 0 (`cfg.Lambda = -1`,
likewise) and by 1. 3. Train on `env.NewCartPole()` with `trpo.Train` — how many steps until it balances for 200 steps?
""")

write(__file__)
