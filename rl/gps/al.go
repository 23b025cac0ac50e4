package gps

import (
	"errors"
	"fmt"
	"math"
	"sort"
	"sync"

	"github.com/rlcontrol/rlcontrol/rl/constrained"
	"github.com/rlcontrol/rlcontrol/rl/lqr"
	"github.com/rlcontrol/rlcontrol/rl/trajopt"
	"gonum.org/v1/gonum/mat"
)

// TrajStats reports one trajectory step (or MDGPS's controller update),
// condition by condition.
type TrajStats struct {
	// Cost is the mean task cost of each condition's N samples (drawn
	// from the controller before this update).
	Cost []float64
	// KL is D_KL(p_new ‖ p̄) of each update under the fitted model, Bound
	// the bound Epsilon·T, Eta the dual variable reached.
	KL, Eta []float64
	Bound   float64
	// Status is the η search's outcome per condition: Converged (KL within
	// Tol of Bound) or ConstraintSlack (KL below Bound at the smallest η).
	Status []constrained.Status
	// ToPolicy reports whether p̄ was the policy's linearisation (MDGPS
	// after the first iteration) rather than the previous controller.
	ToPolicy bool
	// StepMult is the multiplier of Epsilon in Bound (MDGPS's step-size
	// rule; 1 for AL-GPS and with FixedStep). Predicted and Actual are
	// the means over the conditions of the last update's improvement as
	// the models predicted it and as the new samples show it, the basis of
	// StepMult (NaN when not adapted: the first iteration, AL-GPS,
	// FixedStep).
	StepMult          float64
	Predicted, Actual float64
	// Dropped lists the conditions Config.DropFactor left out of this
	// iteration (their update KL-bounded to their previous controller,
	// out of the step-size rule's means and of the policy step).
	Dropped []int
}

// MeanCost returns the mean of Cost over the conditions.
func (s *TrajStats) MeanCost() float64 { return mean(s.Cost) }

func mean(v []float64) float64 {
	t := 0.0
	for _, x := range v {
		t += x
	}
	return t / float64(len(v))
}

// AugmentedCost adds the augmented-Lagrangian terms of the constraint
// u_t = π(x_t), with π linearised as π(x) ≈ G_t x + g_t (a linear
// controller's mean, pi.K and pi.Kff),
//
//	λ_tᵀ(π(x) − u) + ρ_t ‖π(x) − u‖²,  π(x) − u = W_t z + g_t,  W_t = [G_t  −I],
//
// to the quadratic cost q in z = [x; u]: Czz += 2ρ WᵀW, Cz += Wᵀ(λ + 2ρ g),
// C0 += λᵀg + ρ gᵀg. It returns a new cost (q is not changed), or an error
// for mismatched sizes, a ρ_t that is not finite and > 0, or a λ_t that is
// not finite.
func AugmentedCost(q *lqr.QuadraticCost, pi *lqr.Controller, lambda [][]float64, rho []float64) (*lqr.QuadraticCost, error) {
	n, m, T, err := q.Dims()
	if err != nil {
		return nil, fmt.Errorf("gps: cost: %w", err)
	}
	pn, pm, pT, err := pi.Dims()
	if err != nil {
		return nil, fmt.Errorf("gps: linearised policy: %w", err)
	}
	if pn != n || pm != m || pT != T {
		return nil, fmt.Errorf("gps: linearised policy has n = %d, m = %d, T = %d, the cost n = %d, m = %d, T = %d", pn, pm, pT, n, m, T)
	}
	if err := checkMultipliers(lambda, rho, m, T); err != nil {
		return nil, err
	}
	d := n + m
	out := &lqr.QuadraticCost{Final: q.Final}
	W := mat.NewDense(m, d, nil)
	WtW := mat.NewDense(d, d, nil)
	for t := 0; t < T; t++ {
		for r := 0; r < m; r++ {
			for j := 0; j < n; j++ {
				W.Set(r, j, pi.K[t].At(r, j))
			}
			for j := 0; j < m; j++ {
				v := 0.0
				if r == j {
					v = -1
				}
				W.Set(r, n+j, v)
			}
		}
		WtW.Mul(W.T(), W)
		czz := mat.NewSymDense(d, nil)
		for a := 0; a < d; a++ {
			for b := a; b < d; b++ {
				czz.SetSym(a, b, q.Czz[t].At(a, b)+2*rho[t]*WtW.At(a, b))
			}
		}
		v := mat.NewVecDense(m, nil)
		c0 := q.C0[t]
		for r := 0; r < m; r++ {
			g := pi.Kff[t].AtVec(r)
			v.SetVec(r, lambda[t][r]+2*rho[t]*g)
			c0 += lambda[t][r]*g + rho[t]*g*g
		}
		cz := mat.NewVecDense(d, nil)
		cz.MulVec(W.T(), v)
		cz.AddVec(cz, q.Cz[t])
		out.Czz = append(out.Czz, czz)
		out.Cz = append(out.Cz, cz)
		out.C0 = append(out.C0, c0)
	}
	if _, _, _, err := out.Dims(); err != nil {
		return nil, fmt.Errorf("gps: augmented cost overflows: %w", err)
	}
	return out, nil
}

func checkMultipliers(lambda [][]float64, rho []float64, m, T int) error {
	if len(lambda) != T || len(rho) != T {
		return fmt.Errorf("gps: %d multipliers λ and %d weights ρ, want T = %d of each", len(lambda), len(rho), T)
	}
	for t := 0; t < T; t++ {
		if len(lambda[t]) != m {
			return fmt.Errorf("gps: λ_%d has length %d, want m = %d", t, len(lambda[t]), m)
		}
		for j, v := range lambda[t] {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return fmt.Errorf("gps: λ_%d[%d] = %v, want a finite value", t, j, v)
			}
		}
		if !(rho[t] > 0) || math.IsInf(rho[t], 0) {
			return fmt.Errorf("gps: ρ_%d = %v, want a finite value > 0", t, rho[t])
		}
	}
	return nil
}

// TrajectoryStep is step 1 of the augmented-Lagrangian form: for each
// condition, sample N rollouts of p_i on the real system, fit the local
// dynamics, expand the task cost around the samples (lqr.Expand), add the
// augmented-Lagrangian terms λ_tᵀ(π_θ(x) − u) + ρ_t‖π_θ(x) − u‖² with π_θ
// linearised at the samples' mean state (AugmentedCost; left out before the
// policy's first fit, when π_θ is a random network), and minimise it under
// the trust region D_KL(p_i ‖ p̄_i) ≤ Epsilon·T around the previous
// controller (trajopt.KLUpdate).
func (g *GPS) TrajectoryStep() (*TrajStats, error) {
	return g.trajectoryStep(false)
}

// trajectoryStep samples, fits and updates every condition; mirror
// selects MDGPS's update (the plain cost, KL to the policy's
// linearisation once the policy is trained).
func (g *GPS) trajectoryStep(mirror bool) (*TrajStats, error) {
	if err := g.sample(); err != nil {
		return nil, err
	}
	k := len(g.conds)
	st := &TrajStats{Cost: make([]float64, k), KL: make([]float64, k), Eta: make([]float64, k),
		Status: make([]constrained.Status, k), StepMult: 1, Predicted: math.NaN(), Actual: math.NaN(),
		ToPolicy: mirror && g.fits > 0 && g.iter >= g.cfg.WarmUp}
	var variances []float64
	if st.ToPolicy {
		// The policy's covariance as MDGPS's supervised step would fit it:
		// minimising E_p KL(p ‖ π) over a shared diagonal Σ_π gives the
		// local controllers' mean covariance plus the squared residual.
		variances = g.controllerVariance()
		for j, s := range g.pol.Std() {
			variances[j] += s * s
		}
	}
	prevs := make([]*lqr.Controller, k)
	qs := make([]*lqr.QuadraticCost, k)
	for i, c := range g.conds {
		costs, err := trajopt.SampleCosts(g.task.Cost, c.Samples)
		if err != nil {
			return nil, fmt.Errorf("gps: condition %d: %w", i, err)
		}
		st.Cost[i] = mean(costs)
		c.SampleCost = st.Cost[i]
	}
	drop := g.dropped()
	for i, d := range drop {
		if d {
			st.Dropped = append(st.Dropped, i)
		}
	}
	for i, c := range g.conds {
		q, err := lqr.Expand(g.cost, c.Samples)
		if err != nil {
			return nil, fmt.Errorf("gps: condition %d: cost expansion: %w", i, err)
		}
		prevs[i] = c.Controller
		switch {
		case st.ToPolicy && !drop[i]:
			if prevs[i], err = g.linearize(c, variances); err != nil {
				return nil, fmt.Errorf("gps: condition %d: %w", i, err)
			}
		case !mirror && g.fits > 0:
			v := g.pol.Std()
			for j := range v {
				v[j] *= v[j]
			}
			lin, err := g.linearize(c, v)
			if err != nil {
				return nil, fmt.Errorf("gps: condition %d: %w", i, err)
			}
			if q, err = AugmentedCost(q, lin, c.Lambda, c.Rho); err != nil {
				return nil, fmt.Errorf("gps: condition %d: %w", i, err)
			}
		}
		qs[i] = q
	}
	if mirror && !g.cfg.FixedStep && g.last != nil {
		// MDGPS's step-size rule, on the means over the conditions.
		var pred, act float64
		kept := float64(k - len(st.Dropped))
		for i, c := range g.conds {
			if drop[i] {
				continue
			}
			p, a, err := improvement(g.last[i], c.Dynamics, qs[i], prevs[i])
			if err != nil {
				return nil, fmt.Errorf("gps: condition %d: step size: %w", i, err)
			}
			pred += p / kept
			act += a / kept
		}
		mult, err := StepMultiplier(g.stepMult, pred, act, g.cfg.MinStepMult, g.cfg.MaxStepMult)
		if err != nil {
			return nil, err
		}
		g.stepMult, st.Predicted, st.Actual = mult, pred, act
	}
	if mirror {
		st.StepMult = g.stepMult
	}
	st.Bound = g.cfg.Epsilon * float64(g.task.T) * st.StepMult
	errs := make([]error, k)
	news := make([]*lqr.Controller, k)
	var wg sync.WaitGroup
	for i, c := range g.conds {
		wg.Add(1)
		go func(i int, c *Condition) {
			defer wg.Done()
			kc := g.cfg.KL
			res, err := trajopt.KLUpdate(prevs[i], c.Dynamics, qs[i], st.Bound, kc)
			if err != nil {
				errs[i] = fmt.Errorf("gps: condition %d: KL update: %w", i, err)
				return
			}
			news[i] = res.Controller
			st.KL[i], st.Eta[i], st.Status[i] = res.KL, res.Eta, res.Status
		}(i, c)
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	if mirror {
		g.last = make([]mdUpdate, k)
	}
	for i, c := range g.conds {
		if mirror {
			g.last[i] = mdUpdate{target: prevs[i], next: news[i], dyn: c.Dynamics, q: qs[i]}
		}
		c.Controller = news[i]
	}
	g.iter++
	g.stepped = true
	return st, nil
}

// PolicyStats reports one policy step.
type PolicyStats struct {
	// Loss is the regression loss of each epoch, in normalised units.
	Loss []float64
	// Rows is the number of regression pairs (with repetitions).
	Rows int
}

// PolicyStep is step 2 of the augmented-Lagrangian form:
//
//	θ ← argmin_θ Σ_i Σ_samples λ_tᵀ(π_θ(o) − u) + ρ_t‖π_θ(o) − u‖²
//	  = argmin_θ Σ ρ_t ‖π_θ(o) − (u − λ_t/(2ρ_t))‖² + const,
//
// a regression of π_θ on the targets u − λ_t/(2ρ_t) at every sampled state,
// with u = μ_p(x) the updated local controller's mean action there. The
// weights ρ_t are those of each condition (ρ_t is raised for all t of a
// condition together); when they differ between conditions, each row is
// repeated round(ρ_i / min ρ) times (at most 8): integer weights for a
// plain mean-squared-error fit. It needs a TrajectoryStep since the last
// policy step.
func (g *GPS) PolicyStep() (*PolicyStats, error) {
	return g.policyStep(true)
}

func (g *GPS) policyStep(augmented bool) (*PolicyStats, error) {
	if !g.stepped {
		return nil, errors.New("gps: PolicyStep needs a TrajectoryStep first (no new samples and controllers)")
	}
	rhoMin := math.Inf(1)
	for _, c := range g.conds {
		for _, r := range c.Rho {
			rhoMin = math.Min(rhoMin, r)
		}
	}
	var obs, targets [][]float64
	var reps []int
	weighted := false
	T := g.task.T
	var spread []float64
	if g.cfg.Perturb > 0 {
		spread = g.stateSpread()
	}
	drop := g.dropped()
	for i, c := range g.conds {
		if drop[i] {
			continue
		}
		o, xs := g.observations(c)
		ts := make([]int, len(o))
		for b := range ts {
			ts[b] = b % T
		}
		if g.cfg.Perturb > 0 {
			po, px, pt := g.perturbed(c, i, spread)
			o, xs, ts = append(o, po...), append(xs, px...), append(ts, pt...)
		}
		for b := range o {
			t := ts[b]
			u := make([]float64, g.m)
			c.Controller.Mean(u, t, xs[b])
			rep := 1
			if augmented {
				if err := checkMultipliers(c.Lambda, c.Rho, g.m, T); err != nil {
					return nil, err
				}
				for j := range u {
					u[j] -= c.Lambda[t][j] / (2 * c.Rho[t])
				}
				rep = int(math.Min(8, math.Round(c.Rho[t]/rhoMin)))
				if rep != 1 {
					weighted = true
				}
			}
			obs = append(obs, o[b])
			targets = append(targets, u)
			reps = append(reps, rep)
		}
	}
	if !weighted {
		reps = nil
	}
	loss, err := g.fitPolicy(obs, targets, reps)
	if err != nil {
		return nil, err
	}
	rows := len(obs)
	if reps != nil {
		rows = 0
		for _, r := range reps {
			rows += r
		}
	}
	g.stepped = false
	return &PolicyStats{Loss: loss, Rows: rows}, nil
}

// dropped reports, per condition, whether DropFactor leaves it out of the
// policy's regression.
func (g *GPS) dropped() []bool {
	out := make([]bool, len(g.conds))
	if g.cfg.DropFactor == 0 {
		return out
	}
	cs := make([]float64, len(g.conds))
	for i, c := range g.conds {
		cs[i] = c.SampleCost
	}
	sort.Float64s(cs)
	med := cs[len(cs)/2]
	if len(cs)%2 == 0 {
		med = (cs[len(cs)/2-1] + med) / 2
	}
	for i, c := range g.conds {
		out[i] = c.SampleCost > g.cfg.DropFactor*med
	}
	return out
}

// DualStats reports one dual step.
type DualStats struct {
	// Mismatch is E‖π_θ(o) − μ_p(x)‖ over each condition's samples, with
	// the updated controllers and policy.
	Mismatch []float64
	// Rho is each condition's ρ after the step.
	Rho []float64
	// MaxLambda is the largest |λ_t| component after the step.
	MaxLambda float64
}

// MeanMismatch returns the mean of Mismatch over the conditions.
func (s *DualStats) MeanMismatch() float64 { return mean(s.Mismatch) }

// DualStep is step 3 of the augmented-Lagrangian form, the method of
// multipliers: with the mean violation v_t = E[π_θ(o_t) − μ_p(x_t)] over a
// condition's samples at step t,
//
//	λ_t ← λ_t + 2ρ_t v_t,
//
// then ρ_t ← min(RhoGrow·ρ_t, RhoMax) for every t of a condition whose
// mismatch E‖π_θ − μ_p‖ did not fall below RhoDrop times its previous
// value (the usual rule: raise the penalty when the constraint violation
// does not shrink fast enough).
func (g *GPS) DualStep() (*DualStats, error) {
	if g.fits == 0 {
		return nil, errors.New("gps: DualStep needs a fitted policy (run PolicyStep first)")
	}
	st := &DualStats{}
	for i, c := range g.conds {
		mm, v, err := g.mismatch(c)
		if err != nil {
			return nil, fmt.Errorf("gps: condition %d: %w", i, err)
		}
		if err := checkMultipliers(c.Lambda, c.Rho, g.m, g.task.T); err != nil {
			return nil, fmt.Errorf("gps: condition %d: %w", i, err)
		}
		for t := range c.Lambda {
			for j := range c.Lambda[t] {
				c.Lambda[t][j] += 2 * c.Rho[t] * v[t][j]
				st.MaxLambda = math.Max(st.MaxLambda, math.Abs(c.Lambda[t][j]))
			}
		}
		if !math.IsNaN(c.Mismatch) && mm > g.cfg.RhoDrop*c.Mismatch {
			for t := range c.Rho {
				c.Rho[t] = math.Min(g.cfg.RhoGrow*c.Rho[t], g.cfg.RhoMax)
			}
		}
		c.Mismatch = mm
		st.Mismatch = append(st.Mismatch, mm)
		st.Rho = append(st.Rho, c.Rho[0])
	}
	return st, nil
}
