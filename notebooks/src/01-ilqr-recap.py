"""Lesson 01 — iLQR, the recap. Builds notebooks/01-ilqr-recap.ipynb."""
from nbgen import code, exercise, md, write

md(r"""
# Lesson 01 — iLQR, the recap

The last lecture ended with the **iterative linear–quadratic regulator**: with a known model of the
dynamics and a cost we can measure, optimise a trajectory from one start state by repeatedly
linearising the dynamics and quadratising the cost around the current trajectory. This lecture
builds on it (local models, trust regions, guided policy search), so we start by rebuilding it.

In this notebook you will

1. state the optimal control problem and see the two systems we use (a torque-limited pendulum, a cart-pole);
2. linearise and quadratise, and check the analytic derivatives against finite differences;
3. derive the LQR backward pass, write it in a dozen lines, and check it against the library's `rl/lqr`;
4. see why iLQR needs a line search and a regularisation schedule, and what its quadratic model gets wrong;
5. swing the pendulum up, balance the cart-pole, and close the loop with MPC on a plant that differs from the model;
6. move the horizon and the control cost on live sliders and watch what changes;
7. export the figures for your slides.

**Controls:** the horizon $T$ and the control cost $r$, on sliders in section 7.

Two short exercises (a cross term in the backward pass; the line search's expected cost change) have check cells.

**How to use it.** Run the cells from the top (*Cell → Run All*). Every cell recompiles and reruns
its Go program in a second or two; the numbers are deterministic. The code that runs lives in the
project's packages (`rl/…`, `lessons`, `plotting`) and is tested there; the cells call it, and where a
step matters for understanding, the cell writes it out and checks it against the library. Each
computing cell runs a `lessons` scenario (a struct whose zero value is the lesson as written) and
shows its figures, the same ones `make figures` exports. This lesson computes everything live in a
few seconds, so quick mode (a cell `%env RLCONTROL_QUICK=1`, which shortens the longer lessons) changes nothing here.
A cell with controls (section 7) keeps running while you move them, redrawing its figure in place; press **Done** to keep
the last figure in the notebook and let the next cells run. In a headless run (the tests, `make figures`) the controls
keep their defaults and the cell ends by itself.
""")

code(r"""
import (
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"

	"github.com/rlcontrol/rlcontrol/lessons"
	"github.com/rlcontrol/rlcontrol/live"
	"github.com/rlcontrol/rlcontrol/plotting"
	"github.com/rlcontrol/rlcontrol/rl/cost"
	"github.com/rlcontrol/rlcontrol/rl/system"
	"gonum.org/v1/gonum/mat"
)

// must returns v, or stops the cell with err's message; check stops it on
// an error.
func must[T any](v T, err error) T { lessons.Check(err); return v }
func check(err error)              { lessons.Check(err) }
""")

md(r"""
## 1. The optimal control problem

$$\min_{u_1,\dots,u_T} \sum_{t=1}^{T} c(x_t, u_t) \quad\text{s.t.}\quad x_{t+1} = f(x_t, u_t)$$

Substituting the dynamics turns it into an unconstrained problem in the actions alone,
$\min_{u} c(x_1,u_1) + c(f(x_1,u_1),u_2) + c(f(f(x_1,u_1),u_2),u_3) + \dots$ — "differentiate and optimise".
We need the derivatives $\partial f/\partial x_t$, $\partial f/\partial u_t$, $\partial c/\partial x_t$, $\partial c/\partial u_t$.
If $f$ is linear and $c$ quadratic, dynamic programming solves it exactly (LQR); otherwise we iterate (iLQR).

**The pendulum.** $m l^2 \ddot\theta = \tau - b\dot\theta - m g l \sin\theta$, with $\theta = 0$ hanging down
and $\theta = \pi$ upright, integrated with RK4 over $\Delta t = 0.02$ s. The torque is limited to
$|\tau| \le 5$ N·m, about half of $m g l$: the pendulum cannot be lifted straight up and has to swing.
The cost tracks the upright state $x^* = (\pi, 0)$:

$$c(x_t, u_t) = \tfrac12 (x_t - x^*)^\top Q (x_t - x^*) + \tfrac12 r\, u_t^2, \qquad c_T(x_T) = \tfrac12 (x_T - x^*)^\top Q_f (x_T - x^*)$$

with $Q = \mathrm{diag}(0.1, 0.01)$, $r = 0.01$ and $Q_f = \mathrm{diag}(1000, 100)$.
""")

code(r"""
%%
p := must(lessons.SwingUp{}.Problem())
pend := p.System.(*system.Pendulum)
fmt.Printf("pendulum: m = %g kg, l = %g m, g = %g m/s², damping b = %g N·m·s/rad, |τ| ≤ %g N·m\n",
	pend.Mass, pend.Length, pend.Gravity, pend.Damping, pend.MaxTorque)
fmt.Printf("horizon T = %d steps of %g s = %.1f s; start %v, goal %.4f\n", p.T, pend.Dt(), float64(p.T)*pend.Dt(), p.X0, p.Cost.Goal())
fmt.Printf("gravity's torque at horizontal, m·g·l = %.2f N·m, is %.1f× the torque limit\n",
	pend.Mass*pend.Gravity*pend.Length, pend.Mass*pend.Gravity*pend.Length/pend.MaxTorque)

// What the system looks like: the renderer Embed to Control will learn from later.
lessons.ShowFigures(must(lessons.PendulumRenders{}.Run()).Figures())
""")

md(r"""
## 2. Linearise and quadratise

Around a reference trajectory $\hat x_t, \hat u_t$ we approximate

$$f(x_t, u_t) \approx f(\hat x_t, \hat u_t) + A_t\,\delta x_t + B_t\,\delta u_t, \qquad A_t = \frac{\partial f}{\partial x_t},\; B_t = \frac{\partial f}{\partial u_t},$$

and expand the cost to second order in $(\delta x_t, \delta u_t)$ with its gradient $(c_x, c_u)$ and Hessian blocks
$(c_{xx}, c_{uu}, c_{ux})$. The library's systems return the **exact derivatives of their RK4 step** (chain rule through
the four stages), so finite differences of the step agree with them up to rounding. Let's check that,
and look at the cost's derivatives at the same point.
""")

code(r"""
%%
pend := system.NewPendulum()
x, u := []float64{1.0, 0.5}, []float64{2.0}
A, B := make([]float64, 4), make([]float64, 2)
check(pend.Jacobians(A, B, x, u))
Afd, Bfd := make([]float64, 4), make([]float64, 2)
check(system.FiniteDiffJacobians(pend, Afd, Bfd, x, u, 1e-6))
fmt.Printf("A (analytic)          =\n%.8f\n", mat.Formatted(mat.NewDense(2, 2, A)))
fmt.Printf("A (finite difference) =\n%.8f\n", mat.Formatted(mat.NewDense(2, 2, Afd)))
fmt.Printf("B (analytic) = %.8f,  B (finite difference) = %.8f\n", B, Bfd)
worst := 0.0
for i := range A {
	worst = math.Max(worst, math.Abs(A[i]-Afd[i]))
}
for i := range B {
	worst = math.Max(worst, math.Abs(B[i]-Bfd[i]))
}
fmt.Printf("largest difference: %.1e (central differences with h = 1e-6 are good to ~1e-9)\n", worst)
if worst > 1e-6 {
	panic("Jacobians disagree with finite differences")
}

c := must(lessons.SwingUp{}.Problem()).Cost
d := cost.NewDerivs(2, 1)
c.StageDerivs(d, 0, x, u)
fmt.Printf("\ncost at x = %v, u = %v: c = %.4f, c_x = %.4f, c_u = %.4f, c_xx = %v, c_uu = %v\n",
	x, u, c.Stage(0, x, u), d.Lx, d.Lu, d.Lxx, d.Luu)
""")

md(r"""
## 3. The LQR backward pass, step by step

With linear dynamics $x_{t+1} = A_t x_t + B_t u_t$ and a quadratic cost, suppose the optimal cost-to-go from step $t+1$ is
quadratic, $V_{t+1}(x) = \tfrac12 x^\top V x + v^\top x + \text{const}$ (at $t = T$ it is the final cost). Then the
**Q-function** of step $t$ — cost now, plus cost-to-go from where we land — is quadratic in $(x, u)$:

$$Q(x,u) = c(x,u) + V_{t+1}(A x + B u)$$
$$Q_x = c_x + A^\top v,\quad Q_u = c_u + B^\top v,\quad Q_{xx} = C_{xx} + A^\top V A,\quad Q_{uu} = C_{uu} + B^\top V B,\quad Q_{ux} = C_{ux} + B^\top V A.$$

Setting $\nabla_u Q = Q_{ux} x + Q_{uu} u + Q_u = 0$ gives a **linear controller**

$$u_t = K_t x_t + k_t,\qquad K_t = -Q_{uu}^{-1} Q_{ux},\qquad k_t = -Q_{uu}^{-1} Q_u,$$

and substituting it back gives $V_t$: $\;V = Q_{xx} + Q_{ux}^\top K_t,\; v = Q_x + Q_{ux}^\top k_t$. Repeat down to $t = 0$,
then run the controller forward. Below is that recursion, written to be read, on a double integrator
(position and velocity, acceleration as input) that must move from rest at $p = 0$ to rest at $p = 1$ m. Expanding the
tracking cost, $\tfrac12 (x - x^*)^\top Q (x - x^*) = \tfrac12 x^\top Q x + c_x^\top x + \tfrac12 x^{*\top} Q x^*$, the goal
$x^* = (1, 0)$ gives the linear term $c_x = -Q x^*$ and a constant. `lessons.DoubleIntegratorLQR` sets the problem up
(its fields are the matrices below) and solves it with the library's `rl/lqr`; the next cells run the written-out pass on
it and compare.
""")

code(r"""
// backwardPass is the LQR recursion as derived above, for time-invariant
// A, B and cost ½xᵀCxx x + cxᵀx + ½uᵀCuu u + cuᵀu (no cross term), final
// cost ½xᵀVT x + vTᵀx. It returns K_t and k_t for t = 0 … T−1.
func backwardPass(A, B, Cxx, Cuu *mat.Dense, cx, cu *mat.VecDense, VT *mat.Dense, vT *mat.VecDense, T int) ([]*mat.Dense, []*mat.VecDense) {
	K, k := make([]*mat.Dense, T), make([]*mat.VecDense, T)
	V, v := mat.DenseCopyOf(VT), mat.VecDenseCopyOf(vT)
	for t := T - 1; t >= 0; t-- {
		var Qx, Qu mat.VecDense
		Qx.MulVec(A.T(), v)
		Qx.AddVec(&Qx, cx) // Qx = cx + Aᵀv
		Qu.MulVec(B.T(), v)
		Qu.AddVec(&Qu, cu) // Qu = cu + Bᵀv
		var Qxx, Quu, Qux mat.Dense
		Qxx.Product(A.T(), V, A)
		Qxx.Add(&Qxx, Cxx) // Qxx = Cxx + AᵀVA
		Quu.Product(B.T(), V, B)
		Quu.Add(&Quu, Cuu)       // Quu = Cuu + BᵀVB
		Qux.Product(B.T(), V, A) // Qux = BᵀVA

		var QuuInv mat.Dense
		check(QuuInv.Inverse(&Quu))
		K[t], k[t] = new(mat.Dense), new(mat.VecDense)
		K[t].Mul(&QuuInv, &Qux)
		K[t].Scale(-1, K[t]) // K = −Quu⁻¹Qux
		k[t].MulVec(&QuuInv, &Qu)
		k[t].ScaleVec(-1, k[t]) // k = −Quu⁻¹Qu

		var QuxK mat.Dense
		QuxK.Mul(Qux.T(), K[t])
		V.Add(&Qxx, &QuxK) // V = Qxx + QuxᵀK
		var Quxk mat.VecDense
		Quxk.MulVec(Qux.T(), k[t])
		v.AddVec(&Qx, &Quxk) // v = Qx + Quxᵀk
	}
	return K, k
}
""")

code(r"""
%%
out := must(lessons.DoubleIntegratorLQR{}.Run()).(*lessons.LQROutcome)
K, k := backwardPass(out.A, out.B, out.Q, out.R, out.Cx, out.Cu, out.Qf, out.CxT, out.T)

// The same problem through the library (out.Problem, solved in Run).
worst := must(out.GainDifference(K, k))
fmt.Printf("K_0 = %.4f, k_0 = %.4f\n", mat.Formatted(K[0]), k[0].AtVec(0))
fmt.Printf("largest difference from rl/lqr over all %d steps: %.1e\n", out.T, worst)
lessons.Assert(worst < 1e-9, "the written-out backward pass matches rl/lqr (difference %.1e)", worst)

fmt.Printf("optimal cost %.4f; the value function predicts %.4f\n", out.Cost, out.Solution.V0[0])
fmt.Printf("  of which the constants ½x*ᵀQx* per step and ½x*ᵀQf x* at the end: %d × %.2f + %.0f = %.1f\n",
	out.T, out.C0, out.C0T, out.ConstantsInTotal)
fmt.Printf("  without them (what the backward pass above minimises): %.4f\n", out.Cost-out.ConstantsInTotal)
lessons.Assert(out.Cost >= 0, "the cost with its constants is non-negative (%.4f)", out.Cost)
lessons.ShowFigures(out.Figures())
""")

md(r"""
The backward pass above never needs the constants: they do not depend on $u$, so they change no gain. Leaving them out
(as `backwardPass` does) shifts the cost by their sum, which is why the cost without them is negative although every
term of the real cost is a square.
""")

exercise(
    "a cross term $c_{ux}$",
    r"""
Costs such as $\tfrac12 (x - x^*)^\top Q (x - x^*)$ written in other coordinates, or the KL-augmented costs of lesson 03,
have a cross term $u^\top C_{ux} x$. It enters the Q-function only through $Q_{ux} = C_{ux} + B^\top V A$. Write
`backwardPassCux`: copy the body of `backwardPass` and add $C_{ux}$ where it belongs. The check compares your gains with
`rl/lqr` on the double integrator with $C_{ux} = [0.05\;\;0.02]$.
""",
    r"""
// backwardPassCux is backwardPass with a cross term Cux (m×n) in the
// stage cost. TODO: copy backwardPass's body here and add Cux.
func backwardPassCux(A, B, Cxx, Cuu, Cux *mat.Dense, cx, cu *mat.VecDense, VT *mat.Dense, vT *mat.VecDense, T int) ([]*mat.Dense, []*mat.VecDense) {
	return backwardPass(A, B, Cxx, Cuu, cx, cu, VT, vT, T) // ignores Cux
}
""",
    r"""
%%
lessons.Grade("Exercise: a cross term", lessons.CheckBackwardPassCux(backwardPassCux))
""",
    r"""
func backwardPassCux(A, B, Cxx, Cuu, Cux *mat.Dense, cx, cu *mat.VecDense, VT *mat.Dense, vT *mat.VecDense, T int) ([]*mat.Dense, []*mat.VecDense) {
	K, k := make([]*mat.Dense, T), make([]*mat.VecDense, T)
	V, v := mat.DenseCopyOf(VT), mat.VecDenseCopyOf(vT)
	for t := T - 1; t >= 0; t-- {
		var Qx, Qu mat.VecDense
		Qx.MulVec(A.T(), v)
		Qx.AddVec(&Qx, cx)
		Qu.MulVec(B.T(), v)
		Qu.AddVec(&Qu, cu)
		var Qxx, Quu, Qux mat.Dense
		Qxx.Product(A.T(), V, A)
		Qxx.Add(&Qxx, Cxx)
		Quu.Product(B.T(), V, B)
		Quu.Add(&Quu, Cuu)
		Qux.Product(B.T(), V, A)
		Qux.Add(&Qux, Cux) // the only new line: Qux = Cux + BᵀVA

		var QuuInv mat.Dense
		check(QuuInv.Inverse(&Quu))
		K[t], k[t] = new(mat.Dense), new(mat.VecDense)
		K[t].Mul(&QuuInv, &Qux)
		K[t].Scale(-1, K[t])
		k[t].MulVec(&QuuInv, &Qu)
		k[t].ScaleVec(-1, k[t])

		var QuxK mat.Dense
		QuxK.Mul(Qux.T(), K[t])
		V.Add(&Qxx, &QuxK)
		var Quxk mat.VecDense
		Quxk.MulVec(Qux.T(), k[t])
		v.AddVec(&Qx, &Quxk)
	}
	return K, k
}
""")

md(r"""
## 4. iLQR, and why it needs a line search

For a nonlinear system we linearise around the current trajectory $(\hat x_t, \hat u_t)$, solve the LQR problem in the
deviations $\delta x, \delta u$, and roll the new controller out on the **true** dynamics:

$$u_t = \hat u_t + \alpha\, k_t + K_t (x_t - \hat x_t), \qquad x_{t+1} = f(x_t, u_t).$$

The quadratic model predicts the cost change $\Delta J(\alpha) = \alpha \sum_t k_t^\top Q_u + \tfrac{\alpha^2}{2} \sum_t k_t^\top Q_{uu} k_t$
(negative: a reduction). With $\alpha = 1$ we jump to the minimum of the *model*, which can be far from where the model is
valid: the real cost can go up. So the line search tries the step sizes $\alpha_i = 10^{-0.3 i}$, $i = 0, \dots, 10$ (about
halving each time, down to $10^{-3}$) and accepts the first whose actual reduction is a positive fraction of the predicted
one, $-\Delta J(\alpha)$. When no step works — or $Q_{uu}$ is not positive definite — it raises a Levenberg–Marquardt
regularisation $\mu$ (replacing $V$ by $V + \mu I$ in $Q_{uu}$, $Q_{ux}$), which shortens the step and keeps the new
trajectory close to the old one; after every accepted step it lowers $\mu$ again, down to zero (Tassa, Erez & Todorov 2012).

**Torque limits.** The swing-up's torque is boxed, $|\tau| \le 5$ N·m, so the library's backward pass does not use
$k_t = -Q_{uu}^{-1} Q_u$ as derived above: it solves the small box-constrained QP
$\min_{\delta u} \tfrac12 \delta u^\top Q_{uu} \delta u + Q_u^\top \delta u$ subject to the limits on $\hat u_t + \delta u$, and
the feedback $K_t = -Q_{uu}^{-1} Q_{ux}$ acts only on the actions that are not at a limit (control-limited DDP, Tassa,
Mansard & Todorov 2014). Without limits the two coincide.

*This is the same idea as the trust regions in the rest of the lecture: only trust a local model near where it was fitted.*

Below: the swing-up with the line search, and with full steps accepted blindly. `expected` is $-\Delta J(\alpha)$ at the
accepted $\alpha$ and `ratio` is actual / expected.
""")

code(r"""
%%
out := must(lessons.LineSearch{}.Run()).(*lessons.LineSearchOutcome)
fmt.Printf("step sizes tried, in order: %.3f\n", out.Alphas)
fmt.Println(" iter       cost       α          μ   expected     actual   ratio")
for _, it := range out.With.History {
	if it.Iter <= 10 || it.Iter%5 == 0 || it.Iter == len(out.With.History) {
		fmt.Printf("%5d %10.3f %7.3f %10.2e %10.3f %10.3f %7.3f\n", it.Iter, it.Cost, it.Alpha, it.Mu, it.Expected, it.Actual, it.Ratio)
	}
}
fmt.Printf("with line search: %d iterations, cost %.3f (%s)\n", len(out.With.History), out.With.Cost, out.With.Status)
fmt.Printf("full steps, no line search: after %d iterations the cost is %.1f\n", len(out.Without.History), out.Without.Cost)
lessons.Assert(out.Without.Cost > 2*out.With.Cost, "full steps end far worse (%.1f vs %.3f)", out.Without.Cost, out.With.Cost)
lessons.ShowFigures(out.Figures())
""")

md(r"""
What the table shows, in numbers (printed below): in the first iterations the full step $\alpha = 1$ is rejected and a
shorter one accepted; every iteration finds *some* acceptable step, so in this run $\mu$ never has to rise — it only falls,
from its initial value to zero. From then on the full step is accepted, yet the ratio of actual to expected reduction
is not 1: it stays well above 1 for most of the run. The actual reduction is *larger* than predicted, because iLQR's
quadratic model is a **Gauss–Newton** approximation: it linearises $f$ and so drops the second derivatives
$f_{xx}, f_{ux}, f_{uu}$ of the dynamics (DDP keeps them), and the curvature it predicts is not the true one. On the
double integrator of section 3, where $f$ is linear and $c$ quadratic, the model is exact and the ratio is 1.
""")

code(r"""
%%
out := must(lessons.LineSearch{}.Run()).(*lessons.LineSearchOutcome)
h := out.With.History
var short []int
rises, muZero := 0, 0
for i, it := range h {
	if it.Accepted && it.Alpha < 1 {
		short = append(short, it.Iter)
	}
	if i > 0 && it.Mu > h[i-1].Mu {
		rises++
	}
	if muZero == 0 && it.Mu == 0 {
		muZero = it.Iter
	}
}
fmt.Printf("iterations that accepted a shorter step than α = 1: %v\n", short)
fmt.Printf("μ: starts at %g, rises %d times, is 0 from iteration %d on\n", h[0].Mu, rises, muZero)
lo, hi := lessons.RatioRange(out.With, muZero, len(h))
fmt.Printf("actual / expected over iterations %d–%d: %.2f to %.2f\n", muZero, len(h), lo, hi)
lo13, hi13 := lessons.RatioRange(out.With, 13, 45)
fmt.Printf("                   over iterations 13–45: %.2f to %.2f\n", lo13, hi13)
llo, lhi := lessons.RatioRange(out.Linear, 1, len(out.Linear.History))
fmt.Printf("double integrator (linear f, quadratic c): ratio %.3f to %.3f over %d iterations\n", llo, lhi, len(out.Linear.History))
lessons.Assert(rises == 0 && muZero > 0, "μ only falls in this run")
lessons.Assert(lo13 > 1.5, "the Gauss–Newton model under-predicts the reduction (ratio ≥ %.2f)", lo13)
lessons.Assert(math.Abs(llo-1) < 1e-6 && math.Abs(lhi-1) < 1e-6, "the ratio is 1 on the linear–quadratic problem")
""")

exercise(
    "the expected cost change $\\Delta J(\\alpha)$",
    r"""
Write `expectedChange`, the change of cost the quadratic model predicts for the step $\alpha k_t$:
$\Delta J(\alpha) = \alpha \sum_t k_t^\top Q_{u,t} + \tfrac{\alpha^2}{2} \sum_t k_t^\top Q_{uu,t} k_t$. The check compares it with
`rl/lqr`'s $\alpha\,\mathrm{DV1} + \alpha^2\,\mathrm{DV2}$ on the double integrator and with the formula on random data
(`mat.Dot` and `mat.Inner` help). The line search's `expected` column is $-\Delta J(\alpha)$.
""",
    r"""
// expectedChange returns ΔJ(α) = α Σ k_tᵀQu_t + α²/2 Σ k_tᵀQuu_t k_t.
func expectedChange(alpha float64, k, Qu []*mat.VecDense, Quu []*mat.Dense) float64 {
	return 0 // TODO
}
""",
    r"""
%%
lessons.Grade("Exercise: ΔJ(α)", lessons.CheckExpectedChange(expectedChange))
""",
    r"""
func expectedChange(alpha float64, k, Qu []*mat.VecDense, Quu []*mat.Dense) float64 {
	lin, quad := 0.0, 0.0
	for t := range k {
		lin += mat.Dot(k[t], Qu[t])
		quad += mat.Inner(k[t], Quu[t], k[t])
	}
	return alpha*lin + alpha*alpha/2*quad
}
""")

md(r"""
## 5. The pendulum swings up

The solution first pushes the pendulum *away* from the side it will rise on, to gain energy, with the torque at its limit;
it then pushes the other way at the opposite limit and arrives upright at rest. The regularisation trace is the one the
table above printed: $\mu$ falls to zero and the steps become full.
After the states, the regularisation trace and the phase portrait, the swing-up is shown as a film strip and, beside it,
as an animation that loops.
""")

code(r"""
%%
out := must(lessons.SwingUp{}.Run()).(*lessons.SwingUpOutcome)
p, res := out.Problem, out.Result
xT := res.X[p.T]
fmt.Printf("final state: θ = %.5f rad (error %.1e), θ̇ = %.1e rad/s; converged: %v (%s)\n",
	xT[0], lessons.AngleError(xT[0]), xT[1], res.Converged, res.Status)
atLimit := 0
for _, u := range res.U {
	if math.Abs(u[0]) > 5-1e-6 {
		atLimit++
	}
}
lowest := 0.0
for _, x := range res.X {
	lowest = math.Min(lowest, x[0])
}
fmt.Printf("torque at its ±5 N·m limit for %d of %d steps; lowest θ = %.2f rad (swung back first)\n", atLimit, p.T, lowest)
lessons.Assert(lessons.AngleError(xT[0]) < 0.05 && math.Abs(xT[1]) < 0.1, "the swing-up ends upright at rest")
lessons.ShowFigures(out.Figures())
""")

md(r"""
## 6. Balancing the cart-pole, and closing the loop with MPC

The cart-pole starts displaced, $x_0 = (0.5\text{ m}, 0.3\text{ rad}, 0, 0)$, and should come to rest upright at the
origin, with the force limited to $\pm 10$ N. iLQR plans a 3 s trajectory on the **model**, whose pole weighs 0.1 kg.

A plan is open-loop: played on a system that differs from the model, it goes wrong, and on an unstable system it goes
wrong fast. Here the real system, the **plant**, has a pole twice as heavy as the model's. **Model-predictive control**
re-solves the problem on the model from the plant's current state at every step (a 1 s horizon; the first solve starts
from the plan's first second, each later one from the previous plan shifted by one step; at most 10 iLQR iterations each) and applies only the first action, so it corrects what
the model got wrong. All costs below are the task's cost on what happened over the same 3 s.
""")

code(r"""
%%
out := must(lessons.Balance{}.Run()).(*lessons.BalanceOutcome)
p, T := out.Problem, out.Problem.T
dt := p.System.Dt()
fmt.Printf("start %.1f; model pole %.1f kg, plant pole %.1f kg; horizon %d steps (%.0f s), MPC's %d steps (%.0f s)\n",
	p.X0, p.System.(*system.CartPole).PoleMass, out.Plant.PoleMass, T, float64(T)*dt, out.MPCHorizon, float64(out.MPCHorizon)*dt)
fmt.Printf("plan on the model:           %d iterations, cost %.3f, final state %.3f\n", len(out.Plan.History), out.Plan.Cost, out.Plan.X[T])
fmt.Printf("plan played on the plant:    cost %.1f, final state %.2f (the pole fell)\n", out.OpenLoopCost, out.OpenLoop.X[T])
fmt.Printf("MPC on the plant (H = %d):   cost %.3f, final state %.3f, iLQR iterations per step ≤ %d\n",
	out.MPCHorizon, out.MPC.Cost, out.MPC.X[T], slices.Max(out.MPC.Iterations))
lessons.Assert(lessons.MaxAbs(out.Plan.X[T]) < 0.02, "the plan ends near rest")
lessons.Assert(math.Abs(out.OpenLoop.X[T][1]) > math.Pi/2, "the open-loop plan lets the heavier pole fall")
lessons.Assert(lessons.MaxAbs(out.MPC.X[T]) < 0.05 && out.MPC.Cost < 1.1*out.Plan.Cost, "MPC recovers, close to the plan's cost")
lessons.ShowFigures(out.Figures())
""")

md(r"""
The plan itself ends near rest. Played open-loop on the plant it holds the pole for about a second and then lets it fall
(its θ leaves the plot), while MPC on the same plant ends near rest at a cost close to the plan's on the model. In the
figure the y ranges fit the plan and MPC. The two animations show the plant under the open-loop plan and under MPC.

iLQR is a *local* method: from some starts the all-zero initial actions let the pole fall all the way round, and the
optimiser settles in a poor local minimum. Try `lessons.Balance{X0: []float64{0, 0.5, 0, 0}}`, or a heavier plant,
`lessons.Balance{PlantPoleMass: 0.5}`, or a shorter MPC horizon, `lessons.Balance{MPCHorizon: 25}`.
""")

md(r"""
## 7. Your turn: move the horizon and the control cost

First a map. The table and heatmap below sweep both settings at once, the horizon $T$ (steps of $0.02$ s) and the
control-cost weight $r$ (final angle error in radians; below 0.05 counts as upright). In the sweep, two seconds (the first
row) are not enough to pump in the energy with the torque limit, whatever $r$; with the costliest torque (the last column)
iLQR settles for an incomplete swing even with the longest horizon.
""")

code(r"""
%%
out := must(lessons.SettingsSweep{}.Run()).(*lessons.SettingsOutcome)
fmt.Printf("final angle error (rad)\n   T \\ r")
for _, r := range out.Rs {
	fmt.Printf("%9g", r)
}
fmt.Println()
for i, T := range out.Ts {
	fmt.Printf("%8d", T)
	for j := range out.Rs {
		fmt.Printf("%9.3f", out.Errors.At(i, j))
	}
	fmt.Println()
}
n, m := out.Errors.Dims()
lessons.Assert(slices.Min(mat.Row(nil, 0, out.Errors)) > 0.05 && out.Errors.At(n-1, m-1) > 0.05, "the first row and the last column's longest horizon miss upright")
lessons.ShowFigures(out.Figures())
""")

md(r"""
Now move them yourself. The sliders below set the horizon $T$ (from 1 to 8 s) and the control cost $r$ (a logarithmic slider
from $10^{-4}$ to $1$, showing the value it stands for); every move solves the swing-up again — milliseconds for a short
horizon, up to half a second for a long one with cheap torque — and redraws the states and the torque in place, on a time
axis that always spans 8 s. Press **Done** to keep the last figure in the notebook; the cell then prints the settings and
the run.

Things to try: a short horizon (`T = 100`); expensive torque (`r = 1`); cheap torque (`r = 1e-4`); and the shortest horizon
that still swings up with `r = 0.01` (the heatmap's rows bracket it). What to watch: how long the torque (bottom panel) sits
at its ±5 N·m limits while it pumps energy, whether $\theta$ reaches the dashed upright line and stays there, and the line
under the figure — iterations, cost and final angle error.

The controls start at section 5's swing-up, $T = 300$ and $r = 0.01$: it ends upright, the same run as there, with the torque
at a limit for part of the way.
""")

code(r"""
%%
v, _, err := live.Show("Swing-up: horizon T and control cost r", lessons.SwingUpControls(), lessons.SwingUpRender)
check(err)
out := must(lessons.SwingUpAt(context.Background(), v.Int("T"), v.Float("r"), nil)) // the run the figure shows (kept, not solved again)
atLimit := 0
for _, u := range out.Result.U {
	if math.Abs(u[0]) > 5-1e-6 {
		atLimit++
	}
}
fmt.Printf("%s: torque at a limit for %d of %d steps\n", v, atLimit, out.T)
if v.String() == "T=300 r=0.01" { // the defaults (a headless run keeps them)
	su := must(lessons.SwingUp{}.Run()).(*lessons.SwingUpOutcome)
	lessons.Assert(out.Result.Cost == su.Result.Cost, "the defaults are section 5's swing-up (cost %.3f)", su.Result.Cost)
	lessons.Assert(out.Upright && atLimit > 0, "it ends upright, with the torque at a limit for part of the way")
}
""")

md(r"""
## 8. Export figures for your slides

Every figure can be saved as SVG, PDF or PNG — the format comes from the extension — with a preset for slides
(widescreen, large fonts, thick lines) or papers. `make figures` exports every lesson's figures into `figures/` at once, from the
same scenarios the cells run; here we export the swing-up's from the notebook (figures as PDF, the animation as SVG). A bad path gives an error that names it;
nothing half-written is left behind.
""")

code(r"""
%%
figs := must(must(lessons.SwingUp{}.Run()).Figures())
dir := lessons.FigureDir()
check(os.MkdirAll(dir, 0o755))
for _, nf := range figs {
	path := filepath.Join(dir, nf.Name+".pdf")
	if nf.Animation != nil { // animations are SVG, which plays in a browser
		path = filepath.Join(dir, nf.Name+".svg")
		check(nf.Animation.Save(path))
	} else {
		check(nf.Figure.WithStyle(plotting.Slide).Save(path))
	}
	info := must(os.Stat(path))
	fmt.Printf("saved %s (%d kB)\n", path, info.Size()/1024)
}
fmt.Println("saving to a directory that does not exist:", figs[0].Figure.Save("/no/such/dir/figure.pdf"))
""")

md(r"""
## Summary

* Optimal control over a horizon with known dynamics: linearise $f$, quadratise $c$ around the current trajectory, and
  solve the resulting LQR problem exactly by a backward pass; $u_t = \hat u_t + \alpha k_t + K_t(x_t - \hat x_t)$.
* The backward pass is a dozen lines (section 3), and the library's `rl/lqr` matches it; with action limits the
  library solves a small box QP per step instead (control-limited DDP).
* A local model is only trusted locally: the line search on $\alpha$ and the regularisation $\mu$ keep each new trajectory
  where the expansion holds. Without them the same iteration diverges (section 4). iLQR's Gauss–Newton model is not
  exact for nonlinear dynamics, so the reduction it predicts is only a guide.
* MPC turns the open-loop plan into feedback by re-planning at every step, and so absorbs a model error that makes the
  open-loop plan fail (section 6).

**More to try.** Set `ilqr.Config{MinRatio: 0.5}` (a stricter line search) in section 4: how do iterations and final cost
change? Next lesson: what if we don't know $f$? Fit $A_t, B_t$ from samples around the trajectory.
""")

md(r"""
## References

* D. Q. Mayne. A second-order gradient method for determining optimal trajectories of non-linear discrete-time systems.
  *International Journal of Control* 3(1):85–95, 1966.
* D. H. Jacobson and D. Q. Mayne. *Differential Dynamic Programming.* American Elsevier, New York, 1970.
* W. Li and E. Todorov. Iterative linear quadratic regulator design for nonlinear biological movement systems.
  *Proc. 1st International Conference on Informatics in Control, Automation and Robotics (ICINCO)*, 222–229, 2004.
* Y. Tassa, T. Erez and E. Todorov. Synthesis and stabilization of complex behaviors through online trajectory
  optimization. *IEEE/RSJ International Conference on Intelligent Robots and Systems (IROS)*, 4906–4913, 2012.
* Y. Tassa, N. Mansard and E. Todorov. Control-limited differential dynamic programming. *IEEE International
  Conference on Robotics and Automation (ICRA)*, 1168–1175, 2014.
* R. V. Florian. Correct equations for the dynamics of the cart-pole system. Technical report, Center for Cognitive and
  Neural Studies (Coneural), Romania, 2007.
""")

write(__file__)
