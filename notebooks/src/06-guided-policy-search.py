"""Lesson 06 — Guided policy search. Builds notebooks/06-guided-policy-search.ipynb."""
from nbgen import code, exercise, md, write

md(r"""
# Lesson 06 — Guided policy search

Lesson 05 trained a network by imitating an expert that knows the model and can be asked about **any** state (DAgger).
Guided policy search (GPS) needs neither: its teachers are **local linear-Gaussian controllers**, one per training start
("condition"), each improved from samples on the real system with fitted local dynamics (lessons 02–03), and the teachers
**adapt to what the network can imitate**.

The plan, as in the lecture:

1. constrained trajectory optimisation: policy = trajectory as a constraint $u_t = \pi_\theta(x_t)$;
2. dual gradient descent, then the augmented Lagrangian, on a small problem (package `constrained`);
3. the GPS loop in the lecture's form — trajectory step, policy step, dual step — each a cell calling `rl/gps`;
4. mirror-descent GPS (MDGPS), the form the reference implementation runs: controllers KL-constrained to the policy;
5. the network against the nearest-neighbour policy of the dexterous-manipulation slide, on starts never trained on;
6. the lecture's "DAgger vs GPS" table with measured numbers.

The tasks are lesson 05's: the 2-link arm reaching a point and the point mass through a gap, nine training conditions each
(a 3×3 grid over the start region) and held-out starts never trained on. The global policy here sees the **full state**.
The three-seed table is a stored full run; `%env RLCONTROL_QUICK=1` shortens what runs live.

**Controls.** The augmented Lagrangian's first penalty weight $\rho_0$ and the KL bound $\varepsilon$, on sliders at the end of
section 3: they rerun a small AL-GPS as you move them.
""")

code(r"""
// %env RLCONTROL_QUICK=1

import (
	"context"
	"fmt"
	"math"

	"github.com/rlcontrol/rlcontrol/lessons"
	"github.com/rlcontrol/rlcontrol/live"
	"github.com/rlcontrol/rlcontrol/rl/constrained"
	"github.com/rlcontrol/rlcontrol/rl/gps"
	"github.com/rlcontrol/rlcontrol/rl/imitation"
)

func must[T any](v T, err error) T               { lessons.Check(err); return v }
func must2[A, B any](a A, b B, err error) (A, B) { check(err); return a, b }
func check(err error)                            { lessons.Check(err) }
""")

md(r"""
## 1. Constrained trajectory optimisation

Over the training conditions we want low cost **and** one policy that produces the trajectories:

$$\min_{\tau_1,\dots,\tau_K,\ \theta}\ \sum_i c(\tau_i) \quad \text{s.t.}\quad u_{i,t} = \pi_\theta(x_{i,t})\ \ \forall i, t.$$

Neither half is easy alone: trajectory optimisation does not produce a policy, and the policy's own optimisation
(lesson 04) is slow. The constraint couples them; duality splits them again.

## 2. Dual gradient descent and the augmented Lagrangian, on a small problem

For $\min_x f(x)$ s.t. $C(x) = 0$: $\mathcal L(x,\lambda) = f(x) + \lambda^\top C(x)$, the dual $g(\lambda) = \min_x \mathcal L$, and
$dg/d\lambda = C(x^*)$. Dual gradient descent alternates $x^* \leftarrow \arg\min_x \mathcal L$ and $\lambda \leftarrow \lambda + \alpha\, C(x^*)$.
The augmented Lagrangian adds $\rho\|C(x)\|^2$ and steps with $\alpha = 2\rho$. Here both run on package `constrained`'s
two-dimensional quadratic with one linear equality (its closed-form answer is known).
""")

code(r"""
%%
toy := constrained.EqualityToy()
p := must(toy.Problem(true))
xStar, lamStar := must2(toy.Solution())
dgd := must(constrained.DualGradientDescent(p, constrained.DGDConfig{Alpha: 0.5}))
al := must(constrained.AugmentedLagrangian(p, constrained.ALConfig{Rho: 2}))
fmt.Printf("closed form: x* = %.4f, λ* = %.4f\n", xStar, lamStar)
fmt.Printf("dual gradient descent (α = 0.5): %d iterations, x = %.4f, λ = %.4f\n", len(dgd.History), dgd.X, dgd.Lambda[0])
fmt.Printf("augmented Lagrangian (ρ = 2):    %d iterations, x = %.4f, λ = %.4f\n", len(al.History), al.X, al.Lambda[0])
lessons.Assert(dgd.Converged && al.Converged && math.Abs(al.Lambda[0]-lamStar) < 1e-5, "both reach λ*")
""")

md(r"""
Both reach the closed-form answer; the augmented Lagrangian needs fewer iterations, and its step $2\rho$ cannot
overshoot the way a too-large $\alpha$ can. GPS uses it for the same reason.

## 3. The GPS loop, in the lecture's form

With $\lambda_t$ and $\rho_t$ per condition and time step, the augmented Lagrangian of GPS is

$$\mathcal L = c(\tau) + \sum_t \lambda_t^\top(\pi_\theta(x_t) - u_t) + \sum_t \rho_t\,\|\pi_\theta(x_t) - u_t\|^2 .$$

1. **Trajectory step** (`TrajectoryStep`): for each condition sample $N$ rollouts of $p_i$ on the system, fit local dynamics
   (under a GMM prior shared by the conditions), expand the cost, add the two terms with $\pi_\theta$ linearised around the
   samples — a quadratic in $z = [x; u]$ — and minimise under the trust region $D_{\mathrm{KL}}(p\|\bar p) \le \epsilon$ (lesson 03).
2. **Policy step** (`PolicyStep`): completing the square, $\theta$ is a **regression** on the targets $u - \lambda_t/(2\rho_t)$ at the
   sampled states, with $u$ the new controller's mean action.
3. **Dual step** (`DualStep`): $\lambda_t \leftarrow \lambda_t + 2\rho_t\,\mathbb E[\pi_\theta(x_t) - u_t]$; $\rho$ doubles for a condition whose
   mismatch did not fall below 0.8 of its previous value.

One iteration on the arm, the three steps in one cell (the first trajectory step has no policy yet, so it is plain trajectory optimisation):
""")

code(r"""
%%
arm := imitation.ArmReach()
cfg := lessons.GPSConfig("arm", 1)
fmt.Printf("settings: N = %d samples per condition, ε = %g nats per step, ρ₀ = %g, limit penalty weight %g, %d conditions\n",
	cfg.Samples, cfg.Epsilon, cfg.Rho0, cfg.LimitWeight, len(arm.Train))
g := must(gps.New(arm, cfg))

// Step 1: sample, fit, expand, KL-constrained update of every local controller.
ts := must(g.TrajectoryStep())
fmt.Printf("trajectory step: mean sample cost %.1f, KL %.1f (bound ε·T = %.0f nats)\n", ts.MeanCost(), ts.KL[0], ts.Bound)

// Step 2: regression of π_θ on u − λ/(2ρ) at the sampled states.
ps := must(g.PolicyStep())
fmt.Printf("policy step: %d regression pairs, loss %.3f → %.3f (normalised units)\n", ps.Rows, ps.Loss[0], ps.Loss[len(ps.Loss)-1])

// Step 3: λ ← λ + 2ρ·E[π_θ − μ_p], ρ raised where the mismatch did not fall.
ds := must(g.DualStep())
fmt.Printf("dual step: mismatch E‖π_θ − μ_p‖ = %.3f N·m, largest |λ| = %.3f, ρ = %v\n", ds.MeanMismatch(), ds.MaxLambda, ds.Rho)
""")

md(r"""
The whole loop, as a registered scenario (the same three calls each iteration, nine conditions; ⏱ about 25 s). The
first figure is the mismatch between the policy and each local controller at the controller's own samples; the second shows,
for condition 0, the controller's shoulder torque along its own noise-free run and the policy's torque at the same states,
at the first, middle and last iterations: the teacher and the student meet.
""")

code(r"""
%%
alOut := must(lessons.ALScenario{}.Run()).(*lessons.ALOutcome)
for k := range alOut.Iters {
	fmt.Printf("iteration %d: mean sample cost %6.1f, mismatch %.4f N·m\n", k+1, alOut.Cost[k], alOut.Mean[k])
}
fall := alOut.Mean[0] / alOut.Mean[len(alOut.Mean)-1]
fmt.Printf("the mismatch fell %.1f× over the run\n", fall)
want := 3.0 // the full run's eight iterations
if lessons.Quick() {
	want = 1 // three iterations on three conditions
}
lessons.Assert(fall > want, "the mismatch falls more than %g×", want)
lessons.ShowFigures(alOut.Figures())
""")

md(r"""
The local controllers are not left to optimise the cost alone: the $\lambda$ and $\rho$ terms make them give up a little
cost for being imitable, while the regression pulls the network toward them. The package's test checks a 10× fall on a
small setting; the stored runs below report the fall on the full tasks.

### Move $\rho_0$ and $\varepsilon$ yourself

The controls rerun AL-GPS on the arm, smaller than the run above: three of the nine conditions (0, 4 and 8) for 6 iterations,
5–10 s a move on two idle cores (more on a busy machine), each iteration shown as it goes; a setting tried once is kept.
$\rho_0$ is the first penalty weight (it still doubles wherever the mismatch does not fall), $\varepsilon$ the trajectory step's
KL bound per time step. Once one setting differs from the defaults, the defaults' run is drawn beside it.

**Try** $\rho_0 = 10$ and $10^{-3}$, then $\varepsilon = 5$ and $0.05$. **Watch** the first two panels: does a larger penalty
bring the policy and the controllers together faster, and what does it cost the controllers? What does a small $\varepsilon$ do to
how fast their cost falls? At the defaults ($\rho_0 = 0.1$, $\varepsilon = 0.5$, the lesson's) the samples' cost falls from 359.4 to
68.2 and the mismatch 6.2×.
""")

code(r"""
%%
v, _, err := live.Show("AL-GPS on the arm: ρ₀ and ε", lessons.GPSControls(), lessons.GPSLiveRender)
check(err)
r := must(lessons.GPSLive(context.Background(), v.Float("rho"), v.Float("eps"), nil))
fmt.Printf("%d conditions, %d iterations; mismatch per iteration %.3f N·m; ρ per iteration %.3g\n", len(lessons.GPSLiveConditions), len(r.Cost), r.Mismatch, r.Rho)
if c := lessons.GPSConfig("arm", 1); v.Float("rho") == c.Rho0 && v.Float("eps") == c.Epsilon {
	lessons.Assert(r.Fall() > 3 && r.Cost[len(r.Cost)-1] < r.Cost[0]/2, "at the defaults the mismatch falls over 3× and the cost by over half")
}
""")

md(r"""
## 4. Mirror-descent GPS

MDGPS (Montgomery & Levine 2016), as the reference implementation runs it, drops the multipliers. Each iteration:
sample and fit as before; linearise the policy along each condition's samples into a linear-Gaussian controller $\bar\pi_i$
(gains from the network's Jacobian, covariance the controllers' mean covariance plus the regression residual); update

$$p_i \leftarrow \arg\min_p \mathbb E_p[c] \quad\text{s.t.}\quad D_{\mathrm{KL}}(p \,\|\, \bar\pi_i) \le \epsilon$$

(the first iteration bounds the KL to the previous controller, there being no policy yet), then fit the policy to the new
controllers' mean actions. The trust region is now around **the policy**: the controllers can only go where the network
can follow. The figure shows each update's KL (the first to the previous controller, later ones to $\bar\pi_i$) against
the bound and the η search's stopping tolerance. ⏱ about 25 s, with the held-out evaluation.
""")

code(r"""
%%
md := must(lessons.MDGPSScenario{}.Run()).(*lessons.MDGPSOutcome)
for k := range md.Iters {
	fmt.Printf("iteration %d: mean sample cost %6.1f, mismatch %.4f N·m\n", k+1, md.Cost[k], md.Mismatch[k])
}
fmt.Printf("KL bound ε·T = %g nats; every update within it (tolerance %g) or slack: %v\n", md.Bound, md.Tol, md.BoundMet())
lessons.Assert(md.BoundMet(), "MDGPS meets its KL bound at every iteration")
fmt.Printf("held-out starts: MDGPS policy %d/%d successes, mean cost %.1f, max |τ| %.2f N·m\n",
	md.Policy.Successes(), len(md.Policy.Outcomes), md.Policy.MeanCost, md.MaxAction)
fmt.Printf("                 nearest-neighbour %d/%d successes, mean cost %.1f\n",
	md.Nearest.Successes(), len(md.Nearest.Outcomes), md.Nearest.MeanCost)
lessons.ShowFigures(md.Figures())
""")

md(r"""
## 5. Three seeds, both tasks, and the nearest-neighbour policy

The **nearest-neighbour policy** of the dexterous-manipulation slide runs the local controller whose training start is nearest
to the run's start: no network at all. The network must beat it on starts it never saw. The table is the stored full run
(MDGPS and AL-GPS, three seeds, both tasks); the MPC expert, which knows the model, costs 55.25 on the arm and 204.24 on the
point mass, both at 100% (lesson 05's stored run, printed below).
""")

code(r"""
%%
runs, src := must2(lessons.GPSSeedRuns())
fmt.Println(src)
fmt.Print(lessons.GPSSeedTable(runs))
imRuns, imSrc := must2(lessons.ImitationSeedRuns())
fmt.Println("expert (MPC, full model), from", imSrc)
for _, r := range imRuns {
	if r.Method == "expert" && r.Seed == 1 {
		fmt.Printf("  %s: mean cost %.2f, success %.0f%%\n", r.Task, r.MeanCost, 100*r.SuccessRate)
	}
}
best := map[string]float64{}
for _, r := range runs {
	key := r.Task + " " + r.Method
	if _, ok := best[key]; !ok {
		best[key] = 1
	}
	best[key] = math.Min(best[key], r.SuccessRate)
}
fmt.Printf("worst seed's held-out success: arm MDGPS %.0f%%, arm AL-GPS %.0f%%, point mass MDGPS %.0f%%, point mass AL-GPS %.0f%%\n",
	100*best["arm MDGPS"], 100*best["arm AL-GPS"], 100*best["point mass MDGPS"], 100*best["point mass AL-GPS"])
lessons.Assert(best["arm MDGPS"] >= 0.9, "MDGPS succeeds on at least 90%% of the arm's held-out starts on every seed")
lessons.Assert(best["point mass MDGPS"] >= 0.9, "MDGPS succeeds on at least 90%% of the point mass's held-out starts on every seed")
pc, ac := lessons.GPSConfig("point mass", 0), lessons.GPSConfig("arm", 0)
fmt.Printf("settings: point mass ε = %g (step rule on: %v), limit penalty %g, first exploration variance %g, warm-up %d of %d iterations; arm ε = %g fixed, penalty %g\n",
	pc.Epsilon, !pc.FixedStep, pc.LimitWeight, pc.InitVar, pc.WarmUp, pc.Iterations, ac.Epsilon, ac.LimitWeight)
fmt.Printf("point mass policy step: %d perturbed copies per sampled state (spread %g of the samples'), conditions above %g× the median cost left out, learning rate %g → %g per fit\n",
	pc.Perturb, pc.PerturbScale, pc.DropFactor, 3e-3, pc.Fit.FinalLearningRate)
for _, r := range runs {
	if r.Task == "point mass" && r.Method == "MDGPS" {
		fmt.Printf("point mass MDGPS seed %d: sample cost %.0f (iteration 1) → %.0f (iteration 10, end of the warm-up) → %.0f (iteration %d)\n",
			r.Seed, r.SampleCost[0], r.SampleCost[9], r.SampleCost[len(r.SampleCost)-1], len(r.SampleCost))
	}
}
""")

md(r"""
What the table shows:

* **Arm, MDGPS**: the network succeeds from every held-out start on every seed, at a cost a little below the MPC expert's.
  That is not a better controller: the expert obeys the torque limit exactly, GPS only through a smooth penalty, and its
  `max|u|` column shows it goes slightly past 5 N·m. The nearest-neighbour policy does as well here: the arm's start region
  is small enough for nine local controllers to cover it.
* **Arm, AL-GPS**: the mismatch falls by more than an order of magnitude, but within twelve iterations the multipliers
  hold the local controllers back, and the policy reaches the goal from fewer than half of the starts. The lecture's form
  converges more slowly than MDGPS, whose trust region follows the policy instead of fighting it.
* **Point mass**: MDGPS's network succeeds from at least 90% of the held-out starts on every seed (100%, 100% and 96%),
  at a mean cost of 213.8, 210.5 and 218.8 against the expert's 204.24, ahead of the nearest-neighbour policy (92%, 75%
  and 62%): the start box is wide, and a local controller run from a start far from its own can hit a disc. Getting there
  took more than the arm's settings. With those (ε = 0.5 fixed, the force limit as a penalty of weight 100) no seed's
  network succeeded anywhere: that penalty, averaged over the noisy first samples, acts as a large action cost and the
  local controllers stalled far above the expert. Lesson 06 runs the point mass with ε = 0.2 and MDGPS's step-size rule,
  a penalty of weight 10, first controllers that explore with variance 0.25 instead of 1 (less noise near the discs), and
  ten warm-up iterations of trajectory optimisation alone (KL to the previous controller) before two iterations tied to
  the policy. The sample cost falls from 1763, 1861 and 1880 to 223, 304 and 231 by iteration 10 (seeds 1–3). Good local
  controllers are not enough: the network must also carry them to starts it never saw. Three changes to the **policy
  step** do that (`lessons.GPSConfig`'s comment gives the measurement that chose them). *Noise injection*: each
  sampled state also enters the regression twice more, moved by a small random δ (spread 0.1 of the samples'), labelled with the local controller's own feedback
  K_t(x + δ) + k_t, so the network learns how the controllers correct a drift, not only what they do on their own
  trajectories (the labels cost nothing: no rollout, no expert). *Leaving out stuck conditions*: a controller whose
  samples cost over twice the median (one that went round the far side of a disc and stopped there) is not imitated,
  and its update stays tied to its own previous controller rather than to the policy. *A learning rate that decays* to
  3e-4 within each fit, so the last fit settles. (Seed 2's mismatch ends above where it started: the mean is over all
  nine conditions, the left-out one included, which the network is not fitted to.) The network stays within 3.75 N against the 2 N limit. AL-GPS on the
  point mass, with the same policy step, succeeds from 67–79% of the starts: short of MDGPS on every seed.
""")

md(r"""
## 6. DAgger vs GPS, measured

The lecture's comparison: DAgger needs an expert it can query **at arbitrary states** and executes the partly trained policy;
GPS needs neither, but it needs **resets** to its training conditions (every rollout starts at one), and local
controllers that its model fitting can improve. Means over three seeds; DAgger's numbers are lesson 05's stored runs.
""")

code(r"""
%%
runs, _ := must2(lessons.GPSSeedRuns())
tab, err := lessons.DAggerVsGPSTable(runs)
fmt.Print(tab)
if err != nil {
	fmt.Println("(DAgger rows missing:", err, ")")
}
""")

exercise(
    "the policy step's regression target",
    r"""
Complete the square: for one sample with controller action $u$, multiplier $\lambda$ and weight $\rho$, find the $\pi$ that minimises
$\lambda^\top(\pi - u) + \rho\|\pi - u\|^2$. The check verifies that the gradient vanishes at your answer.
""",
    r"""
// target returns the regression target of GPS's policy step.
func target(u, lambda []float64, rho float64) []float64 {
	return u // TODO
}
""",
    r"""
%%
lessons.Grade("Exercise: regression target", lessons.CheckRegressionTarget(target))
""",
    r"""
func target(u, lambda []float64, rho float64) []float64 {
	out := make([]float64, len(u))
	for j := range u {
		out[j] = u[j] - lambda[j]/(2*rho) // gradient λ + 2ρ(π − u) = 0
	}
	return out
}
""")

exercise(
    "the dual step",
    r"""
Write the method-of-multipliers update of section 3's dual step for a mean violation $v = \mathbb E[\pi_\theta(x) - u]$.
The check compares it with one iteration of `constrained.AugmentedLagrangian`.
""",
    r"""
// dualUpdate returns λ after one dual step.
func dualUpdate(lambda, violation []float64, rho float64) []float64 {
	return lambda // TODO
}
""",
    r"""
%%
lessons.Grade("Exercise: dual step", lessons.CheckDualUpdate(dualUpdate))
""",
    r"""
func dualUpdate(lambda, violation []float64, rho float64) []float64 {
	out := make([]float64, len(lambda))
	for j := range lambda {
		out[j] = lambda[j] + 2*rho*violation[j]
	}
	return out
}
""")

md(r"""
## References

* S. Levine and V. Koltun. Guided policy search. *Proceedings of the 30th International Conference on Machine Learning (ICML)*, 2013.
* S. Levine, C. Finn, T. Darrell and P. Abbeel. End-to-end training of deep visuomotor policies. *Journal of Machine Learning
  Research* 17(39):1–40, 2016.
* W. Montgomery and S. Levine. Guided policy search via approximate mirror descent. *Advances in Neural Information Processing
  Systems 29 (NIPS 2016)*, 2016.
* V. Kumar, A. Gupta, E. Todorov and S. Levine. Learning dexterous manipulation policies from experience and imitation.
  arXiv:1611.05095, 2016.
* C. Finn et al. GPS: guided policy search code, github.com/cbfinn/gps (the reference implementation of MDGPS).
""")

write(__file__)
