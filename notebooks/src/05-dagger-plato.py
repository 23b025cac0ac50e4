"""Lesson 05 — DAgger and PLATO. Builds notebooks/05-dagger-plato.ipynb."""
from nbgen import code, exercise, md, write

md(r"""
# Lesson 05 — DAgger and PLATO: imitating local controllers

Lessons 01–03 built good **local** controllers: iLQR solves a task from *one* start $x_0$, and MPC replans it from
wherever the system is. This lesson turns them into **one general policy** $\pi_\theta(u \mid o)$, a neural network that should
solve the task from *any* start, by imitation. Why imitate an optimal controller rather than learn by trial and error?

* the controller is a tireless expert: it can label **any** state we show it with a good action (it needs the model and the
  cost at training time, not at test time);
* a policy trained on many local solutions generalises to starts it never saw, and runs in microseconds without a model.

The plan, as in the lecture:

1. the tasks, the expert and the learner;
2. **behaviour cloning**: supervised learning on the expert's demonstrations, and why its policy drifts (distribution shift);
3. **DAgger**: the lecture's five steps, each a call to the library, and what it costs: **expert queries** and **executions of a
   half-trained policy**;
4. **PLATO**: an adaptive MPC teacher that never executes the learner's action, and its $\lambda$;
5. the run on the arm: behaviour cloning drifts, DAgger and PLATO recover;
6. **observability at train and test time**, and the lecture's assumption that the learner *can* imitate the expert,
   broken on purpose;
7. three seeds on both tasks (a stored full run), exercises and references.

**Controls.** DAgger's $\beta$ schedule and PLATO's $\lambda$, on sliders at the end of section 5: they rerun both methods with a
small learner as you move them.

**Modes.** `%env RLCONTROL_QUICK=1` (commented out in the next cell) runs shorter learners; the three-seed table is a stored
full run (`%env RLCONTROL_RECOMPUTE=1` recomputes it).
""")

code(r"""
// %env RLCONTROL_QUICK=1

import (
	"context"
	"fmt"
	"math"

	"github.com/rlcontrol/rlcontrol/lessons"
	"github.com/rlcontrol/rlcontrol/live"
	"github.com/rlcontrol/rlcontrol/rl/imitation"
	"gonum.org/v1/gonum/mat"
)

// must returns v, or stops the cell with err's message; check stops it on
// an error.
func must[T any](v T, err error) T { lessons.Check(err); return v }
func check(err error)              { lessons.Check(err) }
func must2[A, B any](a A, b B, err error) (A, B) {
	lessons.Check(err)
	return a, b
}
""")

md(r"""
## 1. The tasks, the expert and the learner

Two tasks of package `imitation`, each with a start **region**, a few training conditions and held-out test starts that no
learner ever trains on:

* **arm reaching** — the 2-link arm from rest at joint angles drawn from a box to a point in the plane;
* **point mass through a gap** — from rest anywhere in a box on the left, through the gap between two discs, to rest at a goal.

A run **succeeds** when the end point is within the task's tolerance of the goal at the last step and nothing collides. The
**expert** is MPC with iLQR on the true model (the horizon half the task's): at every state it replans and returns its first action.
The **learner** is the Gaussian policy $\pi_\theta(u\mid o) = \mathcal N(\mu_\theta(o), \operatorname{diag}\sigma^2)$ with an MLP mean fitted
by regression; $\sigma$ is the residual spread of the fit. Two sizes: a two-layer network that can imitate the expert closely,
and a **small** one (one hidden layer of a few units) that imitates it only approximately — a learner with a per-step error
$\epsilon$ that does not vanish with more data, the setting of DAgger's analysis.
""")

code(r"""
%%
for _, name := range lessons.ImitationTasks() {
	k := must(lessons.ImitationTask(name))
	fmt.Printf("%-11s %-20s T = %d steps of %.2f s, %d training conditions, %d held-out starts, success radius %.2f m\n",
		name, k.System.Name(), k.T, k.System.Dt(), len(k.Train), len(k.Test), k.Tol)
}
s := lessons.DefaultImitationSettings(lessons.Quick())
fmt.Printf("learner: hidden %v, %d epochs per fit (Adam %.0e → %.0e), batch %d\n", s.Hidden, s.Epochs, s.LearningRate, s.FinalLearningRate, s.BatchSize)
fmt.Printf("small learner: one hidden layer of %v units (arm), %v (point mass)\n", s.Small["arm"], s.Small["point mass"])
fmt.Printf("DAgger/PLATO: %d rounds of %d rollouts (%d expert labels each), β_i = %.1f^i, PLATO λ = %g (arm), %g (point mass)\n", s.Rounds, s.Rollouts, 100, s.P, s.Lambda["arm"], s.Lambda["point mass"])
""")

md(r"""
## 2. Behaviour cloning and distribution shift

**Behaviour cloning** runs the expert from a few starts, records what the learner would see $o_t$ and what the expert did $u^*_t$,
and fits $\pi_\theta$ to the pairs: supervised learning on the **expert's** state distribution $p_{\pi^*}(o)$. But the learner then
runs on **its own** distribution $p_{\pi_\theta}(o)$: a small error takes it to a state slightly off the demonstrations, where
its error is larger, which takes it further off. Errors compound (Ross, Gordon & Bagnell bound the cost of a cloned policy by
$O(T^2\epsilon)$ against DAgger's $O(T\epsilon)$). Section 5 measures it.

## 3. DAgger, step by step

DAgger (**D**ataset **Agg**regation) brings the learner's and the expert's state distributions together by labelling the
states the **learner** visits:

1. train $\pi_\theta(u_t\mid o_t)$ from the data $\mathcal D = \{o_1, u_1, \dots, o_N, u_N\}$;
2. run the current policy to get $\mathcal D_\pi = \{o_1, \dots, o_M\}$ — in Ross et al.'s form the mixture
   $\pi_i = \beta_i\pi^* + (1-\beta_i)\hat\pi_i$, which at each step executes the expert's action with probability $\beta_i$;
   with $\beta_0 = 1$ round 0 is the expert's demonstrations, and its training is behaviour cloning;
3. ask the expert to label $\mathcal D_\pi$ with its actions $u^*_t$ — here MPC replanning from each visited state;
4. aggregate: $\mathcal D \leftarrow \mathcal D \cup \mathcal D_\pi$;
5. repeat.

The library has one function per step (`RunPolicy`, `Label`, `Aggregate`, `Train`; `Round` calls them in the order 2, 3,
4, 1). The next cell does two rounds by hand on a small DAgger (the arm, full state, one rollout per round, β = (1, 0.5)).
DAgger counts two things: **expert queries** (states the expert labelled) and **policy executions** (steps at which the partly
trained learner's own action drove the arm).
""")

code(r"""
%%
k := imitation.ArmReach()
expert := must(imitation.NewExpert(k, imitation.ExpertConfig{}))
s := lessons.DefaultImitationSettings(true)
dag := must(imitation.NewDAgger(expert, imitation.DAggerConfig{LearnerConfig: s.Learner(imitation.FullState{}, 7),
	Rounds: 2, Rollouts: 1, Beta: []float64{1, 0.5}}))
for i := 0; i < 2; i++ {
	// (2) run π_i = β_i π* + (1 − β_i) π̂_i from fresh starts: a coin per step picks the expert's or the learner's action.
	starts := must(dag.Starts(i))
	rs := must(dag.RunPolicy(dag.Beta(i), starts, dag.RoundSeed(i)))
	// (3) the expert labels every visited state (a mixture with β > 0 asked it along the way already).
	q := must(dag.Label(rs))
	// (4) aggregate D ← D ∪ D_π; (1) train π_θ on all of D.
	check(dag.Aggregate(rs))
	losses := must(dag.Train(i))
	r := rs[0]
	fmt.Printf("round %d: β = %.1f, %d of %d steps executed the learner's action, %d new queries in step 3, |D| = %d, fit loss %.4f\n",
		i, dag.Beta(i), r.Executions(), len(r.Trajectory.U), q, dag.Data().Len(), losses[len(losses)-1])
	if i == 1 {
		for _, t := range []int{0, 1, 2} {
			fmt.Printf("  step %d: executed u = (%+.3f, %+.3f), learner's own: %-5v, expert label (%+.3f, %+.3f)\n",
				t, r.Trajectory.U[t][0], r.Trajectory.U[t][1], r.Learner[t], r.Labels[t][0], r.Labels[t][1])
		}
	}
}
fmt.Printf("expert queries %d, policy executions %d\n", dag.ExpertQueries(), dag.PolicyExecutions())
lessons.Assert(dag.Data().Len() == 2*k.T, "two rounds of one %d-step rollout give %d pairs", k.T, 2*k.T)
""")

md(r"""
## 4. PLATO: an adaptive teacher that never executes the learner

DAgger executes a partly trained policy on the system — on a robot, the unsafe part. PLATO (Kahn, Zhang, Levine & Abbeel
2017) keeps DAgger's loop but replaces step 2: the system is driven by an **adaptive MPC teacher** $\hat\pi$ that stays close to
what the learner would do, while the labels come from the **un-adapted** MPC:

$$\hat\pi(u_t\mid x_t) = \arg\min_{\pi} \; \mathbb E_{\pi}\Big[\sum_{t'=t}^{T} c(x_{t'}, u_{t'})\Big] + \lambda\, D_{\mathrm{KL}}\big(\pi(u_t\mid x_t)\,\|\,\pi_\theta(u_t\mid o_t)\big).$$

The teacher sees the **state** $x_t$; the learner only its **observation** $o_t$ — here the joint angles over two frames (the
second frame gives the velocity as a finite difference). Take the MPC's cost-to-go in the first action to second order around
its own minimiser $u^*$: $Q(x,u) \approx Q(x,u^*) + \tfrac12(u-u^*)^\top Q_{uu}(u-u^*)$, with $Q_{uu}$ the curvature from the same
iLQR plan, and let $\pi_\theta = \mathcal N(\mu_\theta, \Sigma_\theta)$. For a Gaussian $\pi = \mathcal N(m, S)$ the objective is

$$\tfrac12\operatorname{tr}(Q_{uu}S) + \tfrac12(m-u^*)^\top Q_{uu}(m-u^*) + \tfrac\lambda2\big[\operatorname{tr}(\Sigma_\theta^{-1}S) + (m-\mu_\theta)^\top\Sigma_\theta^{-1}(m-\mu_\theta) - \ln|S|\big] + \text{const},$$

and setting its derivatives in $S$ and $m$ to zero gives a Gaussian with precision $(Q_{uu} + \lambda\Sigma_\theta^{-1})/\lambda$:

$$S = \lambda\,(Q_{uu} + \lambda\Sigma_\theta^{-1})^{-1},\qquad m = (Q_{uu} + \lambda\Sigma_\theta^{-1})^{-1}(Q_{uu}u^* + \lambda\Sigma_\theta^{-1}\mu_\theta).$$

The mean is a precision-weighted average: $\lambda \to 0$ gives the MPC action $u^*$ (no spread), $\lambda \to \infty$ the learner's
Gaussian. The executed action is a **sample of $\hat\pi$**, never the learner's own; the label is $u^*$. The cell takes one state
of a held-out run of the arm, a learner cloned from two demonstrations, and moves $\lambda$ from $10^{-3}$ to $10^{3}$
(`imitation.AdaptiveTeacher`, whose closed form the package's tests check against a numerical minimisation).
""")

code(r"""
%%
t := must(lessons.TeacherScenario{}.Run()).(*lessons.TeacherOutcome)
Q := mat.NewDense(2, 2, []float64{t.Quu[0][0], t.Quu[0][1], t.Quu[1][0], t.Quu[1][1]})
var eig mat.EigenSym
eig.Factorize(mat.NewSymDense(2, []float64{t.Quu[0][0], t.Quu[0][1], t.Quu[0][1], t.Quu[1][1]}), false)
fmt.Printf("u* = (%.3f, %.3f) N·m, μθ = (%.3f, %.3f) N·m, σ = (%.3f, %.3f) N·m\n", t.UStar[0], t.UStar[1], t.Mu[0], t.Mu[1], t.Sigma[0], t.Sigma[1])
fmt.Printf("eigenvalues of Quu: %.3f, %.3f; of Σθ⁻¹: %.1f, %.1f — λ ≈ %.4f weighs them equally\n", eig.Values(nil)[0], eig.Values(nil)[1],
	1/(t.Sigma[0]*t.Sigma[0]), 1/(t.Sigma[1]*t.Sigma[1]), mat.Trace(Q)/(1/(t.Sigma[0]*t.Sigma[0])+1/(t.Sigma[1]*t.Sigma[1])))
for _, l := range []float64{0, 0.001, 0.01, 0.1, 1000} {
	m, S := must2(imitation.AdaptiveTeacher(t.UStar, Q, t.Mu, t.Sigma, l))
	fmt.Printf("λ = %-6g m = (%.3f, %.3f), S diagonal (%.2e, %.2e)\n", l, m[0], m[1], S.At(0, 0), S.At(1, 1))
}
lessons.ShowFigures(t.Figures())
""")

md(r"""
## 5. The run: behaviour cloning drifts, DAgger and PLATO recover

The next cell runs the lesson's learners on the arm (⏱ about 40 s): the expert on the held-out starts; DAgger (full state),
whose round 0 trains on two expert demonstrations alone and **is** behaviour cloning; behaviour cloning with as many labels
(and gradient steps) as DAgger has after each round; PLATO (two frames of positions); and DAgger and behaviour cloning again
with the small learner — each evaluated on the held-out starts after every round. The first figure shows where the expert, the policy cloned from two demonstrations and DAgger's
final policy go from 8 held-out starts; the drift is also measured as the mean distance (in m) from each visited end-effector
position to the nearest position in the training data.
""")

code(r"""
%%
out := must(lessons.ImitationScenario{}.Run()).(*lessons.ImitationOutcome)
k := out.Task
bc0, last, pl := out.DAgger[0], out.DAgger[len(out.DAgger)-1], out.PLATO[len(out.PLATO)-1]
fmt.Printf("expert (MPC): mean cost %.2f, success %.0f%% on %d held-out starts\n", out.Expert.MeanCost, 100*out.Expert.SuccessRate, len(k.Test))
dExp := must(lessons.DriftFromData(k, out.Expert.Trajectories, out.DemoStates))
dBC := must(lessons.DriftFromData(k, bc0.Eval.Trajectories, out.DemoStates))
fmt.Printf("BC from %d demos: mean cost %.2f, success %.0f%%; mean distance to the nearest training position: expert's runs %.3f m, cloned policy's %.3f m\n",
	out.Settings.Rollouts, bc0.MeanCost, 100*bc0.SuccessRate, dExp, dBC)
fmt.Println("\n                                          |            learner 64×64            |              | small learner")
fmt.Println("round    β     |D|  queries  executions | DAgger        BC (same labels)     | PLATO        | DAgger        BC (same labels)")
expectExec := 0.0
for i, r := range out.DAgger {
	bc, p, ds, bs := out.BC[i], out.PLATO[i], out.DAggerSmall[i], out.BCSmall[i]
	expectExec += float64(r.Rollouts*k.T) * (1 - r.Beta)
	fmt.Printf("%5d  %.3f %5d  %7d  %10d | %6.2f %3.0f%%  %6.2f %3.0f%%         | %6.2f %3.0f%% | %7.2f %3.0f%%  %7.2f %3.0f%%\n", i, r.Beta, r.DataSize, r.TotalQueries,
		r.TotalExecutions, r.MeanCost, 100*r.SuccessRate, bc.MeanCost, 100*bc.SuccessRate, p.MeanCost, 100*p.SuccessRate,
		ds.MeanCost, 100*ds.SuccessRate, bs.MeanCost, 100*bs.SuccessRate)
}
fmt.Println("(each entry: held-out mean cost and success rate)")
fmt.Printf("\nDAgger's final cost is %+.1f%% from the expert's, PLATO's %+.1f%%, BC's with the same labels %+.1f%%\n", 100*(last.MeanCost/out.Expert.MeanCost-1),
	100*(pl.MeanCost/out.Expert.MeanCost-1), 100*(out.BC[len(out.BC)-1].MeanCost/out.Expert.MeanCost-1))
fmt.Printf("DAgger's policy executions: %d measured, %.0f expected from the β schedule (Σ_i rollouts·T·(1 − β_i)); PLATO's: %d\n",
	last.TotalExecutions, expectExec, out.PLATORun.PolicyExecutions())
ds, bs := out.DAggerSmall[len(out.DAggerSmall)-1], out.BCSmall[len(out.BCSmall)-1]
fmt.Printf("small learner, %d labels: DAgger %+.1f%% from the expert (success %.0f%%), BC with the same labels %+.1f%% (success %.0f%%)\n",
	last.TotalQueries, 100*(ds.MeanCost/out.Expert.MeanCost-1), 100*ds.SuccessRate, 100*(bs.MeanCost/out.Expert.MeanCost-1), 100*bs.SuccessRate)
lessons.Assert(bc0.MeanCost > 1.1*out.Expert.MeanCost && dBC > dExp, "the policy cloned from %d demos drifts off the data and costs more than the expert", out.Settings.Rollouts)
lessons.Assert(last.TotalQueries == len(out.DAgger)*out.Settings.Rollouts*k.T, "every visited state was labelled exactly once")
lessons.Assert(out.PLATORun.PolicyExecutions() == 0, "PLATO never executed the learner's action")
if !lessons.Quick() {
	lessons.Assert(last.MeanCost <= 1.1*out.Expert.MeanCost, "DAgger ends within 10%% of the expert's cost")
	lessons.Assert(pl.MeanCost <= 1.1*out.Expert.MeanCost, "PLATO's learner, on observations only, ends within 10%% of the expert")
	lessons.Assert(ds.MeanCost <= 1.1*out.Expert.MeanCost && bs.MeanCost > 1.05*ds.MeanCost,
		"with the small learner DAgger ends within 10%% of the expert and behaviour cloning with the same labels stays worse")
}
lessons.ShowFigures(out.Figures())
""")

md(r"""
What the numbers say:

* The policy of round 0 — behaviour cloning from two demonstrations — leaves the training data further than the expert's own
  runs from the same starts, and costs more: distribution shift, measured. A few rounds that label the learner's own states
  bring DAgger to the expert's cost; PLATO gets there too, learning from observations only and **without ever executing the
  learner's action**.
* **Behaviour cloning with the same number of labels** (and as many gradient steps) depends on the learner. The 64×64 network
  imitates the expert so closely that, once it has a few demonstrations, it hardly leaves their states: the expert's runs from
  random starts already cover what a nearly right learner visits, because the MPC expert pulls every run into the same funnel
  towards the goal. The **small learner** keeps a per-step error; cloned, its errors compound and it ends above the expert
  and mostly outside the success radius, while DAgger — trained on the states that learner actually reaches — ends at the
  expert's cost. The three-seed table in section 7 measures both on both tasks.
* DAgger's price is in its counters: it **queries the expert at arbitrary states** (every visited state) and it **executes a
  partially trained policy** on the system, hundreds of steps of it.
""")

md(r"""
### Move $\beta$ and $\lambda$ yourself

With the small learner, where its training states come from matters. The controls rerun DAgger and PLATO with it, smaller than
above: 4 rounds of two rollouts, 800 training steps. DAgger's schedule is $\beta_i = P^i$ (the slider sets $P$; the learner sees
the full state); PLATO's teacher weighs the learner by $\lambda$ (the learner sees two frames of positions). A move reruns the method
whose setting it changes — a few seconds on two idle cores, its rounds shown as they go; a setting tried once is kept.

**Try** $P = 1$ — the expert's action at every step, so DAgger becomes behaviour cloning with the same labels — and $P = 0$, the
learner's own action from round 1 on; then $\lambda = 10^{-4}$, where the teacher is nearly the plain MPC, and $\lambda = 1$ or $100$,
where it follows the learner. **Watch** the last round's held-out cost against the expert's line, and in the line under the figure
how many training steps executed the learner's own action (DAgger) and how far PLATO's teacher strayed from the MPC's $u^*$. Which
settings make the small learner's training states look like the ones it will visit on its own? At the defaults ($P = 0.5$,
$\lambda = 0.01$, the lesson's) both learners end far below round 0, behaviour cloning from two demonstrations; DAgger executed its
learner in 427 of the 800 training steps, PLATO in none.
""")

code(r"""
%%
s := lessons.DefaultImitationSettings(false)
fmt.Printf("live runs on the arm: %d rounds of %d rollouts (%d training steps), the %d-unit learner\n",
	lessons.ImitationLiveRounds, s.Rollouts, lessons.ImitationLiveRounds*s.Rollouts*imitation.ArmReach().T, s.Small["arm"][0])
v, _, err := live.Show("DAgger's β and PLATO's λ, with the small learner", lessons.ImitationControls(), lessons.ImitationLiveRender)
check(err)
d := must(lessons.DAggerLive(context.Background(), v.Float("P"), nil))
p := must(lessons.PLATOLive(context.Background(), v.Float("lambda"), nil))
fmt.Printf("held-out cost, round 0 → last: DAgger %.1f → %.1f, PLATO %.1f → %.1f; expert %.1f\n", d.Cost[0], d.Final(), p.Cost[0], p.Final(), must(lessons.ImitationLiveExpertCost()))
fmt.Printf("learner's own actions executed in training: DAgger %d of %d steps, PLATO %d\n", d.Executions, d.Steps, p.Executions)
lessons.Assert(p.Executions == 0, "PLATO never executed the learner's action")
if v.Float("P") == lessons.DAggerPDefault && v.Float("lambda") == lessons.PLATOLambdaDefault {
	lessons.Assert(d.Executions > 0 && d.Final() < d.Cost[0]/5 && p.Final() < p.Cost[0]/5,
		"at the defaults DAgger executes its learner and both learners end far below round 0")
}
""")

md(r"""
## 6. Observability at train and test time — and a learner that cannot imitate

PLATO's learner never sees the velocities; two frames of positions carry them as a finite difference, so it **can** imitate a
teacher that uses them. The lecture's DAgger assumes exactly that: *the learner can match the expert up to a bounded loss*. Break
it on purpose: a learner that sees **one frame** of joint angles cannot tell which way the arm is moving, while the expert's
action depends on it. DAgger keeps labelling and aggregating, and the cost stays high (⏱ about 25 s).
""")

code(r"""
%%
of := must(lessons.OneFrameScenario{}.Run()).(*lessons.OneFrameOutcome)
fmt.Println("round | one frame: cost  succ | two frames: cost  succ")
for i := range of.Two {
	a, b := of.OneFrame[i], of.Two[i]
	fmt.Printf("%5d | %15.2f  %3.0f%% | %16.2f  %3.0f%%\n", i, a.MeanCost, 100*a.SuccessRate, b.MeanCost, 100*b.SuccessRate)
}
a, b := of.OneFrame[len(of.OneFrame)-1], of.Two[len(of.Two)-1]
fmt.Printf("last round: one frame %.2f, two frames %.2f (ratio %.2f); fit loss one frame %.3f, two frames %.4f\n", a.MeanCost, b.MeanCost, a.MeanCost/b.MeanCost, a.Loss, b.Loss)
lessons.Assert(a.MeanCost > 1.5*b.MeanCost, "with one frame DAgger stalls far above the two-frame learner")
lessons.ShowFigures(of.Figures())
""")

md(r"""
The one-frame learner's **fit loss** stays high too: the same observation comes with different expert actions (moving one way
or the other), and no amount of aggregated data fixes a regression whose inputs do not determine the target. That is the
lecture's point in "DAgger vs GPS": DAgger needs an expert whose behaviour the learner *can* match; guided policy search (next
lesson) instead makes the teacher adapt to what the learner can do.

## 7. Three seeds, both tasks

The stored full run repeats the comparison with three seeds on both tasks: the expert; behaviour cloning (full state) with the
same number of expert labels and gradient steps as DAgger; DAgger (full state); both again with the small learner; PLATO (two
frames of positions, λ = 0.01 on the arm and λ = 0.0001 on the point mass, whose teacher must stay nearer the MPC). Success and mean cost are on the held-out starts;
"resets" counts the training rollouts, each started from a fresh start drawn from the region.
""")

code(r"""
%%
runs, src, err := lessons.ImitationSeedRuns()
check(err)
fmt.Println(src)
lam := lessons.DefaultImitationSettings(false).Lambda
fmt.Printf("PLATO's λ: arm %g, point mass %g\n", lam["arm"], lam["point mass"])
fmt.Println("task        method             seed  success  mean cost  expert queries  policy executions  resets")
for _, r := range runs {
	fmt.Printf("%-11s %-17s  %4d  %6.0f%%  %9.2f  %14d  %17d  %6d\n", r.Task, r.Method, r.Seed, 100*r.SuccessRate, r.MeanCost, r.ExpertQueries, r.PolicyExecutions, r.Resets)
}
cost := map[string]float64{} // task, method, seed → mean cost
for _, r := range runs {
	cost[fmt.Sprint(r.Task, r.Method, r.Seed)] = r.MeanCost
}
for _, task := range lessons.ImitationTasks() {
	mean := map[string]float64{}
	for _, r := range runs {
		if r.Task == task {
			mean[r.Method] += r.MeanCost / float64(len(lessons.ImitationSeeds))
		}
	}
	rel := func(m string) float64 { return 100 * (mean[m]/mean["expert"] - 1) }
	fmt.Printf("%-11s means over seeds, from the expert's %.2f: BC %+.1f%%, DAgger %+.1f%%, PLATO %+.1f%%; small learner: BC %+.1f%%, DAgger %+.1f%%\n",
		task, mean["expert"], rel("BC"), rel("DAgger"), rel("PLATO"), rel("BC, small net"), rel("DAgger, small net"))
	worst := math.Inf(1)
	for _, seed := range lessons.ImitationSeeds {
		worst = math.Min(worst, cost[fmt.Sprint(task, "BC, small net", seed)]/cost[fmt.Sprint(task, "DAgger, small net", seed)])
	}
	fmt.Printf("%-11s small learner: BC's cost over DAgger's, smallest over seeds: %.3f\n", task, worst)
	lessons.Assert(worst > 1.05, "the small learner cloned with DAgger's labels costs more than DAgger's on every seed (%s)", task)
	for _, r := range runs {
		if r.Task == task && r.Method == "PLATO" {
			lessons.Assert(r.PolicyExecutions == 0, "PLATO executed no learner action (%s, seed %d)", task, r.Seed)
		}
		if r.Task == task && (r.Method == "DAgger" || r.Method == "PLATO" || r.Method == "DAgger, small net") {
			lessons.Assert(r.MeanCost <= 1.1*mean["expert"], "%s within 10%% of the expert (%s, seed %d)", r.Method, task, r.Seed)
		}
	}
}
""")

md(r"""
On both tasks and every seed, DAgger (both learners) and PLATO end within 10% of the expert's held-out cost (the cell asserts
it), PLATO without ever executing its learner. With the two-layer learner, behaviour cloning on the same number of labels and
gradient steps is **not** worse here: these tasks are forgiving — a stabilising MPC expert, smooth dynamics, demonstrations
from random starts that cover the region — so a learner that fits the expert closely rarely strays. With the **small
learner**, whose imitation error does not vanish, behaviour cloning is worse than DAgger on every seed of both tasks (the
cell prints the smallest ratio of their costs and asserts it above 1.05): its errors take it to states the demonstrations
never showed, while DAgger's data come from exactly those states. The price is in the other columns: DAgger queried the expert at every state it visited and
ran a partly trained policy for hundreds of steps; guided policy search (lesson 06), in the lecture's words, needs neither the expert at arbitrary
states nor the half-trained policy on the system, but it needs resets to its training conditions.
""")

exercise(
    "the adaptive teacher's mean",
    r"""
Write `teacherMean`, PLATO's $m = (Q_{uu} + \lambda\Sigma_\theta^{-1})^{-1}(Q_{uu}u^* + \lambda\Sigma_\theta^{-1}\mu_\theta)$ with $\Sigma_\theta = \operatorname{diag}\sigma^2$, for
2-D actions (`Quu` is 2×2). The check compares it with `imitation.AdaptiveTeacher` on random cases for three values of $\lambda$.
""",
    r"""
// teacherMean returns (Quu + λΣ⁻¹)⁻¹(Quu u* + λΣ⁻¹μ), Σ = diag σ².
func teacherMean(uStar []float64, Quu [][]float64, mu, sigma []float64, lambda float64) []float64 {
	return nil // TODO
}
""",
    r"""
%%
lessons.Grade("Exercise: the adaptive teacher's mean", lessons.CheckTeacherMean(teacherMean))
""",
    r"""
func teacherMean(uStar []float64, Quu [][]float64, mu, sigma []float64, lambda float64) []float64 {
	A := mat.NewDense(2, 2, []float64{Quu[0][0], Quu[0][1], Quu[1][0], Quu[1][1]})
	b := mat.NewVecDense(2, nil)
	b.MulVec(A, mat.NewVecDense(2, []float64{uStar[0], uStar[1]}))
	for j := 0; j < 2; j++ {
		p := lambda / (sigma[j] * sigma[j]) // λΣ⁻¹, diagonal
		A.Set(j, j, A.At(j, j)+p)
		b.SetVec(j, b.AtVec(j)+p*mu[j])
	}
	var m mat.VecDense
	if err := m.SolveVec(A, b); err != nil {
		return nil
	}
	return []float64{m.AtVec(0), m.AtVec(1)}
}
""")

exercise(
    "one DAgger round",
    r"""
Write `myRound`, DAgger's round `i` with the library's step functions: fresh starts (`d.Starts(i)`), step 2 with $\beta_i$
(`d.RunPolicy(d.Beta(i), starts, d.RoundSeed(i))`), step 3 (`d.Label`), step 4 (`d.Aggregate`), step 1 (`d.Train(i)`). The check
runs it for two rounds on a small DAgger and compares the data and the learner with `Round`'s, to the bit.
""",
    r"""
// myRound runs DAgger's round i: (2) run, (3) label, (4) aggregate, (1) train.
func myRound(d *imitation.DAgger, i int) error {
	return fmt.Errorf("TODO")
}
""",
    r"""
%%
lessons.Grade("Exercise: one DAgger round", lessons.CheckDAggerRound(myRound))
""",
    r"""
func myRound(d *imitation.DAgger, i int) error {
	starts, err := d.Starts(i)
	if err != nil {
		return err
	}
	rs, err := d.RunPolicy(d.Beta(i), starts, d.RoundSeed(i)) // (2)
	if err != nil {
		return err
	}
	if _, err := d.Label(rs); err != nil { // (3)
		return err
	}
	if err := d.Aggregate(rs); err != nil { // (4)
		return err
	}
	_, err = d.Train(i) // (1)
	return err
}
""")

md(r"""
## References

* S. Ross, G. Gordon and D. Bagnell. A reduction of imitation learning and structured prediction to no-regret online learning.
  *Proceedings of the 14th International Conference on Artificial Intelligence and Statistics (AISTATS)*, 2011. (DAgger.)
* G. Kahn, T. Zhang, S. Levine and P. Abbeel. PLATO: Policy learning using adaptive trajectory optimization. *IEEE International
  Conference on Robotics and Automation (ICRA)*, 2017.
* S. Levine and V. Koltun. Guided policy search. *Proceedings of the 30th International Conference on Machine Learning (ICML)*, 2013.
* S. Levine, C. Finn, T. Darrell and P. Abbeel. End-to-end training of deep visuomotor policies. *Journal of Machine Learning
  Research* 17(39):1–40, 2016.
* I. Mordatch and E. Todorov. Combining the benefits of function approximation and trajectory optimization. *Robotics: Science
  and Systems (RSS)*, 2014.
""")

write(__file__)
