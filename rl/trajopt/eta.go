package trajopt

import (
	"errors"
	"fmt"
	"math"

	"github.com/rlcontrol/rlcontrol/rl/internal/limits"
	"github.com/rlcontrol/rlcontrol/rl/internal/small"
	"github.com/rlcontrol/rlcontrol/rl/lqr"
	"gonum.org/v1/gonum/mat"
)

// EtaSolution is the x-step of the dual at one fixed η: the controller that
// minimises the Lagrangian E_p[c/η − log p̄] − H(p), its trajectory
// distribution under the model and its KL from p̄.
type EtaSolution struct {
	Eta        float64         // the dual variable η used
	Controller *lqr.Controller // p(u|x) = N(K x + k, Q̃uu⁻¹)
	Dist       *lqr.TrajDist   // p(τ) under the model
	KL         float64         // D_KL(p(τ) ‖ p̄(τ))
	// ExpectedCost is E_p[J] under the model and the original quadratic
	// cost (not the modified one).
	ExpectedCost float64
}

// ModifiedCost returns the lecture's cost at a fixed dual variable η,
//
//	c̃_t(x, u) = c_t(x, u)/η − log p̄(u | x),
//	−log p̄(u | x) = ½ (u − K̄x − k̄)ᵀ Σ̄⁻¹ (u − K̄x − k̄) + ½ log det(2π Σ̄),
//
// as a quadratic cost in z = [x; u]; the final cost is c_T/η (p̄ takes no
// action at T). LQR on c̃ with the maximum-entropy covariance Q̃uu⁻¹ is the
// x-step SolveAtEta runs. It returns the errors of Controller.Dims and
// QuadraticCost.Dims, an error for an η that is not finite and > 0 or a
// covariance of prev that is not positive definite, and one naming the
// step where c̃ overflows (a huge cost at a tiny η).
func ModifiedCost(prev *lqr.Controller, q *lqr.QuadraticCost, eta float64) (*lqr.QuadraticCost, error) {
	u, err := updaterFor(prev)
	if err != nil {
		return nil, err
	}
	if err := checkEta(eta); err != nil {
		return nil, err
	}
	n, m, T := u.n, u.m, u.T
	if err := u.loadPrev(prev); err != nil {
		return nil, err
	}
	if err := u.loadCost(q); err != nil {
		return nil, err
	}
	u.modify(eta)
	if err := u.modifiedOverflows(eta); err != nil {
		return nil, err
	}
	d := n + m
	out := &lqr.QuadraticCost{Final: lqr.Final{
		Cxx: mat.NewDense(n, n, append([]float64(nil), u.fxx...)),
		Cx:  mat.NewVecDense(n, append([]float64(nil), u.fx...)),
		C0:  u.fc0,
	}}
	for t := 0; t < T; t++ {
		Z := mat.NewSymDense(d, nil)
		for a := 0; a < d; a++ {
			for b := a; b < d; b++ {
				Z.SetSym(a, b, u.zz(t, a, b))
			}
		}
		z := make([]float64, d)
		copy(z, u.mcx[t*n:(t+1)*n])
		copy(z[n:], u.mcu[t*m:(t+1)*m])
		out.Czz = append(out.Czz, Z)
		out.Cz = append(out.Cz, mat.NewVecDense(d, z))
		out.C0 = append(out.C0, u.mc0[t])
	}
	return out, nil
}

// SolveAtEta runs the x-step of the dual at one fixed η (the lecture's
// inner step of the trust region): LQR on the modified cost c̃ = c/η −
// log p̄ (ModifiedCost), the maximum-entropy controller
// p(u|x) = N(Kx + k, Q̃uu⁻¹), its trajectory distribution under dyn and
// its KL from prev. It returns an error that satisfies lqr.IsNotPD when
// Q̃uu is not positive definite at this η (η is too small: raise it), the
// errors of Controller.Dims, Dynamics.Dims and QuadraticCost.Dims (and
// one when their sizes differ), and an error naming η when the solution,
// its KL or its expected cost overflows: a result's KL and cost are
// finite. The result is the caller's; for many calls reuse an Updater.
func SolveAtEta(prev *lqr.Controller, dyn *lqr.Dynamics, q *lqr.QuadraticCost, eta float64) (*EtaSolution, error) {
	u, err := updaterFor(prev)
	if err != nil {
		return nil, err
	}
	s, err := u.SolveAtEta(prev, dyn, q, eta)
	if err != nil {
		return nil, err
	}
	c := *s
	c.Controller, c.Dist = s.Controller.Clone(), s.Dist.Clone()
	return &c, nil
}

// Updater holds the workspace of KL-constrained updates for one size
// (n, m, T): flat row-major storage for the previous controller, the model,
// the cost, the candidate controller and its trajectory distribution, so
// that an update allocates (almost) nothing. Results it returns are views
// of that storage, overwritten by its next call: Clone what must outlive
// it. It is not safe for concurrent use.
type Updater struct {
	n, m, T int
	solver  *lqr.Solver
	prob    lqr.Problem
	// previous controller: gains, offsets, precision P = Σ̄⁻¹, log det Σ̄
	pK, pk, pP, pLogDet []float64
	// −log p̄ as a quadratic in z = [x; u]: Hessian (d×d), gradient, constant
	nlH, nlG, nlC []float64
	// original cost: Czz (d×d), Cz, C0 per step and the final cost
	qzz, qz, qc0, qfxx, qfx []float64
	qfc0                    float64
	// modified cost c/η − log p̄ per step, the storage behind prob
	mcxx, mcuu, mcux, mcx, mcu, mc0, fxx, fx []float64
	fc0                                      float64
	// model: F = [Fx Fu] (n×d), offsets, noise, initial state
	F, f0, W, x0, S0 []float64
	// candidate controller (K, k, Σ) and log det Σ
	cK, ck, cS, cLogDet []float64
	// trajectory distribution: z means and covariances, final state
	zm, zS, xm, xS []float64
	// scratch
	L, col, mux, Sx, SxKt, FS, dK, W1, W2, dmu, Pd []float64
	ctrl                                           *lqr.Controller
	dist                                           *lqr.TrajDist
	sol                                            EtaSolution
	res                                            KLResult
	cfg                                            KLConfig // of the running Update
}

// NewUpdater allocates the workspace for state dimension n, action
// dimension m and horizon T. It returns an error, before allocating,
// unless n, m, T ≥ 1 and n·m·T and (n+m)·(n+m)·T are each at most
// limits.MaxElements (2^27 numbers, 1 GiB).
func NewUpdater(n, m, T int) (*Updater, error) {
	const fn = "trajopt: NewUpdater"
	if err := limits.Check(fn, "n × m × T", n, m, T); err != nil {
		return nil, err
	}
	if err := limits.Check(fn, "(n+m) × (n+m) × T", n+m, n+m, T); err != nil {
		return nil, err
	}
	solver, err := lqr.NewSolver(n, m, T)
	if err != nil {
		return nil, err
	}
	d := n + m
	f := func(k int) []float64 { return make([]float64, k) }
	u := &Updater{n: n, m: m, T: T, solver: solver,
		pK: f(T * m * n), pk: f(T * m), pP: f(T * m * m), pLogDet: f(T),
		nlH: f(T * d * d), nlG: f(T * d), nlC: f(T),
		qzz: f(T * d * d), qz: f(T * d), qc0: f(T), qfxx: f(n * n), qfx: f(n),
		mcxx: f(T * n * n), mcuu: f(T * m * m), mcux: f(T * m * n), mcx: f(T * n), mcu: f(T * m), mc0: f(T),
		fxx: f(n * n), fx: f(n),
		F: f(T * n * d), f0: f(T * n), W: f(T * n * n), x0: f(n), S0: f(n * n),
		cK: f(T * m * n), ck: f(T * m), cS: f(T * m * m), cLogDet: f(T),
		zm: f(T * d), zS: f(T * d * d), xm: f(n), xS: f(n * n),
		L: f(m * m), col: f(d), mux: f(n), Sx: f(n * n), SxKt: f(n * m), FS: f(n * d),
		dK: f(m * n), W1: f(m * n), W2: f(m * n), dmu: f(m), Pd: f(m),
	}
	u.prob.Steps = make([]lqr.Step, T)
	u.ctrl = &lqr.Controller{K: make([]*mat.Dense, T), Kff: make([]*mat.VecDense, T), Cov: make([]*mat.SymDense, T)}
	u.dist = &lqr.TrajDist{Mean: make([]*mat.VecDense, T), Cov: make([]*mat.SymDense, T),
		FinalMean: mat.NewVecDense(n, u.xm), FinalCov: mat.NewSymDense(n, u.xS)}
	for t := 0; t < T; t++ {
		st := &u.prob.Steps[t]
		st.Cxx = mat.NewDense(n, n, u.mcxx[t*n*n:(t+1)*n*n])
		st.Cuu = mat.NewDense(m, m, u.mcuu[t*m*m:(t+1)*m*m])
		st.Cux = mat.NewDense(m, n, u.mcux[t*m*n:(t+1)*m*n])
		st.Cx = mat.NewVecDense(n, u.mcx[t*n:(t+1)*n])
		st.Cu = mat.NewVecDense(m, u.mcu[t*m:(t+1)*m])
		u.ctrl.K[t] = mat.NewDense(m, n, u.cK[t*m*n:(t+1)*m*n])
		u.ctrl.Kff[t] = mat.NewVecDense(m, u.ck[t*m:(t+1)*m])
		u.ctrl.Cov[t] = mat.NewSymDense(m, u.cS[t*m*m:(t+1)*m*m])
		u.dist.Mean[t] = mat.NewVecDense(d, u.zm[t*d:(t+1)*d])
		u.dist.Cov[t] = mat.NewSymDense(d, u.zS[t*d*d:(t+1)*d*d])
	}
	u.prob.Final = lqr.Final{Cxx: mat.NewDense(n, n, u.fxx), Cx: mat.NewVecDense(n, u.fx)}
	u.sol = EtaSolution{Controller: u.ctrl, Dist: u.dist}
	return u, nil
}

// updaterFor allocates an updater of prev's size.
func updaterFor(prev *lqr.Controller) (*Updater, error) {
	n, m, T, err := prev.Dims()
	if err != nil {
		return nil, err
	}
	return NewUpdater(n, m, T)
}

// ready returns an error if u is nil or was not made by NewUpdater.
func (u *Updater) ready(fn string) error {
	switch {
	case u == nil:
		return fmt.Errorf("trajopt: %s: nil Updater (make one with NewUpdater)", fn)
	case u.solver == nil:
		return fmt.Errorf("trajopt: %s: the Updater was not made by NewUpdater", fn)
	}
	return nil
}

func checkEta(eta float64) error {
	if !(eta > 0) || math.IsInf(eta, 0) {
		return fmt.Errorf("trajopt: η = %v, want a finite value > 0", eta)
	}
	return nil
}

// load validates the inputs against the updater's size and copies them
// into its flat storage.
func (u *Updater) load(prev *lqr.Controller, dyn *lqr.Dynamics, q *lqr.QuadraticCost) error {
	n, m, T, err := prev.Dims()
	if err != nil {
		return err
	}
	dn, dm, dT, err := dyn.Dims()
	if err != nil {
		return err
	}
	qn, qm, qT, err := q.Dims()
	if err != nil {
		return err
	}
	if dn != n || dm != m || dT != T || qn != n || qm != m || qT != T || n != u.n || m != u.m || T != u.T {
		return fmt.Errorf("trajopt: controller (n=%d, m=%d, T=%d), dynamics (n=%d, m=%d, T=%d), cost (n=%d, m=%d, T=%d) and updater (n=%d, m=%d, T=%d) differ",
			n, m, T, dn, dm, dT, qn, qm, qT, u.n, u.m, u.T)
	}
	if err := u.loadPrev(prev); err != nil {
		return err
	}
	if err := u.loadCost(q); err != nil {
		return err
	}
	d := n + m
	for t := 0; t < T; t++ {
		F := u.F[t*n*d : (t+1)*n*d]
		for i := 0; i < n; i++ {
			for j := 0; j < n; j++ {
				F[i*d+j] = dyn.Fx[t].At(i, j)
				u.W[t*n*n+i*n+j] = dyn.Cov[t].At(i, j)
			}
			for j := 0; j < m; j++ {
				F[i*d+n+j] = dyn.Fu[t].At(i, j)
			}
			u.f0[t*n+i] = dyn.F0[t].AtVec(i)
		}
		st := &u.prob.Steps[t]
		st.A, st.B, st.Offset = dyn.Fx[t], dyn.Fu[t], dyn.F0[t]
	}
	for i := 0; i < n; i++ {
		u.x0[i] = dyn.X0Mean.AtVec(i)
		for j := 0; j < n; j++ {
			u.S0[i*n+j] = dyn.X0Cov.At(i, j)
		}
	}
	return nil
}

// loadPrev stores p̄ and the terms of −log p̄ in z = [x; u]:
//
//	½ zᵀ [K̄ᵀPK̄  −K̄ᵀP; −PK̄  P] z + zᵀ [K̄ᵀP k̄; −P k̄] + ½ k̄ᵀP k̄ + ½ log det(2πΣ̄),
//
// with P = Σ̄⁻¹.
func (u *Updater) loadPrev(c *lqr.Controller) error {
	n, m, T, err := c.Dims()
	if err != nil {
		return err
	}
	if n != u.n || m != u.m || T != u.T {
		return fmt.Errorf("trajopt: controller (n=%d, m=%d, T=%d) does not match the updater (n=%d, m=%d, T=%d)", n, m, T, u.n, u.m, u.T)
	}
	d := n + m
	for t := 0; t < T; t++ {
		K, k, P := u.pK[t*m*n:(t+1)*m*n], u.pk[t*m:(t+1)*m], u.pP[t*m*m:(t+1)*m*m]
		for i := 0; i < m; i++ {
			k[i] = c.Kff[t].AtVec(i)
			for j := 0; j < n; j++ {
				K[i*n+j] = c.K[t].At(i, j)
			}
			for j := 0; j < m; j++ {
				u.L[i*m+j] = c.Cov[t].At(i, j)
			}
		}
		if !small.Cholesky(u.L, u.L, m) {
			return fmt.Errorf("trajopt: previous controller's covariance at t = %d is not positive definite", t)
		}
		u.pLogDet[t] = cholLogDet(u.L, m)
		cholInverse(P, u.L, u.col, m)
		// W1 = P K̄ (m×n), Pd = P k̄.
		small.Mul(u.W1, P, K, m, m, n)
		small.MulVec(u.Pd, P, k, m, m)
		H, g := u.nlH[t*d*d:(t+1)*d*d], u.nlG[t*d:(t+1)*d]
		for i := 0; i < n; i++ {
			for j := 0; j < n; j++ {
				acc := 0.0
				for l := 0; l < m; l++ {
					acc += K[l*n+i] * u.W1[l*n+j]
				}
				H[i*d+j] = acc
			}
			for j := 0; j < m; j++ {
				H[i*d+n+j] = -u.W1[j*n+i]
				H[(n+j)*d+i] = -u.W1[j*n+i]
			}
			acc := 0.0
			for l := 0; l < m; l++ {
				acc += K[l*n+i] * u.Pd[l]
			}
			g[i] = acc
		}
		for i := 0; i < m; i++ {
			for j := 0; j < m; j++ {
				H[(n+i)*d+n+j] = P[i*m+j]
			}
			g[n+i] = -u.Pd[i]
		}
		small.Symmetrize(H, d)
		u.nlC[t] = 0.5*small.Dot(k, u.Pd) + 0.5*(float64(m)*math.Log(2*math.Pi)+u.pLogDet[t])
	}
	return nil
}

// loadCost validates q (QuadraticCost.Dims, against the updater's size)
// and stores it.
func (u *Updater) loadCost(q *lqr.QuadraticCost) error {
	n, m, T := u.n, u.m, u.T
	d := n + m
	qn, qm, qT, err := q.Dims()
	if err != nil {
		return err
	}
	if qn != n || qm != m || qT != T {
		return fmt.Errorf("trajopt: cost (n=%d, m=%d, T=%d) does not match the updater (n=%d, m=%d, T=%d)", qn, qm, qT, n, m, T)
	}
	for t := 0; t < T; t++ {
		for a := 0; a < d; a++ {
			for b := a; b < d; b++ {
				v := q.Czz[t].At(a, b)
				u.qzz[t*d*d+a*d+b], u.qzz[t*d*d+b*d+a] = v, v
			}
			u.qz[t*d+a] = q.Cz[t].AtVec(a)
		}
		u.qc0[t] = q.C0[t]
	}
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			u.qfxx[i*n+j] = 0.5 * (q.Final.Cxx.At(i, j) + q.Final.Cxx.At(j, i))
		}
		u.qfx[i] = 0
		if q.Final.Cx != nil {
			u.qfx[i] = q.Final.Cx.AtVec(i)
		}
	}
	u.qfc0 = q.Final.C0
	return nil
}

// modifiedOverflows returns an error naming η and the step if the modified
// cost c/η − log p̄ in the problem's storage is not finite.
func (u *Updater) modifiedOverflows(eta float64) error {
	n, m := u.n, u.m
	for t := 0; t < u.T; t++ {
		for _, v := range [...][]float64{u.mcxx[t*n*n : (t+1)*n*n], u.mcuu[t*m*m : (t+1)*m*m], u.mcux[t*m*n : (t+1)*m*n],
			u.mcx[t*n : (t+1)*n], u.mcu[t*m : (t+1)*m], u.mc0[t : t+1]} {
			if !allFinite(v) {
				return fmt.Errorf("trajopt: the modified cost c/η − log p̄ overflows at η = %g, t = %d (the cost is too large for this η)", eta, t)
			}
		}
	}
	if !allFinite(u.fxx) || !allFinite(u.fx) || !allFinite([]float64{u.fc0}) {
		return fmt.Errorf("trajopt: the modified cost c/η − log p̄ overflows at η = %g at the final state (the cost is too large for this η)", eta)
	}
	return nil
}

// allFinite reports whether v holds no NaN and no infinity.
func allFinite(v []float64) bool {
	for _, x := range v {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return false
		}
	}
	return true
}

// zz is entry (a, b) of the modified cost's Hessian at step t.
func (u *Updater) zz(t, a, b int) float64 {
	n, m := u.n, u.m
	switch {
	case a < n && b < n:
		return u.mcxx[t*n*n+a*n+b]
	case a >= n && b >= n:
		return u.mcuu[t*m*m+(a-n)*m+b-n]
	case a >= n:
		return u.mcux[t*m*n+(a-n)*n+b]
	default:
		return u.mcux[t*m*n+(b-n)*n+a]
	}
}

// modify writes c/η − log p̄ into the problem's storage.
func (u *Updater) modify(eta float64) {
	n, m, T := u.n, u.m, u.T
	d := n + m
	s := 1 / eta
	for t := 0; t < T; t++ {
		Q, H := u.qzz[t*d*d:(t+1)*d*d], u.nlH[t*d*d:(t+1)*d*d]
		cxx, cuu, cux := u.mcxx[t*n*n:(t+1)*n*n], u.mcuu[t*m*m:(t+1)*m*m], u.mcux[t*m*n:(t+1)*m*n]
		for i := 0; i < n; i++ {
			for j := 0; j < n; j++ {
				cxx[i*n+j] = s*Q[i*d+j] + H[i*d+j]
			}
		}
		for i := 0; i < m; i++ {
			for j := 0; j < m; j++ {
				cuu[i*m+j] = s*Q[(n+i)*d+n+j] + H[(n+i)*d+n+j]
			}
			for j := 0; j < n; j++ {
				cux[i*n+j] = s*Q[(n+i)*d+j] + H[(n+i)*d+j]
			}
		}
		g, G := u.qz[t*d:(t+1)*d], u.nlG[t*d:(t+1)*d]
		for i := 0; i < n; i++ {
			u.mcx[t*n+i] = s*g[i] + G[i]
		}
		for i := 0; i < m; i++ {
			u.mcu[t*m+i] = s*g[n+i] + G[n+i]
		}
		u.mc0[t] = s*u.qc0[t] + u.nlC[t]
		u.prob.Steps[t].C0 = u.mc0[t]
	}
	for i := range u.fxx {
		u.fxx[i] = s * u.qfxx[i]
	}
	for i := range u.fx {
		u.fx[i] = s * u.qfx[i]
	}
	u.fc0 = s * u.qfc0
	u.prob.Final.C0 = u.fc0
}

// solve runs the x-step at η on loaded inputs and returns the KL. notPD is
// the first step whose Q̃uu is not positive definite at this η (the stored
// controller is then unspecified), or −1.
func (u *Updater) solve(eta float64) (kl float64, notPD int, err error) {
	u.modify(eta)
	sol, err := u.solver.Backward(&u.prob, lqr.Options{})
	var np *lqr.NotPDError
	if errors.As(err, &np) {
		return 0, np.T, nil
	}
	if err != nil {
		return 0, -1, err
	}
	n, m, T := u.n, u.m, u.T
	// The maximum-entropy controller: Σ_t = Q̃uu_t⁻¹.
	for t := 0; t < T; t++ {
		if !small.Cholesky(u.L, sol.Quu[t].RawMatrix().Data, m) {
			return 0, t, nil
		}
		u.cLogDet[t] = -cholLogDet(u.L, m)
		cholInverse(u.cS[t*m*m:(t+1)*m*m], u.L, u.col, m)
		copy(u.cK[t*m*n:(t+1)*m*n], sol.K[t].RawMatrix().Data)
		copy(u.ck[t*m:(t+1)*m], sol.Kff[t].RawVector().Data)
	}
	u.forward()
	return u.kl(), -1, nil
}

// forward propagates the trajectory distribution (lqr.Forward's equations
// on flat storage):
//
//	μu = K μx + k,  Σxu = Σx Kᵀ,  Σuu = K Σx Kᵀ + Σ
//	μx' = F μz + f, Σx' = F Σz Fᵀ + W,   F = [Fx Fu].
func (u *Updater) forward() {
	n, m, T := u.n, u.m, u.T
	d := n + m
	copy(u.mux, u.x0)
	copy(u.Sx, u.S0)
	for t := 0; t < T; t++ {
		K, k, S := u.cK[t*m*n:(t+1)*m*n], u.ck[t*m:(t+1)*m], u.cS[t*m*m:(t+1)*m*m]
		zm, zS := u.zm[t*d:(t+1)*d], u.zS[t*d*d:(t+1)*d*d]
		copy(zm, u.mux)
		small.MulVec(zm[n:], K, u.mux, m, n)
		for i := 0; i < m; i++ {
			zm[n+i] += k[i]
		}
		// Σx Kᵀ (n×m): row i is Σx_i · Kᵀ.
		for i := 0; i < n; i++ {
			for j := 0; j < m; j++ {
				u.SxKt[i*m+j] = small.Dot(u.Sx[i*n:(i+1)*n], K[j*n:(j+1)*n])
			}
		}
		for i := 0; i < n; i++ {
			copy(zS[i*d:i*d+n], u.Sx[i*n:(i+1)*n])
			for j := 0; j < m; j++ {
				zS[i*d+n+j] = u.SxKt[i*m+j]
				zS[(n+j)*d+i] = u.SxKt[i*m+j]
			}
		}
		for i := 0; i < m; i++ {
			for j := i; j < m; j++ {
				acc := 0.0
				for l := 0; l < n; l++ {
					acc += K[i*n+l] * u.SxKt[l*m+j]
				}
				v := acc + S[i*m+j]
				zS[(n+i)*d+n+j], zS[(n+j)*d+n+i] = v, v
			}
		}
		F := u.F[t*n*d : (t+1)*n*d]
		small.MulVec(u.mux, F, zm, n, d)
		for i := 0; i < n; i++ {
			u.mux[i] += u.f0[t*n+i]
		}
		small.Mul(u.FS, F, zS, n, d, d)
		W := u.W[t*n*n : (t+1)*n*n]
		for i := 0; i < n; i++ {
			for j := i; j < n; j++ {
				v := small.Dot(u.FS[i*d:(i+1)*d], F[j*d:(j+1)*d]) + 0.5*(W[i*n+j]+W[j*n+i])
				u.Sx[i*n+j], u.Sx[j*n+i] = v, v
			}
		}
	}
	copy(u.xm, u.mux)
	copy(u.xS, u.Sx)
}

// kl is lqr.KL on flat storage: Σ_t E_{p(x_t)} D_KL(p(u|x) ‖ p̄(u|x)) with
//
//	D_KL = ½ [tr(PΣ) − m + log det Σ̄ − log det Σ + Δμᵀ P Δμ + tr(ΔKᵀ P ΔK Σx)].
func (u *Updater) kl() float64 {
	n, m, T := u.n, u.m, u.T
	d := n + m
	total := 0.0
	for t := 0; t < T; t++ {
		P, S := u.pP[t*m*m:(t+1)*m*m], u.cS[t*m*m:(t+1)*m*m]
		tr := 0.0
		for i := range P {
			tr += P[i] * S[i] // both symmetric: tr(PΣ) = Σ P_ij Σ_ij
		}
		K, Kb := u.cK[t*m*n:(t+1)*m*n], u.pK[t*m*n:(t+1)*m*n]
		for i := range u.dK {
			u.dK[i] = K[i] - Kb[i]
		}
		zm, zS := u.zm[t*d:(t+1)*d], u.zS[t*d*d:(t+1)*d*d]
		small.MulVec(u.dmu, u.dK, zm[:n], m, n)
		for i := 0; i < m; i++ {
			u.dmu[i] += u.ck[t*m+i] - u.pk[t*m+i]
		}
		small.MulVec(u.Pd, P, u.dmu, m, m)
		quad := small.Dot(u.dmu, u.Pd)
		// tr(ΔKᵀ P ΔK Σx) = Σ_ij (PΔK)_ij (ΔK Σx)_ij, Σx symmetric.
		small.Mul(u.W1, P, u.dK, m, m, n)
		for i := 0; i < m; i++ {
			for j := 0; j < n; j++ {
				acc := 0.0
				for l := 0; l < n; l++ {
					acc += u.dK[i*n+l] * zS[l*d+j]
				}
				quad += u.W1[i*n+j] * acc
			}
		}
		total += 0.5 * (tr - float64(m) + u.pLogDet[t] - u.cLogDet[t] + quad)
	}
	return total
}

// expectedCost is E_p[J] under the stored distribution and the original
// cost: Σ_t ½ tr(C Σz) + ½ μᵀCμ + cᵀμ + c0, plus the same for x_T.
func (u *Updater) expectedCost() float64 {
	n, m, T := u.n, u.m, u.T
	d := n + m
	J := 0.0
	for t := 0; t < T; t++ {
		J += quadExpect(u.qzz[t*d*d:(t+1)*d*d], u.qz[t*d:(t+1)*d], u.qc0[t], u.zm[t*d:(t+1)*d], u.zS[t*d*d:(t+1)*d*d], d)
	}
	return J + quadExpect(u.qfxx, u.qfx, u.qfc0, u.xm, u.xS, n)
}

func quadExpect(C, c []float64, c0 float64, mu, S []float64, k int) float64 {
	tr := 0.0
	for i := range C[:k*k] {
		tr += C[i] * S[i] // both symmetric
	}
	return 0.5*tr + 0.5*small.Quad(mu, C, mu, k, k) + small.Dot(c, mu) + c0
}

// cholLogDet returns log det(L Lᵀ) for a Cholesky factor L.
func cholLogDet(L []float64, m int) float64 {
	s := 0.0
	for i := 0; i < m; i++ {
		s += math.Log(L[i*m+i])
	}
	return 2 * s
}

// cholInverse writes (L Lᵀ)⁻¹ into dst (m×m); col is scratch of length m.
func cholInverse(dst, L, col []float64, m int) {
	for i := range dst[:m*m] {
		dst[i] = 0
	}
	for i := 0; i < m; i++ {
		dst[i*m+i] = 1
	}
	small.CholSolve(L, dst, col, m, m)
	small.Symmetrize(dst, m)
}

// SolveAtEta is the package-level SolveAtEta on this updater's storage:
// the result is overwritten by the updater's next call. Its errors are
// those of SolveAtEta, and one for a nil Updater or one not made by
// NewUpdater.
func (u *Updater) SolveAtEta(prev *lqr.Controller, dyn *lqr.Dynamics, q *lqr.QuadraticCost, eta float64) (*EtaSolution, error) {
	if err := u.ready("SolveAtEta"); err != nil {
		return nil, err
	}
	if err := checkEta(eta); err != nil {
		return nil, err
	}
	if err := u.load(prev, dyn, q); err != nil {
		return nil, err
	}
	kl, notPD, err := u.solve(eta)
	if err != nil {
		return nil, err
	}
	if notPD >= 0 {
		return nil, fmt.Errorf("trajopt: at η = %g: %w (η is too small; raise it)", eta, &lqr.NotPDError{T: notPD})
	}
	ec := u.expectedCost()
	if err := checkResult(eta, kl, ec); err != nil {
		return nil, err
	}
	u.sol.Eta, u.sol.KL, u.sol.ExpectedCost = eta, kl, ec
	return &u.sol, nil
}

// checkResult returns an error naming η if the KL or the expected cost of
// the x-step there is not finite: the trajectory distribution under the
// model, or the cost under it, overflowed.
func checkResult(eta, kl, cost float64) error {
	switch {
	case math.IsNaN(kl) || math.IsInf(kl, 0):
		return fmt.Errorf("trajopt: at η = %g the KL overflows (%v): the trajectory distribution under the model is not finite", eta, kl)
	case math.IsNaN(cost) || math.IsInf(cost, 0):
		return fmt.Errorf("trajopt: at η = %g the expected cost overflows (%v)", eta, cost)
	}
	return nil
}
