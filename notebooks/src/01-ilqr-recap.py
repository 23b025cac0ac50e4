"""Lesson 01 — iLQR, the recap. Builds notebooks/01-ilqr-recap.ipynb."""
from nbgen import code, md, write

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
4. see why iLQR needs a line search and a regularisation schedule;
5. swing the pendulum up, balance the cart-pole, and close the loop with MPC;
6. change a setting (horizon, control cost) and watch what changes;
7. export the figures for your slides.

**How to use it.** Run the cells from the top (*Cell → Run All*). Every cell recompiles and reruns
its Go program in a second or two; the numbers are deterministic. The code that runs lives in the
project's packages (`rl/…`, `lessons`, `plotting`) and is tested there; the cells call it, and where a
step matters for understanding, the cell writes it out and checks it against the library.
""")

code(r"""
import (
	"flag"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"

	"github.com/rlcontrol/rlcontrol/lessons"
	"github.com/rlcontrol/rlcontrol/plotting"
	"github.com/rlcontrol/rlcontrol/rl/cost"
	"github.com/rlcontrol/rlcontrol/rl/ilqr"
	"github.com/rlcontrol/rlcontrol/rl/lqr"
	"github.com/rlcontrol/rlcontrol/rl/system"
	"gonum.org/v1/gonum/mat"
)

// must returns v, or stops the cell with err's message; check stops it on
// an error; show displays a figure inline (SVG).
func must[T any](v T, err error) T { lessons.Check(err); return v }
func check(err error)               { lessons.Check(err) }
func show(fig *plotting.Figure, err error) { lessons.Show(fig, err) }
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
fmt.Printf("pendulum: m = %g kg, l = %g m, g = %g m/s², damping b = %g, |τ| ≤ %g N·m\n",
	pend.Mass, pend.Length, pend.Gravity, pend.Damping, pend.MaxTorque)
fmt.Printf("horizon T = %d steps of %g s = %.1f s; start %v, goal %.4f\n", p.T, pend.Dt(), float64(p.T)*pend.Dt(), p.X0, p.Cost.Goal())
fmt.Printf("gravity's torque at horizontal, m·g·l = %.2f N·m, is %.1f× the torque limit\n",
	pend.Mass*pend.Gravity*pend.Length, pend.Mass*pend.Gravity*pend.Length/pend.MaxTorque)

// What the system looks like: the renderer Embed to Control will learn from later.
angles := []float64{0, math.Pi / 4, math.Pi / 2, 3 * math.Pi / 4, math.Pi}
var imgs []plotting.Image
for _, th := range angles {
	pix := make([]float64, 48*48)
	check(pend.Render(pix, 48, 48, []float64{th, 0}))
	imgs = append(imgs, plotting.Image{Title: fmt.Sprintf("θ = %.2f", th), W: 48, H: 48, Pix: pix})
}
show(plotting.ImageGrid("The pendulum at a few angles (48×48 renders)", len(imgs), imgs...))
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
(position and velocity, acceleration as input) that must move from rest at $p = 0$ to rest at $p = 1$: the goal
$x^* = (1, 0)$ gives the cost linear terms $c_x = -Q x^*$.
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
const dt, T = 0.1, 40
A := mat.NewDense(2, 2, []float64{1, dt, 0, 1})
B := mat.NewDense(2, 1, []float64{dt * dt / 2, dt})
Q := mat.NewDense(2, 2, []float64{1, 0, 0, 0.1})
R := mat.NewDense(1, 1, []float64{0.01})
Qf := mat.NewDense(2, 2, []float64{100, 0, 0, 10})
goal := mat.NewVecDense(2, []float64{1, 0})
// ½(x − x*)ᵀQ(x − x*) = ½xᵀQx − (Qx*)ᵀx + const
cx, cxT := new(mat.VecDense), new(mat.VecDense)
cx.MulVec(Q, goal)
cx.ScaleVec(-1, cx)
cxT.MulVec(Qf, goal)
cxT.ScaleVec(-1, cxT)
cu := mat.NewVecDense(1, nil)

K, k := backwardPass(A, B, Q, R, cx, cu, Qf, cxT, T)

// The same problem through the library.
prob := &lqr.Problem{Final: lqr.Final{Cxx: Qf, Cx: cxT}}
for t := 0; t < T; t++ {
	prob.Steps = append(prob.Steps, lqr.Step{A: A, B: B, Cxx: Q, Cuu: R, Cx: cx, Cu: cu})
}
sol := must(lqr.Solve(prob))
worst := 0.0
for t := 0; t < T; t++ {
	var dK mat.Dense
	dK.Sub(K[t], sol.K[t])
	worst = math.Max(worst, mat.Norm(&dK, math.Inf(1)))
	worst = math.Max(worst, math.Abs(k[t].AtVec(0)-sol.Kff[t].AtVec(0)))
}
fmt.Printf("K_0 = %.4f, k_0 = %.4f\n", mat.Formatted(K[0]), k[0].AtVec(0))
fmt.Printf("largest difference from rl/lqr over all %d steps: %.1e\n", T, worst)
if worst > 1e-9 {
	panic("the written-out backward pass disagrees with rl/lqr")
}

tr, J, err := sol.Rollout(prob, []float64{0, 0})
check(err)
ts := make([]float64, T+1)
for i := range ts {
	ts[i] = float64(i) * dt
}
fmt.Printf("optimal cost %.4f; the value function predicts %.4f\n", J, sol.V0[0])
show(plotting.TimeSeries("LQR: double integrator to p = 1", "time (s)", ts,
	[]string{"p (m)", "v (m/s)"}, []string{"a (m/s²)"}, plotting.Trace{Name: "LQR", States: tr.X, Controls: tr.U}))
""")

md(r"""
## 4. iLQR, and why it needs a line search

For a nonlinear system we linearise around the current trajectory $(\hat x_t, \hat u_t)$, solve the LQR problem in the
deviations $\delta x, \delta u$, and roll the new controller out on the **true** dynamics:

$$u_t = \hat u_t + \alpha\, k_t + K_t (x_t - \hat x_t), \qquad x_{t+1} = f(x_t, u_t).$$

The quadratic model predicts the cost change $\Delta J(\alpha) = \alpha \sum_t k_t^\top Q_u + \tfrac{\alpha^2}{2} \sum_t k_t^\top Q_{uu} k_t$.
With $\alpha = 1$ we jump to the minimum of the *model*, which can be far from where the model is valid: the real cost
can go up. So we try $\alpha = 1, 0.5, 0.25, \dots$ and accept the first step whose actual reduction is a positive
fraction of the predicted one. When no step works — or $Q_{uu}$ is not positive definite — we raise a
Levenberg–Marquardt regularisation $\mu$ (replacing $V$ by $V + \mu I$ in $Q_{uu}$, $Q_{ux}$), which shortens the step
and keeps the new trajectory close to the old one; after a success we lower it again (Tassa, Erez & Todorov 2012).

*This is the same idea as the trust regions in the rest of the lecture: only trust a local model near where it was fitted.*

Below: the swing-up with the line search, and with full steps accepted blindly.
""")

code(r"""
%%
p := must(lessons.SwingUp{}.Problem())
fmt.Println(" iter       cost       α          μ   expected     actual   ratio")
progress := func(it ilqr.Iteration) {
	if it.Iter <= 10 || it.Iter%10 == 0 {
		fmt.Printf("%5d %10.3f %7.3f %10.2e %10.3f %10.3f %7.3f\n", it.Iter, it.Cost, it.Alpha, it.Mu, it.Expected, it.Actual, it.Ratio)
	}
}
with := must(p.Solve(ilqr.Config{Progress: progress}))
fmt.Printf("with line search: %d iterations, cost %.3f (%s)\n\n", len(with.History), with.Cost, with.Status)
without := must(p.Solve(ilqr.Config{AlwaysAccept: true, MaxIter: len(with.History)}))
fmt.Printf("full steps, no line search: after %d iterations the cost is %.1f\n", len(without.History), without.Cost)
show(lessons.ConvergenceFigure("Swing-up: why a line search",
	lessons.Run{Name: "with line search", Result: with},
	lessons.Run{Name: "full steps, no line search", Result: without}))
""")

md(r"""
## 5. The pendulum swings up

The solution saturates the torque, swings back first to gain energy, and arrives upright at rest.
The regularisation trace shows the schedule at work: $\mu$ rises when steps fail and falls to zero as the
iterations settle into the region where the quadratic model is accurate (ratio ≈ 1, full steps).
""")

code(r"""
%%
p := must(lessons.SwingUp{}.Problem())
res := must(p.Solve(ilqr.Config{}))
xT := res.X[p.T]
fmt.Printf("final state: θ = %.5f rad (error %.1e), θ̇ = %.1e rad/s; converged: %v (%s)\n",
	xT[0], lessons.AngleError(xT[0]), xT[1], res.Converged, res.Status)
if lessons.AngleError(xT[0]) > 0.05 || math.Abs(xT[1]) > 0.1 {
	panic("the swing-up did not reach upright")
}
run := lessons.Run{Name: "iLQR", Result: res}
show(lessons.StatesFigure("Pendulum swing-up (iLQR)", p, run))
show(lessons.RegularizationFigure("Swing-up: regularisation and line search", run))

th, thd := make([]float64, len(res.X)), make([]float64, len(res.X))
for i, x := range res.X {
	th[i], thd[i] = x[0], x[1]
}
show(plotting.Trajectories("Phase portrait", "θ (rad)", "θ̇ (rad/s)", plotting.Scene{
	Paths: []plotting.Path{{Name: "swing-up", X: th, Y: thd}},
	Goals: []plotting.Point{{X: math.Pi, Y: 0}},
}))
frames := must(lessons.PendulumFrames(p.System.(*system.Pendulum), res.X, 8, 48, 48))
show(plotting.ImageGrid("Film strip of the swing-up", 8, frames...))
""")

md(r"""
## 6. Balancing the cart-pole, and closing the loop with MPC

The cart-pole starts displaced (cart at 0.5 m, pole tilted 0.3 rad ≈ 17°) and must come to rest upright at the origin,
with the force limited to ±10 N. iLQR plans a 2 s trajectory. A plan is open-loop around its nominal; **model-predictive
control** re-solves the problem from the current state at every step (warm-started from the previous plan shifted by one
step, a few iLQR iterations each) and applies only the first action, which corrects for anything the plan did not foresee.

iLQR is a *local* method: from some starts the all-zero initial actions let the pole fall all the way round, and the
optimiser settles in a poor local minimum. Try `lessons.Balance{X0: []float64{0, 0.5, 0, 0}}`.
""")

code(r"""
%%
p := must(lessons.Balance{}.Problem())
plan := must(p.Solve(ilqr.Config{}))
fmt.Printf("plan: %d iterations, cost %.3f, final state %.3f\n", len(plan.History), plan.Cost, plan.X[p.T])
mpc := must(ilqr.MPC(p.System, p.Cost, p.X0, p.U0, ilqr.MPCConfig{Horizon: p.T, Steps: p.T}))
fmt.Printf("MPC: %d steps, executed cost %.3f, final state %.3f, iLQR iterations per step: first %d, then ≤ %d\n",
	len(mpc.U), mpc.Cost, mpc.X[len(mpc.X)-1], mpc.Iterations[0], slices.Max(mpc.Iterations[1:]))
show(lessons.StatesFigure("Cart-pole balance: plan and MPC", p,
	lessons.Run{Name: "iLQR plan", Result: plan},
	lessons.Run{Name: "MPC", Result: &ilqr.Result{Trajectory: mpc.Trajectory}}))
""")



md(r"""
## 7. Your turn: change a setting

The next cell takes two flags on its `%%` line: the horizon `--T` (steps of 0.02 s) and the control-cost weight `--r`.
Edit them and rerun the cell. Things to try:

* `--T=100`: two seconds are not enough to pump enough energy with 5 N·m — the pendulum ends far from upright;
* `--r=1`: torque becomes expensive, and iLQR settles for a slower, incomplete swing;
* `--r=0.0001`: bang-bang torques.

The table and heatmap below the plot sweep both settings at once (final angle error in radians; below 0.05 counts as upright).
""")

code(r"""
var (
	flagT = flag.Int("T", 300, "swing-up horizon in steps of 0.02 s")
	flagR = flag.Float64("r", 0.01, "control-cost weight r in ½ r τ²")
)

%% --T=300 --r=0.01
p := must(lessons.SwingUp{T: *flagT, ControlWeight: *flagR}.Problem())
res := must(p.Solve(ilqr.Config{}))
e := lessons.AngleError(res.X[p.T][0])
fmt.Printf("T = %d, r = %g: %d iterations, cost %.3f, final angle error %.3f rad → upright: %v\n",
	p.T, *flagR, len(res.History), res.Cost, e, e < 0.05)
show(lessons.StatesFigure(fmt.Sprintf("Swing-up with T = %d, r = %g", p.T, *flagR), p, lessons.Run{Name: "iLQR", Result: res}))

Ts := []int{100, 150, 200, 300}
rs := []float64{0.001, 0.01, 0.1, 1}
errs := must(lessons.SweepSwingUp(Ts, rs))
fmt.Printf("\nfinal angle error (rad)\n   T \\ r")
for _, r := range rs {
	fmt.Printf("%9g", r)
}
fmt.Println()
for i, T := range Ts {
	fmt.Printf("%8d", T)
	for j := range rs {
		fmt.Printf("%9.3f", errs.At(i, j))
	}
	fmt.Println()
}
rowLabels, colLabels := make([]string, len(Ts)), make([]string, len(rs))
for i, T := range Ts {
	rowLabels[i] = fmt.Sprint(T)
}
for j, r := range rs {
	colLabels[j] = fmt.Sprint(r)
}
show(plotting.HeatmapLabeled("Final angle error (rad)", "control weight r", "horizon T", errs,
	plotting.HeatmapOptions{RowLabels: rowLabels, ColLabels: colLabels, Values: "%.3f"}))
""")

md(r"""
## 8. Export figures for your slides

Every figure can be saved as SVG, PDF or PNG — the format comes from the extension — with a preset for slides
(16:9, large fonts, thick lines) or papers. `make figures` exports every lesson's figures into `figures/` at once;
here we export this lesson's from the notebook. A bad path gives an error that names it; nothing half-written is left behind.
""")

code(r"""
%%
l := must(lessons.RunLesson01(lessons.SwingUp{}, lessons.Balance{}))
dir := lessons.FigureDir()
check(os.MkdirAll(dir, 0o755))
for _, nf := range must(l.Figures()) {
	path := filepath.Join(dir, nf.Name+".pdf")
	check(nf.Figure.WithStyle(plotting.Slide).Save(path))
	info := must(os.Stat(path))
	fmt.Printf("saved %s (%d kB)\n", path, info.Size()/1024)
}
fig := must(lessons.ConvergenceFigure("x", lessons.Run{Name: "a", Result: l.Swing}))
fmt.Println("saving to a directory that does not exist:", fig.Save("/no/such/dir/figure.pdf"))
""")

md(r"""
## Summary

* Optimal control over a horizon with known dynamics: linearise $f$, quadratise $c$ around the current trajectory, and
  solve the resulting LQR problem exactly by a backward pass; $u_t = \hat u_t + \alpha k_t + K_t(x_t - \hat x_t)$.
* The backward pass is a dozen lines (section 3), and the library's `rl/lqr` matches it to 1e-9.
* A local model is only trusted locally: the line search on $\alpha$ and the regularisation $\mu$ keep each new trajectory
  where the expansion holds. Without them the same iteration diverges (section 4).
* MPC turns the open-loop plan into feedback by re-planning at every step.

**Exercises.**
1. Add a cross term $c_{ux}$ to `backwardPass` and check it against `rl/lqr` with a non-zero `Cux`.
2. Set `ilqr.Config{MinRatio: 0.5}` (a stricter line search): how do iterations and final cost change?
3. Run MPC with a plant whose pendulum is 20% heavier than the model (`ilqr.MPCConfig{Plant: ...}`): does it still swing up?
4. Next lesson: what if we don't know $f$? Fit $A_t, B_t$ from samples around the trajectory.
""")

write(__file__)
